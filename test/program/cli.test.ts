import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CliIo, runCli } from '../../lib/program/cli';
import { parseAllDocuments } from 'yaml';
import { openJournal } from '../../lib/program/commands/release-journal';
import { acquireLock } from '../../lib/program/output-writer';
import { switchColor } from '../../lib/program/release';
import { scaffoldProduct } from '../../lib/program/scaffold';
import { readTree } from '../tree';

const REPO = path.join(__dirname, '..', '..');

describe('eaf-cdk8s', () => {
  let tmp: string;
  let lines: string[];
  let outs: string[];
  let tiers: Array<[string, string[]]>;
  let tierExit: number;
  const io = (): CliIo => ({
    log: (line) => lines.push(...line.split('\n')),
    out: (text) => outs.push(text),
    cwd: tmp,
    env: {},
    crdDirectory: path.join(REPO, 'crds'),
    version: '0.2.0',
    runTier: (tier, dirs) => {
      tiers.push([tier, dirs.map((d) => path.relative(tmp, d))]);
      return tierExit;
    },
  });
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-'));
    lines = [];
    outs = [];
    tiers = [];
    tierExit = 0;
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  describe('usage', () => {
    test('--help lists every command and the exit codes on stdout (eaf-cdk8s --help | less)', () => {
      expect(runCli(['--help'], io())).toBe(0);
      expect(lines).toEqual([]);
      expect(outs.join('\n').split('\n')).toEqual([
        'usage: eaf-cdk8s <command> [options]',
        '',
        'Commands:',
        '  init      scaffold a new product folder that synthesises and passes the gate right away',
        '  synth     synthesise every environment of a product through the gate, atomically',
        '  release   put an image tag on the idle colour of an environment (its tag when it rolls), re-synthesise, print the diff',
        "  switch    move a blue-green environment's traffic to the other colour, re-synthesise, print the diff",
        "  rollback  move a blue-green environment's traffic back to the colour that ran before, re-synthesise, print the diff",
        '  promote   put the tags one environment runs on the idle colour of another (its tags when it rolls), re-synthesise, print the diff',
        "  diff      compare every environment's manifests with a git ref, object by object, as Markdown for a pull request",
        '  secrets   list the Secrets an environment references (keys, readers, how each is provided); --kubeseal prints the commands that seal them',
        '  validate  run the gate on any folder of manifests (hand-written YAML too)',
        '  verify    prove synthesised output with the real tools: a kube-apiserver, the network-policy analyser, kube-score, promtool',
        "  schema    print the JSON Schema of the product's environment files (--write: environment.schema.json, for editors)",
        '',
        "eaf-cdk8s <command> --help shows a command's options. Exit codes: 0 done, 1 bad input or a failed check, 2 usage.",
      ]);
    });

    test.each(['init', 'synth', 'release', 'switch', 'rollback', 'promote', 'diff', 'secrets', 'validate', 'verify', 'schema'])(
      '%s --help prints its usage on stdout and exits 0',
      (command) => {
        expect(runCli([command, '--help'], io())).toBe(0);
        expect(outs[0]).toMatch(new RegExp(`^usage: eaf-cdk8s ${command}`));
        expect(lines).toEqual([]);
      },
    );

    test('--version prints the version on stdout; no command prints the help on stderr with exit 2', () => {
      expect(runCli(['--version'], io())).toBe(0);
      expect(outs).toEqual(['0.2.0']);
      expect(runCli([], io())).toBe(2);
      expect(lines[0]).toBe('usage: eaf-cdk8s <command> [options]');
      expect(outs).toEqual(['0.2.0']);
    });

    test('fails with exit code 2 on no command, an unknown command, an unknown option or a missing argument', () => {
      expect(runCli([], io())).toBe(2);
      expect(runCli(['deploy'], io())).toBe(2);
      expect(lines).toContain(
        'error: unknown command deploy; use one of: init, synth, release, switch, rollback, promote, diff, secrets, validate, verify, schema',
      );
      lines = [];
      expect(runCli(['synth', '--fast'], io())).toBe(2);
      expect(lines).toEqual([
        "error: Unknown option '--fast'",
        'usage: eaf-cdk8s synth [--dir <product folder>] [--product <module>] [--out <folder>] [--strict] [--reserved-namespaces <a,b>]',
      ]);
      lines = [];
      expect(runCli(['validate'], io())).toBe(2);
      expect(lines[0]).toBe('error: validate takes exactly one folder');
    });
  });

  describe('init, synth, validate', () => {
    test('a scaffolded product synthesises three environments through the gate, and its output validates', () => {
      // GIVEN a new product (importing the library from this repository instead of the package)
      const dir = path.join(tmp, 'demo');
      scaffoldProduct(dir, { name: 'demo', packageSpec: '^0.2.0', importFrom: path.join(REPO, 'lib') });
      // WHEN synth runs on it
      expect(runCli(['synth', '--dir', 'demo'], io())).toBe(0);
      // THEN every environment is written and the gate passed
      expect(lines[lines.length - 1]).toBe(
        `wrote 12 files for 3 environments to ${path.join(dir, 'dist')}: dev.alert-tests.json, dev.flows.json, dev.target.json, dev/demo.k8s.yaml, ` +
          'production.alert-tests.json, production.flows.json, production.target.json, production/demo.k8s.yaml, ' +
          'staging.alert-tests.json, staging.flows.json, staging.target.json, staging/demo.k8s.yaml',
      );
      lines = [];
      expect(runCli(['validate', 'demo/dist', '--registries', 'registry.example.com/,ghcr.io/cloudnative-pg/'], io())).toBe(0);
      // each environment is checked against the target synth recorded beside its folder, and says which
      expect(lines).toEqual([
        expect.stringMatching(/^validate: dev: \d+ objects against Kubernetes 1\.33; target recorded in demo\/dist\/dev\.target\.json$/),
        expect.stringMatching(
          /^validate: production: \d+ objects against Kubernetes 1\.33 \(openshift 4\.20\); target recorded in demo\/dist\/production\.target\.json$/,
        ),
        expect.stringMatching(
          /^validate: staging: \d+ objects against Kubernetes 1\.33 \(openshift 4\.20\); target recorded in demo\/dist\/staging\.target\.json$/,
        ),
        'validate: every object passed the gate',
      ]);
    });

    test('synth keeps the editor schema current; each scaffolded environment file names it; schema prints the same', () => {
      // GIVEN a new product, whose environment files name ../environment.schema.json in their first line
      const dir = path.join(tmp, 'demo');
      scaffoldProduct(dir, { name: 'demo', packageSpec: '^0.2.0', importFrom: path.join(REPO, 'lib') });
      const dev = path.join(dir, 'environments', 'dev.yaml');
      expect(fs.readFileSync(dev, 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../environment.schema.json');
      // WHEN synth runs twice THEN the first writes the schema, the second finds it current
      const file = path.join(dir, 'environment.schema.json');
      expect(runCli(['synth', '--dir', 'demo'], io())).toBe(0);
      expect(lines).toContain(`wrote ${file}: the editor schema of environments/*.yaml`);
      lines = [];
      expect(runCli(['synth', '--dir', 'demo'], io())).toBe(0);
      expect(lines.filter((l) => l.includes('environment.schema.json'))).toEqual([]);
      // AND it is the schema synth checks against: draft-07, requiring exactly the product's component (api)
      const schema = JSON.parse(fs.readFileSync(file, 'utf8'));
      expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
      expect(Object.keys(schema.properties.components.properties)).toEqual(['api']);
      expect(runCli(['schema', '--dir', 'demo'], io())).toBe(0);
      expect(outs[outs.length - 1]).toBe(fs.readFileSync(file, 'utf8'));
      // WHEN the file is someone else's THEN synth leaves it with a note
      fs.writeFileSync(file, '{}');
      lines = [];
      expect(runCli(['synth', '--dir', 'demo'], io())).toBe(0);
      expect(fs.readFileSync(file, 'utf8')).toBe('{}');
      expect(lines).toContain(
        `note: ${file} was not written by eaf-cdk8s; left as it is (move it away to get the editor schema of environments/*.yaml there)`,
      );
    });

    test("synth warns about legal but suspicious values, --strict refuses them, --reserved-namespaces adds the platform's own", () => {
      // GIVEN a scaffolded product whose production says critical: false and opens egress to every address
      const dir = path.join(tmp, 'demo');
      scaffoldProduct(dir, { name: 'demo', packageSpec: '^0.2.0', importFrom: path.join(REPO, 'lib') });
      const production = path.join(dir, 'environments', 'production.yaml');
      fs.writeFileSync(
        production,
        `${fs.readFileSync(production, 'utf8').replace('critical: true', 'critical: false')}egress:\n  anywhere: ` +
          `{ from: [api], cidrs: [0.0.0.0/0], ports: [443] }\n`,
      );
      const warnings = [
        `${production}: critical: is not true for an environment named "production" (got false); set critical: ` +
          `true to keep the production guardrails (backups, replicas, released tags), or rename the environment`,
        `${production}: egress.anywhere.cidrs.0: allows every address (got "0.0.0.0/0"); list only the addresses the flow needs`,
      ];
      // WHEN synth runs plainly, THEN it writes and prints both warnings
      expect(runCli(['synth', '--dir', 'demo'], io())).toBe(0);
      expect(lines.filter((l) => l.startsWith('warning: '))).toEqual(warnings.map((w) => `warning: ${w}`));
      // WHEN it runs with --strict, THEN both are errors, exit 1
      lines = [];
      expect(runCli(['synth', '--dir', 'demo', '--strict'], io())).toBe(1);
      expect(lines.join('\n')).toContain(`error: synthesis failed:\n  ${warnings[0]} (--strict)\n  ${warnings[1]} (--strict)`);
      // WHEN staging's namespace is reserved by the platform, THEN that is an error naming the file and field
      lines = [];
      expect(runCli(['synth', '--dir', 'demo', '--reserved-namespaces', 'tools, demo-staging'], io())).toBe(1);
      expect(lines.join('\n')).toContain(
        `${path.join(dir, 'environments', 'staging.yaml')}: namespace: is reserved by the platform (got "demo-staging"); ` +
          `use a namespace of the product's own, e.g. <product>-<environment> (leave namespace out for that default)`,
      );
    });

    test('init pins @eaf/cdk8s to exactly the version it runs from, or to the --package spec', () => {
      const dependency = (dir: string) => JSON.parse(fs.readFileSync(path.join(tmp, dir, 'package.json'), 'utf8')).dependencies['@eaf/cdk8s'];
      expect(runCli(['init', 'orders'], { ...io(), version: '1.4.2' })).toBe(0);
      expect(dependency('orders')).toBe('1.4.2');
      expect(runCli(['init', 'billing', '--package', 'file:../eaf-cdk8s-1.4.2.tgz'], { ...io(), version: '1.4.2' })).toBe(0);
      expect(dependency('billing')).toBe('file:../eaf-cdk8s-1.4.2.tgz');
    });

    test('init writes the files a product needs, and refuses a folder in use or a bad name', () => {
      expect(runCli(['init', 'orders'], io())).toBe(0);
      expect(fs.readdirSync(path.join(tmp, 'orders')).sort()).toEqual([
        'README.md',
        'cdk8s.yaml',
        'environments',
        'main.ts',
        'package.json',
        'test',
        'tsconfig.json',
      ]);
      expect(JSON.parse(fs.readFileSync(path.join(tmp, 'orders', 'package.json'), 'utf8')).dependencies['@eaf/cdk8s']).toBe('0.2.0');
      lines = [];
      expect(runCli(['init', 'orders'], io())).toBe(1);
      expect(lines).toEqual([`error: ${path.join(tmp, 'orders')} is not empty; choose a new folder with --dir`]);
      lines = [];
      expect(runCli(['init', 'Orders_1', '--dir', 'x'], io())).toBe(1);
      expect(lines[0]).toBe(
        'error: "Orders_1" is not a product name; use a lower-case name of letters, digits and hyphens starting ' +
          'with a letter, at most 40 characters, e.g. orders',
      );
    });

    test('synth fails with exit code 1 where there is no product, and prints no stack trace', () => {
      expect(runCli(['synth'], io())).toBe(1);
      expect(lines).toEqual([
        `error: ${tmp} holds no main.ts or main.js exporting a product; run eaf-cdk8s init <product>, or give --product <module>`,
      ]);
    });

    test('validate reports every finding of hand-written YAML with exit code 1', () => {
      const dir = path.join(tmp, 'manifests');
      fs.mkdirSync(dir);
      fs.writeFileSync(
        path.join(dir, 'pod.yaml'),
        [
          'apiVersion: v1',
          'kind: Pod',
          'metadata: { name: debug, namespace: tools }',
          'spec: { containers: [{ name: shell, image: "busybox:latest", securityContext: { privileged: true } }] }',
        ].join('\n'),
      );
      expect(runCli(['validate', 'manifests'], io())).toBe(1);
      expect(lines).toContain(
        'manifests: Pod/tools/debug: [image-tag-pinned] spec.containers[0].image: tag is a moving tag (got "busybox:latest"); ' +
          'fix: pin an immutable version such as 1.4.2, or a sha256 digest',
      );
      expect(lines).toContain(
        'manifests: Pod/tools/debug: [pss-restricted] spec.containers[0].securityContext.privileged: must be ' +
          'false or unset (got true); fix: remove spec.containers[0].securityContext.privileged',
      );
      expect(lines[lines.length - 1]).toMatch(/^validate: \d+ problems$/);
    });

    describe('the target and --next', () => {
      const FLOW_SCHEMA = [
        'apiVersion: flowcontrol.apiserver.k8s.io/v1beta3',
        'kind: FlowSchema',
        'metadata: { name: batch }',
        'spec: { priorityLevelConfiguration: { name: global-default } }',
      ].join('\n');
      const manifests = (record?: object) => {
        fs.mkdirSync(path.join(tmp, 'dist', 'dev'), { recursive: true });
        fs.writeFileSync(path.join(tmp, 'dist', 'dev', 'flow.yaml'), FLOW_SCHEMA);
        if (record !== undefined) fs.writeFileSync(path.join(tmp, 'dist', 'dev.target.json'), JSON.stringify(record));
      };

      test('validates an environment folder against the target recorded beside it, else the default, or the one given', () => {
        // GIVEN a flowcontrol v1beta3 FlowSchema (served up to 1.31) in an environment folder recorded as Kubernetes 1.31
        manifests({ environment: 'dev', kubernetes: '1.31' });
        // WHEN the folder itself is validated THEN it is checked against 1.31, and passes
        expect(runCli(['validate', 'dist/dev'], io())).toBe(0);
        expect(lines[0]).toBe('validate: dev: 1 objects against Kubernetes 1.31; target recorded in dist/dev.target.json');
        // WHEN --kubernetes names another minor THEN that one is used, and refuses the removed API version
        lines = [];
        expect(runCli(['validate', 'dist', '--kubernetes', '1.33'], io())).toBe(1);
        expect(lines[0]).toBe('validate: dev: 1 objects against Kubernetes 1.33; target from --kubernetes');
        expect(lines[1]).toContain('flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema was removed in Kubernetes 1.32 (last served by 1.31)');
        // WHEN --openshift names an OpenShift minor THEN its Kubernetes minor is used
        lines = [];
        expect(runCli(['validate', 'dist', '--openshift', '4.18'], io())).toBe(0);
        expect(lines[0]).toBe('validate: dev: 1 objects against Kubernetes 1.31 (openshift 4.18); target from --openshift');
        // WHEN there is no record THEN the default, and the line says so
        fs.rmSync(path.join(tmp, 'dist', 'dev.target.json'));
        lines = [];
        expect(runCli(['validate', 'dist'], io())).toBe(1);
        expect(lines[0]).toBe('validate: dev: 1 objects against Kubernetes 1.33; no target record beside the folder: the default');
      });

      test('--next lists what the next release removes: warnings exit 0, --strict makes them exit 1', () => {
        manifests({ environment: 'dev', kubernetes: '1.31' });
        const warning =
          'dev: FlowSchema/batch: [upgrade 1.31 → 1.32] apiVersion/kind: flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema was removed in ' +
          'Kubernetes 1.32 (last served by 1.31); fix: use apiVersion flowcontrol.apiserver.k8s.io/v1';
        expect(runCli(['validate', 'dist', '--next', '1.32'], io())).toBe(0);
        expect(lines.slice(1)).toEqual([
          `warning: ${warning}`,
          'validate: --next 1.32: 1 upgrade warnings',
          'validate: every object passed the gate',
        ]);
        lines = [];
        expect(runCli(['validate', 'dist', '--next', 'openshift:4.19', '--strict'], io())).toBe(1);
        expect(lines).toContain(`error: ${warning.replace('→ 1.32]', '→ 1.32 (openshift 4.19)]')}`);
        expect(lines).toContain('validate: --next 1.32 (openshift 4.19): 1 upgrade warnings (--strict: they fail)');
        // AND a release the folder already targets checks nothing
        lines = [];
        expect(runCli(['validate', 'dist', '--next', '1.30', '--strict'], io())).toBe(0);
        expect(lines).toContain('validate: --next 1.30: dev targets 1.31 already; nothing to check');
        expect(lines).toContain('validate: --next 1.30: nothing the output uses is removed or deprecated there');
      });

      test('fails on a bad version, both platforms, or a broken target record', () => {
        manifests();
        expect(runCli(['validate', 'dist', '--next', '1.40'], io())).toBe(2);
        expect(lines).toEqual([
          'error: --next: is not a Kubernetes minor of 1.29, 1.30, 1.31, 1.32, 1.33, 1.34, 1.35, 1.36, 1.37 (got "1.40"); give e.g. 1.34 or openshift:4.21',
          expect.stringMatching(/^usage: eaf-cdk8s validate/),
        ]);
        lines = [];
        expect(runCli(['validate', 'dist', '--next', 'eks:1.34'], io())).toBe(2);
        expect(lines[0]).toBe('error: --next: names no platform kubernetes or openshift (got "eks:1.34"); give e.g. 1.34 or openshift:4.21');
        lines = [];
        expect(runCli(['validate', 'dist', '--kubernetes', '1.33', '--openshift', '4.20'], io())).toBe(2);
        expect(lines[0]).toBe('error: give --kubernetes (plain Kubernetes) or --openshift, not both; OpenShift names its Kubernetes minor itself');
        lines = [];
        expect(runCli(['validate', 'dist', '--openshift', '4.9'], io())).toBe(2);
        expect(lines[0]).toBe('error: --openshift: is not an OpenShift minor of 4.16, 4.17, 4.18, 4.19, 4.20, 4.21, 4.22 (got "4.9")');
        fs.writeFileSync(path.join(tmp, 'dist', 'dev.target.json'), '{"kubernetes": "1.33", "openshift": "4.21"}');
        lines = [];
        expect(runCli(['validate', 'dist'], io())).toBe(1);
        expect(lines).toEqual([
          `error: ${path.join(tmp, 'dist', 'dev.target.json')}: kubernetes: OpenShift 4.21 ships Kubernetes 1.34 (got "1.33"); ` +
            'run synth again to rewrite it, or delete it',
        ]);
      });
    });
  });

  describe('verify', () => {
    test('runs every tier on every environment folder, or the ones named, and fails when a tier fails', () => {
      for (const env of ['dev', 'prod']) {
        fs.mkdirSync(path.join(tmp, 'dist', env), { recursive: true });
        fs.writeFileSync(path.join(tmp, 'dist', env, 'app.k8s.yaml'), 'kind: Namespace\n');
      }
      expect(runCli(['verify', 'dist'], io())).toBe(0);
      expect(tiers).toEqual([
        ['lint', ['dist/dev', 'dist/prod']],
        ['netpol', ['dist/dev', 'dist/prod']],
        ['alerts', ['dist/dev', 'dist/prod']],
        ['cluster', ['dist/dev', 'dist/prod']],
      ]);
      tiers = [];
      tierExit = 3;
      expect(runCli(['verify', 'dist', '--netpol'], io())).toBe(1);
      expect(tiers.map(([t]) => t)).toEqual(['netpol']);
      expect(lines).toContain('verify: netpol FAILED (exit 3)');
    });

    test('fails on a folder with no manifests', () => {
      expect(runCli(['verify', 'nothing-here'], io())).toBe(1);
      expect(lines).toEqual([`error: ${path.join(tmp, 'nothing-here')} holds no environment folder with manifests; run synth first`]);
    });
  });

  describe('the output folder', () => {
    const ORDERS = path.join(REPO, 'examples', 'api-only', 'main.ts');

    test('fails with exit code 2 on an empty --out, which would name the working folder', () => {
      expect(runCli(['synth', '--product', ORDERS, '--out', ''], io())).toBe(2);
      expect(lines).toContain('error: --out takes the output folder, e.g. dist (got "")');
    });

    test('fails with exit code 1 on an output folder holding the product folder, which the output would replace', () => {
      fs.writeFileSync(path.join(tmp, 'keep.txt'), 'mine');
      expect(runCli(['synth', '--product', ORDERS, '--out', '.'], io())).toBe(1);
      expect(lines[lines.length - 1]).toBe(
        `error: the output folder ${tmp} holds the product folder ${tmp}, and the output replaces it whole; give ` +
          `--out a folder of its own, e.g. dist`,
      );
      lines = [];
      expect(runCli(['synth', '--product', ORDERS, '--dir', 'product', '--out', '.'], io())).toBe(1);
      expect(lines[lines.length - 1]).toBe(
        `error: the output folder ${tmp} holds the product folder ${path.join(tmp, 'product')}, and the output ` +
          `replaces it whole; give --out a folder of its own, e.g. dist`,
      );
      expect(fs.readdirSync(tmp)).toEqual(['keep.txt']);
    });

    test('fails, with no environment files, naming <dir>/dist when CDK8S_OUTDIR is empty: an empty value counts as unset, never the working folder', () => {
      fs.mkdirSync(path.join(tmp, 'product'));
      expect(runCli(['synth', '--product', ORDERS, '--dir', 'product'], { ...io(), env: { CDK8S_OUTDIR: '' } })).toBe(1);
      expect(lines[lines.length - 1]).toBe(`nothing was written; ${path.join(tmp, 'product', 'dist')} is unchanged`);
      expect(fs.readdirSync(tmp)).toEqual(['product']);
    });
  });

  describe('release, switch, rollback, promote, diff', () => {
    // DVMM as a product folder of its own: main.ts (importing this repository's library), environments/ and realms/
    // (the CLI checks custom resources against io.crdDirectory, this repository's crds/). Synthesised once; each test
    // works on a copy in its own folder.
    let product: string;
    beforeAll(() => {
      product = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-dvmm-'));
      for (const folder of ['environments', 'realms']) fs.cpSync(path.join(REPO, folder), path.join(product, folder), { recursive: true });
      const main = fs.readFileSync(path.join(REPO, 'main.ts'), 'utf8');
      const copy = main.replace("from './lib'", `from ${JSON.stringify(path.join(REPO, 'lib'))}`);
      expect(copy.match(new RegExp(REPO.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'g'))).toHaveLength(1);
      fs.writeFileSync(path.join(product, 'main.ts'), copy);
      const log: string[] = [];
      const code = runCli(['synth', '--dir', product], {
        log: (line) => log.push(line),
        cwd: product,
        env: {},
        crdDirectory: path.join(REPO, 'crds'),
        version: '0.2.0',
      });
      if (code !== 0) throw new Error(log.join('\n'));
    });
    afterAll(() => fs.rmSync(product, { recursive: true, force: true }));
    /** A copy of the synthesised DVMM folder at <tmp>/dvmm. */
    const dvmm = () => {
      fs.cpSync(product, path.join(tmp, 'dvmm'), { recursive: true });
      return path.join(tmp, 'dvmm');
    };

    test("rollback production flips the active colour, re-synthesises through the gate, and the diff shows only the Services' selectors", () => {
      // GIVEN DVMM's production with blue active
      const dir = dvmm();
      const file = path.join(dir, 'environments', 'production.yaml');
      const text = fs.readFileSync(file, 'utf8');
      expect(text).toContain('  activeColor: blue\n');
      // WHEN
      expect(runCli(['rollback', 'production', '--dir', 'dvmm'], io())).toBe(0);
      // THEN the file changed in that one line
      expect(fs.readFileSync(file, 'utf8')).toBe(text.replace('  activeColor: blue\n', '  activeColor: green\n'));
      expect(lines).toContain(
        `rollback: ${file}: release.activeColor: blue -> green (rollback: traffic goes back to green (api 1.5.0, ` +
          `frontend 1.5.0); blue becomes the idle colour)`,
      );
      // THEN every environment was written through the gate
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^wrote \\d+ files for 3 environments to ${path.join(dir, 'dist')}: `)));
      // THEN the diff printed is the four Services' selectors, nothing else
      expect(outs).toEqual([
        [
          '### Manifest diff of dvmm/dist (rollback production): 4 changed, 0 added, 0 removed',
          '',
          '**Changed**',
          '',
          '- `production: Service/dvmm-production/api`',
          '  - `spec.selector["eaf.io/color"]`: `"blue"` → `"green"`',
          '- `production: Service/dvmm-production/api-preview`',
          '  - `spec.selector["eaf.io/color"]`: `"green"` → `"blue"`',
          '- `production: Service/dvmm-production/frontend`',
          '  - `spec.selector["eaf.io/color"]`: `"blue"` → `"green"`',
          '- `production: Service/dvmm-production/frontend-preview`',
          '  - `spec.selector["eaf.io/color"]`: `"green"` → `"blue"`',
          '',
        ].join('\n'),
      ]);
      expect(fs.readFileSync(path.join(dir, 'dist', 'production', 'dvmm.k8s.yaml'), 'utf8')).not.toBe(
        fs.readFileSync(path.join(product, 'dist', 'production', 'dvmm.k8s.yaml'), 'utf8'),
      );
    });

    test('fails while another release command holds the environments folder, changing nothing', () => {
      // GIVEN another run editing DVMM's environments (its lock, held by a live process)
      const dir = dvmm();
      const environments = path.join(dir, 'environments');
      const unlock = acquireLock(environments, 1000, () => undefined);
      const owner = JSON.parse(fs.readFileSync(path.join(dir, '.environments.lock.owner'), 'utf8'));
      const file = path.join(environments, 'production.yaml');
      const bytes = fs.readFileSync(file);
      try {
        // WHEN a second one runs
        expect(runCli(['rollback', 'production', '--dir', 'dvmm'], { ...io(), lockTimeoutMs: 300 })).toBe(1);
      } finally {
        unlock();
      }
      // THEN it waited, gave up with the lock's name, and changed nothing
      expect(lines).toContain(
        `lock: waiting for another run (process ${process.pid} on ${os.hostname()}, since ${owner.since}) to finish writing ${environments}`,
      );
      expect(lines[lines.length - 1]).toMatch(
        new RegExp(
          `^error: ${environments.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is being written by another run .* which did not finish within 0.3 s`,
        ),
      );
      expect(fs.readFileSync(file).equals(bytes)).toBe(true);
      // THEN once it is free, the command runs
      expect(runCli(['rollback', 'production', '--dir', 'dvmm'], io())).toBe(0);
    });

    test('fails when the re-synthesis fails, and leaves the environment file byte for byte and dist as they were', () => {
      // GIVEN a release of a moving tag, which the tag format allows and production's gate refuses
      const dir = dvmm();
      const file = path.join(dir, 'environments', 'production.yaml');
      const bytes = fs.readFileSync(file);
      const dist = readTree(path.join(dir, 'dist'));
      // WHEN
      expect(runCli(['release', 'production', 'api', 'latest', '--dir', 'dvmm'], io())).toBe(1);
      // THEN every problem is printed, the file is restored and the output untouched
      expect(lines).toContain(
        `  ${file}: components.api.tags.green: is a moving tag (got "latest"); pin an immutable version such as 1.4.2, or a sha256 digest`,
      );
      expect(lines[lines.length - 1]).toBe(`release: restored ${file} as it was; nothing was changed`);
      expect(fs.readFileSync(file).equals(bytes)).toBe(true);
      expect(readTree(path.join(dir, 'dist'))).toEqual(dist);
      expect(fs.readdirSync(path.join(dir, 'environments')).sort()).toEqual(['dev.yaml', 'production.yaml', 'staging.yaml']);
      expect(outs).toEqual([]);
    });

    test('fail on bad input with exit code 1 and on wrong arguments with 2, changing nothing', () => {
      const dir = dvmm();
      const envs = readTree(path.join(dir, 'environments'));
      expect(runCli(['release', 'qa', 'api', '1.6.0', '--dir', 'dvmm'], io())).toBe(1);
      expect(lines).toContain(
        `error: ${path.join(dir, 'environments', 'qa.yaml')}: there is no environment qa (got "qa"); use one of: dev, production, staging`,
      );
      lines = [];
      expect(runCli(['release', 'production', 'web', '1.6.0', '--dir', 'dvmm'], io())).toBe(1);
      expect(lines.slice(1)).toEqual([
        `error: ${path.join(dir, 'environments', 'production.yaml')}: components.web: is not a component of this ` +
          `environment (got "web"); use one of: api, frontend`,
        'release: nothing was changed',
      ]);
      lines = [];
      expect(runCli(['switch', 'dev', '--dir', 'dvmm'], io())).toBe(1);
      expect(lines[1]).toMatch(/^error: .*dev\.yaml: release\.strategy: switch needs a blue-green release \(got "rolling"\)/);
      lines = [];
      expect(runCli(['release', '../production', 'api', '1.6.0', '--dir', 'dvmm'], io())).toBe(1);
      expect(lines[1]).toBe('error: "../production" is not an environment name; use one of: dev, production, staging');
      expect(runCli(['release', 'production', 'api', '--dir', 'dvmm'], io())).toBe(2);
      expect(runCli(['promote', 'staging', 'staging', '--dir', 'dvmm'], io())).toBe(2);
      expect(runCli(['rollback', '--dir', 'dvmm'], io())).toBe(2);
      expect(readTree(path.join(dir, 'environments'))).toEqual(envs);
      expect(outs).toEqual([]);
    });

    test('promote puts what one environment runs on another, and the diff shows the images that change', () => {
      const dir = dvmm();
      // production runs 1.4.2, dev 1.5.0: moving dev back is refused unless asked for, and the file stays
      const devFile = path.join(dir, 'environments', 'dev.yaml');
      const devBefore = fs.readFileSync(devFile, 'utf8');
      expect(runCli(['promote', 'production', 'dev', '--dir', 'dvmm'], io())).toBe(1);
      expect(lines.join('\n')).toContain(`${devFile}: components.api.tag: would move api back from 1.5.0`);
      expect(fs.readFileSync(devFile, 'utf8')).toBe(devBefore);
      lines.length = 0;
      outs.length = 0;
      expect(runCli(['promote', 'production', 'dev', '--allow-downgrade', '--dir', 'dvmm'], io())).toBe(0);
      expect(lines).toContain(
        `promote: ${path.join(dir, 'environments', 'dev.yaml')}: components.api.tag: 1.5.0 -> 1.4.2, components.frontend.tag: ` +
          `1.5.0 -> 1.4.2 (promote: what ${path.join(dir, 'environments', 'production.yaml')} runs (api 1.4.2, ` +
          `frontend 1.4.2), as the tags of a rolling release)`,
      );
      expect(outs).toEqual([
        [
          '### Manifest diff of dvmm/dist (promote dev): 2 changed, 0 added, 0 removed',
          '',
          '**Changed**',
          '',
          '- `dev: Deployment/dvmm-dev/api`',
          '  - `spec.template.spec.containers[name=api].image`: `"registry.eaf.example.com/dvmm/api:1.5.0"` → `"registry.eaf.example.com/dvmm/api:1.4.2"`',
          '- `dev: Deployment/dvmm-dev/frontend`',
          '  - `spec.template.spec.containers[name=frontend].image`: `"registry.eaf.example.com/dvmm/frontend:1.5.0"` ' +
            '→ `"registry.eaf.example.com/dvmm/frontend:1.4.2"`',
          '',
        ].join('\n'),
      ]);
    });

    test('switch staging in two steps: step 1 grows the idle colour in dist/, step 2 moves the Services and shrinks the old one', () => {
      // GIVEN DVMM's staging: green active with 2 pods per component, blue idle with 1
      const dir = dvmm();
      const file = path.join(dir, 'environments', 'staging.yaml');
      const text = fs.readFileSync(file, 'utf8');
      const objects = () => parseAllDocuments(fs.readFileSync(path.join(dir, 'dist', 'staging', 'dvmm.k8s.yaml'), 'utf8')).map((d) => d.toJS());
      const state = () => {
        const o = objects();
        return {
          blue: o.find((d) => d.kind === 'Deployment' && d.metadata.name === 'api-blue').spec.replicas,
          green: o.find((d) => d.kind === 'Deployment' && d.metadata.name === 'api-green').spec.replicas,
          service: o.find((d) => d.kind === 'Service' && d.metadata.name === 'api').spec.selector['eaf.io/color'],
        };
      };
      expect(state()).toEqual({ blue: 1, green: 2, service: 'green' });
      // WHEN switch runs once: THEN blue runs at full size, the Service stays on green
      expect(runCli(['switch', 'staging', '--dir', 'dvmm'], io())).toBe(0);
      expect(fs.readFileSync(file, 'utf8')).toBe(text.replace('  activeColor: green\n', '  activeColor: green\n  switchTo: blue\n'));
      expect(state()).toEqual({ blue: 2, green: 2, service: 'green' });
      // WHEN it runs again: THEN the Service moves to blue, and green shrinks to idleReplicas
      expect(runCli(['switch', 'staging', '--dir', 'dvmm'], io())).toBe(0);
      expect(fs.readFileSync(file, 'utf8')).toBe(text.replace('  activeColor: green\n', '  activeColor: blue\n'));
      expect(state()).toEqual({ blue: 2, green: 1, service: 'blue' });
      expect(fs.existsSync(path.join(dir, 'environments', '.release-journal.json'))).toBe(false);
    });

    test('fails on an unknown --step, naming the two', () => {
      expect(runCli(['switch', 'staging', '--step', 'both', '--dir', dvmm()], io())).toBe(2);
      expect(lines.join('\n')).toContain('--step is scale (grow the idle colour) or route (move the Services) (got "both")');
    });

    test('a switch killed after it wrote the file (dist/ old) is completed by the next switch, which does not switch again', () => {
      // GIVEN what a SIGKILL during the synthesis leaves: the journal, the file edited (step 1), dist/ as before
      const dir = dvmm();
      const environments = path.join(dir, 'environments');
      const file = path.join(environments, 'staging.yaml');
      const before = fs.readFileSync(file, 'utf8');
      const after = switchColor({ file, text: before }).text;
      const distBefore = fs.readFileSync(path.join(dir, 'dist', 'staging', 'dvmm.k8s.yaml'), 'utf8');
      openJournal(environments, { command: 'switch', environment: 'staging', file, before, after });
      fs.writeFileSync(file, after);
      // WHEN the operator runs switch again
      expect(runCli(['switch', 'staging', '--dir', 'dvmm'], io())).toBe(0);
      // THEN the interrupted step is completed (dist/ follows the file) and no second step is made
      expect(lines).toContain(`recovered: an interrupted switch of staging wrote ${file} but the output may not follow it; re-synthesising from it`);
      expect(lines).toContain('switch: the interrupted switch of staging is complete now; not making another (run switch again for the next one)');
      expect(fs.readFileSync(file, 'utf8')).toBe(after);
      expect(fs.readFileSync(path.join(dir, 'dist', 'staging', 'dvmm.k8s.yaml'), 'utf8')).not.toBe(distBefore);
      expect(fs.existsSync(path.join(environments, '.release-journal.json'))).toBe(false);
    });

    test('a journal whose command never changed the file is dropped, and the command runs; a file changed since is refused', () => {
      const dir = dvmm();
      const environments = path.join(dir, 'environments');
      const file = path.join(environments, 'production.yaml');
      const text = fs.readFileSync(file, 'utf8');
      openJournal(environments, { command: 'rollback', environment: 'production', file, before: text, after: 'x' });
      expect(runCli(['rollback', 'production', '--dir', 'dvmm'], io())).toBe(0);
      expect(lines).toContain('recovered: an interrupted rollback of production had not changed ' + file + '; nothing to complete');
      expect(fs.readFileSync(file, 'utf8')).toContain('  activeColor: green\n');
      // GIVEN a record of neither text
      openJournal(environments, { command: 'rollback', environment: 'production', file, before: 'a', after: 'b' });
      expect(runCli(['rollback', 'production', '--dir', 'dvmm'], io())).toBe(1);
      expect(lines.join('\n')).toContain(
        `${path.join(environments, '.release-journal.json')}: records an interrupted rollback of production, but ${file} changed since`,
      );
    });

    test('switch keeps its edit and the new output when the old output cannot be read for the diff, and says so', () => {
      const dir = dvmm();
      fs.appendFileSync(path.join(dir, 'dist', 'production', 'dvmm.k8s.yaml'), '\nkind: [\n');
      expect(runCli(['switch', 'production', '--dir', 'dvmm'], io())).toBe(0);
      expect(fs.readFileSync(path.join(dir, 'environments', 'production.yaml'), 'utf8')).toContain('  activeColor: green\n');
      expect(lines[lines.length - 1]).toMatch(
        new RegExp(
          `^warning: switch: .*production\\.yaml and .*dist are updated, but there is no diff: .*dvmm\\.k8s\\.yaml: ` +
            `YAML error: .+ at line \\d+, column \\d+; fix the YAML syntax$`,
        ),
      );
      expect(outs).toEqual([]);
    });

    test("promote changes nothing when the target's idle colour already has what the source runs", () => {
      const dir = dvmm();
      const envs = readTree(path.join(dir, 'environments'));
      expect(runCli(['promote', 'staging', 'production', '--dir', 'dvmm'], io())).toBe(0);
      expect(lines[lines.length - 1]).toBe(
        `promote: nothing to change; ${path.join(dir, 'environments', 'production.yaml')} and ${path.join(dir, 'dist')} are as they were`,
      );
      expect(readTree(path.join(dir, 'environments'))).toEqual(envs);
    });

    test('diff --base HEAD prints the objects changed and added in dist since the commit, as Markdown', () => {
      // GIVEN DVMM committed with its output in a git repository
      const dir = dvmm();
      const git = (...args: string[]) =>
        execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], {
          cwd: dir,
          stdio: 'pipe',
        });
      git('init', '-q');
      git('add', '-A');
      git('commit', '-qm', 'DVMM');
      expect(runCli(['diff', '--dir', 'dvmm'], io())).toBe(0);
      expect(outs).toEqual(['### Manifest diff of dvmm/dist against HEAD: no changes\n\nEvery object of every environment is as it was.\n']);
      // WHEN a release changes staging's idle Deployment, and a folder of hand-written manifests joins dist
      outs = [];
      expect(runCli(['release', 'staging', 'api', '1.6.0', '--dir', 'dvmm'], io())).toBe(0);
      fs.mkdirSync(path.join(dir, 'dist', 'extra'));
      fs.writeFileSync(
        path.join(dir, 'dist', 'extra', 'notes.yaml'),
        'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: notes, namespace: tools }\ndata: { a: b }\n',
      );
      outs = [];
      lines = [];
      expect(runCli(['diff', '--base', 'HEAD', '--dir', 'dvmm'], io())).toBe(0);
      // THEN
      expect(lines).toEqual([expect.stringMatching(/^diff: dvmm\/dist against HEAD \([0-9a-f]{12}\)$/)]);
      expect(outs).toEqual([
        [
          '### Manifest diff of dvmm/dist against HEAD: 1 changed, 1 added, 0 removed',
          '',
          '**Changed**',
          '',
          '- `staging: Deployment/dvmm-staging/api-blue`',
          '  - `spec.template.spec.containers[name=api].image`: `"registry.eaf.example.com/dvmm/api:1.4.2"` → `"registry.eaf.example.com/dvmm/api:1.6.0"`',
          '',
          '**Added**',
          '',
          '- `extra: ConfigMap/tools/notes`',
          '',
        ].join('\n'),
      ]);
      // AND a ref that is no commit, or a folder outside git, is bad input
      lines = [];
      expect(runCli(['diff', '--base', 'no-such-ref', '--dir', 'dvmm'], io())).toBe(1);
      expect(lines).toEqual([
        `error: --base: is not a commit of ${fs.realpathSync(dir)} (got "no-such-ref"); give a branch, tag or commit, e.g. HEAD or origin/main`,
      ]);
      expect(runCli(['diff', '--base', '--help=x'], io())).toBe(2);
    });

    test('diff fails outside a git repository', () => {
      fs.mkdirSync(path.join(tmp, 'plain', 'dist', 'dev'), { recursive: true });
      expect(runCli(['diff', '--dir', 'plain'], io())).toBe(1);
      expect(lines).toEqual([
        `error: ${path.join(tmp, 'plain')} is not inside a git repository; run diff in the product's repository, or give --dir`,
      ]);
    });
  });
});
