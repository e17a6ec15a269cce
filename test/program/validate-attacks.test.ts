import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { objectId } from '../../lib/gate';
import { synthesizeProduct } from '../../lib/program';
import { CliIo, runCli } from '../../lib/program/cli';
import { orders } from '../../examples/api-only/main';
import { shop } from '../../examples/node-web/main';

/**
 * Issue 29's attacks on access, as plain YAML in test/fixtures/attacks/<rule>/: each file alone makes
 * `eaf-cdk8s validate` exit 1 and name its rule on its object. The library's own output (DVMM's committed dist/, the
 * examples synthesised afresh) trips none of these rules.
 */

const REPO = path.join(__dirname, '..', '..');
const ATTACKS = path.join(REPO, 'test', 'fixtures', 'attacks');
/** The rules whose attacks live here (other rules keep theirs in folders of their own). */
const RULES = ['read-only-root-filesystem', 'service-account-token', 'service-exposure', 'rbac-least-privilege', 'pss-restricted'];
/** The rules added for the issue, which the library's output must not trip. */
const ACCESS_RULES = RULES.filter((r) => r !== 'pss-restricted');

/** Runs `eaf-cdk8s validate <folder> ...options` from `cwd`; its exit code and lines. */
function validate(cwd: string, folder: string, options: string[] = []): { code: number; lines: string[] } {
  const lines: string[] = [];
  const io: CliIo = {
    log: (line) => lines.push(...line.split('\n')),
    out: () => undefined,
    cwd,
    env: {},
    crdDirectory: path.join(REPO, 'crds'),
    version: '0.2.0',
    runTier: () => 0,
  };
  return { code: runCli(['validate', folder, ...options], io), lines };
}

/** The lines of `lines` that name one of `rules`. */
function linesOf(lines: string[], rules: string[]): string[] {
  return lines.filter((l) => rules.some((r) => l.includes(`[${r}]`)));
}

describe('the attacks of issue 29 on access', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'attacks-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const cases = RULES.flatMap((rule) => fs.readdirSync(path.join(ATTACKS, rule)).map((file) => [rule, file] as const));

  test('there is at least one attack for each rule', () => {
    expect(new Set(cases.map(([rule]) => rule))).toEqual(new Set(RULES));
    expect(cases.length).toBeGreaterThanOrEqual(14);
  });

  test.each(cases)('%s/%s makes validate exit 1, naming the rule on the object', (rule, file) => {
    // GIVEN the attack alone in a folder
    const dir = path.join(tmp, rule, path.basename(file, '.yaml'));
    fs.mkdirSync(dir, { recursive: true });
    const text = fs.readFileSync(path.join(ATTACKS, rule, file), 'utf8');
    fs.writeFileSync(path.join(dir, file), text);
    const objects = parseAllDocuments(text).map((d) => objectId(d.toJS()));
    // WHEN the gate checks it
    const { code, lines } = validate(tmp, dir);
    // THEN it fails, and the rule is named on each object of the attack
    expect(code).toBe(1);
    for (const object of objects)
      expect(
        lines.some((l) => l.includes(`: ${object}: [${rule}] `)),
        `${object} in\n${lines.join('\n')}`,
      ).toBe(true);
  });

  test('a waiver of an unwaivable rule is itself a finding, and waives nothing', () => {
    const { lines } = validate(tmp, path.join(ATTACKS, 'pss-restricted'));
    expect(lines).toContain(
      'pss-restricted: Deployment/shop-production/node-agent: [waiver-invalid] metadata.annotations["waive.eaf.io/pss-restricted"]: ' +
        'pss-restricted cannot be waived (got "the agent needs the host network to read node metrics"); fix: fix the object instead: ' +
        'set the securityContext fields the finding names; the EAF workload constructs do this by default',
    );
    expect(lines.filter((l) => l.startsWith('waived:'))).toEqual([]);
  });

  test('a waiver in code with no environment file is listed as unrecorded, and refused with --strict', () => {
    // GIVEN the annotation a waive() in code writes on an allow-all policy, in a folder of manifests (no environment file)
    const folder = path.join(ATTACKS, 'waiver-unrecorded');
    const unrecorded =
      'waiver-unrecorded: NetworkPolicy/shop-production/allow-all: [waiver-unrecorded] the waiver of [network-policy-allow-all] is recorded ' +
      "in no environment file (a folder of manifests has none); record it in the product's environment file (waivers:), or remove the annotation";
    // WHEN validated THEN the waiver is honoured, listed, and warned about as unrecorded
    const plain = validate(tmp, folder);
    expect(plain.code).toBe(0);
    expect(plain.lines.filter((l) => l.startsWith('waived:') || l.includes('[waiver-unrecorded]'))).toEqual([
      'waived: waiver-unrecorded: NetworkPolicy/shop-production/allow-all: [network-policy-allow-all] ' +
        'the load test reaches every port of the namespace',
      `warning: ${unrecorded}`,
    ]);
    // WHEN validated with --strict THEN it is refused
    const strict = validate(tmp, folder, ['--strict']);
    expect(strict.code).toBe(1);
    expect(strict.lines).toContain(`error: ${unrecorded} (--strict)`);
    expect(strict.lines[strict.lines.length - 1]).toBe('validate: 1 problems');
  });

  test('--exposed-services declares a Service that may be reached from outside the cluster', () => {
    const { lines } = validate(tmp, path.join(ATTACKS, 'service-exposure'), ['--exposed-services', 'api-public,api-node']);
    expect(linesOf(lines, ['service-exposure']).map((l) => l.split(': [')[0])).toEqual(['service-exposure: Service/shop-production/api-external']);
  });
});

describe("the library's own output trips none of the access rules", () => {
  test("DVMM's committed dist/, as the CLI validates it", () => {
    const { lines } = validate(REPO, 'dist', ['--critical']);
    expect(lines.filter((l) => l.startsWith('validate: ')).map((l) => l.split(':')[1].trim())).toEqual([
      'argocd',
      'dev',
      'production',
      'staging',
      expect.stringMatching(/problems|passed/),
    ]);
    expect(linesOf(lines, ACCESS_RULES)).toEqual([]);
  });

  test.each([
    ['api-only', orders],
    ['node-web', shop],
  ] as const)('the %s example, synthesised through the gate and validated', (example, product) => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), `example-${example}-`));
    try {
      const synthLines: string[] = [];
      const code = synthesizeProduct(product, {
        environmentsDir: path.join(REPO, 'examples', example, 'environments'),
        outdir: path.join(out, 'dist'),
        crdDirectory: path.join(REPO, 'crds'),
        log: (l) => synthLines.push(l),
      });
      expect(code, synthLines.join('\n')).toBe(0);
      const { lines } = validate(out, 'dist');
      expect(lines.length).toBeGreaterThan(1);
      expect(linesOf(lines, ACCESS_RULES)).toEqual([]);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
