import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { ClusterTarget } from '../../core/cluster-version';
import { describeValue } from '../../core/errors';
import { Manifest, ManifestSet } from '../../gate';
import { yamlErrorLine } from '../environment-files';
import { diffManifests, EnvironmentObjects } from '../manifest-diff';
import { InputError } from './command';

/** The manifests of an output folder, on disk or at a git ref, as the diff, validate, verify and release commands read them. */

/** The folders under `root` that hold manifests: its sub-folders that do, else `root` itself. */
export function environmentFolders(root: string): string[] {
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) return [];
  const files = fs
    .readdirSync(root, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? fs.readdirSync(path.join(root, e.name)).map((f) => `${e.name}/${f}`) : [e.name]));
  return [...manifestsByFolder(files).keys()].map((folder) => path.join(root, folder));
}

/**
 * The manifest files (`*.yaml`, `*.yml`, `*.json`) of an output folder by the environment folder holding them, from
 * `/`-separated paths relative to it: each sub-folder holding manifests is an environment; when none does, the
 * folder itself is one (key `''`). Sorted; deeper files are not read. The same rule for a folder on disk and at a git ref.
 */
export function manifestsByFolder(files: readonly string[]): Map<string, string[]> {
  const folders = new Map<string, string[]>();
  const top: string[] = [];
  for (const file of files.filter((f) => /\.(ya?ml|json)$/.test(f)).sort()) {
    const parts = file.split('/');
    if (parts.length === 1) top.push(file);
    else if (parts.length === 2) folders.set(parts[0], [...(folders.get(parts[0]) ?? []), file]);
  }
  if (folders.size > 0) return new Map([...folders.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return top.length > 0 ? new Map([['', top]]) : new Map();
}

export function manifestFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Every object of every document of a manifest file's text (a `List` gives its items); `file` names it in errors. */
export function parseManifests(text: string, file: string): Manifest[] {
  const { parseAllDocuments } = require('yaml') as typeof import('yaml');
  const documents = parseAllDocuments(text);
  const broken = documents.find((d) => d.errors.length > 0);
  if (broken) throw new InputError(`${file}: YAML error: ${yamlErrorLine(broken.errors)}; fix the YAML syntax`);
  return documents
    .map((d) => d.toJS())
    .filter((o) => o !== null && o !== undefined)
    .flatMap((o) => (o.kind === 'List' && Array.isArray(o.items) ? o.items : [o]));
}

/** The manifest files of an output folder: by environment, each file's name (and where it came from) with its text. */
export type OutputTexts = Readonly<Record<string, ReadonlyArray<{ readonly name: string; readonly source: string; readonly text: string }>>>;

/** The manifest files of each environment folder of an output folder on disk; none when it does not exist. */
export function outputTexts(root: string): OutputTexts {
  return Object.fromEntries(
    environmentFolders(root).map((dir) => [
      path.basename(dir),
      manifestFiles(dir).map((file) => ({ name: path.basename(file), source: file, text: fs.readFileSync(file, 'utf8') })),
    ]),
  );
}

/**
 * The object-level diff of two outputs. Parsing YAML is most of its cost, so an environment whose files are the same
 * text on both sides (which can hold no difference) is not parsed at all.
 */
export function diffOutputs(before: OutputTexts, after: OutputTexts): ReturnType<typeof diffManifests> {
  const same = (a: OutputTexts[string] = [], b: OutputTexts[string] = []) =>
    a.length === b.length && a.every((f, i) => f.name === b[i].name && f.text === b[i].text);
  const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((env) => !same(before[env], after[env]));
  const objects = (texts: OutputTexts): EnvironmentObjects =>
    Object.fromEntries(
      changed.filter((env) => texts[env] !== undefined).map((env) => [env, texts[env].flatMap((f) => parseManifests(f.text, f.source))]),
    );
  return diffManifests(objects(before), objects(after));
}

/**
 * One manifest set per environment folder, every document of every file; `targetOf` gives each folder's cluster target,
 * `exposedServices` the Services that may be reached from outside the cluster.
 */
export function manifestSets(
  root: string,
  critical: boolean,
  registries: string[] | undefined,
  targetOf: (dir: string) => ClusterTarget | undefined = () => undefined,
  exposedServices?: string[],
): ManifestSet[] {
  return environmentFolders(root).map((dir) => ({
    environment: path.basename(dir),
    critical,
    allowedRegistries: registries,
    exposedServices,
    objects: manifestFiles(dir).flatMap((file) => parseManifests(fs.readFileSync(file, 'utf8'), file)),
    target: targetOf(dir),
  }));
}

/**
 * The manifest files of an output folder as committed at `ref`: the same folders and files as on disk (see
 * {@link manifestsByFolder}), read with `git ls-tree` and `git show` (arguments as an array, never a shell).
 */
export function gitOutputTexts(outdir: string, cwd: string, ref: string): { commit: string; texts: OutputTexts } {
  const git = (args: string[], at: string): string =>
    execFileSync('git', args, { cwd: at, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 512 * 1024 * 1024 });
  let top: string;
  try {
    top = git(['rev-parse', '--show-toplevel'], existingFolder(cwd)).trim();
  } catch (e) {
    const why =
      (e as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'git is not installed or not on the PATH; install git'
        : `${cwd} is not inside a git repository; run diff in the product's repository, or give --dir`;
    throw new InputError(why);
  }
  let commit: string;
  try {
    commit = git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], top).trim();
  } catch {
    throw new InputError(`--base: is not a commit of ${top} (got ${describeValue(ref)}); give a branch, tag or commit, e.g. HEAD or origin/main`);
  }
  const relative = path.relative(realPath(top), realPath(outdir)).split(path.sep).join('/');
  if (relative === '' || relative.startsWith('../') || relative === '..' || path.isAbsolute(relative)) {
    throw new InputError(`${outdir} is not a folder inside the git repository ${top}; give --dir the product folder whose dist/ is committed`);
  }
  const listed = git(['ls-tree', '-r', '-z', '--name-only', commit, '--', relative], top)
    .split('\0')
    .filter((f) => f.startsWith(`${relative}/`));
  const folders = manifestsByFolder(listed.map((f) => f.slice(relative.length + 1)));
  const environment = (folder: string) => (folder === '' ? path.basename(outdir) : folder);
  return {
    commit,
    texts: Object.fromEntries(
      [...folders.entries()].map(([folder, files]) => [
        environment(folder),
        files.map((file) => {
          const at = `${relative}/${file}`;
          return { name: path.posix.basename(file), source: `${ref}:${at}`, text: git(['show', `${commit}:${at}`], top) };
        }),
      ]),
    ),
  };
}

/** `dir`, or its nearest existing parent. */
function existingFolder(dir: string): string {
  return fs.existsSync(dir) || path.dirname(dir) === dir ? dir : existingFolder(path.dirname(dir));
}

/** The real path of `p`, or of its nearest existing parent with the rest appended (a dist/ not yet written). */
function realPath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    const parent = path.dirname(p);
    return parent === p ? p : path.join(realPath(parent), path.basename(p));
  }
}
