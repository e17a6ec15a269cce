import * as fs from 'fs';
import * as path from 'path';
import type { TSchema } from '@sinclair/typebox';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { describeValue } from '../core/errors';
import { ENVIRONMENT_NAME } from '../core/formats';
import { schemaCompiler } from '../gate/precompiled';
import { VALIDATION_RULES } from '../gate/rules';
import { environmentSchema } from '../product/environment-schema';
import { environmentWarnings } from '../product/environment-warnings';
import { ProductDefinition } from '../product/product';
import { EnvironmentConfig } from '../product/settings';
import { sharedResources } from './environment-clashes';
import { describeSystemError } from './output-writer';

/**
 * Reading `environments/<name>.yaml` files into {@link EnvironmentConfig}s, checked against the schema derived
 * from the product. This is program code (it reads files); constructs only ever receive the typed result.
 */

/** Every problem found in the environment files, each naming the file, the field, the value and the fix. */
export class EnvironmentFileError extends Error {
  constructor(public readonly problems: string[]) {
    super(`invalid environment files:\n  ${problems.join('\n  ')}`);
    this.name = 'EnvironmentFileError';
  }
}

/** An environment read from a file, with the file it came from. */
export interface EnvironmentFile {
  /** The path of the file. */
  readonly file: string;
  /** What it says. */
  readonly environment: EnvironmentConfig;
}

/** The gate's waivable rules, which an environment file's `waivers` may name. */
const WAIVABLE_RULES = VALIDATION_RULES.filter((r) => r.waivable).map((r) => r.id);

const validators = new WeakMap<ProductDefinition, ValidateFunction>();

/** ajv's options for environment files. */
const AJV_OPTIONS = { allErrors: true, verbose: true, strict: true, allowUnionTypes: true };

/** The JSON Schema a product's environment files are checked against: the one the reader compiles and editors get. */
export function productEnvironmentSchema(product: ProductDefinition): TSchema {
  return environmentSchema(product, { waivableRules: WAIVABLE_RULES });
}

/**
 * The compiled schema of a product's environment files: precompiled if registered (see `schemaCompiler`), else compiled
 * once per product and process.
 */
function validatorFor(product: ProductDefinition): ValidateFunction {
  let validate = validators.get(product);
  if (validate === undefined) {
    validate = schemaCompiler(AJV_OPTIONS)(productEnvironmentSchema(product));
    validators.set(product, validate);
  }
  return validate;
}

/** The most an environment file may hold: environment files are a few kilobytes; anything near this is not one. */
export const MAX_ENVIRONMENT_FILE_BYTES = 1024 * 1024;

/** How many YAML aliases a file may expand: enough for sharing blocks, far below an alias bomb. */
const MAX_ALIASES = 100;

/** What reading an environments folder found: the valid environments, and every problem and warning of the rest. */
export interface EnvironmentDirectory {
  /** The files that parsed and matched the schema, sorted by name. */
  readonly environments: EnvironmentFile[];
  /** Every problem, one line each: `<file>: <field>: <problem> (got <value>); <fix>`. */
  readonly problems: string[];
  /** Legal but suspicious values, one line each in the same form; `--strict` makes them problems. */
  readonly warnings: string[];
}

/**
 * Reads an environments folder. It may hold `<name>.yaml` regular files (lower-case, UTF-8, at most
 * {@link MAX_ENVIRONMENT_FILE_BYTES}), and hidden files (`.gitkeep`, editor swap files) and `*.md` notes, which are
 * ignored. Anything
 * else is a problem named by its path, and is never read: folders, symbolic links, other extensions and `.yml`/`.YAML`
 * spellings. Across files, every environment's namespace, public hosts, backup folders and secret-store prefix are its
 * own (see `sharedResources`). Never throws for bad input.
 */
