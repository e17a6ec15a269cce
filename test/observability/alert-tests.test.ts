import { productAlertGroups, isAlert, ALERT_DEFAULTS, RuleGroup } from '../../lib/observability/alerts';
import { promtoolTests, renderRuleGroups } from '../../lib/observability/rule-files';
import { SHOP_TARGETS } from './fixtures';

const groups = productAlertGroups(SHOP_TARGETS, ALERT_DEFAULTS);
const tests = promtoolTests(groups, 'https://runbooks.example.com/', 'rules.yaml');

describe("the alerts' promtool tests", () => {
  test('every alert has one test file with a case that fires and a case that stays silent', () => {
    const alerts = groups.flatMap((g) => g.rules.filter(isAlert));
    expect(tests.map((t) => t.name)).toEqual(alerts.map((a) => `${a.alert}--${a.labels.component}.test.yaml`));
    for (const test of tests) {
      const [firing, silent] = (test.content.tests as any[]).map((t) => t.alert_rule_test[0]);
      expect(firing.exp_alerts).toHaveLength(1);
      expect(silent.exp_alerts).toEqual([]);
      expect(test.content.rule_files).toEqual(['rules.yaml']);
    }
  });

  test("expects exactly the labels and annotations that ship, with the expression's labels filled in", () => {
    const rendered = renderRuleGroups(groups, 'https://runbooks.example.com/')
      .flatMap((g) => g.rules)
      .find((r) => r.alert === 'ContainerCpuHigh')!;
    const test = tests.find((t) => t.name === 'ContainerCpuHigh--orders.test.yaml')!;
    const expected = (test.content.tests as any[])[0].alert_rule_test[0].exp_alerts[0];
    expect(expected.exp_labels).toEqual({ ...rendered.labels, pod: 'orders-7d4b9c8f6-x2k9p' });
    expect(rendered.annotations!.summary).toBe('{{ $labels.pod }} uses more than 85 % of its CPU limit');
    expect(expected.exp_annotations).toEqual({
      summary: 'orders-7d4b9c8f6-x2k9p uses more than 85 % of its CPU limit',
      description:
        'orders-7d4b9c8f6-x2k9p (orders in shop-prod) has used more than 85 % of its CPU limit for 15 minutes: it is being throttled or soon will be.',
      runbook_url: 'https://runbooks.example.com/ContainerCpuHigh.md',
    });
  });

  test('puts the firing case 10 % above the threshold and the silent one 10 % below, for the threshold in force', () => {
    const raised = promtoolTests(
      productAlertGroups(SHOP_TARGETS, { ...ALERT_DEFAULTS, thresholds: { ...ALERT_DEFAULTS.thresholds, replicationLagSeconds: 100 } }),
      '',
      'r',
    );
    const lag = (t: typeof tests) =>
      (t.find((x) => x.name === 'PostgresReplicationLag--shop-db.test.yaml')!.content.tests as any[]).map((c) => c.input_series[0].values);
    expect(lag(tests)).toEqual(['33x25', '27x25']);
    expect(lag(raised)).toEqual(['110x25', '90x25']);
  });

  test('places a latency quantile exactly with one bucket: le = target / quantile', () => {
    const p95 = tests.find((t) => t.name === 'ApiLatencyP95High--orders.test.yaml')!;
    const buckets = (p95.content.tests as any[]).map((c) => c.input_series.map((s: any) => /le="([^"]+)"/.exec(s.series)![1]));
    // 0.95 × 1.1/0.95 = 1.1 s fires; 0.95 × 0.9/0.95 = 0.9 s stays silent.
    expect(buckets).toEqual([
      ['1.15789473684', '+Inf'],
      ['0.947368421053', '+Inf'],
    ]);
  });

  test('tests the slow burn over three days of 10-minute samples and the spike after a week of baseline', () => {
    const slow = tests.find((t) => t.name === 'ApiErrorBudgetBurnSlow--orders.test.yaml')!;
    expect(slow.content.evaluation_interval).toBe('10m');
    expect((slow.content.tests as any[])[0].alert_rule_test[0].eval_time).toBe('4340m');
    const spike = tests.find((t) => t.name === 'ApiRequestRateSpike--orders.test.yaml')!;
    expect((spike.content.tests as any[])[0].input_series[0].values).toBe('0+180000x335 60579000+279000x4');
  });

  test("renders one alert's test file whole: both cases, their series and the alert expected with its labels sorted", () => {
    // (rendered here, not at the top of the file: code run while the file loads escapes the mutation run's per-test view)
    const file = promtoolTests(groups, 'https://runbooks.example.com/', 'rules.yaml').find((t) => t.name === 'ApiErrorRateHigh--orders.test.yaml')!;
    const series = (success: number, errors: number) => [
      { series: 'http_server_requests_seconds_count{namespace="shop-prod", job="orders", outcome="SUCCESS"}', values: `0+${success}x15` },
      { series: 'http_server_requests_seconds_count{namespace="shop-prod", job="orders", outcome="SERVER_ERROR"}', values: `0+${errors}x15` },
    ];
    const labels = { component: 'orders', environment: 'prod', namespace: 'shop-prod', product: 'shop', severity: 'critical' };
    // 330 of 6,000 requests (5.5 %) fire above the 5 % threshold; 270 (4.5 %) stay silent
    expect(file.content).toEqual({
      rule_files: ['rules.yaml'],
      evaluation_interval: '1m',
      tests: [
        {
          name: 'ApiErrorRateHigh (orders) fires just above its threshold',
          interval: '1m',
          input_series: series(5670, 330),
          alert_rule_test: [
            {
              eval_time: '15m',
              alertname: 'ApiErrorRateHigh',
              exp_alerts: [
                {
                  exp_labels: labels,
                  exp_annotations: {
                    summary: 'orders answers more than 5 % of requests with a server error',
                    description:
                      'Over the last 5 minutes more than 5 % of the requests to orders in shop-prod ended with a server error (outcome SERVER_ERROR).',
                    runbook_url: 'https://runbooks.example.com/ApiErrorRateHigh.md',
                  },
                },
              ],
            },
          ],
        },
        {
          name: 'ApiErrorRateHigh (orders) stays silent just below its threshold',
          interval: '1m',
          input_series: series(5730, 270),
          alert_rule_test: [{ eval_time: '15m', alertname: 'ApiErrorRateHigh', exp_alerts: [] }],
        },
      ],
    });
    expect(Object.keys((file.content.tests as any[])[0].alert_rule_test[0].exp_alerts[0].exp_labels)).toEqual(Object.keys(labels).sort());
  });

  test('renders recording rules with their labels, and runbook links without a doubled slash', () => {
    const rendered = renderRuleGroups(groups, 'https://runbooks.example.com//');
    expect(rendered[0].name).toBe('shop-prod.slo');
    expect(rendered.flatMap((g) => g.rules).find((r) => r.record === 'eaf:api_server_errors:ratio_rate5m')).toEqual({
      record: 'eaf:api_server_errors:ratio_rate5m',
      expr: 'sum(rate(http_server_requests_seconds_count{namespace="shop-prod", job="orders", uri!~"/actuator/.*", outcome="SERVER_ERROR"}[5m])) / sum(rate(http_server_requests_seconds_count{namespace="shop-prod", job="orders", uri!~"/actuator/.*"}[5m]))',
      labels: { product: 'shop', environment: 'prod', namespace: 'shop-prod', component: 'orders' },
    });
    expect(
      rendered
        .flatMap((g) => g.rules)
        .filter((r) => r.alert !== undefined)
        .map((r) => r.annotations!.runbook_url),
    ).toEqual(groups.flatMap((g) => g.rules.filter(isAlert)).map((r) => `https://runbooks.example.com/${r.alert}.md`));
  });

  test("fills the rule's own labels into its annotations, keeps the expression's as templates, and expands those the test's alert has", () => {
    const group: RuleGroup = {
      name: 'g',
      rules: [
        {
          alert: 'PodDown',
          expr: 'up == 0',
          for: '5m',
          severity: 'warning',
          labels: { component: 'api' },
          summary: '{{ $labels.component }}: {{ $labels.pod }} is down',
          description: '{{ $labels.pod }} of {{ $labels.component }} ({{ $labels.node }})',
          test: {
            interval: '1m',
            evalTime: '10m',
            firing: [{ series: 'up{pod="api-1"}', values: '0x10' }],
            silent: [{ series: 'up{pod="api-1"}', values: '1x10' }],
            outputLabels: { pod: 'api-1' },
          },
        },
      ],
    };
    expect(renderRuleGroups([group], 'https://r')[0].rules[0].annotations).toEqual({
      summary: 'api: {{ $labels.pod }} is down',
      description: '{{ $labels.pod }} of api ({{ $labels.node }})',
      runbook_url: 'https://r/PodDown.md',
    });
    const [file] = promtoolTests([group], 'https://r', 'rules.yaml');
    expect(file.name).toBe('PodDown--api.test.yaml');
    // a rule of no one component names its file for all of them
    const [rule] = group.rules as any[];
    expect(promtoolTests([{ name: 'g', rules: [{ ...rule, labels: {} }] }], 'https://r', 'rules.yaml')[0].name).toBe('PodDown--all.test.yaml');
    // a label the alert does not carry expands to nothing, as in Prometheus's template
    expect((file.content.tests as any[])[0].alert_rule_test[0].exp_alerts[0]).toEqual({
      exp_labels: { component: 'api', pod: 'api-1', severity: 'warning' },
      exp_annotations: { summary: 'api: api-1 is down', description: 'api-1 of api ()', runbook_url: 'https://r/PodDown.md' },
    });
  });
});
