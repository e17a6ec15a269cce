import { DatabaseAlertTarget } from '../../lib/observability/alert-model';
import { restoreDrillAlerts } from '../../lib/observability/restore-drill-alerts';

const DB: DatabaseAlertTarget = {
  name: 'orders-db',
  metrics: { namespace: 'orders-production', job: 'orders-db' },
  instances: 1,
  volumes: { namespace: 'orders-production', claimPattern: 'orders-db-[0-9]+', exampleClaim: 'orders-db-1' },
};
const DAY = 86400;
const labels = { product: 'orders', environment: 'production', namespace: 'orders-production', component: 'orders-db' };

/** The timestamp a test series holds (`<value>x<samples>`) and the evaluation time in seconds. */
function at(values: string, evalTime: string): { value: number; now: number } {
  return { value: Number(values.split('x')[0]), now: Number(evalTime.slice(0, -1)) * DAY };
}

describe('RestoreDrillOverdue', () => {
  test('is not there without a drill', () => {
    expect(restoreDrillAlerts(DB, labels)).toEqual([]);
  });

  test("reads the drill CronJob's last success, else its creation, against the drill's maxAge", () => {
    // GIVEN a database with a monthly drill (35 days)
    const [rule] = restoreDrillAlerts(
      { ...DB, restoreDrill: { cronJob: 'orders-db-restore-drill', namespace: 'orders-production', maxAgeSeconds: 35 * DAY } },
      labels,
    );
    // THEN the alert compares the newest good drill (or the CronJob's creation when none passed) with 35 days
    const selector = '{namespace="orders-production", cronjob="orders-db-restore-drill"}';
    expect(rule.expr).toBe(
      `time() - (max(kube_cronjob_status_last_successful_time${selector}) or max(kube_cronjob_created${selector})) > ${35 * DAY}`,
    );
    expect([rule.severity, rule.for, rule.labels]).toEqual(['warning', '1h', labels]);
    expect(rule.summary).toBe("{{ $labels.component }}'s last good restore drill is older than 35d");
  });

  test('its promtool cases: fires for a drill that never passed since long before maxAge, silent for one that passed within it', () => {
    const maxAge = 35 * DAY;
    const [rule] = restoreDrillAlerts({ ...DB, restoreDrill: { cronJob: 'c', namespace: 'n', maxAgeSeconds: maxAge } }, labels);
    const { firing, silent, evalTime } = rule.test;
    // Firing: only the creation, older than maxAge by more than the rule's hour
    expect(firing.map((s) => s.series)).toEqual(['kube_cronjob_created{namespace="n", cronjob="c"}']);
    const created = at(firing[0].values, evalTime);
    expect(created.now - created.value).toBeGreaterThan(maxAge + 3600);
    // Silent: created as long ago, but the last success is younger than maxAge
    expect(silent.map((s) => s.series)).toEqual([
      'kube_cronjob_created{namespace="n", cronjob="c"}',
      'kube_cronjob_status_last_successful_time{namespace="n", cronjob="c"}',
    ]);
    const success = at(silent[1].values, evalTime);
    expect(success.now - success.value).toBeLessThan(maxAge);
    expect(at(silent[0].values, evalTime).value).toBe(created.value);
  });
});
