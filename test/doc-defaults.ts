import { isDeepStrictEqual } from 'node:util';
import ts from 'typescript';

/**
 * The `@default` checker: reads every documented `@default` of the sources with the TypeScript compiler API and
 * compares each literal one (`@default 3`, `@default 'edge'`, `@default ['/tmp']`, `@default X_DEFAULTS.image`) with
 * the runtime default of the interface that carries it, inherited members included (a preset's props inherit the
 * base's docs). Prose defaults (`@default - the preset's`) and patterns (`` @default `<product>-alerts` ``) are not
 * literals and are not compared. A literal that is neither compared nor listed as unchecked (with its reason) is a
 * failure too, so that a new default cannot slip past.
 */

/** One source file's text. */
export interface SourceText {
  readonly fileName: string;
  readonly text: string;
}

/**
 * Where an interface's runtime defaults are: built constructs (their resolved public fields of the same name) and
 * frozen `*_DEFAULTS` objects, tried in order; `keys` maps a property to another key path in them (`'paths.metrics'`).
 */
export interface RuntimeDefaults {
  readonly sources: ReadonlyArray<object | (() => object)>;
  readonly keys?: Readonly<Record<string, string>>;
}

/** What the checker found. */
export interface DocDefaultsReport {
  /** `Interface.property` of every compared tag (inherited ones under each interface that inherits them). */
  readonly checked: readonly string[];
  /** Every literal tag, by where it is written (`Interface.property`). */
  readonly literals: readonly string[];
  /** What is wrong, one line each; empty when the docs are right. */
  readonly problems: readonly string[];
}

interface DocTag {
  /** `Owner.property`, e.g. `EafApiProps.replicas`. */
  readonly id: string;
  readonly fileName: string;
  /** The tag's text after `@default`. */
  readonly text: string;
  /** The literal value, when the text starts with one. */
  readonly literal?: { readonly value: unknown };
}

interface InterfaceDoc {
  readonly fileName: string;
  readonly heritage: readonly string[];
  /** Property name → its `@default` tag; `undefined`: declared without one. */
  readonly members: Map<string, DocTag | undefined>;
}

/** Compares every literal `@default` of `sources` with `runtime`; `unchecked` lists the literal tags left out, with why. */
export function checkDocDefaults(
  sources: readonly SourceText[],
  runtime: Readonly<Record<string, RuntimeDefaults>>,
  unchecked: Readonly<Record<string, string>>,
  constants: Readonly<Record<string, unknown>> = {},
): DocDefaultsReport {
  const { tags, interfaces, duplicates } = readDocDefaults(sources, constants);
  const problems: string[] = [...duplicates];
  const checked: string[] = [];
  const covered = new Set<string>();
  for (const [name, defaults] of Object.entries(runtime)) {
    if (!interfaces.has(name)) {
      problems.push(`${name}: has runtime defaults but is not an interface of the sources`);
      continue;
    }
    const built = defaults.sources.map((source) => lazy(source));
    for (const [property, tag] of membersOf(name, interfaces)) {
      if (tag?.literal === undefined) continue;
      const key = defaults.keys?.[property] ?? property;
      const found = built.map((source) => lookUp(source(), key)).find((value) => value !== undefined);
      checked.push(`${name}.${property}`);
      covered.add(tag.id);
      if (found === undefined) {
        problems.push(`${name}.${property}: documented @default ${tag.text}, but no runtime default was found (${tag.fileName})`);
      } else if (!sameValue(found, tag.literal.value)) {
        problems.push(`${name}.${property}: documented @default ${tag.text}, runtime default ${JSON.stringify(found)} (${tag.fileName})`);
      }
    }
  }
  const literals = tags.filter((t) => t.literal !== undefined);
  for (const tag of literals) {
    if (covered.has(tag.id) || tag.id in unchecked) continue;
    const fix = 'give its interface runtime defaults, or list it as unchecked with a reason';
    problems.push(`${tag.id}: @default ${tag.text} is not checked: ${fix} (${tag.fileName})`);
  }
  for (const id of Object.keys(unchecked)) {
    if (!literals.some((t) => t.id === id)) problems.push(`${id}: is listed as unchecked but documents no literal @default`);
    else if (covered.has(id)) problems.push(`${id}: is listed as unchecked but is checked`);
  }
  return { checked, literals: literals.map((t) => t.id), problems };
}

