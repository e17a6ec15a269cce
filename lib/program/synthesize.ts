import * as fs from 'fs';
import * as path from 'path';
import { App, Yaml, YamlOutputType } from 'cdk8s';
import { PropertyError } from '../core/errors';
import {
  formatFinding,
  formatUnusedWaiver,
  Manifest,
  unusedWaivers,
  ManifestSet,
  ManifestValidator,
  UpgradeWarning,
  ValidationReport,
  Waiver,
} from '../gate';
import { ProductOwnAlerts } from '../observability/own-alerts';
import { ProductAlerts } from '../observability/product-alerts';
import { NetworkPolicies } from '../network/network-policies';
import { RenderedEnvironment } from '../product/delivery-charts';
import { inputProblems } from '../product/composition';
import { environmentTarget } from '../product/cluster-target';
import { TARGET_RECORD_SUFFIX, targetRecordText } from './target-record';
import { EnvironmentConfig } from '../product/settings';
import { EafProductChart } from '../product/product-chart';
import type { WaiverRecord } from '../core/waivers';
import { listFiles, WriteOutputOptions, writeOutputAtomically } from './output-writer';
import { stringifyManifests } from './yaml-output';
import { ADMISSION_SUFFIX, admissionText } from './admission-output';

/**
 * Writing every environment's manifests to `<outdir>/<environment>/`, all or nothing. This is
 * program code (it writes files); constructs never touch the file system.
 */

/** Every environment that failed to synthesise, with its error. */
export class SynthesisError extends Error {
  constructor(public readonly problems: string[]) {
    super(`synthesis failed:\n  ${problems.join('\n  ')}`);
    this.name = 'SynthesisError';
  }
}

/** Composes one environment's charts into its own cdk8s App. */
export type ComposeEnvironment = (app: App, environment: EnvironmentConfig) => void;

/** A problem found before composing (in an environment file, say), reported together with the rest. */
export interface ReportedProblem {
  /** The environment it belongs to, which orders the report. @default - the folder: reported first */
  readonly environment?: string;
  /** The line: `<file>: <field>: <problem> (got <value>); <fix>`. */
  readonly text: string;
}

/** Options of {@link synthesizeEnvironments}. */
export interface SynthesizeOptions {
  /**
   * The gate every object of every environment must pass before anything is written.
   * @default - no gate
   */
  readonly validator?: ManifestValidator;
  /**
   * The file each environment was read from, by environment name: a construct's error about a setting is
   * then reported against the file and the field (`environments/production.yaml: components.api.replicas: ...`).
   * @default - errors name the construct path
   */
  readonly files?: Readonly<Record<string, string>>;
  /** Problems found before composing, reported with those of composition and the gate. @default - none */
  readonly problems?: readonly ReportedProblem[];
  /** The writer's options: progress, the lock's patience, a test hook. @default - silent, 2 minutes, none */
  readonly write?: WriteOutputOptions;
  /**
   * Objects about every environment at once (a product's Argo CD objects), composed when every environment has been,
   * from what they rendered, into `<outdir>/<folder>/` and through the same gate. No environment may be named like
   * the folder.
   * @default - none
   */
  readonly shared?: SharedOutput;
  /** A waiver that matches no finding is a problem (`--strict`), not just a warning the caller prints. @default false */
  readonly unusedWaiversFail?: boolean;
}

/** See {@link SynthesizeOptions.shared}. */
export interface SharedOutput {
  /** The output folder's name, e.g. `argocd`. */
  readonly folder: string;
  /** Composes the shared charts from every rendered environment. */
  readonly compose: (app: App, environments: readonly RenderedEnvironment[]) => void;
  /**
   * What `compose` reads of an environment's objects ({@link RenderedEnvironment.objects}): only this is kept of each
   * environment once the gate has checked it, so that memory does not grow with every environment's objects.
   * @default - every object, whole
   */
  readonly reads?: (objects: readonly Manifest[]) => readonly unknown[];
}

/** What a successful synthesis wrote and which waivers it honoured. */
export interface SynthesisResult {
  /** The written files, relative to the output folder, sorted. */
  readonly files: string[];
  /** Rules waived for single objects by their `waive.eaf.io/<rule>` annotation. */
  readonly waivers: Waiver[];
  /** What the release after each environment's target removes or deprecates (none without a gate, or at the newest minor). */
  readonly upgradeWarnings: UpgradeWarning[];
}

/**
 * Synthesises each environment into a staging folder beside `outdir`, runs the validation gate over every
 * object of every environment, and only when nothing failed swaps the staging folder in for `outdir` (see
 * {@link writeOutputAtomically}: locked, crash-safe). Every problem of every environment is reported at once,
 * ordered by environment (file problems, then composition, then the gate), then by field.
 *
 * @throws SynthesisError with every problem; `outdir` is left exactly as it was
 * @throws OutputWriteError when the output cannot be locked or written; `outdir` is left exactly as it was
 */
