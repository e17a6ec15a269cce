import { spawnSync } from 'child_process';
import * as fs from 'fs';

/**
 * Whole-process measurements for `npm run bench`: every process runs under GNU time (`/usr/bin/time -f '%e %M'`) for
 * its peak resident set; the wall time is taken around it with the monotonic clock (GNU time's own is in 10 ms steps).
 */

/** One process of a command. */
export interface Step {
  readonly argv: readonly string[];
  readonly cwd: string;
  /** Where its standard output goes (truncated every run); the null device when not given. */
  readonly stdout?: string;
}

/** What is timed as one sample: its processes, one after the other. */
export interface Command {
  readonly id: string;
  readonly label: string;
  readonly steps: readonly Step[];
  /** Run after the warm-up run: the problems of its output (empty when it is right). */
  readonly check?: () => string[];
  /** Run before the warm-up run (e.g. to remove an earlier output, so that the check reads this run's). */
  readonly beforeCheckedRun?: () => void;
}

/** One sample: wall time of all steps, the largest peak resident set of any of them (NaN without GNU time). */
export interface Sample {
  readonly wallMs: number;
  readonly maxRssKiB: number;
}

export const GNU_TIME = '/usr/bin/time';

/** A process that exited with an error (or could not start): its command line, status and the end of its stderr. */
export class StepFailed extends Error {
  constructor(step: Step, detail: string) {
    super(`${step.argv.join(' ')} (in ${step.cwd}) failed: ${detail}`);
    this.name = 'StepFailed';
  }
}

/** Whether GNU time is there to measure peak memory. */
export function hasGnuTime(): boolean {
  const probe = spawnSync(GNU_TIME, ['-f', '%M', 'true'], { encoding: 'utf8' });
  return probe.status === 0 && /^\d+\s*$/.test(probe.stderr);
}

/** Runs a command's steps one after the other. */
export function runCommand(command: Command, env: NodeJS.ProcessEnv, timeFile: string, gnuTime: boolean): Sample {
  let wallNs = 0n;
  let maxRssKiB = gnuTime ? 0 : NaN;
  for (const step of command.steps) {
    const out = step.stdout === undefined ? 'ignore' : fs.openSync(step.stdout, 'w');
    const argv = gnuTime ? [GNU_TIME, '-f', '%e %M', '-o', timeFile, ...step.argv] : [...step.argv];
    let result;
    const start = process.hrtime.bigint();
    try {
      result = spawnSync(argv[0], argv.slice(1), { cwd: step.cwd, env, stdio: ['ignore', out, 'pipe'], maxBuffer: 64 * 1024 * 1024 });
    } finally {
      wallNs += process.hrtime.bigint() - start;
      if (typeof out === 'number') fs.closeSync(out);
    }
    if (result.error !== undefined) throw new StepFailed(step, result.error.message);
    if (result.status !== 0) {
      const stderr = result.stderr.toString('utf8').trim().split('\n').slice(-15).join('\n');
      throw new StepFailed(step, `exit ${result.status ?? result.signal}\n${stderr}`);
    }
    if (gnuTime) {
      const last = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? '';
      const rss = Number(last.split(' ')[1]);
      if (!Number.isFinite(rss)) throw new StepFailed(step, `unexpected output of ${GNU_TIME}: ${last}`);
      maxRssKiB = Math.max(maxRssKiB, rss);
    }
  }
  return { wallMs: Number(wallNs) / 1e6, maxRssKiB };
}
