import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { WriteStep } from '../../lib/program';
import { REPO, STACK_LINE, tree } from './harness';

/**
 * The release commands' promise under SIGKILL, with real processes: `eaf-cdk8s switch` changes the environment file
 * and `dist/` together or not at all. A switch killed after any step of its write, or at a random moment, leaves
 * either nothing changed or a journal; the next `switch` completes the interrupted one (and makes no second move), so
 * the folder ends exactly as an uninterrupted switch leaves it: the same environment file, the same `dist/`, nothing
 * else. Staging's idle colour is smaller, so its switch has two steps (scale the idle colour, then move the Services);
 * both are killed.
 */

const DRIVER = path.join(__dirname, 'cli-process.ts');
const STAGING = path.join('environments', 'staging.yaml');
const JOURNAL = path.join('environments', '.release-journal.json');
/**
 * Where a kill leaves each kind of state: dist/ old (before the renames), moved aside, new without the journal closed.
 * The second step is killed at one of them only: each kill costs two whole processes (about 10 s each on an idle
 * 2-core machine), and the journal is the same for both steps.
 */
const KILL_STEPS: readonly WriteStep[] = ['staging-created', 'checked', 'old-moved', 'new-in-place', 'cleaned'];

interface Run {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/** `eaf-cdk8s <args> --dir <dir>` in its own process; a generous timeout for a loaded machine. */
function cli(dir: string, args: string[], env: Record<string, string> = {}): Run {
  const run = spawnSync(process.execPath, ['--import', 'tsx', DRIVER, ...args, '--dir', dir], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, CDK8S_OUTDIR: '', ...env },
    timeout: 240_000,
  });
  if (run.error) throw run.error;
  return { status: run.status, signal: run.signal, stderr: run.stderr };
}

/** The state a switch is judged by: the environment file, the output tree, and every name in the folder. */
interface State {
  readonly file: string;
  readonly dist: Record<string, string> | undefined;
  readonly names: readonly string[];
}
function state(dir: string): State {
  const names = [...fs.readdirSync(dir), ...fs.readdirSync(path.join(dir, 'environments')).map((n) => `environments/${n}`)].sort();
  return { file: fs.readFileSync(path.join(dir, STAGING), 'utf8'), dist: tree(path.join(dir, 'dist')), names };
}

/** The release lock of the environments folder (its directory and its owner record). */
const LEFT_LOCK = ['.environments.lock', '.environments.lock.owner'];

let tmp: string;
/** DVMM as a product folder with its output: before the switch, after its first step, after its second. */
let base: string;
let afterScale: string;
const reference: { scale?: State; route?: State } = {};
/** How long each uninterrupted step took here, on this load: the random kills spread over it. */
const duration: { scale?: number; route?: number } = {};
let count = 0;

/** A fresh copy of a product folder. */
function copy(from: string): string {
  const dir = path.join(tmp, `run-${++count}`);
  fs.cpSync(from, dir, { recursive: true });
  return dir;
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'release-kill-'));
  base = path.join(tmp, 'base');
  for (const folder of ['environments', 'realms']) fs.cpSync(path.join(REPO, folder), path.join(base, folder), { recursive: true });
  const main = fs.readFileSync(path.join(REPO, 'main.ts'), 'utf8').replace("from './lib'", `from ${JSON.stringify(path.join(REPO, 'lib'))}`);
  fs.writeFileSync(path.join(base, 'main.ts'), main);
  expect(cli(base, ['synth']).status).toBe(0);
  // The references: each step uninterrupted
  afterScale = copy(base);
  let started = Date.now();
  expect(cli(afterScale, ['switch', 'staging']).status).toBe(0);
  duration.scale = Date.now() - started;
  reference.scale = state(afterScale);
  const routed = copy(afterScale);
  started = Date.now();
  expect(cli(routed, ['switch', 'staging']).status).toBe(0);
  duration.route = Date.now() - started;
  reference.route = state(routed);
  // GIVEN the two steps change the file and the output each
  const before = state(base);
  expect(reference.scale.file).toContain('  switchTo: blue\n');
  expect(reference.scale.dist).not.toEqual(before.dist);
  expect(reference.route.file).toContain('  activeColor: blue\n');
  expect(reference.route.dist).not.toEqual(reference.scale.dist);
}, 900_000);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/**
 * What a kill may leave: nothing changed; the file changed with the journal open (dist/ old, new or moved aside); or,
 * killed after the journal closed (printing the diff), the whole step. Returns whether the step was complete.
 */
