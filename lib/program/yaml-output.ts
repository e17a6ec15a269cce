import type { CreateNodeOptions, DocumentOptions, SchemaOptions, ToStringOptions } from 'yaml';
import { otherReadersTags } from '../gate/yaml-readers';

/**
 * Manifest YAML as cdk8s's `Yaml.stringify` writes it (the `yaml` library, YAML 1.1 schema, no line folding), except
 * that a string is also quoted when another reader would load it as something else (the YAML 1.2 core schema's
 * `0o755`, YAML 1.1's `=`; lib/gate/yaml-readers.ts), so every reader loads every file the same; and several times
 * faster for what manifests are made of.
 *
 * Writing YAML was half of what each extra environment cost: the `yaml` library builds a document tree of every
 * object before it prints it. Kubernetes objects are plain data, and for plain data the output is fixed by a few
 * rules, which this module applies directly: block maps and sequences indented by two (sequences inside maps too),
 * `{}` and `[]` when empty, and each scalar printed plain unless the `yaml` library would quote it (it would read
 * back as another type under YAML 1.1 or 1.2, or starts with an indicator, or holds `: ` or ` #`), then in single quotes
 * if it holds a double quote and no single quote, else in double quotes. The type tests come from the `yaml` library's
 * own YAML 1.1 schema and the tags of the other readers.
 *
 * Anything else in a document (a multi-line or non-ASCII string, a tab, a fraction, `undefined`, a class instance,
 * a key longer than 1,024 characters (values of any length are printed on one line, as with cdk8s's `lineWidth: 0`),
 * YAML 1.1's merge key `<<`) sends that whole document to the `yaml` library ({@link stringifyWithLibrary}), so the
 * output is the same either way; `test/program/yaml-output.test.ts` compares both on generated data.
 */
export function stringifyManifests(documents: readonly unknown[]): string {
  return documents.map((document) => (document === undefined ? '\n' : stringifyDocument(document))).join('---\n');
}

/** One document: the fast path when it holds only what it handles, else the `yaml` library's. */
function stringifyDocument(document: unknown): string {
  if (isPlainObject(document)) {
    try {
      return Object.keys(document).length === 0 ? '{}\n' : map(document, '');
    } catch (error) {
      if (error !== UNHANDLED) throw error;
    }
  }
  return stringifyWithLibrary(document);
}

let libraryOptions: (DocumentOptions & SchemaOptions & CreateNodeOptions & ToStringOptions) | undefined;

/**
 * One document printed by the `yaml` library with cdk8s's options (`keepUndefined`, `lineWidth: 0`, YAML 1.1) and the
 * other readers' tags as `compat`, so a string any of them would read as another type is quoted.
 */
export function stringifyWithLibrary(document: unknown): string {
  const { stringify } = require('yaml') as typeof import('yaml');
  libraryOptions ??= { keepUndefined: true, lineWidth: 0, version: '1.1', compat: otherReadersTags() };
  return stringify(document, libraryOptions);
}

/** Thrown (never escapes this module) when a value needs the `yaml` library. */
const UNHANDLED = Symbol('unhandled');

/** The types a plain scalar could be read as, other than a string: YAML 1.1's (the `yaml` library's schema), the other readers'. */
let otherTypes: RegExp[] | undefined;
function readsAsOtherType(value: string): boolean {
  if (otherTypes === undefined) {
    // Loaded here, not at import: importing the library must not load the YAML library.
    const { Document } = require('yaml') as typeof import('yaml');
    otherTypes = [...new Document(null, { version: '1.1' }).schema.tags, ...otherReadersTags()]
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
