// The kube-score tier on DVMM's dist/ (CI): the same code as `eaf-cdk8s verify dist --lint`, with no exceptions
// file. Then a self-test proves on small inputs that the tier scores what it should: a Rollout's pods (through its
// Deployment view), a gate waiver switching off the kube-score tests of the same fact for that object only, and a
// folder without Kubernetes objects failing instead of passing.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../lib/program/cli-main';
import { formatLintResult, LintResult, verifyLint } from '../lib/program/verify-lint';

const root = path.join(__dirname, '..');
const code = main(['verify', path.join(root, 'dist'), '--lint']);
if (code !== 0) process.exit(code);

const kubeScore = path.join(process.env.EAF_TOOLS_DIR ?? path.join(root, '.tools'), 'bin', 'kube-score');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'eaf-lint-self-test-'));

/** A pod template whose container sets no resources, so kube-score's container-resources test fails. */
const template = {
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'web', image: 'registry.example.com/web:1.2.3', securityContext: { readOnlyRootFilesystem: true } }] },
};
const rollout = (annotations: Record<string, string>) => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Rollout',
  metadata: { name: 'web', namespace: 'team', annotations },
  spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template, strategy: { canary: { steps: [{ setWeight: 20 }] } } },
});

function score(name: string, documents: unknown[]): LintResult {
  const dir = path.join(scratch, 'dist', name);
  fs.mkdirSync(dir, { recursive: true });
  const { stringify } = require('yaml') as typeof import('yaml');
  fs.writeFileSync(path.join(dir, 'objects.yaml'), documents.map((d) => `---\n${stringify(d)}`).join(''));
  const work = fs.mkdtempSync(path.join(scratch, 'work-'));
  const [result] = verifyLint({ outdir: path.join(scratch, 'dist'), environments: [name], kubeScore, work });
  for (const line of formatLintResult(result)) console.error(`  ${line}`);
  return result;
}

const cases: Array<[string, () => boolean]> = [
  [
    "a Rollout's pods are scored, and its findings name the Rollout",
    () => {
      const r = score('rollout', [rollout({})]);
      return !r.ok && r.rollouts === 1 && r.findings.some((f) => f.object === 'Rollout/team/web' && f.test === 'container-resources');
    },
  ],
  [
    'a waiver of resources-required switches off container-resources for that object only',
    () => {
      const waived = rollout({ 'waive.eaf.io/resources-required': 'sized by the vertical pod autoscaler in this team' });
      const r = score('waived', [waived]);
      return r.rollouts === 1 && !r.findings.some((f) => f.test === 'container-resources');
    },
  ],
  [
    'a folder without Kubernetes objects fails',
    () => {
      const r = score('nothing', [{ foo: 'bar' }]);
      return !r.ok && r.problems.length === 1;
    },
  ],
];
let failed = 0;
try {
  for (const [name, check] of cases) {
    const ok = check();
    console.error(`${ok ? 'ok' : 'FAILED'}: self-test: ${name}`);
    if (!ok) failed++;
  }
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}
process.exit(failed === 0 ? 0 : 1);
