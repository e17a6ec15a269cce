import { PropertyProblems } from '../core/errors';
import { DNS_LABEL, DNS_NAME, HTTPS_URL, IMAGE_REFERENCE, IMAGE_TAG, S3_PATH } from '../core/formats';
import { parseQuantity } from '../core/quantity';
import { ContainerResources, validateResources } from '../pods/pod-template';
import { checkCnpgCron } from './cnpg-cron';
import { whyCronNeverRuns } from '../core/cron';
import type { PostgresBackupOptions } from './postgres-backup';
import type { PostgresCluster, PostgresClusterProps } from './postgres-cluster';
import type { PostgresRecoveryOptions } from './postgres-recovery';
import { maxArchiveTimeoutForRpo, postgresDuration, postgresDurationSeconds, RECOVERY_DEFAULTS } from './recovery-objectives';
import { retentionDays } from './snapshot-pruner';

/**
 * Checks a cluster's resolved settings and its props, and throws every problem at once: the instances and their
 * image, storage and resources; the backup, its tiers and archive timeout; the recovery objectives; the recovery.
 */
export function validatePostgresCluster(
  cluster: PostgresCluster,
  props: PostgresClusterProps,
  resources: ContainerResources,
  storageSize: string,
): void {
  const problems = new PropertyProblems(cluster);
  checkInstances(problems, cluster, props, resources, storageSize);
  if (props.backup) checkBackup(problems, cluster, props, props.backup);
  checkObjectives(problems, cluster, props);
  if (props.recovery) checkRecovery(problems, cluster, props.recovery, props.backup);
  problems.throwIfAny();
}

function checkInstances(
  problems: PropertyProblems,
  cluster: PostgresCluster,
  props: PostgresClusterProps,
  resources: ContainerResources,
  storageSize: string,
): void {
  if (!Number.isInteger(cluster.instances) || cluster.instances < 1) {
    problems.add('instances', 'must be a whole number of at least 1', props.instances, 'set instances to 1 (single) or 3 (highly available)');
  }
  if (props.version !== undefined && !IMAGE_TAG.test(props.version)) {
    problems.add('version', 'is not an image tag', props.version, "use a PostgreSQL release such as '17.6'");
  }
  if (!IMAGE_REFERENCE.test(cluster.imageName)) {
    problems.add('imageName', 'is not an image with tag or digest', props.imageName, IMAGE_REFERENCE.fix);
  }
  const storage = parseQuantity(storageSize);
  if (storage === undefined) {
    problems.add('storageSize', 'is not a Kubernetes quantity', storageSize, 'use a size such as 10Gi');
  } else if (storage <= 0) {
    problems.add('storageSize', 'must be more than 0 (the API server refuses an empty volume)', storageSize, 'use a size such as 10Gi');
  }
  problems.check(() => validateResources(cluster, resources));
}

function checkBackup(problems: PropertyProblems, cluster: PostgresCluster, props: PostgresClusterProps, backup: PostgresBackupOptions): void {
  if (!S3_PATH.test(backup.destinationPath)) {
    problems.add('backup.destinationPath', 'is not an s3:// URL', backup.destinationPath, S3_PATH.fix);
  }
  if (backup.endpointUrl !== undefined && !HTTPS_URL.test(backup.endpointUrl)) {
    problems.add('backup.endpointUrl', 'is not an https:// URL', backup.endpointUrl, 'use the https:// endpoint of the object store');
  }
  if (backup.serverName !== undefined && !DNS_LABEL.test(backup.serverName)) {
    problems.add('backup.serverName', 'is not a folder name', backup.serverName, 'use lower-case letters, digits and hyphens, e.g. dvmm-db-2');
  }
  checkTiers(problems, cluster, backup);
  checkTierSet(problems, cluster, backup);
  const timeout = postgresDurationSeconds(cluster.archiveTimeout);
  if (Number.isNaN(timeout)) {
    problems.add(
      'backup.archiveTimeout',
      'is not a PostgreSQL duration',
      backup.archiveTimeout,
      "use seconds or minutes such as '60s' or '5min', or leave it out to derive it from the RPO",
    );
  } else if (timeout > maxArchiveTimeoutForRpo(cluster.rpoSeconds)) {
    problems.add(
      'backup.archiveTimeout',
      `cannot meet the RPO of ${props.rpo ?? RECOVERY_DEFAULTS.rpo}: ` +
        'a WAL segment may wait this long before it is archived, and the upload needs the rest',
      backup.archiveTimeout,
      `use at most ${postgresDuration(maxArchiveTimeoutForRpo(cluster.rpoSeconds))} (half the RPO), or leave it out to derive it from the RPO`,
    );
  }
}

