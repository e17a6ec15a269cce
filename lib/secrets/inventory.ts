import { SECRET_PROVIDERS } from './secret-providers';
import { SECRET_REFERENCES, SecretReferenceSite } from './secret-references';
import { isObject } from '../core/json';
import { CONTAINER_LISTS, Match, walk } from './site-paths';

/**
 * The Secrets one environment's objects reference, read from the rendered objects themselves (the JSON of every
 * ApiObject), never from the constructs that wrote them: whatever renders a reference, it is found, as long as the
 * kind and field are in {@link SECRET_REFERENCES}. Pure: objects in, inventory out.
 */

// What reads Secrets and what provides them are tables of their own; their public names are exported from here too.
export { SECRET_PROVIDERS } from './secret-providers';
export type { SecretProviderSite } from './secret-providers';
export { SECRET_REFERENCES } from './secret-references';
export type { SecretReferenceForm, SecretReferenceSite } from './secret-references';

/** One reader of a Secret. */
export interface SecretReader {
  /** The object that names it, as `<Kind>/<name>`. */
  readonly object: string;
  /** The container that reads it, when the reference is in a pod template. @default - none: the object's controller reads it */
  readonly container?: string;
  /** Where the object names it, e.g. `spec.bootstrap.initdb.secret`. */
  readonly field: string;
  /** The keys it reads. @default - every key of the Secret (envFrom, a volume without items) */
  readonly keys?: readonly string[];
}

/** A Secret the objects reference, by name, with who reads which keys and what (if anything) provides it. */
export interface InventoriedSecret {
  /** The Secret's name. */
  readonly name: string;
  /** Its namespace: that of its readers. @default - none: the readers name no namespace (a chart's default applies) */
  readonly namespace?: string;
  /** Every key a reader names, sorted. */
  readonly keys: readonly string[];
  /** Whether some reader reads every key (envFrom, a volume without items), so the Secret may hold keys not listed. */
  readonly wholeSecret: boolean;
  /** The Secret type a reader requires, e.g. `kubernetes.io/basic-auth`. @default - none: any type (Opaque) */
  readonly type?: string;
  /** Who reads it, sorted by object, container and field. */
  readonly readers: readonly SecretReader[];
  /** What among the objects provides it, as `<Kind>/<name> (<by>)`, sorted. @default - none: it must be provided */
  readonly providedBy?: readonly string[];
}

/** A Secret while the inventory collects it: the readers found so far, the types they require, what provides it. */
interface Found {
  name: string;
  namespace?: string;
  readers: SecretReader[];
  types: string[];
  providers: Set<string>;
}

/**
 * Every Secret the objects reference (the JSON of each object, as `chart.toJson()` or `ApiObject.toJson()` give it),
 * sorted by namespace and name: its keys, its readers (object, container, field) and what among the same objects
 * provides it (an ExternalSecret, a SealedSecret, cert-manager for an Ingress, CloudNativePG for its own certificates).
 * Objects of kinds not in {@link SECRET_REFERENCES} read nothing; anything that is not an object is skipped.
 */
export function secretInventory(objects: readonly unknown[]): InventoriedSecret[] {
  const manifests = objects.filter(isObject);
  const found = new Map<string, Found>();
  collectReaders(manifests, found);
  collectProviders(manifests, found);
  return [...found.values()].sort((a, b) => compare(secretId(a.namespace, a.name), secretId(b.namespace, b.name))).map(inventoried);
}

