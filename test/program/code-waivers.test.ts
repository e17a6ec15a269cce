import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from '../../lib/program/cli';
import { gitIn, testIo } from './cli-io';

/**
 * Issue 29's attack on the review trail: `waive()` in a product's code, with no entry in the environment file. Synth
 * refuses it naming the file, the object, the rule and the reason, with the entry to add; once the file records it,
 * synth honours and prints it, and `diff` shows it added.
 */

const REPO = path.join(__dirname, '..', '..');
const REASON = 'the load test reaches every port of the namespace';

/**
 * The api-only example; with a rule, in production its `extend` adds an allow-all NetworkPolicy and waives the rule on it
 * in code. Each variant is a module of its own (`--product`): a module once loaded stays loaded in a process.
 */
const product = (rule?: string) => `
import { ApiObject } from ${JSON.stringify(path.join(REPO, 'node_modules', 'cdk8s'))};
import { defineProduct, waive } from ${JSON.stringify(path.join(REPO, 'lib'))};

export const orders = defineProduct({
  name: 'orders',
  components: { app: { kind: 'spring-boot', image: 'registry.eaf.example.com/orders/app', public: true, databases: ['db'] } },
  databases: { db: { version: '17.6' } },
  extend: (chart, environment) => {
    if (${JSON.stringify(rule === undefined)} || environment.name !== 'production') return;
    const policy = new ApiObject(chart, 'open', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'orders-open' },
      spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] },
    });
    waive(policy, ${JSON.stringify(rule ?? '')} as any, ${JSON.stringify(REASON)});
  },
});
`;

/** Every file of a folder with its bytes. */
function readTree(dir: string): Record<string, string> {
  return Object.fromEntries(
    (fs.readdirSync(dir, { recursive: true }) as string[])
      .filter((f) => fs.statSync(path.join(dir, f)).isFile())
      .map((f) => [f, fs.readFileSync(path.join(dir, f), 'base64')]),
  );
}

describe('a waiver written in code', () => {
  let tmp: string;
  let lines: string[];
  let outs: string[];
  const production = () => path.join(tmp, 'environments', 'production.yaml');
  const ENTRY = `- { rule: network-policy-allow-all, object: NetworkPolicy/orders-open, reason: "${REASON}" }`;
  /** `eaf-cdk8s synth` of the product variant that waives `rule` in code (none: no policy at all), lines cleared first. */
  const synth = (rule?: string) => {
    const module = `${rule ?? 'plain'}.ts`;
    if (!fs.existsSync(path.join(tmp, module))) fs.writeFileSync(path.join(tmp, module), product(rule));
    lines = [];
    return runCli(['synth', '--product', module], testIo(tmp, lines, outs));
  };
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'code-waivers-'));
    outs = [];
    fs.cpSync(path.join(REPO, 'examples', 'api-only', 'environments'), path.join(tmp, 'environments'), { recursive: true });
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('fails synth with no record in the environment file, naming file, object, rule and reason with the entry to add; dist/ is untouched', () => {
    // GIVEN an output written before
    expect(synth(), lines.join('\n')).toBe(0);
    const before = readTree(path.join(tmp, 'dist'));
    // WHEN the product waives network-policy-allow-all in code on a new allow-all policy
    expect(synth('network-policy-allow-all')).toBe(1);
    // THEN synth fails with the unrecorded waiver and the finding it would have hidden, and writes nothing
    expect(lines.filter((l) => l.includes('[waiver-unrecorded]')).map((l) => l.trim())).toEqual([
      'production: NetworkPolicy/orders-production/orders-open: [waiver-unrecorded] ' +
        'metadata.annotations["waive.eaf.io/network-policy-allow-all"]: waives network-policy-allow-all with no record in ' +
        `${production()} (written in code), so the exception has no review trail; it waives nothing (got "${REASON}"); ` +
        `fix: add to the waivers of ${production()}: ${ENTRY}; or remove the waive() call`,
    ]);
    expect(lines.some((l) => l.includes('NetworkPolicy/orders-production/orders-open: [network-policy-allow-all]'))).toBe(true);
    expect(lines[lines.length - 1]).toMatch(/^nothing was written; .*dist is unchanged$/);
    expect(readTree(path.join(tmp, 'dist'))).toEqual(before);
    // AND WHEN the file records the waiver with the entry the message gives THEN synth honours and prints it
    fs.appendFileSync(production(), `  ${ENTRY}\n`);
    expect(synth('network-policy-allow-all'), lines.join('\n')).toBe(0);
    expect(lines).toContain(`waived: production: NetworkPolicy/orders-production/orders-open: [network-policy-allow-all] ${REASON}`);
  });

  test("recorded in the file with another reason: the file's reason is the one the output carries and synth prints", () => {
    fs.appendFileSync(production(), `  ${ENTRY.replace(REASON, 'the reason the reviewers approved')}\n`);
    expect(synth('network-policy-allow-all'), lines.join('\n')).toBe(0);
    expect(lines.filter((l) => l.startsWith('waived: production: NetworkPolicy/'))).toEqual([
      'waived: production: NetworkPolicy/orders-production/orders-open: [network-policy-allow-all] the reason the reviewers approved',
    ]);
  });

  test('of an unwaivable rule fails synth, as the same waiver in the file fails its schema', () => {
    expect(synth('pss-restricted')).toBe(1);
    expect(lines.join('\n')).toContain(
      'production: NetworkPolicy/orders-production/orders-open: [waiver-invalid] metadata.annotations["waive.eaf.io/pss-restricted"]: ' +
        'pss-restricted cannot be waived',
    );
    fs.appendFileSync(production(), `  ${ENTRY.replace('network-policy-allow-all', 'pss-restricted')}\n`);
    expect(synth('pss-restricted')).toBe(1);
    expect(lines.join('\n')).toMatch(/production\.yaml: waivers\.1\.rule: must be equal to one of the allowed values \(got "pss-restricted"\)/);
    expect(fs.existsSync(path.join(tmp, 'dist'))).toBe(false);
  });

  test('recorded in the file: diff shows the waiver added, and removed again, for the pull request', () => {
    // GIVEN the product's output committed
    expect(synth(), lines.join('\n')).toBe(0);
    const git = gitIn(tmp);
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'orders');
    // WHEN the policy comes with its waiver, in code and in the file, and the new output is diffed
    fs.appendFileSync(production(), `  ${ENTRY}\n`);
    expect(synth('network-policy-allow-all'), lines.join('\n')).toBe(0);
    const diff = () => {
      outs = [];
      expect(runCli(['diff'], testIo(tmp, lines, outs))).toBe(0);
      return outs
        .join('')
        .split('\n')
        .filter((l) => l.startsWith('- added:') || l.startsWith('- removed:'));
    };
    // THEN the diff lists the waiver in its own section
    const waiver = `\`production: NetworkPolicy/orders-production/orders-open\` [network-policy-allow-all] \`"${REASON}"\``;
    expect(diff()).toEqual([`- added: ${waiver}`]);
    // AND WHEN that is committed and the exception goes again THEN the diff lists it removed
    git('add', '-A');
    git('commit', '-qm', 'open');
    fs.writeFileSync(production(), fs.readFileSync(production(), 'utf8').replace(`  ${ENTRY}\n`, ''));
    expect(synth(), lines.join('\n')).toBe(0);
    expect(diff()).toEqual([`- removed: ${waiver}`]);
  });
});
