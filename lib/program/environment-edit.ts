import type { Document, Pair, Scalar, YAMLMap } from 'yaml';
import { describeValue } from '../core/errors';

/**
 * Edits of an environment file's text that change only the edited values: the `yaml` library's Document locates
 * each value, its source range is replaced (or a key inserted after a sibling, or a key removed with its line), and
 * the result must read back exactly as the Document edited with `setIn`/`deleteIn` does; otherwise the Document is
 * printed whole, and the edit says so. Comments, blank lines, flow maps and quoting elsewhere stay byte for byte.
 */

/** An environment file: its path (names it in every message) and its text. */
export interface EnvironmentText {
  /** The path of the file, as messages name it. */
  readonly file: string;
  /** Its text. */
  readonly text: string;
}

/** One field an edit changed. */
export interface FieldChange {
  /** The field, as a dotted path (`components.api.tags.green`). */
  readonly field: string;
  /** The value before; `undefined` when the field did not exist. */
  readonly from: string | undefined;
  /** The value after; `undefined` when the edit removed the field. */
  readonly to: string | undefined;
}

/** What an edit did to one environment file. */
export interface EnvironmentEdit {
  /** The file edited. */
  readonly file: string;
  /** The new text; the same text when nothing changed. */
  readonly text: string;
  /** The fields whose value changed, in the order edited; empty when the file already said it. */
  readonly changes: readonly FieldChange[];
  /** One line for the log: `<file>: <field>: <from> -> <to>, ... (<why>)`. */
  readonly description: string;
  /** What the operator should know before merging, one line each (`<file>: <field>: ...`). */
  readonly warnings: readonly string[];
}

/** One value to set (a string) or remove (`undefined`), by its path in the file. */
export interface ValueEdit {
  readonly path: readonly string[];
  readonly value: string | undefined;
  /** Where a key that does not exist yet goes: after this sibling key. @default - printed by the Document */
  readonly after?: string;
}

