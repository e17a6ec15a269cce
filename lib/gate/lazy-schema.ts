import type { Yaml } from './finding';
// Schemas compiled on demand, level by level: the gate's answer to CRDs and pod specs of hundreds of kilobytes.
import type { ErrorObject, ValidateFunction } from 'ajv';
import { REF_PREFIX } from './schema-compiler';

/** Schemas larger than this (JSON characters, referenced definitions included) are compiled level by level. */
const LAZY_THRESHOLD = 4000;

/** Resolves `$ref`s into the Kubernetes bundle and measures schemas with what they reference. */
export class SchemaIndex {
  constructor(private readonly definitions: Record<string, Yaml>) {}

  /** The schema a pure `{ $ref }` node stands for (followed through the bundle), else the node. */
  public deref(schema: Yaml): Yaml {
    let current = schema;
    while (isMapLike(current) && typeof current.$ref === 'string' && current.$ref.startsWith(REF_PREFIX) && Object.keys(current).length === 1) {
      current = this.definitions[current.$ref.slice(REF_PREFIX.length)];
    }
    return current;
  }

  /**
   * Whether a schema, with everything it references (each definition counted once), is larger than `limit` JSON
   * characters (roughly: 2 per object, 8 per scalar, plus the keys). Stops counting as soon as it is, so that
   * measuring a large CRD costs no more than measuring a small one.
   */
  public isLarger(schema: Yaml, limit: number): boolean {
    let budget = limit;
    const seen = new Set<string>();
    const visit = (node: Yaml): boolean => {
      if (!isMapLike(node) && !Array.isArray(node)) return (budget -= 8) < 0;
      if ((budget -= 2) < 0) return true;
      for (const key of Object.keys(node)) {
        const value = (node as Record<string, Yaml>)[key];
        if (key === '$ref' && typeof value === 'string' && value.startsWith(REF_PREFIX)) {
          const name = value.slice(REF_PREFIX.length);
          if (!seen.has(name)) {
            seen.add(name);
            if (visit(this.definitions[name])) return true;
          }
        } else if ((budget -= key.length) < 0 || visit(value)) {
          return true;
        }
      }
      return false;
    };
    return visit(schema);
  }
}

/**
 * A schema compiled on demand, one level at a time, so that a gate run compiles only the parts of
 * large schemas its objects use. A big object schema is compiled with its properties accepting
 * anything (unknown fields, `required` and its other keywords are still checked), and each
 * property an object has is compiled the same way on first use; a big array schema likewise
 * compiles its items on first use. The result equals a full compile; CloudNativePG's Cluster,
 * Keycloak (with its pod template) and a Deployment's PodSpec cost a fraction of one.
 */
export class LazySchema {
  private validator?: ValidateFunction;
  private readonly body: Yaml;
  private readonly children = new Map<string, LazySchema>();
  private readonly mode: 'whole' | 'properties' | 'items';

  constructor(
    private readonly compile: (schema: Yaml) => ValidateFunction,
    private readonly index: SchemaIndex,
    private readonly schema: Yaml,
  ) {
    this.body = index.deref(schema);
    const big = index.isLarger(this.body, LAZY_THRESHOLD);
    this.mode = !big
      ? 'whole'
      : isMapLike(this.body?.properties)
        ? 'properties'
        : this.body?.type === 'array' && isMapLike(this.body.items)
          ? 'items'
          : 'whole';
  }

  /** ajv errors for `data`, with instance paths below `pointer`. */
  public validate(data: unknown, pointer: string): ErrorObject[] {
    const errors: ErrorObject[] = [];
    this.collect(data, pointer, [], errors);
    return errors;
  }

  /**
   * Adds the errors of `data`, which sits at `pointer` followed by the segments of `path`, to `errors`: this part's
   * own first, then each property's or item's in order. The pointer is written out only for a part with errors;
   * most parts have none, and a gate run visits tens of thousands.
   */
  private collect(data: unknown, pointer: string, path: string[], errors: ErrorObject[]): void {
    if (this.validator === undefined) {
      const own =
        this.mode === 'properties'
          ? { ...this.body, properties: Object.fromEntries(Object.keys(this.body.properties).map((k) => [k, true])) }
          : this.mode === 'items'
            ? { ...this.body, items: true }
            : this.schema;
      this.validator = this.compile(own);
    }
    if (!this.validator(data)) {
      // Paths made absolute; schema paths prefixed with the part's place, so parts never mix.
      const here = path.length === 0 ? pointer : `${pointer}/${path.map(escapePointer).join('/')}`;
      for (const e of this.validator.errors ?? []) errors.push({ ...e, instancePath: here + e.instancePath, schemaPath: `${here}${e.schemaPath}` });
    }
    if (this.mode === 'properties' && isMapLike(data)) {
      for (const key of Object.keys(data)) {
        const value = data[key];
        if (this.body.properties[key] === undefined || value === undefined) continue;
        path.push(key);
        this.child(key, this.body.properties[key]).collect(value, pointer, path, errors);
        path.pop();
      }
    } else if (this.mode === 'items' && Array.isArray(data)) {
      const items = this.child('[]', this.body.items);
      for (let i = 0; i < data.length; i++) {
        if (!(i in data)) continue;
        path.push(String(i));
        items.collect(data[i], pointer, path, errors);
        path.pop();
      }
    }
  }

  private child(key: string, schema: Yaml): LazySchema {
    let child = this.children.get(key);
    if (child === undefined) {
      child = new LazySchema(this.compile, this.index, schema);
      this.children.set(key, child);
    }
    return child;
  }
}

/** A key as a JSON Pointer segment (RFC 6901). */
function escapePointer(key: string): string {
  return key.includes('~') || key.includes('/') ? key.replace(/~/g, '~0').replace(/\//g, '~1') : key;
}

export function isMapLike(value: unknown): value is Record<string, Yaml> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
