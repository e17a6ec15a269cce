import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * scripts/publish-guard.mjs, the package's prepublishOnly: a real `npm publish --dry-run --offline` (it runs
 * prepublishOnly, uploads nothing and asks no registry) of a small package holding the guard, with the registry
 * settings a release could meet.
 */

const REPO = path.join(__dirname, '..', '..');
const COMPANY = 'https://npm.eaf.example.com/';
const PUBLIC = 'https://registry.npmjs.org/';
const LOCAL = 'http://127.0.0.1:4873/';

/** `npm publish --dry-run` of a package with this publishConfig, and `npmrc` as the user's npm config. */
function publish(publishConfig: Record<string, string> | undefined, npmrc = ''): { status: number | null; guard: string[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'publish-guard-'));
  fs.copyFileSync(path.join(REPO, 'scripts', 'publish-guard.mjs'), path.join(dir, 'publish-guard.mjs'));
  const manifest = { name: '@eaf/cdk8s', version: '9.9.9', publishConfig, scripts: { prepublishOnly: 'node publish-guard.mjs' } };
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest));
  fs.writeFileSync(path.join(dir, 'user.npmrc'), npmrc);
  const env = { ...process.env, NPM_CONFIG_USERCONFIG: path.join(dir, 'user.npmrc') };
  const run = spawnSync('npm', ['publish', '--dry-run', '--offline'], { cwd: dir, env, encoding: 'utf8' });
  fs.rmSync(dir, { recursive: true, force: true });
  return { status: run.status, guard: `${run.stdout}${run.stderr}`.split('\n').filter((l) => l.startsWith('publish-guard: ')) };
}

test('the package publishes to the company registry, and its prepublishOnly is the guard', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
  expect(manifest.private).toBeUndefined();
  expect(manifest.publishConfig).toEqual({ registry: COMPANY });
  expect(manifest.scripts.prepublishOnly).toBe('node scripts/publish-guard.mjs');
  expect(manifest.scripts.prepack).toBe('bash scripts/build.sh');
});

test('the guard lets a publish to the company registry through, naming where it goes', () => {
  expect(publish({ registry: LOCAL })).toEqual({ status: 0, guard: [`publish-guard: @eaf/cdk8s@9.9.9 goes to ${LOCAL}`] });
  expect(publish({ registry: COMPANY }, `@eaf:registry=${LOCAL}\n`)).toEqual({
    status: 0,
    guard: [`publish-guard: @eaf/cdk8s@9.9.9 goes to ${LOCAL}`],
  });
});

test('fails when an @eaf:registry setting or publishConfig names the public registry, or publishConfig is missing', () => {
  const refused = (why: string) =>
    `publish-guard: refusing to publish @eaf/cdk8s: ${why}; ` + 'it is published only to the company registry (docs/releasing.md)';
  expect(publish({ registry: COMPANY }, `@eaf:registry=${PUBLIC}\n`)).toEqual({
    status: 1,
    guard: [refused(`the @eaf:registry setting is the public registry ${PUBLIC}`)],
  });
  expect(publish({ registry: 'https://registry.npmjs.org' })).toEqual({
    status: 1,
    guard: [refused('package.json publishConfig.registry is the public registry https://registry.npmjs.org')],
  });
  expect(publish(undefined)).toEqual({ status: 1, guard: [refused('package.json has no publishConfig.registry')] });
});
