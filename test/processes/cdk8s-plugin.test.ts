import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/**
 * The gate in a plain cdk8s app: the real cdk8s CLI synthesises examples/cdk8s-app (a `cdk8s init` style app that
 * composes EafProductChart) and runs the gate as the validation plugin its cdk8s.yaml names. A whole process, so it
 * lives in the process tier.
 */

const REPO = path.join(__dirname, '..', '..');
const EXAMPLE = path.join(REPO, 'examples', 'cdk8s-app');
/** The planted violation: one replica in the critical environment. */
const PLANTED = "components: { app: { tag: '1.0.0', replicas: 1 } },";

interface ReportsFile {
  reports: Array<{
    summary: { status: string };
    violations: Array<{
      ruleName: string;
      recommendation: string;
      fix: string;
      violatingConstructs: Array<{ resourceName: string; locations: string[] }>;
    }>;
  }>;
}

// A copy of the example beside it (same depth, so its relative imports of the library and the plugin hold), git-ignored.
let app: string;
beforeEach(() => {
  app = path.join(REPO, 'examples', `.cdk8s-app-test-${process.pid}`);
  fs.rmSync(app, { recursive: true, force: true });
  fs.cpSync(EXAMPLE, app, { recursive: true, filter: (source) => path.basename(source) !== 'dist' });
});
afterEach(() => fs.rmSync(app, { recursive: true, force: true }));

function cdk8sSynth(reports: string) {
  const cli = path.join(REPO, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');
  return spawnSync(process.execPath, [cli, 'synth', '--no-check-upgrade', '--validation-reports-output-file', reports], {
    cwd: app,
    encoding: 'utf8',
  });
}

test('cdk8s synth of an app with a planted gate violation exits non-zero naming the rule, and passes once it is removed', () => {
  // GIVEN the example app, whose production (critical in its cdk8s.yaml) runs one replica
  const main = path.join(app, 'main.ts');
  expect(fs.readFileSync(main, 'utf8')).toContain(PLANTED);
  // WHEN cdk8s synth runs
  const failed = cdk8sSynth(path.join(app, 'failed.json'));
  // THEN it exits 2 (cdk8s's code for a failed validation) and names the rule, the object, the field and the fix
  expect(failed.status).toBe(2);
  expect(failed.stdout).toContain(
    'production: Deployment/orders-production/app: [production-replicas] spec.replicas: must be at least 2 in a critical environment (got 1); ' +
      'fix: set spec.replicas to 2 or more',
  );
  const report = (JSON.parse(fs.readFileSync(path.join(app, 'failed.json'), 'utf8')) as ReportsFile).reports[0];
  expect(report.summary.status).toBe('failure');
  const replicas = report.violations.find((v) => v.violatingConstructs[0].locations.includes('spec.replicas'))!;
  expect(replicas.ruleName).toBe('production-replicas');
  expect(replicas.violatingConstructs[0].resourceName).toBe('Deployment/orders-production/app');
  expect(replicas.fix).toMatch(/^set spec.replicas to 2 or more/);
  // dev (not critical) runs one replica too, and the gate does not hold it to the production rules
  expect(report.violations.filter((v) => v.recommendation.startsWith('dev:'))).toEqual([]);

  // WHEN the violation is removed (two replicas) and cdk8s synth runs again
  fs.writeFileSync(main, fs.readFileSync(main, 'utf8').replace(PLANTED, PLANTED.replace('replicas: 1', 'replicas: 2')));
  const passed = cdk8sSynth(path.join(app, 'passed.json'));
  // THEN it exits 0 with a passing report, and the manifests are in dist/
  expect(passed.stderr).toBe('');
  expect(passed.status).toBe(0);
  expect((JSON.parse(fs.readFileSync(path.join(app, 'passed.json'), 'utf8')) as ReportsFile).reports[0].summary.status).toBe('success');
  expect(fs.readdirSync(path.join(app, 'dist')).sort()).toEqual(['construct-metadata.json', 'orders-dev.k8s.yaml', 'orders-production.k8s.yaml']);
}, 900_000);
