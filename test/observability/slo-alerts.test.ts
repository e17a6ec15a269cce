import { ApiAlertTarget, RecordingRule, SloSettings } from '../../lib/observability/alert-model';
import { ALERT_DEFAULTS, AlertRule, isAlert, productAlertGroups } from '../../lib/observability/alerts';
import { SLI_PRESET_DEFINITIONS } from '../../lib/observability/sli';
import { sloRules } from '../../lib/observability/slo-alerts';
import { SHOP_TARGETS } from './fixtures';

/** The shop's API with the OpenTelemetry preset and no pool or database: only its own alerts and objectives. */
const OTEL = {
  ...SHOP_TARGETS,
  databases: [],
  apis: [{ ...SHOP_TARGETS.apis[0], connectionPool: false, sli: SLI_PRESET_DEFINITIONS.opentelemetry }],
};

/** The error-budget burn alert `name` of an availability objective over `window`. */
function burnAlert(window: string, name: 'ApiErrorBudgetBurnFast' | 'ApiErrorBudgetBurnSlow'): AlertRule {
  const rules = productAlertGroups(OTEL, { thresholds: ALERT_DEFAULTS.thresholds, slo: { ...ALERT_DEFAULTS.slo, window } })[0].rules;
  return rules.filter(isAlert).find((r) => r.alert === name)!;
}

describe('the burn alerts of an objective whose window is not 30 days', () => {
  test('write a window of no whole days in its own unit, and its exhaustion in hours', () => {
    // GIVEN an objective over 36 hours (1.5 days)
    // WHEN its burn alerts are rendered
    const fast = burnAlert('36h', 'ApiErrorBudgetBurnFast');
    const slow = burnAlert('36h', 'ApiErrorBudgetBurnSlow');
    // THEN the window reads "36 h", not "1.5-day", and the page clauses spend it in hours (36 h / 14.4 and / 6)
    expect(fast.description).toContain(
      'at 14.4x over 3 min and 15 s or 6x over 18 min and 90 s: at this pace a 36 h budget is gone in 3 to 6 hours.',
    );
    expect(slow.description).toContain('at 3x over 72 min and 6 min or 1x over 216 min and 18 min: the budget will not last the 36 h.');
  });

  test('write a scaled window of whole weeks in weeks, and the exhaustion of a long window in whole days', () => {
    // GIVEN an objective over 70 days: the ticket's 3 days scale to 7 days, which Prometheus writes 1w
    const fast = burnAlert('70d', 'ApiErrorBudgetBurnFast');
    const slow = burnAlert('70d', 'ApiErrorBudgetBurnSlow');
    // THEN the description reads "1 w"; the budget lasts 70/14.4 and 70/6 days, rounded down
    expect(slow.expr).toContain('eaf:api_server_errors:ratio_rate1w{namespace="shop-prod", component="orders"} > 0.005');
    expect(slow.description).toContain('at 3x over 56 h and 280 min or 1x over 1 w and 14 h: the budget will not last the 70 days.');
    expect(fast.description).toContain(
      'at 14.4x over 140 min and 700 s or 6x over 14 h and 70 min: at this pace a 70-day budget is gone in 4 to 11 days.',
    );
  });
});

/** The shop's API, Spring Boot preset: its own request metrics. */
const ORDERS: ApiAlertTarget = { ...SHOP_TARGETS.apis[0], connectionPool: false };
const LABELS = { namespace: 'shop-prod', component: 'orders' };

/** Every rule of the objectives `slo` of the shop's API. */
function objectives(slo: Partial<SloSettings>): Array<AlertRule | RecordingRule> {
  return sloRules(ORDERS, LABELS, { ...ALERT_DEFAULTS.slo, ...slo });
}

function alert(rules: Array<AlertRule | RecordingRule>, name: string): AlertRule {
  const found = rules.filter(isAlert).find((r) => r.alert === name);
  if (!found)
    throw new Error(
      `no alert ${name} among ${rules
        .filter(isAlert)
        .map((r) => r.alert)
        .join(', ')}`,
    );
  return found;
}

