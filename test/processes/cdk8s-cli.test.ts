import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readTree } from '../tree';

/**
 * The first of the three ways the library is used: `cdk8s synth`, the real cdk8s CLI, running the DVMM program through
 * the repository's app command (the compiled-bundle runner). A whole process, so it lives in the process tier.
 */

const REPO = path.join(__dirname, '..', '..');
const ENVIRONMENTS = path.join(REPO, 'environments');

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-cli-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('cdk8s synth (the real CLI) writes dist/ through the program, and a failing one leaves dist/ as it was', () => {
  // GIVEN a folder whose cdk8s.yaml runs the DVMM program with the repository's output setting (a scratch folder)
  const repositoryOutput = /^output: (.+)$/m.exec(fs.readFileSync(path.join(REPO, 'cdk8s.yaml'), 'utf8'))![1];
  expect(repositoryOutput).not.toBe('dist');
  // (the program's folder is the same in every run, so the runner's bundle of it is reused; paths come from the environment)
  const work = path.join(os.tmpdir(), `eaf-cdk8s-cli-test-${os.userInfo().uid}`);
  const envs = path.join(tmp, 'environments');
  fs.rmSync(path.join(work, 'dist'), { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  fs.cpSync(ENVIRONMENTS, envs, { recursive: true });
  const outdir = path.join(work, 'dist');
  fs.writeFileSync(
    path.join(work, 'program.ts'),
    `import { main } from ${JSON.stringify(path.join(REPO, 'synth'))};\n` +
      'process.exitCode = main({ environmentsDir: process.env.TEST_ENVIRONMENTS, outdir: process.env.TEST_OUTDIR });\n',
  );
  // the repository's app command (the compiled-bundle runner), pointed at this program
  const repositoryApp = /^app: (.+)$/m.exec(fs.readFileSync(path.join(REPO, 'cdk8s.yaml'), 'utf8'))![1];
  expect(repositoryApp).toBe(JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).scripts.synth);
  fs.writeFileSync(
    path.join(work, 'cdk8s.yaml'),
    `language: typescript\napp: node ${path.join(REPO, 'scripts', 'run-compiled.mjs')} program.ts\noutput: ${repositoryOutput}\n`,
  );
  const cdk8s = () =>
    spawnSync(process.execPath, [path.join(REPO, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s'), 'synth', '--no-check-upgrade'], {
      cwd: work,
      encoding: 'utf8',
      env: { ...process.env, TEST_ENVIRONMENTS: envs, TEST_OUTDIR: outdir },
    });
  // WHEN it succeeds THEN dist/ holds every environment and cdk8s lists the manifests through the link
  const ok = cdk8s();
  expect(ok.status).toBe(0);
  expect(Object.keys(readTree(outdir)).filter((f) => f.endsWith('.yaml'))).toEqual([
    'dev.admission.yaml',
    'production.admission.yaml',
    'staging.admission.yaml',
    'argocd/dvmm-apps.k8s.yaml',
    'argocd/dvmm-root.k8s.yaml',
    'dev/dvmm.k8s.yaml',
    'production/dvmm.k8s.yaml',
    'staging/dvmm.k8s.yaml',
  ]);
  expect(ok.stdout).toContain('.cdk8s-out/production/dvmm.k8s.yaml');
  // WHEN an environment file is broken THEN cdk8s fails, dist/ is exactly as it was, and what the program says is true
  const before = readTree(outdir);
  fs.writeFileSync(
    path.join(envs, 'production.yaml'),
    fs.readFileSync(path.join(envs, 'production.yaml'), 'utf8').replace('replicas: 3\n  frontend', 'replicas: -1\n  frontend'),
  );
  const failed = cdk8s();
  expect(failed.status).not.toBe(0);
  expect(failed.stderr).toContain(`nothing was written; ${outdir} is unchanged`);
  expect(readTree(outdir)).toEqual(before);
});
