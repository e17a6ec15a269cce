import type { CollectionTag, ScalarTag } from 'yaml';

/**
 * YAML that every reader loads the same: the manifests are read by YAML 1.2 parsers (Go's sigs.k8s.io/yaml, kubectl,
 * Argo CD, the `yaml` package) and by YAML 1.1 ones (PyYAML, so Ansible's `kubernetes.core.k8s`; SnakeYAML). A plain
 * scalar that one of them reads as something other than the string written (`yes`, `on`, `1:20`, `0755` under 1.1;
 * `0o755` under 1.2) changes the object, or, for PyYAML's `=`, stops the whole file from loading.
 *
 * The `yaml` package knows both versions' schemas except one type of YAML 1.1's type repository: `value`
 * (yaml.org/type/value.html), a plain `=`, which PyYAML resolves and then cannot construct ("could not determine a
 * constructor for the tag 'tag:yaml.org,2002:value'"). It is added here, so that the writer quotes `=` and the check
 * below reads it as what it is under YAML 1.1: not a string.
 *
 * One case the writer does not cover: the string `<<`, which the `yaml` package always prints plain under YAML 1.1 (its
 * merge tag claims it), so YAML 1.1 readers take a key `<<` as a merge key. No manifest has one; the check reports it.
 */

/** What a plain `=` is under YAML 1.1 when the check reads it: a value of its own, equal to no string. */
export const YAML_11_VALUE = Symbol.for('tag:yaml.org,2002:value');

/** YAML 1.1's `value` type, which the `yaml` package does not implement. */
export const YAML_11_VALUE_TAG: ScalarTag = {
  tag: 'tag:yaml.org,2002:value',
  default: true,
  test: /^=$/,
  resolve: () => YAML_11_VALUE,
};

/**
 * The tags a writer must also keep a plain string clear of, besides those of its own schema (YAML 1.1): the YAML 1.2
 * core schema's and YAML 1.1's `value`. Given as the `yaml` package's `compat` option, its stringify
 * quotes a string that would read as another type under any of them.
 */
export function otherReadersTags(): Array<ScalarTag | CollectionTag> {
  // Loaded here, not at import: importing the gate must not load the YAML library.
  const { Document } = require('yaml') as typeof import('yaml');
  return [...new Document(null, { version: '1.2' }).schema.tags, YAML_11_VALUE_TAG];
}

/**
 * Where a YAML text (one or more documents) reads differently as YAML 1.1 (with its `value` type) and as YAML 1.2 (core
 * schema): one line per difference, `document <n>: <path>: <1.1 reading> under YAML 1.1, <1.2 reading> under YAML 1.2`;
 * and any document either reader refuses. Empty when every reader loads the same data.
 */
export function yamlReadingDifferences(text: string): string[] {
  const { parseAllDocuments } = require('yaml') as typeof import('yaml');
  const read = (version: '1.1' | '1.2') => parseAllDocuments(text, { version, customTags: version === '1.1' ? [YAML_11_VALUE_TAG] : [] });
  const [old, current] = [read('1.1'), read('1.2')];
  if (!Array.isArray(old) || !Array.isArray(current)) return ['(text): is not a stream of YAML documents'];
  const out: string[] = [];
  current.forEach((document, i) => {
    const errors = [...old[i].errors.map((e) => `YAML 1.1: ${e.message}`), ...document.errors.map((e) => `YAML 1.2: ${e.message}`)];
    if (errors.length > 0) {
      out.push(...errors.map((e) => `document ${i + 1}: ${e.split('\n')[0]}`));
      return;
    }
    const difference = firstDifference(old[i].toJS({ maxAliasCount: -1 }), document.toJS({ maxAliasCount: -1 }), []);
    if (difference !== undefined) out.push(`document ${i + 1}: ${difference}`);
  });
  return out;
}

/** The first path at which two parsed values differ, described; `undefined` when they are equal. */
function firstDifference(a: unknown, b: unknown, path: readonly string[]): string | undefined {
  if (isContainer(a) && isContainer(b) && Array.isArray(a) === Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const key of keys) {
      const found = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], [...path, key]);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (Object.is(a, b) || (a instanceof Date && b instanceof Date && a.getTime() === b.getTime())) return undefined;
  return `${path.length === 0 ? '(document)' : path.join('.')}: ${describe(a)} under YAML 1.1, ${describe(b)} under YAML 1.2`;
}

function isContainer(value: unknown): value is object {
  return value !== null && typeof value === 'object' && !(value instanceof Date);
}

function describe(value: unknown): string {
  if (value === YAML_11_VALUE) return 'the value type (=), which PyYAML cannot load,';
  if (value instanceof Date) return `the timestamp ${value.toISOString()}`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (isContainer(value)) return Array.isArray(value) ? 'a sequence' : 'a map';
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  return `the ${typeof value} ${String(value)}`;
}
