import * as fs from 'fs';
import * as path from 'path';
import { Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ClusterTarget, clusterTarget, describeTarget } from '../core/cluster-version';
import { describeValue } from '../core/errors';
import { Finding, formatFinding, formatUnusedWaiver, Manifest, ManifestSet, ManifestValidator, objectId, unusedWaivers } from '../gate';
import { describeFindingValue } from '../gate/finding';
import { parseManifests } from './commands/outputs';
import { readCrdFolder } from './crd-files';
import { PACKAGE_CRD_DIRECTORY, PACKAGE_ROOT } from './package-paths';
import { checkedTarget } from './target-record';

/**
 * The gate as a cdk8s validation plugin: `cdk8s synth` of any app that uses the constructs runs it on the manifests
 * the app wrote, and fails (the CLI exits 2) on a finding. The `validations:` entry of the app's `cdk8s.yaml`:
 *
 * ```yaml
 * validations:
 *   - package: ./node_modules/@eaf/cdk8s/cdk8s-plugin.js
 *     version: 0.2.0
 *     class: EafGateValidation
 *     properties: { critical: [production] }
 * ```
 *
 * The contract is cdk8s-cli's (`src/plugins/validation.ts`): the CLI constructs the class with `properties` and calls
 * `validate(context)` with the synthesised manifest files. Its types are restated below rather than imported:
 * cdk8s-cli is the consumer's tool, not a dependency of this package (test/program/cdk8s-plugin.test.ts checks the
 * CLI's own classes fit them).
 */

/** A violation as cdk8s-cli's report takes it (`ValidationViolation`). */
export interface Cdk8sValidationViolation {
  /** The rule broken (the gate's rule id). */
  readonly ruleName: string;
  /** What is wrong. */
  readonly recommendation: string;
  /** How to fix it. */
  readonly fix: string;
  /** The objects, by id, with the fields (locations) and the file they are in. */
  readonly violatingResources: ReadonlyArray<{ readonly resourceName: string; readonly locations: readonly string[]; readonly manifestPath: string }>;
}

/** What the cdk8s CLI hands a validation plugin (`ValidationContext`), as far as the gate uses it. */
export interface Cdk8sValidationContext {
  /** The manifest files the app wrote. */
  readonly manifests: readonly string[];
  /** The report the CLI prints (and writes with `--validation-reports-output-file`). */
  readonly report: {
    addViolation(violation: Cdk8sValidationViolation): void;
    submit(status: 'success' | 'failure', metadata?: { readonly [key: string]: string }): void;
  };
  /** Lines printed while validations run. */
  readonly logger: { log(message: string): void };
}

const PROPERTIES = Type.Object(
  {
    critical: Type.Optional(
      Type.Union([Type.Boolean(), Type.Array(Type.String())], { description: 'true, or the names of the critical environments' }),
    ),
    registries: Type.Optional(Type.Array(Type.String(), { description: 'a list of image prefixes' })),
    exposedServices: Type.Optional(Type.Array(Type.String(), { description: 'a list of Service names' })),
    kubernetes: Type.Optional(Type.String({ description: 'a Kubernetes minor, e.g. "1.33"' })),
    openshift: Type.Optional(Type.String({ description: 'an OpenShift minor, e.g. "4.20"' })),
    crds: Type.Optional(Type.String({ description: 'a folder of CustomResourceDefinition files' })),
  },
  { additionalProperties: false },
);

/**
 * The plugin's `properties:` in cdk8s.yaml (checked against the schema above, which must accept nothing this type does
 * not: `checkedProperties` assigns the schema's type to it). Objects are grouped into environments by their
 * `eaf.io/environment` label (what `EafProductChart` puts on everything it renders), else by the manifest file they are in.
 */
export interface EafGateValidationProperties {
  /** `true`, or the names of the environments that get the production rules. @default false */
  readonly critical?: boolean | readonly string[];
  /** Image prefixes every environment may pull from. @default - no restriction */
  readonly registries?: readonly string[];
  /** Services that may be reached from outside the cluster (LoadBalancer, NodePort, externalIPs). @default - none */
  readonly exposedServices?: readonly string[];
  /** The Kubernetes minor every environment is checked against. @default "1.33" */
  readonly kubernetes?: string;
  /** The OpenShift minor every environment is checked against (its Kubernetes minor). @default - plain Kubernetes */
  readonly openshift?: string;
  /** A folder of CustomResourceDefinition files, relative to the app's folder. @default - the package's `crds/` */
  readonly crds?: string;
}

/** The label `EafProductChart` puts on every object: the environment it renders. */
const ENVIRONMENT_LABEL = 'eaf.io/environment';

/** cdk8s.yaml names a property the plugin does not know, or gives one a value of the wrong shape: bad input. */
export class PluginPropertyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PluginPropertyError';
  }
}

/** The gate of `@eaf/cdk8s` as a cdk8s validation plugin (`cdk8s.yaml` `validations:`). */
export class EafGateValidation {
  /** Which environments get the production rules. */
  public readonly critical: boolean | readonly string[];
  /** The cluster every environment is checked against. */
  public readonly target: ClusterTarget;
  /** The folder of CRDs custom resources are checked against. */
  public readonly crdDirectory: string;
  private readonly properties: EafGateValidationProperties;

