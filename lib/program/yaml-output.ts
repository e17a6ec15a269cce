import { Yaml } from 'cdk8s';

/**
 * Manifest YAML, byte-identical to cdk8s's `Yaml.stringify` (the `yaml` library, YAML 1.1 schema, no line folding)
 * and several times faster for what manifests are made of.
 *
 * Writing YAML was half of what each extra environment cost: the `yaml` library builds a document tree of every
 * object before it prints it. Kubernetes objects are plain data, and for plain data the output is fixed by a few
 * rules, which this module applies directly: block maps and sequences indented by two (sequences inside maps too),
 * `{}` and `[]` when empty, and each scalar printed plain unless the `yaml` library would quote it (it would read
 * back as another type under YAML 1.1, or starts with an indicator, or holds `: ` or ` #`), then in single quotes if
 * it holds a double quote and no single quote, else in double quotes. The type tests come from the `yaml` library's
 * own YAML 1.1 schema.
 *
 * Anything else in a document (a multi-line or non-ASCII string, a tab, a fraction, `undefined`, a class instance,
 * a key longer than 1,024 characters (values of any length are printed on one line, as with cdk8s's `lineWidth: 0`),
 * YAML 1.1's merge key `<<`) sends that whole document to cdk8s's `Yaml.stringify`, so the output is the same either
 * way; `test/program/yaml-output.test.ts` compares both on generated data.
 */
export function stringifyManifests(documents: readonly unknown[]): string {
  return documents.map((document) => (document === undefined ? '\n' : stringifyDocument(document))).join('---\n');
}

/** One document: the fast path when it holds only what it handles, else cdk8s's own. */
function stringifyDocument(document: unknown): string {
  if (isPlainObject(document)) {
    try {
      return Object.keys(document).length === 0 ? '{}\n' : map(document, '');
    } catch (error) {
      if (error !== UNHANDLED) throw error;
    }
  }
  return Yaml.stringify(document);
}

/** Thrown (never escapes this module) when a value needs the `yaml` library. */
const UNHANDLED = Symbol('unhandled');

/** The YAML 1.1 types a plain scalar could be read as, other than a string (from the `yaml` library's schema). */
let otherTypes: RegExp[] | undefined;
function readsAsOtherType(value: string): boolean {
  if (otherTypes === undefined) {
    // Loaded here, not at import: importing the library must not load the YAML library.
    const { Document } = require('yaml') as typeof import('yaml');
    otherTypes = new Document(null, { version: '1.1' }).schema.tags
      .filter((tag) => tag.default && tag.tag !== 'tag:yaml.org,2002:str' && tag.test !== undefined)
      .map((tag) => tag.test as RegExp);
  }
  return otherTypes.some((test) => test.test(value));
}

/** Printable ASCII: no tab, no line break, nothing that is escaped or folded. */
const HANDLED_TEXT = /^[\x20-\x7e]*$/;
/** What a plain scalar may not be: an indicator first, `- `/`? `, `: ` or ` #` inside, a blank or `:` at the end. */
const NOT_PLAIN = /^[ ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-] |: | #| $|:$/;

/** Printed scalars by text: manifests repeat names, labels and ports many times. */
const printed = new Map<string, string>();

function text(value: string): string {
  let out = printed.get(value);
  if (out === undefined) {
    out = printText(value);
    if (printed.size >= 10000) printed.clear();
    printed.set(value, out);
  }
  return out;
}

function printText(value: string): string {
  if (!HANDLED_TEXT.test(value) || value.startsWith('---') || value.startsWith('...') || value === '<<') throw UNHANDLED;
  if (!NOT_PLAIN.test(value) && !readsAsOtherType(value)) return value;
  return value.includes('"') && !value.includes("'") ? `'${value}'` : JSON.stringify(value);
}

function scalar(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return text(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number' && Number.isSafeInteger(value) && !Object.is(value, -0)) return String(value);
  throw UNHANDLED;
}

function map(object: Record<string, unknown>, indent: string): string {
  let out = '';
  for (const key of Object.keys(object)) {
    // A simple key spans at most 1,024 characters (YAML); a longer one is written as an explicit key.
    if (key.length > 1024) throw UNHANDLED;
    out += `${indent}${text(key)}:${afterKey(object[key], indent)}`;
  }
  return out;
}

function afterKey(value: unknown, indent: string): string {
  if (Array.isArray(value)) return value.length === 0 ? ' []\n' : `\n${sequence(value, `${indent}  `)}`;
  if (isPlainObject(value)) return Object.keys(value).length === 0 ? ' {}\n' : `\n${map(value, `${indent}  `)}`;
  if (value !== null && typeof value === 'object') throw UNHANDLED;
  return ` ${scalar(value)}\n`;
}

function sequence(items: readonly unknown[], indent: string): string {
  let out = '';
  for (let i = 0; i < items.length; i++) {
    if (!(i in items)) throw UNHANDLED;
    const item = items[i];
    if (Array.isArray(item)) {
      out += item.length === 0 ? `${indent}- []\n` : `${indent}- ${sequence(item, `${indent}  `).slice(indent.length + 2)}`;
    } else if (isPlainObject(item)) {
      out += Object.keys(item).length === 0 ? `${indent}- {}\n` : `${indent}- ${map(item, `${indent}  `).slice(indent.length + 2)}`;
    } else if (item !== null && typeof item === 'object') {
      throw UNHANDLED;
    } else {
      out += `${indent}- ${scalar(item)}\n`;
    }
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
