import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs, ParseArgsConfig } from 'util';
import { describeValue, PropertyError } from '../core/errors';
import { ENVIRONMENT_NAME } from '../core/formats';
import { formatFinding, ManifestSet, ManifestValidator } from '../gate';
import { environmentSecrets, EnvironmentSecrets } from '../product/environment-secrets';
import { CompositionError } from '../product/product-chart';
import { Product } from '../product/product';
import { kubesealCommand, sealedSecretsFolder, variableName } from '../secrets/sealed-secrets';
import { readCrdFolder } from './crd-files';
import { readEnvironmentDirectory, yamlErrorLine } from './environment-files';
import { loadProduct as loadProductModule, ProductLoadError } from './load-product';
import { diffManifests, EnvironmentObjects, formatManifestDiff } from './manifest-diff';
import { acquireLock, DEFAULT_LOCK_TIMEOUT_MS, OutputWriteError } from './output-writer';
import { EnvironmentEdit, EnvironmentText, promote, ReleaseError, releaseTag, rollback, switchColor } from './release';
import { synthesizeProduct } from './run-product';
import { ScaffoldError, scaffoldProduct } from './scaffold';
import { shownPath } from './sealed-secret-files';

/**
 * `eaf-cdk8s`: the same proofs for every product. Exit codes: 0 done, 1 bad input or a failed check (every
 * problem printed), 2 usage. Progress goes to stderr, one line per step; nothing prints a stack trace for
 * bad input.
 */

/** Where the CLI writes and where it finds things; tests replace them. */
export interface CliIo {
  /** Progress, results and errors. */
  readonly log: (line: string) => void;
  /** A result meant for a file or a pull request (the Markdown manifest diff). @default - `log` */
  readonly out?: (text: string) => void;
  /** The working folder. */
  readonly cwd: string;
  /** Environment variables (CDK8S_OUTDIR). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The folder of the CRDs the gate checks custom resources against. */
  readonly crdDirectory: string;
  /** This package's version. */
  readonly version: string;
  /** How long a command waits for another run's lock (the output's, or a release command's), in ms. @default 120000 */
  readonly lockTimeoutMs?: number;
  /** Runs a real-tool tier; returns its exit code. */
  readonly runTier?: (tier: 'cluster' | 'netpol' | 'lint' | 'alerts', dirs: string[]) => number;
}

/** A usage error: exit code 2. */
class UsageError extends Error {}

interface Command {
  readonly summary: string;
  readonly usage: string;
  readonly help: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  run(args: { values: Record<string, string | boolean | undefined>; positionals: string[] }, io: CliIo): number;
}

