import * as fs from 'fs';
import * as path from 'path';
import { isProduct, Product, ProductDefinitionError } from '../product/product';

/**
 * Loading a product's program (`main.ts`, or `main.js`) into this process. TypeScript is loaded by tsx where it is
 * installed (the product's own devDependency, or beside this library), else by Node's own type stripping (Node >= 22.18
 * and >= 23.6 by default, `process.features.typescript`), so a product on a current Node installs no esbuild. tsx comes
 * first where present because it runs the whole language; type stripping runs only erasable syntax (docs/package.md,
 * "Light install").
 */

/** A product module that cannot be loaded (missing, no or several products, its own code failed): bad input, exit code 1. */
export class ProductLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProductLoadError';
  }
}

/** What loads a product's TypeScript: tsx (the module it registers from) or Node's type stripping. */
export type TypeScriptLoader = { readonly kind: 'tsx'; readonly api: string } | { readonly kind: 'node' };

/** What this Node can do, as `process.features` tells (read in {@link runtimeFeatures}; tests pass their own). */
export interface RuntimeFeatures {
  /** `process.features.typescript`: `'strip'` or `'transform'` where Node strips types, else false or absent. */
  readonly typescript?: string | false;
  /** `process.features.require_module`: whether `require()` loads an ES module (main.ts uses `import`). */
  readonly require_module?: boolean;
}

/** This process's {@link RuntimeFeatures} (Node 20's typings know neither field). */
export function runtimeFeatures(): RuntimeFeatures {
  return process.features as RuntimeFeatures;
}

/** Whether this Node loads a product's `main.ts` by itself: it strips types and `require()`s ES modules. */
export function nodeStripsTypes(features: RuntimeFeatures = runtimeFeatures()): boolean {
  return Boolean(features.typescript) && features.require_module === true;
}

/** The fix printed when nothing can load TypeScript: install tsx, or run a Node that strips types. */
export const TYPESCRIPT_LOADER_FIX = 'install tsx in the product (npm install --save-dev tsx), or run Node >= 22.18 (it strips types itself)';

/**
 * Chooses the loader of a TypeScript module: tsx where `tsxApi` (its resolved `tsx/cjs/api`) is given, else Node's
 * type stripping where `features` allow it.
 * @throws ProductLoadError when neither is available, naming the fix
 */
export function chooseTypeScriptLoader(module: string, tsxApi: string | undefined, features: RuntimeFeatures): TypeScriptLoader {
  if (tsxApi !== undefined) return { kind: 'tsx', api: tsxApi };
  if (nodeStripsTypes(features)) return { kind: 'node' };
  throw new ProductLoadError(`${module} is TypeScript, and this Node (${process.version}) cannot load it without tsx; ${TYPESCRIPT_LOADER_FIX}`);
}

/** `tsx/cjs/api` as the product's folder resolves it, else as this library does; undefined where tsx is not installed. */
export function resolveTsx(module: string): string | undefined {
  try {
    return require.resolve('tsx/cjs/api', { paths: [path.dirname(module), __dirname] });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return undefined;
    throw e;
  }
}

/**
 * Requires a product module (TypeScript through tsx or Node's type stripping) and returns the one product it exports.
 * @throws ProductLoadError when the module is missing, cannot be loaded, or exports no product or several
 */
export function loadProduct(module: string): Product {
  if (!fs.existsSync(module)) throw new ProductLoadError(`${module} does not exist; give the module that exports the product (defineProduct)`);
  const typescript = /\.[cm]?ts$/.test(module) ? chooseTypeScriptLoader(module, resolveTsx(module), runtimeFeatures()) : undefined;
  // tsx loads the product's module and what it imports while it loads, then steps aside: registered, its hooks sit in
  // front of every later `require` of the run (the library's lazily loaded modules, ajv, yaml), about a tenth of a
  // synth's CPU (issue 32).
  const unregister = typescript?.kind === 'tsx' ? (require(typescript.api) as { register: () => () => void }).register() : undefined;
  let exports: Record<string, unknown>;
  try {
    exports = requireProductModule(module, typescript);
  } finally {
    unregister?.();
  }
  const products = Object.values(exports).filter(isProduct);
  if (products.length !== 1) {
    throw new ProductLoadError(`${module} exports ${products.length} products; export exactly one (export const product = defineProduct({ ... }))`);
  }
  return products[0];
}

/**
 * Loads the product's module. What its own code throws while loading is the product's problem, not the library's:
 * it is reported as bad input, with the product's stack, so the product's authors find their line.
 */
function requireProductModule(module: string, typescript: TypeScriptLoader | undefined): Record<string, unknown> {
  try {
    return require(module) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof ProductDefinitionError) throw new ProductLoadError(`${module}: ${e.message}`);
    if (!(e instanceof Error)) throw e;
    throw productLoadFailure(module, e, typescript);
  }
}

/** Error codes of Node's type stripping and ESM resolution that name a limit of type stripping rather than a bug. */
const STRIPPING_LIMITS = new Set(['ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX', 'ERR_MODULE_NOT_FOUND']);

/**
 * The error of a product module whose own code failed to load: its stack, and where Node's type stripping loaded it and
 * failed on a syntax it cannot strip, an extensionless import or a type imported without `import type`, how to get
 * past that limit.
 */
export function productLoadFailure(module: string, error: Error, typescript: TypeScriptLoader | undefined): ProductLoadError {
  const code = (error as NodeJS.ErrnoException).code;
  const limit =
    typescript?.kind === 'node' && (STRIPPING_LIMITS.has(code ?? '') || error.name === 'SyntaxError')
      ? "\nNode's type stripping runs only erasable TypeScript: no enum, namespace, parameter property or import = require; " +
        'relative imports name their .ts file; types come in through import type (docs/package.md, "Light install"). ' +
        'Rewrite that, or install tsx for the whole language (npm install --save-dev tsx)'
      : '';
  return new ProductLoadError(
    `${module} failed to load: ${error.stack ?? error.message}\nfix the product module (the stack above is its own code)${limit}`,
  );
}
