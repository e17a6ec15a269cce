import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { formatUnusedWaiver, ManifestValidator } from '../gate';
import { CrdFolderError, readCrdFolder } from './crd-files';
import { composeDeliveryCharts, DELIVERY_FOLDER } from '../product/delivery-charts';
import { EafProductChart } from '../product/product-chart';
import { ProductDefinition, ProductDefinitionError } from '../product/product';
import { RESERVED_NAMESPACES_CONTEXT } from '../core/labels';
import { SEALED_SECRETS_CONTEXT, SEALED_SECRETS_FOLDER, SealedSecretFiles } from '../secrets/sealed-secrets';
import { EnvironmentFileError, readEnvironmentDirectory } from './environment-files';
import { OutputWriteError, WriteStep } from './output-writer';
import { reportInternalError } from './internal-error';
import { readSealedSecretFolder, shownPath } from './sealed-secret-files';
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
  readonly compose?: (
    app: App,
    product: ProductDefinition,
    environment: EafProductChart['environment'],
    environments: ReadonlyArray<EafProductChart['environment']>,
  ) => void;
  /**
   * The folder of committed SealedSecret files, one sub-folder per environment whose `secrets.provider` is
   * `sealed-secrets` (`<folder>/<environment>/*.yaml`, kubeseal's output). @default - `sealed-secrets` beside the environments folder
   */
  readonly sealedSecretsDir?: string;
  /** Turns warnings (legal but suspicious values) into problems. @default false */
  readonly strict?: boolean;
  /** Namespaces the platform reserves, refused beside `default`, `kube-*` and `openshift*`. @default - none */
  readonly reservedNamespaces?: readonly string[];
  /** How long to wait for another run writing the same output, in milliseconds. @default 120000 */
  readonly lockTimeoutMs?: number;
}

/**
 * The whole program of a product: reads its environment files (checked against the schema derived from the
 * product), composes each environment, runs the gate over every object and writes `<outdir>/<env>/` atomically.
 * Every problem of every environment is printed at once. Returns the exit code: 0 written, 1 bad input or an
 * output that cannot be written (every problem printed, the output left as it was), 70 an internal error (a bug
 * of the library: printed with its stack, the output left as it was).
 */
export function synthesizeProduct(product: ProductDefinition, options: SynthesizeProductOptions): number {
  const log = options.log ?? ((line: string) => console.error(line));
  const compose =
    options.compose ?? ((app, p, environment, environments) => new EafProductChart(app, p.name, { product: p, environment, environments }));
  const unchanged = () => log(`nothing was written; ${options.outdir} is unchanged`);
  try {
    const read = readEnvironmentDirectory(options.environmentsDir, product);
    for (const warning of read.warnings) log(`${options.strict ? 'error' : 'warning'}: ${warning}`);
    if (!fs.existsSync(options.crdDirectory)) {
      log(
        `error: the CRD folder ${options.crdDirectory} does not exist; it holds the CustomResourceDefinitions the gate validates custom resources against (crds/ in this repository)`,
      );
      unchanged();
      return 1;
    }
    const sealedDir = options.sealedSecretsDir ?? path.join(path.dirname(options.environmentsDir), SEALED_SECRETS_FOLDER);
    const sealed = new Map<string, SealedSecretFiles>();
    const sealedProblems: Array<{ environment: string; text: string }> = [];
    for (const { environment } of read.environments.filter((f) => f.environment.secrets?.provider === 'sealed-secrets')) {
      const folder = readSealedSecretFolder(path.join(sealedDir, environment.name), shownPath(path.join(sealedDir, environment.name)));
      sealed.set(environment.name, folder.sealed);
      sealedProblems.push(...folder.problems.map((text) => ({ environment: environment.name, text })));
    }
    const early = [...read.problems, ...(options.strict ? read.warnings.map((w) => `${w} (--strict)`) : [])];
    const validator = new ManifestValidator({ crds: readCrdFolder(options.crdDirectory) });
    const environments = read.environments.map((f) => f.environment);
    const { files: written, waivers } = synthesizeEnvironments(
      options.outdir,
      environments,
      (app, environment) => {
        if (options.reservedNamespaces !== undefined) app.node.setContext(RESERVED_NAMESPACES_CONTEXT, [...options.reservedNamespaces]);
        if (sealed.has(environment.name)) app.node.setContext(SEALED_SECRETS_CONTEXT, sealed.get(environment.name));
        compose(app, product, environment, environments);
      },
      {
        validator,
        files: Object.fromEntries(read.environments.map((f) => [f.environment.name, f.file])),
        problems: [...early.map((text) => ({ environment: environmentOfLine(text), text })), ...sealedProblems],
        write: { log, lockTimeoutMs: options.lockTimeoutMs, onStep: killAtStepHook(process.env) },
        shared:
          product.delivery === undefined
            ? undefined
            : { folder: DELIVERY_FOLDER, compose: (app, rendered) => composeDeliveryCharts(app, product, rendered) },
        unusedWaiversFail: options.strict === true,
      },
    );
    for (const w of waivers) log(`waived: ${w.environment}: ${w.object}: [${w.rule}] ${w.reason}`);
    for (const w of waivers.filter((u) => u.suppressed === 0)) log(`warning: ${formatUnusedWaiver(w)}`);
    log(`wrote ${written.length} files for ${environments.length} environments to ${options.outdir}: ${written.join(', ')}`);
    if (options.linkFrom !== undefined) linkOutput(options.linkFrom, options.outdir, log);
    return 0;
  } catch (e) {
    if (
      e instanceof EnvironmentFileError ||
      e instanceof SynthesisError ||
      e instanceof ProductDefinitionError ||
      e instanceof OutputWriteError ||
      e instanceof CrdFolderError
    ) {
      log(`error: ${e.message}`);
      unchanged();
      return 1;
    }
    // Not a problem of the input: a bug of the library, reported with its stack (the output was never replaced).
    unchanged();
    return reportInternalError(e, log);
  }
}

/** The environment a problem line is about: `<dir>/<env>.yaml: ...` → `<env>`; a folder-level problem → none. */
function environmentOfLine(line: string): string | undefined {
  const file = path.basename(line.slice(0, Math.max(0, line.indexOf(': '))));
  const match = /^(.+)\.ya?ml$/i.exec(file);
  return match?.[1];
}

/**
 * The crash tests' fault injection, read by the program itself (no option or export carries it): when the environment
 * variable `EAF_TEST_KILL_AT` names a write step (`old-moved`, say), the process kills itself with SIGKILL right after
 * that step, as a power cut or an OOM kill would. Unset, it does nothing.
 */
function killAtStepHook(env: Readonly<Record<string, string | undefined>>): ((step: WriteStep) => void) | undefined {
  const at = env.EAF_TEST_KILL_AT;
  if (at === undefined || at === '') return undefined;
  return (step) => {
    if (step === at) process.kill(process.pid, 'SIGKILL');
  };
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