const COMMANDS: Record<string, Command> = {
  init: {
    summary: 'scaffold a new product folder that synthesises and passes the gate right away',
    usage: 'eaf-cdk8s init <product> [--dir <folder>] [--package <npm spec of @eaf/cdk8s>]',
    help: [
      'Writes <folder> (default ./<product>): main.ts (the product on the product model and its program),',
      'environments/dev.yaml, staging.yaml, production.yaml, cdk8s.yaml, package.json with synth and test',
      'scripts, test/product.test.ts (targeted assertions and a snapshot), tsconfig.json, README.md.',
      'Refuses to write into a folder that is not empty. package.json pins @eaf/cdk8s to the version of this',
      'eaf-cdk8s exactly; --package gives another npm spec (e.g. file:<tarball>).',
    ].join('\n'),
    options: { dir: { type: 'string' }, package: { type: 'string' } },
    run: ({ values, positionals }, io) => {
      const [name, ...rest] = positionals;
      if (name === undefined || rest.length > 0) throw new UsageError('init takes exactly one product name');
      const dir = path.resolve(io.cwd, (values.dir as string | undefined) ?? name);
      const files = scaffoldProduct(dir, { name, packageSpec: (values.package as string | undefined) ?? io.version });
      io.log(`init: wrote ${files.length} files to ${dir}: ${files.join(', ')}`);
      io.log(`init: next: cd ${path.relative(io.cwd, dir) || '.'} && npm install && npm run synth && npm test`);
      return 0;
    },
  },
  synth: {
    summary: 'synthesise every environment of a product through the gate, atomically',
    usage: 'eaf-cdk8s synth [--dir <product folder>] [--product <module>] [--out <folder>] [--strict] [--reserved-namespaces <a,b>]',
    help: [
      'Loads the product exported by <module> (default <folder>/main.ts, else main.js), reads',
      '<folder>/environments/*.yaml (checked against the schema derived from the product), composes each',
      'environment, runs the gate over every object and replaces <out> (default $CDK8S_OUTDIR, else',
      '<folder>/dist) only when every environment passed. On bad input: every problem, exit 1, <out> unchanged.',
      '--strict turns warnings (legal but suspicious values such as 0.0.0.0/0, or critical: false on an',
      "environment named like production) into errors. --reserved-namespaces adds the platform's own namespaces",
      'to those no environment may use (default, kube-*, openshift*). Runs on one output are serialised by a lock.',
    ].join('\n'),
    options: {
      'dir': { type: 'string' },
      'product': { type: 'string' },
      'out': { type: 'string' },
      'strict': { type: 'boolean' },
      'reserved-namespaces': { type: 'string' },
    },
    run: ({ values, positionals }, io) => {
      if (positionals.length > 0) throw new UsageError(`synth takes no arguments (got ${positionals.join(' ')})`);
      const program = loadProgram('synth', values, io);
      io.log(`synth: ${program.product.name}: environments from ${program.environmentsDir}, gate on, writing ${program.outdir}`);
      return synthesize(program, io, {
        strict: values.strict === true,
        reservedNamespaces: (values['reserved-namespaces'] as string | undefined)
          ?.split(',')
          .map((n) => n.trim())
          .filter((n) => n !== ''),
      });
    },
  },
  release: {
    summary: 'put an image tag on the idle colour of an environment (its tag when it rolls), re-synthesise, print the diff',
    usage: 'eaf-cdk8s release <environment> <component> <tag> [--dir <product folder>]',
    help: [
      'Edits <folder>/environments/<environment>.yaml: in a blue-green environment components.<component>.tags.<idle>,',
      'idle being the colour that is not release.activeColor (the live Service is untouched until switch); in a rolling',
      'one components.<component>.tag. Only that value changes in the file: comments and layout stay as they were.',
      'Then it synthesises every environment through the gate, as synth does, and prints the object-level diff of the',
      'output (before and after, as Markdown, on stdout). If the synthesis fails, the file is restored byte for byte,',
      'the output is left as it was, and every problem is printed (exit 1).',
    ].join('\n'),
    options: { dir: { type: 'string' } },
    run: ({ values, positionals }, io) => {
      if (positionals.length !== 3) throw new UsageError('release takes an environment, a component and a tag');
      const [environment, component, tag] = positionals;
      return editEnvironment('release', values, io, environment, (target) => releaseTag(target, component, tag));
    },
  },
  switch: {
    summary: "move a blue-green environment's traffic to the other colour, re-synthesise, print the diff",
    usage: 'eaf-cdk8s switch <environment> [--dir <product folder>]',
    help: [
      'Flips release.activeColor (blue <-> green) in <folder>/environments/<environment>.yaml: the Services select the',
      "other colour's Deployments, which should run the released tag (smoke-test them through the <name>-preview",
      'Services first). Warns when that colour is scaled to no pods (release.idleReplicas: 0). Re-synthesises and',
      'prints the diff as release does; a failed synthesis restores the file. Refuses an environment that is not blue-green.',
    ].join('\n'),
    options: { dir: { type: 'string' } },
    run: ({ values, positionals }, io) => {
      if (positionals.length !== 1) throw new UsageError('switch takes exactly one environment');
      return editEnvironment('switch', values, io, positionals[0], switchColor);
    },
  },
  rollback: {
    summary: "move a blue-green environment's traffic back to the colour that ran before, re-synthesise, print the diff",
    usage: 'eaf-cdk8s rollback <environment> [--dir <product folder>]',
    help: [
      'The same edit as switch (release.activeColor flips), worded as a rollback: the previous colour still runs the',
      'previous release, so traffic moves back at the next sync. When release.idleReplicas is 0 that colour runs no',
      'pods and the rollback is not instant: it warns. Re-synthesises and prints the diff; a failed synthesis restores the',
      'file. Refuses an environment that is not blue-green.',
    ].join('\n'),
    options: { dir: { type: 'string' } },
    run: ({ values, positionals }, io) => {
      if (positionals.length !== 1) throw new UsageError('rollback takes exactly one environment');
      return editEnvironment('rollback', values, io, positionals[0], rollback);
    },
  },
  promote: {
    summary: 'put the tags one environment runs on the idle colour of another (its tags when it rolls), re-synthesise, print the diff',
    usage: 'eaf-cdk8s promote <from-environment> <to-environment> [--dir <product folder>]',
    help: [
      "Reads the tag each component runs in <from-environment> (the active colour's, or its tag when it rolls) and",
      "writes it where <to-environment>'s next release goes: components.<component>.tags.<idle>, or",
      'components.<component>.tag when it rolls. Only those values change in the file. Re-synthesises and prints the',
      'diff as release does; a failed synthesis restores the file.',
    ].join('\n'),
    options: { dir: { type: 'string' } },
    run: ({ values, positionals }, io) => {
      if (positionals.length !== 2) throw new UsageError('promote takes two environments: the one to copy from and the one to release to');
      const [from, to] = positionals;
      if (from === to) throw new UsageError(`promote copies between two environments (got ${from} twice)`);
      return editEnvironment('promote', values, io, to, (target, read) => promote(read(from), target));
    },
  },
  diff: {
    summary: "compare every environment's manifests with a git ref, object by object, as Markdown for a pull request",
    usage: 'eaf-cdk8s diff [--base <git ref>] [--dir <product folder>]',
    help: [
      'Compares the manifests of every environment folder of the output (<folder>/dist/<env>/*.yaml, and any other',
      'folder of it holding manifests) with the same files at <git ref> (default HEAD): the objects added, removed,',
      'and for each changed object its changed fields with old -> new values, keyed by <env>: <Kind>/<namespace>/<name>.',
      "Long values (a ConfigMap's data) are summarised. Prints Markdown on stdout, in a fixed order; reads git, writes nothing.",
    ].join('\n'),
    options: { base: { type: 'string' }, dir: { type: 'string' } },
    run: ({ values, positionals }, io) => {
      if (positionals.length > 0) throw new UsageError(`diff takes no arguments (got ${positionals.join(' ')})`);
      const base = (values.base as string | undefined) ?? 'HEAD';
      if (base === '' || base.startsWith('-'))
        throw new UsageError(`--base takes a git ref such as HEAD or origin/main (got ${describeValue(base)})`);
      const dir = path.resolve(io.cwd, (values.dir as string | undefined) ?? '.');
      const outdir = outputFolder(values, io, dir);
      const committed = gitOutputTexts(outdir, dir, base);
      io.log(`diff: ${path.relative(io.cwd, outdir) || outdir} against ${base} (${committed.commit.slice(0, 12)})`);
      (io.out ?? io.log)(
        formatManifestDiff(diffOutputs(committed.texts, outputTexts(outdir)), {
          title: `Manifest diff of ${path.relative(io.cwd, outdir) || outdir} against ${base}`,
        }),
      );
      return 0;
    },
  },
  secrets: {
    summary: 'list the Secrets an environment references (keys, readers, how each is provided); --kubeseal prints the commands that seal them',
    usage: 'eaf-cdk8s secrets <environment> [--dir <product folder>] [--product <module>] [--kubeseal]',
    help: [
      'Composes <environment> as synth does (without writing anything) and prints, on stdout, every Secret its objects',
      'reference by name: its keys, the objects (and containers) that read it, and how it reaches the cluster: issued there',
      '(cert-manager), an ExternalSecret and its remote key, a committed SealedSecret file, or out of band (secrets.provider).',
      'With --kubeseal it prints instead, for each Secret the cluster does not issue, the line that seals it for the',
      "environment's namespace into sealed-secrets/<environment>/<name>.yaml (kubectl create secret ... --dry-run=client",
      '| kubeseal); each value is read from an environment variable named <SECRET>_<KEY>, so none is typed on the line.',
    ].join('\n'),
    options: { dir: { type: 'string' }, product: { type: 'string' }, kubeseal: { type: 'boolean' } },
    run: ({ values, positionals }, io) => {
      if (positionals.length !== 1) throw new UsageError('secrets takes exactly one environment');
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
          `there is no environment ${describeValue(name)} in ${program.environmentsDir}; ${names.length > 0 ? `use one of: ${names.join(', ')}` : 'add <name>.yaml'}`,
        );
      }
      const sealedFolder = shownPath(path.join(path.dirname(program.environmentsDir), sealedSecretsFolder(name)), io.cwd);
      let found: EnvironmentSecrets;
      try {
        found = environmentSecrets(program.product, file.environment, { environments: read.environments.map((f) => f.environment), sealedFolder });
      } catch (e) {
        if (!(e instanceof CompositionError)) throw e;
        for (const problem of e.problems)
          io.log(
            `error: ${problem instanceof PropertyError && problem.settingMessage !== undefined ? `${file.file}: ${problem.settingMessage}` : problem.message}`,
          );
        return 1;
      }
      io.log(`secrets: ${program.product.name} ${name}: ${found.secrets.length} Secrets in ${found.namespace}, provider ${found.settings.provider}`);
      (io.out ?? io.log)(values.kubeseal === true ? kubesealScript(found, sealedFolder) : secretsList(found));
      return 0;
    },
  },
  validate: {
    summary: 'run the gate on any folder of manifests (hand-written YAML too)',
    usage: 'eaf-cdk8s validate <folder> [--critical] [--registries <prefix,prefix>]',
    help: [
      'Checks every object of every *.yaml, *.yml and *.json file under <folder>: each sub-folder holding',
      'manifests is one environment (dist/<env>/), else <folder> itself is one. --critical applies the',
      'production rules; --registries limits where images may come from.',
    ].join('\n'),
    options: { critical: { type: 'boolean' }, registries: { type: 'string' } },
    run: ({ values, positionals }, io) => {
      if (positionals.length !== 1) throw new UsageError('validate takes exactly one folder');
      const root = path.resolve(io.cwd, positionals[0]);
      if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
        io.log(`error: ${root} is not a folder; give the folder of manifests to check, e.g. dist`);
        return 1;
      }
      const sets = manifestSets(
        root,
        values.critical === true,
        (values.registries as string | undefined)?.split(',').filter((r) => r !== ''),
      );
      if (sets.length === 0) {
        io.log(`error: ${root} holds no *.yaml, *.yml or *.json manifests`);
        return 1;
      }
      io.log(`validate: ${sets.map((s) => `${s.environment} (${s.objects.length} objects)`).join(', ')}`);
      const report = new ManifestValidator({ crds: readCrdFolder(io.crdDirectory) }).validate(sets);
      for (const w of report.waivers) io.log(`waived: ${w.environment}: ${w.object}: [${w.rule}] ${w.reason}`);
      for (const f of report.findings) io.log(formatFinding(f));
      io.log(report.findings.length === 0 ? 'validate: every object passed the gate' : `validate: ${report.findings.length} problems`);
      return report.findings.length === 0 ? 0 : 1;
    },
  },
  verify: {
    summary: 'prove synthesised output with the real tools: a kube-apiserver, the network-policy analyser, kube-score, promtool',
    usage: 'eaf-cdk8s verify <folder> [--cluster] [--netpol] [--lint] [--alerts]',
    help: [
      '<folder> is an output folder (dist: every dist/<env>/) or one environment folder. With no tier named,',
      "all four run (--alerts: promtool checks the rules, runs every alert's tests and parses the dashboards' queries). The pinned tools are built from their Go modules on first use and cached",
      '(bash scripts/tools.sh all builds them ahead; about 7 minutes cold on 2 cores).',
    ].join('\n'),
    options: { cluster: { type: 'boolean' }, netpol: { type: 'boolean' }, lint: { type: 'boolean' }, alerts: { type: 'boolean' } },
    run: ({ values, positionals }, io) => {
      if (positionals.length !== 1) throw new UsageError('verify takes exactly one folder');
      const root = path.resolve(io.cwd, positionals[0]);
      const dirs = environmentFolders(root);
      if (dirs.length === 0) {
        io.log(`error: ${root} holds no environment folder with manifests; run synth first`);
        return 1;
      }
      if (io.runTier === undefined) throw new UsageError('verify is not available in this build');
      const tiers = (['cluster', 'netpol', 'lint', 'alerts'] as const).filter((t) => values[t] === true);
      let code = 0;
      for (const tier of tiers.length > 0 ? tiers : (['lint', 'netpol', 'alerts', 'cluster'] as const)) {
        io.log(`verify: ${tier} on ${dirs.map((d) => path.relative(io.cwd, d) || d).join(', ')}`);
        const rc = io.runTier(tier, dirs);
        io.log(`verify: ${tier} ${rc === 0 ? 'passed' : `FAILED (exit ${rc})`}`);
        if (rc !== 0) code = 1;
      }
      return code;
    },
  },
};

