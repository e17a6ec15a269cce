import * as fs from 'fs';
import * as os from 'os';
import { execFileSync } from 'child_process';
import * as path from 'path';
import * as lockfile from 'proper-lockfile';
import { OutputWriteError, writeOutputAtomically, WriteStep } from '../../lib/program';
import { recoverLeftovers } from '../../lib/program/output-writer';
import { readTree } from '../tree';

/** The writer's guarantee, step by step, in-process; test/faults kills real processes at each step. */

let tmp: string;
let dist: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'writer-'));
  dist = path.join(tmp, 'dist');
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(files: Record<string, string>, options = {}) {
  return writeOutputAtomically(
    dist,
    (staging) => {
      for (const [name, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(staging, name)), { recursive: true });
        fs.writeFileSync(path.join(staging, name), text);
      }
      return Object.keys(files).length;
    },
    options,
  );
}

describe('writeOutputAtomically', () => {
  test('replaces the output with what fill wrote, runs every step in order and leaves nothing beside it', () => {
    write({ 'dev/a.yaml': 'old' });
    const steps: WriteStep[] = [];
    expect(write({ 'dev/b.yaml': 'new' }, { onStep: (s: WriteStep) => steps.push(s) })).toBe(1);
    expect(readTree(dist)).toEqual({ 'dev/b.yaml': 'new' });
    expect(steps).toEqual(['locked', 'recovered', 'staging-created', 'filled', 'checked', 'old-moved', 'new-in-place', 'cleaned']);
    expect(fs.readdirSync(tmp)).toEqual(['dist']);
  });

  test("gives the output the usual folder mode (0777 less the umask), not mkdtemp's 0700", () => {
    write({ 'dev/a.yaml': 'x' });
    expect((fs.statSync(dist).mode & 0o777).toString(8)).toBe((0o777 & ~process.umask()).toString(8));
  });

  test('leaves the output exactly as it was and removes the staging folder when fill throws', () => {
    write({ 'dev/a.yaml': 'old' });
    expect(() =>
      writeOutputAtomically(dist, (staging) => {
        fs.writeFileSync(path.join(staging, 'half.yaml'), 'half');
        throw new Error('bad input');
      }),
    ).toThrow('bad input');
    expect(readTree(dist)).toEqual({ 'dev/a.yaml': 'old' });
    expect(fs.readdirSync(tmp)).toEqual(['dist']);
  });

  test('fails before the swap when the output is a file, and leaves it', () => {
    fs.writeFileSync(dist, 'not a folder');
    expect(() => write({ 'dev/a.yaml': 'x' })).toThrow(new OutputWriteError(`${dist} is not a folder; move it away, the output is written there`));
    expect(fs.readFileSync(dist, 'utf8')).toBe('not a folder');
    expect(fs.readdirSync(tmp)).toEqual(['dist']);
  });

  describe('files the new tree drops', () => {
    const ownsYaml = (file: string) => file.endsWith('.yaml');

    test('removes those the program writes, and says which', () => {
      // GIVEN an output with an environment the next run no longer writes
      write({ 'dev/a.yaml': 'a', 'old/a.yaml': 'gone' });
      const log: string[] = [];
      // WHEN the next run writes only dev
      write({ 'dev/a.yaml': 'a' }, { owns: ownsYaml, log: (l: string) => log.push(l) });
      // THEN the old environment is gone, with a line naming it
      expect(readTree(dist)).toEqual({ 'dev/a.yaml': 'a' });
      expect(log).toEqual([`removed ${path.join('old', 'a.yaml')} from ${dist}: this run no longer writes them`]);
    });

    test('refuses to delete a file someone else put there, names it, and leaves the output exactly as it was', () => {
      // GIVEN an output holding a person's notes beside the program's files
      write({ 'dev/a.yaml': 'old' });
      fs.writeFileSync(path.join(dist, 'README.md'), 'notes');
      fs.writeFileSync(path.join(dist, 'dev', 'extra.json'), '{}');
      // WHEN a run would replace the folder
      expect(() => write({ 'dev/a.yaml': 'new' }, { owns: ownsYaml })).toThrow(
        new OutputWriteError(
          `${dist} holds 2 files synth did not write: ${path.join(dist, 'README.md')}, ${path.join(dist, 'dev', 'extra.json')}; ` +
            `synth replaces the whole folder, so nothing was written; move them out of ${dist} and run again`,
        ),
      );
      // THEN nothing changed and nothing is left beside it
      expect(readTree(dist)).toEqual({ 'dev/a.yaml': 'old', 'README.md': 'notes', 'dev/extra.json': '{}' });
      expect(fs.readdirSync(tmp)).toEqual(['dist']);
    });

    test('keeps a foreign file the new tree writes too: it is replaced, not dropped', () => {
      write({ 'dev/a.yaml': 'old' });
      fs.writeFileSync(path.join(dist, 'notes.txt'), 'mine');
      write({ 'dev/a.yaml': 'new', 'notes.txt': 'generated' }, { owns: ownsYaml });
      expect(readTree(dist)).toEqual({ 'dev/a.yaml': 'new', 'notes.txt': 'generated' });
    });
  });

  test("waits for a live run's lock and then fails with who holds it, leaving the lock alone", () => {
    // GIVEN a lock held by this (live) process, as a concurrent run would hold it
    const release = lockfile.lockSync(dist, { realpath: false, lockfilePath: path.join(tmp, '.dist.lock') });
    fs.writeFileSync(
      path.join(tmp, '.dist.lock.owner'),
      JSON.stringify({ pid: process.pid, host: os.hostname(), since: '2026-11-23T08:00:00.000Z' }),
    );
    const log: string[] = [];
    try {
      // WHEN another write waits 300 ms
      expect(() => write({ 'dev/a.yaml': 'x' }, { lockTimeoutMs: 300, log: (l: string) => log.push(l) })).toThrow(
        `${dist} is being written by another run (process ${process.pid} on ${os.hostname()}, since 2026-11-23T08:00:00.000Z), which did not finish within 0.3 s; ` +
          `wait for it and run again, or, if no synth is running, remove ${path.join(tmp, '.dist.lock')}`,
      );
      // THEN it said it was waiting, wrote nothing, and the lock is still held
      expect(log).toEqual([
        `lock: waiting for another run (process ${process.pid} on ${os.hostname()}, since 2026-11-23T08:00:00.000Z) to finish writing ${dist}`,
      ]);
      expect(fs.existsSync(dist)).toBe(false);
      expect(lockfile.checkSync(dist, { realpath: false, lockfilePath: path.join(tmp, '.dist.lock') })).toBe(true);
    } finally {
      release();
    }
  });

  test('takes over the lock of a process that is gone', () => {
    // GIVEN a lock left by a killed run: its owner's pid no longer exists
    fs.mkdirSync(path.join(tmp, '.dist.lock'));
    fs.writeFileSync(
      path.join(tmp, '.dist.lock.owner'),
      JSON.stringify({ pid: 2 ** 22 + 1, host: os.hostname(), since: '2026-11-23T08:00:00.000Z' }),
    );
    const log: string[] = [];
    write({ 'dev/a.yaml': 'x' }, { lockTimeoutMs: 0, log: (l: string) => log.push(l) });
    expect(log).toEqual([`lock: ${path.join(tmp, '.dist.lock')} belongs to process ${2 ** 22 + 1}, which is gone; taking it over`]);
    expect(readTree(dist)).toEqual({ 'dev/a.yaml': 'x' });
    expect(fs.readdirSync(tmp)).toEqual(['dist']);
  });

  test('takes over a lock left without its owner record, once it is older than a run needs to write one', () => {
    // GIVEN a lock a run took a minute ago and died before recording itself
    const lock = path.join(tmp, '.dist.lock');
    fs.mkdirSync(lock);
    const minuteAgo = new Date(Date.now() - 60_000);
    fs.utimesSync(lock, minuteAgo, minuteAgo);
    const log: string[] = [];
    // WHEN a run wants it, with no patience at all
    write({ 'dev/a.yaml': 'x' }, { lockTimeoutMs: 0, log: (l: string) => log.push(l) });
    // THEN it took the lock over at once, said so, and wrote
    expect(log).toEqual([`lock: ${lock} has had no owner record for over 5 s (its run died after taking it); taking it over`]);
    expect(readTree(dist)).toEqual({ 'dev/a.yaml': 'x' });
  });

  test('waits for a fresh lock without an owner record: its run may be writing the record right now', () => {
    fs.mkdirSync(path.join(tmp, '.dist.lock'));
    expect(() => write({ 'dev/a.yaml': 'x' }, { lockTimeoutMs: 200 })).toThrow(/is being written by another run, which did not finish within 0.2 s/);
    expect(fs.existsSync(dist)).toBe(false);
  });

  test("fails with the folder and the system error when the output's folder cannot be created", () => {
    fs.writeFileSync(path.join(tmp, 'file'), '');
    expect(() => writeOutputAtomically(path.join(tmp, 'file', 'dist'), () => 0)).toThrow(
      `cannot create ${path.join(tmp, 'file')}: EEXIST (already exists)`,
    );
  });
});

