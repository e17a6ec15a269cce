import { isDeepStrictEqual } from 'util';
import { WAIVER_PREFIX } from '../core/waivers';
import { fieldPath, objectId } from '../gate/finding';

/**
 * An object-level diff of synthesised output: which objects were added or removed, and for each changed object the
 * changed fields with their old and new values. Pure: objects in, a structured diff out, and a Markdown formatter
 * for a pull-request comment or a terminal. Never touches the file system; the CLI reads `dist/` (or a git ref).
 *
 * Objects are keyed by environment and `Kind/namespace/name` (the gate's object id), so a renamed object shows as
 * one removed and one added. Fields are compared key by key (keys in byte order); lists whose items all carry a
 * distinct `name` (containers, env, ports, volumes) are matched by name (`containers[name=api]`), so an inserted
 * item does not show every later one as changed; other lists are compared by position (`args[0]`). The order of
 * everything is fixed by the data alone: the same inputs always give the same diff and the same text.
 */

/** The objects of each environment: `{ production: [...], staging: [...] }`. */
export type EnvironmentObjects = Readonly<Record<string, readonly unknown[]>>;

/** One changed field of one object. */
export interface FieldDiff {
  /** Where, in the gate's notation: `spec.replicas`, `spec.selector["eaf.io/color"]`, `containers[name=api].image`, `args[0]`. */
  readonly path: string;
  /** The value before; `undefined` when the field did not exist. */
  readonly before: unknown;
  /** The value after; `undefined` when the field was removed. */
  readonly after: unknown;
}

/** One object that was added, removed or changed. */
export interface ObjectDiff {
  /** The environment (output folder) holding it. */
  readonly environment: string;
  /** `Kind/namespace/name`, or `Kind/name` for a cluster-scoped object. */
  readonly object: string;
  /** `<environment>: <object>`: how the diff names it. */
  readonly key: string;
  /** For a changed object, every changed field in a fixed order; empty for added and removed objects. */
  readonly fields: readonly FieldDiff[];
}

/** What changed between two outputs; each list sorted by environment, then object (byte order). */
export interface ManifestDiff {
  readonly added: readonly ObjectDiff[];
  readonly removed: readonly ObjectDiff[];
  readonly changed: readonly ObjectDiff[];
  /** The waivers (`waive.eaf.io/<rule>` annotations) added and removed, a changed reason as both. @default - none changed */
  readonly waivers?: WaiverDiff;
}

/** One waiver of one object, as a diff lists it. */
export interface WaiverChange {
  readonly environment: string;
  /** `Kind/namespace/name`. */
  readonly object: string;
  readonly rule: string;
  readonly reason: string;
}

/** The waivers only one of two outputs has; each list sorted by environment, object, rule, reason. */
export interface WaiverDiff {
  readonly added: readonly WaiverChange[];
  readonly removed: readonly WaiverChange[];
}

/** Compares the objects of every environment of `before` with those of `after`. */
export function diffManifests(before: EnvironmentObjects, after: EnvironmentObjects): ManifestDiff {
  const added: ObjectDiff[] = [];
  const removed: ObjectDiff[] = [];
  const changed: ObjectDiff[] = [];
  for (const environment of sorted(new Set([...Object.keys(before), ...Object.keys(after)]))) {
    const old = byId(before[environment] ?? []);
    const now = byId(after[environment] ?? []);
    for (const object of sorted(new Set([...old.keys(), ...now.keys()]))) {
      const entry = { environment, object, key: `${environment}: ${object}` };
      if (!now.has(object)) removed.push({ ...entry, fields: [] });
      else if (!old.has(object)) added.push({ ...entry, fields: [] });
      else {
        const fields: FieldDiff[] = [];
        compare(old.get(object), now.get(object), [], fields);
        if (fields.length > 0) changed.push({ ...entry, fields });
      }
    }
  }
  const waivers = diffWaivers(before, after);
  return { added, removed, changed, ...(waivers.added.length + waivers.removed.length > 0 ? { waivers } : {}) };
}

/**
 * The waivers added and removed between two outputs: every exception to a gate rule a pull request brings or drops,
 * listed on its own so a reviewer need not find it among the changed annotations.
 */
