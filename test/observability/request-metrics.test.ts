import { defineProduct, EnvironmentConfig, Product } from '../../lib';
import { alertGroups, find, Manifest, productChart, settingProblems, synth } from '../util';

/** A Node API with OpenTelemetry metrics and a static frontend: no Spring Boot anywhere. */
const NODE_PRODUCT = product('opentelemetry');

function product(requests?: 'opentelemetry' | 'prometheus'): Product {
  return defineProduct({
    name: 'shop',
    components: {
      api: {
        kind: 'http',
        image: 'registry.example.com/shop/api',
        public: true,
        livenessPath: '/healthz',
        readinessPath: '/readyz',
        metrics: { port: 9464, path: '/metrics', ...(requests ? { requests } : {}) },
      },
      web: { kind: 'nginx', image: 'registry.example.com/shop/web', public: true, browserCalls: ['api'] },
    },
  });
}

function production(overrides: Partial<EnvironmentConfig> = {}): EnvironmentConfig {
  return {
    name: 'production',
    critical: true,
    hosts: { api: 'api.shop.example.com', web: 'shop.example.com' },
    exposure: { kind: 'route', termination: 'edge' },
    release: { strategy: 'canary', engine: 'argo-rollouts', steps: [20, 50, 100] },
    components: { api: { tag: '1.0.0', replicas: 3 }, web: { tag: '1.0.0', replicas: 3 } },
    ...overrides,
  };
}

function rules(manifests: Manifest[]): any[] {
  return alertGroups(manifests, 'shop-alerts').flatMap((g: any) => g.rules);
}

describe("the environment's alert labels", () => {
  test('go on every alert and into its promtool expectation, not on the recording rules', () => {
    // GIVEN production whose alerts carry a routing label
    const chart = productChart(production({ observability: { alerting: { labels: { routing: 'Sev2' } } } }), product('opentelemetry'));
    // WHEN synthesised
    const all = rules(synth(chart));
    // THEN every alert has it, no recording rule does, and each test expects it on the firing alert
    expect(all.filter((r) => r.alert !== undefined).every((r) => r.labels.routing === 'Sev2')).toBe(true);
    expect(all.filter((r) => r.record !== undefined).some((r) => r.labels?.routing !== undefined)).toBe(false);
    const tests = chart.alerts!.tests('rules.yaml').flatMap((f) => (f.content as any).tests.flatMap((t: any) => t.alert_rule_test));
    const firing: any[] = tests.flatMap((t: any) => t.exp_alerts);
    expect(firing.length).toBeGreaterThan(0);
    expect(firing.every((a) => a.exp_labels.routing === 'Sev2')).toBe(true);
  });

  test('may not replace a label the alerts set themselves', () => {
    const env = production({ observability: { alerting: { labels: { severity: 'low' } } } });
    expect(settingProblems(() => productChart(env, product('opentelemetry')))).toEqual([
      expect.stringContaining('observability.alerting.labels.severity: is a label every alert sets itself'),
    ]);
  });
});

describe('the scrape interval of an environment', () => {
  test('is the interval of every PodMonitor of the environment', () => {
    // GIVEN production with a 15s scrape interval
    const manifests = synth(productChart(production({ observability: { monitoring: { scrapeInterval: '15s' } } }), product('opentelemetry')));
    // WHEN its PodMonitors are read THEN every endpoint of every one scrapes every 15s
    const monitors = manifests.filter((m) => m.kind === 'PodMonitor');
    expect(monitors.length).toBeGreaterThan(0);
    for (const m of monitors) for (const endpoint of m.spec.podMetricsEndpoints) expect(endpoint.interval, m.metadata.name).toBe('15s');
  });

  test('is left to the Prometheus without the setting', () => {
    const manifests = synth(productChart(production(), product('opentelemetry')));
    const intervals = manifests.filter((m) => m.kind === 'PodMonitor').flatMap((m) => m.spec.podMetricsEndpoints.map((e: any) => e.interval));
    expect(intervals.every((i) => i === undefined)).toBe(true);
  });
});

