import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { ManifestValidator } from '../gate';
import { EafProductChart } from '../product/product-chart';
import { ProductDefinition, ProductDefinitionError } from '../product/product';
import { EnvironmentFileError, loadEnvironmentDirectory } from './environment-files';
import { SynthesisError, synthesizeEnvironments } from './synthesize';

/** Options of {@link synthesizeProduct}. */
export interface SynthesizeProductOptions {
  /** Folder of environment files, one `<name>.yaml` per environment. */
  readonly environmentsDir: string;
  /** Output folder: `<outdir>/<environment>/`. */
  readonly outdir: string;
  /** Folder of the CustomResourceDefinitions the gate checks custom resources against. */
  readonly crdDirectory: string;
  /** Where progress and errors go. @default console.error */
  readonly log?: (line: string) => void;
  /**
   * A folder to point at the output once it is written: `cdk8s synth` deletes its output folder before it runs
   * the app and then reads it, so a product's cdk8s.yaml names a scratch folder (`CDK8S_OUTDIR`) and the program
   * writes `outdir` atomically and links the scratch folder to it. On failure nothing is linked, cdk8s reports
   * the failure, and `outdir` is untouched.
   * @default - no link
   */
  readonly linkFrom?: string;
  /** Composes one environment; a product adds its own charts here. @default - one EafProductChart */
  readonly compose?: (app: App, product: ProductDefinition, environment: EafProductChart['environment']) => void;
}

/**
 * The whole program of a product: reads its environment files (checked against the schema derived from the
 * product), composes each environment, runs the gate over every object and writes `<outdir>/<env>/` atomically.
 * Returns the exit code: 0 written, 1 bad input (every problem printed, the output left as it was).
 */
export function synthesizeProduct(product: ProductDefinition, options: SynthesizeProductOptions): number {
  const log = options.log ?? ((line: string) => console.error(line));
  const compose = options.compose ?? ((app, p, environment) => new EafProductChart(app, p.name, { product: p, environment }));
  try {
    const files = loadEnvironmentDirectory(options.environmentsDir, product);
    if (!fs.existsSync(options.crdDirectory)) {
      log(`error: the CRD folder ${options.crdDirectory} does not exist; it holds the CustomResourceDefinitions the gate validates custom resources against (crds/ in this repository)`);
      log(`nothing was written; ${options.outdir} is unchanged`);
      return 1;
    }
    const validator = new ManifestValidator({ crdDirectory: options.crdDirectory });
    const { files: written, waivers } = synthesizeEnvironments(options.outdir, files.map((f) => f.environment), (app, environment) => compose(app, product, environment), {
      validator,
      files: Object.fromEntries(files.map((f) => [f.environment.name, f.file])),
    });
    for (const w of waivers) log(`waived: ${w.environment}: ${w.object}: [${w.rule}] ${w.reason}`);
    log(`wrote ${written.length} files for ${files.length} environments to ${options.outdir}: ${written.join(', ')}`);
    if (options.linkFrom !== undefined) linkOutput(options.linkFrom, options.outdir, log);
    return 0;
  } catch (e) {
    if (e instanceof EnvironmentFileError || e instanceof SynthesisError || e instanceof ProductDefinitionError) {
      log(`error: ${e.message}`);
      log(`nothing was written; ${options.outdir} is unchanged`);
      return 1;
    }
    throw e;
  }
}

/** Points `link` (cdk8s synth's scratch output folder) at `target`, replacing an old link; never a real folder. */
function linkOutput(link: string, target: string, log: (line: string) => void): void {
  const from = path.resolve(link);
  const to = path.resolve(target);
  if (from === to) return;
  const existing = fs.lstatSync(from, { throwIfNoEntry: false });
  if (existing?.isSymbolicLink()) fs.unlinkSync(from);
  else if (existing !== undefined) {
    log(`note: ${from} exists and is not a link; left as it is (the output is in ${to})`);
    return;
  }
  fs.symlinkSync(path.relative(path.dirname(from), to), from, 'dir');
  log(`linked ${from} -> ${to} for cdk8s synth`);
}
