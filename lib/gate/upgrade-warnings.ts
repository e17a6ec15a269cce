// What an environment's objects use that a later Kubernetes minor no longer serves or declares deprecated, the way
// pluto and kubent report it, from the same vendored OpenAPI history the gate validates against (kubernetes-schema.json):
// kinds and fields the later minor does not serve (with the release that removed them) and what its OpenAPI
// descriptions mark `Deprecated:` (the history's `deprecations`).
import { ClusterTarget, describeTarget, minorNumber } from '../core/cluster-version';
import { fieldPath } from '../core/field-path';
import { Manifest, objectId, Yaml } from './finding';
import { bundleOf, inRange, KubernetesSchemaBundle, KubernetesSchemaHistory, Segment } from './kubernetes-schema';
import { kindVersionProblem } from './version-problems';
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

/** The definitions of one minor, built once per minor a check needs. */
type Definitions = Record<string, Yaml>;

/** What one walk needs: the history, the two minors' definitions, and the later minor. */
interface Walk {
  readonly history: KubernetesSchemaHistory;
  readonly from: Definitions;
  readonly to: Definitions;
  readonly fromMinor: string;
  readonly toMinor: string;
  readonly definitionsAt: (minor: string) => Definitions;
}

/** One field an object sets that the later minor removed or deprecates. */
interface FieldUse {
  readonly path: ReadonlyArray<string | number>;
  /** The release that removed it; undefined when the later minor still serves it. */
  readonly removedIn?: string;
  readonly note?: string;
}

/**
 * The upgrade warnings of one environment's objects, from `from` to `to`: each built-in kind `to` does not serve (with
 * the release that removed it and the apiVersion that replaces it), each field the object sets that `to` no longer
 * has (with the release that removed it), and each kind or field `to`'s OpenAPI document declares deprecated. A walk
 * of the objects over both minors' definitions, by hand: no schema validator answers "which fields did this object
 * use that the other schema lacks". What `from` already refuses is the gate's finding, not repeated here. `bundleAt`
 * gives a minor's schemas (the caller may keep them: building one is most of the cost).
 */
export function upgradeWarnings(
  history: KubernetesSchemaHistory,
  environment: string,
  objects: readonly Manifest[],
  from: ClusterTarget,
  to: ClusterTarget,
  bundleAt: (minor: string) => KubernetesSchemaBundle = (minor) => bundleOf(history, minor),
): UpgradeWarning[] {
  const walk: Walk = {
    history,
    from: bundleAt(from.kubernetes).definitions,
    to: bundleAt(to.kubernetes).definitions,
    fromMinor: from.kubernetes,
    toMinor: to.kubernetes,
    definitionsAt: (minor) => bundleAt(minor).definitions,
  };
  const warnings: UpgradeWarning[] = [];
  for (const object of objects.filter(isMap)) {
    const definition = bundleAt(from.kubernetes).kinds[object.apiVersion]?.[object.kind];
    if (definition === undefined) continue;
    const warn = (kind: UpgradeWarning['kind'], message: string, fix: string) =>
      warnings.push({ environment, object: objectId(object), from, to, kind, message, fix });
    const later = bundleAt(to.kubernetes).kinds[object.apiVersion]?.[object.kind];
    if (later === undefined) {
      const removed = kindVersionProblem(history, object.apiVersion, object.kind, to);
      if (removed !== undefined) warn('removed', removed.message.replace(`; this environment targets ${describeTarget(to)}`, ''), removed.fix);
      continue;
    }
    const own = noteAt(history, later, to.kubernetes);
    if (own !== undefined) {
      const message = `apiVersion/kind: ${object.apiVersion} ${object.kind} is deprecated in Kubernetes ${to.kubernetes} ("${own}")`;
      warn('deprecated', message, replacement(own, `move off ${object.apiVersion} ${object.kind}`));
    }
    for (const use of fieldUses(walk, definition, later, object, [])) {
      const field = fieldPath(use.path);
      if (use.removedIn !== undefined) warn('removed', `${field}: was removed in Kubernetes ${use.removedIn}`, `remove ${field}`);
      else warn('deprecated', `${field}: is deprecated in Kubernetes ${to.kubernetes} ("${use.note}")`, replacement(use.note!, `remove ${field}`));
    }
  }
  return warnings;
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

/**
 * The fields `value` sets, at any depth, that the later minor removed or deprecates: walks the earlier minor's
 * definition (`from`) and the later one's (`to`) side by side, so a type renamed between them is followed on each side.
 * Fields the earlier minor does not know are the gate's finding, and `status` is never checked.
 */
function fieldUses(walk: Walk, from: string, to: string, value: Yaml, path: ReadonlyArray<string | number>): FieldUse[] {
  const before = walk.from[from]?.properties;
  const after = walk.to[to]?.properties ?? {};
  if (!isMap(value) || !isMap(before)) return [];
  return Object.keys(value)
    .filter((key) => before[key] !== undefined && key !== 'status')
    .flatMap((key) => {
      const at = [...path, key];
      if (after[key] === undefined) return [{ path: at, removedIn: removedIn(walk, from, key) }];
      const note = noteAt(walk.history, `${to}.${key}`, walk.toMinor);
      return [...(note === undefined ? [] : [{ path: at, note }]), ...within(walk, before[key], after[key], value[key], at)];
    });
}

/** The uses under one property's value: through its references, its items or its map values. */
function within(walk: Walk, from: Yaml, to: Yaml, value: Yaml, path: ReadonlyArray<string | number>): FieldUse[] {
  if (!isMap(from) || !isMap(to)) return [];
  if (typeof from.$ref === 'string' && typeof to.$ref === 'string') return fieldUses(walk, refName(from.$ref), refName(to.$ref), value, path);
  if (Array.isArray(value)) return value.flatMap((item, i) => within(walk, from.items, to.items, item, [...path, i]));
  if (isMap(value) && isMap(from.additionalProperties)) {
    return Object.keys(value).flatMap((key) => within(walk, from.additionalProperties, to.additionalProperties, value[key], [...path, key]));
  }
  return [];
}

/** The first minor after the earlier one whose `definition` lacks `property`. */
function removedIn(walk: Walk, definition: string, property: string): string {
  const later = walk.history.minors.filter((m) => minorNumber(m) > minorNumber(walk.fromMinor) && minorNumber(m) <= minorNumber(walk.toMinor));
  return later.find((m) => walk.definitionsAt(m)[definition]?.properties?.[property] === undefined) ?? walk.toMinor;
}

function refName(ref: string): string {
  return ref.slice(ref.lastIndexOf('/') + 1);
}