/** Each tier on its own: its name, schedule, retention and method. */
function checkTiers(problems: PropertyProblems, cluster: PostgresCluster, backup: PostgresBackupOptions): void {
  if (backup.tiers !== undefined && (backup.schedule !== undefined || backup.retention !== undefined)) {
    problems.add(
      'backup.tiers',
      'is given together with schedule or retention',
      backup.tiers,
      'give either tiers, or schedule and retention (one daily tier)',
    );
  }
  if (backup.tiers !== undefined && backup.tiers.length === 0)
    problems.add('backup.tiers', 'is empty', backup.tiers, "give at least one tier, e.g. { name: daily, schedule: '0 0 2 * * *', retention: 14d }");
  const seen = new Set<string>();
  cluster.tiers.forEach((tier, i) => {
    const at = backup.tiers === undefined ? 'backup' : `backup.tiers[${i}]`;
    if (backup.tiers !== undefined && !DNS_LABEL.test(`${cluster.name}-${tier.name}`))
      problems.add(`${at}.name`, 'does not make a valid ScheduledBackup name', tier.name, 'use lower-case letters, digits and hyphens, e.g. monthly');
    if (seen.has(tier.name)) problems.add(`${at}.name`, 'names a second tier the same', tier.name, 'give each tier its own name');
    seen.add(tier.name);
    const cronProblem = checkCnpgCron(tier.schedule);
    if (cronProblem) {
      problems.add(
        `${at}.schedule`,
        `is not a 6-field CloudNativePG cron expression: ${cronProblem}`,
        tier.schedule,
        "use seconds minutes hours day-of-month month day-of-week, e.g. '0 0 2 * * *' for 02:00 daily",
      );
    }
    const neverRuns = cronProblem === undefined ? whyCronNeverRuns(tier.schedule) : undefined;
    if (neverRuns !== undefined) {
      problems.add(
        `${at}.schedule`,
        `never runs: ${neverRuns}`,
        tier.schedule,
        "use a day every month has (1 to 28), e.g. '0 0 2 1 * *' for 02:00 on the 1st",
      );
    }
    if (retentionDays(tier.retention) === undefined) {
      problems.add(`${at}.retention`, 'is not a CloudNativePG retention policy', tier.retention, "use <number><d|w|m>, e.g. '30d'");
    }
    if (tier.method !== 'object-store' && tier.method !== 'volume-snapshot')
      problems.add(`${at}.method`, 'is not a backup method', tier.method, 'use object-store or volume-snapshot');
  });
}

/** The tiers together: an object-store tier, one retention for them all, and what volume-snapshot tiers need. */
function checkTierSet(problems: PropertyProblems, cluster: PostgresCluster, backup: PostgresBackupOptions): void {
  const stored = cluster.tiers.filter((t) => t.method === 'object-store');
  if (cluster.tiers.length > 0 && stored.length === 0) {
    problems.add(
      'backup.tiers',
      'has no object-store tier',
      backup.tiers,
      'add an object-store tier: point-in-time recovery needs a base backup beside the WAL archive',
    );
  }
  const retentions = [...new Set(stored.map((t) => t.retention))];
  if (retentions.length > 1) {
    problems.add(
      'backup.tiers',
      `keep object-store backups for different times (${retentions.join(', ')}), which the barman-cloud plugin cannot do: ` +
        'it sends every backup of a cluster to its one ObjectStore and keeps them by one recovery window (plugin issues #611, #677)',
      stored.map((t) => `${t.name}: ${t.retention}`),
      'give the object-store tiers one retention, and make the longer-kept tier method: volume-snapshot',
    );
  }
  if (stored.length === cluster.tiers.length) {
    // Only a volume-snapshot tier reads these: accepted here they would change nothing.
    for (const [key, value] of [
      ['volumeSnapshotClass', backup.volumeSnapshotClass],
      ['pruneImage', backup.pruneImage],
    ] as const) {
      if (value === undefined) continue;
      problems.add(
        `backup.${key}`,
        'is read by volume-snapshot tiers only, and this backup has none',
        value,
        `remove it, or add a tier with method: volume-snapshot`,
      );
    }
    return;
  }
  if (backup.volumeSnapshotClass === undefined || !DNS_NAME.test(backup.volumeSnapshotClass)) {
    problems.add(
      'backup.volumeSnapshotClass',
      'is needed by a volume-snapshot tier',
      backup.volumeSnapshotClass,
      'name the VolumeSnapshotClass of the storage, e.g. csi-snapclass',
    );
  }
  if (backup.apiServer === undefined) {
    problems.add(
      'backup.apiServer',
      'is needed by a volume-snapshot tier: its pruner deletes expired Backups through the Kubernetes API',
      undefined,
      "give the API server's addresses (in an environment file: network.apiServer)",
    );
  }
}

