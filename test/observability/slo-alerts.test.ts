import { ALERT_DEFAULTS, AlertRule, isAlert, productAlertGroups } from '../../lib/observability/alerts';
import { SLI_PRESET_DEFINITIONS } from '../../lib/observability/sli';
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
