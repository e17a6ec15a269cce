import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ErrorObject } from 'ajv';
import { parseDocument } from 'yaml';
import { EnvironmentConfig } from './environment';
import { ENVIRONMENT_SCHEMA } from './environment-schema';
import { describeValue } from './errors';

/**
 * Reading `environments/<name>.yaml` files into {@link EnvironmentConfig}s. This is program code
 * (it reads files); constructs only ever receive the typed result.
 */

/** Environment names become folder and namespace parts: a DNS label, starting with a letter. */
const ENVIRONMENT_NAME = /^[a-z]([-a-z0-9]{0,18}[a-z0-9])?$/;

/** A release version (1.4.2, 1.4.2-rc.1, v2.0.0) or a digest: what a critical environment may run. */
export const IMMUTABLE_TAG = /^(v?\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?|sha256:[a-f0-9]{64})$/;

/** Every problem found in the environment files, each naming the file, the field, the value and the fix. */
export class EnvironmentFileError extends Error {
  constructor(public readonly problems: string[]) {
    super(`invalid environment files:\n  ${problems.join('\n  ')}`);
    this.name = 'EnvironmentFileError';
  }
}

const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
const validateSchema = ajv.compile(ENVIRONMENT_SCHEMA);

/**
 * Loads every `*.yaml` file of `directory`, sorted by name; the file name is the environment name.
 * @throws EnvironmentFileError listing every problem of every file
 */
export function loadEnvironmentDirectory(directory: string): EnvironmentConfig[] {
  if (!fs.existsSync(directory)) {
    throw new EnvironmentFileError([`${directory}: the environments folder does not exist; create it with one <name>.yaml per environment`]);
  }
  const files = fs.readdirSync(directory).filter((f) => /\.ya?ml$/.test(f)).sort();
  if (files.length === 0) {
    throw new EnvironmentFileError([`${directory}: holds no environment file; add one <name>.yaml per environment, e.g. dev.yaml`]);
  }
  const problems: string[] = [];
  const environments: EnvironmentConfig[] = [];
  for (const file of files) {
    const filePath = path.join(directory, file);
    try {
      environments.push(parseEnvironment(filePath, fs.readFileSync(filePath, 'utf8')));
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
export function parseEnvironment(filePath: string, text: string): EnvironmentConfig {
  const name = path.basename(filePath).replace(/\.ya?ml$/, '');
  if (!ENVIRONMENT_NAME.test(name)) {
    throw new EnvironmentFileError([`${filePath}: ${describeValue(name)} is not a valid environment name; rename the file to a lower-case DNS label of at most 20 characters, e.g. staging.yaml`]);
  }
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (document.errors.length > 0) {
    // The first error is the cause; the parser's later errors follow from it.
    const first = document.errors[0].message.split('\n')[0].replace(/:$/, '');
    throw new EnvironmentFileError([`${filePath}: YAML error: ${first}; fix the YAML syntax`]);
  }
  const data = document.toJS();
  if (data === null || data === undefined) {
    throw new EnvironmentFileError([`${filePath}: the file is empty; give at least hosts, exposure, release and components`]);
  }
  if (!validateSchema(data)) {
    throw new EnvironmentFileError(schemaProblems(filePath, validateSchema.errors ?? []));
  }
  const config = { name, ...data } as EnvironmentConfig;
  const problems = releaseProblems(filePath, config);
  if (problems.length > 0) throw new EnvironmentFileError(problems);
  return config;
}

function schemaProblems(filePath: string, errors: ErrorObject[]): string[] {
  const problems = errors
    .filter((e) => e.keyword !== 'if')
    .map((e) => {
      const fix = e.parentSchema?.description;
      switch (e.keyword) {
        case 'required':
          return `${filePath}: ${fieldPath(e.instancePath, e.params.missingProperty)}: is required (got nothing); ${fix ?? `add ${e.params.missingProperty}`}`;
        case 'additionalProperties': {
          const allowed = Object.keys(e.parentSchema?.properties ?? {}).join(', ');
          return `${filePath}: ${fieldPath(e.instancePath, e.params.additionalProperty)}: is not a known setting; remove it or use one of: ${allowed}`;
        }
        case 'pattern':
          return `${filePath}: ${fieldPath(e.instancePath)}: has the wrong form (got ${describeValue(e.data)}); ${fix ?? 'correct the value'}`;
        default:
          return `${filePath}: ${fieldPath(e.instancePath)}: ${e.message} (got ${describeValue(e.data)}); ${fix ?? 'correct the value'}`;
      }
    });
  return [...new Set(problems)];
}

function releaseProblems(filePath: string, config: EnvironmentConfig): string[] {
  const problems: string[] = [];
  for (const [name, component] of Object.entries(config.components)) {
    const field = `components.${name}`;
    if (config.release.strategy === 'rolling') {
      if (component.tag === undefined) problems.push(`${filePath}: ${field}.tag: is required when release.strategy is rolling (got nothing); add ${field}.tag: <version>`);
      if (component.tags !== undefined) problems.push(`${filePath}: ${field}.tags: is only for blue-green releases (got ${describeValue(component.tags)}); use ${field}.tag, or set release.strategy: blue-green`);
    } else {
      if (component.tags === undefined) problems.push(`${filePath}: ${field}.tags: is required when release.strategy is blue-green (got nothing); add ${field}.tags: { blue: <version>, green: <version> }`);
      if (component.tag !== undefined) problems.push(`${filePath}: ${field}.tag: is only for rolling releases (got ${describeValue(component.tag)}); use ${field}.tags.blue and ${field}.tags.green`);
    }
    const tags: Array<[string, string | undefined]> = [[`${field}.tag`, component.tag], [`${field}.tags.blue`, component.tags?.blue], [`${field}.tags.green`, component.tags?.green]];
    for (const [tagField, tag] of tags) {
      if (tag === undefined) continue;
      if (tag === 'latest') {
        problems.push(`${filePath}: ${tagField}: is a moving tag (got "latest"); pin an immutable version such as 1.4.2, or a sha256 digest`);
      } else if (config.critical && !IMMUTABLE_TAG.test(tag)) {
        problems.push(`${filePath}: ${tagField}: must be an immutable version in a critical environment (got ${describeValue(tag)}); use a version such as 1.4.2, or a sha256 digest`);
      }
    }
    const scaling = component.autoscaling;
    if (scaling && scaling.maxReplicas < scaling.minReplicas) {
      problems.push(`${filePath}: ${field}.autoscaling.maxReplicas: must be at least minReplicas ${scaling.minReplicas} (got ${scaling.maxReplicas}); raise maxReplicas`);
    }
  }
  return problems;
}

/** `/components/api/replicas` + `x` → `components.api.replicas.x`. */
function fieldPath(instancePath: string, child?: string): string {
  const parts = instancePath.split('/').filter((p) => p !== '');
  if (child !== undefined) parts.push(child);
  return parts.length === 0 ? '(top level)' : parts.join('.');
}
