import * as path from 'path';
import { describeValue, PropertyError } from '../../core/errors';
import { environmentSecrets, EnvironmentSecrets } from '../../product/environment-secrets';
import { CompositionError } from '../../product/product-chart';
import { kubesealCommand, sealedSecretsFolder, variableName } from '../../secrets/sealed-secrets';
import { readEnvironmentDirectory } from '../environment-files';
import { shownPath } from '../sealed-secret-files';
import { CLI_JSON_SCHEMA_VERSION, jsonText, SecretsJson } from '../cli-json';
import { Command, InputError, output, progress, UsageError } from './command';
import { loadProgram } from './program';

/** `eaf-cdk8s secrets`. */
export const SECRETS: Command = {
  summary: 'list the Secrets an environment references (keys, readers, how each is provided); --kubeseal prints the commands that seal them',
  usage: 'eaf-cdk8s secrets <environment> [--dir <product folder>] [--product <module>] [--kubeseal | --json]',
  help: [
    'Composes <environment> as synth does (without writing anything) and prints, on stdout, every Secret its objects',
    'reference by name: its keys, the objects (and containers) that read it, and how it reaches the cluster: issued there',
    '(cert-manager), an ExternalSecret and its remote key, a committed SealedSecret file, or out of band (secrets.provider).',
    'With --kubeseal it prints instead, for each Secret the cluster does not issue, the line that seals it for the',
    "environment's namespace into sealed-secrets/<environment>/<name>.yaml (kubectl create secret ... --dry-run=client",
    '| kubeseal); each value is read from an environment variable named <SECRET>_<KEY>, so none is typed on the line.',
    '--json prints the list as one JSON object instead (docs/reference/cli.md); never a value, only names and keys.',
  ].join('\n'),
  options: { dir: { type: 'string' }, product: { type: 'string' }, kubeseal: { type: 'boolean' }, json: { type: 'boolean' } },
  run: ({ values, positionals }, io) => {
    if (positionals.length !== 1) throw new UsageError('secrets takes exactly one environment');
    if (values.json === true && values.kubeseal === true)
      throw new UsageError('give --json (the list as JSON) or --kubeseal (a shell script), not both');
    const name = positionals[0];
    const program = loadProgram('secrets', values, io);
    const read = readEnvironmentDirectory(program.environmentsDir, program.product);
    const file = read.environments.find((f) => f.environment.name === name);
    if (file === undefined) {
      const own = read.problems.filter((p) => path.basename(p.slice(0, Math.max(0, p.indexOf(': ')))) === `${name}.yaml`);
      for (const problem of own) io.log(`error: ${problem}`);
      if (own.length > 0) return 1;
      const names = read.environments.map((f) => f.environment.name);
      throw new InputError(
        `there is no environment ${describeValue(name)} in ${program.environmentsDir}; ` +
          (names.length > 0 ? `use one of: ${names.join(', ')}` : 'add <name>.yaml'),
      );
    }
    const sealedFolder = shownPath(path.join(path.dirname(program.environmentsDir), sealedSecretsFolder(name)), io.cwd);
    let found: EnvironmentSecrets;
    try {
      found = environmentSecrets(program.product, file.environment, { environments: read.environments.map((f) => f.environment), sealedFolder });
    } catch (e) {
      if (!(e instanceof CompositionError)) throw e;
      for (const problem of e.problems) io.log(`error: ${located(problem, file.file)}`);
      return 1;
    }
    progress(
      io,
      `secrets: ${program.product.name} ${name}: ${found.secrets.length} Secrets in ${found.namespace}, provider ${found.settings.provider}`,
    );
    if (values.json === true) output(io, jsonText(secretsJson(program.product.name, name, found)));
    else output(io, values.kubeseal === true ? kubesealScript(found, sealedFolder) : secretsList(found));
    return 0;
  },
};

/** The `--json` result of secrets (cli-json.ts). */
function secretsJson(product: string, environment: string, found: EnvironmentSecrets): SecretsJson {
  return {
    schemaVersion: CLI_JSON_SCHEMA_VERSION,
    command: 'secrets',
    ok: true,
    product,
    environment,
    namespace: found.namespace,
    provider: found.settings.provider,
    secrets: found.secrets.map(({ secret, provided }) => ({
      name: secret.name,
      type: secret.type ?? null,
      keys: [...secret.keys],
      wholeSecret: secret.wholeSecret,
      readers: secret.readers.map((r) => ({
        object: r.object,
        container: r.container ?? null,
        field: r.field,
        keys: r.keys === undefined ? null : [...r.keys],
      })),
      providedBy: [...(secret.providedBy ?? [])],
      provided: provided.replace(/`/g, ''),
    })),
  };
}

/** One line per Secret: its keys, readers and how it is provided. */
function secretsList(found: EnvironmentSecrets): string {
  return found.secrets
    .map(({ secret, provided }) => {
      const keys =
        secret.keys.length === 0
          ? 'every key'
          : `key${secret.keys.length === 1 ? '' : 's'} ${secret.keys.join(', ')}${secret.wholeSecret ? ' (and any other: read whole)' : ''}`;
      const readers = [...new Set(secret.readers.map((r) => (r.container === undefined ? r.object : `${r.object} (${r.container})`)))].join(', ');
      return `${secret.name}${secret.type === undefined ? '' : ` [${secret.type}]`}: ${keys}; read by ${readers}; ${provided.replace(/`/g, '')}`;
    })
    .join('\n');
}

/** A shell script that seals every Secret the cluster does not issue, one commented line each. */
function kubesealScript(found: EnvironmentSecrets, folder: string): string {
  const sealable = found.secrets.filter((p) => p.secret.providedBy === undefined);
  return [
    '#!/usr/bin/env bash',
    `# Seals the Secrets of ${found.namespace} into ${folder}/ (commit those files; never the values).`,
    '# Set each variable first, e.g. read -rs VAR && export VAR; kubeseal reads the controller from its usual flags or environment.',
    'set -euo pipefail',
    `mkdir -p ${folder}`,
    ...sealable.flatMap(({ secret }) => [
      `# ${secret.name}: read by ${[...new Set(secret.readers.map((r) => r.object))].join(', ')}` +
        (secret.wholeSecret ? ' (read whole: add any other key it needs)' : ''),
      ...secret.keys.map((key) => `: "\${${variableName(secret.name, key)}:?set it to the value of ${secret.name}/${key}}"`),
      kubesealCommand(secret, found.namespace, folder),
    ]),
  ].join('\n');
}

/** A composition problem against its file and field when it knows its setting, else as it is. */
function located(problem: Error, file: string): string {
  return problem instanceof PropertyError && problem.settingMessage !== undefined ? `${file}: ${problem.settingMessage}` : problem.message;
}
