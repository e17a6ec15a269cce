import { Construct } from 'constructs';
import * as objectstore from '../../imports/barman-objectstore-barmancloud.cnpg.io';
import * as cnpg from '../../imports/cnpg-cluster-postgresql.cnpg.io';
import * as scheduled from '../../imports/cnpg-scheduledbackup-postgresql.cnpg.io';
import { ExternalEndpoint } from '../core/connections';
import { deepFreeze } from '../core/freeze';
import { POSTGRES_DEFAULTS } from './postgres-defaults';
import { SnapshotBackupPruner } from './snapshot-pruner';

/** The barman-cloud plugin's name, as CloudNativePG knows it. */
export const BARMAN_CLOUD_PLUGIN = 'barman-cloud.cloudnative-pg.io';

/** The keys of an object store's credentials Secret (the platform's convention, as the barman-cloud examples name them). */
export const OBJECT_STORE_KEYS = deepFreeze({ accessKeyId: 'ACCESS_KEY_ID', secretAccessKey: 'ACCESS_SECRET_KEY' });

/**
 * Where a cluster's backups go. `object-store`: a base backup into the cluster's ObjectStore through the barman-cloud
 * plugin, beside the WAL archive (point-in-time recovery). `volume-snapshot`: a CSI VolumeSnapshot of the volumes,
 * kept on the cluster's storage.
 */
export type PostgresBackupMethod = 'object-store' | 'volume-snapshot';

/**
 * One backup schedule and how long its backups are kept. The barman-cloud plugin (v0.14.0) sends every backup of a
 * cluster to the cluster's one ObjectStore and keeps them by one recovery window per ObjectStore, so all
 * `object-store` tiers share one retention; a longer tier (monthly, kept a year) is a `volume-snapshot` tier, whose
 * retention a pruning CronJob enforces ({@link SnapshotBackupPruner}).
 */
export interface PostgresBackupTier {
  /** Names the ScheduledBackup `<cluster>-<name>`, e.g. `daily`, `monthly`. */
  readonly name: string;
  /** CloudNativePG's 6-field cron, seconds first, e.g. `'0 0 3 1 * *'` (03:00 on the 1st of each month). */
  readonly schedule: string;
  /** How long its backups are kept: `<n>d`, `<n>w` or `<n>m`. */
  readonly retention: string;
  /** @default 'object-store' */
  readonly method?: PostgresBackupMethod;
}

/** Continuous WAL archiving and base backups to an S3-compatible object store (barman-cloud plugin). */
export interface PostgresBackupOptions {
  /** Where backups go, e.g. `s3://dvmm-backups/production`. */
  readonly destinationPath: string;
  /** Endpoint of an S3-compatible store. @default - AWS S3 */
  readonly endpointUrl?: string;
  /** Secret (by name) with the keys `ACCESS_KEY_ID` and `ACCESS_SECRET_KEY`. */
  readonly credentialsSecret: string;
  /** When the daily base backup runs: CloudNativePG's 6-field cron, seconds first. @default '0 0 2 * * *' */
  readonly schedule?: string;
  /** How long backups are kept: `<n>d`, `<n>w` or `<n>m`. @default '30d' */
  readonly retention?: string;
  /**
   * Several schedules with their retentions, instead of `schedule` and `retention`. @default - one `daily` tier of
   * `schedule` and `retention`
   */
  readonly tiers?: readonly PostgresBackupTier[];
  /** The cluster's folder in `destinationPath`; a restored cluster takes a new one. @default - the cluster name */
  readonly serverName?: string;
  /** Compression of WAL and data files. @default 'gzip' */
  readonly compression?: 'gzip' | 'bzip2' | 'snappy';
  /**
   * PostgreSQL `archive_timeout`: the longest a WAL segment waits before it is archived; at most half the RPO.
   * @default - derived from the RPO: half of it, at most 5min
   */
  readonly archiveTimeout?: string;
  /** The VolumeSnapshotClass of `volume-snapshot` tiers. @default - none (required by such a tier) */
  readonly volumeSnapshotClass?: string;
  /** The Kubernetes API server, which the pruner of `volume-snapshot` tiers calls. @default - none (required by such a tier) */
  readonly apiServer?: ExternalEndpoint;
  /** The pruner's image. @default SNAPSHOT_PRUNER_DEFAULTS.image */
  readonly pruneImage?: string;
}

/** The tiers of a backup: its `tiers`, or one `daily` tier of its `schedule` and `retention`; methods filled in. */
export function backupTiers(backup: PostgresBackupOptions): Array<Required<PostgresBackupTier>> {
  const tiers = backup.tiers ?? [
    {
      name: POSTGRES_DEFAULTS.tierName,
      schedule: backup.schedule ?? POSTGRES_DEFAULTS.backupSchedule,
      retention: backup.retention ?? POSTGRES_DEFAULTS.retention,
    },
  ];
  return tiers.map((t) => ({ ...t, method: t.method ?? POSTGRES_DEFAULTS.backupMethod }));
}

