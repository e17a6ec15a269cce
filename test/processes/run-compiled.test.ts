import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import { forgetCompiled } from '../util';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * scripts/run-compiled.mjs runs a TypeScript program from one bundle and is never stale: it rebuilds whenever an
 * input's content changed, and only then. Each test works on a small program in a temporary repository.
 */

const ROOT = path.join(__dirname, '..', '..');
let repo: string;

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
  fs.writeFileSync(path.join(repo, file), text);
}

function run(...args: string[]) {
  return runWith({}, ...args);
}

function runWith(env: NodeJS.ProcessEnv, ...args: string[]) {
  const result = spawnSync(process.execPath, [path.join(repo, 'scripts', 'run-compiled.mjs'), 'main.ts', ...args], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The stamp the runner keeps for this program (in the shared node_modules, named by the entry's path). */
const stampFile = () =>
  path.join(
    ROOT,
    'node_modules',
    '.cache',
    'eaf-cdk8s',
    'compiled',
    `main-${createHash('sha256')
      .update(path.join(fs.realpathSync(repo), 'main.ts'))
      .digest('hex')
      .slice(0, 12)}.stamp.json`,
  );
const bundle = () => path.join(repo, '.main.compiled.js');
/** The bundle's identity: a rebuild writes a new file (a rename), so the inode changes. */
const build = () => fs.statSync(bundle()).ino;

beforeEach(() => {
  repo = fs.mkdtempSync(path.join(os.tmpdir(), 'run-compiled-'));
  fs.mkdirSync(path.join(repo, 'scripts'));
  fs.copyFileSync(path.join(ROOT, 'scripts', 'run-compiled.mjs'), path.join(repo, 'scripts', 'run-compiled.mjs'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(repo, 'node_modules'));
  write('package.json', '{ "name": "demo", "private": true }\n');
  write('lib/greeting.ts', "export const GREETING: string = 'hello';\n");
  write(
    'main.ts',
    [
      "import * as path from 'path';",
      "import { GREETING } from './lib/greeting';",
      "export function main(): void { console.log(`${GREETING} ${path.basename(__dirname)} ${process.argv.slice(2).join(',')}`); }",
      'if (require.main === module) main();',
      '',
    ].join('\n'),
  );
});

afterEach(() => {
  forgetCompiled(path.join(repo, 'main.ts'));
  fs.rmSync(path.join(repo, 'node_modules'));
  fs.rmSync(repo, { recursive: true, force: true });
});

test('runs the entry as the main module, with its own __dirname and the arguments after it', () => {
  const result = run('--strict', 'x');
  expect(result).toEqual({ status: 0, stdout: `hello ${path.basename(repo)} --strict,x\n`, stderr: '' });
  expect(fs.existsSync(bundle())).toBe(true);
});

test('reuses the bundle while no input changed, even when a file is only touched', () => {
  run();
  const first = build();
  expect(run().stdout).toMatch(/^hello /);
  const later = new Date(Date.now() + 5000);
  fs.utimesSync(path.join(repo, 'lib', 'greeting.ts'), later, later);
  expect(run().stdout).toMatch(/^hello /);
  expect(build()).toBe(first);
});

test('EAF_COMPILED_READABLE=1 builds a readable bundle (for profiles), and switching either way rebuilds', () => {
  run();
  const minified = fs.readFileSync(bundle(), 'utf8');
  expect(minified).not.toContain('// lib/greeting.ts\n');
  expect(runWith({ EAF_COMPILED_READABLE: '1' }).stdout).toMatch(/^hello /);
  const readable = fs.readFileSync(bundle(), 'utf8');
  expect(readable).toContain('// lib/greeting.ts\nvar GREETING = "hello";');
  expect(readable.split('\n').length).toBeGreaterThan(minified.split('\n').length);
  run();
  expect(fs.readFileSync(bundle(), 'utf8')).toBe(minified);
});

test('rebuilds when an input changes, also at the same size', () => {
  run();
  const first = build();
  write('lib/greeting.ts', "export const GREETING: string = 'howdy';\n");
  expect(run().stdout).toMatch(/^howdy /);
  const second = build();
  expect(second).not.toBe(first);
  write('lib/greeting.ts', "export const GREETING: string = 'hallo';\n");
  expect(run().stdout).toMatch(/^hallo /);
  expect(build()).not.toBe(second);
});

test('rebuilds when an input is deleted, the stamp is lost or the bundle is gone', () => {
  run();
  write('lib/other.ts', "export const GREETING: string = 'moved';\n");
  write('main.ts', fs.readFileSync(path.join(repo, 'main.ts'), 'utf8').replace('./lib/greeting', './lib/other'));
  fs.rmSync(path.join(repo, 'lib', 'greeting.ts'));
  expect(run().stdout).toMatch(/^moved /);
  fs.rmSync(stampFile());
  const before = build();
  expect(run().stdout).toMatch(/^moved /);
  expect(build()).not.toBe(before);
  fs.rmSync(bundle());
  expect(run().stdout).toMatch(/^moved /);
});

test('every other file keeps its own __dirname and is not the main module; text in templates stays as written', () => {
  write(
    'lib/place.ts',
    [
      'export const HERE: string = __dirname;',
      'export const TEMPLATE: string = `if (require.main === module) { use(__dirname); }`;',
      "if (require.main === module) console.log('lib/place.ts ran as a program');",
      '',
    ].join('\n'),
  );
  write('main.ts', ["import { HERE, TEMPLATE } from './lib/place';", 'console.log(HERE);', 'console.log(TEMPLATE);', ''].join('\n'));
  expect(run()).toEqual({ status: 0, stdout: `${path.join(repo, 'lib')}\nif (require.main === module) { use(__dirname); }\n`, stderr: '' });
});

test('a program that does not compile is reported without a stack trace, exit 1, and nothing runs', () => {
  write('lib/greeting.ts', "export const GREETING: string = 'unterminated;\n");
  const result = run();
  expect(result.status).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/^error: main\.ts does not compile:\n/);
  expect(result.stderr).toContain('lib/greeting.ts');
  expect(result.stderr).not.toMatch(/\n\s+at /);
});