/** mount and chattr need root (CI runs as root); elsewhere these tests are skipped, and say so. */
const root = process.getuid?.() === 0;

describe('file systems that refuse the swap', () => {
  test.skipIf(!root)('refuses an output that is a mount point with the fix, and leaves it exactly as it was', () => {
    // GIVEN dist/ is a mount point holding an old output
    fs.mkdirSync(dist);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'none', dist]);
    try {
      fs.writeFileSync(path.join(dist, 'old.yaml'), 'old');
      // WHEN the writer replaces it THEN it fails naming the mount and the fix, and nothing changed
      expect(() => write({ 'dev/a.yaml': 'new' })).toThrow(
        new OutputWriteError(
          `cannot move ${dist} aside: EBUSY (resource busy); it is a mount point, and synth replaces the output folder whole: ` +
            `write to a folder inside the mount (--out ${path.join(dist, 'dist')}); nothing was changed`,
        ),
      );
      expect(readTree(dist)).toEqual({ 'old.yaml': 'old' });
      expect(fs.readdirSync(tmp)).toEqual(['dist']);
    } finally {
      execFileSync('umount', [dist]);
    }
  });

  test.skipIf(!root)('refuses an output the disk has no space for, in one line with the fix, and leaves the old output as it was', () => {
    // GIVEN a file system of 64 KiB holding an old output
    const small = path.join(tmp, 'small');
    fs.mkdirSync(small);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'none', small]);
    try {
      const out = path.join(small, 'dist');
      writeOutputAtomically(out, (staging) => fs.mkdirSync(path.join(staging, 'dev')));
      // WHEN the new output is bigger than the space left THEN an OutputWriteError names ENOSPC, the folder and the fix
      const big = 'x'.repeat(256 * 1024);
      expect(() => writeOutputAtomically(out, (staging) => fs.writeFileSync(path.join(staging, 'dev.yaml'), big))).toThrow(
        new RegExp(
          `^cannot write the output into ${small}/\\.dist-staging-[^:]+: ENOSPC \\(no space left on device\\); ` +
            `free space on the file system that holds ${small}, or write elsewhere with --out; nothing was changed$`,
        ),
      );
      // THEN the old output is there, and nothing else
      expect(readTree(out)).toEqual({});
      expect(fs.readdirSync(path.join(out))).toEqual(['dev']);
      expect(fs.readdirSync(small)).toEqual(['dist']);
      // THEN an error that is no storage fault still reaches the caller as itself
      expect(() => writeOutputAtomically(out, () => fs.readFileSync(path.join(small, 'missing')))).toThrow(/^ENOENT: no such file/);
    } finally {
      execFileSync('umount', [small]);
    }
  });

  test.skipIf(!root)('refuses an output on a read-only file system in one line with the fix, and leaves it as it was', () => {
    // GIVEN an old output on a file system mounted read-only
    const ro = path.join(tmp, 'ro');
    fs.mkdirSync(ro);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'none', ro]);
    try {
      fs.mkdirSync(path.join(ro, 'dist', 'dev'), { recursive: true });
      fs.writeFileSync(path.join(ro, 'dist', 'dev', 'a.yaml'), 'old');
      execFileSync('mount', ['-o', 'remount,ro', ro]);
      // WHEN the writer replaces it THEN an OutputWriteError names EROFS, the lock it could not take and the fix
      expect(() => writeOutputAtomically(path.join(ro, 'dist'), () => 0)).toThrow(
        new OutputWriteError(
          `cannot lock ${path.join(ro, 'dist')} (${path.join(ro, '.dist.lock')}): EROFS (read-only file system); make ${ro} writable`,
        ),
      );
      expect(readTree(path.join(ro, 'dist'))).toEqual({ 'dev/a.yaml': 'old' });
    } finally {
      execFileSync('umount', [ro]);
    }
  });

  test.skipIf(!root)('writes the output beside an old tree with an immutable file, and every later run says so and succeeds', () => {
    // GIVEN an output whose file a person made immutable
    write({ 'dev/a.yaml': 'old' });
    execFileSync('chattr', ['+i', path.join(dist, 'dev', 'a.yaml')]);
    try {
      const log: string[] = [];
      // WHEN synth writes twice
      write({ 'dev/a.yaml': 'new' }, { log: (l: string) => log.push(l) });
      write({ 'dev/a.yaml': 'newer' }, { log: (l: string) => log.push(l) });
      // THEN both runs write, and each names the old tree it cannot remove and how to remove it
      expect(readTree(dist)).toEqual({ 'dev/a.yaml': 'newer' });
      const previous = fs.readdirSync(tmp).filter((n) => n.startsWith('.dist-previous-'));
      expect(previous).toHaveLength(1);
      const leftover = path.join(tmp, previous[0]);
      expect(log).toEqual([
        // Node 20 and 22 report the immutable file as ENOTDIR, Node 24 as EPERM
        expect.stringMatching(new RegExp(`^note: could not remove ${leftover}, an old output \\((ENOTDIR|EPERM) `)),
        expect.stringContaining(`remove it by hand (chattr -R -i ${leftover} && rm -rf ${leftover})`),
      ]);
      expect(log[1]).toBe(log[0]);
    } finally {
      execFileSync('chattr', ['-R', '-i', tmp]);
    }
  });
});