/** Runs the CLI with `argv` (without node and the script); returns the exit code. */
export function runCli(argv: readonly string[], io: CliIo): number {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
      io.log(mainHelp());
      return name === undefined ? 2 : 0;
    }
    if (name === '--version' || name === '-v') {
      io.log(io.version);
      return 0;
    }
    const command = COMMANDS[name];
    if (command === undefined) throw new UsageError(`unknown command ${name}; use one of: ${Object.keys(COMMANDS).join(', ')}`);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.log(`usage: ${command.usage}\n\n${command.summary}.\n\n${command.help}`);
      return 0;
    }
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({ args: [...rest], options: command.options, allowPositionals: true, strict: true });
    } catch (e) {
      throw new UsageError(`${(e as Error).message.replace(/\. To specify.*$/s, '')}`);
    }
    return command.run(parsed as { values: Record<string, string | boolean | undefined>; positionals: string[] }, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.log(`error: ${e.message}`);
      io.log(`usage: ${COMMANDS[name]?.usage ?? 'eaf-cdk8s <command> [options]; eaf-cdk8s --help lists the commands'}`);
      return 2;
    }
    if (e instanceof InputError || e instanceof ProductLoadError || e instanceof ScaffoldError || e instanceof OutputWriteError) {
      io.log(`error: ${e.message}`);
      return 1;
    }
    if (e instanceof ReleaseError) {
      for (const problem of e.problems) io.log(`error: ${problem}`);
      io.log(`${name}: nothing was changed`);
      return 1;
    }
    throw e;
  }
}

