// The canary rehearsal (npm run test:rehearsal:canary): examples/node-web's production, which releases canary through
// Argo Rollouts, on the simulated control plane of scripts/rehearse.sh, with the real Argo Rollouts controller and a
// real Prometheus scraping a target whose metrics the test scripts. The judge's own cases run in the unit tier; the
// rehearsal's only when scripts/rehearse.sh started the control plane (EAF_REHEARSAL_KUBECONFIG).
import * as fs from 'fs';
import * as path from 'path';
import { judgeRelease, ReleaseOutcome } from './canary-judge';
import { initialDeploy, playRelease, promoteFull, type CanaryRig } from './canary-flow';
import { canaryProduct, NAMESPACE } from './canary-product';
import { freePort, instantQuery, startPrometheus, startRolloutsController, Started } from './canary-processes';
import { exposition, MetricsTarget } from './canary-target';
import { log } from './product';

/** A release as the judge reads it; `overrides` change the status or the runs. */
function outcomeOf(quality: 'good' | 'bad', status: Record<string, unknown>, runs: Array<[string, string]>): ReleaseOutcome {
  return {
    mode: 'client-side',
    quality,
    hash: 'new',
    rollout: { status },
    analysisRuns: runs.map(([hash, phase]) => ({ spec: { args: [{ name: 'pod-template-hash', value: hash }] }, status: { phase } })),
    stableSelector: String(status.stableRS),
    readyByHash: { new: status.stableRS === 'new' ? 3 : 0, old: 3 },
  };
}

describe('the canary judge', () => {
  test('a good canary promoted after a successful analysis, and a bad one aborted back to stable, pass', () => {
    expect(judgeRelease(outcomeOf('good', { stableRS: 'new', phase: 'Healthy' }, [['new', 'Successful']]))).toEqual([]);
    expect(judgeRelease(outcomeOf('bad', { stableRS: 'old', abort: true, phase: 'Degraded' }, [['new', 'Failed']]))).toEqual([]);
  });

  test('a bad canary promoted fails the rehearsal', () => {
    // GIVEN a bad release that became stable (its analysis skipped by a forced promotion)
    const promoted = outcomeOf('bad', { stableRS: 'new', phase: 'Healthy' }, []);
    // THEN
    expect(judgeRelease(promoted)).toEqual([
      'client-side bad release new: analysis skipped: no AnalysisRun judged the new pods',
      'client-side bad release new: a bad canary was promoted to stable',
      'client-side bad release new: no analysis failed the bad metrics',
      'client-side bad release new: the Rollout was not aborted (phase Healthy)',
      'client-side bad release new: 3 canary pods still ready after the abort',
    ]);
  });

  test('a release promoted without any analysis of its pods fails, even with good metrics', () => {
    // GIVEN the only AnalysisRun is an older release's
    const skipped = outcomeOf('good', { stableRS: 'new', phase: 'Healthy' }, [['old', 'Successful']]);
    // THEN
    expect(judgeRelease(skipped)).toEqual(['client-side good release new: analysis skipped: no AnalysisRun judged the new pods']);
  });

  test("the target's exposition carries the hash and the status code the analysis selects", () => {
    const text = exposition(new Map([['h1', { quality: 'bad' as const, ok: 50, errors: 50 }]]));
    expect(text).toContain('http_server_request_duration_seconds_count{rollouts_pod_template_hash="h1",http_response_status_code="503"} 50');
    expect(text).toContain(
      'http_server_request_duration_seconds_bucket{rollouts_pod_template_hash="h1",http_response_status_code="200",le="+Inf"} 50',
    );
  });
});

const KUBECONFIG = process.env.EAF_REHEARSAL_KUBECONFIG;

describe.runIf(KUBECONFIG !== undefined)('the canary rehearsal (examples/node-web production)', () => {
  const kube = { kubeconfig: KUBECONFIG ?? '', kubectl: process.env.EAF_REHEARSAL_KUBECTL ?? '' };
  const bin = process.env.EAF_REHEARSAL_BIN ?? '';
  const target = new MetricsTarget();
  const started: Started[] = [];
  let rig: CanaryRig;
  let prometheusPort = 0;
  let release = 0;
  const tag = (): string => `2.4.${++release}`;

  beforeAll(async () => {
    const work = fs.mkdtempSync(path.join(process.env.EAF_REHEARSAL_WORK ?? '/tmp', 'canary-'));
    const t0 = Date.now();
    prometheusPort = await freePort();
    const product = canaryProduct(work, `http://127.0.0.1:${prometheusPort}`);
    started.push(await startPrometheus(bin, work, prometheusPort, await target.start(), NAMESPACE));
    started.push(await startRolloutsController(bin, work, kube.kubeconfig));
    log(`canary: product synthesised, Prometheus and the Argo Rollouts controller up in ${((Date.now() - t0) / 1000).toFixed(1)}s (logs in ${work})`);
    rig = { kube, product, target, work };
    await initialDeploy(rig);
  }, 900_000);

  afterAll(async () => {
    for (const p of started.reverse()) await p.stop();
    await target.stop();
  });

  test('Prometheus scrapes the scripted target under the labels the analysis selects', async () => {
    const up = await instantQuery(prometheusPort, `sum(http_server_request_duration_seconds_count{namespace="${NAMESPACE}", job="api"})`);
    expect(up).toBeGreaterThan(0);
  });

  for (const mode of ['client-side', 'server-side (Argo CD)'] as const) {
    test(`${mode}: a canary with good metrics is analysed and reaches 100 %`, async () => {
      expect(judgeRelease(await playRelease(rig, mode, tag(), 'good'))).toEqual([]);
    }, 900_000);

    test(`${mode}: a canary with bad metrics is aborted by its analysis and traffic returns to stable`, async () => {
      expect(judgeRelease(await playRelease(rig, mode, tag(), 'bad'))).toEqual([]);
    }, 900_000);
  }

  test('self-test: a bad canary promoted past its analysis fails the judge', async () => {
    const forced = await playRelease(rig, 'client-side', tag(), 'bad', promoteFull(kube));
    expect(judgeRelease(forced)).toContain(`client-side bad release ${forced.hash}: a bad canary was promoted to stable`);
  }, 900_000);

  test('a server-side apply without ignoreDifferences resets the selectors, and the next canary is still analysed', async () => {
    // GIVEN the rendered objects applied server-side without Argo CD's ignoreDifferences (the vanishing gate:
    // the apply takes the Services' selectors back without the controller's hash). Measured with v1.9.3, the reset and the
    // release in one apply, a canary without traffic router: the controller re-adds the hash and analyses the release,
    // so the probe (v1.9.1) saw a sequence this does not replay. The judge's unit cases prove a skipped analysis fails.
    const raw = 'server-side (no ignoreDifferences)';
    expect(judgeRelease(await playRelease(rig, raw, tag(), 'good'))).toEqual([]);
  }, 900_000);
});
