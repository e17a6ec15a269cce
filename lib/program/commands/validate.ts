import * as fs from 'fs';
import * as path from 'path';
import { clusterTarget, ClusterTarget, describeTarget, minorNumber } from '../../core/cluster-version';
import { formatFinding, formatUpgradeWarning, ManifestSet, ManifestValidator, UpgradeWarning, ValidationReport, Waiver } from '../../gate';
import { CLI_JSON_SCHEMA_VERSION, jsonFinding, jsonText, objectRef, ValidateJson } from '../cli-json';
import { readCrdFolder } from '../crd-files';
import { checkedTarget, parseTargetOption, readTargetRecord } from '../target-record';
import { CliIo, Command, CommandValues, output, progress, UsageError } from './command';
import { manifestSets } from './outputs';

/** `eaf-cdk8s validate`. */
export const VALIDATE: Command = {
  summary: 'run the gate on any folder of manifests (hand-written YAML too)',
  usage:
    'eaf-cdk8s validate <folder> [--critical] [--registries <prefix,prefix>] [--kubernetes <minor> | --openshift <minor>] ' +
    '[--exposed-services <name,name>] [--next <version>] [--strict] [--json] [--quiet]',
  help: [
    'Checks every object of every *.yaml, *.yml and *.json file under <folder>: each sub-folder holding',
    'manifests is one environment (dist/<env>/), else <folder> itself is one. --critical applies the',
    'production rules; --registries limits where images may come from; --exposed-services names the Services',
    'that may be reached from outside the cluster (LoadBalancer, NodePort, externalIPs).',
    'Built-in objects are checked against the schemas of the cluster each environment targets: the one synth',
    'recorded beside its folder (dist/<env>.target.json), else Kubernetes 1.33; --kubernetes 1.35 or',
    '--openshift 4.22 sets it for every folder. Each environment line says which version it was checked against.',
    '--next 1.34 (or openshift:4.21) lists what the output uses that this later release removes (API versions,',
    'fields, with the release and the replacement) or declares deprecated, as pluto and kubent do, from the same',
    'OpenAPI data. Upgrade warnings alone exit 0; --strict makes them exit 1.',
    '--json prints the result on stdout as one JSON object (docs/reference/cli.md): every finding (waived ones too, marked),',
    'each environment with its target, the upgrade warnings; the exit code is the same.',
    'A waiver annotation (waive.eaf.io/<rule>) is honoured and listed, with a warning that no environment file records',
    'it (a folder of manifests has none); --strict refuses every such waiver (exit 1).',
  ].join('\n'),
  options: {
    critical: { type: 'boolean' },
    registries: { type: 'string' },
    'exposed-services': { type: 'string' },
    kubernetes: { type: 'string' },
    openshift: { type: 'string' },
    next: { type: 'string' },
    strict: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  run: ({ values, positionals }, io) => {
    if (positionals.length !== 1) throw new UsageError('validate takes exactly one folder');
    const given = givenTarget(values);
    const next = values.next === undefined ? undefined : parseTargetOption('--next', values.next as string);
    const root = path.resolve(io.cwd, positionals[0]);
    if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
      io.log(`error: ${root} is not a folder; give the folder of manifests to check, e.g. dist`);
      return 1;
    }
    const sources = new Map<string, string>();
    const list = (value: unknown) => (value as string | undefined)?.split(',').filter((r) => r !== '');
    const sets = manifestSets(
      root,
      values.critical === true,
      list(values.registries),
      (dir) => {
        const { target, source } = folderTarget(dir, given, io);
        sources.set(path.basename(dir), source);
        return target;
      },
      list(values['exposed-services']),
    );
    if (sets.length === 0) {
      io.log(`error: ${root} holds no *.yaml, *.yml or *.json manifests`);
      return 1;
    }
    const json = values.json === true;
    const validator = new ManifestValidator({ crds: readCrdFolder(io.crdDirectory), reportWaived: json });
    const report = validator.validate(sets, (s) =>
      progress(
        io,
        `validate: ${s.environment}: ${s.objects.length} objects against Kubernetes ${describeTarget(s.target!)}; ${sources.get(s.environment)}`,
      ),
    );
    const strict = values.strict === true;
    for (const w of report.waivers) progress(io, `waived: ${w.environment}: ${w.object}: [${w.rule}] ${w.reason}`);
    for (const w of report.waivers) io.log(`${strict ? 'error' : 'warning'}: ${formatUnrecordedWaiver(w)}${strict ? ' (--strict)' : ''}`);
    for (const f of report.findings) io.log(formatFinding(f));
    const warnings = next === undefined ? [] : upgradeWarnings(validator, sets, next, strict, io);
    const problems = report.findings.length + (strict ? report.waivers.length : 0);
    if (problems === 0) progress(io, 'validate: every object passed the gate');
    else io.log(`validate: ${problems} problems`);
    const code = problems > 0 || (warnings.length > 0 && strict) ? 1 : 0;
    if (json) output(io, jsonText(validateJson(sets, sources, report, warnings, code)));
    return code;
  },
};

