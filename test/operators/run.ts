/**
 * The operators tier (npm run test:operators): the operators' own validation code (scripts/tools/opvalidate: Argo
 * Rollouts, Argo CD, prometheus-operator; External Secrets left out, see docs/explanation/real-tools.md) on every
 * output this repository renders, expecting no finding, and on known-bad objects, expecting each operator's finding
 * (so the tier cannot pass without running them).
 *
 * - DVMM's committed dist/ (every environment and its Argo CD objects);
 * - every example product (examples/<name>, synthesised into a temporary copy; the plain cdk8s app through cdk8s);
 * - release variants, on temporary copies as a team makes them with the CLI: release, switch (both steps), rollback
 *   and promote on every environment that has them, and DVMM's staging released through Argo Rollouts (canary and
 *   blue-green), each re-synthesised and checked;
 * - the self-test: test/operators/bad/, one known-bad object per operator check.
 *
 *   node --import tsx test/operators/run.ts [--bin <opvalidate>] [--keep]
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseDocument } from 'yaml';
import { cli, productCopy } from '../rehearsal/product';

const REPO = path.join(__dirname, '..', '..');
const args = process.argv.slice(2);
const binArg = args.indexOf('--bin');
const BIN = binArg >= 0 ? args[binArg + 1] : path.join(process.env.EAF_TOOLS_DIR ?? path.join(REPO, '.tools'), 'bin', 'opvalidate');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'eaf-operators-'));
const results: { label: string; ok: boolean; detail: string }[] = [];
const log = (line: string): void => void process.stderr.write(`[operators] ${line}\n`);

/** Runs opvalidate; its findings (stdout), summary (stderr) and exit code. */
function opvalidate(root: string, paths: readonly string[]): { code: number; findings: string[]; summary: string } {
  const run = spawnSync(BIN, ['-root', root, ...paths], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (run.error) throw run.error;
  return { code: run.status ?? -1, findings: run.stdout.split('\n').filter((l) => l !== ''), summary: run.stderr.trim() };
}

/** The kinds a clean output must have had checked (so a pass is not a folder the program ignored). */
function expectClean(label: string, root: string, paths: readonly string[], kinds: readonly string[] = []): void {
  const started = Date.now();
  const { code, findings, summary } = opvalidate(root, paths);
  const unchecked = kinds.filter((k) => !new RegExp(`\\b${k} [1-9]`).test(summary));
  const ok = code === 0 && unchecked.length === 0;
  const why = code !== 0 ? `exit ${code}:\n    ${findings.join('\n    ')}` : unchecked.length > 0 ? `nothing checked of ${unchecked.join(', ')}` : '';
  results.push({ label, ok, detail: `${summary.replace('opvalidate: ', '')} (${Date.now() - started} ms)${why ? `; ${why}` : ''}` });
  log(`${ok ? 'ok  ' : 'FAIL'} ${label}: ${results[results.length - 1].detail}`);
}

/** The DVMM and example outputs as committed or synthesised, then each release step of the CLI on a copy. */
function productOutputs(): void {
  expectClean(
    'dvmm: committed dist/',
    REPO,
    ['dist/dev', 'dist/staging', 'dist/production', 'dist/argocd'],
    ['AppProject', 'Application', 'PrometheusRule', 'AlertmanagerConfig'],
  );
  for (const name of fs.readdirSync(path.join(REPO, 'examples')).sort()) {
    if (fs.existsSync(path.join(REPO, 'examples', name, 'cdk8s.yaml'))) {
      expectClean(`examples/${name}: cdk8s synth`, REPO, [cdk8sApp(name)], ['PrometheusRule']);
      continue;
    }
    const product = productCopy(work, name);
    expectClean(`examples/${name}: synth`, product, [path.join(product, 'dist')], ['PrometheusRule']);
    releaseSteps(`examples/${name}`, product);
  }
  const dvmm = productCopy(work, 'dvmm');
  releaseSteps('dvmm', dvmm);
  step('dvmm', dvmm, ['promote', 'staging', 'production']);
  for (const [engine, release] of Object.entries(ROLLOUTS_STAGING)) {
    const variant = productCopy(path.join(work, engine), 'dvmm');
    setSettings(path.join(variant, 'environments', 'staging.yaml'), { release });
    cli(variant, ['synth']);
    expectClean(`dvmm staging ${engine}: synth`, variant, [path.join(variant, 'dist')], ['Rollout', 'AnalysisTemplate']);
    releaseSteps(`dvmm staging ${engine}`, variant, ['staging']);
  }
}

/** DVMM's staging released through Argo Rollouts (the committed one runs blue-green Deployments). */
const ROLLOUTS_STAGING: Record<string, Record<string, unknown>> = {
  'canary (argo-rollouts)': { strategy: 'canary', engine: 'argo-rollouts' },
  'blue-green (argo-rollouts)': { strategy: 'blue-green', engine: 'argo-rollouts', activeColor: 'green', idleReplicas: 1 },
};

/** release (a component's next tag), then for blue-green environments switch (until the colour moved) and rollback. */
function releaseSteps(label: string, product: string, only?: readonly string[]): void {
  const dir = path.join(product, 'environments');
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    const env = file.replace(/\.yaml$/, '');
    if (only && !only.includes(env)) continue;
    const doc = parseDocument(fs.readFileSync(path.join(dir, file), 'utf8')).toJS() as Record<string, any>;
    const component = Object.keys(doc.components ?? {})[0];
    if (component === undefined) continue;
    step(label, product, ['release', env, component, '99.0.0']);
    if (doc.release?.strategy !== 'blue-green') continue;
    const colour = doc.release.activeColor;
    for (let i = 0; i < 2 && activeColour(path.join(dir, file)) === colour; i++) step(label, product, ['switch', env]);
    step(label, product, ['rollback', env]);
  }
}