/** Bad input found by the CLI itself (a missing product module, say): exit code 1. */
class InputError extends Error {}

function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    'usage: eaf-cdk8s <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    "eaf-cdk8s <command> --help shows a command's options. Exit codes: 0 done, 1 bad input or a failed check, 2 usage.",
  ].join('\n');
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
      `# ${secret.name}: read by ${[...new Set(secret.readers.map((r) => r.object))].join(', ')}${secret.wholeSecret ? ' (read whole: add any other key it needs)' : ''}`,
      ...secret.keys.map((key) => `: "\${${variableName(secret.name, key)}:?set it to the value of ${secret.name}/${key}}"`),
      kubesealCommand(secret, found.namespace, folder),
    ]),
  ].join('\n');
}

/** `<dir>/main.ts`, else `<dir>/main.js`. */
function findProductModule(dir: string): string {
  for (const file of ['main.ts', 'main.js']) {
    if (fs.existsSync(path.join(dir, file))) return path.join(dir, file);
  }
  throw new InputError(`${dir} holds no main.ts or main.js exporting a product; run eaf-cdk8s init <product>, or give --product <module>`);
}

/** A product's program as the commands run it: the product, its environment files and its output folder. */
interface ProductProgram {
  readonly product: Product;
  readonly environmentsDir: string;
  readonly outdir: string;
}

