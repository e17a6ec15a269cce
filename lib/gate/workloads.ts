import type { VersionScheme } from '../core/formats';
import { Manifest, Yaml } from './finding';
import { splitApiVersion } from './schemas';

/**
 * Reading pod templates, images and label selectors out of plain manifests, defensively: an
 * object that failed its schema check still goes through the rules without throwing.
 */

/** A pod template of a workload (or a bare Pod). */
export interface PodTemplate {
  /** The object that holds it. */
  readonly object: Manifest;
  /** Index of the object in its set. */
  readonly index: number;
  /** `metadata.namespace` of the object (`''` when unset). */
  readonly namespace: string;
  /** Path of the template's metadata, e.g. `['spec', 'template', 'metadata']`. */
  readonly metadataPath: Array<string | number>;
  /** Path of the pod spec, e.g. `['spec', 'template', 'spec']`. */
  readonly specPath: Array<string | number>;
  /** The pod template's labels. */
  readonly labels: Record<string, string>;
  /** The pod template's annotations. */
  readonly annotations: Record<string, string>;
  /** The pod spec (`{}` when missing). */
  readonly spec: Record<string, Yaml>;
  /** A Deployment, StatefulSet, DaemonSet or Argo Rollout: runs until replaced. */
  readonly longRunning: boolean;
}

/** A container of a pod template, with where it sits. */
export interface ContainerRef {
  readonly container: Record<string, Yaml>;
  /** `containers`, `initContainers` or `ephemeralContainers`. */
  readonly list: 'containers' | 'initContainers' | 'ephemeralContainers';
  /** Full path of the container from the object's root. */
  readonly path: Array<string | number>;
}

/** Where each workload kind keeps its pod template, by `group/kind` (`/Pod` for the core group). */
const TEMPLATE_PATHS: Record<string, { path: string[]; longRunning: boolean }> = {
  'apps/Deployment': { path: ['spec', 'template'], longRunning: true },
  'apps/StatefulSet': { path: ['spec', 'template'], longRunning: true },
  'apps/DaemonSet': { path: ['spec', 'template'], longRunning: true },
  'apps/ReplicaSet': { path: ['spec', 'template'], longRunning: false },
  '/ReplicationController': { path: ['spec', 'template'], longRunning: false },
  'batch/Job': { path: ['spec', 'template'], longRunning: false },
  'batch/CronJob': { path: ['spec', 'jobTemplate', 'spec', 'template'], longRunning: false },
  'argoproj.io/Rollout': { path: ['spec', 'template'], longRunning: true },
};

