import { ABOVE, AlertRule, BELOW, DatabaseAlertTarget } from './alert-model';
import { duration, Labels, num, series } from './promql';

/**
 * `RestoreDrillOverdue`: the last good restore drill of a database is older than the drill allows. The record is the
 * drill's CronJob (kube-state-metrics): the time its last Job succeeded, or, when none ever did, the time the CronJob
 * was created, so a drill that has never passed alerts too once it has had time to run (and a new one does not).
 */
export function restoreDrillAlerts(db: DatabaseAlertTarget, labels: Labels): AlertRule[] {
  const drill = db.restoreDrill;
  if (drill === undefined) return [];
  const m = { namespace: drill.namespace, cronjob: drill.cronJob };
  const maxAge = drill.maxAgeSeconds;
  // A drill's age in days, as its settings write it (35d, not 5w).
  const age = maxAge % 86400 === 0 ? `${maxAge / 86400}d` : duration(maxAge);
  const success = 'kube_cronjob_status_last_successful_time';
  const created = 'kube_cronjob_created';
  // Timestamps are constants; the test evaluates late enough that they can be older than allowed. Daily samples:
  // the alert only compares time() with a timestamp, and a month of minutes is slow to test.
  const step = 86400;
  const samples = Math.ceil((maxAge * ABOVE) / step) + 2;
  const at = samples * step;
  const at0 = (metric: string, age: number) => ({ series: series(metric, m), values: `${num(at - age)}x${samples}` });
  return [
    {
      alert: 'RestoreDrillOverdue',
      expr: `time() - (max(${series(success, m)}) or max(${series(created, m)})) > ${num(maxAge)}`,
      for: '1h',
      severity: 'warning',
      summary: `{{ $labels.component }}'s last good restore drill is older than ${age}`,
      description:
        `No restore drill of {{ $labels.component }} in {{ $labels.namespace }} has succeeded for more than ` +
        `${age} (CronJob ${drill.cronJob}, or it never has): nobody knows whether its backups restore.`,
      labels,
      test: {
        interval: '1d',
        evalTime: duration(at),
        // Fires: created long ago and never succeeded. Silent: created as long ago, succeeded within the age.
        firing: [at0(created, maxAge * ABOVE)],
        silent: [at0(created, maxAge * ABOVE), at0(success, maxAge * BELOW)],
        outputLabels: {},
      },
    },
  ];
}