/** `--dir` (default the working folder), `--product` (default its main.ts or main.js) and the output folder, loaded. */
function loadProgram(command: string, values: Record<string, string | boolean | undefined>, io: CliIo): ProductProgram {
  const dir = path.resolve(io.cwd, (values.dir as string | undefined) ?? '.');
  const module = values.product === undefined ? findProductModule(dir) : path.resolve(io.cwd, values.product as string);
  io.log(`${command}: loading the product from ${path.relative(io.cwd, module) || module}`);
  return { product: loadProduct(module), environmentsDir: path.join(dir, 'environments'), outdir: outputFolder(values, io, dir) };
}

/**
 * `--out`, else `$CDK8S_OUTDIR` (empty counts as unset), else `<dir>/dist`. The output is replaced whole, so it may
 * not be the product folder or hold it (an empty value would otherwise name the working folder).
 */
function outputFolder(values: Record<string, string | boolean | undefined>, io: CliIo, dir: string): string {
  if (values.out === '') throw new UsageError('--out takes the output folder, e.g. dist (got "")');
  const outdir = path.resolve(io.cwd, (values.out as string | undefined) ?? (io.env.CDK8S_OUTDIR || path.join(dir, 'dist')));
  const relative = path.relative(outdir, dir);
  if (relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative))) {
    throw new InputError(
      `the output folder ${outdir} holds the product folder ${dir}, and the output replaces it whole; give --out a folder of its own, e.g. dist`,
    );
  }
  return outdir;
}

