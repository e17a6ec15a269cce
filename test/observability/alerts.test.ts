import {
  ALERT_DEFAULTS,
  AlertRule,
  AlertTargets,
  AlertThresholds,
  errorRatio,
  errorRatioRecord,
  isAlert,
  latencyQuantile,
  productAlertGroups,
  requestsRecord,
  RecordingRule,
} from '../../lib/observability/alerts';
import { SHOP_TARGETS } from './fixtures';

/**
 * The alert catalogue (lib/observability/alerts.ts) alone: which rules a product environment gets, from which
 * thresholds, in which groups and order. The snapshot shows every change of an expression, a text or a test series in
 * review; the tests below say what must hold. (promtool runs the catalogue's own tests in CI: `npm run test:alerts`.)
 */

/** The shop of the promtool tests, with a second API without a pool, a database of one instance without backups, and Keycloak. */
const SHOP: AlertTargets = {
  ...SHOP_TARGETS,
  apis: [
    ...SHOP_TARGETS.apis,
    { name: 'web', metrics: { namespace: 'shop-prod', job: 'web' }, containers: { namespace: 'shop-prod', container: 'web' }, connectionPool: false },
  ],
  databases: [
    ...SHOP_TARGETS.databases,
    {
      name: 'cache-db',
      metrics: { namespace: 'shop-prod', job: 'cache-db' },
      instances: 1,
      volumes: { namespace: 'shop-prod', claimPattern: 'cache-db-[0-9]+', exampleClaim: 'cache-db-1' },
    },
  ],
  keycloak: { name: 'keycloak', metrics: { namespace: 'shop-prod', job: 'keycloak' } },
};

/** The catalogue with some thresholds changed. */
function catalogue(
  targets: AlertTargets = SHOP,
  thresholds: Partial<AlertThresholds> = {},
  availabilityPercent = ALERT_DEFAULTS.slo.availabilityPercent,
) {
  return productAlertGroups(targets, {
    thresholds: { ...ALERT_DEFAULTS.thresholds, ...thresholds },
    slo: { ...ALERT_DEFAULTS.slo, availabilityPercent },
  });
}

/** The alerts of a catalogue by component, in rule order. */
function alertsOf(groups: ReturnType<typeof catalogue>, component: string): AlertRule[] {
  return groups.flatMap((g) => g.rules.filter(isAlert)).filter((r) => r.labels.component === component);
}

function alert(groups: ReturnType<typeof catalogue>, name: string, component: string): AlertRule {
  const found = alertsOf(groups, component).find((r) => r.alert === name);
  if (found === undefined) throw new Error(`no ${name} for ${component}`);
  return found;
}

