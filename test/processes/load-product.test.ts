import { execFileSync, spawnSync } from 'child_process';
import { buildSync } from 'esbuild';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * The light install, as whole processes on real Node releases: a product's main.ts loads without tsx on Node 22 and 24
 * (pinned, from scripts/node-versions.sh, as is Node 20), and Node 20 needs tsx. The loader (lib/program/load-product.ts) runs bundled
 * into one file in a temporary folder, so no tsx is beside it; the consumer test proves the same with the packed package.
 */

const REPO = path.join(__dirname, '..', '..');
let work: string;
let node: Record<'20' | '22' | '24', string>;

const ENTRY = `import { loadProduct, ProductLoadError } from './lib/program/load-product';
try {
  console.log('loaded ' + loadProduct(process.argv[2]).name);
} catch (e) {
  if (!(e instanceof ProductLoadError)) throw e;
  console.log(e.message);
  process.exitCode = 1;
}
`;
const BRAND = "[Symbol.for('@eaf/cdk8s.product')]: true";
/** A main.ts that only type stripping or tsx can run: an interface, annotations, a type-only import. */
const TYPED = `import type { Server } from 'http';
interface Named { readonly name: string }
const name: string = 'shop';
let server: Server | undefined;
export const product: Named = { ${BRAND}, name } as Named;
`;

beforeAll(() => {
  const majors = ['20', '22', '24'];
  const dirs = execFileSync('bash', [path.join(REPO, 'scripts', 'node-versions.sh'), ...majors], { encoding: 'utf8' })
    .trim()
    .split('\n');
  node = { '20': path.join(dirs[0], 'node'), '22': path.join(dirs[1], 'node'), '24': path.join(dirs[2], 'node') };
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'load-product-'));
  buildSync({
    stdin: { contents: ENTRY, resolveDir: REPO, loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: path.join(work, 'loader.cjs'),
    logLevel: 'error',
  });
}, 600_000);
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** Writes a product folder with that main.ts (and tsx in its node_modules when asked); runs the loader on it. */
function load(nodeBinary: string, product: string, main: string, options: { tsx?: boolean } = {}) {
  const dir = path.join(work, product);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'package.json'), `{ "name": "${product}", "private": true }\n`);
  fs.writeFileSync(path.join(dir, 'main.ts'), main);
  if (options.tsx) {
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(path.join(REPO, 'node_modules', 'tsx'), path.join(dir, 'node_modules', 'tsx'));
  }
  const run = spawnSync(nodeBinary, [path.join(work, 'loader.cjs'), path.join(dir, 'main.ts')], { encoding: 'utf8', timeout: 120_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

test.each(['22', '24'] as const)('Node %s loads a typed main.ts without tsx, and warns about nothing', (major) => {
  expect(load(node[major], `typed-${major}`, TYPED)).toEqual({ status: 0, stdout: 'loaded shop\n', stderr: '' });
});

test('Node 24 refuses an enum and says what type stripping cannot run and how to get past it', () => {
  const run = load(node['24'], 'enum', `export enum Size { Small }\n${TYPED}`);
  expect(run.status).toBe(1);
  expect(run.stdout).toContain('TypeScript enum is not supported in strip-only mode');
  expect(run.stdout).toContain('Rewrite that, or install tsx for the whole language (npm install --save-dev tsx)');
});

test('Node 20 fails without tsx, naming the fix, and loads the product with it', () => {
  const version = execFileSync(node['20'], ['--version'], { encoding: 'utf8' }).trim();
  expect(load(node['20'], 'bare-20', TYPED)).toEqual({
    status: 1,
    stdout:
      `${path.join(work, 'bare-20', 'main.ts')} is TypeScript, and this Node (${version}) cannot load it without tsx; ` +
      'install tsx in the product (npm install --save-dev tsx), or run Node >= 22.18 (it strips types itself)\n',
    stderr: '',
  });
  expect(load(node['20'], 'tsx-20', `export enum Size { Small }\n${TYPED}`, { tsx: true })).toMatchObject({ status: 0, stdout: 'loaded shop\n' });
});
