import { stringify } from 'yaml';
import { compare, deepEqual, isMap, Json } from './manifests';

/**
 * The peers' inputs, generated from the synthesised objects so that they produce exactly the same objects: a helm
 * chart with one values file per environment, and a kustomize base with one overlay per environment. Pure: objects
 * in, file texts out (paths relative to the peer's folder).
 *
 * Both group the objects of every environment by kind and name (the environment's namespace in a name counts as the
 * same name, as for the Namespace object), so an object that exists in several environments is written once:
 * - helm: one template per object. Whatever is equal in every environment that has the object is literal YAML; a
 *   string that differs only by the environment's namespace or name uses `.Release.Namespace` / `.Values.environment`;
 *   any other difference is a value (one per distinct set of per-environment values); a field or an object that only
 *   some environments have is wrapped in `{{- if .Values.only<Environments> }}`.
 * - kustomize: objects of every environment in `base/`, objects of some in a component per set of environments, of
 *   one in its overlay; each overlay patches what differs, the namespace included, with JSON 6902 patches (kustomize's
 *   `namespace:` would also move the objects of the product's other namespaces, such as a restore drill's).
 */

/** One environment's objects. */
export interface EnvironmentObjects {
  readonly name: string;
  /** The namespace most of its objects are in. */
  readonly namespace: string;
  readonly objects: readonly Json[];
}

/** Files to write, by path relative to the peer's folder. */
export type Files = Map<string, string>;

/** The namespace most of these objects are in. */
export function mainNamespace(objects: readonly Json[]): string {
  const counts = new Map<string, number>();
  for (const o of objects) {
    const ns = isMap(o) && isMap(o.metadata) ? o.metadata.namespace : undefined;
    if (typeof ns === 'string') counts.set(ns, (counts.get(ns) ?? 0) + 1);
  }
  const best = [...counts.entries()].sort((a, b) => b[1] - a[1] || compare(a[0], b[0]))[0];
  if (best === undefined) throw new Error('no object has a namespace');
  return best[0];
}

/** An object that exists in one or more environments, by environment name. */
interface Group {
  readonly kind: string;
  /** Its name with the namespace written as `{namespace}`. */
  readonly name: string;
  readonly apiVersion: string;
  readonly byEnvironment: Map<string, Json>;
}

/** Groups the objects of every environment by kind and name (the environment's namespace in a name made neutral). */
function groupObjects(environments: readonly EnvironmentObjects[]): Group[] {
  const groups = new Map<string, Group>();
  for (const env of environments) {
    const seen = new Map<string, number>();
    for (const object of env.objects) {
      if (!isMap(object) || !isMap(object.metadata) || typeof object.kind !== 'string' || typeof object.metadata.name !== 'string') {
        throw new Error(`${env.name}: an object without kind or metadata.name: ${JSON.stringify(object).slice(0, 80)}`);
      }
      const name = object.metadata.name.split(env.namespace).join('{namespace}');
      const base = `${object.kind}/${name}`;
      const n = (seen.get(base) ?? 0) + 1;
      seen.set(base, n);
      const key = n === 1 ? base : `${base}#${n}`;
      let group = groups.get(key);
      if (group === undefined) {
        group = { kind: object.kind, name: n === 1 ? name : `${name}-${n}`, apiVersion: String(object.apiVersion ?? ''), byEnvironment: new Map() };
        groups.set(key, group);
      }
      group.byEnvironment.set(env.name, object);
    }
  }
  return [...groups.values()];
}

/** `{ 'a-b', 'c' }` → `aBC`; a safe identifier for helm values (letters and digits, starting with a letter). */
export function camel(words: readonly string[]): string {
  const parts = words.flatMap((w) => w.split(/[^A-Za-z0-9]+/)).filter((p) => p !== '');
  const text = parts.map((p, i) => (i === 0 ? p.charAt(0).toLowerCase() : p.charAt(0).toUpperCase()) + p.slice(1)).join('');
  return /^[A-Za-z]/.test(text) ? text : `v${text}`;
}

/** A file-name-safe form of `kind-name`. */
function fileName(group: Group): string {
  return `${group.kind}-${group.name.replace('{namespace}', 'namespace')}`.toLowerCase().replace(/[^a-z0-9.-]+/g, '-');
}

/** Unique names: the first use of `wanted` gets it, later ones a number. */
class Names {
  private readonly used = new Set<string>();
  public take(wanted: string): string {
    let name = wanted;
    for (let i = 2; this.used.has(name); i++) name = `${wanted}${i}`;
    this.used.add(name);
    return name;
  }
}

/** How the peers' YAML files are written: YAML 1.1 quoting (helm and kustomize read YAML 1.1), no folded lines. */
const YAML_OUT = { version: '1.1', lineWidth: 0 } as const;

