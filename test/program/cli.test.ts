import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CliIo, runCli } from '../../lib/program/cli';
import { testIo } from './cli-io';
import { scaffoldProduct } from '../../lib/program/scaffold';

const REPO = path.join(__dirname, '..', '..');

describe('eaf-cdk8s', () => {
  let tmp: string;
  let lines: string[];
  let outs: string[];
  let tiers: Array<[string, string[]]>;
  let tierExit: number;
  const io = (): CliIo =>
    testIo(tmp, lines, outs, (tier, dirs) => {
      tiers.push([tier, dirs.map((d) => path.relative(tmp, d))]);
      return tierExit;
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
        '  init        scaffold a new product folder that synthesises and passes the gate right away',
        '  synth       synthesise every environment of a product through the gate, atomically',
        '  release     put an image tag on the idle colour of an environment (its tag when it rolls), re-synthesise, print the diff',
        "  switch      move a blue-green environment's traffic to the other colour, re-synthesise, print the diff",
        "  rollback    move a blue-green environment's traffic back to the colour that ran before, re-synthesise, print the diff",
        '  promote     put the tags one environment runs on the idle colour of another (its tags when it rolls), re-synthesise, print the diff',
        "  diff        compare every environment's manifests with a git ref, object by object, as Markdown for a pull request",
        '  secrets     list the Secrets an environment references (keys, readers, how each is provided); ' +
          '--kubeseal prints the commands that seal them',
        '  validate    run the gate on any folder of manifests (hand-written YAML too)',
        '  verify      prove synthesised output with the real tools: a kube-apiserver, the network-policy analyser, kube-score, promtool',
        "  schema      print the JSON Schema of the product's environment files (--write: environment.schema.json, for editors)",
        '  completion  print the shell completion script for bash or zsh (source <(eaf-cdk8s completion bash))',
        '',
        "eaf-cdk8s <command> --help shows a command's options. Exit codes: 0 done, 1 bad input or a failed check, 2 usage.",
        'Every command takes --quiet (-q): no progress lines on stderr, only errors, findings and results; and --help (-h).',
      ]);
    });

    test.each(['init', 'synth', 'release', 'switch', 'rollback', 'promote', 'diff', 'secrets', 'validate', 'verify', 'schema', 'completion'])(
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
        'error: unknown command deploy; use one of: init, synth, release, switch, rollback, promote, diff, secrets, validate, verify, schema, ' +
          'completion',
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
        `wrote 15 files for 3 environments to ${path.join(dir, 'dist')}: dev.admission.yaml, dev.alert-tests.json, dev.flows.json, ` +
          'dev.target.json, dev/demo.k8s.yaml, production.admission.yaml, production.alert-tests.json, production.flows.json, ' +
          'production.target.json, production/demo.k8s.yaml, staging.admission.yaml, staging.alert-tests.json, staging.flows.json, ' +
          'staging.target.json, staging/demo.k8s.yaml',
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
});