describe('productAlertGroups', () => {
  test('renders the whole catalogue as reviewed (the snapshot shows every change of a rule, a text or a test series)', () => {
    expect(catalogue()).toMatchSnapshot();
  });

  test('groups the rules by what they watch, named after product and environment, and leaves out empty groups', () => {
    expect(catalogue().map((g) => g.name)).toEqual([
      'shop-prod.slo',
      'shop-prod.api',
      'shop-prod.containers',
      'shop-prod.databases',
      'shop-prod.identity',
    ]);
    const bare = catalogue({ ...SHOP, apis: [], databases: [], keycloak: undefined });
    expect(bare.map((g) => g.name)).toEqual(['shop-prod.containers']);
    expect(catalogue({ ...SHOP, containers: [] }).map((g) => g.name)).not.toContain('shop-prod.containers');
  });

  test('labels every rule with product, environment, namespace and the component it watches', () => {
    for (const rule of catalogue().flatMap((g) => g.rules)) {
      expect(Object.keys(rule.labels)).toEqual(['product', 'environment', 'namespace', 'component']);
      expect(rule.labels).toMatchObject({ product: 'shop', environment: 'prod', namespace: 'shop-prod' });
    }
  });

  test('gives an API its alerts in order, with the connection-pool alert only where there is a pool', () => {
    const api = [
      'ApiErrorBudgetBurnFast',
      'ApiErrorBudgetBurnSlow',
      'ApiAvailabilityLow',
      'ApiErrorRateHigh',
      'ApiLatencyP95High',
      'ApiLatencyP99High',
    ];
    expect(alertsOf(catalogue(), 'orders').map((r) => r.alert)).toEqual([
      ...api,
      'ApiConnectionPoolExhausted',
      'ApiRequestRateSpike',
      'ContainerCpuHigh',
      'ContainerMemoryHigh',
    ]);
    expect(alertsOf(catalogue(), 'web').map((r) => r.alert)).toEqual([...api, 'ApiRequestRateSpike']);
  });

  test('gives a database HA and backup alerts only when it has replicas and backups', () => {
    expect(alertsOf(catalogue(), 'shop-db').map((r) => r.alert)).toEqual([
      'PostgresInstanceDown',
      'PostgresHALost',
      'PostgresConnectionsHigh',
      'PostgresReplicationLag',
      'PostgresDiskFilling',
      'PostgresWalArchivingFailing',
      'PostgresWalArchiveTooOld',
      'PostgresBackupTooOld',
    ]);
    expect(alertsOf(catalogue(), 'cache-db').map((r) => r.alert)).toEqual([
      'PostgresInstanceDown',
      'PostgresConnectionsHigh',
      'PostgresReplicationLag',
      'PostgresDiskFilling',
    ]);
    expect(alertsOf(catalogue(), 'keycloak').map((r) => r.alert)).toEqual(['KeycloakDown', 'KeycloakLoginFailuresHigh']);
  });

  test('records the error ratio once per burn window, and burns the budget of the objective at 14.4x, 6x, 3x and 1x', () => {
    const slo = catalogue(SHOP, {}, 99.9)[0]
      .rules.filter((r): r is RecordingRule => !isAlert(r))
      .filter((r) => r.labels.component === 'orders');
    // then the low-traffic guard's count of requests over each long window
    expect(slo.map((r) => r.record)).toEqual([
      ...['5m', '1h', '30m', '6h', '2h', '1d', '3d'].map(errorRatioRecord),
      ...['1h', '6h', '1d', '3d'].map(requestsRecord),
    ]);
    expect(slo[0].expr).toBe(errorRatio(SHOP.apis[0].metrics, '5m'));
    const ratio = (window: string) => `eaf:api_server_errors:ratio_rate${window}{namespace="shop-prod", component="orders"}`;
    const enough = (window: string) => `eaf:api_requests:increase${window}{namespace="shop-prod", component="orders"} >= 100`;
    // 0.1 % of errors allowed: 14.4 x 0.001 = 0.0144, and so on
    expect(alert(catalogue(SHOP, {}, 99.9), 'ApiErrorBudgetBurnFast', 'orders').expr).toBe(
      `(${ratio('1h')} > 0.0144 and ${ratio('5m')} > 0.0144 and ${enough('1h')}) or ` +
        `(${ratio('6h')} > 0.006 and ${ratio('30m')} > 0.006 and ${enough('6h')})`,
    );
    expect(alert(catalogue(SHOP, {}, 99.9), 'ApiErrorBudgetBurnSlow', 'orders').expr).toBe(
      `(${ratio('1d')} > 0.003 and ${ratio('2h')} > 0.003 and ${enough('1d')}) or ` +
        `(${ratio('3d')} > 0.001 and ${ratio('6h')} > 0.001 and ${enough('3d')})`,
    );
    expect(alert(catalogue(SHOP, {}, 99.9), 'ApiErrorBudgetBurnFast', 'orders').description).toContain('of its 99.9 % availability objective');
  });

  test('puts every threshold in force into its expression and its texts', () => {
    const t = catalogue(SHOP, {
      availabilityPercent: 98,
      latencyP95Seconds: 1.5,
      latencyP99Seconds: 3,
      errorRatePercent: 7,
      cpuPercent: 80,
      memoryPercent: 75,
      connectionPoolPercent: 60,
      requestSpikePercent: 20,
      databaseConnectionsPercent: 70,
      replicationLagSeconds: 45,
      diskPercent: 65,
      loginFailuresPerMinute: 12,
    });
    const tail = (name: string, component: string) => alert(t, name, component).expr.split(') ').pop();
    expect(alert(t, 'ApiAvailabilityLow', 'orders').expr).toBe(`1 - (${errorRatio(SHOP.apis[0].metrics, '1h')}) < 0.98`);
    expect(alert(t, 'ApiAvailabilityLow', 'orders').summary).toBe('{{ $labels.component }} availability below 98 %');
    expect(alert(t, 'ApiErrorRateHigh', 'orders').expr).toBe(`${errorRatio(SHOP.apis[0].metrics, '5m')} > 0.07`);
    expect(alert(t, 'ApiLatencyP95High', 'orders').expr).toBe(`${latencyQuantile(0.95, SHOP.apis[0].metrics, '5m')} > 1.5`);
    expect(alert(t, 'ApiLatencyP99High', 'orders').summary).toBe('{{ $labels.component }} P99 latency above 3 s');
    expect(tail('ContainerCpuHigh', 'orders')).toBe('> 0.8');
    expect(tail('ContainerMemoryHigh', 'orders')).toBe('> 0.75');
    expect(tail('ApiConnectionPoolExhausted', 'orders')).toBe('> 0.6');
    expect(alert(t, 'ApiRequestRateSpike', 'orders').expr).toContain('[1h])) > 1.2 * sum(rate(');
    expect(tail('PostgresConnectionsHigh', 'shop-db')).toBe('> 0.7');
    expect(tail('PostgresReplicationLag', 'shop-db')).toBe('> 45');
    expect(tail('PostgresDiskFilling', 'shop-db')).toBe('> 0.65');
    expect(tail('KeycloakLoginFailuresHigh', 'keycloak')).toBe('* 60 > 12');
  });

  test("alerts on a database's backup age and WAL age from its schedule and RPO", () => {
    const groups = catalogue({ ...SHOP, databases: [{ ...SHOP.databases[0], backup: { maxBackupAgeSeconds: 7200, rpoSeconds: 300 } }] });
    expect(alert(groups, 'PostgresBackupTooOld', 'shop-db').expr).toBe(
      'time() - max(barman_cloud_cloudnative_pg_io_last_available_backup_timestamp{namespace="shop-prod", job="shop-db"}) > 7200',
    );
    expect(alert(groups, 'PostgresBackupTooOld', 'shop-db').summary).toBe("{{ $labels.component }}'s last backup is older than 2h");
    expect(alert(groups, 'PostgresWalArchiveTooOld', 'shop-db').expr).toMatch(
      /^min\(cnpg_pg_stat_archiver_seconds_since_last_archival\{[^}]+\}\) > 300 and on \(\) /,
    );
    expect(alert(groups, 'PostgresWalArchiveTooOld', 'shop-db').summary).toBe(
      "{{ $labels.component }}'s newest archived WAL is older than its RPO (5m)",
    );
  });

  test('tests each alert after its window and its `for`, 10 % above and below the threshold', () => {
    const groups = catalogue();
    // availability: an hour's window, 5 minutes' for and 5 more minutes: 70 one-minute samples; 1 % allowed errors
    const availability = alert(groups, 'ApiAvailabilityLow', 'orders').test;
    expect([availability.interval, availability.evalTime]).toEqual(['1m', '70m']);
    expect(availability.firing.map((s) => s.values)).toEqual(['0+5934x70', '0+66x70']);
    expect(availability.silent.map((s) => s.values)).toEqual(['0+5946x70', '0+54x70']);
    // the fast burn: 6 h and 15 minutes in whole 2-minute samples (188), above 14.4x and below 6x of the 0.5 % budget
    const fast = alert(groups, 'ApiErrorBudgetBurnFast', 'orders').test;
    expect([fast.interval, fast.evalTime]).toEqual(['2m', '376m']);
    expect(fast.firing[1].values).toBe('0+475.2x188');
    expect(fast.silent[1].values).toBe('0+162x188');
    expect(fast.outputLabels).toEqual({ component: 'orders', namespace: 'shop-prod' });
    // a backup 10 % older than allowed plus 20 minutes (100,200 s), checked half an hour later in 10-minute samples
    // (171, not 170: 90,000 x 1.1 is 99,000.00000000001 in floating point); the firing timestamp is `at - age`, the
    // silent case a backup every sample, always 81,000 s (10 % below) old, so a longer `for` keeps it silent
    const backup = alert(groups, 'PostgresBackupTooOld', 'shop-db').test;
    expect([backup.interval, backup.evalTime]).toEqual(['10m', '1710m']);
    expect(backup.firing[0].values).toBe('2400x171');
    expect(backup.silent[0].values).toBe('-81000+600x171');
    expect(alert(groups, 'PostgresWalArchiveTooOld', 'shop-db').test.firing.map((s) => s.values)).toEqual(['990x25', '2x25']);
  });

  test('tells alerts from recording rules', () => {
    const rules = catalogue()[0].rules;
    expect(rules.filter(isAlert).map((r) => r.alert)).toEqual([
      'ApiErrorBudgetBurnFast',
      'ApiErrorBudgetBurnSlow',
      'ApiErrorBudgetBurnFast',
      'ApiErrorBudgetBurnSlow',
    ]);
    // per component 7 error ratios and 4 counts of requests (the low-traffic guard)
    expect(rules.filter((r) => !isAlert(r))).toHaveLength(22);
  });
});

describe('PromQL of the API', () => {
  test("the error ratio: server errors over users' requests, actuator calls left out", () => {
    expect(errorRatio({ job: 'api' }, '1h')).toBe(
      'sum(rate(http_server_requests_seconds_count{job="api", uri!~"/actuator/.*", outcome="SERVER_ERROR"}[1h])) / sum(rate(http_server_requests_seconds_count{job="api", uri!~"/actuator/.*"}[1h]))',
    );
    expect(errorRatioRecord('30m')).toBe('eaf:api_server_errors:ratio_rate30m');
  });

  test("a latency quantile over the buckets of users' requests", () => {
    expect(latencyQuantile(0.99, { job: 'api' }, '5m')).toBe(
      'histogram_quantile(0.99, sum by (le) (rate(http_server_requests_seconds_bucket{job="api", uri!~"/actuator/.*"}[5m])))',
    );
  });
});