function assertInterim(dir: string, before: State, after: State): boolean {
  const now = state(dir);
  const journal = fs.existsSync(path.join(dir, JOURNAL));
  if (now.file === before.file) expect(journal).toBe(false);
  else expect(now.file).toBe(after.file);
  if (now.file === after.file && !journal) {
    // A kill between the journal's close and the lock's release leaves the lock of a process that is gone, which the
    // next command takes over (test/program/output-writer.test.ts): anything else must be the whole step.
    expect({ ...now, names: now.names.filter((n) => !LEFT_LOCK.includes(n)) }).toEqual(after);
    return true;
  }
  if (now.dist !== undefined) expect([before.dist, after.dist]).toContainEqual(now.dist);
  else expect(fs.readdirSync(dir).filter((n) => n.startsWith('.dist-previous-'))).toHaveLength(1);
  return false;
}

/** The next switch completes (or, when nothing had changed, makes) the step: the folder is the reference's exactly. */
function assertNextSwitchCompletes(dir: string, after: State): Run {
  const next = cli(dir, ['switch', 'staging']);
  expect(next.status).toBe(0);
  expect(next.stderr).not.toMatch(STACK_LINE);
  expect(state(dir)).toEqual(after);
  return next;
}

describe.each([
  {
    step: 'scale (release.switchTo: blue)',
    from: () => base,
    after: () => reference.scale!,
    took: () => duration.scale!,
    kills: KILL_STEPS,
    moments: [0.5, 0.9],
  },
  {
    step: 'route (release.activeColor: blue)',
    from: () => afterScale,
    after: () => reference.route!,
    took: () => duration.route!,
    kills: ['old-moved'] satisfies WriteStep[],
    moments: [0.7],
  },
])('eaf-cdk8s switch staging, $step, killed', ({ from, after, took, kills, moments }) => {
  test.each(kills)(
    'after the write step %s: the next switch completes it and makes no second move',
    (step) => {
      // GIVEN a switch killed right after that step of writing dist/
      const dir = copy(from());
      const before = state(dir);
      const killed = cli(dir, ['switch', 'staging'], { EAF_TEST_KILL_AT: step });
      expect(killed.signal).toBe('SIGKILL');
      // THEN the file is switched with the journal open (the kill came after the edit), dist/ old, new or aside
      expect(assertInterim(dir, before, after())).toBe(false);
      expect(state(dir).file).toBe(after().file);
      // WHEN switch runs again THEN it completes the interrupted one, and says so
      const next = assertNextSwitchCompletes(dir, after());
      expect(next.stderr).toContain(
        'switch: the interrupted switch of staging is complete now; not making another (run switch again for the next one)',
      );
    },
    600_000,
  );

  test('at moments spread over a whole run: whatever the kill left, the next switch ends where an uninterrupted one does', async () => {
    // Fractions of an uninterrupted run of the same step, measured on this machine at this load: the kill lands in
    // loading, composing or writing, wherever the time goes
    for (const fraction of moments) {
      const dir = copy(from());
      const before = state(dir);
      const child = spawn(process.execPath, ['--import', 'tsx', DRIVER, 'switch', 'staging', '--dir', dir], {
        cwd: REPO,
        env: { ...process.env, CDK8S_OUTDIR: '' },
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), Math.round(took() * fraction));
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.on('close', (code, signal) => resolve({ code, signal })),
      );
      clearTimeout(timer);
      if (exit.signal !== 'SIGKILL') {
        // the run was faster this time and finished: a whole step, nothing to recover
        expect(exit.code, stderr).toBe(0);
        expect(state(dir)).toEqual(after());
        continue;
      }
      if (!assertInterim(dir, before, after())) assertNextSwitchCompletes(dir, after());
    }
  }, 1_200_000);
});
