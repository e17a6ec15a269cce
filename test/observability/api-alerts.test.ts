import { ALERT_DEFAULTS } from '../../lib/observability/alert-model';
import { apiAlerts, requestSeries } from '../../lib/observability/api-alerts';
import { Sli, SLI_PRESET_DEFINITIONS } from '../../lib/observability/sli';

const METRICS = { namespace: 'shop-prod', job: 'orders' };

/** A gRPC-style indicator: a counter of every request and one of its own for the failures, no latency histogram. */
const SEPARATE_COUNTERS: Sli = {
  source: 'promql',
  total: { metric: 'rpc_requests_total', matchers: [] },
  errors: { metric: 'rpc_failures_total', matchers: [] },
  examples: { good: [], bad: [] },
  latencyNote: '',
  errorsNote: 'every counted failure',
};

describe('the request counters of an alert test', () => {
  test('split one counter by outcome: the successes exclude the failures', () => {
    // GIVEN Spring Boot's one counter with an outcome label, 10 % failing
    const [good, bad] = requestSeries(SLI_PRESET_DEFINITIONS['spring-boot'], METRICS, 0.1, 5, 1000);
    expect(good.values).toBe('0+900x5');
    expect(bad.values).toBe('0+100x5');
  });

  test('with a counter of all requests and one of the failures, count every request in the first', () => {
    const [total, failures] = requestSeries(SEPARATE_COUNTERS, METRICS, 0.1, 5, 1000);
    expect(total).toEqual({ series: 'rpc_requests_total{namespace="shop-prod", job="orders"}', values: '0+1000x5' });
    expect(failures).toEqual({ series: 'rpc_failures_total{namespace="shop-prod", job="orders"}', values: '0+100x5' });
  });
});

describe('the alerts of a component without a latency histogram', () => {
  test('have no latency alert, and keep the others', () => {
    const target = { name: 'orders', metrics: METRICS, containers: {}, connectionPool: false, sli: SEPARATE_COUNTERS };
    const names = apiAlerts(target, { namespace: 'shop-prod', component: 'orders' }, ALERT_DEFAULTS.thresholds).map((a) => a.alert);
    expect(names).toEqual(['ApiAvailabilityLow', 'ApiErrorRateHigh', 'ApiRequestRateSpike']);
  });
});
