import { KubeObject } from './kube';

// Live equals desired: every field a rendered object sets must read back from the API server with the same value.
// Fields the server adds (status, metadata it populates, defaults of fields the object leaves out) are outside the
// rendered object and so not compared: comparing the rendered object's projection of the live one is exactly "the
// live object after removing server-populated fields and defaults". A field the server drops (pruned by a CRD's
// structural schema) or rewrites (a non-canonical quantity such as `1000m` stored as `1`) is a difference, and so a
// standing drift in Argo CD. Hand-written: no library compares a partial object with a live one this way (kubectl diff
// compares with a dry-run of the same apply, which hides exactly these rewrites).

/** One difference: where (the gate's notation), what was rendered, what the server holds. */
export interface LiveDifference {
  readonly path: string;
  readonly rendered: unknown;
  readonly live: unknown;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every field of `rendered` whose value differs in `live` (missing in `live` counts as different). */
export function liveDifferences(rendered: unknown, live: unknown, path = ''): LiveDifference[] {
  if (isObject(rendered)) {
    if (!isObject(live)) return [{ path: path || '.', rendered, live }];
    return Object.keys(rendered).flatMap((key) => {
      const at = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${path}${path ? '.' : ''}${key}` : `${path}[${JSON.stringify(key)}]`;
      return key in live ? liveDifferences(rendered[key], live[key], at) : [{ path: at, rendered: rendered[key], live: undefined }];
    });
  }
  if (Array.isArray(rendered)) {
    if (!Array.isArray(live) || live.length !== rendered.length) return [{ path, rendered, live }];
    return rendered.flatMap((item, i) => liveDifferences(item, live[i], `${path}[${i}]`));
  }
  return rendered === live ? [] : [{ path, rendered, live }];
}

/** The key an object is found by among the live ones: kind/namespace/name. */
export const objectKey = (o: { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } }): string =>
  `${String(o.kind)}/${String(o.metadata?.namespace ?? '-')}/${String(o.metadata?.name)}`;

/** Every difference of every rendered object, `<key>: <path>: <rendered> -> <live>`; a rendered object not live is one. */
export function compareObjects(rendered: readonly KubeObject[], live: readonly KubeObject[]): string[] {
  const byKey = new Map(live.map((o) => [objectKey(o), o]));
  return rendered.flatMap((object) => {
    const key = objectKey(object);
    const found = byKey.get(key);
    if (found === undefined) return [`${key}: not on the server`];
    return liveDifferences(object, found).map((d) => `${key}: ${d.path}: ${JSON.stringify(d.rendered)} -> ${JSON.stringify(d.live)}`);
  });
}
