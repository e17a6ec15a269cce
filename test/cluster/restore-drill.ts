// Writes the api-only example's production (monthly restore drills) to <folder>/production/, and beside its manifests
// what the drill's job applies at run time: the ObjectStore and the recovery Cluster kept as data in each drill's
// ConfigMap (`drill.json`). npm run test:cluster:drill applies the folder to the real kube-apiserver, so the manifests
// the job would create are proven against the CRDs, not assumed.
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { main } from '../../examples/api-only/main';

const [folder] = process.argv.slice(2);
if (folder === undefined) throw new Error('usage: restore-drill.ts <empty folder>');
const lines: string[] = [];
if (main({ outdir: folder, log: (line) => lines.push(line) }) !== 0) {
  console.error(lines.join('\n'));
  process.exit(1);
}
const environment = path.join(folder, 'production');
const manifests = fs
  .readdirSync(environment)
  .flatMap((file) => parseAllDocuments(fs.readFileSync(path.join(environment, file), 'utf8')).map((d) => d.toJS()))
  .filter((m) => m?.kind === 'ConfigMap' && typeof m.data?.['drill.json'] === 'string');
if (manifests.length === 0) throw new Error(`no restore drill ConfigMap in ${environment}`);
const items = manifests.flatMap((m) => JSON.parse(m.data['drill.json']).items);
fs.writeFileSync(path.join(environment, 'restore-drill.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items }, null, 2));
console.error(`restore drill: ${items.map((i) => `${i.kind}/${i.metadata.namespace}/${i.metadata.name}`).join(', ')} written to ${environment}`);
