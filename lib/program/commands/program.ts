import * as fs from 'fs';
import * as path from 'path';
import { isProduct, Product, ProductDefinitionError } from '../../product/product';
import { synthesizeProduct } from '../run-product';
import { CliIo, CommandValues, InputError, UsageError } from './command';

/**
 * The one loader of a product's program: every command that composes (synth, release, switch, rollback, promote,
 * secrets) loads the product's module here and composes it through the product chart, which runs the product's own
 * additions (defineProduct's extend and alerts).
 */

/** `<dir>/main.ts`, else `<dir>/main.js`. */
export function findProductModule(dir: string): string {
  for (const file of ['main.ts', 'main.js']) {
    if (fs.existsSync(path.join(dir, file))) return path.join(dir, file);
  }
  throw new InputError(`${dir} holds no main.ts or main.js exporting a product; run eaf-cdk8s init <product>, or give --product <module>`);
}

/** A product's program as the commands run it: the product, its environment files and its output folder. */
export interface ProductProgram {
  readonly product: Product;
  readonly environmentsDir: string;
  readonly outdir: string;
}

/** `--dir` (default the working folder), `--product` (default its main.ts or main.js) and the output folder, loaded. */
export function loadProgram(command: string, values: CommandValues, io: CliIo): ProductProgram {
  const dir = path.resolve(io.cwd, (values.dir as string | undefined) ?? '.');
  const module = values.product === undefined ? findProductModule(dir) : path.resolve(io.cwd, values.product as string);
  io.log(`${command}: loading the product from ${path.relative(io.cwd, module) || module}`);
  return { product: loadProduct(module), environmentsDir: path.join(dir, 'environments'), outdir: outputFolder(values, io, dir) };
}

/**
 * `--out`, else `$CDK8S_OUTDIR` (empty counts as unset), else `<dir>/dist`. The output is replaced whole, so it may
 * not be the product folder or hold it (an empty value would otherwise name the working folder).
 */
export function outputFolder(values: CommandValues, io: CliIo, dir: string): string {
  if (values.out === '') throw new UsageError('--out takes the output folder, e.g. dist (got "")');
  const outdir = path.resolve(io.cwd, (values.out as string | undefined) ?? (io.env.CDK8S_OUTDIR || path.join(dir, 'dist')));
  const relative = path.relative(outdir, dir);
  if (relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative))) {
    throw new InputError(
      `the output folder ${outdir} holds the product folder ${dir}, and the output replaces it whole; give --out a folder of its own, e.g. dist`,
    );
  }
  return outdir;
}

/** Every environment through the gate into the output folder, atomically: the program of `synth`. */
export function synthesize(
  program: ProductProgram,
  io: CliIo,
  options: { readonly strict?: boolean; readonly reservedNamespaces?: readonly string[] } = {},
): number {
  return synthesizeProduct(program.product, {
    environmentsDir: program.environmentsDir,
    outdir: program.outdir,
    crdDirectory: io.crdDirectory,
    log: io.log,
    strict: options.strict === true,
    reservedNamespaces: options.reservedNamespaces,
    lockTimeoutMs: io.lockTimeoutMs,
  });
}

/** Requires a module (TypeScript through tsx) and returns the product it exports. */
function loadProduct(module: string): Product {
  if (!fs.existsSync(module)) throw new InputError(`${module} does not exist; give the module that exports the product (defineProduct)`);
  if (module.endsWith('.ts')) require('tsx/cjs/api').register();
  const exports = requireProductModule(module);
  const products = Object.values(exports).filter(isProduct);
  if (products.length !== 1) {
    throw new InputError(`${module} exports ${products.length} products; export exactly one (export const product = defineProduct({ ... }))`);
  }
  return products[0];
}

/**
 * Loads the product's module. What its own code throws while loading is the product's problem, not the library's:
 * it is reported as bad input, with the product's stack, so the product's authors find their line.
 */
function requireProductModule(module: string): Record<string, unknown> {
  try {
    return require(module) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof ProductDefinitionError) throw new InputError(`${module}: ${e.message}`);
    if (!(e instanceof Error)) throw e;
    throw new InputError(`${module} failed to load: ${e.stack ?? e.message}\nfix the product module (the stack above is its own code)`);
  }
}