const YAML_WORDS = /^(true|false|yes|no|on|off|y|n|null|~)$/i;

/** A scalar or key as YAML: plain when plainly a string in YAML 1.1 and 1.2, else JSON (double-quoted). */
function scalar(value: Json): string {
  if (typeof value === 'string' && /^[A-Za-z_/][A-Za-z0-9_./-]*$/.test(value) && !YAML_WORDS.test(value)) return value;
  return JSON.stringify(value);
}

function pad(indent: number): string {
  return ' '.repeat(indent);
}

// ---------------------------------------------------------------------------------------------------------------
// helm

/** A chart, its values files and what `helm template` needs per environment. */
export interface HelmPeer {
  /** `chart/...` (Chart.yaml, values.yaml, templates/) and `values/<environment>.yaml`. */
  readonly files: Files;
  /** Per environment: the values file (relative) and the namespace (`--namespace`). */
  readonly environments: ReadonlyArray<{ readonly name: string; readonly valuesFile: string; readonly namespace: string }>;
}

/** Writes the helm chart: see the top of this file. */
export function helmChart(environments: readonly EnvironmentObjects[], chartName: string): HelmPeer {
  const chart = new HelmChartWriter(environments);
  const files: Files = new Map();
  files.set(
    'chart/Chart.yaml',
    stringify(
      {
        apiVersion: 'v2',
        name: chartName,
        description: `${chartName}: the objects of the synthesised environments, as a chart (generated by npm run bench)`,
        type: 'application',
        version: '0.1.0',
      },
      YAML_OUT,
    ),
  );
  const names = new Names();
  for (const group of groupObjects(environments)) {
    files.set(`chart/templates/${names.take(fileName(group))}.yaml`, chart.template(group));
  }
  files.set('chart/values.yaml', stringify(chart.defaults(), YAML_OUT));
  for (const env of environments) files.set(`values/${env.name}.yaml`, stringify(chart.values.get(env.name), YAML_OUT));
  return { files, environments: environments.map((e) => ({ name: e.name, valuesFile: `values/${e.name}.yaml`, namespace: e.namespace })) };
}

/** Builds templates and collects the values they refer to. */
class HelmChartWriter {
  /** Per environment, its values. */
  public readonly values = new Map<string, { [key: string]: Json }>();
  private readonly names = new Names();
  /** A values name per distinct set of per-environment values. */
  private readonly byTuple = new Map<string, string>();
  private readonly flags = new Map<string, string>();
  private readonly environments: readonly EnvironmentObjects[];

  constructor(environments: readonly EnvironmentObjects[]) {
    this.environments = environments;
    this.names.take('environment');
    for (const env of environments) this.values.set(env.name, { environment: env.name });
  }

  /** values.yaml: every flag off. */
  public defaults(): { [key: string]: Json } {
    return Object.fromEntries([...this.flags.values()].sort(compare).map((f) => [f, false]));
  }

  public template(group: Group): string {
    const present = this.environments.filter((e) => group.byEnvironment.has(e.name)).map((e) => e.name);
    const values = new Map(present.map((e) => [e, group.byEnvironment.get(e)!]));
    const body = this.mapEntries(values, 0, [group.name.replace('{namespace}', 'namespace')]);
    if (present.length === this.environments.length) return `${body.join('\n')}\n`;
    return [`{{- if ${this.flag(present)} }}`, ...body, '{{- end }}', ''].join('\n');
  }

  /** `.Values.only<Environments>`: true in the values of exactly these environments. */
  private flag(environments: readonly string[]): string {
    const key = environments.join(',');
    let name = this.flags.get(key);
    if (name === undefined) {
      name = this.names.take(camel(['only', ...environments]));
      this.flags.set(key, name);
      for (const e of environments) this.values.get(e)![name] = true;
    }
    return `.Values.${name}`;
  }

  /** A Go template expression giving each environment its own value of these (a new value unless seen before). */
  private value(values: Map<string, Json>, hint: readonly string[]): string {
    const tuple = JSON.stringify([...values.entries()]);
    let name = this.byTuple.get(tuple);
    if (name === undefined) {
      const words = hint.filter((h) => !/^\d+$/.test(h));
      name = this.names.take(camel([words[0], words[words.length - 1]].filter((w, i) => i === 0 || w !== words[0])));
      this.byTuple.set(tuple, name);
      for (const [env, v] of values) this.values.get(env)![name] = v;
    }
    return `.Values.${name}`;
  }

