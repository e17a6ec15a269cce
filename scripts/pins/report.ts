/**
 * `npm run pins [-- --strict]`: every pinned upstream (scripts/pins/pins.ts says which) with the newest release the Go
 * module proxy (GOPROXY's first URL, `@v/list`) or npm (`npm view <name> versions --json`) lists. A source that cannot
 * be reached is reported as such; the exit code is 0 unless `--strict` is given and a pin is behind.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { promisify } from 'util';
import { formatReport, judge, Pin, parseCrdSources, parseDefaultImages, parsePackageJson, parseToolsSh } from './pins';

const REPO = path.resolve(__dirname, '..', '..');
const TIMEOUT_MS = 30_000;

const USAGE = `usage: npm run pins -- [--strict]

Lists every pinned upstream (scripts/tools.sh, crds/SOURCES.md, the library's default images, package.json) with the
newest release the Go module proxy or npm lists. --strict: exit 1 when a pin is behind.`;

function read(file: string): string {
  return fs.readFileSync(path.join(REPO, file), 'utf8');
}

/** Every pin of the repository, in report order. */
function collectPins(): Pin[] {
  const libFiles = (fs.readdirSync(path.join(REPO, 'lib'), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map((f) => path.join('lib', f));
  return [
    ...parseToolsSh(read('scripts/tools.sh')),
    ...parseCrdSources(read('crds/SOURCES.md')),
    ...libFiles.flatMap((f) => parseDefaultImages(read(f), f)),
    ...parsePackageJson(read('package.json')),
  ];
}

/** The first proxy of GOPROXY (`direct` and `off` are no proxies), as `go env GOPROXY` would name it. */
function goProxy(): string {
  const first = (process.env.GOPROXY ?? 'https://proxy.golang.org').split(/[,|]/)[0];
  return first === 'direct' || first === 'off' || first === '' ? 'https://proxy.golang.org' : first.replace(/\/+$/, '');
}

/** The module proxy's list of a module's versions (the module path case-escaped as the GOPROXY protocol says). */
async function goVersions(module: string): Promise<string[]> {
  const escaped = module.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
  const response = await fetch(`${goProxy()}/${escaped}/@v/list`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (!response.ok) throw new Error(`module proxy: HTTP ${response.status} for ${module}`);
  return (await response.text()).split('\n').filter(Boolean);
}

async function npmVersions(name: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)('npm', ['view', name, 'versions', '--json'], { timeout: TIMEOUT_MS }).catch(
    (e: { stdout?: string; stderr?: string }) => {
      // npm's own words for it (`npm error code ECONNREFUSED`), not the command line execFile's message repeats.
      // With --json, npm writes it to stdout as {"error": {"code": ...}}.
      const code = /(?:npm (?:error|ERR!) code |"code": ")([\w-]+)/.exec(`${e.stderr ?? ''}${e.stdout ?? ''}`)?.[1] ?? 'failed';
      throw new Error(`npm view: ${code}`);
    },
  );
  const parsed = JSON.parse(stdout) as string | string[];
  return Array.isArray(parsed) ? parsed : [parsed];
}

/** The versions a source lists; an error that kept them away is the answer, not a failure (offline runs report it). */
async function versionsOf(pin: Pin): Promise<string[] | Error | undefined> {
  try {
    if (pin.source.kind === 'go') return await goVersions(pin.source.module);
    if (pin.source.kind === 'npm') return await npmVersions(pin.source.name);
    return undefined;
  } catch (e) {
    const message = (e as Error).message.split('\n')[0];
    return new Error(message.includes('fetch failed') || message.includes('aborted') ? `cannot reach the source (${message})` : message);
  }
}

async function main(args: string[]): Promise<number> {
  if (args.includes('--help') || args.some((a) => a !== '--strict')) {
    console.log(USAGE);
    return args.includes('--help') ? 0 : 2;
  }
  const pins = collectPins();
  const lists = new Map<string, Promise<string[] | Error | undefined>>();
  const judged = await Promise.all(
    pins.map(async (pin) => {
      const key = JSON.stringify(pin.source);
      if (!lists.has(key)) lists.set(key, versionsOf(pin));
      return judge(pin, await lists.get(key));
    }),
  );
  console.log(formatReport(judged));
  return args.includes('--strict') && judged.some((j) => j.status === 'behind') ? 1 : 0;
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
