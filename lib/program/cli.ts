import * as fs from 'fs';
import * as path from 'path';
import { parseArgs, ParseArgsConfig } from 'util';
import { formatFinding, ManifestSet, ManifestValidator } from '../gate';
import { isProduct, Product } from '../product/product';
import { WriteStep } from './output-writer';
import { synthesizeProduct } from './run-product';
import { ScaffoldError, scaffoldProduct } from './scaffold';

/**
 * `eaf-cdk8s`: the same proofs for every product. Exit codes: 0 done, 1 bad input or a failed check (every
 * problem printed), 2 usage. Progress goes to stderr, one line per step; nothing prints a stack trace for
 * bad input.
 */

/** Where the CLI writes and where it finds things; tests replace them. */
export interface CliIo {
  /** Progress, results and errors. */
  readonly log: (line: string) => void;
  /** The working folder. */
  readonly cwd: string;
  /** Environment variables (CDK8S_OUTDIR). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The folder of the CRDs the gate checks custom resources against. */
  readonly crdDirectory: string;
  /** This package's version. */
  readonly version: string;
  /** The writer's test hook (see `killAtStepHook`). @default - none */
  readonly onWriteStep?: (step: WriteStep) => void;
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
      'Refuses to write into a folder that is not empty.',
    ].join('\n'),
    options: { dir: { type: 'string' }, package: { type: 'string' } },
    run: ({ values, positionals }, io) => {
      const [name, ...rest] = positionals;
      if (name === undefined || rest.length > 0) throw new UsageError('init takes exactly one product name');
      const dir = path.resolve(io.cwd, (values.dir as string | undefined) ?? name);
      const files = scaffoldProduct(dir, { name, packageSpec: (values.package as string | undefined) ?? `^${io.version}` });
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
      'environment named like production) into errors. --reserved-namespaces adds the platform\'s own namespaces',
      'to those no environment may use (default, kube-*, openshift*). Runs on one output are serialised by a lock.',
    ].join('\n'),
    options: { 'dir': { type: 'string' }, 'product': { type: 'string' }, 'out': { type: 'string' }, 'strict': { type: 'boolean' }, 'reserved-namespaces': { type: 'string' } },
    run: ({ values, positionals }, io) => {
      if (positionals.length > 0) throw new UsageError(`synth takes no arguments (got ${positionals.join(' ')})`);
      const dir = path.resolve(io.cwd, (values.dir as string | undefined) ?? '.');
      const module = values.product === undefined ? findProductModule(dir) : path.resolve(io.cwd, values.product as string);
      io.log(`synth: loading the product from ${path.relative(io.cwd, module) || module}`);
      const product = loadProduct(module);
      const outdir = path.resolve(io.cwd, (values.out as string | undefined) ?? io.env.CDK8S_OUTDIR ?? path.join(dir, 'dist'));
      io.log(`synth: ${product.name}: environments from ${path.join(dir, 'environments')}, gate on, writing ${outdir}`);
      return synthesizeProduct(product, {
        environmentsDir: path.join(dir, 'environments'),
        outdir,
        crdDirectory: io.crdDirectory,
        log: io.log,
        strict: values.strict === true,
        reservedNamespaces: (values['reserved-namespaces'] as string | undefined)?.split(',').map((n) => n.trim()).filter((n) => n !== ''),
        onWriteStep: io.onWriteStep,
      });
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
      const sets = manifestSets(root, values.critical === true, (values.registries as string | undefined)?.split(',').filter((r) => r !== ''));
      if (sets.length === 0) {
        io.log(`error: ${root} holds no *.yaml, *.yml or *.json manifests`);
        return 1;
      }
      io.log(`validate: ${sets.map((s) => `${s.environment} (${s.objects.length} objects)`).join(', ')}`);
      const report = new ManifestValidator({ crdDirectory: io.crdDirectory }).validate(sets);
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
      'all four run (--alerts: promtool checks the rules, runs every alert\'s tests and parses the dashboards\' queries). The pinned tools are built from their Go modules on first use and cached',
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
    if (e instanceof InputError || e instanceof ScaffoldError) {
      io.log(`error: ${e.message}`);
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
    'eaf-cdk8s <command> --help shows a command\'s options. Exit codes: 0 done, 1 bad input or a failed check, 2 usage.',
  ].join('\n');
}

/** `<dir>/main.ts`, else `<dir>/main.js`. */
function findProductModule(dir: string): string {
  for (const file of ['main.ts', 'main.js']) {
    if (fs.existsSync(path.join(dir, file))) return path.join(dir, file);
  }
  throw new InputError(`${dir} holds no main.ts or main.js exporting a product; run eaf-cdk8s init <product>, or give --product <module>`);
}

/** Requires a module (TypeScript through tsx) and returns the product it exports. */
function loadProduct(module: string): Product {
  if (!fs.existsSync(module)) throw new InputError(`${module} does not exist; give the module that exports the product (defineProduct)`);
  if (module.endsWith('.ts')) require('tsx/cjs/api').register();
  const exports = require(module) as Record<string, unknown>;
  const products = Object.values(exports).filter(isProduct);
  if (products.length !== 1) {
    throw new InputError(`${module} exports ${products.length} products; export exactly one (export const product = defineProduct({ ... }))`);
  }
  return products[0];
}

/** The folders under `root` that hold manifests: its sub-folders that do, else `root` itself. */
function environmentFolders(root: string): string[] {
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) return [];
  const subfolders = fs.readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => path.join(root, e.name)).sort();
  const withManifests = subfolders.filter((d) => manifestFiles(d).length > 0);
  if (withManifests.length > 0) return withManifests;
  return manifestFiles(root).length > 0 ? [root] : [];
}

function manifestFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f)).sort().map((f) => path.join(dir, f));
}

/** One manifest set per environment folder, every document of every file. */
function manifestSets(root: string, critical: boolean, registries: string[] | undefined): ManifestSet[] {
  const { parseAllDocuments } = require('yaml') as typeof import('yaml');
  return environmentFolders(root).map((dir) => ({
    environment: path.basename(dir),
    critical,
    allowedRegistries: registries,
    objects: manifestFiles(dir).flatMap((file) => {
      const text = fs.readFileSync(file, 'utf8');
      const documents = parseAllDocuments(text);
      const broken = documents.find((d) => d.errors.length > 0);
      if (broken) throw new InputError(`${file}: YAML error: ${broken.errors[0].message.split('\n')[0]}; fix the YAML syntax`);
      return documents.map((d) => d.toJS()).filter((o) => o !== null && o !== undefined).flatMap((o) => (o.kind === 'List' && Array.isArray(o.items) ? o.items : [o]));
    }),
  }));
}
