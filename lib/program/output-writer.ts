import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { randomBytes } from 'crypto';
import * as lockfile from 'proper-lockfile';

/**
 * Replacing an output folder (`dist/`) all or nothing, one writer at a time. This is program code: it owns the
 * file system. The guarantee, whatever stops the process and when:
 *
 * - the new tree is written to `.<name>-staging-<id>` beside the output and swapped in by two renames
 *   (`<name>` → `.<name>-previous-<id>`, staging → `<name>`); before the first rename the old tree is whole,
 *   after the second the new one is;
 * - between the two renames (microseconds) `<name>` is absent and `.<name>-previous-<id>` holds the old tree:
 *   the next run, before anything else, renames it back (and removes every other leftover);
 * - a lock (`.<name>.lock`, proper-lockfile) serialises runs; a second run waits for the first, and takes over
 *   a lock whose owner process is gone;
 * - permission problems are found before the swap, so a failed run has not touched `<name>`.
 */

/** Why the output could not be written: exit code 1, the output unchanged. */
export class OutputWriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputWriteError';
  }
}

/** The steps of a write, in order; a test hook may stop the process at any of them. */
export type WriteStep = 'locked' | 'recovered' | 'staging-created' | 'filled' | 'checked' | 'old-moved' | 'new-in-place' | 'cleaned';

/** How long a run waits for another run's lock, unless told otherwise: two minutes. */
export const DEFAULT_LOCK_TIMEOUT_MS = 120_000;

/** Options of {@link writeOutputAtomically}. */
export interface WriteOutputOptions {
  /** Progress lines (waiting for the lock, recoveries). @default - silent */
  readonly log?: (line: string) => void;
  /** How long to wait for another run's lock, in milliseconds. @default 120000 */
  readonly lockTimeoutMs?: number;
  /** Called after each step: a test hook that can kill the process there. @default - none */
  readonly onStep?: (step: WriteStep) => void;
  /**
   * Which files of the old tree (paths relative to it) the program writes: one the new tree no longer has is
   * removed with a line in the log. Any other file the new tree would drop was put there by someone else, and the
   * write is refused, naming it.
   * @default - every file: each one the new tree drops is removed with a line in the log
   */
  readonly owns?: (relativePath: string) => boolean;
}

/**
 * When a lock counts as stale without its owner's process to ask (another host): a synth takes seconds, and
 * proper-lockfile refreshes the lock while the event loop runs.
 */
const STALE_MS = 10 * 60 * 1000;
/** How long a lock may lack its owner record: a run writes it within milliseconds of taking the lock. */
const OWNERLESS_MS = 5_000;
const POLL_MS = 100;

/**
 * Fills a staging folder with `fill` and swaps it in as `outdir`, under a lock. If `fill` throws, the staging
 * folder is removed, `outdir` is untouched and the error is rethrown.
 * @throws OutputWriteError when the output's folder cannot be locked or written, or the old tree cannot be replaced
 */
export function writeOutputAtomically<T>(outdir: string, fill: (staging: string) => T, options: WriteOutputOptions = {}): T {
  const target = path.resolve(outdir);
  const parent = path.dirname(target);
  const base = path.basename(target);
  const log = options.log ?? (() => undefined);
  const step = (name: WriteStep) => options.onStep?.(name);
  ensureFolder(parent);
  const release = acquireLock(target, options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS, log);
  try {
    step('locked');
    recoverLeftovers(target, log);
    step('recovered');
    const staging = path.join(parent, `.${base}-staging-${uniqueId()}`);
    try {
      fs.mkdirSync(staging);
    } catch (e) {
      throw new OutputWriteError(`cannot create ${staging}: ${describeSystemError(e)}; make ${parent} writable`);
    }
    try {
      step('staging-created');
      const result = fillStaging(fill, staging, parent);
      step('filled');
      assertReplaceable(target);
      const dropped = droppedFiles(target, staging, options.owns ?? (() => true));
      step('checked');
      const previous = path.join(parent, `.${base}-previous-${uniqueId()}`);
      const hadOld = fs.existsSync(target);
      if (hadOld) swapRename(target, previous, `cannot move ${target} aside`);
      step('old-moved');
      try {
        swapRename(staging, target, `cannot put the new output in place of ${target}`);
      } catch (e) {
        if (hadOld) fs.renameSync(previous, target);
        throw e;
      }
      step('new-in-place');
      if (hadOld) removeQuietly(previous, log);
      if (dropped.length > 0) log(`removed ${dropped.join(', ')} from ${target}: this run no longer writes them`);
      step('cleaned');
      return result;
    } finally {
      fs.rmSync(staging, { recursive: true, force: true });
    }
  } finally {
    release();
  }
}

/**
 * Puts right what an interrupted run left beside `outdir`: restores the old tree if the output is missing and a
 * previous tree survives, and removes staging and previous folders. Call it only while holding the lock.
 */