/** Every environment through the gate into the output folder, atomically: the program of `synth`. */
function synthesize(
  program: ProductProgram,
  io: CliIo,
  options: { readonly strict?: boolean; readonly reservedNamespaces?: readonly string[] } = {},
): number {
  return synthesizeProduct(program.product, {
    environmentsDir: program.environmentsDir,
    outdir: program.outdir,
    crdDirectory: io.crdDirectory,
    log: io.log,
    strict: options.strict === true,
    reservedNamespaces: options.reservedNamespaces,
    lockTimeoutMs: io.lockTimeoutMs,
  });
}

/**
 * The release commands: edits one environment file (`change` gets its text, and reads any other environment),
 * re-synthesises every environment and prints the manifest diff of the output before and after. When the
 * synthesis fails, the file gets back its exact bytes (the output was never replaced) and the exit code is 1.
 */
function editEnvironment(
  command: string,
  values: Record<string, string | boolean | undefined>,
  io: CliIo,
  environment: string,
  change: (target: EnvironmentText, read: (name: string) => EnvironmentText) => EnvironmentEdit,
): number {
  const program = loadProgram(command, values, io);
  // One release command at a time per environments folder: read, edit, synthesise and restore are one step.
  const unlock = acquireLock(program.environmentsDir, io.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS, io.log);
  try {
    return editLocked(command, io, program, environment, change);
  } finally {
    unlock();
  }
}

function editLocked(
  command: string,
  io: CliIo,
  program: ProductProgram,
  environment: string,
  change: (target: EnvironmentText, read: (name: string) => EnvironmentText) => EnvironmentEdit,
): number {
  const read = (name: string) => readEnvironmentText(program.environmentsDir, name);
  const original = read(environment);
  const edit = change(original, read);
  io.log(`${command}: ${edit.description}`);
  for (const warning of edit.warnings) io.log(`warning: ${warning}`);
  if (edit.changes.length === 0) {
    io.log(`${command}: nothing to change; ${original.file} and ${program.outdir} are as they were`);
    return 0;
  }
  const before = outputTexts(program.outdir);
  io.log(`${command}: wrote ${original.file}; synthesising ${program.product.name} through the gate into ${program.outdir}`);
  replaceFile(original.file, edit.text);
  let code = 1;
  try {
    code = synthesize(program, io);
  } finally {
    if (code !== 0) {
      replaceFile(original.file, original.bytes);
      io.log(`${command}: restored ${original.file} as it was; nothing was changed`);
    }
  }
  if (code !== 0) return code;
  const title = `Manifest diff of ${path.relative(io.cwd, program.outdir) || program.outdir} (${command} ${path.basename(original.file, '.yaml')})`;
  let diff: ReturnType<typeof diffOutputs>;
  try {
    diff = diffOutputs(before, outputTexts(program.outdir));
  } catch (e) {
    // the edit and the new output stand; only the old output could not be read (a hand-edited file, say)
    if (!(e instanceof InputError)) throw e;
    io.log(`warning: ${command}: ${original.file} and ${program.outdir} are updated, but there is no diff: ${e.message}`);
    return 0;
  }
  (io.out ?? io.log)(formatManifestDiff(diff, { title }));
  return 0;
}

