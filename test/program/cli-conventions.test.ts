import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv';
import { CliIo, runCli } from '../../lib/program/cli';
import { CLI_JSON_SCHEMAS, DiffJson, SecretsJson, ValidateJson, VerifyJson } from '../../lib/program';
import { gitIn, testIo } from './cli-io';

/** The CLI's conventions: --json on stdout (checked against its published shape), --quiet, shell completion. */

const REPO = path.join(__dirname, '..', '..');

/** A Deployment with one rule waived (resources-required) and others broken. */
const WAIVED_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: sized
  namespace: shop
  annotations:
    waive.eaf.io/resources-required: sized by the vertical pod autoscaler
spec:
  replicas: 1
  selector: { matchLabels: { app: sized } }
  template:
    metadata: { labels: { app: sized } }
    spec:
      containers:
        - name: app
          image: registry.example.com/app:1.0.0
`;

/** Parses the one stdout text of a run and checks it against the command's published JSON Schema. */
function parsed<T>(command: keyof typeof CLI_JSON_SCHEMAS, outs: string[]): T {
  expect(outs).toHaveLength(1);
  const value = JSON.parse(outs[0]) as T;
  const validate = new Ajv({ strict: false }).compile(CLI_JSON_SCHEMAS[command]);
  const valid = validate(value);
  expect(valid ? [] : validate.errors).toEqual([]);
  return value;
}

describe('eaf-cdk8s conventions', () => {
  let tmp: string;
  let lines: string[];
  let outs: string[];
  let tierCalls: Array<[string, boolean | undefined]>;
  let tierExit: Record<string, number>;
  const io = (): CliIo =>
    testIo(tmp, lines, outs, (tier, _dirs, options) => {
      tierCalls.push([tier, options?.quiet]);
      return tierExit[tier] ?? 0;
    });
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-conventions-'));
    lines = [];
    outs = [];
    tierCalls = [];
    tierExit = {};
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  describe('validate --json', () => {
    test("prints DVMM's output as one JSON object of the published shape: ok, every environment with its target, no findings", () => {
      // WHEN the gate checks DVMM's committed output with --json
      const code = runCli(['validate', path.join(REPO, 'dist'), '--json'], io());
      // THEN stdout holds the JSON alone, the progress is on stderr, and the exit code is 0
      expect(code).toBe(0);
      const result = parsed<ValidateJson>('validate', outs);
      expect(result).toMatchObject({ schemaVersion: 1, command: 'validate', ok: true, findings: [], upgradeWarnings: [] });
      expect(result.environments.map((e) => e.name)).toEqual(['argocd', 'dev', 'production', 'staging']);
      expect(result.environments.find((e) => e.name === 'production')).toEqual({
        name: 'production',
        objects: expect.any(Number),
        target: { kubernetes: '1.33', openshift: '4.20' },
        targetSource: `target recorded in ${path.relative(tmp, path.join(REPO, 'dist', 'production.target.json'))}`,
      });
      expect(lines).toContain('validate: every object passed the gate');
    });

    test('lists each finding with its rule, object, field and fix, waived ones marked with the reason, and exits 1', () => {
      // GIVEN a Deployment that breaks rules, one of them waived
      fs.mkdirSync(path.join(tmp, 'out', 'dev'), { recursive: true });
      fs.writeFileSync(path.join(tmp, 'out', 'dev', 'app.yaml'), WAIVED_DEPLOYMENT);
      // WHEN
      const code = runCli(['validate', 'out', '--json'], io());
      // THEN
      expect(code).toBe(1);
      const result = parsed<ValidateJson>('validate', outs);
      expect(result.ok).toBe(false);
      const object = { kind: 'Deployment', namespace: 'shop', name: 'sized' };
      expect(result.findings).toContainEqual({
        environment: 'dev',
        rule: 'probes-required',
        object,
        field: 'spec.template.spec.containers[0].livenessProbe',
        message: 'is required for a long-running container',
        fix: 'add spec.template.spec.containers[0].livenessProbe (httpGet, tcpSocket, grpc or exec)',
        waived: false,
        waiverReason: null,
      });
      expect(result.findings).toContainEqual({
        environment: 'dev',
        rule: 'resources-required',
        object,
        field: 'spec.template.spec.containers[0].resources.limits.memory',
        message: 'is required',
        fix: expect.any(String),
        waived: true,
        waiverReason: 'sized by the vertical pod autoscaler',
      });
      expect(result.findings.filter((f) => f.waived).map((f) => f.rule)).toEqual(Array(4).fill('resources-required'));
      // and stderr has the same findings, unwaived ones only, as lines
      expect(lines.filter((l) => l.startsWith('dev: Deployment/shop/sized: '))).toHaveLength(result.findings.filter((f) => !f.waived).length);
    });

    test('fails with exit code 1 and nothing on stdout when the folder does not exist', () => {
      expect(runCli(['validate', 'missing', '--json'], io())).toBe(1);
      expect(outs).toEqual([]);
      expect(lines).toEqual([`error: ${path.join(tmp, 'missing')} is not a folder; give the folder of manifests to check, e.g. dist`]);
    });
  });

  describe('verify --json', () => {
    test("prints each tier's result in the order they ran; a failed tier makes ok false and the exit code 1", () => {
      // GIVEN an output folder, and a netpol tier that fails
      fs.mkdirSync(path.join(tmp, 'dist', 'dev'), { recursive: true });
      fs.writeFileSync(path.join(tmp, 'dist', 'dev', 'a.yaml'), 'kind: ConfigMap\n');
      tierExit = { netpol: 3 };
      // WHEN
      const code = runCli(['verify', 'dist', '--json'], io());
      // THEN
      expect(code).toBe(1);
      expect(parsed<VerifyJson>('verify', outs)).toEqual({
        schemaVersion: 1,
        command: 'verify',
        ok: false,
        environments: [path.join('dist', 'dev')],
        tiers: [
          { tier: 'lint', ok: true, exitCode: 0 },
          { tier: 'netpol', ok: false, exitCode: 3 },
          { tier: 'alerts', ok: true, exitCode: 0 },
          { tier: 'cluster', ok: true, exitCode: 0 },
        ],
      });
    });
  });

  describe('--quiet', () => {
    test('verify --quiet prints no progress, only the failed tier, and asks the tiers to be quiet', () => {
      fs.mkdirSync(path.join(tmp, 'dist', 'dev'), { recursive: true });
      fs.writeFileSync(path.join(tmp, 'dist', 'dev', 'a.yaml'), 'kind: ConfigMap\n');
      tierExit = { alerts: 1 };
      expect(runCli(['verify', 'dist', '--lint', '--alerts', '--quiet'], io())).toBe(1);
      expect(lines).toEqual(['verify: alerts FAILED (exit 1)']);
      expect(tierCalls).toEqual([
        ['lint', true],
        ['alerts', true],
      ]);
      // and without --quiet, a line as each tier starts and ends
      lines = [];
      tierCalls = [];
      expect(runCli(['verify', 'dist', '--lint'], io())).toBe(0);
      expect(lines).toEqual([`verify: lint on ${path.join('dist', 'dev')}`, 'verify: lint passed']);
      expect(tierCalls).toEqual([['lint', false]]);
    });

    test('verify runs the rehearsal only when named, after the tiers named with it', () => {
      fs.mkdirSync(path.join(tmp, 'dist', 'dev'), { recursive: true });
      fs.writeFileSync(path.join(tmp, 'dist', 'dev', 'a.yaml'), 'kind: ConfigMap\n');
      // WHEN the rehearsal is named alone, then with the cluster tier
      expect(runCli(['verify', 'dist', '--rehearse', '-q'], io())).toBe(0);
      expect(tierCalls).toEqual([['rehearse', true]]);
      tierCalls = [];
      expect(runCli(['verify', 'dist', '--rehearse', '--cluster', '-q'], io())).toBe(0);
      // THEN in the order of the tiers, the rehearsal last
      expect(tierCalls).toEqual([
        ['cluster', true],
        ['rehearse', true],
      ]);
    });

    test('validate -q prints the findings and the count, but no progress line', () => {
      // GIVEN a broken object
      fs.mkdirSync(path.join(tmp, 'out', 'dev'), { recursive: true });
      fs.writeFileSync(path.join(tmp, 'out', 'dev', 'app.yaml'), WAIVED_DEPLOYMENT);
      // WHEN it is checked without and with -q
      expect(runCli(['validate', 'out'], io())).toBe(1);
      const loud = lines;
      lines = [];
      expect(runCli(['validate', 'out', '-q'], io())).toBe(1);
      // THEN -q drops exactly the progress lines (per environment, the waiver notes)
      expect(loud.slice(0, 2)).toEqual([
        'validate: dev: 1 objects against Kubernetes 1.33; no target record beside the folder: the default',
        'waived: dev: Deployment/shop/sized: [resources-required] sized by the vertical pod autoscaler',
      ]);
      expect(lines).toEqual(loud.slice(2));
      expect(lines[lines.length - 1]).toMatch(/^validate: \d+ problems$/);
    });
  });

  describe('diff --json', () => {
    test('prints every added, removed and changed object with its fields in full', () => {
      // GIVEN an output committed in git, then one field changed and one object added
      const git = gitIn(tmp);
      const config = (name: string, value: string) =>
        `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ${name}, namespace: shop }\ndata: { a: "${value}" }\n`;
      fs.mkdirSync(path.join(tmp, 'dist', 'dev'), { recursive: true });
      fs.writeFileSync(path.join(tmp, 'dist', 'dev', 'a.yaml'), config('one', 'x'));
      git('init', '-q');
      git('add', '-A');
      git('commit', '-qm', 'output');
      fs.writeFileSync(path.join(tmp, 'dist', 'dev', 'a.yaml'), `${config('one', 'y')}---\n${config('two', 'z')}`);
      // WHEN
      expect(runCli(['diff', '--json'], io())).toBe(0);
      // THEN
      const result = parsed<DiffJson>('diff', outs);
      expect(result).toEqual({
        schemaVersion: 1,
        command: 'diff',
        ok: true,
        base: 'HEAD',
        commit: git('rev-parse', 'HEAD').toString().trim(),
        changed: [
          {
            environment: 'dev',
            object: { kind: 'ConfigMap', namespace: 'shop', name: 'one' },
            fields: [{ field: 'data.a', before: 'x', after: 'y' }],
          },
        ],
        added: [{ environment: 'dev', object: { kind: 'ConfigMap', namespace: 'shop', name: 'two' }, fields: [] }],
        removed: [],
      });
    });
  });

  describe('secrets --json', () => {
    test("lists DVMM production's Secrets with their keys, readers and provider, in the published shape", () => {
      expect(runCli(['secrets', 'production', '--json', '--quiet'], { ...io(), cwd: REPO })).toBe(0);
      const result = parsed<SecretsJson>('secrets', outs);
      expect(result).toMatchObject({ schemaVersion: 1, command: 'secrets', ok: true, product: 'dvmm', environment: 'production' });
      expect(result.secrets.length).toBeGreaterThan(0);
      for (const secret of result.secrets) expect(secret.readers.length).toBeGreaterThan(0);
      expect(lines).toEqual([]);
    });

    test('fails with exit code 2 when given --json and --kubeseal', () => {
      expect(runCli(['secrets', 'production', '--json', '--kubeseal'], io())).toBe(2);
      expect(lines[0]).toBe('error: give --json (the list as JSON) or --kubeseal (a shell script), not both');
      expect(outs).toEqual([]);
    });
  });

  describe('completion', () => {
    /** What bash completes for the words typed so far (the last one being completed), with the script loaded. */
    function bashCompletes(script: string, ...words: string[]): string[] {
      const file = path.join(tmp, 'completion.bash');
      fs.writeFileSync(file, script);
      const run = spawnSync(
        'bash',
        [
          '-c',
          `source "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); _eaf_cdk8s; printf '%s\\n' "\${COMPREPLY[@]}"`,
          file,
          'eaf-cdk8s',
          ...words,
        ],
        { cwd: tmp, encoding: 'utf8' },
      );
      expect(run.stderr).toBe('');
      return run.stdout.split('\n').filter((l) => l !== '');
    }

    test('bash: the script completes the commands, their options and their words, as the command table has them', () => {
      expect(runCli(['completion', 'bash'], io())).toBe(0);
      const [script] = outs;
      expect(script).toContain('complete -o filenames -F _eaf_cdk8s eaf-cdk8s');
      expect(bashCompletes(script, 'v')).toEqual(['validate', 'verify']);
      expect(bashCompletes(script, 'validate', '--')).toEqual(
        expect.arrayContaining(['--critical', '--registries', '--next', '--strict', '--json', '--quiet', '--help']),
      );
      expect(bashCompletes(script, 'secrets', 'production', '--k')).toEqual(['--kubeseal']);
      expect(bashCompletes(script, 'completion', '')).toEqual(['bash', 'zsh']);
      fs.mkdirSync(path.join(tmp, 'dist'));
      expect(bashCompletes(script, 'synth', '--out', 'di')).toEqual(['dist']);
    });

    test('zsh: the script describes every command with its summary and gives _arguments each option', () => {
      expect(runCli(['completion', 'zsh'], io())).toBe(0);
      const [script] = outs;
      expect(script.split('\n')[0]).toBe('#compdef eaf-cdk8s');
      expect(script).toContain(`    'validate:run the gate on any folder of manifests (hand-written YAML too)'`);
      expect(script).toContain(
        `    'schema:print the JSON Schema of the product'\\''s environment files (--write: environment.schema.json, for editors)'`,
      );
      expect(script).toContain(
        "    diff) _arguments -s '--base=:base:_files' '--dir=:dir:_files' '--json' '--cluster=:cluster:_files' " +
          "'--environment=:environment:_files' '--quiet' '--help' '-q' '*:file:_files' ;;\n",
      );
      expect(script).toContain("    completion) _arguments -s '--quiet' '--help' '-q' '1:completion:(bash zsh)' ;;");
      const zsh = spawnSync('zsh', ['-n', '-c', script], { encoding: 'utf8' });
      if (zsh.error === undefined) expect(zsh.status).toBe(0); // syntax-checked where zsh is installed
    });

    test('fails with exit code 2 for a shell it does not know', () => {
      expect(runCli(['completion', 'fish'], io())).toBe(2);
      expect(lines).toEqual(['error: completion takes the shell: bash or zsh (got fish)', 'usage: eaf-cdk8s completion bash|zsh']);
      expect(outs).toEqual([]);
    });
  });
});