export function recoverLeftovers(outdir: string, log: (line: string) => void = () => undefined): void {
  const target = path.resolve(outdir);
  const parent = path.dirname(target);
  const base = path.basename(target);
  if (!fs.existsSync(parent)) return;
  const leftovers = fs
    .readdirSync(parent)
    .filter((n) => n.startsWith(`.${base}-staging-`) || n.startsWith(`.${base}-previous-`))
    .sort();
  const previous = leftovers.filter((n) => n.startsWith(`.${base}-previous-`));
  if (!fs.existsSync(target) && previous.length > 0) {
    // Only one run holds the lock at a time, so one previous tree is the one it moved aside; any other is an old tree
    // that could not be deleted (see undeletable), older than it.
    const modified = (name: string) => fs.statSync(path.join(parent, name)).mtimeMs;
    const restore = previous.reduce((newest, name) => (modified(name) > modified(newest) ? name : newest));
    fs.renameSync(path.join(parent, restore), target);
    log(`recovered: ${target} was missing after an interrupted run; restored the previous output from ${restore}`);
  }
  for (const name of leftovers) {
    const leftover = path.join(parent, name);
    if (!fs.existsSync(leftover)) continue;
    try {
      fs.rmSync(leftover, { recursive: true, force: true });
      log(`recovered: removed ${name}, left by an interrupted run`);
    } catch (e) {
      log(undeletable(leftover, e));
    }
  }
}