  constructor(properties: unknown = {}) {
    this.properties = checkedProperties(properties);
    this.critical = this.properties.critical ?? false;
    const { kubernetes, openshift } = this.properties;
    const fail = (problem: string) => new PluginPropertyError(`cdk8s.yaml: validations: EafGateValidation: properties.${problem}`);
    this.target = kubernetes === undefined && openshift === undefined ? clusterTarget({}, 'kubernetes') : checkedTarget(kubernetes, openshift, fail);
    // relative to the app's folder, where the CLI runs (as it resolves a plugin's `package: ./...` path)
    this.crdDirectory = this.properties.crds === undefined ? PACKAGE_CRD_DIRECTORY : path.resolve(this.properties.crds);
  }

  /** Runs the gate on the manifests the CLI hands over and reports every finding as a violation. */
  public async validate(context: Cdk8sValidationContext): Promise<void> {
    const { sets, files } = this.manifestSets(context.manifests);
    for (const s of sets)
      context.logger.log(`eaf gate: ${s.environment}: ${s.objects.length} objects against Kubernetes ${describeTarget(this.target)}`);
    const report = new ManifestValidator({ crds: readCrdFolder(this.crdDirectory) }).validate(sets);
    for (const w of report.waivers) context.logger.log(`waived: ${w.environment}: ${w.object}: [${w.rule}] ${w.reason}`);
    for (const w of unusedWaivers(report.waivers)) context.logger.log(`warning: ${formatUnusedWaiver(w)}`);
    for (const f of report.findings) {
      context.logger.log(formatFinding(f));
      context.report.addViolation(violation(f, files.get(`${f.environment}\n${f.object}`) ?? ''));
    }
    context.report.submit(report.findings.length === 0 ? 'success' : 'failure', {
      Environments: sets.map((s) => `${s.environment}${s.critical ? ' (critical)' : ''}`).join(', '),
      Objects: String(sets.reduce((n, s) => n + s.objects.length, 0)),
      Kubernetes: describeTarget(this.target),
      Findings: String(report.findings.length),
      Package: `@eaf/cdk8s ${packageVersion()}`,
    });
  }

  /** One manifest set per environment, and the file of each object (keyed by environment and object id). */
  private manifestSets(manifests: readonly string[]): { sets: ManifestSet[]; files: Map<string, string> } {
    const objects = new Map<string, Manifest[]>();
    const files = new Map<string, string>();
    for (const file of [...manifests].sort()) {
      for (const object of parseManifests(fs.readFileSync(file, 'utf8'), file)) {
        const environment = environmentOf(object, file);
        objects.set(environment, [...(objects.get(environment) ?? []), object]);
        files.set(`${environment}\n${objectId(object)}`, file);
      }
    }
    const { critical, registries, exposedServices } = this.properties;
    const sets = [...objects.entries()].map(([environment, list]) => ({
      environment,
      critical: critical === true || (Array.isArray(critical) && critical.includes(environment)),
      allowedRegistries: registries === undefined ? undefined : [...registries],
      exposedServices: exposedServices === undefined ? undefined : [...exposedServices],
      objects: list,
      target: this.target,
    }));
    return { sets, files };
  }
}

/** The properties, checked against their schema: an unknown name lists the known ones. */
function checkedProperties(properties: unknown): EafGateValidationProperties {
  const where = 'cdk8s.yaml: validations: EafGateValidation: properties';
  const known = Object.keys(PROPERTIES.properties);
  if (typeof properties === 'object' && properties !== null && !Array.isArray(properties)) {
    const unknown = Object.keys(properties).find((key) => !known.includes(key));
    if (unknown !== undefined) throw new PluginPropertyError(`${where}.${unknown}: is not a property of the plugin; use one of: ${known.join(', ')}`);
  }
  const error = Value.Errors(PROPERTIES, properties).First();
  if (error === undefined) {
    const checked: EafGateValidationProperties = properties as Static<typeof PROPERTIES>;
    return checked;
  }
  const field = error.path === '' ? where : `${where}${error.path.replace(/\//g, '.')}`;
  const wanted = error.schema.description ?? 'an object of the properties';
  throw new PluginPropertyError(`${field}: must be ${wanted} (got ${describeValue(error.value)})`);
}

/** The environment of an object: its `eaf.io/environment` label, else its manifest file's name (`dev.k8s.yaml`: `dev`). */
function environmentOf(object: Manifest, file: string): string {
  const label: unknown = object?.metadata?.labels?.[ENVIRONMENT_LABEL];
  return typeof label === 'string' && label !== '' ? label : path.basename(file).replace(/(\.k8s)?\.(ya?ml|json)$/, '');
}

/** A finding as a cdk8s violation: the rule, the object and field, what is wrong and the fix. */
function violation(f: Finding, manifestPath: string): Cdk8sValidationViolation {
  // a finding's message starts with the field path (`spec.replicas: must be ...`) when it is about one field
  const field = /^([^\s:]+): /.exec(f.message)?.[1];
  return {
    ruleName: f.rule,
    recommendation: `${f.environment}: ${f.object}: ${f.message} (got ${describeFindingValue(f.value)})`,
    fix: f.fix,
    // The object's full id, not its name: cdk8s finds the construct path by name alone, and the objects of a chart
    // share names across kinds (the Deployment, Service and Route of `app`), so it would name another object's path.
    violatingResources: [{ resourceName: f.object, locations: [field ?? '(the object)'], manifestPath }],
  };
}

/** This package's version, as the report's metadata names it (the `version:` in cdk8s.yaml is the user's word). */
function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}
