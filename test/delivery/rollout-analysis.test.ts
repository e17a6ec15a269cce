import * as path from 'path';
import { ManifestValidator } from '../../lib/gate';
import { readCrdFolder } from '../../lib/program/crd-files';
import { ALERT_DEFAULTS, errorRatio, latencyQuantile } from '../../lib/observability/alerts';
import { defineProduct } from '../../lib/product/product';
import { EnvironmentConfig } from '../../lib/product/settings';
import { alertGroups, find, Manifest, productChart, synth, synthProduct, testEnvironment, WEB_PRODUCT } from '../util';

const DELIVERED = defineProduct({ ...WEB_PRODUCT, delivery: { repoURL: 'https://git.example.com/eaf/dvmm.git' } });
const ROLLOUTS = { strategy: 'blue-green', activeColor: 'blue', idleReplicas: 1, engine: 'argo-rollouts' } as const;
const rollouts = (overrides: Partial<EnvironmentConfig> = {}) => testEnvironment({ release: ROLLOUTS, ...overrides });
const metric = (template: Manifest, name: string) => template.spec.metrics.find((m: any) => m.name === name);
const NEW_PODS = { namespace: 'dvmm-production', job: 'api', rollouts_pod_template_hash: '{{args.pod-template-hash}}' };

describe('RolloutAnalysis', () => {
  test("checks the new pods' error ratio and P95 latency with the alerts' expressions and thresholds, by the hash the Rollout passes", () => {
    const template = find(synthProduct(rollouts()), 'AnalysisTemplate', 'api-preview');
    expect(template.apiVersion).toBe('argoproj.io/v1alpha1');
    expect(template.spec.args).toEqual([{ name: 'pod-template-hash' }]);
    expect(metric(template, 'error-ratio')).toEqual({
      name: 'error-ratio',
      interval: '1m',
      count: 5,
      failureLimit: 1,
      successCondition: `result[0] <= ${ALERT_DEFAULTS.thresholds.errorRatePercent / 100}`,
      provider: {
        prometheus: { address: 'http://prometheus-operated.monitoring.svc:9090', query: `(${errorRatio(NEW_PODS, '5m')}) >= 0 or on() vector(0)` },
      },
    });
    expect(metric(template, 'error-ratio').provider.prometheus.query).toContain(
      'http_server_requests_seconds_count{namespace="dvmm-production", job="api", rollouts_pod_template_hash="{{args.pod-template-hash}}", uri!~"/actuator/.*", outcome="SERVER_ERROR"}[5m]',
    );
    expect(metric(template, 'latency-p95').successCondition).toBe(`result[0] <= ${ALERT_DEFAULTS.thresholds.latencyP95Seconds}`);
    expect(metric(template, 'latency-p95').provider.prometheus.query).toBe(`(${latencyQuantile(0.95, NEW_PODS, '5m')}) >= 0 or on() vector(0)`);
    expect(metric(template, 'latency-p95').provider.prometheus.query).toMatch(
      /^\(histogram_quantile\(0\.95, sum by \(le\) \(rate\(http_server_requests_seconds_bucket\{/,
    );
  });

  test("takes the environment's thresholds (the same the alerts use) and its Prometheus, interval, count and failure limit", () => {
    const manifests = synthProduct(
      rollouts({
        observability: { thresholds: { errorRatePercent: 2, latencyP95Seconds: 0.5 } },
        release: { ...ROLLOUTS, analysis: { prometheusUrl: 'http://thanos-query.monitoring.svc:9090', interval: '30s', count: 10, failureLimit: 0 } },
      }),
    );
    const template = find(manifests, 'AnalysisTemplate', 'api-preview');
    expect(metric(template, 'error-ratio')).toMatchObject({ interval: '30s', count: 10, failureLimit: 0, successCondition: 'result[0] <= 0.02' });
    expect(metric(template, 'latency-p95').successCondition).toBe('result[0] <= 0.5');
    expect(metric(template, 'latency-p95').provider.prometheus.address).toBe('http://thanos-query.monitoring.svc:9090');
    // the alert with the same threshold
    const rules = alertGroups(manifests, 'dvmm-alerts').flatMap((g: any) => g.rules);
    expect(rules.find((r: any) => r.alert === 'ApiErrorRateHigh').expr).toMatch(/> 0\.02$/);
  });

  test("runs the smoke test's call of the preview Service as a job metric, for the nginx frontend the only metric; no PostSync hook is rendered", () => {
    const manifests = synth(productChart(rollouts(), DELIVERED));
    const frontend = find(manifests, 'AnalysisTemplate', 'frontend-preview');
    expect(frontend.spec.metrics.map((m: any) => m.name)).toEqual(['smoke-test']);
    const job = frontend.spec.metrics[0].provider.job.spec;
    expect(job).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 300 });
    expect(job.template.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'dvmm-smoke-test' });
    expect(job.template.spec.containers[0].args).toEqual(['frontend=http://frontend-preview:8080/']);
    expect(job.template.spec.containers[0].command[2]).toContain('smoke: FAILED: $name did not answer $url');
    expect(job.template.spec).toMatchObject({ automountServiceAccountToken: false, restartPolicy: 'Never', securityContext: { runAsNonRoot: true } });
    expect(find(manifests, 'AnalysisTemplate', 'api-preview').spec.metrics.map((m: any) => m.name)).toEqual([
      'error-ratio',
      'latency-p95',
      'smoke-test',
    ]);
    expect(manifests.filter((m) => m.kind === 'Job')).toEqual([]);
    // the services engine keeps its hook (and its switch gates, one per component) and renders no template
    const services = synth(productChart(rollouts({ release: { ...ROLLOUTS, engine: 'services' } }), DELIVERED));
    expect(services.filter((m) => m.kind === 'Job').map((m) => m.metadata.name)).toEqual([
      'dvmm-smoke-test',
      'dvmm-smoke-test-api',
      'dvmm-smoke-test-frontend',
    ]);
    expect(services.filter((m) => m.kind === 'AnalysisTemplate')).toEqual([]);
  });

  test("the PodMonitor copies the pods' rollouts-pod-template-hash onto the series with the argo-rollouts engine only", () => {
    const endpoint = (env: EnvironmentConfig) => find(synthProduct(env), 'PodMonitor', 'api').spec.podMetricsEndpoints[0];
    expect(endpoint(rollouts()).relabelings).toEqual([
      { sourceLabels: ['__meta_kubernetes_pod_label_rollouts_pod_template_hash'], targetLabel: 'rollouts_pod_template_hash', action: 'replace' },
    ]);
    expect(endpoint(rollouts({ release: { ...ROLLOUTS, engine: 'services' } })).relabelings).toBeUndefined();
    expect(endpoint(testEnvironment()).relabelings).toBeUndefined();
  });
});

describe('the gate with Argo Rollouts', () => {
  const validator = new ManifestValidator({ crds: readCrdFolder(path.join(__dirname, '..', '..', 'crds')) });
  const check = (objects: any[], critical = true) => validator.validate([{ environment: 'production', critical, objects }]);
  const composed = (env: EnvironmentConfig) => synth(productChart(env, DELIVERED));

  test("passes the composed output of critical blue-green and canary environments, the analysis Jobs' pods included", () => {
    expect(check(composed(rollouts())).findings).toEqual([]);
    const canary = testEnvironment({
      release: { strategy: 'canary', engine: 'argo-rollouts' },
      components: { api: { tag: '1.1.0', replicas: 3 }, frontend: { tag: '1.1.0', replicas: 3 } },
    });
    expect(check(composed(canary)).findings).toEqual([]);
  });

  test('applies the pod rules to a Rollout and to an analysis Job as to a Deployment and a Job', () => {
    const manifests = composed(rollouts());
    const rollout = find(manifests, 'Rollout', 'api');
    delete rollout.spec.template.spec.containers[0].readinessProbe;
    const template = find(manifests, 'AnalysisTemplate', 'frontend-preview');
    template.spec.metrics[0].provider.job.spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation = true;
    rollout.spec.replicas = 1;
    expect(check(manifests).findings.map((f) => `${f.object}: [${f.rule}] ${f.message}`)).toEqual([
      'Rollout/dvmm-production/api: [probes-required] spec.template.spec.containers[0].readinessProbe: is required for a long-running container',
      'Rollout/dvmm-production/api: [production-replicas] spec.replicas: must be at least 2 in a critical environment',
      'AnalysisTemplate/dvmm-production/frontend-preview: [pss-restricted] spec.metrics[0].provider.job.spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation: must be false',
    ]);
  });

  test('rollout-analysis-required fails on a Rollout of a critical environment without an analysis, or naming a template that is not there; a waiver passes', () => {
    const manifests = composed(rollouts());
    const rollout = find(manifests, 'Rollout', 'api');
    delete rollout.spec.strategy.blueGreen.prePromotionAnalysis;
    const frontend = find(manifests, 'Rollout', 'frontend');
    frontend.spec.strategy.blueGreen.prePromotionAnalysis.templates[0].templateName = 'frontend-typo';
    const fix =
      'reference an AnalysisTemplate from spec.strategy.blueGreen.prePromotionAnalysis or from an analysis step of spec.strategy.canary.steps (release.engine argo-rollouts does it), or waive the rule for the Rollout with the reason';
    const report = check(manifests);
    expect(report.findings.map((f) => `${f.object}: [${f.rule}] ${f.message} | ${f.fix}`)).toEqual([
      `Rollout/dvmm-production/api: [rollout-analysis-required] spec.strategy.blueGreen.prePromotionAnalysis: is missing: in a critical environment the new pods must pass an analysis, whose failure aborts the release | ${fix}`,
      `Rollout/dvmm-production/frontend: [rollout-analysis-required] spec.strategy.blueGreen.prePromotionAnalysis.templates[0].templateName: names no AnalysisTemplate of namespace dvmm-production | ${fix}`,
    ]);
    // not in a non-critical environment
    expect(check(manifests, false).findings).toEqual([]);
    // a waiver with its reason passes
    rollout.metadata.annotations['waive.eaf.io/rollout-analysis-required'] = 'promoted by hand after the load test';
    frontend.spec.strategy.blueGreen.prePromotionAnalysis.templates[0].templateName = 'frontend-preview';
    const waived = check(manifests);
    expect(waived.findings).toEqual([]);
    expect(waived.waivers.map((w) => [w.object, w.rule, w.suppressed])).toEqual([['Rollout/dvmm-production/api', 'rollout-analysis-required', 1]]);
  });

  test('rollout-analysis-required accepts a canary analysis step and a background analysis, and fails on a canary with neither', () => {
    const canary = testEnvironment({
      release: { strategy: 'canary', engine: 'argo-rollouts' },
      components: { api: { tag: '1.1.0', replicas: 3 }, frontend: { tag: '1.1.0', replicas: 3 } },
    });
    const manifests = composed(canary);
    const rollout = find(manifests, 'Rollout', 'api');
    const steps = rollout.spec.strategy.canary.steps;
    rollout.spec.strategy.canary.steps = steps.filter((s: any) => s.analysis === undefined);
    expect(check(manifests).findings.map((f) => `${f.object}: ${f.message}`)).toEqual([
      'Rollout/dvmm-production/api: spec.strategy.canary.steps: is missing: in a critical environment the new pods must pass an analysis, whose failure aborts the release',
    ]);
    rollout.spec.strategy.canary.analysis = { templates: [{ templateName: 'api-preview' }] };
    expect(check(manifests).findings).toEqual([]);
  });
});