/** An environment file by name, with its exact bytes; an unknown or malformed name is bad input naming the ones there are. */
function readEnvironmentText(environmentsDir: string, name: string): EnvironmentText & { readonly bytes: Buffer } {
  const file = path.join(environmentsDir, `${name}.yaml`);
  const known = () => {
    const names = fs.existsSync(environmentsDir)
      ? fs
          .readdirSync(environmentsDir)
          .filter((f) => f.endsWith('.yaml') && !f.startsWith('.'))
          .map((f) => f.slice(0, -'.yaml'.length))
          .sort()
      : [];
    return names.length > 0 ? `use one of: ${names.join(', ')}` : `${environmentsDir} holds no environment file; add <name>.yaml`;
  };
  if (!ENVIRONMENT_NAME.test(name)) throw new InputError(`${describeValue(name)} is not an environment name; ${known()}`);
  if (!fs.statSync(file, { throwIfNoEntry: false })?.isFile())
    throw new InputError(`${file}: there is no environment ${name} (got ${describeValue(name)}); ${known()}`);
  const bytes = fs.readFileSync(file);
  return { file, text: bytes.toString('utf8'), bytes };
}

/** Replaces a file's content whole: written beside it (a hidden name, which the environments folder ignores), then renamed, keeping its mode. */
function replaceFile(file: string, content: string | Buffer): void {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(temporary, content);
    fs.chmodSync(temporary, fs.statSync(file).mode & 0o7777);
    fs.renameSync(temporary, file);
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

/** The product a module exports (TypeScript through tsx or Node's type stripping): lib/program/load-product.ts. */
function loadProduct(module: string): Product {
  return loadProductModule(module);
}

/** The folders under `root` that hold manifests: its sub-folders that do, else `root` itself. */
function environmentFolders(root: string): string[] {
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) return [];
  const files = fs
    .readdirSync(root, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? fs.readdirSync(path.join(root, e.name)).map((f) => `${e.name}/${f}`) : [e.name]));
  return [...manifestsByFolder(files).keys()].map((folder) => path.join(root, folder));
}

/**
 * The manifest files (`*.yaml`, `*.yml`, `*.json`) of an output folder by the environment folder holding them, from
 * `/`-separated paths relative to it: each sub-folder holding manifests is an environment; when none does, the
 * folder itself is one (key `''`). Sorted; deeper files are not read. The same rule for a folder on disk and at a git ref.
 */