  /** The entries of maps present in every environment of `values`, as lines at `indent`. */
  private mapEntries(values: Map<string, Json>, indent: number, hint: readonly string[]): string[] {
    const keys: string[] = [];
    for (const v of values.values()) for (const k of Object.keys(v as object)) if (!keys.includes(k)) keys.push(k);
    return keys.flatMap((key) => {
      const present = new Map<string, Json>();
      for (const [env, v] of values) if (Object.prototype.hasOwnProperty.call(v, key)) present.set(env, (v as { [k: string]: Json })[key]);
      const lines = this.node(`${scalar(key)}:`, present, indent, [...hint, key]);
      if (present.size === values.size) return lines;
      return [`${pad(indent)}{{- if ${this.flag([...present.keys()])} }}`, ...lines, `${pad(indent)}{{- end }}`];
    });
  }

  /**
   * `prefix` (`key:` or `-`) and the node every environment of `values` has, as lines at `indent`: literal where all
   * agree, maps and same-length lists entry by entry, strings through the namespace and environment name, else a value.
   */
  private node(prefix: string, values: Map<string, Json>, indent: number, hint: readonly string[]): string[] {
    const all = [...values.values()];
    if (all.every((v) => deepEqual(v, all[0]))) {
      // An object of one environment: its namespace is still the release's.
      const namespace = values.size === 1 ? this.environments.find((e) => values.has(e.name))!.namespace : undefined;
      return literal(prefix, all[0], indent, namespace);
    }
    if (all.every((v) => isMap(v))) return [`${pad(indent)}${prefix}`, ...this.mapEntries(values, indent + 2, hint)];
    if (all.every((v) => Array.isArray(v) && v.length === (all[0] as Json[]).length)) {
      const items = (all[0] as Json[]).map((_, i) =>
        this.node('-', new Map([...values].map(([e, v]) => [e, (v as Json[])[i]])), indent + 2, [...hint, String(i)]),
      );
      return [`${pad(indent)}${prefix}`, ...items.flat()];
    }
    const text = all.every((v) => typeof v === 'string') ? this.tokenised(values as Map<string, string>) : undefined;
    if (text !== undefined) return [`${pad(indent)}${prefix} ${text}`];
    return [`${pad(indent)}${prefix} {{ toJson ${this.value(values, hint)} }}`];
  }

  /** A double-quoted template string when the strings differ only by each environment's namespace and name. */
  private tokenised(values: Map<string, string>): string | undefined {
    const NS = '\u0000n\u0000';
    const ENV = '\u0000e\u0000';
    if ([...values.values()].some((s) => s.includes('{{') || s.includes('}}'))) return undefined;
    const forms = [...values].map(([e, s]) => {
      const env = this.environments.find((x) => x.name === e)!;
      return s.split(env.namespace).join(NS).split(env.name).join(ENV);
    });
    if (!forms.every((f) => f === forms[0])) return undefined;
    const quoted = JSON.stringify(forms[0]).slice(1, -1);
    return `"${quoted.split(JSON.stringify(NS).slice(1, -1)).join('{{ .Release.Namespace }}').split(JSON.stringify(ENV).slice(1, -1)).join('{{ .Values.environment }}')}"`;
  }
}

/**
 * A value the same in every environment, as template lines: YAML, with `{{` kept out of the template language, and
 * a string that is the (one) environment's `namespace` written as the release's.
 */
function literal(prefix: string, value: Json, indent: number, namespace?: string): string[] {
  if (Array.isArray(value) && value.length > 0) return [`${pad(indent)}${prefix}`, ...value.flatMap((v) => literal('-', v, indent + 2, namespace))];
  if (isMap(value) && Object.keys(value).length > 0) {
    return [
      `${pad(indent)}${prefix}`,
      ...Object.entries(value).flatMap(([k, v]) => literal(`${templateSafe(scalar(k))}:`, v, indent + 2, namespace)),
    ];
  }
  if (namespace !== undefined && value === namespace) return [`${pad(indent)}${prefix} "{{ .Release.Namespace }}"`];
  return [`${pad(indent)}${prefix} ${Array.isArray(value) ? '[]' : isMap(value) ? '{}' : templateSafe(scalar(value))}`];
}

/** A YAML scalar that holds `{{` or `}}`, printed by the template instead of parsed by it. */
function templateSafe(yamlScalar: string): string {
  if (!yamlScalar.includes('{{') && !yamlScalar.includes('}}')) return yamlScalar;
  const text = yamlScalar.startsWith('"') ? (JSON.parse(yamlScalar) as string) : yamlScalar;
  return `{{ toJson ${JSON.stringify(text)} }}`;
}

// ---------------------------------------------------------------------------------------------------------------
// kustomize

