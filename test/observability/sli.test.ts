import { ALERT_DEFAULTS, AlertRule, isAlert, productAlertGroups } from '../../lib/observability/alerts';
import { promtoolTests } from '../../lib/observability/rule-files';
import {
  leMatcher,
  SLI_PRESET_DEFINITIONS,
  sliErrorRatio,
  sliLatencyQuantile,
  sliRequests,
  sliSeries,
  sliSlowRatio,
} from '../../lib/observability/sli';
import { resolveSli } from '../../lib/observability/sli-promql';
import { SHOP_TARGETS } from './fixtures';

const C = { namespace: 'shop-prod', job: 'orders' };

describe('request-metrics presets', () => {
  test('spring-boot: Micrometer http_server_requests_seconds, server errors by outcome, actuator calls left out', () => {
    const sli = SLI_PRESET_DEFINITIONS['spring-boot'];
    expect(sliErrorRatio(sli, C, '5m')).toBe(
      'sum(rate(http_server_requests_seconds_count{namespace="shop-prod", job="orders", uri!~"/actuator/.*", outcome="SERVER_ERROR"}[5m])) / ' +
        'sum(rate(http_server_requests_seconds_count{namespace="shop-prod", job="orders", uri!~"/actuator/.*"}[5m]))',
    );
    expect(sliLatencyQuantile(sli, 0.95, C, '5m')).toBe(
      'histogram_quantile(0.95, sum by (le) (rate(' +
        'http_server_requests_seconds_bucket{namespace="shop-prod", job="orders", uri!~"/actuator/.*"}[5m])))',
    );
  });

  test('opentelemetry: the HTTP semantic conventions histogram, server errors by http_response_status_code', () => {
    const sli = SLI_PRESET_DEFINITIONS.opentelemetry;
    expect(sliErrorRatio(sli, C, '1h')).toBe(
      'sum(rate(http_server_request_duration_seconds_count{namespace="shop-prod", job="orders", http_response_status_code=~"5.."}[1h])) / ' +
        'sum(rate(http_server_request_duration_seconds_count{namespace="shop-prod", job="orders"}[1h]))',
    );
    expect(sliSlowRatio(sli, 0.3, C, '1h')).toBe(
      '1 - (sum(rate(http_server_request_duration_seconds_bucket{namespace="shop-prod", job="orders", le="0.3"}[1h])) / ' +
        'sum(rate(http_server_request_duration_seconds_bucket{namespace="shop-prod", job="orders", le="+Inf"}[1h])))',
    );
  });

  test('prometheus: http_requests_total by code and the http_request_duration_seconds histogram', () => {
    const sli = SLI_PRESET_DEFINITIONS.prometheus;
    expect(sliErrorRatio(sli, C, '5m')).toBe(
      'sum(rate(http_requests_total{namespace="shop-prod", job="orders", code=~"5.."}[5m])) / ' +
        'sum(rate(http_requests_total{namespace="shop-prod", job="orders"}[5m]))',
    );
    expect(sliRequests(sli, C, '1h')).toBe('sum(increase(http_requests_total{namespace="shop-prod", job="orders"}[1h]))');
    expect(sliLatencyQuantile(sli, 0.99, C, '5m')).toContain('rate(http_request_duration_seconds_bucket{namespace="shop-prod", job="orders"}[5m])');
  });

  test('matches a whole-second bucket boundary as Go (1) and Java or Prometheus 3 (1.0) print it', () => {
    expect(leMatcher(1)).toBe('le=~"1|1\\\\.0"');
    expect(leMatcher(0.25)).toBe('le="0.25"');
  });
});

describe('request metrics as PromQL', () => {
  test('adds the component selector to the given selectors, and derives the example series of the tests', () => {
    const { sli, problems } = resolveSli({
      total: 'grpc_server_handled_total{grpc_type="unary"}',
      errors: 'grpc_server_handled_total{grpc_type="unary", grpc_code=~"Internal|Unavailable"}',
      latency: 'grpc_server_handling_seconds_bucket{grpc_type="unary"}',
    });
    expect(problems).toEqual([]);
    expect(sliErrorRatio(sli!, C, '5m')).toBe(
      'sum(rate(grpc_server_handled_total{namespace="shop-prod", job="orders", grpc_type="unary", grpc_code=~"Internal|Unavailable"}[5m])) / ' +
        'sum(rate(grpc_server_handled_total{namespace="shop-prod", job="orders", grpc_type="unary"}[5m]))',
    );
    expect(sli!.examples).toEqual({
      good: ['grpc_type="unary"'],
      bad: ['grpc_type="unary"', 'grpc_code="Internal"'],
      latency: ['grpc_type="unary"'],
    });
  });

  test('counts failures of their own counter against all requests', () => {
    const { sli } = resolveSli({ total: 'app_requests_total', errors: 'app_failures_total' });
    expect(sliErrorRatio(sli!, C, '5m')).toBe(
      'sum(rate(app_failures_total{namespace="shop-prod", job="orders"}[5m])) / ' +
        'sum(rate(app_requests_total{namespace="shop-prod", job="orders"}[5m]))',
    );
    expect(sli!.latency).toBeUndefined();
  });

  test('fails on a selector that is not one, on the labels the scrape sets, and on errors that are not part of total', () => {
    expect(
      resolveSli({ total: 'http_requests_total', errors: 'http_requests_total{code!~"2.."' }).problems.map((p) => `${p.field} ${p.problem}`),
    ).toEqual(['errors is not a PromQL series selector']);
    expect(resolveSli({ total: 'x_total{namespace="a"}', errors: 'x_total{code="500"}' }).problems.map((p) => p.problem)).toEqual([
      "sets namespace, which the component's scrape sets",
    ]);
    expect(resolveSli({ total: 'x_total{code="200"}', errors: 'x_total{code="500"}' }).problems.map((p) => `${p.field} ${p.problem}`)).toEqual([
      'errors must select a part of total: its matchers add a label condition that successful requests do not meet',
    ]);
    expect(resolveSli('jaeger' as never).problems[0].fix).toBe(
      'use one of spring-boot, opentelemetry, prometheus, or PromQL selectors { total, errors, latency }',
    );
  });
});

