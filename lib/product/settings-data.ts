import { Type } from '@sinclair/typebox';
import { DNS_LABEL, DNS_NAME, HTTPS_URL, IMAGE_REFERENCE, IMAGE_TAG, S3_PATH } from '../core/formats';
import { DURATION_PATTERN } from '../observability/promql';
import { ConnectionCount, Count, formatted, oneOf, optional, Quantity, strict } from './settings-schema';
import { ResourceSettings } from './settings-workloads';

const CnpgCron = Type.String({ description: "use a 6-field cron, seconds first, e.g. '0 0 2 * * *'" });
const Retention = Type.String({ description: "use <number><d|w|m>, e.g. '30d'" });

/** One backup schedule and how long its backups are kept. */
export const BackupTierSettings = strict(
  {
    name: formatted(DNS_LABEL, 'name the tier with lower-case letters, digits and hyphens, e.g. monthly'),
    schedule: CnpgCron,
    retention: Retention,
    method: optional(
      oneOf(
        ['object-store', 'volume-snapshot'],
        'use object-store (barman-cloud, beside the WAL archive) or volume-snapshot (CSI snapshots, pruned by a CronJob)',
      ),
    ),
  },
  'give name, schedule and retention',
);

/** Continuous WAL archiving and base backups to an S3-compatible object store (barman-cloud plugin). */
export const BackupSettings = strict(
  {
    destinationPath: formatted(S3_PATH),
    endpointUrl: optional(formatted(HTTPS_URL, 'use the https:// endpoint of the object store')),
    credentialsSecret: formatted(DNS_NAME, 'name the Secret holding ACCESS_KEY_ID and ACCESS_SECRET_KEY'),
    serverName: optional(formatted(DNS_LABEL, "name the cluster's folder in destinationPath; a restored cluster takes a new one, e.g. dvmm-db-r1")),
    schedule: optional(CnpgCron),
    retention: optional(Retention),
    tiers: optional(
      Type.Array(BackupTierSettings, { minItems: 1, description: 'list the tiers, e.g. [{ name: daily, schedule: "0 0 2 * * *", retention: 14d }]' }),
    ),
    volumeSnapshotClass: optional(formatted(DNS_NAME, 'name the VolumeSnapshotClass of volume-snapshot tiers')),
    pruneImage: optional(formatted(IMAGE_REFERENCE)),
    compression: optional(oneOf(['gzip', 'bzip2', 'snappy'], 'use gzip, bzip2 or snappy')),
    archiveTimeout: optional(
      Type.String({ description: "use a PostgreSQL duration of at most half the RPO, e.g. '5min', or leave it out to derive it" }),
    ),
  },
  'give destinationPath and credentialsSecret',
);

/**
 * Bootstrap a database from a backup: another environment's archive of the same database (`environment`), this
 * environment's own (disaster recovery), or any archive by path. Credentials by reference, read-only.
 */
export const RecoverySettings = strict(
  {
    environment: optional(formatted(DNS_LABEL, 'name the environment whose archive of this database to restore, e.g. production')),
    destinationPath: optional(formatted(S3_PATH)),
    endpointUrl: optional(formatted(HTTPS_URL, 'use the https:// endpoint of the object store')),
    serverName: optional(formatted(DNS_LABEL, "name the source cluster's folder in destinationPath (by default its cluster name)")),
    credentialsSecret: formatted(DNS_NAME, 'name the Secret with read-only ACCESS_KEY_ID and ACCESS_SECRET_KEY for the source store'),
    targetTime: optional(
      Type.String({
        minLength: 1,
        description: "use an RFC 3339 moment with a zone, e.g. '2026-11-01T02:00:00Z', or leave it out for the latest state",
      }),
    ),
    follow: optional(Type.Boolean({ description: 'use true to keep following the source as a disaster-recovery replica, false to promote it' })),
  },
  'give credentialsSecret and either environment or destinationPath',
);

/**
 * A scheduled restore drill: the latest backup restored into a scratch namespace, checked and deleted; an alert when
 * the last good drill is older than `maxAge`. Needs `network.apiServer`, and the database's `backup` or a `source`: another
 * environment's archive (the platform's "restore production into staging").
 */
export const RestoreDrillSettings = strict({
  schedule: optional(Type.String({ minLength: 1, description: "use @weekly, @monthly, @quarterly or a 5-field cron in UTC, e.g. '0 5 2 * *'" })),
  check: optional(
    Type.String({ minLength: 1, description: "give a SQL query that returns a row that is not false, e.g. 'SELECT count(*) > 0 FROM orders'" }),
  ),
  maxAge: optional(
    Type.String({
      pattern: DURATION_PATTERN,
      description: "use the age of the last good drill that alerts, e.g. '35d' (at least the schedule's gap)",
    }),
  ),
  readyTimeout: optional(
    Type.String({ pattern: DURATION_PATTERN, description: "use how long the restore may take, e.g. '4h' (by default the rto)" }),
  ),
  namespace: optional(formatted(DNS_LABEL, 'name the scratch namespace the drill restores into, e.g. orders-production-drill')),
  source: optional(
    strict(
      {
        environment: formatted(DNS_LABEL, 'name the environment whose archive of this database to restore, e.g. production'),
        credentialsSecret: formatted(DNS_NAME, 'name the Secret with read-only ACCESS_KEY_ID and ACCESS_SECRET_KEY for that archive'),
      },
      'give environment and credentialsSecret',
    ),
  ),
});

/** A PgBouncer pooler in front of a database's primary. */
export const PoolerSettings = strict({
  instances: optional(Count),
  poolMode: optional(oneOf(['session', 'transaction'], 'use session or transaction')),
  maxClientConnections: optional(ConnectionCount),
  defaultPoolSize: optional(ConnectionCount),
});

/** A PostgreSQL cluster in one environment. */
export const DatabaseSettings = strict({
  instances: optional(Count),
  version: optional(formatted(IMAGE_TAG, "use a PostgreSQL release such as '17.6'")),
  imageName: optional(formatted(IMAGE_REFERENCE)),
  storageSize: optional(Quantity),
  storageClass: optional(Type.String({ minLength: 1, description: 'name a StorageClass' })),
  resources: optional(ResourceSettings),
  backup: optional(BackupSettings),
  pooler: optional(PoolerSettings),
  rpo: optional(Type.String({ pattern: DURATION_PATTERN, description: "use the recovery point objective as a duration such as '1h' or '15m'" })),
  rto: optional(Type.String({ pattern: DURATION_PATTERN, description: "use the recovery time objective as a duration such as '4h'" })),
  recovery: optional(RecoverySettings),
  restoreDrill: optional(RestoreDrillSettings),
});