function step(label: string, product: string, command: readonly string[]): void {
  cli(product, command);
  expectClean(`${label}: ${command.join(' ')}`, product, [path.join(product, 'dist')]);
}

const activeColour = (file: string): unknown => (parseDocument(fs.readFileSync(file, 'utf8')).toJS() as Record<string, any>).release?.activeColor;

/** Sets settings of an environment file; a rolling or canary release gets each component's active tag as its tag. */
function setSettings(file: string, settings: Record<string, unknown>): void {
  const doc = parseDocument(fs.readFileSync(file, 'utf8'));
  const active = doc.getIn(['release', 'activeColor']);
  for (const [key, value] of Object.entries(settings)) doc.setIn(key.split('.'), value);
  if ((doc.toJS() as Record<string, any>).release?.strategy !== 'blue-green') {
    for (const component of Object.keys((doc.toJS() as Record<string, any>).components ?? {})) {
      const tags = doc.getIn(['components', component, 'tags']) as { get?: (k: unknown) => unknown } | undefined;
      if (tags?.get === undefined) continue;
      doc.setIn(['components', component, 'tag'], tags.get(active));
      doc.deleteIn(['components', component, 'tags']);
    }
  }
  fs.writeFileSync(file, doc.toString());
}

/** A plain cdk8s app (examples/<name>/main.ts) synthesised into a folder of its own (cdk8s' CDK8S_OUTDIR). */
function cdk8sApp(name: string): string {
  const out = path.join(work, name, 'dist');
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO, 'examples', name, 'main.ts')], {
    cwd: path.join(REPO, 'examples', name),
    env: { ...process.env, CDK8S_OUTDIR: out },
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`examples/${name}/main.ts exited ${run.status}: ${run.stderr}`);
  return out;
}

/** Every operator check must report its finding on test/operators/bad/ (comments there say which object is which). */
const EXPECTED: readonly [string, RegExp][] = [
  ['Argo Rollouts ValidateRollout', /Rollout\/bad\/bad-rollout: spec\.strategy\.steps\[0\]\.setWeight: Invalid value: 150/],
  ['Argo Rollouts services of the Rollout', /Rollout\/bad\/bad-rollout: .*services "bad" not found/],
  ['Argo Rollouts ValidateMetrics', /AnalysisTemplate\/bad\/bad-analysis: metrics\[0\]: failureLimit must be >= 0/],
  ['Argo CD ValidateProject', /AppProject\/argocd\/bad-project: .*namespace has an invalid format, '!\*'/],
  ['Argo CD source permitted', /Application\/argocd\/bad-app: application repo https:\/\/git\.example\.com\/elsewhere\.git is not permitted/],
  ['Argo CD destination permitted', /Application\/argocd\/bad-app: application destination server .* namespace 'not-permitted' do not match/],
  ['Argo CD resource permitted at sync', /Application\/argocd\/bad-app: .*resource :ConfigMap is not permitted in project bad-project/],
  ['prometheus-operator ValidateRule', /PrometheusRule\/bad\/bad-rules: .*parse error/],
  ['prometheus-operator ValidateAlertmanagerConfig', /AlertmanagerConfig\/bad\/bad-alerts: .*nobody/],
];

function selfTest(): void {
  const bad = path.join(REPO, 'test', 'operators', 'bad');
  const { code, findings, summary } = opvalidate(bad, [bad]);
  log(`self-test (exit ${code}, ${summary.replace('opvalidate: ', '')}):\n    ${findings.join('\n    ')}`);
  results.push({ label: 'self-test: exit code 1', ok: code === 1, detail: `exit ${code}` });
  for (const [check, pattern] of EXPECTED) {
    const ok = findings.some((f) => pattern.test(f));
    results.push({ label: `self-test: ${check}`, ok, detail: ok ? 'reported' : `no finding matches ${pattern}` });
  }
}

if (!fs.existsSync(BIN)) throw new Error(`${BIN} is missing: run bash scripts/tools.sh operators`);
const started = Date.now();
try {
  selfTest();
  productOutputs();
} finally {
  if (args.includes('--keep')) log(`kept ${work}`);
  else fs.rmSync(work, { recursive: true, force: true });
}
const failed = results.filter((r) => !r.ok);
for (const r of failed) console.log(`FAIL ${r.label}: ${r.detail}`);
log(`${results.length} checks in ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(`${results.length - failed.length} passed, ${failed.length} failed`);
process.exit(failed.length > 0 ? 1 : 0);