describe('the promtool case of a latency objective', () => {
  const bucket = (le: string) => `http_server_requests_seconds_bucket{namespace="shop-prod", job="orders", ${le}}`;

  test('puts the fast requests in the bucket of the threshold and every request in +Inf, beside the request counters', () => {
    // GIVEN 99 % of requests within 0.5 s over 30 days
    const fast = alert(objectives({ latency: { percent: 99, thresholdSeconds: 0.5 } }), 'ApiLatencyBudgetBurnFast');
    // THEN the firing case is just above 14.4 times the 1 % budget (15.84 % slow), sampled every 2 min over
    // the longest page window (6 h) and 15 min more
    const firingRatio = 14.4 * 0.01 * 1.1;
    const samples = Math.ceil((21600 + 900) / 120);
    expect(fast.test?.interval).toBe('2m');
    expect(fast.test?.firing).toEqual([
      { series: bucket('le="0.5"'), values: `0+${Number((6000 * (1 - firingRatio)).toPrecision(12))}x${samples}` },
      { series: bucket('le="+Inf"'), values: `0+6000x${samples}` },
      {
        series: 'http_server_requests_seconds_count{namespace="shop-prod", job="orders", outcome="SUCCESS"}',
        values: `0+6000x${samples}`,
      },
      { series: 'http_server_requests_seconds_count{namespace="shop-prod", job="orders", outcome="SERVER_ERROR"}', values: `0+0x${samples}` },
    ]);
  });

  test('writes a whole-second threshold as the Go client prints it', () => {
    // GIVEN a threshold of 1 s: the rule matches `1` and `1.0`, a test's series carries one of them
    const fast = alert(objectives({ latency: { percent: 99, thresholdSeconds: 1 } }), 'ApiLatencyBudgetBurnFast');
    expect(fast.test?.firing[0].series).toBe(bucket('le="1"'));
    expect(fast.expr).toContain('eaf:api_slow_requests:ratio_rate1h{namespace="shop-prod", component="orders"} > 0.144');
  });

  test('names the latency budget, and the availability objective names the error budget', () => {
    const rules = objectives({ latency: { percent: 99, thresholdSeconds: 0.5 } });
    expect(alert(rules, 'ApiLatencyBudgetBurnSlow').summary).toBe('{{ $labels.component }} burns its latency budget');
    expect(alert(rules, 'ApiLatencyBudgetBurnFast').description).toContain(
      'spends the latency budget of its 99 % of requests within 0.5 s objective at 14.4x over 1 h and 5 min',
    );
    expect(alert(rules, 'ApiErrorBudgetBurnSlow').summary).toBe('{{ $labels.component }} burns its error budget');
  });
});

describe('the promtool cases of a window other than 30 days', () => {
  test('scale their sample interval with the window: 2 min and 10 min over 30 days, 28 s and 140 s over 7 days', () => {
    const rules = objectives({ window: '7d' });
    expect(alert(rules, 'ApiErrorBudgetBurnFast').test?.interval).toBe('28s');
    expect(alert(rules, 'ApiErrorBudgetBurnSlow').test?.interval).toBe('140s');
  });

  test('of a window whose fastest page clause spends it in exactly one day, write the exhaustion in days', () => {
    // GIVEN a 14.4-day window (20736 min): at 14.4x the budget lasts one day, at 6x 2.4 days
    const fast = alert(objectives({ window: '20736m' }), 'ApiErrorBudgetBurnFast');
    expect(fast.description).toContain('budget is gone in 1 to 2 days.');
  });
});

describe('the low-traffic guard', () => {
  test('when switched off (minimumRequests 0), records no request counts and neither reads nor tests them', () => {
    const rules = objectives({ minimumRequests: 0 });
    // THEN the recording rules are the error ratios of the workbook's windows, each once, and nothing else
    expect(rules.filter((r) => !isAlert(r)).map((r) => (r as RecordingRule).record)).toEqual(
      ['5m', '1h', '30m', '6h', '2h', '1d', '3d'].map((w) => `eaf:api_server_errors:ratio_rate${w}`),
    );
    const fast = alert(rules, 'ApiErrorBudgetBurnFast');
    expect(fast.expr).toBe(
      ['1h', '6h']
        .map((long, i) => {
          const short = ['5m', '30m'][i];
          const threshold = ['0.072', '0.03'][i];
          const r = (w: string) => `eaf:api_server_errors:ratio_rate${w}{namespace="shop-prod", component="orders"} > ${threshold}`;
          return `(${r(long)} and ${r(short)})`;
        })
        .join(' or '),
    );
    expect(fast.test?.recorded?.map((r) => r.series)).toEqual(['1h', '5m', '6h', '30m'].map((w) => `eaf:api_server_errors:ratio_rate${w}`));
    expect(fast.test?.lowTraffic).toBeUndefined();
  });

  test('when on, records the requests of every long window and tests that half the minimum stays silent', () => {
    const rules = objectives({ minimumRequests: 100 });
    expect(rules.filter((r) => !isAlert(r)).map((r) => (r as RecordingRule).record)).toEqual(
      expect.arrayContaining(['1h', '6h', '1d', '3d'].map((w) => `eaf:api_requests:increase${w}`)),
    );
    const fast = alert(rules, 'ApiErrorBudgetBurnFast');
    expect(fast.expr).toContain('and eaf:api_requests:increase1h{namespace="shop-prod", component="orders"} >= 100)');
    expect(fast.test?.recorded).toContainEqual({ series: 'eaf:api_requests:increase6h', value: (6000 * 21600) / 120 });
    expect(fast.test?.lowTraffic).toBeDefined();
  });
});
