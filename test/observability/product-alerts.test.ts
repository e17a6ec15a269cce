import { Testing } from 'cdk8s';
import { AlertTargets } from '../../lib/observability/alerts';
import { ProductAlerts, ProductAlertsProps } from '../../lib/observability/product-alerts';

/** ProductAlerts alone: its checks of thresholds and objective, its name, its alerts and their tests. */

const TARGETS: AlertTargets = {
  product: 'dvmm',
  environment: 'dev',
  namespace: 'dvmm-dev',
  apis: [
    { name: 'api', metrics: { namespace: 'dvmm-dev', job: 'api' }, containers: { namespace: 'dvmm-dev', container: 'api' }, connectionPool: true },
  ],
  containers: [{ name: 'api', containers: { namespace: 'dvmm-dev', container: 'api' }, podPattern: 'api-.*', examplePod: 'api-7d9f8-abcde' }],
  databases: [],
};

function alerts(props: Partial<ProductAlertsProps> = {}): ProductAlerts {
  return new ProductAlerts(Testing.chart(), 'alerts', { targets: TARGETS, runbookBaseUrl: 'https://runbooks.example.com/dvmm', ...props });
}

describe('ProductAlerts', () => {
  test('fails on every threshold out of range and an objective without error budget, naming each', () => {
    expect(() =>
      alerts({
        thresholds: { errorRatePercent: 101, cpuPercent: 0, latencyP95Seconds: -1, loginFailuresPerMinute: Number.NaN, requestSpikePercent: 300 },
        slo: { availabilityPercent: 100 },
      }),
    ).toThrow(
      expect.objectContaining({
        message: [
          'test/alerts: thresholds.latencyP95Seconds must be above 0 (got -1); use a number such as 1',
          'test/alerts: thresholds.errorRatePercent must be a percentage above 0 and at most 100 (got 101); use a number such as 5',
          'test/alerts: thresholds.cpuPercent must be a percentage above 0 and at most 100 (got 0); use a number such as 85',
          'test/alerts: thresholds.loginFailuresPerMinute must be above 0 (got NaN); use a number such as 20',
          'test/alerts: slo.availabilityPercent must be above 0 and below 100 (100 % leaves no error budget to burn) (got 100); use an objective such as 99.5',
        ].join('\n'),
      }),
    );
  });

  test('takes a spike above 100 % and an objective just below 100 %', () => {
    const a = alerts({ thresholds: { requestSpikePercent: 300, availabilityPercent: 100 }, slo: { availabilityPercent: 99.99 } });
    expect(a.thresholds.requestSpikePercent).toBe(300);
    expect(a.slo.availabilityPercent).toBe(99.99);
  });

  test('fails on an objective of 0 %', () => {
    expect(() => alerts({ slo: { availabilityPercent: 0 } })).toThrow(
      expect.objectContaining({
        message:
          'test/alerts: slo.availabilityPercent must be above 0 and below 100 (100 % leaves no error budget to burn) (got 0); use an objective such as 99.5',
      }),
    );
  });

  test('is named after product and component, lists each alert once in rule order, each with a promtool test reading the rule file', () => {
    const a = alerts();
    const [rule] = Testing.synth(a.node.scope as any);
    expect(rule.metadata.name).toBe('dvmm-alerts-api');
    expect(a.alertNames).toEqual([
      'ApiErrorBudgetBurnFast',
      'ApiErrorBudgetBurnSlow',
      'ApiAvailabilityLow',
      'ApiErrorRateHigh',
      'ApiLatencyP95High',
      'ApiLatencyP99High',
      'ApiConnectionPoolExhausted',
      'ApiRequestRateSpike',
      'ContainerCpuHigh',
      'ContainerMemoryHigh',
    ]);
    expect(rule.spec.groups.flatMap((g: any) => g.rules.filter((r: any) => r.alert !== undefined).map((r: any) => r.alert))).toEqual(a.alertNames);
    const files = a.tests('rules.yaml');
    expect(files.map((f) => f.content.rule_files)).toEqual(files.map(() => ['rules.yaml']));
    const tested = files.flatMap((f) => (f.content.tests as any[]).flatMap((t) => t.alert_rule_test.map((r: any) => r.alertname)));
    expect(new Set(tested)).toEqual(new Set(a.alertNames));
  });

  test('splits the rules into one PrometheusRule per component, so that no object grows with the number of components', () => {
    // GIVEN 100 APIs, each with its container
    const names = Array.from({ length: 100 }, (_, i) => `api-${i}`);
    const targets = {
      ...TARGETS,
      apis: names.map((name) => ({ ...TARGETS.apis[0], name, metrics: { namespace: 'dvmm-dev', job: name } })),
      containers: names.map((name) => ({ ...TARGETS.containers[0], name, podPattern: `${name}-.*` })),
    };
    // WHEN their alerts are synthesised
    const a = alerts({ targets });
    const objects = Testing.synth(a.node.scope as any);
    // THEN each component has a PrometheusRule of its own rules, with group names unique across them
    expect(objects.map((o) => o.metadata.name)).toEqual(names.map((name) => `dvmm-alerts-${name}`));
    for (const [i, o] of objects.entries()) {
      expect(new Set(o.spec.groups.flatMap((g: any) => g.rules.map((r: any) => r.labels.component)))).toEqual(new Set([names[i]]));
    }
    const groupNames = objects.flatMap((o) => o.spec.groups.map((g: any) => g.name));
    expect(new Set(groupNames).size).toBe(groupNames.length);
    expect(groupNames.slice(0, 3)).toEqual(['dvmm-dev.api-0.slo', 'dvmm-dev.api-0.api', 'dvmm-dev.api-0.containers']);
    // AND each is as large as with one component, far below the API server's 262,144-byte apply limit
    const sizes = objects.map((o) => JSON.stringify(o).length);
    expect(Math.max(...sizes)).toBeLessThan(20_000);
    expect(Object.keys(a.resources)).toEqual(names);
  });
});
