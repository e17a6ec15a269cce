import * as fs from 'fs';
import * as path from 'path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { describeValue } from '../core/errors';
import { ENVIRONMENT_NAME } from '../core/formats';
import { VALIDATION_RULES } from '../gate/rules';
import { environmentSchema } from '../product/environment-schema';
import { ProductDefinition } from '../product/product';
import { EnvironmentConfig } from '../product/settings';

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

/** The compiled schema of a product's environment files, compiled once per product and process. */
function validatorFor(product: ProductDefinition): ValidateFunction {
  let validate = validators.get(product);
  if (validate === undefined) {
    // Loaded here, not at import: importing the library must not load the schema compiler.
    const Ajv = require('ajv').default as typeof import('ajv').default;
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
    validate = ajv.compile(environmentSchema(product, { waivableRules: WAIVABLE_RULES }));
    validators.set(product, validate);
  }
  return validate;
}

/**
 * Loads every `*.yaml` file of `directory`, sorted by name; the file name is the environment name.
 * @throws EnvironmentFileError listing every problem of every file
 */
export function loadEnvironmentDirectory(directory: string, product: ProductDefinition): EnvironmentFile[] {
  if (!fs.existsSync(directory)) {
    throw new EnvironmentFileError([`${directory}: the environments folder does not exist; create it with one <name>.yaml per environment`]);
  }
  const files = fs.readdirSync(directory).filter((f) => /\.ya?ml$/.test(f)).sort();
  if (files.length === 0) {
    throw new EnvironmentFileError([`${directory}: holds no environment file; add one <name>.yaml per environment, e.g. dev.yaml`]);
  }
  const problems: string[] = [];
  const environments: EnvironmentFile[] = [];
  for (const file of files) {
    const filePath = path.join(directory, file);
    try {
      environments.push({ file: filePath, environment: parseEnvironment(filePath, fs.readFileSync(filePath, 'utf8'), product) });
    } catch (e) {
      if (!(e instanceof EnvironmentFileError)) throw e;
      problems.push(...e.problems);
    }
  }
  if (problems.length > 0) throw new EnvironmentFileError(problems);
  return environments;
}

/**
 * Parses and validates one environment file's text; `filePath` names the environment and the errors.
 * @throws EnvironmentFileError listing every problem of the file
 */
export function parseEnvironment(filePath: string, text: string, product: ProductDefinition): EnvironmentConfig {
  const name = path.basename(filePath).replace(/\.ya?ml$/, '');
  if (!ENVIRONMENT_NAME.test(name)) {
    throw new EnvironmentFileError([`${filePath}: ${describeValue(name)} is not a valid environment name; rename the file to a lower-case DNS label of at most 20 characters, e.g. staging.yaml`]);
  }
  const { parseDocument } = require('yaml') as typeof import('yaml');
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (document.errors.length > 0) {
    // The first error is the cause; the parser's later errors follow from it.
    const first = document.errors[0].message.split('\n')[0].replace(/:$/, '');
    throw new EnvironmentFileError([`${filePath}: YAML error: ${first}; fix the YAML syntax`]);
  }
  const data = document.toJS();
  const validate = validatorFor(product);
  if (data === null || data === undefined) {
    const required = (validate.schema as { required?: string[] }).required ?? [];
    throw new EnvironmentFileError([`${filePath}: the file is empty; give at least ${listInWords(required)}`]);
  }
  if (!validate(data)) {
    throw new EnvironmentFileError(schemaProblems(filePath, validate.errors ?? []));
  }
  return { name, ...(data as object) } as EnvironmentConfig;
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
          return `${filePath}: ${fieldPath(e.instancePath, e.params.missingProperty)}: is required (got nothing); ${fix ?? `add ${e.params.missingProperty}`}`;
        case 'additionalProperties': {
          const allowed = Object.keys(e.parentSchema?.properties ?? {});
          const known = allowed.length > 0 ? `remove it or use one of: ${allowed.join(', ')}` : 'remove it: nothing is declared here';
          return `${filePath}: ${fieldPath(e.instancePath, e.params.additionalProperty)}: is not a known setting; ${known}`;
        }
        case 'pattern':
          return `${filePath}: ${fieldPath(e.instancePath)}: has the wrong form (got ${describeValue(e.data)}); ${fix ?? 'correct the value'}`;
        case 'anyOf':
          return `${filePath}: ${fieldPath(e.instancePath)}: is not one of the allowed values (got ${describeValue(e.data)}); ${fix ?? 'correct the value'}`;
        default:
          return `${filePath}: ${fieldPath(e.instancePath)}: ${e.message} (got ${describeValue(e.data)}); ${fix ?? 'correct the value'}`;
      }
    });
  return [...new Set(problems)];
}

/** `/components/api/replicas` + `x` → `components.api.replicas.x`. */
function fieldPath(instancePath: string, child?: string): string {
  const parts = instancePath.split('/').filter((p) => p !== '').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (child !== undefined) parts.push(child);
  return parts.length === 0 ? '(top level)' : parts.join('.');
}

/** `a, b and c`. */
function listInWords(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
