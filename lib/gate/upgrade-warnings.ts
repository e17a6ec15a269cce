// What an environment's objects use that a later Kubernetes minor no longer serves or declares deprecated, the way
// pluto and kubent report it, from the same vendored OpenAPI history the gate validates against (kubernetes-schema.json):
// kinds and fields the later minor does not serve (the gate's own refusal, at that minor) and what its OpenAPI
// descriptions mark `Deprecated:` (the history's `deprecations`).
import { ClusterTarget, describeTarget } from '../core/cluster-version';
import { fieldPath } from '../core/field-path';
import { Manifest, objectId, Yaml } from './finding';
import { bundleOf, inRange, KubernetesSchemaHistory, Segment } from './kubernetes-schema';
import type { SchemaProblem } from './schema-errors';
import { isMap } from './workloads';

/** One use of something a later minor removes or deprecates. */
export interface UpgradeWarning {
  /** The environment of the object. */
  readonly environment: string;
  /** `Kind/namespace/name` of the object. */
  readonly object: string;
  /** The target the environment has now. */
  readonly from: ClusterTarget;
  /** The target it is checked for. */
  readonly to: ClusterTarget;
  /** `removed` when the later minor refuses the object, `deprecated` when it still serves it. */
  readonly kind: 'removed' | 'deprecated';
  /** The field path, or `apiVersion/kind`, then what happens in which release. */
  readonly message: string;
  /** The replacement when the data names one, else what to do. */
  readonly fix: string;
}

/** `<environment>: <object>: [upgrade 1.33 → 1.34] <message>; fix: <fix>`. */
export function formatUpgradeWarning(w: UpgradeWarning): string {
  return `${w.environment}: ${w.object}: [upgrade ${describeTarget(w.from)} → ${describeTarget(w.to)}] ${w.message}; fix: ${w.fix}`;
}

/** How the gate checks one built-in object against one target (SchemaValidator.validate, core objects only). */
export type CoreProblems = (object: Manifest, target: ClusterTarget) => SchemaProblem[] | undefined;

/**
 * The upgrade warnings of one environment's objects, from `from` to `to`: each problem the gate reports at `to` but
 * not at `from` (a kind or a field `to` does not serve, named with the release that removed it), then each kind or
 * field the object uses that `to`'s OpenAPI document declares deprecated.
 */
export function upgradeWarnings(
  history: KubernetesSchemaHistory,
  coreProblems: CoreProblems,
  environment: string,
  objects: readonly Manifest[],
  from: ClusterTarget,
  to: ClusterTarget,
): UpgradeWarning[] {
  const kinds = bundleOf(history, to.kubernetes);
  const warnings: UpgradeWarning[] = [];
  for (const object of objects) {
    const later = isMap(object) ? coreProblems(object, to) : undefined;
    if (later === undefined) continue;
    const warn = (kind: UpgradeWarning['kind'], message: string, fix: string) =>
      warnings.push({ environment, object: objectId(object), from, to, kind, message, fix });
    const now = new Set((coreProblems(object, from) ?? []).map(fieldOf));
    const suffix = `; this environment targets ${describeTarget(to)}`;
    for (const problem of later.filter((p) => !now.has(fieldOf(p)))) warn('removed', problem.message.replace(suffix, ''), problem.fix);
    const definition = kinds.kinds[object.apiVersion]?.[object.kind];
    if (definition === undefined) continue;
    const own = noteAt(history, definition, to.kubernetes);
    if (own !== undefined) {
      const message = `apiVersion/kind: ${object.apiVersion} ${object.kind} is deprecated in Kubernetes ${to.kubernetes} ("${own}")`;
      warn('deprecated', message, replacement(own, `move off ${object.apiVersion} ${object.kind}`));
    }
    for (const { path, note } of deprecatedFields(history, kinds.definitions, to.kubernetes, definition, object, [])) {
      const field = fieldPath(path);
      warn('deprecated', `${field}: is deprecated in Kubernetes ${to.kubernetes} ("${note}")`, replacement(note, `remove ${field}`));
    }
  }
  return warnings;
}

/** The field a problem names: its message up to the first `: `. */
function fieldOf(problem: SchemaProblem): string {
  return problem.message.slice(0, problem.message.indexOf(': '));
}

/** The deprecation note of a definition or `<definition>.<property>` at `minor`; undefined when it is not deprecated there. */
function noteAt(history: KubernetesSchemaHistory, key: string, minor: string): string | undefined {
  const segments: readonly Segment[] = history.deprecations?.[key] ?? [];
  return segments.find(([first, last]) => inRange(minor, [first, last]))?.[2];
}

/** `use X instead` when the note says `Use X instead.` or `Use X.` (the replacement the OpenAPI names); else `otherwise`. */
function replacement(note: string, otherwise: string): string {
  const use = /\bUse (\S.*?)(?: instead)?\.(?:\s|$)/.exec(note);
  return use !== null ? `use ${use[1]} instead` : otherwise;
}

/** The deprecated properties `value` (of `definition`) sets, at any depth, with their paths. */
function deprecatedFields(
  history: KubernetesSchemaHistory,
  definitions: Record<string, Yaml>,
  minor: string,
  definition: string,
  value: Yaml,
  path: ReadonlyArray<string | number>,
): Array<{ path: ReadonlyArray<string | number>; note: string }> {
  const properties = definitions[definition]?.properties;
  if (!isMap(value) || !isMap(properties)) return [];
  return Object.keys(value)
    .filter((key) => properties[key] !== undefined && key !== 'status')
    .flatMap((key) => {
      const note = noteAt(history, `${definition}.${key}`, minor);
      const own = note === undefined ? [] : [{ path: [...path, key], note }];
      return [...own, ...within(history, definitions, minor, properties[key], value[key], [...path, key])];
    });
}

/** The deprecated properties under one property's value: through its reference, its items or its map values. */
function within(
  history: KubernetesSchemaHistory,
  definitions: Record<string, Yaml>,
  minor: string,
  schema: Yaml,
  value: Yaml,
  path: ReadonlyArray<string | number>,
): Array<{ path: ReadonlyArray<string | number>; note: string }> {
  if (!isMap(schema)) return [];
  if (typeof schema.$ref === 'string') {
    return deprecatedFields(history, definitions, minor, schema.$ref.slice('#/definitions/'.length), value, path);
  }
  if (Array.isArray(value)) return value.flatMap((item, i) => within(history, definitions, minor, schema.items, item, [...path, i]));
  if (isMap(value) && isMap(schema.additionalProperties)) {
    return Object.keys(value).flatMap((key) => within(history, definitions, minor, schema.additionalProperties, value[key], [...path, key]));
  }
  return [];
}