/** `.<name>.lock` beside the output folder. */
function lockPath(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.lock`);
}

/** The owner record beside the lock: which process holds it, so a lock of a dead process is taken over at once. */
function ownerPath(target: string): string {
  return `${lockPath(target)}.owner`;
}

interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

/**
 * Takes the lock of a folder (`.<name>.lock` beside it), waiting up to `timeoutMs` for another run and taking over
 * the lock of a process that is gone; returns its release. The writer locks its output folder with it; the release
 * commands lock the environments folder, so two of them never edit and synthesise at the same time.
 *
 * @throws OutputWriteError when the lock cannot be taken in time, or at all
 */
export function acquireLock(target: string, timeoutMs: number, log: (line: string) => void): () => void {
  const deadline = Date.now() + timeoutMs;
  let waiting = false;
  for (;;) {
    try {
      const release = lockfile.lockSync(target, { realpath: false, lockfilePath: lockPath(target), stale: STALE_MS, update: STALE_MS / 2 });
      const owner: LockOwner = { pid: process.pid, host: os.hostname(), since: new Date().toISOString() };
      fs.writeFileSync(ownerPath(target), `${JSON.stringify(owner)}\n`);
      return () => {
        fs.rmSync(ownerPath(target), { force: true });
        release();
      };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ELOCKED') {
        throw new OutputWriteError(`cannot lock ${target} (${lockPath(target)}): ${describeSystemError(e)}; make ${path.dirname(target)} writable`);
      }
      const owner = readOwner(target);
      if (owner !== undefined && owner.host === os.hostname() && !isAlive(owner.pid)) {
        log(`lock: ${lockPath(target)} belongs to process ${owner.pid}, which is gone; taking it over`);
        fs.rmSync(lockPath(target), { recursive: true, force: true });
        fs.rmSync(ownerPath(target), { force: true });
        continue;
      }
      if (owner === undefined && ownerlessFor(target) > OWNERLESS_MS) {
        // A run writes its owner record right after taking the lock: one without it this long died in between.
        log(`lock: ${lockPath(target)} has had no owner record for over ${OWNERLESS_MS / 1000} s (its run died after taking it); taking it over`);
        fs.rmSync(lockPath(target), { recursive: true, force: true });
        continue;
      }
      const who = owner === undefined ? 'another run' : `another run (process ${owner.pid} on ${owner.host}, since ${owner.since})`;
      if (Date.now() >= deadline) {
        throw new OutputWriteError(
          `${target} is being written by ${who}, which did not finish within ${timeoutMs / 1000} s; ` +
            `wait for it and run again, or, if no synth is running, remove ${lockPath(target)}`,
        );
      }
      if (!waiting) log(`lock: waiting for ${who} to finish writing ${target}`);
      waiting = true;
      sleep(POLL_MS);
    }
  }
}

/** How long the lock has existed without an owner record, in milliseconds (0 when the lock is gone). */
function ownerlessFor(target: string): number {
  const stat = fs.statSync(lockPath(target), { throwIfNoEntry: false });
  return stat === undefined || fs.existsSync(ownerPath(target)) ? 0 : Date.now() - stat.mtimeMs;
}

function readOwner(target: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(fs.readFileSync(ownerPath(target), 'utf8')) as LockOwner;
    return Number.isInteger(owner.pid) && typeof owner.host === 'string' ? owner : undefined;
  } catch {
    return undefined; // being written or removed: wait
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Fails before the swap when the old tree could not be moved aside and removed. */
function assertReplaceable(target: string): void {
  const stat = fs.lstatSync(target, { throwIfNoEntry: false });
  if (stat === undefined) return;
  if (!stat.isDirectory()) throw new OutputWriteError(`${target} is not a folder; move it away, the output is written there`);
  const unwritable = findUnwritableFolder(target);
  if (unwritable !== undefined) {
    throw new OutputWriteError(
      `cannot replace ${target}: ${unwritable} is not writable, so the old output could not be removed; make it writable (chmod -R u+w ${target})`,
    );
  }
}

/**
 * The files of the old tree that the new one drops, all of them the program's: a file someone else put into the
 * output is never removed without a word, so the write is refused instead.
 * @throws OutputWriteError naming every file the program did not write
 */
function droppedFiles(target: string, staging: string, owns: (relativePath: string) => boolean): string[] {
  if (!fs.existsSync(target)) return [];
  const kept = new Set(listFiles(staging));
  const dropped = listFiles(target).filter((file) => !kept.has(file));
  const foreign = dropped.filter((file) => !owns(file));
  if (foreign.length > 0) {
    const shown = foreign.map((file) => path.join(target, file));
    throw new OutputWriteError(
      `${target} holds ${foreign.length === 1 ? 'a file' : `${foreign.length} files`} synth did not write: ${shown.join(', ')}; ` +
        `synth replaces the whole folder, so nothing was written; move ${foreign.length === 1 ? 'it' : 'them'} out of ${target} and run again`,
    );
  }
  return dropped;
}

/** Every file under `root`, relative to it, sorted; symbolic links count as files. */
export function listFiles(root: string, dir = root): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? listFiles(root, path.join(dir, entry.name)) : [path.relative(root, path.join(dir, entry.name))]))
    .sort();
}

function findUnwritableFolder(dir: string): string | undefined {
  try {
    fs.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK);
  } catch {
    return dir;
  }
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const found = findUnwritableFolder(path.join(dir, entry.name));
    if (found !== undefined) return found;
  }
  return undefined;
}

function ensureFolder(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new OutputWriteError(`cannot create ${dir}: ${describeSystemError(e)}`);
  }
}

/** The new tree is in place; an old tree that will not go is removed by the next run. */
function removeQuietly(dir: string, log: (line: string) => void): void {
  try {
    fs.rmSync(dir, { recursive: true, force: true });
  } catch (e) {
    log(undeletable(dir, e));
  }
}

/**
 * The note for an old tree that cannot be deleted, usually an immutable file (`chattr +i`) in it: the output is
 * written, the tree stays beside it and every run says so, until a person removes it.
 */
function undeletable(dir: string, e: unknown): string {
  return (
    `note: could not remove ${dir}, an old output (${describeSystemError(e)}); a file in it cannot be deleted, ` +
    `e.g. an immutable one (lsattr -R ${dir}); remove it by hand (chattr -R -i ${dir} && rm -rf ${dir})`
  );
}

/**
 * One of the swap's renames. A folder that is a mount point cannot be renamed (EBUSY): the output must be a folder
 * inside the mount, so that it can be replaced whole.
 * @throws OutputWriteError naming the rename and the system error
 */
function swapRename(from: string, to: string, what: string): void {
  try {
    fs.renameSync(from, to);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === undefined) throw e;
    const fix =
      code === 'EBUSY'
        ? `it is a mount point, and synth replaces the output folder whole: write to a folder inside the mount (--out ${path.join(from, 'dist')})`
        : `make ${path.dirname(to)} writable`;
    throw new OutputWriteError(`${what}: ${describeSystemError(e)}; ${fix}; nothing was changed`);
  }
}

/** A file system's refusals to store what the output is written with: a full disk or quota, a failing device, a file too large. */
const STORAGE_FAULTS: ReadonlySet<string> = new Set(['ENOSPC', 'EDQUOT', 'EIO', 'EFBIG']);

/** `fill(staging)`; a file system that cannot store the output is the operator's to fix, not a bug of the library. */
function fillStaging<T>(fill: (staging: string) => T, staging: string, parent: string): T {
  try {
    return fill(staging);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === undefined || !STORAGE_FAULTS.has(code)) throw e;
    throw new OutputWriteError(
      `cannot write the output into ${staging}: ${describeSystemError(e)}; free space on the file system that holds ${parent}, ` +
        `or write elsewhere with --out; nothing was changed`,
    );
  }
}

function uniqueId(): string {
  return `${process.pid}-${randomBytes(4).toString('hex')}`;
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** `EACCES (permission denied)`: a system error in words, without its stack. */
export function describeSystemError(e: unknown): string {
  const error = e as NodeJS.ErrnoException;
  const words: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOSPC: 'no space left on device',
    EROFS: 'read-only file system',
    EDQUOT: 'disk quota exceeded',
    EIO: 'input/output error',
    EFBIG: 'file too large',
    ENOTDIR: 'a path part is not a folder',
    EEXIST: 'already exists',
    EISDIR: 'is a folder',
    ENOENT: 'does not exist',
    EBUSY: 'resource busy',
  };
  return error.code !== undefined ? `${error.code} (${words[error.code] ?? error.message})` : String(error.message ?? e);
}
