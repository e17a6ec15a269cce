import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { ENVIRONMENTS } from './harness';

/**
 * Mutations of DVMM's valid environment files (wrong types, out-of-range numbers, missing and extra keys, odd strings,
 * duplicated names), shared by the fuzz tiers: the whole program's (fuzz.test.ts) and the schema's (schema-fuzz.test.ts).
 */

export const FILES = ['dev.yaml', 'staging.yaml', 'production.yaml'];
const ORIGINALS = Object.fromEntries(FILES.map((f) => [f, parse(fs.readFileSync(path.join(ENVIRONMENTS, f), 'utf8'))]));

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = Array<string | number>;

/** Every path in a document, containers included. */
function paths(value: Json, at: Path = []): Path[] {
  const here = at.length > 0 ? [at] : [];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => paths(v, [...at, i]))];
  if (value !== null && typeof value === 'object') return [...here, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...at, k]))];
  return here;
}

function parentOf(root: Json, at: Path): any {
  return at.slice(0, -1).reduce((node: any, key) => node[key], root);
}

const oddStrings = fc.constantFrom(
  '',
  ' ',
  'null',
  '~',
  '0',
  '-1',
  '1e309',
  '0.0.0.0/0',
  '::/0',
  '${SECRET}',
  '../../etc/passwd',
  'ünïcödé',
  '🙂',
  'a\nb',
  'x'.repeat(300),
  'kube-system',
  'default',
  'latest',
  'sha256:',
  'https://',
  's3://',
  '10.0.0.0/33',
  '1Gi',
  '0',
  '-5Gi',
  'blue',
  'green',
  'yes',
  'NaN',
);
const oddNumbers = fc.oneof(
  fc.constantFrom(-1, 0, 1, 2, 3, 65535, 65536, 1.5, -0.5, 1e9, 2 ** 53, Number.MAX_SAFE_INTEGER),
  fc.integer({ min: -1000, max: 100000 }),
);
const anyValue: fc.Arbitrary<Json> = fc.oneof<fc.Arbitrary<Json>[]>(
  oddStrings,
  oddNumbers,
  fc.boolean(),
  fc.constant(null),
  fc.constant<Json>([]),
  fc.constant<Json>({}),
  fc.array(oddStrings, { maxLength: 3 }),
  fc.dictionary(fc.constantFrom('a', 'name', 'cidrs', 'ports'), oddStrings, { maxKeys: 2 }),
);

/** One mutation: where (an index into the document's paths), what, and with which value. */
export const mutation = fc.record({
  file: fc.constantFrom(...FILES),
  at: fc.nat(),
  kind: fc.constantFrom('delete', 'replace', 'add-key', 'duplicate', 'rename'),
  value: anyValue,
  key: fc.oneof(
    fc.constantFrom('replica', 'api', 'frontend', 'identity', 'db', 'namespace', 'critical', 'tag', 'tags', 'x-extra', 'waivers', 'egress', 'Api'),
    fc.string({ maxLength: 8 }),
  ),
});

export type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

/** Applies the mutations to fresh copies of the files; returns the texts. */
export function mutate(mutations: Array<Mutation>): Record<string, string> {
  const docs: Record<string, Json> = JSON.parse(JSON.stringify(ORIGINALS));
  for (const m of mutations) {
    const doc = docs[m.file];
    const all = paths(doc);
    const at = all[m.at % all.length];
    const parent = parentOf(doc, at);
    const last = at[at.length - 1];
    const target = parent[last];
    switch (m.kind) {
      case 'delete':
        if (Array.isArray(parent)) parent.splice(last as number, 1);
        else delete parent[last];
        break;
      case 'replace':
        parent[last] = m.value;
        break;
      case 'add-key':
        if (target !== null && typeof target === 'object' && !Array.isArray(target)) target[m.key] = m.value;
        else parent[last] = m.value;
        break;
      case 'duplicate':
        // The same name or value twice: an array element repeated, or a sibling key with the same value.
        if (Array.isArray(parent)) parent.push(JSON.parse(JSON.stringify(target)));
        else parent[`${String(last)}2`] = JSON.parse(JSON.stringify(target));
        break;
      case 'rename':
        if (!Array.isArray(parent)) {
          delete parent[last];
          parent[m.key] = target;
        }
        break;
    }
  }
  return Object.fromEntries(FILES.map((f) => [f, stringify(docs[f])]));
}
