import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  chooseTypeScriptLoader,
  loadProduct,
  nodeStripsTypes,
  productLoadFailure,
  ProductLoadError,
  resolveTsx,
  RuntimeFeatures,
} from '../../lib/program/load-product';

/** Which loader runs a product's TypeScript; whole processes on Node 22 and 24 are in test/processes/load-product.test.ts. */

const REPO = path.join(__dirname, '..', '..');
const STRIPS = { typescript: 'strip', require_module: true } as const;

describe('nodeStripsTypes', () => {
  test.each<[RuntimeFeatures, boolean]>([
    [{ typescript: 'strip', require_module: true }, true],
    [{ typescript: 'transform', require_module: true }, true],
    // Node 22.6-22.17 with --experimental-strip-types but an older require(): main.ts uses import, so no
    [{ typescript: 'strip', require_module: false }, false],
    // Node 20, and 22 before 22.18 without the flag
    [{ typescript: false, require_module: true }, false],
    [{}, false],
  ])('%o: %s', (features, strips) => {
    expect(nodeStripsTypes(features)).toBe(strips);
  });
});

describe('chooseTypeScriptLoader', () => {
  test('tsx where it is installed, whatever Node can do: it runs the whole language', () => {
    expect(chooseTypeScriptLoader('/p/main.ts', '/p/node_modules/tsx/dist/cjs/api/index.cjs', STRIPS)).toEqual({
      kind: 'tsx',
      api: '/p/node_modules/tsx/dist/cjs/api/index.cjs',
    });
  });

  test("Node's type stripping where tsx is not installed and Node strips types", () => {
    expect(chooseTypeScriptLoader('/p/main.ts', undefined, STRIPS)).toEqual({ kind: 'node' });
  });

  test('fails without tsx on a Node that cannot strip types, naming both fixes', () => {
    expect(() => chooseTypeScriptLoader('/p/main.ts', undefined, { typescript: false })).toThrow(
      new ProductLoadError(
        `/p/main.ts is TypeScript, and this Node (${process.version}) cannot load it without tsx; ` +
          'install tsx in the product (npm install --save-dev tsx), or run Node >= 22.18 (it strips types itself)',
      ),
    );
  });
});

describe('resolveTsx', () => {
  test("finds tsx beside the library where the product's folder has none (this repository's dev setup)", () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'load-product-'));
    try {
      expect(resolveTsx(path.join(folder, 'main.ts'))).toBe(require.resolve('tsx/cjs/api', { paths: [REPO] }));
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('productLoadFailure', () => {
  const failure = (code: string | undefined, name = 'Error') =>
    Object.assign(new Error('boom'), { code, name, stack: `${name}: boom\n    at main.ts:1` });

  test.each([
    ['an enum', 'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX', 'SyntaxError'],
    ['an extensionless relative import', 'ERR_MODULE_NOT_FOUND', 'Error'],
    ['a type imported without import type', undefined, 'SyntaxError'],
  ])("where Node's type stripping failed on %s, says what it cannot run and how to get past it", (_, code, name) => {
    expect(productLoadFailure('/p/main.ts', failure(code, name), { kind: 'node' }).message).toBe(
      `/p/main.ts failed to load: ${name}: boom\n    at main.ts:1\nfix the product module (the stack above is its own code)\n` +
        "Node's type stripping runs only erasable TypeScript: no enum, namespace, parameter property or import = require; " +
        'relative imports name their .ts file; types come in through import type (docs/package.md, "Light install"). ' +
        'Rewrite that, or install tsx for the whole language (npm install --save-dev tsx)',
    );
  });

  test("where tsx loaded it, or the product's own code threw, gives only the stack", () => {
    expect(productLoadFailure('/p/main.ts', failure('ERR_MODULE_NOT_FOUND'), { kind: 'tsx', api: 'tsx' }).message).toBe(
      '/p/main.ts failed to load: Error: boom\n    at main.ts:1\nfix the product module (the stack above is its own code)',
    );
    expect(productLoadFailure('/p/main.ts', failure(undefined, 'TypeError'), { kind: 'node' }).message).toBe(
      '/p/main.ts failed to load: TypeError: boom\n    at main.ts:1\nfix the product module (the stack above is its own code)',
    );
  });
});

describe('loadProduct', () => {
  let folder: string;
  beforeEach(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'load-product-'));
  });
  afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));
  const brand = "[Symbol.for('@eaf/cdk8s.product')]: true";

  test('gives the one product a JavaScript module exports', () => {
    fs.writeFileSync(path.join(folder, 'main.js'), `exports.product = { ${brand}, name: 'shop' };\nexports.other = 1;\n`);
    expect(loadProduct(path.join(folder, 'main.js')).name).toBe('shop');
  });

  test('loads TypeScript through tsx, which then steps aside: later requires of the run pass no hook of its own', () => {
    // GIVEN a TypeScript product (a type annotation only tsx can load on this Node) and Node's loader as it is now
    const Module = require('module') as { _resolveFilename: unknown; _extensions: Record<string, unknown> };
    const before = { resolve: Module._resolveFilename, extensions: Object.keys(Module._extensions) };
    fs.writeFileSync(path.join(folder, 'main.ts'), `const name: string = 'shop';\nexport const product = { ${brand}, name };\n`);
    fs.writeFileSync(path.join(folder, 'broken.ts'), "const name: string = 'shop';\nthrow new Error(name);\n");
    // WHEN it loads, and a product whose own code throws fails to load
    const product = loadProduct(path.join(folder, 'main.ts'));
    expect(() => loadProduct(path.join(folder, 'broken.ts'))).toThrow(ProductLoadError);
    // THEN the product came through tsx, and Node's resolver and extensions are the ones from before, both times
    expect(product.name).toBe('shop');
    expect({ resolve: Module._resolveFilename, extensions: Object.keys(Module._extensions) }).toEqual(before);
  });

  test('fails where the module is missing, or exports no product or two', () => {
    expect(() => loadProduct(path.join(folder, 'main.ts'))).toThrow(
      new ProductLoadError(`${path.join(folder, 'main.ts')} does not exist; give the module that exports the product (defineProduct)`),
    );
    fs.writeFileSync(path.join(folder, 'two.js'), `exports.a = { ${brand} };\nexports.b = { ${brand} };\n`);
    expect(() => loadProduct(path.join(folder, 'two.js'))).toThrow(
      new ProductLoadError(`${path.join(folder, 'two.js')} exports 2 products; export exactly one (export const product = defineProduct({ ... }))`),
    );
  });
});
