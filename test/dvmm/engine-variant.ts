import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { main } from '../../main';

const ENVIRONMENTS = path.join(__dirname, '..', '..', 'environments');
const STAGING_RELEASE = 'release:\n  strategy: blue-green\n  activeColor: green\n  idleReplicas: 1\n';

/** A copy of DVMM's environments whose staging file releases with `release` (components on `tag`), and its synth. */
export function synthStaging(release: string, tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dvmm-engine-'))): { code: number; lines: string[]; dist: string; objects: any[] } {
  const environments = path.join(tmp, 'environments');
  fs.cpSync(ENVIRONMENTS, environments, { recursive: true });
  const file = path.join(environments, 'staging.yaml');
  const text = fs.readFileSync(file, 'utf8');
  if (!text.includes(STAGING_RELEASE)) throw new Error('environments/staging.yaml no longer has the release section this test replaces');
  fs.writeFileSync(file, text.replace(STAGING_RELEASE, release).replace(/tags: \{ blue: [^,]+, green: ([^ ]+) \}/g, 'tag: $1'));
  const lines: string[] = [];
  const dist = path.join(tmp, 'dist');
  const code = main({ environmentsDir: environments, outdir: dist, log: (line) => lines.push(line), strict: false });
  const manifest = path.join(dist, 'staging', 'dvmm.k8s.yaml');
  const objects = code === 0 ? parseAllDocuments(fs.readFileSync(manifest, 'utf8')).map((d) => d.toJS()) : [];
  return { code, lines, dist, objects };
}

