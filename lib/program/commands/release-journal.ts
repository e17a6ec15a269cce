import * as fs from 'fs';
import * as path from 'path';
import { InputError } from './command';

/**
 * The release commands' journal: what a command is doing between writing an environment file and the output
 * following it (`<environments>/.release-journal.json`, a hidden name the environments folder ignores). A command
 * killed in between (SIGKILL, a power cut) leaves the file edited and `dist/` old; the next release command finds
 * the record and completes the interrupted one first (re-synthesises from the file), so that it never edits a file
 * whose output is stale, and a repeated `switch` does not flip the colours back. Written before the file, removed
 * once the output follows it (or the file is restored).
 */

/** One command under way. */
export interface JournalRecord {
  /** The command, e.g. `switch`. */
  readonly command: string;
  /** The environment it edits. */
  readonly environment: string;
  /** The environment file. */
  readonly file: string;
  /** The file's text before the edit (environment files hold no secret values, only references). */
  readonly before: string;
  /** Its text after the edit. */
  readonly after: string;
}

/** What recovering an interrupted command did. */
export interface Recovery {
  readonly command: string;
  readonly environment: string;
  /** The synthesis's exit code: 0 when the output follows the edited file now. */
  readonly code: number;
}

const JOURNAL = '.release-journal.json';

/** The journal's path in an environments folder. */
export function journalPath(environmentsDir: string): string {
  return path.join(environmentsDir, JOURNAL);
}

/** Records a command under way, before it writes the environment file (written beside, then renamed). */
export function openJournal(environmentsDir: string, record: JournalRecord): void {
  const file = journalPath(environmentsDir);
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temporary, `${JSON.stringify(record, null, 2)}\n`);
    fs.renameSync(temporary, file);
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

/** Removes the record: the output follows the file (or the file was restored). */
export function finishJournal(environmentsDir: string): void {
  fs.rmSync(journalPath(environmentsDir), { force: true });
}

/**
 * Completes a command a kill interrupted, if the journal holds one: when the file says the edit, the output is
 * re-synthesised from it (`synthesize`), and the file restored if that fails; when the file is as before, the
 * command never changed anything and the record goes.
 * @returns what was completed, or `undefined` when nothing was under way (or nothing had been changed)
 * @throws InputError when the record is unreadable, or the file changed since in another way
 */
export function recoverJournal(environmentsDir: string, log: (line: string) => void, synthesize: () => number): Recovery | undefined {
  const file = journalPath(environmentsDir);
  if (!fs.existsSync(file)) return undefined;
  const record = readRecord(file);
  const now = fs.existsSync(record.file) ? fs.readFileSync(record.file, 'utf8') : undefined;
  const what = `${record.command} of ${record.environment}`;
  if (now === record.before) {
    log(`recovered: an interrupted ${what} had not changed ${record.file}; nothing to complete`);
    finishJournal(environmentsDir);
    return undefined;
  }
  if (now !== record.after) {
    throw new InputError(
      `${file}: records an interrupted ${what}, but ${record.file} changed since (got neither its text before nor after the edit); ` +
        `run eaf-cdk8s synth so that the output follows the file as it is, then delete ${file}`,
    );
  }
  log(`recovered: an interrupted ${what} wrote ${record.file} but the output may not follow it; re-synthesising from it`);
  const code = synthesize();
  if (code !== 0) {
    fs.writeFileSync(record.file, record.before);
    log(`recovered: the synthesis failed, so ${record.file} is restored as it was before the ${record.command}`);
  }
  finishJournal(environmentsDir);
  return { command: record.command, environment: record.environment, code };
}

function readRecord(file: string): JournalRecord {
  let record: Partial<JournalRecord> | undefined;
  try {
    record = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<JournalRecord>;
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
  }
  const fields = ['command', 'environment', 'file', 'before', 'after'] as const;
  if (record === undefined || record === null || fields.some((f) => typeof record![f] !== 'string')) {
    throw new InputError(
      `${file}: is not a release journal (got unreadable JSON or missing fields); run eaf-cdk8s synth, check the environment files, then delete it`,
    );
  }
  return record as JournalRecord;
}
