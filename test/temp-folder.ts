import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const PREFIX = 'eaf-cdk8s-tests-';

/**
 * Vitest's global setup: every test run gets a temporary folder of its own, removed when the run ends, as the OS
 * temporary folder of its workers and of every process they start (`TMPDIR`, which `os.tmpdir()` reads). cdk8s's
 * `Testing.app()` makes an output folder per call and never removes it, and many tests make folders of their own:
 * without this, each `npm test` left some 350 folders in /tmp, and mutation runs, which repeat the tests for every
 * mutant, left hundreds of thousands.
 */
export default function setup(): () => void {
  const previous = process.env.TMPDIR;
  // The root config's setup runs before each project's (they extend it): one folder is enough.
  if (previous !== undefined && path.basename(previous).startsWith(PREFIX)) return () => undefined;
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), PREFIX));
  // Like /tmp: the permission tests run the program as another user (nobody), whose tsx keeps its cache here too.
  fs.chmodSync(folder, 0o1777);
  // tsx keeps its transform cache in the temporary folder: the shared one's stays in use.
  const tsxCache = `tsx-${os.userInfo().uid}`;
  fs.mkdirSync(path.join(os.tmpdir(), tsxCache), { recursive: true });
  fs.symlinkSync(path.join(os.tmpdir(), tsxCache), path.join(folder, tsxCache));
  process.env.TMPDIR = folder;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    fs.rmSync(folder, { recursive: true, force: true });
  };
}