export function diffWaivers(before: EnvironmentObjects, after: EnvironmentObjects): WaiverDiff {
  const key = (w: WaiverChange) => JSON.stringify([w.environment, w.object, w.rule, w.reason]);
  const old = new Map(waiversOf(before).map((w) => [key(w), w]));
  const now = new Map(waiversOf(after).map((w) => [key(w), w]));
  const only = (a: Map<string, WaiverChange>, b: Map<string, WaiverChange>) => sorted([...a.keys()].filter((k) => !b.has(k))).map((k) => a.get(k)!);
  return { added: only(now, old), removed: only(old, now) };
}

/** Every waiver annotation of every object of every environment. */
function waiversOf(output: EnvironmentObjects): WaiverChange[] {
  return Object.entries(output).flatMap(([environment, objects]) =>
    objects.flatMap((object) => {
      const metadata = isRecord(object) && isRecord(object.metadata) ? object.metadata : {};
      const annotations = isRecord(metadata.annotations) ? metadata.annotations : {};
      return Object.entries(annotations)
        .filter(([name]) => name.startsWith(WAIVER_PREFIX))
        .map(([name, reason]) => ({
          environment,
          object: objectId(object as Record<string, unknown>),
          rule: name.slice(WAIVER_PREFIX.length),
          reason: String(reason),
        }));
    }),
  );
}

/** Whether the two outputs differ at all. */
export function isEmptyDiff(diff: ManifestDiff): boolean {
  return diff.added.length + diff.removed.length + diff.changed.length === 0;
}

/** Options of {@link formatManifestDiff}. */
export interface FormatManifestDiffOptions {
  /** The heading. @default 'Manifest diff' */
  readonly title?: string;
  /** The most fields listed per changed object; the rest are counted. @default 50 */
  readonly maxFieldsPerObject?: number;
}

/** The longest value printed in full; longer ones, and every multi-line text, are summarised. */
export const MAX_INLINE_VALUE = 80;

/**
 * The diff as Markdown, readable in a pull-request comment and in a terminal: a heading with the counts, then the
 * waivers added and removed, then the changed objects with one line per field (`old` → `new`), then the added and the
 * removed objects. Values are JSON; a multi-line or long text is summarised (lines, size, what changed), never printed
 * whole.
 */
