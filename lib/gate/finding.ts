import type { ClusterTarget } from '../core/cluster-version';
import type { WaiverRecord } from '../core/waivers';
import { RuleId } from './rules';

/**
 * A value of parsed YAML or JSON as the gate reads it: objects of every kind and version, and the JSON Schemas of
 * CRDs, walked field by field. Each read is checked where it is used (`typeof`, `isMap`, `asArray`, `Array.isArray`)
 * and an object that cannot be read is a schema finding, so a static type for every kind would only restate the
 * schemas the gate validates against. This alias is the one place lib/ opts out of `no-explicit-any`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the gate's one view of parsed YAML; the reason is above
export type Yaml = any;

/** A Kubernetes object as cdk8s synthesises it: plain JSON. */
export type Manifest = Record<string, Yaml>;

/** Every synthesised object of one environment, with the environment's rules. */
export interface ManifestSet {
  /** Environment name, e.g. `production`; prefixes every finding. */
  readonly environment: string;
  /** A critical environment holds real data: the production rules apply. */
  readonly critical: boolean;
  /** Plain JSON objects as cdk8s synthesises them (`apiVersion`, `kind`, `metadata`, ...). */
  readonly objects: Manifest[];
  /**
   * Image prefixes this environment may pull from, e.g. `['registry.eaf.example.com/', 'quay.io/keycloak/']`.
   * @default - no restriction
   */
  readonly allowedRegistries?: string[];
  /**
   * Services this environment exposes outside the cluster by name (type LoadBalancer or NodePort, or externalIPs):
   * the environment file's `network.exposedServices`.
   * @default - none
   */
  readonly exposedServices?: string[];
  /**
   * The cluster the environment targets: built-in objects are checked against the schemas of its Kubernetes minor.
   * @default - Kubernetes 1.33 (DEFAULT_OPENSHIFT's minor)
   */
  readonly target?: ClusterTarget;
  /**
   * The waivers the environment's file records: a waiver annotation that matches none of them (a `waive()` in code
   * alone) is a `waiver-unrecorded` finding and waives nothing.
   * @default - not checked (a folder of hand-written manifests has no environment file)
   */
  readonly waiverRecords?: WaiverRecords;
}

/** The waivers one environment file records, resolved to the objects they cover. */
export interface WaiverRecords {
  /** The file, as findings name it: `environments/production.yaml`. */
  readonly file: string;
  /** One record per object a `waivers:` entry covers. */
  readonly records: readonly WaiverRecord[];
}

/** One problem of one object. */
export interface Finding {
  /** The environment of the object. */
  readonly environment: string;
  /** `Kind/namespace/name`, or `Kind/name` for a cluster-scoped object. */
  readonly object: string;
  /** The rule broken. */
  readonly rule: RuleId;
  /** What is wrong, starting with the field path (e.g. `spec.replicas: must be at least 2 ...`). */
  readonly message: string;
  /** The offending value (`undefined` when the field is missing). Never a secret value. */
  readonly value?: unknown;
  /** How to fix it. */
  readonly fix: string;
}

/** A rule switched off for one object by a `waive.eaf.io/<rule>` annotation. */
export interface Waiver {
  /** The environment of the object. */
  readonly environment: string;
  /** `Kind/namespace/name` of the waived object. */
  readonly object: string;
  /** The waived rule. */
  readonly rule: RuleId;
  /** Why, as written in the annotation. */
  readonly reason: string;
  /** The findings the waiver suppressed; 0 means the waiver is not needed (in this environment). */
  readonly suppressed: number;
}

/** What {@link ManifestValidator.validate} found across every environment. */
export interface ValidationReport {
  /** Every problem not waived; the gate passes when this is empty. */
  readonly findings: Finding[];
  /** Every valid waiver annotation, with how many findings it suppressed. */
  readonly waivers: Waiver[];
  /** The findings a waiver suppressed, with its reason. @default - not reported: only when the validator was made with `reportWaived: true` */
  readonly waived?: WaivedFinding[];
}

/** A finding a waiver annotation suppressed: it does not fail the gate. */
export interface WaivedFinding extends Finding {
  /** The waiver's reason, as written in the annotation. */
  readonly reason: string;
}

/** `Kind/namespace/name` of an object; `Kind/name` when it has no namespace. */
export function objectId(object: Manifest): string {
  const kind = typeof object?.kind === 'string' ? object.kind : '(no kind)';
  const metadata = object?.metadata ?? {};
  const name = typeof metadata.name === 'string' ? metadata.name : '(no name)';
  return typeof metadata.namespace === 'string' && metadata.namespace !== '' ? `${kind}/${metadata.namespace}/${name}` : `${kind}/${name}`;
}

const MAX_VALUE_LENGTH = 200;

/** Renders a value for a finding: JSON, `nothing` for a missing one, shortened past 200 characters. */
export function describeFindingValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value) ?? String(value);
  return json.length > MAX_VALUE_LENGTH ? `${json.slice(0, MAX_VALUE_LENGTH - 1)}…` : json;
}

/**
 * One line per finding:
 * `<environment>: <object>: [<rule>] <message> (got <value>); fix: <fix>`.
 *
 * @example
 * // one line, wrapped here:
 * production: Deployment/dvmm-production/api: [production-replicas] spec.replicas: must be at least 2
 *   in a critical environment (got 1); fix: set spec.replicas to 2 or more
 */
export function formatFinding(f: Finding): string {
  return `${f.environment}: ${f.object}: [${f.rule}] ${f.message} (got ${describeFindingValue(f.value)}); fix: ${f.fix}`;
}

export { fieldPath } from '../core/field-path';

/**
 * The line for a waiver that suppressed nothing: it no longer matches a finding, so it would silently hide the next
 * violation of its rule on that object. A warning at synth, an error with `--strict`.
 */
export function formatUnusedWaiver(w: Waiver): string {
  return (
    `${w.environment}: ${w.object}: the waiver of [${w.rule}] matches no finding; ` +
    'remove it (environment file waivers, or the waive() call), or it will hide the next violation of the rule'
  );
}

/**
 * The waivers that suppressed nothing, counted per record: the objects one environment-file entry covers (a component's
 * colours) carry the same rule and reason, and that record is used when any of them suppressed a finding.
 */
export function unusedWaivers(waivers: readonly Waiver[]): Waiver[] {
  const key = (w: Waiver) => JSON.stringify([w.environment, w.rule, w.reason]);
  const used = new Set(waivers.filter((w) => w.suppressed > 0).map(key));
  return waivers.filter((w) => !used.has(key(w)));
}
