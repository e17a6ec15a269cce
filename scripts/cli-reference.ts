/**
 * The CLI reference: the command list and each command's `--help`, printed by the CLI itself from its command table
 * (lib/program/cli.ts), so the reference says what `eaf-cdk8s <command> --help` says.
 */
import { runCli } from '../lib/program';

/** What `eaf-cdk8s <args>` prints on stdout. */
function help(args: string[]): string {
  const printed: string[] = [];
  const code = runCli(args, {
    log: (line) => printed.push(line),
    out: (text) => printed.push(text),
    cwd: process.cwd(),
    env: {},
    crdDirectory: '',
    version: '',
  });
  if (code !== 0) throw new Error(`eaf-cdk8s ${args.join(' ')} exited ${code}: ${printed.join('\n')}`);
  return printed.join('\n').trimEnd();
}

/** `eaf-cdk8s --help`, then one section per command with its `--help`, as Markdown. */
export function cliReference(): string {
  const main = help(['--help']);
  const names = [...main.matchAll(/^ {2}(\S+) {2,}/gm)].map((m) => m[1]);
  const sections = names.map((name) => [`### \`eaf-cdk8s ${name}\``, '', '```text', help([name, '--help']), '```'].join('\n'));
  return ['```text', main, '```', ...sections].join('\n\n');
}
