import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../synth';
import { ENVIRONMENTS, run, STACK_LINE, tree } from './harness';

/**
 * Permission problems are reported before anything is swapped: exit 1, a message naming the folder and the fix,
 * no stack trace, and `dist/` exactly as it was. Root ignores file modes, so as root the program runs as `nobody`.
 */

const AS_USER = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'perm-'));
  fs.chmodSync(tmp, 0o755);
});
afterEach(() => {
  fs.chmodSync(tmp, 0o755);
  for (const entry of fs.readdirSync(tmp, { recursive: true }).map((e) => path.join(tmp, String(e)))) {
    if (fs.lstatSync(entry).isDirectory()) fs.chmodSync(entry, 0o755);
  }
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** The output folder of a first, successful run, handed to the unprivileged user. */
function outputOwnedByRunner(): string {
  const dist = path.join(tmp, 'repo', 'dist');
  expect(main({ environmentsDir: ENVIRONMENTS, outdir: dist, log: () => undefined })).toBe(0);
  if (AS_USER.length > 0) {
    for (const entry of [
      path.join(tmp, 'repo'),
      ...fs.readdirSync(path.join(tmp, 'repo'), { recursive: true }).map((e) => path.join(tmp, 'repo', String(e))),
    ]) {
      fs.chownSync(entry, 65534, 65534);
    }
  }
  return dist;
}

test('a read-only repository root: exit 1 naming the folder, nothing written, no stack trace', () => {
  const dist = outputOwnedByRunner();
  const before = tree(dist);
  fs.chmodSync(path.dirname(dist), 0o555);
  const result = run(ENVIRONMENTS, dist, {}, AS_USER);
  expect(result.status).toBe(1);
  expect(result.stderr).toContain(
    `error: cannot lock ${dist} (${path.join(path.dirname(dist), '.dist.lock')}): EACCES (permission denied); make ${path.dirname(dist)} writable`,
  );
  expect(result.stderr).toContain(`nothing was written; ${dist} is unchanged`);
  expect(result.stderr).not.toMatch(STACK_LINE);
  expect(tree(dist)).toEqual(before);
});

test('an output folder that cannot be removed: found before the swap, exit 1, dist/ unchanged', () => {
  const dist = outputOwnedByRunner();
  const before = tree(dist);
  fs.chmodSync(path.join(dist, 'production'), 0o555);
  const result = run(ENVIRONMENTS, dist, {}, AS_USER);
  expect(result.status).toBe(1);
  expect(result.stderr).toContain(
    `error: cannot replace ${dist}: ${path.join(dist, 'production')} is not writable, so the old output could not be removed; make it writable (chmod -R u+w ${dist})`,
  );
  expect(result.stderr).not.toMatch(STACK_LINE);
  expect(tree(dist)).toEqual(before);
  expect(fs.readdirSync(path.dirname(dist)).sort()).toEqual(['dist']);
});