describe('the objectives of a component with request metrics', () => {
  const otel = {
    ...SHOP_TARGETS,
    databases: [],
    apis: [{ ...SHOP_TARGETS.apis[0], connectionPool: false, sli: SLI_PRESET_DEFINITIONS.opentelemetry }],
  };
  const burn = (slo: Partial<typeof ALERT_DEFAULTS.slo> & { latency?: { percent: number; thresholdSeconds: number; window?: string } }) =>
    productAlertGroups(otel, { thresholds: ALERT_DEFAULTS.thresholds, slo: { ...ALERT_DEFAULTS.slo, ...slo } })[0].rules;
  const alert = (rules: ReturnType<typeof burn>, name: string) => rules.filter(isAlert).find((r) => r.alert === name) as AlertRule;

  test('guards every burn clause with the requests of its long window, and tests a case with too few requests', () => {
    // GIVEN a guard of 1000 requests
    const fast = alert(burn({ minimumRequests: 1000 }), 'ApiErrorBudgetBurnFast');
    // THEN each clause needs 1000 requests over its long window
    expect(fast.expr).toContain('eaf:api_requests:increase1h{namespace="shop-prod", component="orders"} >= 1000)');
    expect(fast.expr).toContain('eaf:api_requests:increase6h{namespace="shop-prod", component="orders"} >= 1000)');
    // and its test has a third case: the firing ratio, but 500 requests over the longest window (6 h of 2-minute samples)
    const [, , lowTraffic] = promtoolTests([{ name: 'g', rules: [fast] }], 'https://r', 'rules.yaml')[0].content.tests as any[];
    expect(lowTraffic.name).toBe('ApiErrorBudgetBurnFast (orders) stays silent above its threshold with too few requests');
    // (2.78 requests a sample, 180 samples in 6 h: 500; 7.92 % of them failing, as in the firing case)
    expect(lowTraffic.input_series.map((s: any) => s.values)).toEqual(['0+2.55777777778x188', '0+0.22x188']);
    expect(lowTraffic.alert_rule_test[0].exp_alerts).toEqual([]);
  });

  test('switches the guard off with 0: no request records, no condition', () => {
    const rules = burn({ minimumRequests: 0 });
    expect(rules.filter((r) => !isAlert(r)).map((r: any) => r.record)).not.toContainEqual(expect.stringContaining('eaf:api_requests'));
    expect(alert(rules, 'ApiErrorBudgetBurnFast').expr).not.toContain('eaf:api_requests');
  });

  test('burns a latency objective over its own window, scaling the workbook windows as Pyrra does', () => {
    // GIVEN 99 % of requests within 0.5 s over 7 days (7/30 of the workbook's 30 days)
    const rules = burn({ latency: { percent: 99, thresholdSeconds: 0.5, window: '7d' } });
    const fast = alert(rules, 'ApiLatencyBudgetBurnFast');
    // THEN 1 h becomes 14 min and 5 min 70 s, the budget is 1 %
    expect(fast.expr).toContain('eaf:api_slow_requests:ratio_rate14m{namespace="shop-prod", component="orders"} > 0.144');
    expect(fast.expr).toContain('eaf:api_slow_requests:ratio_rate70s{namespace="shop-prod", component="orders"} > 0.144');
    expect(fast.description).toContain('of its 99 % of requests within 0.5 s objective at 14.4x over 14 min and 70 s');
    expect(fast.description).toContain('a 7-day budget is gone in 12 to 28 hours');
    // and the availability objective keeps its 30 days
    expect(alert(rules, 'ApiErrorBudgetBurnFast').expr).toContain('ratio_rate1h');
    // the firing case checks every recorded ratio of its windows
    expect(fast.test.recorded!.map((r) => r.series)).toEqual(
      expect.arrayContaining(['eaf:api_slow_requests:ratio_rate14m', 'eaf:api_requests:increase14m']),
    );
  });
});

describe('sliSeries', () => {
  const selector = { metric: 'm_total', matchers: ['code=~"5.."'] };

  test("puts a component's selector written as text, trimmed, before the indicator's matchers and the extra ones", () => {
    expect(sliSeries(selector, '  namespace="a", job="b"  ', 'le="1"')).toBe('m_total{namespace="a", job="b", code=~"5..", le="1"}');
  });

  test('writes no empty matcher for a component without labels', () => {
    expect(sliSeries(selector, {})).toBe('m_total{code=~"5.."}');
    expect(sliSeries({ metric: 'm_total', matchers: [] }, {})).toBe('m_total{}');
  });
});

describe('an indicator without a latency histogram', () => {
  test('fails on a latency quantile or slow ratio, naming its source', () => {
    // GIVEN PromQL request metrics without latency
    const { sli } = resolveSli({ total: 'rpc_total', errors: 'rpc_errors_total' });
    // WHEN a latency query is asked of it THEN it throws: a caller that did not check for the histogram is a bug
    expect(() => sliLatencyQuantile(sli!, 0.95, C, '5m')).toThrow(new Error('the promql indicator has no latency histogram'));
    expect(() => sliSlowRatio(sli!, 0.5, C, '5m')).toThrow(new Error('the promql indicator has no latency histogram'));
  });
});
