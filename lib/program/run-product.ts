import * as fs from 'fs';
import * as path from 'path';
import { formatUnusedWaiver, formatUpgradeWarning, ManifestValidator, unusedWaivers } from '../gate';
import { CrdFolderError, readCrdFolder } from './crd-files';
import { composeDeliveryCharts, DELIVERY_FOLDER, deliveryOutline } from '../product/delivery-charts';
import { EafProductChart } from '../product/product-chart';
import { ProductDefinition, ProductDefinitionError } from '../product/product';
import { RESERVED_NAMESPACES_CONTEXT, UNREADABLE_ENVIRONMENTS_CONTEXT } from '../core/labels';
import { SEALED_SECRETS_CONTEXT, SEALED_SECRETS_FOLDER, SealedSecretFiles } from '../secrets/sealed-secrets';
import { EnvironmentFile, EnvironmentFileError, readEnvironmentDirectory } from './environment-files';
import { OutputWriteError, WriteStep } from './output-writer';
import { reportInternalError } from './internal-error';
import { readSealedSecretFolder, shownPath } from './sealed-secret-files';
import { terminalText } from './terminal-text';
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
  const log = options.log ?? ((line: string) => console.error(terminalText(line)));
  const unchanged = () => log(`nothing was written; ${options.outdir} is unchanged`);
  try {
    return writeProduct(product, options, log, unchanged);
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

/** {@link synthesizeProduct} without its error report: every environment composed by the product chart, gated and written. */
function writeProduct(product: ProductDefinition, options: SynthesizeProductOptions, log: (line: string) => void, unchanged: () => void): number {
  const read = readEnvironmentDirectory(options.environmentsDir, product);
  for (const warning of read.warnings) log(`${options.strict ? 'error' : 'warning'}: ${warning}`);
  if (!fs.existsSync(options.crdDirectory)) {
    log(
      `error: the CRD folder ${options.crdDirectory} does not exist; it holds the CustomResourceDefinitions the gate validates ` +
        'custom resources against (crds/ in this repository)',
    );
    unchanged();
    return 1;
  }
  const sealed = readSealedSecrets(read.environments, options);
  const early = [...read.problems, ...(options.strict ? read.warnings.map((w) => `${w} (--strict)`) : [])];
  const environments = read.environments.map((f) => f.environment);
  const {
    files: written,
    waivers,
    upgradeWarnings,
  } = synthesizeEnvironments(
    options.outdir,
    environments,
    (app, environment) => {
      if (options.reservedNamespaces !== undefined) app.node.setContext(RESERVED_NAMESPACES_CONTEXT, [...options.reservedNamespaces]);
      app.node.setContext(UNREADABLE_ENVIRONMENTS_CONTEXT, read.problems.map(environmentOfLine));
      if (sealed.files.has(environment.name)) app.node.setContext(SEALED_SECRETS_CONTEXT, sealed.files.get(environment.name));
      // The product chart runs the product's own additions (defineProduct's extend and alerts): nothing else to compose.
      new EafProductChart(app, product.name, { product, environment, environments });
    },
    {
      validator: new ManifestValidator({ crds: readCrdFolder(options.crdDirectory) }),
      files: Object.fromEntries(read.environments.map((f) => [f.environment.name, f.file])),
      problems: [...early.map((text) => ({ environment: environmentOfLine(text), text })), ...sealed.problems],
      write: { log, lockTimeoutMs: options.lockTimeoutMs, onStep: killAtStepHook(process.env) },
      shared:
        product.delivery === undefined
          ? undefined
          : { folder: DELIVERY_FOLDER, compose: (app, rendered) => composeDeliveryCharts(app, product, rendered), reads: deliveryOutline },
      unusedWaiversFail: options.strict === true,
    },
  );
  for (const w of waivers) log(`waived: ${w.environment}: ${w.object}: [${w.rule}] ${w.reason}`);
  for (const w of unusedWaivers(waivers)) log(`warning: ${formatUnusedWaiver(w)}`);
  for (const w of upgradeWarnings) log(`warning: ${formatUpgradeWarning(w)}`);
  log(`wrote ${written.length} files for ${environments.length} environments to ${options.outdir}: ${written.join(', ')}`);
  if (options.linkFrom !== undefined) linkOutput(options.linkFrom, options.outdir, log);
  return 0;
}

/** The committed SealedSecrets of every environment whose provider is `sealed-secrets`, and the problems of their files. */
function readSealedSecrets(
  files: readonly EnvironmentFile[],
  options: SynthesizeProductOptions,
): { files: Map<string, SealedSecretFiles>; problems: Array<{ environment: string; text: string }> } {
  const sealedDir = options.sealedSecretsDir ?? path.join(path.dirname(options.environmentsDir), SEALED_SECRETS_FOLDER);
  const sealed = new Map<string, SealedSecretFiles>();
  const problems: Array<{ environment: string; text: string }> = [];
  for (const { environment } of files.filter((f) => f.environment.secrets?.provider === 'sealed-secrets')) {
    const folder = readSealedSecretFolder(path.join(sealedDir, environment.name), shownPath(path.join(sealedDir, environment.name)));
    sealed.set(environment.name, folder.sealed);
    problems.push(...folder.problems.map((text) => ({ environment: environment.name, text })));
  }
  return { files: sealed, problems };
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