describe('recoverLeftovers', () => {
  test('restores the old tree when a run died between its two renames, and removes the staging folder', () => {
    // GIVEN what a kill after `old-moved` leaves: no dist, the old tree aside, a complete staging folder
    fs.mkdirSync(path.join(tmp, '.dist-previous-1-aa', 'dev'), { recursive: true });
    fs.writeFileSync(path.join(tmp, '.dist-previous-1-aa', 'dev', 'a.yaml'), 'old');
    fs.mkdirSync(path.join(tmp, '.dist-staging-1-bb'));
    const log: string[] = [];
    recoverLeftovers(dist, (l) => log.push(l));
    expect(readTree(dist)).toEqual({ 'dev/a.yaml': 'old' });
    expect(fs.readdirSync(tmp)).toEqual(['dist']);
    expect(log).toEqual([
      `recovered: ${dist} was missing after an interrupted run; restored the previous output from .dist-previous-1-aa`,
      'recovered: removed .dist-staging-1-bb, left by an interrupted run',
    ]);
  });

  test('restores the newest previous tree when an older one could not be deleted', () => {
    // GIVEN an undeletable old tree from long ago (sorting after the other by name) and the tree a killed run moved aside
    for (const [name, text] of [
      ['.dist-previous-9-zz', 'stale'],
      ['.dist-previous-1-aa', 'old'],
    ]) {
      fs.mkdirSync(path.join(tmp, name));
      fs.writeFileSync(path.join(tmp, name, 'a.yaml'), text);
    }
    fs.utimesSync(path.join(tmp, '.dist-previous-9-zz'), new Date(2020, 0, 1), new Date(2020, 0, 1));
    recoverLeftovers(dist);
    expect(readTree(dist)).toEqual({ 'a.yaml': 'old' });
  });

  test('removes an old tree left after the swap, keeping the new output', () => {
    fs.mkdirSync(dist);
    fs.writeFileSync(path.join(dist, 'new.yaml'), 'new');
    fs.mkdirSync(path.join(tmp, '.dist-previous-1-aa'));
    recoverLeftovers(dist);
    expect(readTree(dist)).toEqual({ 'new.yaml': 'new' });
    expect(fs.readdirSync(tmp)).toEqual(['dist']);
  });

  test("leaves other folders and other outputs' leftovers alone", () => {
    fs.mkdirSync(path.join(tmp, '.out-staging-1-aa'));
    fs.mkdirSync(path.join(tmp, 'dist-staging-not-hidden'));
    recoverLeftovers(dist);
    expect(fs.readdirSync(tmp).sort()).toEqual(['.out-staging-1-aa', 'dist-staging-not-hidden']);
  });
});
