import { isDeepStrictEqual } from 'util';
import { bundleOf, compareMinors, DefinitionHistory, KubernetesSchemaBundle, KubernetesSchemaHistory, Segment } from '../lib/gate/kubernetes-schema';
import { buildKubernetesSchemaBundle, kindsOf, SUPPLEMENTS } from './kubernetes-schema';

/**
 * Folds the bundles of several Kubernetes minors into one compact {@link KubernetesSchemaHistory}: a definition that
 * is the same in every minor is written once; one whose properties differ keeps the common ones and lists the others
 * by the minors they have each schema in; one whose other parts differ is written once per run of equal minors.
 * Nine minors cost little more than one (most definitions never change), and the history also answers which
 * release added or removed a field or a kind, which the gate's refusals name.
 */

/** The OpenAPI document of one release. */
export interface ReleaseDocument {
  /** e.g. `1.33` */
  readonly minor: string;
  /** e.g. `v1.33.13` */
  readonly tag: string;
  readonly swagger: { definitions: Record<string, any> };
}

/**
 * The history of `releases`: schemas of the minors in `schemaMinors`, kinds of all. Checks that every minor's bundle
 * comes back from the history exactly (key order included: the gate's precompiled validators are keyed by it).
 */
export function buildKubernetesSchemaHistory(
  releases: readonly ReleaseDocument[],
  schemaMinors: readonly string[],
  source: string,
  supplements: Record<string, Record<string, unknown>> = SUPPLEMENTS,
): KubernetesSchemaHistory {
  const sorted = [...releases].sort((a, b) => compareMinors(a.minor, b.minor));
  const bundles = new Map<string, KubernetesSchemaBundle>();
  for (const minor of schemaMinors) {
    const release = sorted.find((r) => r.minor === minor);
    if (release === undefined) throw new Error(`no OpenAPI document for Kubernetes ${minor}`);
    bundles.set(minor, buildKubernetesSchemaBundle(release.swagger, `${source} ${release.tag}`, release.tag, supplements));
  }
  const names = [...new Set([...bundles.values()].flatMap((b) => Object.keys(b.definitions)))].sort();
  const definitions = Object.fromEntries(names.map((name) => [name, definitionHistory(name, schemaMinors, bundles)]));
  const history: KubernetesSchemaHistory = {
    source,
    releases: Object.fromEntries(sorted.map((r) => [r.minor, r.tag])),
    minors: [...schemaMinors],
    kinds: kindHistory(sorted),
    definitions,
    deprecations: deprecationHistory(sorted, schemaMinors, bundles),
  };
  for (const [minor, bundle] of bundles) {
    const back = bundleOf(history, minor);
    if (JSON.stringify(back.definitions) !== JSON.stringify(bundle.definitions) || !isDeepStrictEqual(back.kinds, bundle.kinds)) {
      throw new Error(`the history does not give back the schemas of Kubernetes ${minor}`);
    }
  }
  return history;
}

/** Every kind of every release with its definition and the first and last minor that served it. */
function kindHistory(releases: readonly ReleaseDocument[]): KubernetesSchemaHistory['kinds'] {
  const kinds: Record<string, Record<string, [string, string, string]>> = {};
  releases.forEach((release, index) => {
    for (const [apiVersion, byKind] of Object.entries(kindsOf(release.swagger))) {
      for (const [kind, definition] of Object.entries(byKind)) {
        const entry = (kinds[apiVersion] ??= {})[kind];
        if (entry !== undefined && entry[2] !== releases[index - 1]?.minor) {
          throw new Error(`${apiVersion} ${kind} is served in ${entry[2]} and ${release.minor} but not between them`);
        }
        kinds[apiVersion][kind] = [definition, entry?.[1] ?? release.minor, release.minor];
      }
    }
  });
  return sortKeys(Object.fromEntries(Object.entries(kinds).map(([apiVersion, byKind]) => [apiVersion, sortKeys(byKind)])));
}

/**
 * The deprecation note of an OpenAPI description: from `Deprecated:` (or `Deprecated.`, `DEPRECATED:`) on, at most two
 * sentences and no `More info` link; undefined when the description declares no deprecation. Only that marker at the
 * start of a sentence counts: a description that says a value or an annotation "is deprecated." is not a deprecated field.
 */
export function deprecationNote(description: unknown): string | undefined {
  if (typeof description !== 'string') return undefined;
  const match = /(?:^|[.!]\s+|\n\s*)deprecated[:.](?=\s|$)/i.exec(description);
  if (match === null) return undefined;
  const rest = description
    .slice(match.index + match[0].length)
    .replace(/\s+/g, ' ')
    .trim();
  const sentences = rest
    .split(/(?<=\.) /)
    .filter((s) => !s.startsWith('More info'))
    .slice(0, 2);
  return sentences.length > 0 && sentences[0] !== '' ? sentences.join(' ') : 'deprecated';
}

