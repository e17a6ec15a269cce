import { execFileSync } from 'child_process';
import * as path from 'path';
import { CliIo } from '../../lib/program/cli';

const REPO = path.join(__dirname, '..', '..');

/**
 * The CLI's IO for a test: progress and errors split into `lines`, results into `outs`, the working folder `cwd`, the
 * repository's CRDs, version 0.2.0 and, if given, a stand-in for the real-tool tiers. Call it at each `runCli` so
 * the arrays a test has just replaced are the ones written.
 */
export function testIo(cwd: string, lines: string[], outs: string[], runTier?: CliIo['runTier']): CliIo {
  return {
    log: (line) => lines.push(...line.split('\n')),
    out: (text) => outs.push(text),
    cwd,
    env: {},
    crdDirectory: path.join(REPO, 'crds'),
    version: '0.2.0',
    runTier,
  };
}

/** git in `cwd` as a test author, without a signing key or global config: `git('commit', '-qm', 'x')`. */
export function gitIn(cwd: string): (...args: string[]) => Buffer {
  return (...args) =>
    execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], {
      cwd,
      stdio: 'pipe',
    });
}