/** Every `@default` tag of the sources, and their interfaces with what they extend. */
function readDocDefaults(sources: readonly SourceText[], constants: Readonly<Record<string, unknown>>) {
  const tags: DocTag[] = [];
  const duplicates: string[] = [];
  const interfaces = new Map<string, InterfaceDoc>();
  for (const source of sources) {
    const file = ts.createSourceFile(source.fileName, source.text, ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (ts.isInterfaceDeclaration(node)) {
        const heritage = (node.heritageClauses ?? []).flatMap((c) => c.types.map((t) => t.expression.getText(file)));
        const members = new Map<string, DocTag | undefined>();
        for (const member of node.members) {
          if (ts.isPropertySignature(member)) members.set(member.name.getText(file), undefined);
        }
        if (interfaces.has(node.name.text)) duplicates.push(`${node.name.text}: is declared twice (${source.fileName})`);
        interfaces.set(node.name.text, { fileName: source.fileName, heritage, members });
      }
      for (const tag of ts.getJSDocTags(node)) {
        if (tag.tagName.text !== 'default' || tag.parent.parent !== node) continue;
        const text = (ts.getTextOfJSDocComment(tag.comment) ?? '').trim();
        const id = ownerPath(node, file);
        const literal = readLiteral(text, constants);
        const docTag: DocTag = { id, fileName: source.fileName, text, ...(literal ? { literal } : {}) };
        tags.push(docTag);
        const owner = node.parent;
        if (ts.isPropertySignature(node) && ts.isInterfaceDeclaration(owner)) {
          interfaces.get(owner.name.text)?.members.set(node.name.getText(file), docTag);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  return { tags, interfaces, duplicates };
}

/** An interface's properties, its own over those it inherits, each with its `@default` tag. */
function membersOf(name: string, interfaces: ReadonlyMap<string, InterfaceDoc>): Map<string, DocTag | undefined> {
  const own = interfaces.get(name);
  const members = new Map<string, DocTag | undefined>();
  for (const parent of own?.heritage ?? []) {
    for (const [property, tag] of membersOf(parent, interfaces)) members.set(property, tag);
  }
  for (const [property, tag] of own?.members ?? []) members.set(property, tag);
  return members;
}

/** `Interface.property`, `Class.field`, `Interface.property.nested` (a property of an inline type). */
function ownerPath(node: ts.Node, file: ts.SourceFile): string {
  const names: string[] = [];
  for (let at: ts.Node | undefined = node; at !== undefined && !ts.isSourceFile(at); at = at.parent) {
    const name = ts.getNameOfDeclaration(at as ts.Declaration);
    if (
      name !== undefined &&
      (ts.isPropertySignature(at) ||
        ts.isPropertyDeclaration(at) ||
        ts.isInterfaceDeclaration(at) ||
        ts.isClassDeclaration(at) ||
        ts.isTypeAliasDeclaration(at) ||
        ts.isMethodDeclaration(at) ||
        ts.isFunctionDeclaration(at))
    ) {
      names.unshift(name.getText(file));
    }
  }
  return names.join('.');
}

/**
 * The literal a `@default` text starts with: a number, a quoted string, `true`/`false`, an array or object of them, or
 * a `*_DEFAULTS.path` reference (resolved in `constants`); what follows it must be a space (a remark) or nothing.
 */
export function readLiteral(text: string, constants: Readonly<Record<string, unknown>> = {}): { value: unknown } | undefined {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, text);
  const fail = Symbol('not a literal');
  const value = (): unknown => {
    const token = scanner.scan();
    switch (token) {
      case ts.SyntaxKind.NumericLiteral:
        return Number(scanner.getTokenValue());
      // `-1`; `- 1 instance` is prose.
      case ts.SyntaxKind.MinusToken:
        return /\d/.test(text.charAt(scanner.getTokenEnd())) && scanner.scan() === ts.SyntaxKind.NumericLiteral
          ? -Number(scanner.getTokenValue())
          : fail;
      case ts.SyntaxKind.StringLiteral:
        return scanner.getTokenValue();
      case ts.SyntaxKind.TrueKeyword:
        return true;
      case ts.SyntaxKind.FalseKeyword:
        return false;
      case ts.SyntaxKind.OpenBracketToken:
        return list();
      case ts.SyntaxKind.OpenBraceToken:
        return record();
      case ts.SyntaxKind.Identifier:
        return reference(scanner.getTokenValue());
      default:
        return fail;
    }
  };
  const list = (): unknown => {
    const items: unknown[] = [];
    for (;;) {
      const item = value();
      if (item === fail) return fail;
      items.push(item);
      const next = scanner.scan();
      if (next === ts.SyntaxKind.CloseBracketToken) return items;
      if (next !== ts.SyntaxKind.CommaToken) return fail;
    }
  };
  const record = (): unknown => {
    const entries: Array<[string, unknown]> = [];
    for (;;) {
      const key = scanner.scan();
      if (key !== ts.SyntaxKind.Identifier && key !== ts.SyntaxKind.StringLiteral) return fail;
      const name = scanner.getTokenValue();
      if (scanner.scan() !== ts.SyntaxKind.ColonToken) return fail;
      const item = value();
      if (item === fail) return fail;
      entries.push([name, item]);
      const next = scanner.scan();
      if (next === ts.SyntaxKind.CloseBraceToken) return Object.fromEntries(entries);
      if (next !== ts.SyntaxKind.CommaToken) return fail;
    }
  };
  const reference = (name: string): unknown => {
    if (!/_DEFAULTS$/.test(name)) return fail;
    const path: string[] = [];
    while (text.charAt(scanner.getTokenEnd()) === '.') {
      scanner.scan();
      if (scanner.scan() !== ts.SyntaxKind.Identifier) return fail;
      path.push(scanner.getTokenValue());
    }
    const found = lookUp(constants[name], path.join('.'));
    return found === undefined ? fail : found;
  };
  const result = value();
  const rest = text.slice(scanner.getTokenEnd());
  return result === fail || !(rest === '' || /^\s/.test(rest)) ? undefined : { value: result };
}

function lazy(source: object | (() => object)): () => object {
  if (typeof source !== 'function') return () => source;
  let built: object | undefined;
  return () => (built ??= source());
}

function lookUp(source: unknown, path: string): unknown {
  let at = source;
  for (const key of path === '' ? [] : path.split('.')) {
    if (at === null || typeof at !== 'object' || !(key in at)) return undefined;
    at = Reflect.get(at, key);
  }
  return at;
}

/** Equal as data: a frozen array or object equals a plain one with the same items. */
function sameValue(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(JSON.parse(JSON.stringify(a)), b);
}
