import * as path from 'path';
import { registerPrecompiledValidators } from './lib/gate/precompiled';
import { synthesizeProduct } from './lib/program';
import { dvmm } from './main';

/**
 * DVMM's program: `npm run synth` and `cdk8s synth` run it (through scripts/run-compiled.mjs). It does what
 * `eaf-cdk8s synth` does for any product, plus this repository's own speed-up: the JSON Schemas it compiles are
 * compiled ahead of time (`npm run validators`, generated/validators.js; any other is compiled when used). The
 * registration is the repository's internal plumbing, not part of the package's API.
 */
registerPrecompiledValidators(require('./generated/validators').validators);

/** Where the program reads and writes; tests point it elsewhere. */
export interface MainOptions {
  /** @default `<repo>/environments` */
  readonly environmentsDir?: string;
  /** @default `<repo>/dist` */
  readonly outdir?: string;
  /** @default `<repo>/crds` */
  readonly crdDirectory?: string;
  /** @default console.error */
  readonly log?: (line: string) => void;
  /** Warnings fail the run. @default - `EAF_STRICT=1` in the environment, or `--strict` on the command line */
  readonly strict?: boolean;
}

/** Synthesises every environment; returns the exit code (0 written, 1 invalid input and nothing written). */
export function main(options: MainOptions = {}): number {
  return synthesizeProduct(dvmm, {
    environmentsDir: options.environmentsDir ?? path.join(__dirname, 'environments'),
    outdir: options.outdir ?? path.join(__dirname, 'dist'),
    // `cdk8s synth` deletes its output folder first; it gets a scratch folder (cdk8s.yaml) linked to dist/.
    linkFrom: process.env.CDK8S_OUTDIR === '' ? undefined : process.env.CDK8S_OUTDIR,
    crdDirectory: options.crdDirectory ?? path.join(__dirname, 'crds'),
    log: options.log,
    strict: options.strict ?? (process.env.EAF_STRICT === '1' || process.argv.includes('--strict')),
  });
}

if (require.main === module) process.exitCode = main();