/** The key of a Secret in the inventory: its namespace and name. */
function secretId(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

/** An object's `metadata`, or an empty one. */
function metadataOf(object: Record<string, unknown>): Record<string, unknown> {
  return isObject(object.metadata) ? object.metadata : {};
}

/** An object's namespace, when it names one. */
function namespaceOf(object: Record<string, unknown>): string | undefined {
  const namespace = metadataOf(object).namespace;
  return typeof namespace === 'string' ? namespace : undefined;
}

/** Every Secret the objects read, at the sites of {@link SECRET_REFERENCES}, with its readers and required types. */
function collectReaders(manifests: ReadonlyArray<Record<string, unknown>>, found: Map<string, Found>): void {
  for (const object of manifests) {
    const namespace = namespaceOf(object);
    const owner = `${object.kind}/${metadataOf(object).name}`;
    for (const site of SECRET_REFERENCES[kindKey(object)] ?? []) {
      for (const match of walk(object, site.path)) {
        for (const read of readsOf(match, site)) {
          const id = secretId(namespace, read.name);
          const entry: Found = found.get(id) ?? { name: read.name, namespace, readers: [], types: [], providers: new Set<string>() };
          entry.readers.push({
            object: owner,
            ...(read.container === undefined ? {} : { container: read.container }),
            field: match.path,
            ...(read.keys === undefined ? {} : { keys: read.keys }),
          });
          if (site.type !== undefined) entry.types.push(site.type);
          found.set(id, entry);
        }
      }
    }
  }
}

/** What among the objects provides each Secret read, at the sites of {@link SECRET_PROVIDERS}. */
function collectProviders(manifests: ReadonlyArray<Record<string, unknown>>, found: Map<string, Found>): void {
  for (const object of manifests) {
    const namespace = namespaceOf(object);
    for (const site of SECRET_PROVIDERS[kindKey(object)] ?? []) {
      if (site.when !== undefined && !site.when(object)) continue;
      const named = walk(object, site.path).map((m) => m.value);
      const names = named.length > 0 || site.fallback === undefined ? named : walk(object, site.fallback).map((m) => m.value);
      for (const name of names.filter((n): n is string => typeof n === 'string' && n !== '')) {
        found.get(secretId(namespace, `${name}${site.suffix ?? ''}`))?.providers.add(`${object.kind}/${metadataOf(object).name} (${site.by})`);
      }
    }
  }
}

/** A collected Secret as the inventory gives it: readers sorted, keys merged, the first required type. */
function inventoried(entry: Found): InventoriedSecret {
  const readers = entry.readers.sort(
    (a, b) => compare(a.object, b.object) || compare(a.container ?? '', b.container ?? '') || compare(a.field, b.field),
  );
  return {
    name: entry.name,
    ...(entry.namespace === undefined ? {} : { namespace: entry.namespace }),
    keys: [...new Set(readers.flatMap((r) => r.keys ?? []))].sort(compare),
    wholeSecret: readers.some((r) => r.keys === undefined),
    ...(entry.types.length === 0 ? {} : { type: entry.types[0] }),
    readers,
    ...(entry.providers.size === 0 ? {} : { providedBy: [...entry.providers].sort(compare) }),
  };
}

/** The Secrets among `inventory` that nothing among the objects provides: what a secrets provider must bring. */
export function unprovidedSecrets(inventory: readonly InventoriedSecret[]): InventoriedSecret[] {
  return inventory.filter((s) => s.providedBy === undefined);
}

/**
 * Whether objects of this one's kind read or provide Secrets at all: the others need not be rendered for the
 * inventory (a dashboard's ConfigMap, a PrometheusRule).
 */
export function concernsSecrets(object: { readonly apiVersion?: unknown; readonly kind?: unknown }): boolean {
  const key = kindKey(object);
  return key in SECRET_REFERENCES || key in SECRET_PROVIDERS;
}

/** `<Kind>.<group>` of an object (`Pod` for the core group): the key of {@link SECRET_REFERENCES}. */
export function kindKey(object: { readonly apiVersion?: unknown; readonly kind?: unknown }): string {
  const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : '';
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? String(object.kind) : `${String(object.kind)}.${apiVersion.slice(0, slash)}`;
}

/** What one found reference reads: the Secret's name, its keys (undefined: all) and the reading containers. */
function readsOf(match: Match, site: SecretReferenceSite): Array<{ name: string; keys?: readonly string[]; container?: string }> {
  const value = match.value;
  const pick = (name: unknown, keys: readonly string[] | undefined) =>
    typeof name === 'string' && name !== '' ? [{ name, keys, container: match.container }] : [];
  const itemKeys = (items: unknown) =>
    Array.isArray(items) && items.length > 0 ? items.map((i) => (isObject(i) ? String(i.key) : '')).filter((k) => k !== '') : undefined;
  switch (site.form) {
    case 'key':
      return isObject(value) && typeof value.key === 'string' ? pick(value.name, [value.key]) : [];
    case 'name':
      return isObject(value) ? pick(value.name, site.keys) : [];
    case 'string':
      return pick(value, site.keys);
    case 'volume':
    case 'projection': {
      if (!isObject(value)) return [];
      const reads = pick(site.form === 'volume' ? value.secretName : value.name, itemKeys(value.items));
      const mounting = match.volume === undefined ? [] : mountingContainers(match.volume.pod, match.volume.name);
      return mounting.length === 0 ? reads : reads.flatMap((r) => mounting.map((container) => ({ ...r, container })));
    }
  }
}

/** The containers of a pod spec that mount the volume `name`. */
function mountingContainers(podSpec: Record<string, unknown>, name: string): string[] {
  return CONTAINER_LISTS.flatMap((list) => {
    const containers = podSpec[list];
    return Array.isArray(containers) ? containers.filter(isObject) : [];
  })
    .filter((c) => Array.isArray(c.volumeMounts) && c.volumeMounts.some((m: unknown) => isObject(m) && m.name === name))
    .map((c) => String(c.name));
}

/** Byte order, the same on every machine (not the locale's). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
