import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { orders } from '../../examples/api-only/main';
import { synthesizeProduct } from '../../lib/program';

const EXAMPLE = path.join(__dirname, '..', '..', 'examples', 'api-only', 'environments');
const CRDS = path.join(__dirname, '..', '..', 'crds');

describe('a waiver that matches no finding', () => {
  let tmp: string;
  beforeEach(() => {
    // GIVEN the API-only example whose production file also waives tls-required on its Deployment, where the rule finds nothing
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'unused-waiver-'));
    fs.cpSync(EXAMPLE, path.join(tmp, 'environments'), { recursive: true });
    const production = path.join(tmp, 'environments', 'production.yaml');
    fs.appendFileSync(production, '  - { rule: tls-required, object: Deployment/app, reason: copied from another product and never needed here }\n');
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const run = (strict: boolean) => {
    const lines: string[] = [];
    const code = synthesizeProduct(orders, {
      environmentsDir: path.join(tmp, 'environments'),
      outdir: path.join(tmp, 'dist'),
      crdDirectory: CRDS,
      log: (line) => lines.push(line),
      strict,
    });
    return { code, lines };
  };
  const UNUSED =
    'production: Deployment/orders-production/app: the waiver of [tls-required] matches no finding; remove it (environment file waivers, ' +
    'or the waive() call), or it will hide the next violation of the rule';

  test('is written with a warning that names it, while the waiver that is needed is not warned about', () => {
    // WHEN synthesised
    const { code, lines } = run(false);
    // THEN the output is written and the unused waiver, only it, is warned about
    expect(code).toBe(0);
    expect(lines.filter((l) => l.startsWith('warning: '))).toEqual([`warning: ${UNUSED}`]);
    expect(fs.existsSync(path.join(tmp, 'dist', 'production'))).toBe(true);
  });

  test('is an error with --strict, and nothing is written', () => {
    // WHEN synthesised strictly
    const { code, lines } = run(true);
    // THEN it fails naming the waiver, and dist/ was not created
    expect(code).toBe(1);
    expect(lines.join('\n')).toContain(`${UNUSED} (--strict)`);
    expect(fs.existsSync(path.join(tmp, 'dist'))).toBe(false);
  });
});

describe('a waiver of a whole component', () => {
  let tmp: string;
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** The API-only example's production, released blue-green, with its one-replica waiver given for the component. */
  const synth = (activeColor: string, waiver: string) => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'component-waiver-'));
    fs.cpSync(EXAMPLE, path.join(tmp, 'environments'), { recursive: true });
    const production = path.join(tmp, 'environments', 'production.yaml');
    const text = fs
      .readFileSync(production, 'utf8')
      .replace('release: { strategy: rolling }', `release: { strategy: blue-green, activeColor: ${activeColor}, idleReplicas: 1 }`)
      .replace('app: { tag: 1.0.0, replicas: 1 }', 'app: { tags: { blue: 1.0.0, green: 1.1.0 }, replicas: 1 }')
      .replace(/waivers:\n[\s\S]*$/, `waivers:\n${waiver}`);
    fs.writeFileSync(production, text);
    const lines: string[] = [];
    const code = synthesizeProduct(orders, {
      environmentsDir: path.join(tmp, 'environments'),
      outdir: path.join(tmp, 'dist'),
      crdDirectory: CRDS,
      log: (l) => lines.push(l),
    });
    return { code, lines };
  };

  test('covers both colours, before and after a switch, and is not reported as unused', () => {
    const waiver = '  - { rule: production-replicas, component: app, reason: pilot with three tenants until the session store is shared }\n';
    for (const color of ['blue', 'green']) {
      // WHEN production is synthesised with either colour active
      const { code, lines } = synth(color, waiver);
      // THEN both colours' Deployments carry the waiver, and nothing is warned about
      expect(code, lines.join('\n')).toBe(0);
      expect(lines.filter((l) => l.startsWith('waived: production:')).map((l) => l.split(': ')[2])).toEqual(
        expect.arrayContaining(['Deployment/orders-production/app-blue', 'Deployment/orders-production/app-green']),
      );
      expect(lines.filter((l) => l.startsWith('warning: '))).toEqual([]);
    }
  });

  test('is refused when it names both an object and a component, or a component the product does not have', () => {
    const both = '  - { rule: production-replicas, object: Deployment/app-blue, component: app, reason: pilot with three tenants only }\n';
    const { code, lines } = synth('blue', both);
    expect(code).toBe(1);
    expect(lines.join('\n')).toContain('production.yaml: waivers.0: must name either object or component');
    const unknown = '  - { rule: production-replicas, component: billing, reason: pilot with three tenants only }\n';
    const second = synth('blue', unknown);
    expect(second.code).toBe(1);
    expect(second.lines.join('\n')).toMatch(/waivers\.0\.component: .*name a component of the product: app/);
  });
});