interface Splice {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/**
 * Sets or removes each value in place (see the module's comment); the result must read back as the Document edited
 * with `setIn`/`deleteIn` does, else (or when an edit cannot be made in place) the Document is printed whole.
 */
export function edit(environment: EnvironmentText, document: Document, edits: readonly ValueEdit[], why: string): EnvironmentEdit {
  const changes: FieldChange[] = [];
  const applied: ValueEdit[] = [];
  const splices: Splice[] = [];
  let inPlace = true;
  for (const e of edits) {
    const before = toPlain(document.getIn(e.path));
    if (before === e.value) continue;
    changes.push({ field: e.path.join('.'), from: before === undefined ? undefined : String(before), to: e.value });
    applied.push(e);
    const change = spliceOf(environment.text, document, e);
    if (change === undefined) inPlace = false;
    else splices.push(change);
  }
  const fields = changes.map((c) => `${c.field}: ${c.from ?? '(not set)'} -> ${c.to ?? '(removed)'}`).join(', ');
  if (changes.length === 0) {
    return {
      file: environment.file,
      text: environment.text,
      changes,
      warnings: [],
      description: `${environment.file}: already says so, nothing to change (${why})`,
    };
  }
  const expected = document.clone();
  for (const e of applied) {
    if (e.value === undefined) expected.deleteIn(e.path);
    else expected.setIn(e.path, e.value);
  }
  let text = inPlace ? splice(environment.text, splices) : undefined;
  if (text === undefined || !readsAs(text, expected)) {
    text = expected.toString({ flowCollectionPadding: false, lineWidth: 0 });
    inPlace = false;
  }
  const note = inPlace
    ? []
    : [
        `${environment.file}: ${changes.map((c) => c.field).join(', ')}: could not be edited in place, ` +
          `so the YAML library re-printed the file (got ${changes.map((c) => describeValue(c.from)).join(', ')}); ` +
          `check the file's layout and comments in the change before merging`,
      ];
  return { file: environment.file, text, changes, warnings: note, description: `${environment.file}: ${fields} (${why})` };
}

/** The text change of one edit, when it can be made in place. */
function spliceOf(text: string, document: Document, e: ValueEdit): Splice | undefined {
  const { isMap, isScalar } = yaml();
  const node = document.getIn(e.path, true);
  if (node !== undefined && e.value !== undefined) {
    return isScalar(node) && node.range && isInline(node)
      ? { start: node.range[0], end: node.range[1], text: renderScalar(node, e.value) }
      : undefined;
  }
  const parent = document.getIn(e.path.slice(0, -1), true);
  if (!isMap(parent)) return undefined;
  const key = e.path[e.path.length - 1];
  if (e.value === undefined) return removal(text, parent, key);
  return e.after === undefined ? undefined : insertion(text, parent, e.after, key, e.value);
}

/** Removes `key` from a map: its whole line in a block map, `, key: value` in a flow map. */
function removal(text: string, map: YAMLMap, key: string): Splice | undefined {
  const i = map.items.findIndex((p) => keyOf(p) === key);
  const range = pairRange(map.items[i]);
  if (range === undefined) return undefined;
  if (map.flow) {
    const previous = i > 0 ? pairRange(map.items[i - 1]) : undefined;
    const next = i + 1 < map.items.length ? pairRange(map.items[i + 1]) : undefined;
    if (previous) return { start: previous[1], end: range[1], text: '' };
    return next ? { start: range[0], end: next[0], text: '' } : undefined;
  }
  const lineStart = text.lastIndexOf('\n', range[0] - 1) + 1;
  const lineEnd = text.indexOf('\n', range[1]);
  if (text.slice(lineStart, range[0]).trim() !== '') return undefined;
  return { start: lineStart, end: lineEnd === -1 ? text.length : lineEnd + 1, text: '' };
}

/** Inserts `key: value` after the pair of `after`: on the next line at its indent (block), or `, key: value` (flow). */
function insertion(text: string, map: YAMLMap, after: string, key: string, value: string): Splice | undefined {
  const range = pairRange(map.items.find((p) => keyOf(p) === after));
  if (range === undefined) return undefined;
  const pair = `${key}: ${yaml().stringify(value, { lineWidth: 0 }).trimEnd()}`;
  if (map.flow) return { start: range[1], end: range[1], text: `, ${pair}` };
  const lineStart = text.lastIndexOf('\n', range[0] - 1) + 1;
  const indent = text.slice(lineStart, range[0]);
  if (indent.trim() !== '') return undefined;
  const lineEnd = text.indexOf('\n', range[1]);
  const at = lineEnd === -1 ? text.length : lineEnd;
  return { start: at, end: at, text: `\n${indent}${pair}` };
}

/** Where a pair with an inline scalar value sits: from its key's start to its value's end. */
function pairRange(pair: Pair | undefined): [number, number] | undefined {
  const { isScalar } = yaml();
  if (pair === undefined || !isScalar(pair.key) || !isScalar(pair.value) || !pair.key.range || !pair.value.range || !isInline(pair.value))
    return undefined;
  return [pair.key.range[0], pair.value.range[1]];
}

function keyOf(pair: Pair): unknown {
  return toPlain(pair.key);
}

/** A node as plain data (the Document API returns nodes for collections). */
export function toPlain(value: unknown): unknown {
  return value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function'
    ? (value as { toJSON(): unknown }).toJSON()
    : value;
}

/** The `yaml` library, loaded when an edit is made. */
export function yaml(): typeof import('yaml') {
  return require('yaml') as typeof import('yaml');
}

/** Plain and quoted scalars sit on one line; block scalars and aliases are printed by the Document instead. */
function isInline(node: Scalar): boolean {
  const { Scalar: S } = yaml();
  return node.type === S.PLAIN || node.type === S.QUOTE_DOUBLE || node.type === S.QUOTE_SINGLE;
}

/** `value` in the old scalar's style: quoted as it was, else plain unless it would read as another type (`"1.5"`). */
function renderScalar(node: Scalar, value: string): string {
  const { Scalar: S, stringify } = yaml();
  if (node.type === S.QUOTE_DOUBLE) return JSON.stringify(value);
  if (node.type === S.QUOTE_SINGLE) return `'${value.replace(/'/g, "''")}'`;
  return stringify(value, { lineWidth: 0 }).trimEnd();
}

function splice(text: string, splices: readonly Splice[]): string {
  let out = text;
  for (const s of [...splices].sort((a, b) => b.start - a.start)) out = out.slice(0, s.start) + s.text + out.slice(s.end);
  return out;
}

function readsAs(text: string, expected: Document): boolean {
  const { isDeepStrictEqual } = require('util') as typeof import('util');
  const reread = yaml().parseDocument(text, { uniqueKeys: true });
  return reread.errors.length === 0 && isDeepStrictEqual(reread.toJS(), expected.toJS());
}
