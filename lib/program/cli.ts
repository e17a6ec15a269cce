import { parseArgs } from 'util';
import { ProductLoadError } from './load-product';
import { OutputWriteError } from './output-writer';
import { ReleaseError } from './release';
import { ScaffoldError } from './scaffold';
import { CliIo, Command, CommandValues, GLOBAL_OPTIONS, GLOBAL_OPTIONS_HELP, InputError, UsageError } from './commands/command';
import { completionCommand } from './commands/completion';
import { DIFF } from './commands/diff';
import { INIT } from './commands/init';
import { PROMOTE, RELEASE, ROLLBACK, SWITCH } from './commands/release';
import { SCHEMA } from './commands/schema';
import { SECRETS } from './commands/secrets';
import { SYNTH } from './commands/synth';
import { VALIDATE } from './commands/validate';
import { VERIFY } from './commands/verify';

export type { CliIo } from './commands/command';

/**
 * `eaf-cdk8s`: the same proofs for every product. Exit codes: 0 done, 1 bad input or a failed check (every
 * problem printed), 2 usage. Progress goes to stderr, one line per step; nothing prints a stack trace for
 * bad input.
 */

/** The commands, in the order the help lists them; each in lib/program/commands/. */
const COMMANDS: Record<string, Command> = {
  init: INIT,
  synth: SYNTH,
  release: RELEASE,
  switch: SWITCH,
  rollback: ROLLBACK,
  promote: PROMOTE,
  diff: DIFF,
  secrets: SECRETS,
  validate: VALIDATE,
  verify: VERIFY,
  schema: SCHEMA,
  completion: completionCommand(() => COMMANDS),
};

/** Runs the CLI with `argv` (without node and the script); returns the exit code. */
export function runCli(argv: readonly string[], io: CliIo): number {
  const [name, ...rest] = argv;
  try {
    // Asked-for help and the version go to stdout (`eaf-cdk8s --help | less`); help after a usage error goes to stderr.
    if (name === undefined) {
      io.log(mainHelp());
      return 2;
    }
    if (name === '-h' || name === '--help' || name === 'help') {
      (io.out ?? io.log)(mainHelp());
      return 0;
    }
    if (name === '--version' || name === '-v') {
      (io.out ?? io.log)(io.version);
      return 0;
    }
    const command = COMMANDS[name];
    if (command === undefined) throw new UsageError(`unknown command ${name}; use one of: ${Object.keys(COMMANDS).join(', ')}`);
    if (rest.includes('--help') || rest.includes('-h')) {
      (io.out ?? io.log)(`usage: ${command.usage}\n\n${command.summary}.\n\n${command.help}\n\n${GLOBAL_OPTIONS_HELP}`);
      return 0;
    }
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({ args: [...rest], options: { ...command.options, ...GLOBAL_OPTIONS }, allowPositionals: true, strict: true });
    } catch (e) {
      throw new UsageError(`${(e as Error).message.replace(/\. To specify.*$/s, '')}`);
    }
    // --quiet: no progress lines; errors, findings and results still print.
    const quiet = parsed.values.quiet === true;
    return command.run(parsed as { values: CommandValues; positionals: string[] }, quiet ? { ...io, progress: () => undefined } : io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.log(`error: ${e.message}`);
      io.log(`usage: ${COMMANDS[name]?.usage ?? 'eaf-cdk8s <command> [options]; eaf-cdk8s --help lists the commands'}`);
      return 2;
    }
    if (e instanceof InputError || e instanceof ProductLoadError || e instanceof ScaffoldError || e instanceof OutputWriteError) {
      io.log(`error: ${e.message}`);
      return 1;
    }
    if (e instanceof ReleaseError) {
      for (const problem of e.problems) io.log(`error: ${problem}`);
      io.log(`${name}: nothing was changed`);
      return 1;
    }
    throw e;
  }
}

function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    'usage: eaf-cdk8s <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    "eaf-cdk8s <command> --help shows a command's options. Exit codes: 0 done, 1 bad input or a failed check, 2 usage.",
    GLOBAL_OPTIONS_HELP,
  ].join('\n');
}
