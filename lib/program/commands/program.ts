import * as fs from 'fs';
import * as path from 'path';
import { loadProduct as loadProductModule } from '../load-product';
import { Product } from '../../product/product';
import { synthesizeProduct } from '../run-product';
import { CliIo, CommandValues, InputError, progress, UsageError } from './command';

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
  progress(io, `${command}: loading the product from ${path.relative(io.cwd, module) || module}`);
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

/** The product a module exports (TypeScript through tsx or Node's type stripping): lib/program/load-product.ts. */
function loadProduct(module: string): Product {
  return loadProductModule(module);
}
