import { ABOVE, AlertRule, AlertTest, AlertThresholds, BELOW, DatabaseAlertTarget, gauge, InputSeries } from './alert-model';
import { duration, Labels, matchers, num, series } from './promql';
import { restoreDrillAlerts } from './restore-drill-alerts';

/** Alerts on a CloudNativePG cluster: instances and replicas, capacity, and (when it backs up) WAL archiving and backups. */
export function databaseAlerts(db: DatabaseAlertTarget, labels: Labels, t: AlertThresholds): AlertRule[] {
  const c = context(db, labels);
  return [...availabilityAlerts(c), ...capacityAlerts(c, t), ...(db.backup ? backupAlerts(c, db.backup) : []), ...restoreDrillAlerts(db, labels)];
}

/** What every database alert and its test use: the cluster's series, its first pod, and test builders. */
interface Context {
  readonly db: DatabaseAlertTarget;
  readonly labels: Labels;
  readonly m: Labels;
  readonly pod: string;
  readonly samples: number;
  readonly test: (firing: InputSeries[], silent: InputSeries[], outputLabels?: Labels) => AlertTest;
  readonly one: (metric: string, value: number, ...extra: string[]) => InputSeries[];
}

function context(db: DatabaseAlertTarget, labels: Labels): Context {
  const m = db.metrics;
  const pod = `pod="${db.name}-1"`;
  const samples = 25;
  const test = (firing: InputSeries[], silent: InputSeries[], outputLabels: Labels = {}, evalSamples = samples): AlertTest => ({
    interval: '1m',
    evalTime: `${evalSamples}m`,
    firing,
    silent,
    outputLabels,
  });
  const one = (metric: string, value: number, ...extra: string[]): InputSeries[] => [
    { series: series(metric, m, pod, ...extra), values: gauge(value, samples) },
  ];
  return { db, labels, m, pod, samples, test, one };
}

function availabilityAlerts(c: Context): AlertRule[] {
  const { db, labels, m, test, one } = c;
  const rules: AlertRule[] = [
    {
      alert: 'PostgresInstanceDown',
      expr: `max by (pod) (${series('cnpg_collector_up', m)}) == 0`,
      for: '5m',
      severity: 'critical',
      summary: 'PostgreSQL instance {{ $labels.pod }} is down',
      description: 'The exporter of {{ $labels.pod }} ({{ $labels.component }} in {{ $labels.namespace }}) reports PostgreSQL down for 5 minutes.',
      labels,
      test: test(one('cnpg_collector_up', 0), one('cnpg_collector_up', 1), { pod: `${db.name}-1` }),
    },
  ];
  if (db.instances > 1) {
    rules.push({
      alert: 'PostgresHALost',
      expr: `max(${series('cnpg_pg_replication_streaming_replicas', m)}) < 1`,
      for: '5m',
      severity: 'critical',
      summary: '{{ $labels.component }} has no streaming replica',
      description:
        `{{ $labels.component }} in {{ $labels.namespace }} runs ${db.instances} instances but its primary ` +
        `streams to no replica: a failover now would lose data or fail.`,
      labels,
      test: test(one('cnpg_pg_replication_streaming_replicas', 0), one('cnpg_pg_replication_streaming_replicas', 1)),
    });
  }
  return rules;
}

function capacityAlerts(c: Context, t: AlertThresholds): AlertRule[] {
  const { db, labels, m, test, one } = c;
  const connections = (ratio: number) => [
    ...one('cnpg_backends_total', 100 * ratio, 'datname="app"', 'state="active"', 'usename="app"'),
    ...one('cnpg_pg_settings_setting', 100, 'name="max_connections"'),
  ];
  return [
    {
      alert: 'PostgresConnectionsHigh',
      expr:
        `sum by (pod) (${series('cnpg_backends_total', m)}) / max by (pod) ` +
        `(${series('cnpg_pg_settings_setting', m, 'name="max_connections"')}) > ` +
        `${num(t.databaseConnectionsPercent / 100)}`,
      for: '5m',
      severity: 'warning',
      summary: `{{ $labels.pod }} uses more than ${num(t.databaseConnectionsPercent)} % of max_connections`,
      description:
        `{{ $labels.pod }} ({{ $labels.component }} in {{ $labels.namespace }}) has more than ` +
        `${num(t.databaseConnectionsPercent)} % of max_connections in use: new connections will soon be refused.`,
      labels,
      test: test(connections((t.databaseConnectionsPercent / 100) * ABOVE), connections((t.databaseConnectionsPercent / 100) * BELOW), {
        pod: `${db.name}-1`,
      }),
    },
    {
      alert: 'PostgresReplicationLag',
      expr: `max by (pod) (${series('cnpg_pg_replication_lag', m)}) > ${num(t.replicationLagSeconds)}`,
      for: '5m',
      severity: 'warning',
      summary: `{{ $labels.pod }} lags more than ${num(t.replicationLagSeconds)} s behind the primary`,
      description:
        `The replica {{ $labels.pod }} ({{ $labels.component }} in {{ $labels.namespace }}) has been more ` +
        `than ${num(t.replicationLagSeconds)} s behind the primary for 5 minutes: a failover to it would ` +
        `take that long to catch up, and WAL it has not yet received would be lost.`,
      labels,
      test: test(one('cnpg_pg_replication_lag', t.replicationLagSeconds * ABOVE), one('cnpg_pg_replication_lag', t.replicationLagSeconds * BELOW), {
        pod: `${db.name}-1`,
      }),
    },
    diskAlert(c, t),
  ];
}