/** The pod template of an object, or `undefined` when it has none (operator-managed custom resources included). */
export function podTemplateOf(object: Manifest, index: number): PodTemplate | undefined {
  if (!isMap(object) || typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') return undefined;
  const namespace = typeof object.metadata?.namespace === 'string' ? object.metadata.namespace : '';
  const { group } = splitApiVersion(object.apiVersion);
  if (group === '' && object.kind === 'Pod') {
    return template(object, index, namespace, ['metadata'], ['spec'], object.metadata, object.spec, false);
  }
  const where = TEMPLATE_PATHS[`${group}/${object.kind}`];
  if (where === undefined) return undefined;
  const podTemplate = at(object, where.path);
  if (!isMap(podTemplate)) return undefined;
  return template(
    object,
    index,
    namespace,
    [...where.path, 'metadata'],
    [...where.path, 'spec'],
    podTemplate.metadata,
    podTemplate.spec,
    where.longRunning,
  );
}

/**
 * Pod templates that custom resources hold in each item of a list, by `group/kind`: an Argo Rollouts analysis runs the
 * Job of each `job` metric in the namespace, so its pods meet the same rules as any other.
 */
const LISTED_TEMPLATE_PATHS: Record<string, { list: string[]; path: string[] }> = {
  'argoproj.io/AnalysisTemplate': { list: ['spec', 'metrics'], path: ['provider', 'job', 'spec', 'template'] },
};

/** Every pod template of an object: its own ({@link podTemplateOf}) or those in the items of a list (analysis Jobs). */
export function podTemplatesOf(object: Manifest, index: number): PodTemplate[] {
  const own = podTemplateOf(object, index);
  if (own !== undefined) return [own];
  if (!isMap(object) || typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') return [];
  const where = LISTED_TEMPLATE_PATHS[`${splitApiVersion(object.apiVersion).group}/${object.kind}`];
  if (where === undefined) return [];
  const namespace = typeof object.metadata?.namespace === 'string' ? object.metadata.namespace : '';
  return asArray(at(object, where.list)).flatMap((item, i) => {
    const podTemplate = at(item, where.path);
    if (!isMap(podTemplate)) return [];
    const path = [...where.list, i, ...where.path];
    return [template(object, index, namespace, [...path, 'metadata'], [...path, 'spec'], podTemplate.metadata, podTemplate.spec, false)];
  });
}

function template(
  object: Manifest,
  index: number,
  namespace: string,
  metadataPath: Array<string | number>,
  specPath: Array<string | number>,
  metadata: Yaml,
  spec: Yaml,
  longRunning: boolean,
): PodTemplate {
  return {
    object,
    index,
    namespace,
    metadataPath,
    specPath,
    longRunning,
    labels: stringMap(metadata?.labels),
    annotations: stringMap(metadata?.annotations),
    spec: isMap(spec) ? spec : {},
  };
}

/** Every container of a pod template, init and ephemeral ones included. */
export function containersOf(pod: PodTemplate): ContainerRef[] {
  const lists = ['containers', 'initContainers', 'ephemeralContainers'] as const;
  return lists.flatMap((list) =>
    asArray(pod.spec[list]).map((container, i) => ({ container: isMap(container) ? container : {}, list, path: [...pod.specPath, list, i] })),
  );
}

/** A label selector (`matchLabels` and `matchExpressions`) matches `labels`; `undefined` or `{}` matches everything. */
export function selectorMatches(selector: unknown, labels: Record<string, string>): boolean {
  if (!isMap(selector)) return selector === undefined || selector === null;
  for (const [key, value] of Object.entries(stringMap(selector.matchLabels))) {
    if (labels[key] !== value) return false;
  }
  for (const expression of asArray(selector.matchExpressions)) {
    const key = expression?.key;
    const values: string[] = asArray(expression?.values);
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (expression?.operator) {
      case 'In':
        if (!has || !values.includes(labels[key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** A Service-style selector (a plain map) matches `labels`: every pair is present. */
export function mapSelectorMatches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

/** The value at `path` of `value`, or `undefined`. */
export function at(value: unknown, path: ReadonlyArray<string | number>): Yaml {
  let current: Yaml = value;
  for (const segment of path) current = isMap(current) || Array.isArray(current) ? (current as Yaml)[segment] : undefined;
  return current;
}

export function isMap(value: unknown): value is Record<string, Yaml> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function asArray(value: unknown): Yaml[] {
  return Array.isArray(value) ? value : [];
}

/** The string entries of a map-like value. */
export function stringMap(value: unknown): Record<string, string> {
  if (!isMap(value)) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
}

/** An image reference split into its parts: `registry.example.com/dvmm/api:1.4.2@sha256:...`. */
export interface ImageReference {
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** Splits an image reference; the tag is what follows the last `:` after the last `/`. */
export function parseImage(image: string): ImageReference {
  const at = image.indexOf('@');
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const name = at >= 0 ? image.slice(0, at) : image;
  const colon = name.lastIndexOf(':');
  const tag = colon > name.lastIndexOf('/') ? name.slice(colon + 1) : undefined;
  return { repository: tag === undefined ? name : name.slice(0, colon), tag, digest };
}

/**
 * Images of operator-managed custom resources, which have no pod template of their own, by `group/kind`,
 * with how the image's releases are numbered: CloudNativePG's operand is PostgreSQL (`<major>.<minor>`).
 */
export const CUSTOM_RESOURCE_IMAGES: Readonly<Record<string, ReadonlyArray<{ readonly path: string[]; readonly scheme: VersionScheme }>>> = {
  'postgresql.cnpg.io/Cluster': [{ path: ['spec', 'imageName'], scheme: 'major.minor' }],
  'k8s.keycloak.org/Keycloak': [{ path: ['spec', 'image'], scheme: 'semver' }],
};
