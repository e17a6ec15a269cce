import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readTree } from '../tree';

/** A bug of the library, as a user meets it: `eaf-cdk8s synth` in a whole process. */

const REPO = path.join(__dirname, '..', '..');

describe('eaf-cdk8s synth with a bug in the library', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'internal-error-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('fails with exit code 70, the TypeError with its stack and the bug line, and leaves dist/ as it was', () => {
    // GIVEN a product with a written output
    const out = path.join(tmp, 'dist');
    fs.mkdirSync(path.join(out, 'dev'), { recursive: true });
    fs.writeFileSync(path.join(out, 'dev', 'orders.k8s.yaml'), 'kind: Before\n');
    // WHEN the library throws a TypeError while it composes an environment
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(__dirname, 'fixtures', 'buggy-cli.ts'), 'synth', '--dir', path.join(REPO, 'examples', 'api-only'), '--out', out],
      { cwd: REPO, encoding: 'utf8', timeout: 120_000 },
    );
    // THEN the exit code is 70, stderr has the error with its stack and says it is a bug, and dist/ is untouched
    expect(run.status).toBe(70);
    expect(run.stderr).toMatch(/^TypeError: Cannot read properties of undefined \(reading 'size'\)\n\s+at Eaf\w+\.connectToDatabase /m);
    expect(run.stderr.trimEnd().split('\n').pop()).toBe(
      'internal error: this is a bug in @eaf/cdk8s, not a problem with your input; please report it with the lines above',
    );
    expect(run.stderr).toContain(`nothing was written; ${out} is unchanged`);
    expect(run.stderr).not.toMatch(/^error: /m);
    expect(readTree(out)).toEqual({ 'dev/orders.k8s.yaml': 'kind: Before\n' });
    expect(fs.readdirSync(tmp)).toEqual(['dist']);
  }, 180_000);
});
