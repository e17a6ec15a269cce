import { execFileSync, spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/**
 * Sandboxes for `npm run bench`: copies of the repository in which the synth commands run exactly as written
 * (`npm run synth`, the script itself, `npx cdk8s synth`) and write their own `dist/`, never the repository's.
 *
 * A sandbox holds the working tree's files as they are now (tracked and untracked, not ignored ones) and its own
 * `node_modules`: a copy of the repository's made of hard links (cheap; the packages' files are shared, never written),
 * without `node_modules/.cache`, so that nothing a program caches there (a compiled bundle's stamp, for one) is shared
 * between sandboxes or with the repository.
 */

/** Copies the working tree's files (what `git ls-files --cached --others --exclude-standard` lists) into `dir`. */
export function copyWorkingTree(repo: string, dir: string): number {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repo, maxBuffer: 64 * 1024 * 1024 })
    .toString('utf8')
    .split('\0')
    .filter((f) => f !== '');
  let copied = 0;
  for (const file of new Set(listed)) {
    const from = path.join(repo, file);
    const stat = fs.lstatSync(from, { throwIfNoEntry: false });
    if (stat === undefined || stat.isDirectory()) continue; // deleted in the working tree, or a submodule
    const to = path.join(dir, file);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    if (stat.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(from), to);
    else fs.copyFileSync(from, to);
    copied++;
  }
  return copied;
}

/** Gives `dir` a hard-linked copy of the repository's `node_modules` (without `.cache`). */
export function linkNodeModules(repo: string, dir: string): void {
  const from = path.join(repo, 'node_modules');
  if (!fs.existsSync(from)) throw new Error(`${from} does not exist; run npm ci first`);
  const to = path.join(dir, 'node_modules');
  const copy = spawnSync('cp', ['-al', from, to], { encoding: 'utf8' });
  if (copy.status !== 0) {
    // Another file system: fall back to a link to the repository's packages (their caches are then shared).
    fs.rmSync(to, { recursive: true, force: true });
    fs.symlinkSync(from, to);
    process.stderr.write(`[bench] warning: could not hard-link node_modules (${copy.stderr.trim()}); linked it instead\n`);
    return;
  }
  fs.rmSync(path.join(to, '.cache'), { recursive: true, force: true });
}

/** A sandbox of the working tree at `dir`. */
export function createSandbox(repo: string, dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  copyWorkingTree(repo, dir);
  linkNodeModules(repo, dir);
}

/** A sandbox of a git ref: a detached worktree at `dir` with its own node_modules (see linkNodeModules). */
export function createWorktree(repo: string, ref: string, dir: string): string {
  const commit = execFileSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: repo, encoding: 'utf8' }).trim();
  execFileSync('git', ['worktree', 'add', '--detach', dir, commit], { cwd: repo, stdio: ['ignore', 'ignore', 'pipe'] });
  linkNodeModules(repo, dir);
  return commit;
}

/** Removes a worktree made by createWorktree (and git's record of it). */
export function removeWorktree(repo: string, dir: string): void {
  spawnSync('git', ['worktree', 'remove', '--force', dir], { cwd: repo, stdio: 'ignore' });
  fs.rmSync(dir, { recursive: true, force: true });
  spawnSync('git', ['worktree', 'prune'], { cwd: repo, stdio: 'ignore' });
}

/** A fingerprint of a folder (its inode, every file's path and content): to prove the bench left it alone. */
export function folderFingerprint(dir: string): string {
  const hash = crypto.createHash('sha256');
  const stat = fs.statSync(dir, { throwIfNoEntry: false });
  if (stat === undefined) return 'absent';
  hash.update(`inode ${stat.ino}\n`);
  const walk = (d: string): void => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, entry.name);
      hash.update(`${path.relative(dir, p)}\n`);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile()) hash.update(fs.readFileSync(p));
    }
  };
  walk(dir);
  return hash.digest('hex');
}

/**
 * The command line of a package.json script, for running it directly: its words when it is a plain command (no
 * quotes, no shell operators, no variables), else `sh -c <script>`.
 */
export function scriptCommand(script: string): string[] {
  const trimmed = script.trim();
  return /^[\w@%+=:,./-]+(\s+[\w@%+=:,./-]+)*$/.test(trimmed) ? trimmed.split(/\s+/) : ['sh', '-c', trimmed];
}

/** The `synth` script of the package.json in `dir`. */
export function synthScript(dir: string): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { scripts?: { [name: string]: string } };
  const script = manifest.scripts?.synth;
  if (script === undefined) throw new Error(`${path.join(dir, 'package.json')} has no "synth" script`);
  return script;
}
