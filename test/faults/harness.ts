import { spawn, spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { readTree } from '../tree';

/** Running the real program as a process, and reading the trees it leaves. */

export const REPO = path.join(__dirname, '..', '..');
export const ENVIRONMENTS = path.join(REPO, 'environments');
const DRIVER = path.join(__dirname, 'synth-process.ts');

/** Every file under `dir` with its text, or `undefined` when `dir` does not exist. */
export function tree(dir: string): Record<string, string> | undefined {
  return fs.existsSync(dir) ? readTree(dir) : undefined;
}

/** A copy of DVMM's environments with one edit to production, so its output differs from the original's. */
export function changedEnvironments(
  into: string,
  edit: (text: string) => string = (t) => t.replace('tags: { blue: 1.4.2, green: 1.5.0 }', 'tags: { blue: 1.4.2, green: 1.6.0 }'),
): string {
  fs.cpSync(ENVIRONMENTS, into, { recursive: true });
  const file = path.join(into, 'production.yaml');
  const text = fs.readFileSync(file, 'utf8');
  const changed = edit(text);
  if (changed === text) throw new Error('the edit changed nothing');
  fs.writeFileSync(file, changed);
  return into;
}

/** The program's command line. */
export function command(environments: string, outdir: string, prefix: string[] = []): [string, string[]] {
  const args = ['--import', 'tsx', DRIVER, environments, outdir];
  return prefix.length === 0 ? [process.execPath, args] : [prefix[0], [...prefix.slice(1), process.execPath, ...args]];
}

/** Runs the program to its end. */
export function run(environments: string, outdir: string, env: Record<string, string> = {}, prefix: string[] = []): SpawnSyncReturns<string> {
  const [cmd, args] = command(environments, outdir, prefix);
  return spawnSync(cmd, args, { cwd: REPO, encoding: 'utf8', env: { ...process.env, CDK8S_OUTDIR: '', ...env }, timeout: 120_000 });
}

/** Starts the program; resolves with its exit code, signal and output. */
export function start(
  environments: string,
  outdir: string,
  env: Record<string, string> = {},
): { done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>; kill: () => void } {
  const [cmd, args] = command(environments, outdir);
  const child = spawn(cmd, args, { cwd: REPO, env: { ...process.env, CDK8S_OUTDIR: '', ...env } });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { done, kill: () => child.kill('SIGKILL') };
}

/** A stack trace line, which the program must never print. */
export const STACK_LINE = /^\s+at .+\(.*:\d+:\d+\)$|^\s+at .*:\d+:\d+$/m;
