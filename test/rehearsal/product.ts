// The rehearsal's product folder and what it does with a folder of manifests: apply it, compare it with the live objects.
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../../lib/program/cli';
import { getItems, Kube, kubectl } from './kube';
import { compareObjects } from './live-equals-desired';

const REPO = path.join(__dirname, '..', '..');
type Json = Record<string, any>;
type Mode = 'client-side' | 'server-side';

const failures: string[] = [];
const report: string[] = [];
const log = (line: string): void => void process.stderr.write(`[rehearsal] ${line}\n`);
const seconds = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)}s`;

/**
 * A product as a folder of its own, synthesised (unless `reuse` finds it synthesised already): DVMM (the repository root, `name` dvmm) or an example
 * (`examples/<name>`), its main.ts importing this repository's library by path.
 */
function productCopy(work: string, name = 'dvmm', reuse = false): string {
  const source = name === 'dvmm' ? REPO : path.join(REPO, 'examples', name);
  const product = path.join(work, name);
  // A copy synthesised already (the plan's, scripts/rehearse.sh): kept, with what earlier control planes released.
  if (reuse && fs.existsSync(path.join(product, 'dist'))) return product;
  for (const folder of ['environments', 'realms']) {
    if (fs.existsSync(path.join(source, folder))) fs.cpSync(path.join(source, folder), path.join(product, folder), { recursive: true });
  }
  const main = fs.readFileSync(path.join(source, 'main.ts'), 'utf8');
  // `from './lib'` (DVMM), `from '../../lib'` and `'../../lib/program'` (the examples).
  const library = /from '(?:\.\.?\/)+lib(\/program)?'/g;
  if (!library.test(main)) throw new Error(`${source}/main.ts no longer imports the library by a relative path; adapt the rehearsal's product copy`);
  fs.writeFileSync(
    path.join(product, 'main.ts'),
    main.replace(library, (_, sub: string | undefined) => `from ${JSON.stringify(path.join(REPO, 'lib') + (sub ?? ''))}`),
  );
  cli(product, ['synth']);
  return product;
}

/** Runs an eaf-cdk8s command in the product folder; its progress lines go to the log. */
function cli(product: string, args: readonly string[]): void {
  const lines: string[] = [];
  const io = { log: (l: string) => lines.push(l), out: () => undefined, cwd: product, env: {}, crdDirectory: path.join(REPO, 'crds') };
  const code = runCli([...args, '--dir', product], { ...io, version: '0.2.0' });
  for (const line of lines.filter((l) => !l.startsWith('wrote '))) log(`  ${line.replaceAll(product, '<dvmm>')}`);
  if (code !== 0) throw new Error(`eaf-cdk8s ${args.join(' ')} exited ${code}`);
}

/** The rendered objects of a folder. */
function rendered(dir: string): Json[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJS() as Json))
    .filter((o) => o !== null);
}

/** Applies a folder (its Namespaces first, as an empty cluster needs), the way `oc apply` or a server-side apply does. */
async function apply(kube: Kube, dir: string, mode: Mode, work: string): Promise<void> {
  const namespaces = path.join(work, 'namespaces.json');
  fs.writeFileSync(
    namespaces,
    rendered(dir)
      .filter((o) => o.kind === 'Namespace')
      .map((o) => JSON.stringify(o))
      .join('\n'),
  );
  const how = mode === 'server-side' ? ['--server-side', '--field-manager', 'eaf-cdk8s'] : [];
  for (const file of [namespaces, dir]) {
    const { stderr } = await kubectl(kube, ['apply', ...how, '-f', file]);
    if (stderr.trim() !== '') log(`  kubectl apply ${mode} ${path.basename(file)}: ${stderr.trim()}`);
  }
}

/** Live equals desired: every object of the folder read back and compared with what was rendered. */
async function liveEqualsDesired(kube: Kube, dir: string, label: string): Promise<void> {
  const objects = rendered(dir);
  const live = await getItems(kube, ['-f', dir]);
  const differences = compareObjects(objects, live);
  for (const d of differences) failures.push(`${label}: live differs from rendered: ${d}`);
  report.push(`${label}: live equals desired: ${objects.length} objects, ${differences.length} differences`);
}

/** The namespace of an environment's workloads (where its Deployments, or its Rollouts, are). */
const workloadNamespace = (dir: string): string => rendered(dir).find((o) => o.kind === 'Deployment' || o.kind === 'Rollout')?.metadata.namespace;

/** The active Services: those selecting a colour, but not the `-preview` ones nor the switch gate's `-next` ones. */
const activeServices = (dir: string): string[] =>
  rendered(dir)
    .filter((o) => o.kind === 'Service' && o.spec?.selector?.['eaf.io/color'] !== undefined && !/-(preview|next)$/.test(o.metadata.name))
    .map((o) => o.metadata.name as string);

export { activeServices, apply, cli, failures, liveEqualsDesired, log, productCopy, rendered, report, seconds, workloadNamespace };
export type { Json, Mode };