export function formatManifestDiff(diff: ManifestDiff, options: FormatManifestDiffOptions = {}): string {
  const title = options.title ?? 'Manifest diff';
  const max = options.maxFieldsPerObject ?? 50;
  if (isEmptyDiff(diff)) return `### ${title}: no changes\n\nEvery object of every environment is as it was.\n`;
  const lines = [`### ${title}: ${diff.changed.length} changed, ${diff.added.length} added, ${diff.removed.length} removed`];
  if (diff.waivers !== undefined) {
    lines.push('', '**Waivers** (exceptions to a gate rule; each is recorded in its environment file)', '');
    for (const [what, waivers] of [
      ['added', diff.waivers.added],
      ['removed', diff.waivers.removed],
    ] as const) {
      for (const w of waivers) lines.push(`- ${what}: ${code(`${w.environment}: ${w.object}`)} [${w.rule}] ${code(JSON.stringify(w.reason))}`);
    }
  }
  if (diff.changed.length > 0) {
    lines.push('', '**Changed**', '');
    for (const o of diff.changed) {
      lines.push(`- ${code(o.key)}`);
      for (const f of o.fields.slice(0, max)) lines.push(`  - ${code(f.path)}: ${describeChange(f.before, f.after)}`);
      if (o.fields.length > max) lines.push(`  - … and ${o.fields.length - max} more fields`);
    }
  }
  for (const [heading, objects] of [
    ['Added', diff.added],
    ['Removed', diff.removed],
  ] as const) {
    if (objects.length === 0) continue;
    lines.push('', `**${heading}**`, '');
    for (const o of objects) lines.push(`- ${code(o.key)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A path segment: a key, a list position, or a list item matched by its `name`. */
type Segment = string | number | { readonly name: string };

/** The objects of one environment by id; a second object with the same id (a mistake) gets ` (2)`, and so on. */
function byId(objects: readonly unknown[]): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const object of objects) {
    const id = objectId(object as Record<string, unknown>);
    let key = id;
    for (let n = 2; out.has(key); n++) key = `${id} (${n})`;
    out.set(key, object);
  }
  return out;
}

function compare(a: unknown, b: unknown, path: Segment[], out: FieldDiff[]): void {
  if (isDeepStrictEqual(a, b)) return;
  if (isRecord(a) && isRecord(b)) {
    for (const key of sorted(new Set([...Object.keys(a), ...Object.keys(b)]))) compare(a[key], b[key], [...path, key], out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const names = namedItems(a) && namedItems(b);
    if (names) {
      const old = new Map(a.map((item) => [item.name as string, item]));
      const now = new Map(b.map((item) => [item.name as string, item]));
      // the new order first, then what was removed in the old order
      for (const name of [...now.keys(), ...[...old.keys()].filter((n) => !now.has(n))])
        compare(old.get(name), now.get(name), [...path, { name }], out);
    } else {
      for (let i = 0; i < Math.max(a.length, b.length); i++) compare(a[i], b[i], [...path, i], out);
    }
    return;
  }
  out.push({ path: fieldPath(path), before: a, after: b });
}

/** Every item is an object with a string `name`, and no two share one (so an empty list is, too). */
function namedItems(items: unknown[]): items is Array<{ name: string }> {
  const names = items.map((i) => (isRecord(i) && typeof i.name === 'string' ? i.name : undefined));
  return names.every((n) => n !== undefined) && new Set(names).size === names.length;
}

/** `old` → `new`; for two multi-line texts, also what changed line by line. */
function describeChange(before: unknown, after: unknown): string {
  const lines =
    typeof before === 'string' && typeof after === 'string' && before.includes('\n') && after.includes('\n') ? `; ${textChange(before, after)}` : '';
  return `${describeValue(before)} → ${describeValue(after)}${lines}`;
}

/** A value in a code span, or its summary when it is long or spans lines; `(none)` when absent. */
function describeValue(value: unknown): string {
  if (value === undefined) return '_(none)_';
  if (typeof value === 'string' && isLong(value)) return summary(value);
  const json = JSON.stringify(value) ?? String(value);
  if (json.length <= MAX_INLINE_VALUE) return code(json);
  if (Array.isArray(value)) return `_(a list of ${value.length} items, ${size(json)})_`;
  if (isRecord(value)) return `_(an object of ${Object.keys(value).length} fields, ${size(json)})_`;
  return summary(json);
}

function isLong(text: string): boolean {
  return text.includes('\n') || JSON.stringify(text).length > MAX_INLINE_VALUE;
}

/** `"first line…" (12 lines, 1.2 KiB)`. */
function summary(text: string): string {
  const lines = text.split('\n');
  const count = text.endsWith('\n') ? lines.length - 1 : lines.length;
  const head = lines[0].length > 40 ? `${lines[0].slice(0, 40)}…` : lines.length > 1 ? `${lines[0]}…` : lines[0];
  return `${code(JSON.stringify(head))} _(${count === 1 ? '1 line' : `${count} lines`}, ${size(text)})_`;
}

/** What changed in a text, line by line: `2 lines added, 1 removed, the first change at line 12`. */
function textChange(before: string, after: string): string {
  const old = before.split('\n');
  const now = after.split('\n');
  const counts = new Map<string, number>();
  for (const line of old) counts.set(line, (counts.get(line) ?? 0) + 1);
  let added = 0;
  for (const line of now) {
    const left = counts.get(line) ?? 0;
    if (left > 0) counts.set(line, left - 1);
    else added++;
  }
  const removed = [...counts.values()].reduce((sum, n) => sum + n, 0);
  let first = 0;
  while (first < old.length && first < now.length && old[first] === now[first]) first++;
  const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  const where = added + removed === 0 ? 'the same lines, reordered' : `the first change at line ${first + 1}`;
  return `${plural(added, 'line')} added, ${removed} removed, ${where}`;
}

function size(text: string): string {
  const bytes = new TextEncoder().encode(text).length;
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}

/** Inline code that survives backticks in the text. */
function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  return longest === 0 ? `${fence}${text}${fence}` : `${fence} ${text} ${fence}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Byte order, the same on every machine (not the locale's). */
function sorted(values: Iterable<string>): string[] {
  return [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
