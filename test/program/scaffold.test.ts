import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { nodeStripsTypes } from '../../lib/program/load-product';
import { scaffoldProduct } from '../../lib/program/scaffold';

/** The light install: a new product gets tsx only where its Node cannot load main.ts by itself. */

describe('scaffoldProduct', () => {
  let folder: string;
  beforeEach(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'scaffold-'));
  });
  afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));
  const scaffold = (tsx?: boolean) => {
    scaffoldProduct(path.join(folder, 'orders'), { name: 'orders', packageSpec: '0.2.0', tsx });
    return JSON.parse(fs.readFileSync(path.join(folder, 'orders', 'package.json'), 'utf8'));
  };

  test('adds tsx, pinned to the version this library is developed with, where main.ts needs it', () => {
    const repository = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
    expect(scaffold(true).devDependencies).toEqual({
      '@types/node': repository.devDependencies['@types/node'],
      'tsx': repository.devDependencies.tsx,
      'typescript': repository.devDependencies.typescript,
      'vitest': repository.devDependencies.vitest,
    });
  });

  test('adds no tsx where Node strips the types itself; the scripts are the same either way', () => {
    const light = scaffold(false);
    expect(Object.keys(light.devDependencies)).toEqual(['@types/node', 'typescript', 'vitest']);
    fs.rmSync(path.join(folder, 'orders'), { recursive: true });
    expect(scaffold(true).scripts).toEqual(light.scripts);
  });

  test('by default decides by the Node it runs on', () => {
    expect('tsx' in scaffold().devDependencies).toBe(!nodeStripsTypes());
  });

  test("the tsconfig's typecheck refuses what type stripping cannot run, and main.ts stays within it", () => {
    scaffold(false);
    const tsconfig = JSON.parse(fs.readFileSync(path.join(folder, 'orders', 'tsconfig.json'), 'utf8'));
    expect(tsconfig.compilerOptions).toMatchObject({ erasableSyntaxOnly: true, allowImportingTsExtensions: true, noEmit: true });
    const main = fs.readFileSync(path.join(folder, 'orders', 'main.ts'), 'utf8');
    expect(main).not.toMatch(/\b(enum|namespace)\b|import \w+ = require|constructor\(\s*(private|public|protected|readonly)/);
  });

  test("the product's own test gives every test an explicit, generous timeout: vitest's 5 s failed it on a busy runner", () => {
    scaffold(false);
    const test = fs.readFileSync(path.join(folder, 'orders', 'test', 'product.test.ts'), 'utf8');
    const tests = test.match(/^ {2}test\(/gm) ?? [];
    expect(tests.length).toBeGreaterThan(0);
    expect(test.match(/^ {2}}, TIMEOUT\);$/gm)).toHaveLength(tests.length);
    expect(test).toContain('const TIMEOUT = 120_000;');
  });
});