function manifestsByFolder(files: readonly string[]): Map<string, string[]> {
  const folders = new Map<string, string[]>();
  const top: string[] = [];
  for (const file of files.filter((f) => /\.(ya?ml|json)$/.test(f)).sort()) {
    const parts = file.split('/');
    if (parts.length === 1) top.push(file);
    else if (parts.length === 2) folders.set(parts[0], [...(folders.get(parts[0]) ?? []), file]);
  }
  if (folders.size > 0) return new Map([...folders.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return top.length > 0 ? new Map([['', top]]) : new Map();
}

function manifestFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Every object of every document of a manifest file's text (a `List` gives its items); `file` names it in errors. */
function parseManifests(text: string, file: string): any[] {
  const { parseAllDocuments } = require('yaml') as typeof import('yaml');
  const documents = parseAllDocuments(text);
  const broken = documents.find((d) => d.errors.length > 0);
  if (broken) throw new InputError(`${file}: YAML error: ${yamlErrorLine(broken.errors)}; fix the YAML syntax`);
  return documents
    .map((d) => d.toJS())
    .filter((o) => o !== null && o !== undefined)
    .flatMap((o) => (o.kind === 'List' && Array.isArray(o.items) ? o.items : [o]));
}

/** The manifest files of an output folder: by environment, each file's name (and where it came from) with its text. */
type OutputTexts = Readonly<Record<string, ReadonlyArray<{ readonly name: string; readonly source: string; readonly text: string }>>>;

/** The manifest files of each environment folder of an output folder on disk; none when it does not exist. */
function outputTexts(root: string): OutputTexts {
  return Object.fromEntries(
    environmentFolders(root).map((dir) => [
      path.basename(dir),
      manifestFiles(dir).map((file) => ({ name: path.basename(file), source: file, text: fs.readFileSync(file, 'utf8') })),
    ]),
  );
}

/**
 * The object-level diff of two outputs. Parsing YAML is most of its cost, so an environment whose files are the same
 * text on both sides (which can hold no difference) is not parsed at all.
 */
function diffOutputs(before: OutputTexts, after: OutputTexts): ReturnType<typeof diffManifests> {
  const same = (a: OutputTexts[string] = [], b: OutputTexts[string] = []) =>
    a.length === b.length && a.every((f, i) => f.name === b[i].name && f.text === b[i].text);
  const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((env) => !same(before[env], after[env]));
  const objects = (texts: OutputTexts): EnvironmentObjects =>
    Object.fromEntries(
      changed.filter((env) => texts[env] !== undefined).map((env) => [env, texts[env].flatMap((f) => parseManifests(f.text, f.source))]),
    );
  return diffManifests(objects(before), objects(after));
}

/** One manifest set per environment folder, every document of every file. */
function manifestSets(root: string, critical: boolean, registries: string[] | undefined): ManifestSet[] {
  return environmentFolders(root).map((dir) => ({
    environment: path.basename(dir),
    critical,
    allowedRegistries: registries,
    objects: manifestFiles(dir).flatMap((file) => parseManifests(fs.readFileSync(file, 'utf8'), file)),
  }));
}

/**
 * The manifest files of an output folder as committed at `ref`: the same folders and files as on disk (see
 * {@link manifestsByFolder}), read with `git ls-tree` and `git show` (arguments as an array, never a shell).
 */
function gitOutputTexts(outdir: string, cwd: string, ref: string): { commit: string; texts: OutputTexts } {
  const git = (args: string[], at: string): string =>
    execFileSync('git', args, { cwd: at, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 512 * 1024 * 1024 });
  let top: string;
  try {
    top = git(['rev-parse', '--show-toplevel'], existingFolder(cwd)).trim();
  } catch (e) {
    const why =
      (e as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'git is not installed or not on the PATH; install git'
        : `${cwd} is not inside a git repository; run diff in the product's repository, or give --dir`;
    throw new InputError(why);
  }
  let commit: string;
  try {
    commit = git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], top).trim();
  } catch {
    throw new InputError(`--base: is not a commit of ${top} (got ${describeValue(ref)}); give a branch, tag or commit, e.g. HEAD or origin/main`);
  }
  const relative = path.relative(realPath(top), realPath(outdir)).split(path.sep).join('/');
  if (relative === '' || relative.startsWith('../') || relative === '..' || path.isAbsolute(relative)) {
    throw new InputError(`${outdir} is not a folder inside the git repository ${top}; give --dir the product folder whose dist/ is committed`);
  }
  const listed = git(['ls-tree', '-r', '-z', '--name-only', commit, '--', relative], top)
    .split('\0')
    .filter((f) => f.startsWith(`${relative}/`));
  const folders = manifestsByFolder(listed.map((f) => f.slice(relative.length + 1)));
  const environment = (folder: string) => (folder === '' ? path.basename(outdir) : folder);
  return {
    commit,
    texts: Object.fromEntries(
      [...folders.entries()].map(([folder, files]) => [
        environment(folder),
        files.map((file) => {
          const at = `${relative}/${file}`;
          return { name: path.posix.basename(file), source: `${ref}:${at}`, text: git(['show', `${commit}:${at}`], top) };
        }),
      ]),
    ),
  };
}

/** `dir`, or its nearest existing parent. */
function existingFolder(dir: string): string {
  return fs.existsSync(dir) || path.dirname(dir) === dir ? dir : existingFolder(path.dirname(dir));
}

/** The real path of `p`, or of its nearest existing parent with the rest appended (a dist/ not yet written). */
function realPath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    const parent = path.dirname(p);
    return parent === p ? p : path.join(realPath(parent), path.basename(p));
  }
}
