import { IConstruct } from 'constructs';
import { PropertyError } from '../core/errors';
import { parentProperty } from '../core/provenance';

/**
 * Provenance: the environment setting each value a composer passes to a construct came from, written with the value
 * (`setting('components.api.replicas', value)`), so a construct's error about that value is reported against the
 * environment file's field with no inverse mapping to keep. Values of the product's own declaration carry no setting:
 * their errors name the construct path.
 *
 * @example
 * composition.build(scope, 'api', sourced('components.api', { replicas: setting('components.api.replicas', 3), image }),
 *   (s, id, props) => new EafApi(s, id, props));
 */

/**
 * A value and the environment setting (a field path such as `release.activeColor`) it came from; no path for a value of
 * the product's own declaration inside props that otherwise come from a setting.
 */
export class Setting<T> {
  constructor(
    public readonly path: string | undefined,
    public readonly value: T,
  ) {}
}

/** Marks `value` as coming from the environment setting `path`. */
export function setting<T>(path: string, value: T): Setting<T> {
  return new Setting(path, value);
}

/** Marks `value` as the product's declaration: an error about it names the construct path, not a setting. */
export function declared<T>(value: T): Setting<T> {
  return new Setting<T>(undefined, value);
}

/** Props in which any value, at any depth of plain objects and arrays, may be marked with its {@link Setting}. */
export type Sourced<T> = T | Setting<T> | (T extends object ? { [K in keyof T]: Sourced<T[K]> } : never);

/** Props whose values, each at any depth, may be marked with their {@link Setting} (the props themselves are not). */
export type SourcedProps<T> = { [K in keyof T]: Sourced<T[K]> };

/** Props with their settings taken out: the plain props, and where each marked value came from. */
export interface Unwrapped<T> {
  readonly props: T;
  /** Setting of each marked prop, by its dotted path (`externalEgress.0`, `blueGreen`); `''` for the whole props. */
  readonly origins: ReadonlyMap<string, string | undefined>;
}

/** Takes the {@link Setting} marks out of `props`; `root` is the setting of the props as a whole, if any. */
export function unwrap<T>(props: Sourced<T>, root?: string): Unwrapped<T> {
  const origins = new Map<string, string | undefined>();
  if (root !== undefined) origins.set('', root);
  // The one cast of this module: the walk removes exactly the marks Sourced<T> allows, so what is left is a T.
  return { props: strip(props, '', origins) as T, origins };
}

function strip(value: unknown, at: string, origins: Map<string, string | undefined>): unknown {
  if (value instanceof Setting) {
    origins.set(at, value.path);
    return strip(value.value, at, origins);
  }
  if (Array.isArray(value)) return value.map((item, i) => strip(item, join(at, String(i)), origins));
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, strip(item, join(at, key), origins)]));
  return value;
}

/** Only plain objects are walked: a construct, a class instance or a function passed as a prop is a value. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function join(at: string, key: string): string {
  return at === '' ? key : `${at}.${key}`;
}

/** `a[0].b` → `a.0.b`: construct properties name list items with brackets, settings with dots. */
function dotted(path: string): string {
  return path.replace(/\[(\d+)\]/g, '.$1');
}

/**
 * Where each construct's props came from, by construct path; resolves a {@link PropertyError} to its setting.
 */
export class Provenance {
  private readonly byPath = new Map<string, ReadonlyMap<string, string | undefined>>();

  /** Records the origins of the props of the construct at `path`. */
  public record(path: string, origins: ReadonlyMap<string, string | undefined>): void {
    if (origins.size > 0) this.byPath.set(path, origins);
  }

  /**
   * The error against the setting its value came from: the longest recorded prefix of its property, through the
   * constructs that built the failing one from their own props ({@link parentProperty}). Unchanged when the error
   * names its setting already, or its value came from no setting.
   */
  public locate(error: PropertyError): PropertyError {
    if (error.setting !== undefined) return error;
    let scope: IConstruct | undefined = error.scope;
    let property = dotted(error.property);
    while (scope !== undefined) {
      const origins = this.byPath.get(scope.node.path);
      if (origins !== undefined) {
        const found = resolve(origins, property);
        return found === undefined ? error : error.atSetting(found);
      }
      const up = parentProperty(scope, property);
      if (up === undefined) return error;
      scope = up.scope;
      property = dotted(up.property);
    }
    return error;
  }
}

/**
 * The setting of `property` (dotted): the longest recorded prefix, with the rest of the property appended; undefined
 * when no prefix is recorded or the longest is the product's declaration.
 */
function resolve(origins: ReadonlyMap<string, string | undefined>, property: string): string | undefined {
  const parts = property.split('.');
  for (let n = parts.length; n >= 0; n--) {
    const prefix = parts.slice(0, n).join('.');
    if (!origins.has(prefix)) continue;
    const origin = origins.get(prefix);
    return origin === undefined ? undefined : [origin, ...parts.slice(n)].join('.');
  }
  return undefined;
}