/** The `--json` result of validate (cli-json.ts). */
function validateJson(
  sets: readonly ManifestSet[],
  sources: ReadonlyMap<string, string>,
  report: ValidationReport,
  warnings: readonly UpgradeWarning[],
  code: number,
): ValidateJson {
  const target = (t: ClusterTarget) => ({ kubernetes: t.kubernetes, openshift: t.openshift ?? null });
  return {
    schemaVersion: CLI_JSON_SCHEMA_VERSION,
    command: 'validate',
    ok: code === 0,
    environments: sets.map((s) => ({
      name: s.environment,
      objects: s.objects.length,
      target: target(s.target!),
      targetSource: sources.get(s.environment)!,
    })),
    findings: [...report.findings, ...(report.waived ?? [])].map(jsonFinding),
    upgradeWarnings: warnings.map((w) => ({
      environment: w.environment,
      object: objectRef(w.object)!,
      kind: w.kind,
      from: target(w.from),
      to: target(w.to),
      message: w.message,
      fix: w.fix,
    })),
  };
}

/**
 * The line for a waiver of a folder of manifests: no environment file records it, so nothing shows it was reviewed
 * (synth refuses such a waiver; see the rule waiver-unrecorded).
 */
function formatUnrecordedWaiver(w: Waiver): string {
  return (
    `${w.environment}: ${w.object}: [waiver-unrecorded] the waiver of [${w.rule}] is recorded in no environment file ` +
    "(a folder of manifests has none); record it in the product's environment file (waivers:), or remove the annotation"
  );
}

/** The target `--kubernetes` or `--openshift` gives every folder; undefined when neither is given. */
function givenTarget(values: CommandValues): { target: ClusterTarget; source: string } | undefined {
  const { kubernetes, openshift } = values;
  if (kubernetes === undefined && openshift === undefined) return undefined;
  if (kubernetes !== undefined && openshift !== undefined) {
    throw new UsageError('give --kubernetes (plain Kubernetes) or --openshift, not both; OpenShift names its Kubernetes minor itself');
  }
  const option = kubernetes !== undefined ? '--kubernetes' : '--openshift';
  const fail = (problem: string) => new UsageError(`${option}: ${problem.slice(problem.indexOf(': ') + 2)}`);
  return { target: checkedTarget(kubernetes, openshift, fail), source: `target from ${option}` };
}

/** The target of one environment folder: the options', else its target record's, else the default, with where it came from. */
function folderTarget(dir: string, given: ReturnType<typeof givenTarget>, io: CliIo): { target: ClusterTarget; source: string } {
  if (given !== undefined) return given;
  const record = readTargetRecord(dir);
  if (record !== undefined) return { target: record.target, source: `target recorded in ${path.relative(io.cwd, record.file)}` };
  return { target: clusterTarget({}, 'kubernetes'), source: 'no target record beside the folder: the default' };
}

/** Prints the upgrade warnings of every set for `next` (warnings, or errors with --strict) and returns them. */
function upgradeWarnings(
  validator: ManifestValidator,
  sets: readonly ManifestSet[],
  next: ClusterTarget,
  strict: boolean,
  io: CliIo,
): UpgradeWarning[] {
  for (const s of sets.filter((set) => minorNumber(set.target!.kubernetes) >= minorNumber(next.kubernetes))) {
    progress(io, `validate: --next ${describeTarget(next)}: ${s.environment} targets ${describeTarget(s.target!)} already; nothing to check`);
  }
  const warnings = validator.upgradeWarnings(sets, next);
  for (const w of warnings) io.log(`${strict ? 'error' : 'warning'}: ${formatUpgradeWarning(w)}`);
  if (warnings.length === 0) progress(io, `validate: --next ${describeTarget(next)}: nothing the output uses is removed or deprecated there`);
  else io.log(`validate: --next ${describeTarget(next)}: ${warnings.length} upgrade warnings${strict ? ' (--strict: they fail)' : ''}`);
  return warnings;
}
