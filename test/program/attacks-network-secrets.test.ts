import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CliIo, runCli } from '../../lib/program/cli';

const REPO = path.join(__dirname, '..', '..');
const ATTACKS = path.join(REPO, 'test', 'fixtures', 'attacks');
/** The rules whose attacks live here (issue 29): each folder of test/fixtures/attacks named after one. */
const RULES = ['network-policy-allow-all', 'egress-internet', 'secrets-in-plain-sight'];
const MINE = new RegExp(`: \\[(${RULES.join('|')})\\] `);

describe('eaf-cdk8s validate on attacks and on the library’s own output', () => {
  let tmp: string;
  let lines: string[];
  const io = (): CliIo => ({
    log: (line) => lines.push(...line.split('\n')),
    out: () => undefined,
    cwd: tmp,
    env: {},
    crdDirectory: path.join(REPO, 'crds'),
    version: '0.2.0',
    runTier: () => 0,
  });
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'attacks-'));
    lines = [];
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const cases = RULES.flatMap((rule) =>
    fs
      .readdirSync(path.join(ATTACKS, rule))
      .filter((f) => f.endsWith('.yaml'))
      .map((file) => [rule, file] as const),
  );

  test('every rule has attacks', () => {
    for (const rule of RULES) expect(cases.filter(([r]) => r === rule).length).toBeGreaterThanOrEqual(3);
  });

  test.each(cases)('%s: %s exits 1 naming the rule', (rule, file) => {
    // GIVEN the attack alone in a folder, checked as a critical environment
    fs.mkdirSync(path.join(tmp, 'manifests'));
    fs.copyFileSync(path.join(ATTACKS, rule, file), path.join(tmp, 'manifests', file));
    // WHEN validate runs
    const code = runCli(['validate', 'manifests', '--critical'], io());
    // THEN it fails and names the rule, never with the value of a secret
    expect(code).toBe(1);
    expect(lines.filter((l) => l.includes(`: [${rule}] `)).length).toBeGreaterThan(0);
    // AND each finding the file's `# expect:` comments name
    const expected = [...fs.readFileSync(path.join(ATTACKS, rule, file), 'utf8').matchAll(/^# expect: (.*)$/gm)].map((m) => m[1]);
    expect(expected.length).toBeGreaterThan(0);
    for (const finding of expected) expect(lines.filter((l) => l.includes(finding))).toHaveLength(1);
    for (const secret of ['hunter2', 'not-a-real-token', 'ThisIsNotARealKey']) expect(lines.join('\n')).not.toContain(secret);
  });

  test('none of these rules finds anything in DVMM’s committed dist/, even with every environment checked as critical', () => {
    runCli(['validate', path.join(REPO, 'dist'), '--critical'], io()); // other rules find things in dev checked as critical
    expect(lines.filter((l) => MINE.test(l))).toEqual([]);
    expect(lines.filter((l) => /^validate: (argocd|dev|production|staging): \d+ objects/.test(l))).toHaveLength(4);
  });

  test.each(['api-only', 'node-web'])('none of these rules finds anything in the output of example %s, checked as critical', (example) => {
    expect(runCli(['synth', '--dir', path.join(REPO, 'examples', example), '--out', path.join(tmp, 'dist')], io())).toBe(0);
    lines = [];
    runCli(['validate', 'dist', '--critical'], io());
    expect(lines.filter((l) => MINE.test(l))).toEqual([]);
    expect(lines).toContainEqual(expect.stringMatching(/^validate: production: \d+ objects/));
  });
});
