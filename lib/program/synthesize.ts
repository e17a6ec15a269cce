import * as fs from 'fs';
import * as path from 'path';
import { App, YamlOutputType } from 'cdk8s';
import { PropertyError } from '../core/errors';
import { formatFinding, ManifestSet, ManifestValidator, Waiver } from '../gate';
import { NetworkPolicies } from '../network/network-policies';
import { CompositionError } from '../product/product-chart';
import { EnvironmentConfig } from '../product/settings';

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
}

/** What a successful synthesis wrote and which waivers it honoured. */
export interface SynthesisResult {
  /** The written files, relative to the output folder, sorted. */
  readonly files: string[];
  /** Rules waived for single objects by their `waive.eaf.io/<rule>` annotation. */
  readonly waivers: Waiver[];
}

/**
 * Synthesises each environment into a staging folder beside `outdir`, runs the validation gate over
 * every object of every environment, and only when all passed replaces `outdir` with the staging
 * folder. On failure `outdir` is left exactly as it was.
 *
 * @throws SynthesisError naming every environment that failed and every finding of the gate
 */
export function synthesizeEnvironments(outdir: string, environments: EnvironmentConfig[], compose: ComposeEnvironment, options: SynthesizeOptions = {}): SynthesisResult {
  const target = path.resolve(outdir);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const staging = fs.mkdtempSync(path.join(path.dirname(target), `.${path.basename(target)}-staging-`));
  try {
    const problems: string[] = [];
    const sets: ManifestSet[] = [];
    for (const environment of environments) {
      try {
        const app = new App({ outdir: path.join(staging, environment.name), yamlOutputType: YamlOutputType.FILE_PER_CHART });
        compose(app, environment);
        app.synth();
        // The flow record goes beside dist/<env>/, never inside: Argo CD applies every file of that folder.
        const records = app.node.findAll().filter((c): c is NetworkPolicies => c instanceof NetworkPolicies).map((n) => n.flowRecord);
        if (records.length > 0) fs.writeFileSync(path.join(staging, `${environment.name}.flows.json`), `${JSON.stringify({ environment: environment.name, policies: records }, null, 2)}\n`);
        sets.push({
          environment: environment.name,
          critical: environment.critical ?? false,
          allowedRegistries: environment.registries,
          objects: app.charts.flatMap((chart) => chart.toJson()),
        });
      } catch (e) {
        problems.push(...describeFailure(e as Error, environment.name, options.files?.[environment.name]));
      }
    }
    const report = options.validator?.validate(sets) ?? { findings: [], waivers: [] };
    problems.push(...report.findings.map(formatFinding));
    if (problems.length > 0) throw new SynthesisError(problems);
    replaceDirectory(staging, target);
    return { files: listFiles(target), waivers: report.waivers };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** One line per problem of a failed environment: against its file and field when known, else its construct path. */
function describeFailure(error: Error, environment: string, file: string | undefined): string[] {
  const errors = error instanceof CompositionError ? error.problems : [error];
  return errors.map((e) => e instanceof PropertyError && e.settingMessage !== undefined && file !== undefined
    ? `${file}: ${e.settingMessage}`
    : `environment ${environment}: ${e.message}`);
}

/** Moves `source` to `target`, replacing what was there; `target` is never half-written. */
function replaceDirectory(source: string, target: string): void {
  const previous = `${source}-previous`;
  if (fs.existsSync(target)) fs.renameSync(target, previous);
  fs.renameSync(source, target);
  fs.rmSync(previous, { recursive: true, force: true });
}

function listFiles(root: string, dir = root): string[] {
  return fs.readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => entry.isDirectory() ? listFiles(root, path.join(dir, entry.name)) : [path.relative(root, path.join(dir, entry.name))])
    .sort();
}