export function readEnvironmentDirectory(directory: string, product: ProductDefinition): EnvironmentDirectory {
  const stat = fs.statSync(directory, { throwIfNoEntry: false });
  if (stat === undefined || !stat.isDirectory()) {
    const problem =
      stat === undefined
        ? 'the environments folder does not exist; create it with one <name>.yaml per environment'
        : 'is not a folder; give the folder of <name>.yaml environment files';
    return { environments: [], problems: [`${directory}: ${problem}`], warnings: [] };
  }
  const listing = readable(directory, 'a+rx', () => fs.readdirSync(directory, { withFileTypes: true }));
  if (listing.problem !== undefined) return { environments: [], problems: [listing.problem], warnings: [] };
  const entries = listing.value.filter((e) => !ignored(e.name)).sort((a, b) => compare(a.name, b.name));
  const names = new Set(entries.map((e) => e.name));
  const problems: string[] = [];
  const warnings: string[] = [];
  const environments: EnvironmentFile[] = [];
  for (const entry of entries) {
    const filePath = path.join(directory, entry.name);
    const refused = refusedEntry(entry, names);
    if (refused !== undefined) {
      problems.push(`${filePath}: ${refused}`);
      continue;
    }
    const text = readable(filePath, 'a+r', () => readText(filePath));
    if (text.problem !== undefined) {
      problems.push(text.problem);
      continue;
    }
    try {
      const environment = parseEnvironment(filePath, text.value, product);
      environments.push({ file: filePath, environment });
      warnings.push(...environmentWarnings(environment).map((w) => `${filePath}: ${w}`));
    } catch (e) {
      if (!(e instanceof EnvironmentFileError)) throw e;
      problems.push(...e.problems);
    }
  }
  if (entries.length === 0) problems.push(`${directory}: holds no environment file; add one <name>.yaml per environment, e.g. dev.yaml`);
  problems.push(...sharedResources(environments, product));
  return { environments, problems, warnings };
}

/**
 * Loads every environment file of `directory` (see {@link readEnvironmentDirectory} for what it may hold).
 * @throws EnvironmentFileError listing every problem of every file
 */
export function loadEnvironmentDirectory(directory: string, product: ProductDefinition): EnvironmentFile[] {
  const { environments, problems } = readEnvironmentDirectory(directory, product);
  if (problems.length > 0) throw new EnvironmentFileError(problems);
  return environments;
}

/** Hidden files (`.gitkeep`, editor swap files) and Markdown notes (`README.md`) may sit beside the environment files. */
function ignored(name: string): boolean {
  return name.startsWith('.') || /\.md$/i.test(name);
}

/** Why a folder entry is not an environment file, or `undefined` when it is one. */
function refusedEntry(entry: fs.Dirent, names: ReadonlySet<string>): string | undefined {
  if (entry.isSymbolicLink()) return 'is a symbolic link; environment files are regular files in this folder (copy the file instead of linking it)';
  if (entry.isDirectory()) return 'is a folder; the environments folder holds only <name>.yaml files (move it out)';
  if (!entry.isFile()) return 'is not a regular file; the environments folder holds only <name>.yaml files (remove it)';
  const yamlSpelling = /^(.*)\.(ya?ml)$/i.exec(entry.name);
  if (yamlSpelling && yamlSpelling[2] !== 'yaml') {
    const canonical = `${yamlSpelling[1]}.yaml`;
    return names.has(canonical)
      ? `is a second file for the environment of ${canonical}; keep one of them (environment files end in .yaml)`
      : `environment files end in .yaml (lower case); rename it to ${canonical}`;
  }
  if (!yamlSpelling)
    return 'is not an environment file; the environments folder holds only <name>.yaml files, *.md notes and hidden files (move it out)';
  return undefined;
}

/**
 * What `read` returns, or the problem of a file or folder the process may not read (EACCES, EPERM) or cannot (EIO),
 * named with the mode that fixes it. Other errors are not the input's: they are rethrown.
 */
