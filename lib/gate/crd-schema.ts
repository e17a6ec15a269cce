import type { Yaml } from './finding';
// CustomResourceDefinitions as the gate reads them: found in a folder by a cheap scan, parsed on need or taken from the
// table shipped with the package, and made strict the way the API server prunes unknown fields.
import { createHash } from 'crypto';
import * as path from 'path';
import type { Document } from 'yaml';
import type { CrdFileText, ParsedCrdCache } from './crd-folder';
import { FORMATS, OBJECT_META, REF_PREFIX } from './schema-compiler';

/** One version of a CustomResourceDefinition. */
export interface CrdVersion {
  readonly served: boolean;
  /** The version's `openAPIV3Schema`, as the CRD file has it. */
  readonly schema?: Yaml;
  /** The same made strict ({@link strictCrdSchema}), when it came so from the shipped table. */
  readonly strict?: Yaml;
}

/** A CustomResourceDefinition read from the CRD folder. */
export interface Crd {
  readonly file: string;
  readonly group: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly versions: Map<string, CrdVersion>;
}

/** A CRD file, indexed by a cheap text scan and parsed on first need. */
export interface CrdFile extends CrdFileText {
  readonly group?: string;
  readonly kind?: string;
  parsed: boolean;
}

/** What the gate reads of a CustomResourceDefinition. */
export interface CrdEntry {
  readonly group: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly versions: ReadonlyArray<{ readonly name: string; readonly served: boolean; readonly schema: Yaml }>;
}

/** The `apiextensions.k8s.io/v1` CustomResourceDefinitions among a file's documents (anything else is skipped). */
export function crdsOf(documents: Yaml[]): CrdEntry[] {
  return documents
    .filter((crd) => crd?.kind === 'CustomResourceDefinition' && crd.apiVersion === 'apiextensions.k8s.io/v1')
    .map((crd) => ({
      group: crd.spec.group,
      kind: crd.spec.names.kind,
      namespaced: crd.spec.scope !== 'Cluster',
      versions: (crd.spec?.versions ?? []).map((v: Yaml) => ({
        name: v.name,
        served: v.served !== false,
        schema: v.schema?.openAPIV3Schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      })),
    }));
}

/**
 * The package's CRDs (`crds/`), parsed and made strict at build time (`crd-schemas.json`, written by
 * `npm run validators`, checked current by CI), by the SHA-256 of their file: any folder holding a byte-identical
 * file is read from here, without YAML parsing; any other file is parsed as before.
 */
export interface ShippedCrds {
  /** Where the files came from. */
  readonly source: string;
  /** By the SHA-256 of the file's text: its name and its CRDs, each version's schema already strict. */
  readonly files: Readonly<Record<string, { readonly file: string; readonly crds: CrdEntry[] }>>;
}

let shipped: ShippedCrds | undefined;

export function shippedCrdFile(source: string): ShippedCrds['files'][string] | undefined {
  // A require, loaded on first need, so that a bundled program carries it (the package build copies the file).
  shipped ??= require('./crd-schemas.json') as ShippedCrds;
  return Object.prototype.hasOwnProperty.call(shipped.files, source) ? shipped.files[source] : undefined;
}