function diskAlert(c: Context, t: AlertThresholds): AlertRule {
  const { db, labels, samples, test } = c;
  const claims = `persistentvolumeclaim=~${JSON.stringify(db.volumes.claimPattern)}`;
  const volume = (metric: string) => `${metric}{${matchers({ namespace: db.volumes.namespace }, claims)}}`;
  const disk = (ratio: number): InputSeries[] =>
    [
      ['kubelet_volume_stats_used_bytes', 10737418240 * ratio],
      ['kubelet_volume_stats_capacity_bytes', 10737418240],
    ].map(([metric, value]) => ({
      series: series(metric as string, { namespace: db.volumes.namespace, persistentvolumeclaim: db.volumes.exampleClaim }),
      values: gauge(value as number, samples),
    }));
  return {
    alert: 'PostgresDiskFilling',
    expr:
      `max by (persistentvolumeclaim) (${volume('kubelet_volume_stats_used_bytes')} / ` +
      `${volume('kubelet_volume_stats_capacity_bytes')}) > ${num(t.diskPercent / 100)}`,
    for: '15m',
    severity: 'warning',
    summary: `{{ $labels.persistentvolumeclaim }} is more than ${num(t.diskPercent)} % full`,
    description:
      `The volume {{ $labels.persistentvolumeclaim }} of {{ $labels.component }} in {{ $labels.namespace }} ` +
      `is more than ${num(t.diskPercent)} % full: PostgreSQL stops when it is full.`,
    labels,
    test: test(disk((t.diskPercent / 100) * ABOVE), disk((t.diskPercent / 100) * BELOW), { persistentvolumeclaim: db.volumes.exampleClaim }),
  };
}

function backupAlerts(c: Context, backup: NonNullable<DatabaseAlertTarget['backup']>): AlertRule[] {
  const { db, labels, m, pod, test, one } = c;
  const { maxBackupAgeSeconds: maxAge, rpoSeconds: rpo } = backup;
  // The backup timestamp is a constant; the test evaluates late enough that it can be older than allowed.
  // Firing: older than allowed by 10 % plus the rule's `for`, so it is above the threshold for the whole `for`.
  const firingAge = maxAge * ABOVE + 1200;
  // 10-minute samples: the alert only compares time() with a timestamp, and a day of 1-minute steps is slow to test.
  const backupSamples = Math.ceil((firingAge + 1800) / 600);
  const at = backupSamples * 600;
  // Firing: no backup since, so the age grows past the limit. Silent: a backup every sample, the newest always `age`
  // old, so the case stays silent however late it is checked (a longer `for` checks it later).
  const backupSeries = (values: string) => [{ series: series('barman_cloud_cloudnative_pg_io_last_available_backup_timestamp', m, pod), values }];
  const lastBackupAt = (age: number) => backupSeries(`${num(at - age)}x${backupSamples}`);
  const backupEvery = (age: number) => backupSeries(`${num(-age)}+600x${backupSamples}`);
  const walAge = (age: number) => [
    ...one('cnpg_pg_stat_archiver_seconds_since_last_archival', age),
    ...one('cnpg_collector_pg_wal_archive_status', 2, 'value="ready"'),
  ];
  const archiver = (failed: number, archived: number) => [
    ...one('cnpg_pg_stat_archiver_last_failed_time', failed),
    ...one('cnpg_pg_stat_archiver_last_archived_time', archived),
  ];
  return [
    {
      alert: 'PostgresWalArchivingFailing',
      expr: `max by (pod) (${series('cnpg_pg_stat_archiver_last_failed_time', m)} - ${series('cnpg_pg_stat_archiver_last_archived_time', m)}) > 0`,
      for: '5m',
      severity: 'critical',
      summary: '{{ $labels.pod }} fails to archive WAL',
      description:
        'The last WAL archiving attempt of {{ $labels.pod }} ({{ $labels.component }} in {{ ' +
        '$labels.namespace }}) failed after the last success: point-in-time recovery stops at the last ' +
        'archived segment, and pg_wal grows until the disk is full.',
      labels,
      test: test(archiver(1700000600, 1700000000), archiver(1700000000, 1700000600), { pod: `${db.name}-1` }),
    },
    {
      alert: 'PostgresWalArchiveTooOld',
      // Only while WAL waits to be archived: an idle database switches no segment and archives nothing, rightly.
      expr:
        `min(${series('cnpg_pg_stat_archiver_seconds_since_last_archival', m)}) > ${num(rpo)} and on () ` +
        `max(${series('cnpg_collector_pg_wal_archive_status', m, 'value="ready"')}) > 0`,
      for: '5m',
      severity: 'critical',
      summary: `{{ $labels.component }}'s newest archived WAL is older than its RPO (${duration(rpo)})`,
      description:
        `WAL segments of {{ $labels.component }} in {{ $labels.namespace }} wait to be archived, and none ` +
        `has been archived for more than ${duration(rpo)}, the recovery point objective: a restore now would ` +
        `lose more than the objective allows.`,
      labels,
      test: test(walAge(rpo * ABOVE), walAge(rpo * BELOW)),
    },
    {
      alert: 'PostgresBackupTooOld',
      expr: `time() - max(${series('barman_cloud_cloudnative_pg_io_last_available_backup_timestamp', m)}) > ${num(maxAge)}`,
      for: '10m',
      severity: 'warning',
      summary: `{{ $labels.component }}'s last backup is older than ${duration(maxAge)}`,
      description:
        `The newest base backup of {{ $labels.component }} in {{ $labels.namespace }} (barman-cloud plugin) ` +
        `is older than its schedule allows (${duration(maxAge)}): a scheduled backup failed or did not run.`,
      labels,
      test: { ...test(lastBackupAt(firingAge), backupEvery(maxAge * BELOW)), interval: '10m', evalTime: duration(at) },
    },
  ];
}