describe('request metrics of a component of kind http', () => {
  test('give production burn-rate alerts from its OpenTelemetry metrics, with their recording rules and the low-traffic guard', () => {
    // GIVEN a Node API declaring OpenTelemetry request metrics, and a latency objective
    const env = production({ observability: { slo: { availabilityPercent: 99.9, latency: { percent: 99, thresholdSeconds: 0.5 } } } });
    // WHEN production is synthesised
    const all = rules(synth(productChart(env, NODE_PRODUCT)));
    // THEN the API has both objectives' burn alerts, reading recorded ratios of its own series
    const alert = (name: string) => all.find((r) => r.alert === name && r.labels.component === 'api');
    expect(alert('ApiErrorBudgetBurnFast').expr).toContain(
      'eaf:api_server_errors:ratio_rate1h{namespace="shop-production", component="api"} > 0.0144',
    );
    expect(alert('ApiErrorBudgetBurnFast').expr).toContain('eaf:api_requests:increase1h{namespace="shop-production", component="api"} >= 100');
    expect(alert('ApiLatencyBudgetBurnFast').expr).toContain(
      'eaf:api_slow_requests:ratio_rate5m{namespace="shop-production", component="api"} > 0.144',
    );
    expect(all.find((r) => r.record === 'eaf:api_server_errors:ratio_rate5m').expr).toBe(
      'sum(rate(http_server_request_duration_seconds_count{namespace="shop-production", job="api", http_response_status_code=~"5.."}[5m])) / ' +
        'sum(rate(http_server_request_duration_seconds_count{namespace="shop-production", job="api"}[5m]))',
    );
    expect(all.find((r) => r.record === 'eaf:api_slow_requests:ratio_rate1h').expr).toBe(
      '1 - (sum(rate(http_server_request_duration_seconds_bucket{namespace="shop-production", job="api", le="0.5"}[1h])) / ' +
        'sum(rate(http_server_request_duration_seconds_bucket{namespace="shop-production", job="api", le="+Inf"}[1h])))',
    );
    // and the request alerts of the platform's table, the HikariCP pool's left out (no Spring Boot)
    expect(all.filter((r) => r.labels.component === 'api' && r.alert?.startsWith('Api')).map((r) => r.alert)).toEqual([
      'ApiErrorBudgetBurnFast',
      'ApiErrorBudgetBurnSlow',
      'ApiLatencyBudgetBurnFast',
      'ApiLatencyBudgetBurnSlow',
      'ApiAvailabilityLow',
      'ApiErrorRateHigh',
      'ApiLatencyP95High',
      'ApiLatencyP99High',
      'ApiRequestRateSpike',
    ]);
  });

  test("gives its canary an analysis that queries its new pods' error ratio and latency, with a success condition and failure limit", () => {
    // GIVEN a canary release of the Node API
    const manifests = synth(
      productChart(production({ observability: { thresholds: { errorRatePercent: 2, latencyP95Seconds: 0.8 } } }), NODE_PRODUCT),
    );
    // WHEN its AnalysisTemplate is read
    const template = find(manifests, 'AnalysisTemplate', 'api-preview');
    const metric = (name: string) => template.spec.metrics.find((m: any) => m.name === name);
    // THEN the error ratio and P95 of the new pods' OpenTelemetry series are measured against the alerts' thresholds
    expect(metric('error-ratio').provider.prometheus.query).toContain(
      'http_server_request_duration_seconds_count{namespace="shop-production", job="api", ' +
        'rollouts_pod_template_hash="{{args.pod-template-hash}}", http_response_status_code=~"5.."}',
    );
    expect(metric('error-ratio')).toMatchObject({ successCondition: 'result[0] <= 0.02', failureLimit: 1, count: 5 });
    expect(metric('latency-p95').provider.prometheus.query).toContain('http_server_request_duration_seconds_bucket{');
    expect(metric('latency-p95').successCondition).toBe('result[0] <= 0.8');
    // and the Rollout's canary steps run it
    expect(JSON.stringify(find(manifests, 'Rollout', 'api').spec.strategy.canary.steps)).toContain('"templateName":"api-preview"');
  });

  test('read the Prometheus-client convention: http_requests_total by code and the http_request_duration_seconds histogram', () => {
    const all = rules(synth(productChart(production(), product('prometheus'))));
    expect(all.find((r) => r.alert === 'ApiErrorRateHigh').expr).toBe(
      'sum(rate(http_requests_total{namespace="shop-production", job="api", code=~"5.."}[5m])) / ' +
        'sum(rate(http_requests_total{namespace="shop-production", job="api"}[5m])) > 0.05',
    );
    expect(all.find((r) => r.alert === 'ApiLatencyP95High').expr).toContain(
      'http_request_duration_seconds_bucket{namespace="shop-production", job="api"}',
    );
  });

  test('fails on an objective or a request threshold when the component declares no request metrics, naming the setting and the fix', () => {
    // GIVEN a Node API scraped, but with no word on where its request metrics are
    const env = production({ observability: { slo: { availabilityPercent: 99.9 }, thresholds: { latencyP95Seconds: 0.5 } } });
    // THEN both settings are refused instead of accepted and ignored
    expect(settingProblems(() => productChart(env, product()))).toEqual([
      expect.stringMatching(
        /^observability\.thresholds\.latencyP95Seconds: changes nothing: no component's request metrics have a latency histogram \(got 0\.5\)/,
      ),
      expect.stringMatching(/^observability\.slo: changes nothing: no component has request metrics to set objectives on \(got .*\); declare where/),
    ]);
  });

  test('fails on PromQL request metrics it cannot read, naming the product field', () => {
    const bad = defineProduct({
      name: 'shop',
      components: {
        api: {
          kind: 'http',
          image: 'registry.example.com/shop/api',
          livenessPath: '/healthz',
          readinessPath: '/readyz',
          metrics: { port: 9464, path: '/metrics', requests: { total: 'rpc_total{job="x"}', errors: 'rpc total' } },
        },
      },
    });
    const env = production({ hosts: {}, components: { api: { tag: '1.0.0', replicas: 3 } } });
    expect(settingProblems(() => productChart(env, bad))).toEqual([
      expect.stringContaining(
        'components.api.metrics.requests.total sets job, which the component\'s scrape sets (got "rpc_total{job=\\"x\\"}"); remove job="x"',
      ),
      expect.stringContaining('components.api.metrics.requests.errors is not a PromQL series selector (got "rpc total")'),
    ]);
  });
});