/** The table of {@link ShippedCrds} for the files of a CRD folder (the generator's half). */
export function shippedCrdTable(crdFiles: readonly CrdFileText[], source: string): ShippedCrds {
  const files: Record<string, { file: string; crds: CrdEntry[] }> = {};
  for (const file of crdFiles) {
    const hash = sha256(file.text);
    const crds = crdsOf(yamlDocuments(file, hash, undefined)).map((crd) => ({
      ...crd,
      versions: crd.versions.map((v) => ({ ...v, schema: strictCrdSchema(v.schema) })),
    }));
    files[hash] = { file: path.basename(file.file), crds };
  }
  return { source, files };
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The documents of a YAML file as plain JS, from the cache of parsed files when it has them (`source`: the text's SHA-256). */
export function yamlDocuments(file: CrdFileText, source: string, cache: ParsedCrdCache | undefined): Yaml[] {
  const cached = cache?.get(source);
  if (cached !== undefined) return cached;
  const { parseAllDocuments } = require('yaml') as typeof import('yaml');
  const documents = (parseAllDocuments(file.text) as Document[]).map((document) => {
    if (document.errors.length > 0) throw new Error(`${file.file}: is not valid YAML: ${document.errors[0].message}`);
    return document.toJS({ maxAliasCount: -1 });
  });
  cache?.set(source, documents);
  return documents;
}

/** How much of a CRD file the index scans: controller-gen writes `spec.group` and `spec.names.kind` near the top. */
const SCAN_CHARACTERS = 16 * 1024;

/**
 * The CRD files with the group and kind a scan of each file's head finds (controller-gen layout).
 * The scan is a hint only: {@link SchemaValidator} parses the file it names, and every other file when that file
 * does not define the kind, so a file the scan misreads costs time, never a wrong answer.
 */
export function indexCrdFiles(files: readonly CrdFileText[]): CrdFile[] {
  return files.map(({ file, text: whole }) => {
    const text = whole.slice(0, SCAN_CHARACTERS);
    const single = text.split(/^---\s*$/m).filter((d) => d.trim() !== '').length === 1;
    const group = /^ {2}group:\s*"?([a-z0-9.-]+)"?\s*$/m.exec(text)?.[1];
    const kind = /^ {4}kind:\s*"?([A-Za-z0-9]+)"?\s*$/m.exec(text)?.[1];
    const scanned = single && group !== undefined && kind !== undefined;
    return scanned ? { file, text: whole, group, kind, parsed: false } : { file, text: whole, parsed: false };
  });
}

/** CRD schema keywords the validator has no use for. */
const CRD_DROPPED = new Set([
  'description',
  'default',
  'example',
  'externalDocs',
  'x-kubernetes-validations',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-int-or-string',
  'x-kubernetes-embedded-resource',
]);

/**
 * A CRD's openAPIV3Schema made strict the way the API server prunes unknown fields. Of its `metadata`, only what the API
 * server honours is kept: restrictions of `name` and `generateName` (e.g. OVN-Kubernetes' EgressFirewall must be named
 * `default`), on top of ObjectMeta.
 */
export function strictCrdSchema(schema: Yaml): Yaml {
  const root = strictNode({ ...schema, properties: { ...schema?.properties, status: undefined, metadata: undefined } }, false);
  const meta = schema?.properties?.metadata?.properties ?? {};
  const names = Object.fromEntries(['name', 'generateName'].filter((k) => meta[k] !== undefined).map((k) => [k, strictNode(meta[k], true)]));
  const objectMeta = { $ref: `${REF_PREFIX}${OBJECT_META}` };
  root.properties = {
    ...root.properties,
    status: { type: 'object' },
    metadata: Object.keys(names).length === 0 ? objectMeta : { allOf: [objectMeta, { properties: names }] },
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
  };
  root.additionalProperties = false;
  return root;
}

function strictNode(node: Yaml, inJunction: boolean): Yaml {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return node;
  const out: Record<string, Yaml> = {};
  for (const [key, value] of Object.entries(node)) {
    if (CRD_DROPPED.has(key)) continue;
    if (key === 'properties') {
      out.properties = Object.fromEntries(
        Object.entries(value as object)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => [k, strictNode(v, inJunction)]),
      );
    } else if (key === 'items' || key === 'additionalProperties') {
      out[key] = typeof value === 'object' ? strictNode(value, inJunction) : value;
    } else if (key === 'allOf' || key === 'anyOf' || key === 'oneOf') {
      if (Array.isArray(value)) out[key] = value.map((v) => strictNode(v, true));
    } else if (key === 'not') {
      if (value !== null) out.not = strictNode(value, true);
    } else if (key === 'format') {
      if (FORMATS[value as string] !== undefined) out.format = value;
    } else if (key === 'pattern') {
      if (compiles(value as string)) out.pattern = value;
    } else {
      out[key] = value;
    }
  }
  if (node['x-kubernetes-int-or-string'] === true) {
    out.type = ['integer', 'string'];
    if (Array.isArray(out.anyOf) && out.anyOf.every((b: Yaml) => Object.keys(b).join() === 'type')) delete out.anyOf;
  }
  if (out.nullable !== undefined && out.type === undefined) delete out.nullable;
  if (node['x-kubernetes-embedded-resource'] === true) {
    out.properties = { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, ...out.properties };
  }
  const isObject = out.type === 'object' || out.properties !== undefined;
  if (isObject && !inJunction && node['x-kubernetes-preserve-unknown-fields'] !== true && out.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  return out;
}

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}
