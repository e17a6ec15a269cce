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
