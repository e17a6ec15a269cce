/**
 * Where the cost of one more environment goes (`npm run bench -- --profile`): V8 CPU profiles of the synth of 1 and of
 * N environments, each sample's self time charged to the source it ran in, and the difference spread over the N - 1
 * extra environments. The synth runs from a readable bundle (`EAF_COMPILED_READABLE=1`, see scripts/run-compiled.mjs),
 * in which esbuild marks where each source file begins (`// node_modules/cdk8s/lib/resolve.js`, `// lib/gate/...`).
 */

/** The parts of a `.cpuprofile` this reads. */
export interface CpuProfile {
  readonly nodes: ReadonlyArray<{
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  }>;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Native frames that are the file system's work (Node's fs bindings). */
const FILE_SYSTEM = new Set([
  'writeFileUtf8',
  'writeString',
  'writeBuffer',
  'open',
  'close',
  'mkdir',
  'rmdir',
  'unlink',
  'rename',
  'readFileUtf8',
  'read',
  'lstat',
  'stat',
  'fstat',
  'readdir',
  'realpath',
  'access',
  'existsSync',
  'internalModuleStat',
  'copyFile',
  'symlink',
  'readlink',
  'chmod',
]);

/** Where a source file of the bundle belongs: its package (the outermost, which pays for its own dependencies), or the repository folder. */
export function sourceOf(file: string): string {
  const packaged = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (packaged !== null) return packaged[1];
  const parts = file.split('/');
  return parts.length > 2 && parts[0] === 'lib' ? `${parts[0]}/${parts[1]}` : parts.length > 1 ? parts[0] : file;
}

/**
 * The source of each line of a readable bundle (0-based, as profiles count lines): the file named by the last
 * esbuild marker (`// <path>` on a line of its own, the path relative to the bundle's root) above it.
 */
export function bundleSources(bundle: string): (line: number) => string {
  const starts: Array<[number, string]> = [];
  bundle.split('\n').forEach((text, line) => {
    const marker = /^\/\/ ((?:node_modules|lib|imports|generated)\/\S+|[\w.-]+\.(?:ts|js|json))$/.exec(text);
    if (marker !== null) starts.push([line, sourceOf(marker[1])]);
  });
  return (line) => {
    let low = 0;
    let high = starts.length - 1;
    let found = '(bundle prelude)';
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (starts[middle][0] <= line) {
        found = starts[middle][1];
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return found;
  };
}

/**
 * Self time (ms) of a profile by source: frames of the bundle by the source of their line, the garbage collector,
 * the file system's native calls, Node's own JavaScript (`node:fs`...), and the rest of V8 and Node.
 */
export function selfTimeBySource(profile: CpuProfile, bundleFile: string, sourceAt: (line: number) => string): Map<string, number> {
  const perNode = new Map<number, number>();
  profile.samples.forEach((id, i) => perNode.set(id, (perNode.get(id) ?? 0) + profile.timeDeltas[i] / 1000));
  const totals = new Map<string, number>();
  for (const node of profile.nodes) {
    const ms = perNode.get(node.id);
    if (ms === undefined) continue;
    const { url, functionName, lineNumber } = node.callFrame;
    let source: string;
    if (url === bundleFile || url === `file://${bundleFile}`) source = sourceAt(lineNumber);
    else if (functionName === '(garbage collector)') source = 'garbage collector';
    else if (functionName === '(idle)') continue;
    else if (url === '' && FILE_SYSTEM.has(functionName)) source = 'file system';
    else if (url.startsWith('node:')) source = url;
    else source = 'V8 and Node (other)';
    totals.set(source, (totals.get(source) ?? 0) + ms);
  }
  return totals;
}

/** The cost of each extra environment by source: (N-environment profile - 1-environment profile) / (N - 1). */
export function perExtraEnvironment(many: ReadonlyMap<string, number>, one: ReadonlyMap<string, number>, environments: number): Map<string, number> {
  if (environments < 2) throw new Error(`the profile needs at least 2 environments (got ${environments})`);
  const result = new Map<string, number>();
  for (const source of new Set([...many.keys(), ...one.keys()]))
    result.set(source, ((many.get(source) ?? 0) - (one.get(source) ?? 0)) / (environments - 1));
  return result;
}

/** Which side a source is on: a package the library depends on, this repository's code, or the runtime. */
export function sideOf(source: string): 'packages' | 'this repository' | 'runtime' {
  if (
    source === 'garbage collector' ||
    source === 'file system' ||
    source.startsWith('node:') ||
    source === 'V8 and Node (other)' ||
    source === '(bundle prelude)'
  )
    return 'runtime';
  return /^(lib\/|lib$|imports$|generated$|main\.ts$)/.test(source) ? 'this repository' : 'packages';
}