/** A kustomize tree and the overlay folder of each environment. */
export interface KustomizePeer {
  /** `base/`, `components/<environments>/`, `overlays/<environment>/`. */
  readonly files: Files;
  /** Per environment: its overlay folder (relative). */
  readonly environments: ReadonlyArray<{ readonly name: string; readonly overlay: string }>;
}

/** One JSON 6902 operation. */
export interface PatchOperation {
  readonly op: 'add' | 'remove' | 'replace';
  readonly path: string;
  readonly value?: Json;
}

/** `a/b~c` → `a~1b~0c` (RFC 6901). */
function pointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * The JSON 6902 operations that turn `from` into `to`: maps key by key, lists of the same length item by item,
 * anything else replaced whole.
 */
export function jsonPatch(from: Json, to: Json, at = ''): PatchOperation[] {
  if (deepEqual(from, to)) return [];
  if (isMap(from) && isMap(to)) {
    const ops: PatchOperation[] = [];
    for (const key of Object.keys(from)) if (!(key in to)) ops.push({ op: 'remove', path: `${at}/${pointer(key)}` });
    for (const [key, value] of Object.entries(to)) {
      ops.push(
        ...(key in from ? jsonPatch(from[key], value, `${at}/${pointer(key)}`) : [{ op: 'add' as const, path: `${at}/${pointer(key)}`, value }]),
      );
    }
    return ops;
  }
  if (Array.isArray(from) && Array.isArray(to) && from.length === to.length) return to.flatMap((v, i) => jsonPatch(from[i], v, `${at}/${i}`));
  return [{ op: 'replace', path: at, value: to }];
}

/** Writes the kustomize tree: see the top of this file. */
export function kustomizeTree(environments: readonly EnvironmentObjects[]): KustomizePeer {
  const files: Files = new Map();
  const all = environments.map((e) => e.name);
  const components = new Map<string, string>();
  const folder = (present: readonly string[]): string => {
    if (present.length === all.length) return 'base';
    if (present.length === 1) return `overlays/${present[0]}`;
    const key = present.join(',');
    if (!components.has(key)) components.set(key, `components/${names.take(present.join('-'))}`);
    return components.get(key)!;
  };
  const resources = new Map<string, string[]>();
  const patches = new Map<string, Json[]>(all.map((e) => [e, []]));
  const names = new Names();
  for (const group of groupObjects(environments)) {
    const present = all.filter((e) => group.byEnvironment.has(e));
    const reference = structuredClone(group.byEnvironment.get(present[0])!) as { [key: string]: Json };
    const referenceMetadata = reference.metadata as { [key: string]: Json };
    const dir = folder(present);
    const file = `${names.take(fileName(group))}.yaml`;
    files.set(`${dir}/${file}`, stringify(reference, YAML_OUT));
    resources.set(dir, [...(resources.get(dir) ?? []), file]);
    for (const env of environments.filter((e) => group.byEnvironment.has(e.name))) {
      const target = group.byEnvironment.get(env.name) as { [key: string]: Json };
      const ops = jsonPatch(reference, target);
      if (ops.length === 0) continue;
      const [group_, version] = group.apiVersion.includes('/') ? group.apiVersion.split('/') : ['', group.apiVersion];
      patches.get(env.name)!.push({
        // The namespace too: objects of one name may be in several of the product's namespaces.
        target: {
          group: group_,
          version,
          kind: group.kind,
          name: referenceMetadata.name as string,
          ...(typeof referenceMetadata.namespace === 'string' ? { namespace: referenceMetadata.namespace } : {}),
        },
        patch: stringify(ops, YAML_OUT),
      });
    }
  }
  const kustomization = (body: { [key: string]: Json }): string => stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', ...body }, YAML_OUT);
  for (const [dir, list] of resources) {
    if (dir === 'base') files.set('base/kustomization.yaml', kustomization({ kind: 'Kustomization', resources: list }));
    else if (dir.startsWith('components/'))
      files.set(
        `${dir}/kustomization.yaml`,
        stringify({ apiVersion: 'kustomize.config.k8s.io/v1alpha1', kind: 'Component', resources: list }, YAML_OUT),
      );
  }
  for (const env of environments) {
    const used = [...components].filter(([key]) => key.split(',').includes(env.name)).map(([, dir]) => `../../${dir}`);
    const body: { [key: string]: Json } = {
      kind: 'Kustomization',
      resources: [...(resources.has('base') ? ['../../base'] : []), ...(resources.get(`overlays/${env.name}`) ?? [])],
    };
    if (used.length > 0) body.components = used;
    if (patches.get(env.name)!.length > 0) body.patches = patches.get(env.name)!;
    files.set(`overlays/${env.name}/kustomization.yaml`, kustomization(body));
  }
  return { files, environments: environments.map((e) => ({ name: e.name, overlay: `overlays/${e.name}` })) };
}