/** An object store's keys, by Secret reference. */
export function s3Credentials(secret: string) {
  return {
    accessKeyId: { name: secret, key: OBJECT_STORE_KEYS.accessKeyId },
    secretAccessKey: { name: secret, key: OBJECT_STORE_KEYS.secretAccessKey },
  };
}

/** The ObjectStore a cluster archives to. */
function objectStoreName(clusterName: string): string {
  return `${clusterName}-backup`;
}

/** What a cluster's backup adds to its spec: the snapshot settings of `volume-snapshot` tiers and the barman-cloud plugin. */
export function backupSpec(
  clusterName: string,
  backup: PostgresBackupOptions | undefined,
  tiers: ReadonlyArray<Required<PostgresBackupTier>>,
): Pick<cnpg.ClusterSpec, 'backup' | 'plugins'> {
  return {
    // Online snapshots (the WAL archive makes them consistent); deleting a Backup deletes its snapshots.
    backup: tiers.some((t) => t.method === 'volume-snapshot')
      ? {
          volumeSnapshot: {
            className: backup?.volumeSnapshotClass,
            online: true,
            snapshotOwnerReference: cnpg.ClusterSpecBackupVolumeSnapshotSnapshotOwnerReference.BACKUP,
          },
        }
      : undefined,
    // `enabled` is the CRD's default, written out so a re-apply changes nothing.
    plugins: backup
      ? [
          {
            name: BARMAN_CLOUD_PLUGIN,
            enabled: true,
            isWalArchiver: true,
            parameters: {
              barmanObjectName: objectStoreName(clusterName),
              ...(backup.serverName === undefined ? {} : { serverName: backup.serverName }),
            },
          },
        ]
      : undefined,
  };
}

/**
 * The objects of a cluster's backup, in `cluster`: its ObjectStore (`ObjectStore`), a ScheduledBackup per tier
 * (`ScheduledBackup` for the default tier, `ScheduledBackup-<tier>` for others) and the pruner of `volume-snapshot`
 * tiers (`SnapshotPruner`, when there are such tiers and an API server to call).
 * @returns the pruner, when there is one
 */
export function addBackupObjects(
  cluster: Construct,
  clusterName: string,
  backup: PostgresBackupOptions,
  tiers: ReadonlyArray<Required<PostgresBackupTier>>,
): SnapshotBackupPruner | undefined {
  const compression = backup.compression ?? POSTGRES_DEFAULTS.compression;
  new objectstore.ObjectStore(cluster, 'ObjectStore', {
    metadata: { name: objectStoreName(clusterName) },
    spec: {
      retentionPolicy: tiers.find((t) => t.method === 'object-store')?.retention,
      configuration: {
        destinationPath: backup.destinationPath,
        endpointUrl: backup.endpointUrl,
        s3Credentials: s3Credentials(backup.credentialsSecret),
        wal: { compression: compression as objectstore.ObjectStoreSpecConfigurationWalCompression },
        data: { compression: compression as objectstore.ObjectStoreSpecConfigurationDataCompression },
      },
    },
  });
  for (const tier of tiers) {
    const snapshot = tier.method === 'volume-snapshot';
    new scheduled.ScheduledBackup(cluster, tier.name === POSTGRES_DEFAULTS.tierName ? 'ScheduledBackup' : `ScheduledBackup-${tier.name}`, {
      metadata: { name: `${clusterName}-${tier.name}` },
      spec: {
        cluster: { name: clusterName },
        schedule: tier.schedule,
        method: snapshot ? scheduled.ScheduledBackupSpecMethod.VOLUME_SNAPSHOT : scheduled.ScheduledBackupSpecMethod.PLUGIN,
        pluginConfiguration: snapshot ? undefined : { name: BARMAN_CLOUD_PLUGIN },
        backupOwnerReference: scheduled.ScheduledBackupSpecBackupOwnerReference.SELF,
      },
    });
  }
  const snapshotTiers = tiers.filter((t) => t.method === 'volume-snapshot');
  if (snapshotTiers.length === 0 || !backup.apiServer) return undefined;
  return new SnapshotBackupPruner(cluster, 'SnapshotPruner', {
    name: `${clusterName}-prune-snapshots`,
    tiers: snapshotTiers.map((t) => ({ scheduledBackup: `${clusterName}-${t.name}`, retention: t.retention })),
    apiServer: backup.apiServer,
    image: backup.pruneImage,
  });
}
