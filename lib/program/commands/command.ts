import { ParseArgsConfig } from 'util';
import type { VerifyTier } from '../cli-json';

/** What every command of the CLI shares: its IO, its shape, and the two errors it models (usage: 2, input: 1). */

/** Where the CLI writes and where it finds things; tests replace them. */
export interface CliIo {
  /** Results, notes and errors (stderr). */
  readonly log: (line: string) => void;
  /** Progress on a long step (stderr); `--quiet` silences it. @default - `log` */
  readonly progress?: (line: string) => void;
  /** A result meant for a file or a pull request (the Markdown manifest diff). @default - `log` */
  readonly out?: (text: string) => void;
  /** The working folder. */
  readonly cwd: string;
  /** Environment variables (CDK8S_OUTDIR). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The folder of the CRDs the gate checks custom resources against. */
  readonly crdDirectory: string;
  /** This package's version. */
  readonly version: string;
  /** How long a command waits for another run's lock (the output's, or a release command's), in ms. @default 120000 */
  readonly lockTimeoutMs?: number;
  /** Runs a real-tool tier; returns its exit code. */
  readonly runTier?: (tier: VerifyTier, dirs: string[], options?: { readonly quiet?: boolean }) => number;
}

/** A usage error: exit code 2. */
export class UsageError extends Error {}

/** Bad input found by the CLI itself (a missing product module, say): exit code 1. */
export class InputError extends Error {}

/** A command's parsed options. */
export type CommandValues = Record<string, string | boolean | undefined>;

/** One command of the CLI: its help and what it runs. */
export interface Command {
  readonly summary: string;
  readonly usage: string;
  readonly help: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** The words its first argument takes, for shell completion. @default - file names */
  readonly words?: readonly string[];
  run(args: { values: CommandValues; positionals: string[] }, io: CliIo): number;
}

/** Writes a progress line: to `io.progress`, else `io.log`. */
export function progress(io: CliIo, line: string): void {
  (io.progress ?? io.log)(line);
}

/** Writes a result meant for stdout: to `io.out`, else `io.log`. */
export function output(io: CliIo, text: string): void {
  (io.out ?? io.log)(text);
}

/** The options every command takes, besides its own (`--help` is answered before parsing). */
export const GLOBAL_OPTIONS: NonNullable<ParseArgsConfig['options']> = { quiet: { type: 'boolean', short: 'q' } };

/** The help line of {@link GLOBAL_OPTIONS}. */
export const GLOBAL_OPTIONS_HELP =
  'Every command takes --quiet (-q): no progress lines on stderr, only errors, findings and results; and --help (-h).';