function readable<T>(target: string, mode: string, read: () => T): { value: T; problem?: undefined } | { problem: string } {
  try {
    return { value: read() };
  } catch (e) {
    if (!['EACCES', 'EPERM', 'EIO'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
    return { problem: `${target}: cannot be read: ${describeSystemError(e)}; let the user running synth read it (chmod ${mode} ${target})` };
  }
}

/** A file's text: checked for size and encoding before anything parses it. */
function readText(filePath: string): string {
  const size = fs.statSync(filePath).size;
  if (size > MAX_ENVIRONMENT_FILE_BYTES) {
    throw new EnvironmentFileError([
      `${filePath}: is ${size} bytes, above the ${MAX_ENVIRONMENT_FILE_BYTES}-byte limit of an environment file; ` +
        `an environment file holds settings, not data`,
    ]);
  }
  const bytes = fs.readFileSync(filePath);
  const nul = bytes.indexOf(0);
  if (nul >= 0)
    throw new EnvironmentFileError([`${filePath}: has a NUL byte at offset ${nul}, so it is not a text file; save the environment as UTF-8 YAML`]);
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new EnvironmentFileError([`${filePath}: is not UTF-8 text; save it as UTF-8`]);
  }
}

/** Byte order, the same on every machine (not the locale's). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** What a YAML parse's errors say, in one line: the first error is the cause, the parser's later errors follow from it. */
export function yamlErrorLine(errors: ReadonlyArray<{ readonly message: string }>): string {
  return errors[0].message.split('\n')[0].replace(/:$/, '');
}

/**
 * Parses and validates one environment file's text; `filePath` names the environment and the errors.
 * @throws EnvironmentFileError listing every problem of the file
 */
export function parseEnvironment(filePath: string, text: string, product: ProductDefinition): EnvironmentConfig {
  const name = path.basename(filePath).replace(/\.ya?ml$/, '');
  if (!ENVIRONMENT_NAME.test(name)) {
    throw new EnvironmentFileError([
      `${filePath}: ${describeValue(name)} is not a valid environment name; rename the file to a lower-case DNS label of at most 20 characters, ` +
        `e.g. staging.yaml`,
    ]);
  }
  const { parseDocument } = require('yaml') as typeof import('yaml');
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (document.errors.length > 0) {
    throw new EnvironmentFileError([`${filePath}: YAML error: ${yamlErrorLine(document.errors)}; fix the YAML syntax`]);
  }
  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    // The yaml library refuses alias bombs (and other resource-exhaustion patterns) while expanding.
    throw new EnvironmentFileError([
      `${filePath}: YAML error: ${(e as Error).message.split('\n')[0]}; expand the aliases (*name) or share less through anchors`,
    ]);
  }
  const validate = validatorFor(product);
  if (data === null || data === undefined) {
    const required = (validate.schema as { required?: string[] }).required ?? [];
    throw new EnvironmentFileError([`${filePath}: the file is empty; give at least ${listInWords(required)}`]);
  }
  if (!validate(data)) {
    throw new EnvironmentFileError(schemaProblems(filePath, validate.errors ?? []));
  }
  // A product without public components may leave hosts out; the typed environment always has them (none).
  return { name, hosts: {}, ...(data as object) } as EnvironmentConfig;
}

function schemaProblems(filePath: string, errors: ErrorObject[]): string[] {
  // A failed union reports each branch too; its own message (with the fix) says it.
  const unions = errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath);
  const problems = errors
    .filter((e) => e.keyword !== 'if' && (e.keyword === 'anyOf' || !unions.includes(e.instancePath)))
    .map((e) => {
      const fix = e.parentSchema?.description;
      switch (e.keyword) {
        case 'required':
          return (
            `${filePath}: ${fieldPath(e.instancePath, e.params.missingProperty)}: is required (got nothing); ` +
            `${fix ?? `add ${e.params.missingProperty}`}`
          );
        case 'additionalProperties': {
          const allowed = Object.keys(e.parentSchema?.properties ?? {});
          // A map whose keys follow a pattern (named egresses) says in its description how to name them.
          const named = e.parentSchema?.patternProperties !== undefined && fix !== undefined;
          const known = allowed.length > 0 ? `remove it or use one of: ${allowed.join(', ')}` : named ? fix : 'remove it: nothing is declared here';
          return `${filePath}: ${fieldPath(e.instancePath, e.params.additionalProperty)}: is not a known setting; ${known}`;
        }
        case 'pattern':
          return `${filePath}: ${fieldPath(e.instancePath)}: has the wrong form (got ${describeValue(e.data)}); ${fix ?? 'correct the value'}`;
        case 'anyOf':
          return (
            `${filePath}: ${fieldPath(e.instancePath)}: is not one of the allowed values (got ${describeValue(e.data)}); ` +
            `${fix ?? 'correct the value'}`
          );
        default:
          return `${filePath}: ${fieldPath(e.instancePath)}: ${e.message} (got ${describeValue(e.data)}); ${fix ?? 'correct the value'}`;
      }
    });
  return [...new Set(problems)];
}

/** `/components/api/replicas` + `x` → `components.api.replicas.x`. */
function fieldPath(instancePath: string, child?: string): string {
  const parts = instancePath
    .split('/')
    .filter((p) => p !== '')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (child !== undefined) parts.push(child);
  return parts.length === 0 ? '(top level)' : parts.join('.');
}

/** `a, b and c`. */
function listInWords(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