export function synthesizeEnvironments(
  outdir: string,
  environments: EnvironmentConfig[],
  compose: ComposeEnvironment,
  options: SynthesizeOptions = {},
): SynthesisResult {
  return writeOutputAtomically(outdir, (staging) => stageEnvironments(staging, environments, compose, options), {
    ...options.write,
    owns: writesFile,
  });
}

/**
 * Whether a file of the output folder is of the kind synthesis writes there (relative path): a chart's manifests in
 * an environment's (or the shared) folder, or an environment's flow record or alert tests beside it. An old
 * environment's files go with a line in the log; anything else in the folder is someone's, and is not deleted.
 */
export function writesFile(relativePath: string): boolean {
  return (
    /^[a-z0-9][a-z0-9-]*\/[^/]+\.k8s\.yaml$/.test(relativePath) ||
    /^[a-z0-9][a-z0-9-]*(\.(flows|alert-tests|target)\.json|\.admission\.yaml)$/.test(relativePath)
  );
}

/** What {@link synthesizeEnvironments} writes into the staging folder, and the problems found on the way. */
function stageEnvironments(
  staging: string,
  environments: EnvironmentConfig[],
  compose: ComposeEnvironment,
  options: SynthesizeOptions,
): SynthesisResult {
  const problems: RankedProblem[] = (options.problems ?? []).map((p) => ({ environment: p.environment ?? '', rank: 0, text: p.text }));
  const upgradeWarnings: UpgradeWarning[] = [];
  const sets = stagedSets(staging, environments, compose, options, problems, upgradeWarnings);
  const report = options.validator?.validate(sets) ?? drain(sets);
  problems.push(...report.findings.map((f) => ({ environment: f.environment, rank: 2, text: formatFinding(f) })));
  if (options.unusedWaiversFail === true) {
    const unused = unusedWaivers(report.waivers);
    problems.push(...unused.map((w) => ({ environment: w.environment, rank: 2, text: `${formatUnusedWaiver(w)} (--strict)` })));
  }
  if (problems.length > 0) throw new SynthesisError(problems.sort(byEnvironmentThenText).map((p) => p.text));
  return { files: listFiles(staging), waivers: report.waivers, upgradeWarnings };
}

/**
 * Each environment composed and written, then the shared objects when every environment was, as the gate asks for
 * them: it checks each set before the next is composed, so only one environment's objects are held at a time (of the
 * others, only what the shared charts read: {@link SharedOutput.reads}). Problems of composition go to `problems`;
 * what the release after each environment's target removes or deprecates (warnings, never a failure) to `warnings`.
 */
function* stagedSets(
  staging: string,
  environments: EnvironmentConfig[],
  compose: ComposeEnvironment,
  options: SynthesizeOptions,
  problems: RankedProblem[],
  warnings: UpgradeWarning[],
): Generator<ManifestSet, void, undefined> {
  const rendered: RenderedEnvironment[] = [];
  for (const environment of environments) {
    const file = options.files?.[environment.name];
    if (options.shared !== undefined && environment.name === options.shared.folder) {
      problems.push({
        environment: environment.name,
        rank: 0,
        text:
          `${file ?? `environment ${environment.name}`}: its name is the output folder of ${options.shared.folder} objects; ` +
          'rename the environment',
      });
      continue;
    }
    let set: ManifestSet;
    try {
      const { objects, waiverRecords } = stageEnvironment(staging, environment, compose);
      set = {
        environment: environment.name,
        critical: environment.critical ?? false,
        allowedRegistries: environment.registries,
        exposedServices: environment.network?.exposedServices,
        objects,
        target: environmentTarget(environment),
        // Every waiver of an environment's output must be one its file records (none, for a chart other than the product's).
        waiverRecords: { file: file ?? `the environment file of ${environment.name}`, records: waiverRecords },
      };
      if (options.shared !== undefined) rendered.push({ environment, objects: options.shared.reads?.(objects) ?? objects });
    } catch (e) {
      problems.push(...describeFailure(inputFailures(e), environment.name, file).map((text) => ({ environment: environment.name, rank: 1, text })));
      continue;
    }
    yield set;
    // Checked by now; the warnings count only when nothing failed.
    if (options.validator !== undefined && set.target !== undefined && problems.length === 0)
      warnings.push(...options.validator.upgradeWarnings([set]));
  }
  // Shared objects describe every environment, so they are composed only when every environment was.
  if (options.shared !== undefined && problems.length === 0) {
    const folder = options.shared.folder;
    let objects: Manifest[];
    try {
      const app = new App({ outdir: path.join(staging, folder), yamlOutputType: YamlOutputType.FILE_PER_CHART });
      options.shared.compose(app, rendered);
      objects = synthesizeApp(app);
    } catch (e) {
      problems.push(...describeFailure(inputFailures(e), folder, undefined).map((text) => ({ environment: folder, rank: 1, text })));
      return;
    }
    yield { environment: folder, critical: false, objects };
  }
}

/** Composes every set (the generator writes as it goes), without a gate. */
function drain(sets: Iterable<ManifestSet>): ValidationReport {
  Array.from(sets);
  return { findings: [], waivers: [] };
}

