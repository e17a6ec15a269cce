import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';

/**
 * Manifests as parsed YAML documents: what `npm run bench` compares before it times anything. Two outputs are the
 * same when they hold the same objects, sorted by kind, namespace and name; formatting, comments, key order and
 * document order do not count.
 */

/** A parsed YAML value (what `yaml` gives for JSON-like documents). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A plain object (not an array, not null). */
export function isMap(value: unknown): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every non-empty document of a YAML stream; `source` names it in errors. */
export function parseManifests(text: string, source: string): Json[] {
  const objects: Json[] = [];
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length > 0) throw new Error(`${source}: YAML error: ${document.errors[0].message.split('\n')[0]}`);
    const value = document.toJS({ maxAliasCount: -1 }) as Json;
    if (value !== null && value !== undefined) objects.push(value);
  }
  return objects;
}

/** Every object of the `*.yaml` files directly in `directory`, in file-name order. */
export function readManifestDirectory(directory: string): Json[] {
  return fs
    .readdirSync(directory)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) => parseManifests(fs.readFileSync(path.join(directory, f), 'utf8'), path.join(directory, f)));
}

/** The environments of an output folder: each sub-folder holding `*.yaml` files, by name. */
export function readEnvironments(outdir: string): Map<string, Json[]> {
  const environments = new Map<string, Json[]>();
  for (const entry of fs.readdirSync(outdir, { withFileTypes: true }).sort((a, b) => compare(a.name, b.name))) {
    const directory = path.join(outdir, entry.name);
    if (entry.isDirectory() && fs.readdirSync(directory).some((f) => f.endsWith('.yaml')))
      environments.set(entry.name, readManifestDirectory(directory));
  }
  return environments;
}

/** `<kind>/<namespace>/<name>` (empty parts for what an object lacks). */
export function objectKey(object: Json): string {
  const metadata = isMap(object) && isMap(object.metadata) ? object.metadata : {};
  const kind = isMap(object) && typeof object.kind === 'string' ? object.kind : '';
  return `${kind}/${typeof metadata.namespace === 'string' ? metadata.namespace : ''}/${typeof metadata.name === 'string' ? metadata.name : ''}`;
}

/** The objects sorted by kind, namespace and name (then by their JSON, so equal keys sort the same every time). */
export function sortObjects(objects: readonly Json[]): Json[] {
  return objects
    .map((o) => ({ o, key: objectKey(o), json: JSON.stringify(o) }))
    .sort((a, b) => compare(a.key, b.key) || compare(a.json, b.json))
    .map((e) => e.o);
}

/** Whether two parsed values are equal: same types, same keys (in any order), same array items in the same order. */
export function deepEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  if (isMap(a) && isMap(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** The paths at which two values differ (`spec.replicas: expected 1, got 2`), at most `limit` of them. */
export function differences(expected: Json, actual: Json, limit = 5, at = ''): string[] {
  const found: string[] = [];
  const walk = (e: Json, a: Json, where: string): void => {
    if (found.length >= limit || deepEqual(e, a)) return;
    if (isMap(e) && isMap(a)) {
      for (const key of [...new Set([...Object.keys(e), ...Object.keys(a)])].sort()) {
        const child = where === '' ? key : `${where}.${key}`;
        if (!(key in a)) found.push(`${child}: missing (expected ${render(e[key])})`);
        else if (!(key in e)) found.push(`${child}: not expected (got ${render(a[key])})`);
        else walk(e[key], a[key], child);
        if (found.length >= limit) return;
      }
      return;
    }
    if (Array.isArray(e) && Array.isArray(a) && e.length === a.length) {
      e.forEach((item, i) => walk(item, a[i], `${where}[${i}]`));
      return;
    }
    found.push(`${where === '' ? '(whole object)' : where}: expected ${render(e)}, got ${render(a)}`);
  };
  walk(expected, actual, at);
  return found;
}

/**
 * What differs between two sets of objects, matched by kind/namespace/name: objects missing or not expected, and
 * the first differing fields of each object in both. Empty when they hold the same objects.
 */
export function compareObjects(expected: readonly Json[], actual: readonly Json[], limit = 20): string[] {
  const byKey = (objects: readonly Json[]): Map<string, Json[]> => {
    const map = new Map<string, Json[]>();
    for (const o of sortObjects(objects)) map.set(objectKey(o), [...(map.get(objectKey(o)) ?? []), o]);
    return map;
  };
  const want = byKey(expected);
  const got = byKey(actual);
  const problems: string[] = [];
  for (const key of [...new Set([...want.keys(), ...got.keys()])].sort(compare)) {
    const e = want.get(key) ?? [];
    const a = got.get(key) ?? [];
    if (a.length < e.length) problems.push(`${key}: missing${e.length > 1 ? ` (${e.length - a.length} of ${e.length})` : ''}`);
    if (a.length > e.length) problems.push(`${key}: not expected${a.length > 1 ? ` (${a.length - e.length} more than ${e.length})` : ''}`);
    for (let i = 0; i < Math.min(e.length, a.length); i++) problems.push(...differences(e[i], a[i]).map((d) => `${key}: ${d}`));
  }
  return problems.length > limit ? [...problems.slice(0, limit), `... and ${problems.length - limit} more`] : problems;
}

/** A value for a message, cut at 80 characters. */
function render(value: Json): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Byte order, the same on every machine. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
