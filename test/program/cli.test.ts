import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CliIo, runCli } from '../../lib/program/cli';
import { scaffoldProduct } from '../../lib/program/scaffold';

const REPO = path.join(__dirname, '..', '..');

describe('eaf-cdk8s', () => {
  let tmp: string;
  let lines: string[];
  let tiers: Array<[string, string[]]>;
  let tierExit: number;
  const io = (): CliIo => ({
    log: (line) => lines.push(...line.split('\n')),
    cwd: tmp,
    env: {},
    crdDirectory: path.join(REPO, 'crds'),
    version: '0.2.0',
    runTier: (tier, dirs) => { tiers.push([tier, dirs.map((d) => path.relative(tmp, d))]); return tierExit; },
  });
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-'));
    lines = [];
    tiers = [];
    tierExit = 0;
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  describe('usage', () => {
    test('--help lists every command and the exit codes', () => {
      expect(runCli(['--help'], io())).toBe(0);
      expect(lines).toEqual([
        'usage: eaf-cdk8s <command> [options]',
        '',
        'Commands:',
        '  init      scaffold a new product folder that synthesises and passes the gate right away',
        '  synth     synthesise every environment of a product through the gate, atomically',
        '  validate  run the gate on any folder of manifests (hand-written YAML too)',
        '  verify    prove synthesised output with the real tools: a kube-apiserver, the network-policy analyser, kube-score, promtool',
        '',
        "eaf-cdk8s <command> --help shows a command's options. Exit codes: 0 done, 1 bad input or a failed check, 2 usage.",
      ]);
    });

    test.each(['init', 'synth', 'validate', 'verify'])('%s --help prints its usage and exits 0', (command) => {
      expect(runCli([command, '--help'], io())).toBe(0);
      expect(lines[0]).toMatch(new RegExp(`^usage: eaf-cdk8s ${command}`));
    });

    test('fails with exit code 2 on no command, an unknown command, an unknown option or a missing argument', () => {
      expect(runCli([], io())).toBe(2);
      expect(runCli(['deploy'], io())).toBe(2);
      expect(lines).toContain('error: unknown command deploy; use one of: init, synth, validate, verify');
      lines = [];
      expect(runCli(['synth', '--fast'], io())).toBe(2);
      expect(lines).toEqual(["error: Unknown option '--fast'", 'usage: eaf-cdk8s synth [--dir <product folder>] [--product <module>] [--out <folder>] [--strict] [--reserved-namespaces <a,b>]']);
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
      expect(lines[lines.length - 1]).toBe(`wrote 9 files for 3 environments to ${path.join(dir, 'dist')}: dev.alert-tests.json, dev.flows.json, dev/demo.k8s.yaml, production.alert-tests.json, production.flows.json, production/demo.k8s.yaml, staging.alert-tests.json, staging.flows.json, staging/demo.k8s.yaml`);
      lines = [];
      expect(runCli(['validate', 'demo/dist', '--registries', 'registry.example.com/,ghcr.io/cloudnative-pg/'], io())).toBe(0);
      expect(lines).toEqual([
        expect.stringMatching(/^validate: dev \(\d+ objects\), production \(\d+ objects\), staging \(\d+ objects\)$/),
        'validate: every object passed the gate',
      ]);
    });

    test('synth warns about legal but suspicious values, --strict refuses them, --reserved-namespaces adds the platform\'s own', () => {
      // GIVEN a scaffolded product whose production says critical: false and opens egress to every address
      const dir = path.join(tmp, 'demo');
      scaffoldProduct(dir, { name: 'demo', packageSpec: '^0.2.0', importFrom: path.join(REPO, 'lib') });
      const production = path.join(dir, 'environments', 'production.yaml');
      fs.writeFileSync(production, `${fs.readFileSync(production, 'utf8').replace('critical: true', 'critical: false')}egress:\n  anywhere: { from: [api], cidrs: [0.0.0.0/0], ports: [443] }\n`);
      const warnings = [
        `${production}: critical: is not true for an environment named "production" (got false); set critical: true to keep the production guardrails (backups, replicas, released tags), or rename the environment`,
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
      expect(lines.join('\n')).toContain(`${path.join(dir, 'environments', 'staging.yaml')}: namespace: is reserved by the platform (got "demo-staging"); use a namespace of the product's own, e.g. <product>-<environment> (leave namespace out for that default)`);
    });

    test('init writes the files a product needs, and refuses a folder in use or a bad name', () => {
      expect(runCli(['init', 'orders'], io())).toBe(0);
      expect(fs.readdirSync(path.join(tmp, 'orders')).sort()).toEqual(['README.md', 'cdk8s.yaml', 'environments', 'main.ts', 'package.json', 'test', 'tsconfig.json']);
      expect(JSON.parse(fs.readFileSync(path.join(tmp, 'orders', 'package.json'), 'utf8')).dependencies['@eaf/cdk8s']).toBe('^0.2.0');
      lines = [];
      expect(runCli(['init', 'orders'], io())).toBe(1);
      expect(lines).toEqual([`error: ${path.join(tmp, 'orders')} is not empty; choose a new folder with --dir`]);
      lines = [];
      expect(runCli(['init', 'Orders_1', '--dir', 'x'], io())).toBe(1);
      expect(lines[0]).toBe('error: "Orders_1" is not a product name; use a lower-case name of letters, digits and hyphens starting with a letter, at most 40 characters, e.g. orders');
    });

    test('synth fails with exit code 1 where there is no product, and prints no stack trace', () => {
      expect(runCli(['synth'], io())).toBe(1);
      expect(lines).toEqual([`error: ${tmp} holds no main.ts or main.js exporting a product; run eaf-cdk8s init <product>, or give --product <module>`]);
    });

    test('validate reports every finding of hand-written YAML with exit code 1', () => {
      const dir = path.join(tmp, 'manifests');
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'pod.yaml'), [
        'apiVersion: v1', 'kind: Pod', 'metadata: { name: debug, namespace: tools }',
        'spec: { containers: [{ name: shell, image: "busybox:latest", securityContext: { privileged: true } }] }',
      ].join('\n'));
      expect(runCli(['validate', 'manifests'], io())).toBe(1);
      expect(lines).toContain('manifests: Pod/tools/debug: [image-tag-pinned] spec.containers[0].image: tag is a moving tag (got "busybox:latest"); fix: pin an immutable version such as 1.4.2, or a sha256 digest');
      expect(lines).toContain('manifests: Pod/tools/debug: [pss-restricted] spec.containers[0].securityContext.privileged: must be false or unset (got true); fix: remove spec.containers[0].securityContext.privileged');
      expect(lines[lines.length - 1]).toMatch(/^validate: \d+ problems$/);
    });
  });

  describe('verify', () => {
    test('runs every tier on every environment folder, or the ones named, and fails when a tier fails', () => {
      for (const env of ['dev', 'prod']) {
        fs.mkdirSync(path.join(tmp, 'dist', env), { recursive: true });
        fs.writeFileSync(path.join(tmp, 'dist', env, 'app.k8s.yaml'), 'kind: Namespace\n');
      }
      expect(runCli(['verify', 'dist'], io())).toBe(0);
      expect(tiers).toEqual([['lint', ['dist/dev', 'dist/prod']], ['netpol', ['dist/dev', 'dist/prod']], ['alerts', ['dist/dev', 'dist/prod']], ['cluster', ['dist/dev', 'dist/prod']]]);
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
});
