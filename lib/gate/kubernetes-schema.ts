import { DEFAULT_OPENSHIFT, KUBERNETES_RELEASES, OPENSHIFT_KUBERNETES } from '../core/cluster-version';
import type { Yaml } from './finding';

/**
 * The Kubernetes release objects without a target are checked against (that of {@link DEFAULT_OPENSHIFT}).
 * @deprecated each environment has a target now (`ManifestSet.target`); see `KUBERNETES_RELEASES` and `SCHEMA_MINORS`
 */
export const KUBERNETES_VERSION = KUBERNETES_RELEASES[OPENSHIFT_KUBERNETES[DEFAULT_OPENSHIFT]];

/**
 * The schemas of one Kubernetes minor, as the validator compiles them: every kind's definition name and the
 * definitions they reach. {@link bundleOf} builds one from the vendored {@link KubernetesSchemaHistory}.
 */
export interface KubernetesSchemaBundle {
  /** Kubernetes release, e.g. `v1.33.13`. */
  readonly kubernetesVersion: string;
  /** Where the definitions come from. */
  readonly source: string;
  /** `apiVersion` → `kind` → definition name, e.g. `apps/v1` → `Deployment` → `io.k8s.api.apps.v1.Deployment`. */
  readonly kinds: Record<string, Record<string, string>>;
  /** JSON schemas by definition name; references are `#/definitions/<name>`. */
  readonly definitions: Record<string, Yaml>;
}

/** Minors `[first, last]`, both included. */
export type MinorRange = readonly [string, string];

/** A schema in the minors of its range. */
export type Segment = readonly [string, string, Yaml];

/**
 * One definition through the minors: `schema` with the properties that are the same in every minor it exists in,
 * `vary` the properties that differ (or exist in some minors only), each as segments; or, when more than the
 * properties changes, `variants`, the whole definition by segments.
 */
export interface DefinitionHistory {
  /** The minors the definition exists in. */
  readonly in: MinorRange;
  readonly schema?: Yaml;
  readonly vary?: Record<string, readonly Segment[]>;
  readonly variants?: readonly Segment[];
}

/**
 * The vendored `kubernetes-schema.json`, written by `scripts/generate-kubernetes-schema.ts`: the schemas of every
 * minor an environment may target in one compact document (each definition once, with what changed by minor), and
 * the kinds of every release read, with the first and last minor that served each.
 */
export interface KubernetesSchemaHistory {
  readonly source: string;
  /** Minor → release tag, e.g. `1.33` → `v1.33.13`, of every release whose kinds are listed. */
  readonly releases: Record<string, string>;
  /** The minors with schemas, oldest first. */
  readonly minors: readonly string[];
  /** `apiVersion` → `kind` → `[definition, first minor, last minor]` served. */
  readonly kinds: Record<string, Record<string, readonly [string, string, string]>>;
  readonly definitions: Record<string, DefinitionHistory>;
  /**
   * What the OpenAPI documents declare deprecated (`Deprecated: ...` in a description), by the minors that declare it:
   * a kind (key: its definition name) or a field (key: `<definition>.<property>`), each segment's value the note.
   * @default - none recorded
   */
  readonly deprecations?: Record<string, readonly Segment[]>;
}

/** Compares minors: `1.9` < `1.29`. */
export function compareMinors(a: string, b: string): number {
  const [aMajor, aMinor] = a.split('.').map(Number);
  const [bMajor, bMinor] = b.split('.').map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}

/** Whether `minor` lies in `range`. */
export function inRange(minor: string, [first, last]: MinorRange): boolean {
  return compareMinors(first, minor) <= 0 && compareMinors(minor, last) <= 0;
}

/** The schemas of one minor of the history, key order as the OpenAPI document has it. */
export function bundleOf(history: KubernetesSchemaHistory, minor: string): KubernetesSchemaBundle {
  if (!history.minors.includes(minor)) throw new Error(`no Kubernetes ${minor} schemas; the gate has ${history.minors.join(', ')}`);
  const kinds: Record<string, Record<string, string>> = {};
  for (const [apiVersion, byKind] of Object.entries(history.kinds)) {
    for (const [kind, [definition, first, last]] of Object.entries(byKind)) {
      if (inRange(minor, [first, last])) (kinds[apiVersion] ??= {})[kind] = definition;
    }
  }
  const definitions: Record<string, Yaml> = {};
  for (const [name, entry] of Object.entries(history.definitions)) {
    if (!inRange(minor, entry.in)) continue;
    definitions[name] = entry.variants !== undefined ? segmentAt(entry.variants, minor) : withVaryingProperties(entry, minor);
  }
  return { kubernetesVersion: history.releases[minor], source: `${history.source} ${history.releases[minor]}`, kinds, definitions };
}

function segmentAt(segments: readonly Segment[], minor: string): Yaml {
  return segments.find(([first, last]) => inRange(minor, [first, last]))?.[2];
}

function withVaryingProperties(entry: DefinitionHistory, minor: string): Yaml {
  if (entry.vary === undefined) return entry.schema;
  const properties: Record<string, Yaml> = { ...entry.schema.properties };
  for (const [property, segments] of Object.entries(entry.vary)) {
    const schema = segmentAt(segments, minor);
    if (schema !== undefined) properties[property] = schema;
  }
  const sorted = Object.fromEntries(
    Object.keys(properties)
      .sort()
      .map((key) => [key, properties[key]]),
  );
  return { ...entry.schema, properties: sorted };
}