/**
 * One environment composed into `<staging>/<environment>/`, with its flow record and its alerts' promtool tests beside
 * the folder (never inside: Argo CD applies every file of that folder). Returns the objects written, and the waivers
 * the environment file records (its product chart's).
 */
function stageEnvironment(
  staging: string,
  environment: EnvironmentConfig,
  compose: ComposeEnvironment,
): { objects: Manifest[]; waiverRecords: WaiverRecord[] } {
  const app = new App({ outdir: path.join(staging, environment.name), yamlOutputType: YamlOutputType.FILE_PER_CHART });
  compose(app, environment);
  const objects = synthesizeApp(app);
  // `eaf-cdk8s validate <outdir>` checks the folder against the cluster it was built for (lib/program/target-record.ts).
  fs.writeFileSync(
    path.join(staging, `${environment.name}${TARGET_RECORD_SUFFIX}`),
    targetRecordText(environment.name, environmentTarget(environment)),
  );
  // The rules at admission, for the platform to apply (lib/program/admission-output.ts).
  const admission = admissionText(environment, objects);
  if (admission !== undefined) fs.writeFileSync(path.join(staging, `${environment.name}${ADMISSION_SUFFIX}`), admission);
  const constructs = app.node.findAll();
  const records = constructs.filter((c): c is NetworkPolicies => c instanceof NetworkPolicies).map((n) => n.flowRecord);
  if (records.length > 0)
    fs.writeFileSync(
      path.join(staging, `${environment.name}.flows.json`),
      `${JSON.stringify({ environment: environment.name, policies: records }, null, 2)}\n`,
    );
  // `eaf-cdk8s verify --alerts` runs them against the rules that ship: the library's alerts and the product's own.
  const tests = constructs
    .filter((c): c is ProductAlerts | ProductOwnAlerts => c instanceof ProductAlerts || c instanceof ProductOwnAlerts)
    .flatMap((a) => a.tests('rules.yaml'));
  if (tests.length > 0)
    fs.writeFileSync(
      path.join(staging, `${environment.name}.alert-tests.json`),
      `${JSON.stringify({ environment: environment.name, tests }, null, 2)}\n`,
    );
  // Not `instanceof`: cdk8s's Chart answers it for every chart (its static Symbol.hasInstance), so a plain chart would count.
  const waiverRecords = constructs
    .filter((c): c is EafProductChart => Object.prototype.isPrototypeOf.call(EafProductChart.prototype, c))
    .flatMap((c) => [...c.waiverRecords]);
  return { objects, waiverRecords };
}

/**
 * `app.synth()`, returning the objects it wrote: each chart's `toJson()` runs once and serves both the files and
 * the gate, which thus checks exactly what was written; and the files are written by {@link stringifyManifests}
 * (byte-identical to cdk8s's `Yaml.save`, several times faster). cdk8s's synthesis (validation, dependencies, order,
 * file names) is otherwise its own.
 */
function synthesizeApp(app: App): Manifest[] {
  for (const chart of app.charts) {
    const toJson = chart.toJson.bind(chart);
    let objects: Manifest[] | undefined;
    chart.toJson = () => (objects ??= toJson());
  }
  const save = Yaml.save;
  Yaml.save = (filePath: string, documents: unknown[]) => fs.writeFileSync(filePath, stringifyManifests(documents), { encoding: 'utf8' });
  try {
    app.synth();
  } finally {
    Yaml.save = save;
  }
  return app.charts.flatMap((chart) => chart.toJson());
}

interface RankedProblem {
  readonly environment: string;
  readonly rank: number;
  readonly text: string;
}

function byEnvironmentThenText(a: RankedProblem, b: RankedProblem): number {
  return compareStrings(a.environment, b.environment) || a.rank - b.rank || compareStrings(a.text, b.text);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A problem of the input found by cdk8s's validations (`node.addValidation`): cdk8s throws them as one plain Error. */
class ValidationFailure extends Error {}

/**
 * The problems of a failed composition when it failed on bad input (see `inputProblems`, or a failed
 * `node.addValidation`); anything else is a bug and is thrown on, to be reported as one.
 */
function inputFailures(e: unknown): readonly Error[] {
  const problems = inputProblems(e);
  if (problems !== undefined) return problems;
  // cdk8s has no error class of its own for failed validations, only this message (cdk8s/lib/app.js, validate()).
  if (e instanceof Error && e.constructor === Error && e.message.startsWith(CDK8S_VALIDATION_FAILED)) return [new ValidationFailure(e.message)];
  throw e;
}

const CDK8S_VALIDATION_FAILED = 'Validation failed with the following errors:';

/** One line per problem of a failed environment: against its file and field when known, else its construct path. */
function describeFailure(errors: readonly Error[], environment: string, file: string | undefined): string[] {
  return errors.map((e) =>
    e instanceof PropertyError && e.settingMessage !== undefined && file !== undefined
      ? `${file}: ${e.settingMessage}`
      : `environment ${environment}: ${e.message}`,
  );
}