/**
 * The deprecations the OpenAPI documents of the schema minors declare, by the minors that declare each: of a kind
 * (key: its definition) and of a property of any definition a kind reaches (key: `<definition>.<property>`).
 */
function deprecationHistory(
  releases: readonly ReleaseDocument[],
  minors: readonly string[],
  bundles: Map<string, KubernetesSchemaBundle>,
): Record<string, Segment[]> {
  const notes = new Map<string, Map<string, string>>();
  for (const minor of minors) {
    const swagger = releases.find((r) => r.minor === minor)!.swagger;
    const bundle = bundles.get(minor)!;
    const kinds = new Set(Object.values(bundle.kinds).flatMap((byKind) => Object.values(byKind)));
    const byKey = new Map<string, string>();
    for (const name of Object.keys(bundle.definitions)) {
      const raw = swagger.definitions[name];
      const own = kinds.has(name) ? deprecationNote(raw.description) : undefined;
      if (own !== undefined) byKey.set(name, own);
      for (const [property, schema] of Object.entries<{ description?: unknown }>(raw.properties ?? {})) {
        const note = deprecationNote(schema.description);
        if (note !== undefined) byKey.set(`${name}.${property}`, note);
      }
    }
    notes.set(minor, byKey);
  }
  const keys = [...new Set([...notes.values()].flatMap((byKey) => [...byKey.keys()]))].sort();
  return Object.fromEntries(keys.map((key) => [key, segments(minors, (minor) => notes.get(minor)!.get(key))]));
}

function definitionHistory(name: string, minors: readonly string[], bundles: Map<string, KubernetesSchemaBundle>): DefinitionHistory {
  const present = minors.filter((m) => bundles.get(m)!.definitions[name] !== undefined);
  const first = minors.indexOf(present[0]);
  if (minors.slice(first, first + present.length).join() !== present.join()) {
    throw new Error(`definition ${name} is in Kubernetes ${present.join(', ')}: not one run of minors`);
  }
  const range = [present[0], present[present.length - 1]] as const;
  const at = (m: string) => bundles.get(m)!.definitions[name];
  const texts = new Set(present.map((m) => JSON.stringify(at(m))));
  if (texts.size === 1) return { in: range, schema: at(present[0]) };
  const outline = (schema: any) => JSON.stringify({ ...schema, properties: schema.properties === undefined ? undefined : {} });
  if (new Set(present.map((m) => outline(at(m)))).size !== 1 || at(present[0]).properties === undefined) {
    return { in: range, variants: segments(present, at) };
  }
  const properties = [...new Set(present.flatMap((m) => Object.keys(at(m).properties)))];
  const constant = properties.filter((p) => new Set(present.map((m) => JSON.stringify(at(m).properties[p]))).size === 1);
  const base = at(present[0]);
  const vary = properties
    .filter((p) => !constant.includes(p))
    .sort()
    .map((p) => [p, segments(present, (m) => at(m).properties[p])] as const);
  return {
    in: range,
    schema: { ...base, properties: Object.fromEntries(constant.map((p) => [p, base.properties[p]])) },
    vary: Object.fromEntries(vary),
  };
}

/** Runs of consecutive minors with the same value; minors without one have no segment. */
function segments(minors: readonly string[], valueAt: (minor: string) => unknown): Segment[] {
  const out: Array<[string, string, unknown]> = [];
  let previous: string | undefined;
  for (const minor of minors) {
    const value = valueAt(minor);
    const text = value === undefined ? undefined : JSON.stringify(value);
    const last = out[out.length - 1];
    if (text !== undefined && text === previous) last[1] = minor;
    else if (text !== undefined) out.push([minor, minor, value]);
    previous = text;
  }
  return out;
}

function sortKeys<T>(value: Record<string, T>): Record<string, T> {
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, value[k]]),
  );
}

/** Serialises a history the way it is committed: one apiVersion and one definition per line, so a diff shows what changed. */
export function serializeHistory(history: KubernetesSchemaHistory): string {
  const line = (entries: Record<string, unknown>) =>
    Object.entries(entries).map(([key, value]) => `    ${JSON.stringify(key)}: ${JSON.stringify(value)}`);
  return [
    '{',
    `  "source": ${JSON.stringify(history.source)},`,
    `  "releases": ${JSON.stringify(history.releases)},`,
    `  "minors": ${JSON.stringify(history.minors)},`,
    '  "kinds": {',
    line(history.kinds).join(',\n'),
    '  },',
    '  "definitions": {',
    line(history.definitions).join(',\n'),
    '  },',
    '  "deprecations": {',
    line(history.deprecations ?? {}).join(',\n'),
    '  }',
    '}',
    '',
  ].join('\n');
}