/** The recovery point and time objectives. */
function checkObjectives(problems: PropertyProblems, cluster: PostgresCluster, props: PostgresClusterProps): void {
  if (Number.isNaN(cluster.rpoSeconds)) {
    problems.add('rpo', 'is not a duration', props.rpo, "use the recovery point objective as a duration such as '1h' or '15m'");
  } else if (cluster.rpoSeconds < RECOVERY_DEFAULTS.minRpoSeconds) {
    problems.add(
      'rpo',
      'is under a minute, which WAL archiving cannot meet',
      props.rpo,
      "use at least '1m'; a smaller loss needs synchronous replication to another site",
    );
  }
  if (cluster.rtoSeconds !== undefined && Number.isNaN(cluster.rtoSeconds)) {
    problems.add('rto', 'is not a duration', props.rto, "use the recovery time objective as a duration such as '4h'");
  }
}

/** The archive a restore reads, its target, and that the restored cluster does not archive into it. */
function checkRecovery(
  problems: PropertyProblems,
  cluster: PostgresCluster,
  recovery: PostgresRecoveryOptions,
  backup: PostgresBackupOptions | undefined,
): void {
  const source = recovery.source;
  if (!S3_PATH.test(source.destinationPath))
    problems.add('recovery.source.destinationPath', 'is not an s3:// URL', source.destinationPath, S3_PATH.fix);
  if (source.endpointUrl !== undefined && !HTTPS_URL.test(source.endpointUrl))
    problems.add('recovery.source.endpointUrl', 'is not an https:// URL', source.endpointUrl, 'use the https:// endpoint of the object store');
  const serverName = source.serverName ?? cluster.name;
  if (!DNS_LABEL.test(serverName))
    problems.add(
      'recovery.source.serverName',
      'is not a folder name',
      serverName,
      "use the source cluster's serverName (by default its cluster name)",
    );
  if (!DNS_NAME.test(source.credentialsSecret))
    problems.add(
      'recovery.source.credentialsSecret',
      'is not a Secret name',
      source.credentialsSecret,
      'name the Secret with read-only ACCESS_KEY_ID and ACCESS_SECRET_KEY',
    );
  if (recovery.targetTime !== undefined && recovery.follow !== undefined) {
    problems.add(
      'recovery.follow',
      'is given with a targetTime: a replica follows its source to the end of the archive',
      recovery.follow,
      'remove targetTime for a standby that follows, or remove follow for a restore to that moment',
    );
  }
  if (recovery.targetTime !== undefined && !isTimestamp(recovery.targetTime)) {
    problems.add('recovery.targetTime', 'is not a moment with a time zone', recovery.targetTime, "use RFC 3339, e.g. '2026-11-01T02:00:00Z'");
  }
  const ownArchive = backup && archiveLocation(backup.destinationPath, backup.endpointUrl, cluster.archiveServerName);
  if (ownArchive === archiveLocation(source.destinationPath, source.endpointUrl, serverName)) {
    problems.add(
      'backup.serverName',
      "is the recovery source's own live path: the restored cluster would archive into the archive it restores from",
      cluster.archiveServerName,
      `give the restored cluster a new folder, e.g. backup.serverName: ${serverName}-r1 (or another destinationPath)`,
    );
  }
}

/** Where a cluster's archive is: endpoint, path (without a trailing slash) and folder. */
function archiveLocation(destinationPath: string, endpointUrl: string | undefined, serverName: string): string {
  return `${(endpointUrl ?? '').replace(/\/+$/, '')} ${destinationPath.replace(/\/+$/, '')}/${serverName}`;
}

/** Whether `text` is an RFC 3339 moment with a zone that exists (`2026-11-01T02:00:00Z`, `...+01:00`). */
function isTimestamp(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (match === null) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
}
