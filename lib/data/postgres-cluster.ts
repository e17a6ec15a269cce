import { Construct } from 'constructs';
import { PodMetrics } from '../observability/pod-metrics';
import * as objectstore from '../../imports/barman-objectstore-barmancloud.cnpg.io';
import * as cnpg from '../../imports/cnpg-cluster-postgresql.cnpg.io';
import * as pooler from '../../imports/cnpg-pooler-postgresql.cnpg.io';
import * as scheduled from '../../imports/cnpg-scheduledbackup-postgresql.cnpg.io';
import { Connections, IPeer } from '../core/connections';
import { PropertyError, PropertyProblems } from '../core/errors';
import { DNS_LABEL, DNS_NAME, HTTPS_URL, IMAGE_REFERENCE, IMAGE_TAG, S3_PATH } from '../core/formats';
import { deepFreeze } from '../core/freeze';
import { CRITICAL_CONTEXT } from '../core/labels';
import { parseQuantity } from '../core/quantity';
import { ContainerResources, validateResources } from '../pods/pod-template';
import {
  archiveTimeoutForRpo,
  maxArchiveTimeoutForRpo,
  objectiveSeconds,
  postgresDuration,
  postgresDurationSeconds,
  RECOVERY_DEFAULTS,
} from './recovery-objectives';
import { retentionDays, SnapshotBackupPruner } from './snapshot-pruner';
import { ExternalEndpoint } from '../core/connections';

/** The barman-cloud plugin's name, as CloudNativePG knows it. */
export const BARMAN_CLOUD_PLUGIN = 'barman-cloud.cloudnative-pg.io';

/** The keys of an object store's credentials Secret (the platform's convention, as the barman-cloud examples name them). */
export const OBJECT_STORE_KEYS = deepFreeze({ accessKeyId: 'ACCESS_KEY_ID', secretAccessKey: 'ACCESS_SECRET_KEY' });

/** Where CloudNativePG instances serve Prometheus metrics. */
export const POSTGRES_METRICS_PORT = 9187;

/**
 * PostgreSQL defaults of the platform (PLATFORM.md). Frozen: override through props. This is the one place the
 * platform's PostgreSQL version is written; a product picks another with `version` (e.g. `'17.6'`).
 */
export const POSTGRES_DEFAULTS = deepFreeze({
  /** CloudNativePG's PostgreSQL operand images. */
  repository: 'ghcr.io/cloudnative-pg/postgresql',
  /** PostgreSQL 16, pinned to a release (PostgreSQL numbers releases `<major>.<minor>`). */
  version: '16.10',
  instances: 1,
  /** Instances in a critical environment (the construct context `@eaf/cdk8s:critical`): a primary and two replicas. */
  criticalInstances: 3,
  port: 5432,
  storageSize: '10Gi',
  resources: {
    requests: { cpu: '500m', memory: '1Gi' },
    limits: { cpu: '2', memory: '2Gi' },
  } satisfies ContainerResources,
  backupSchedule: '0 0 2 * * *',
  retention: '30d',
  /** The tier a single `schedule`/`retention` pair makes: ScheduledBackup `<cluster>-daily`. */
  tierName: 'daily',
  compression: 'gzip' as const,
  /** A PodMonitor scrapes the instances. */
  monitoring: true,
  /** Where a backup tier's backups go when it names no method. */
  backupMethod: 'object-store' as const,
});

/** Defaults of {@link PostgresPooler}. Frozen: override through props. */
export const POSTGRES_POOLER_DEFAULTS = deepFreeze({
  /** PgBouncer pods: two, so that a node drain leaves one. */
  instances: 2,
  poolMode: 'transaction' as const,
  /** Client connections PgBouncer accepts. */
  maxClientConnections: 1000,
  /** Server connections per user/database pair: the API holds up to 20 per pod. */
  defaultPoolSize: 20,
});

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

/** The archive of a cluster in an object store: where a restore reads from. */
export interface PostgresArchiveSource {
  /** The object store path the source cluster archives to, e.g. `s3://eaf-backups/dvmm/production`. */
  readonly destinationPath: string;
  /** Endpoint of an S3-compatible store. @default - AWS S3 */
  readonly endpointUrl?: string;
  /**
   * The source cluster's folder in that path: its `serverName`, by default its cluster name.
   * @default - this cluster's name (the same database in another environment)
   */
  readonly serverName?: string;
  /** Secret (by name) with read-only `ACCESS_KEY_ID` and `ACCESS_SECRET_KEY` for the source's store. */
  readonly credentialsSecret: string;
}

/**
 * Bootstrap from a backup instead of an empty database: the latest state of an archive, or its state at a moment.
 * The source is read through its own ObjectStore (`<cluster>-recovery-source`) and never written; the restored
 * cluster archives to its own `backup` location, which must differ from the source.
 */
export interface PostgresRecoveryOptions {
  /** The archive to restore. */
  readonly source: PostgresArchiveSource;
  /** Restore up to this moment (RFC 3339 with a zone, e.g. `2026-11-01T02:00:00Z`). @default - the end of the archive */
  readonly targetTime?: string;
  /**
   * Keep replaying the source's archive as a CloudNativePG replica cluster: a read-only disaster-recovery standby
   * (`true`). `false` promotes it: it stops following and becomes a primary. @default - a one-off restore (no `replica`)
   */
  readonly follow?: boolean;
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

/** A PgBouncer pooler in front of the read-write service. */
export interface PostgresPoolerOptions {
  /** PgBouncer pods. @default 2 */
  readonly instances?: number;
  /** PgBouncer pool mode. @default 'transaction' */
  readonly poolMode?: 'session' | 'transaction';
  /** Client connections PgBouncer accepts. @default 1000 */
  readonly maxClientConnections?: number;
  /** Server connections per user/database pair. @default 20 (the API holds up to 20 per pod) */
  readonly defaultPoolSize?: number;
}

/** Props of {@link PostgresCluster}. */
export interface PostgresClusterProps {
  /** Cluster name; Services are `<name>-rw`, `<name>-ro`, `<name>-r`. @default - the construct id */
  readonly name?: string;
  /** PostgreSQL instances: 1 primary plus replicas. @default 1; 3 in a critical environment (construct context `@eaf/cdk8s:critical`) */
  readonly instances?: number;
  /**
   * PostgreSQL release of CloudNativePG's image, `<major>.<minor>` (e.g. `'17.6'`).
   * @default '16.10' (POSTGRES_DEFAULTS.version)
   */
  readonly version?: string;
  /**
   * The whole PostgreSQL image, for another registry or a digest (`...@sha256:<digest>`); overrides `version`.
   * @default `ghcr.io/cloudnative-pg/postgresql:<version>`
   */
  readonly imageName?: string;
  /** The application database created at bootstrap. */
  readonly database: string;
  /** Owner of the database. @default - same as `database` */
  readonly owner?: string;
  /** Secret (by name, type basic-auth: `username`, `password`) holding the owner's credentials. */
  readonly credentialsSecret: string;
  /** Size of each instance's volume. @default '10Gi' */
  readonly storageSize?: string;
  /** StorageClass of the volumes. @default - the cluster's default StorageClass */
  readonly storageClass?: string;
  /** Requests and limits of each instance. @default - 500m/1Gi requested, 2/2Gi limit */
  readonly resources?: ContainerResources;
  /** WAL archiving and daily base backups. @default - no backups (refused in critical environments by the product chart) */
  readonly backup?: PostgresBackupOptions;
  /** A PodMonitor scraping the instances' metrics on 9187. @default true */
  readonly monitoring?: boolean;
  /** A PgBouncer pooler; clients that connect to the cluster then go through it. @default - none */
  readonly pooler?: PostgresPoolerOptions;
  /**
   * Recovery point objective: the most data a disaster may lose, as a duration (`15m`, `1h`). It sets the archive
   * timeout and the WAL-age alert. @default '1h' (RECOVERY_DEFAULTS.rpo)
   */
  readonly rpo?: string;
  /** Recovery time objective: how long a restore may take, as a duration (`1h`, `4h`). @default - none declared */
  readonly rto?: string;
  /** Bootstrap from a backup (restore, point-in-time recovery) instead of an empty database. @default - `initdb` */
  readonly recovery?: PostgresRecoveryOptions;
}

/**
 * PostgreSQL run by CloudNativePG: a `Cluster` with TLS-only access (TLS 1.3 minimum), required
 * anti-affinity across nodes, backups through the barman-cloud plugin (`ObjectStore` plus a daily
 * `ScheduledBackup`), a PodMonitor and an optional PgBouncer `Pooler`.
 */
export class PostgresCluster extends Construct implements IPeer {
  /** Cluster name. */
  public readonly name: string;
  /** Instances. */
  public readonly instances: number;
  /** The application database. */
  public readonly databaseName: string;
  /** Owner of the application database. */
  public readonly owner: string;
  /** The Secret with the owner's `username` and `password`. */
  public readonly credentialsSecret: string;
  /** PostgreSQL's port. */
  public readonly port = POSTGRES_DEFAULTS.port;
  /** The read-write Service (the primary). */
  public readonly readWriteServiceName: string;
  /** Labels of the instance pods (CloudNativePG sets `cnpg.io/cluster`). */
  public readonly podSelector: Record<string, string>;
  /** Name for reports and policies. */
  public readonly peerName: string;
  /** The pooler, when asked for. */
  public readonly pooler?: PostgresPooler;
  /** Backup settings. @default - no backups */
  public readonly backup?: PostgresBackupOptions;
  /** The `Cluster` resource. */
  public readonly resource: cnpg.Cluster;
  /** The PostgreSQL image. */
  public readonly imageName: string;
  /** Where the instances serve metrics (when monitored). */
  public readonly metricsPort?: number;
  /** The recovery point objective in seconds. */
  public readonly rpoSeconds: number;
  /** The recovery time objective in seconds. @default - none declared */
  public readonly rtoSeconds?: number;
  /** PostgreSQL's `archive_timeout` (meaningful with backups): given, or derived from the RPO. */
  public readonly archiveTimeout: string;
  /** The backup tiers (none without backups). */
  public readonly tiers: ReadonlyArray<Required<PostgresBackupTier>>;
  /** The cluster's folder in its backup destination. */
  public readonly archiveServerName: string;
  /** What it restores from. @default - nothing (`initdb`) */
  public readonly recovery?: PostgresRecoveryOptions;
  /** The pruner of `volume-snapshot` tiers. @default - none */
  public readonly pruner?: SnapshotBackupPruner;

  constructor(scope: Construct, id: string, props: PostgresClusterProps) {
    super(scope, id);
    this.name = props.name ?? id;
    this.peerName = this.name;
    const critical = this.node.tryGetContext(CRITICAL_CONTEXT) === true;
    this.instances = props.instances ?? (critical ? POSTGRES_DEFAULTS.criticalInstances : POSTGRES_DEFAULTS.instances);
    this.databaseName = props.database;
    this.owner = props.owner ?? props.database;
    this.credentialsSecret = props.credentialsSecret;
    this.readWriteServiceName = `${this.name}-rw`;
    this.podSelector = { 'cnpg.io/cluster': this.name };
    this.imageName = props.imageName ?? `${POSTGRES_DEFAULTS.repository}:${props.version ?? POSTGRES_DEFAULTS.version}`;
    this.metricsPort = (props.monitoring ?? POSTGRES_DEFAULTS.monitoring) ? POSTGRES_METRICS_PORT : undefined;
    const resources = props.resources ?? POSTGRES_DEFAULTS.resources;
    const storageSize = props.storageSize ?? POSTGRES_DEFAULTS.storageSize;

    const backup = props.backup;
    this.backup = backup;
    this.rpoSeconds = objectiveSeconds(props.rpo ?? RECOVERY_DEFAULTS.rpo);
    this.rtoSeconds = props.rto === undefined ? undefined : objectiveSeconds(props.rto);
    this.tiers = backup ? backupTiers(backup) : [];
    this.archiveServerName = backup?.serverName ?? this.name;
    // A bad RPO is reported below; the timeout then follows the default, so it adds no second error.
    this.archiveTimeout =
      backup?.archiveTimeout ??
      postgresDuration(archiveTimeoutForRpo(Number.isNaN(this.rpoSeconds) ? objectiveSeconds(RECOVERY_DEFAULTS.rpo) : this.rpoSeconds));
    this.recovery = props.recovery;
    this.validate(props, resources, storageSize);

    const objectStoreName = `${this.name}-backup`;
    const sourceStoreName = `${this.name}-recovery-source`;
    const snapshotTiers = this.tiers.filter((t) => t.method === 'volume-snapshot');
    const recovery = props.recovery;
    this.resource = new cnpg.Cluster(this, 'Resource', {
      metadata: { name: this.name },
      spec: {
        instances: this.instances,
        imageName: this.imageName,
        primaryUpdateStrategy: cnpg.ClusterSpecPrimaryUpdateStrategy.UNSUPERVISED,
        storage: { size: storageSize, storageClass: props.storageClass },
        resources: {
          requests: {
            cpu: cnpg.ClusterSpecResourcesRequests.fromString(resources.requests.cpu),
            memory: cnpg.ClusterSpecResourcesRequests.fromString(resources.requests.memory),
          },
          limits: {
            cpu: cnpg.ClusterSpecResourcesLimits.fromString(resources.limits.cpu),
            memory: cnpg.ClusterSpecResourcesLimits.fromString(resources.limits.memory),
          },
        },
        affinity:
          this.instances > 1 ? { enablePodAntiAffinity: true, podAntiAffinityType: 'required', topologyKey: 'kubernetes.io/hostname' } : undefined,
        bootstrap: recovery
          ? {
              recovery: {
                source: RECOVERY_SOURCE,
                database: this.databaseName,
                owner: this.owner,
                secret: { name: this.credentialsSecret },
                recoveryTarget: recovery.targetTime === undefined ? undefined : { targetTime: recovery.targetTime },
              },
            }
          : { initdb: { database: this.databaseName, owner: this.owner, secret: { name: this.credentialsSecret } } },
        // A replica cluster follows the source's archive until promoted (`enabled: false`).
        replica: recovery?.follow === undefined ? undefined : { enabled: recovery.follow, source: RECOVERY_SOURCE },
        externalClusters: recovery
          ? // The CRD's defaults written out (an atomic list: a defaulted field would change the object at every apply).
            [
              {
                name: RECOVERY_SOURCE,
                plugin: {
                  name: BARMAN_CLOUD_PLUGIN,
                  enabled: true,
                  isWalArchiver: false,
                  parameters: { barmanObjectName: sourceStoreName, serverName: recovery.source.serverName ?? this.name },
                },
              },
            ]
          : undefined,
        postgresql: {
          parameters: {
            ssl_min_protocol_version: 'TLSv1.3',
            ...(backup ? { archive_timeout: this.archiveTimeout } : {}),
          },
          // CloudNativePG appends `host all all all <method>` after these rules; rejecting every
          // non-TLS host connection first leaves TLS (hostssl) as the only way in.
          pgHba: ['hostnossl all all all reject', 'hostssl all all all scram-sha-256'],
        },
        // Online snapshots (the WAL archive makes them consistent); deleting a Backup deletes its snapshots.
        backup:
          snapshotTiers.length > 0
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
                parameters: { barmanObjectName: objectStoreName, ...(backup.serverName === undefined ? {} : { serverName: backup.serverName }) },
              },
            ]
          : undefined,
      },
    });

    if (backup) {
      const compression = backup.compression ?? POSTGRES_DEFAULTS.compression;
      const storeTier = this.tiers.find((t) => t.method === 'object-store');
      new objectstore.ObjectStore(this, 'ObjectStore', {
        metadata: { name: objectStoreName },
        spec: {
          retentionPolicy: storeTier?.retention,
          configuration: {
            destinationPath: backup.destinationPath,
            endpointUrl: backup.endpointUrl,
            s3Credentials: s3Credentials(backup.credentialsSecret),
            wal: { compression: compression as objectstore.ObjectStoreSpecConfigurationWalCompression },
            data: { compression: compression as objectstore.ObjectStoreSpecConfigurationDataCompression },
          },
        },
      });
      for (const tier of this.tiers) {
        const snapshot = tier.method === 'volume-snapshot';
        new scheduled.ScheduledBackup(this, tier.name === POSTGRES_DEFAULTS.tierName ? 'ScheduledBackup' : `ScheduledBackup-${tier.name}`, {
          metadata: { name: `${this.name}-${tier.name}` },
          spec: {
            cluster: { name: this.name },
            schedule: tier.schedule,
            method: snapshot ? scheduled.ScheduledBackupSpecMethod.VOLUME_SNAPSHOT : scheduled.ScheduledBackupSpecMethod.PLUGIN,
            pluginConfiguration: snapshot ? undefined : { name: BARMAN_CLOUD_PLUGIN },
            backupOwnerReference: scheduled.ScheduledBackupSpecBackupOwnerReference.SELF,
          },
        });
      }
      if (snapshotTiers.length > 0 && backup.apiServer) {
        this.pruner = new SnapshotBackupPruner(this, 'SnapshotPruner', {
          name: `${this.name}-prune-snapshots`,
          tiers: snapshotTiers.map((t) => ({ scheduledBackup: `${this.name}-${t.name}`, retention: t.retention })),
          apiServer: backup.apiServer,
          image: backup.pruneImage,
        });
      }
    }

    if (recovery) {
      // Read only: no retention, so nothing of the source is ever deleted from here.
      new objectstore.ObjectStore(this, 'RecoverySource', {
        metadata: { name: sourceStoreName },
        spec: {
          configuration: {
            destinationPath: recovery.source.destinationPath,
            endpointUrl: recovery.source.endpointUrl,
            s3Credentials: s3Credentials(recovery.source.credentialsSecret),
          },
        },
      });
    }

    if (props.monitoring ?? POSTGRES_DEFAULTS.monitoring) {
      // The exporter's series get job="<cluster name>" (from the instances' cnpg.io/cluster label).
      new PodMetrics(this, 'PodMonitor', { name: this.name, podSelector: this.podSelector, jobLabel: 'cnpg.io/cluster', port: 'metrics' });
    }

    if (props.pooler) {
      this.pooler = new PostgresPooler(this, 'Pooler', { cluster: this, ...props.pooler });
    }
  }

  /**
   * Where clients connect: the pooler when there is one, else the read-write Service.
   * Records the client's edge in the chart's {@link Connections}.
   */
  public connectClient(client: IPeer): { host: string; port: number } {
    const connections = Connections.of(this);
    if (this.pooler) {
      connections.add({ from: client, to: this.pooler, port: this.port, purpose: 'database' });
      return { host: this.pooler.name, port: this.port };
    }
    connections.add({ from: client, to: this, port: this.port, purpose: 'database' });
    return { host: this.readWriteServiceName, port: this.port };
  }

  private validate(props: PostgresClusterProps, resources: ContainerResources, storageSize: string): void {
    const problems = new PropertyProblems(this);
    if (!Number.isInteger(this.instances) || this.instances < 1) {
      problems.add('instances', 'must be a whole number of at least 1', props.instances, 'set instances to 1 (single) or 3 (highly available)');
    }
    if (props.version !== undefined && !IMAGE_TAG.test(props.version)) {
      problems.add('version', 'is not an image tag', props.version, "use a PostgreSQL release such as '17.6'");
    }
    if (!IMAGE_REFERENCE.test(this.imageName)) {
      problems.add('imageName', 'is not an image with tag or digest', props.imageName, IMAGE_REFERENCE.fix);
    }
    const storage = parseQuantity(storageSize);
    if (storage === undefined) {
      problems.add('storageSize', 'is not a Kubernetes quantity', storageSize, 'use a size such as 10Gi');
    } else if (storage <= 0) {
      problems.add('storageSize', 'must be more than 0 (the API server refuses an empty volume)', storageSize, 'use a size such as 10Gi');
    }
    problems.check(() => validateResources(this, resources));
    const backup = props.backup;
    if (backup) {
      if (!S3_PATH.test(backup.destinationPath)) {
        problems.add('backup.destinationPath', 'is not an s3:// URL', backup.destinationPath, S3_PATH.fix);
      }
      if (backup.endpointUrl !== undefined && !HTTPS_URL.test(backup.endpointUrl)) {
        problems.add('backup.endpointUrl', 'is not an https:// URL', backup.endpointUrl, 'use the https:// endpoint of the object store');
      }
      if (backup.serverName !== undefined && !DNS_LABEL.test(backup.serverName)) {
        problems.add('backup.serverName', 'is not a folder name', backup.serverName, 'use lower-case letters, digits and hyphens, e.g. dvmm-db-2');
      }
      this.validateTiers(problems, backup);
      const timeout = postgresDurationSeconds(this.archiveTimeout);
      if (Number.isNaN(timeout)) {
        problems.add(
          'backup.archiveTimeout',
          'is not a PostgreSQL duration',
          backup.archiveTimeout,
          "use seconds or minutes such as '60s' or '5min', or leave it out to derive it from the RPO",
        );
      } else if (timeout > maxArchiveTimeoutForRpo(this.rpoSeconds)) {
        problems.add(
          'backup.archiveTimeout',
          `cannot meet the RPO of ${props.rpo ?? RECOVERY_DEFAULTS.rpo}: a WAL segment may wait this long before it is archived, and the upload needs the rest`,
          backup.archiveTimeout,
          `use at most ${postgresDuration(maxArchiveTimeoutForRpo(this.rpoSeconds))} (half the RPO), or leave it out to derive it from the RPO`,
        );
      }
    }
    if (Number.isNaN(this.rpoSeconds)) {
      problems.add('rpo', 'is not a duration', props.rpo, "use the recovery point objective as a duration such as '1h' or '15m'");
    } else if (this.rpoSeconds < RECOVERY_DEFAULTS.minRpoSeconds) {
      problems.add(
        'rpo',
        'is under a minute, which WAL archiving cannot meet',
        props.rpo,
        "use at least '1m'; a smaller loss needs synchronous replication to another site",
      );
    }
    if (this.rtoSeconds !== undefined && Number.isNaN(this.rtoSeconds)) {
      problems.add('rto', 'is not a duration', props.rto, "use the recovery time objective as a duration such as '4h'");
    }
    if (props.recovery) this.validateRecovery(problems, props.recovery, backup);
    problems.throwIfAny();
  }

  private validateTiers(problems: PropertyProblems, backup: PostgresBackupOptions): void {
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
    this.tiers.forEach((tier, i) => {
      const at = backup.tiers === undefined ? 'backup' : `backup.tiers[${i}]`;
      if (backup.tiers !== undefined && !DNS_LABEL.test(`${this.name}-${tier.name}`))
        problems.add(
          `${at}.name`,
          'does not make a valid ScheduledBackup name',
          tier.name,
          'use lower-case letters, digits and hyphens, e.g. monthly',
        );
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
      if (retentionDays(tier.retention) === undefined) {
        problems.add(`${at}.retention`, 'is not a CloudNativePG retention policy', tier.retention, "use <number><d|w|m>, e.g. '30d'");
      }
      if (tier.method !== 'object-store' && tier.method !== 'volume-snapshot')
        problems.add(`${at}.method`, 'is not a backup method', tier.method, 'use object-store or volume-snapshot');
    });
    const stored = this.tiers.filter((t) => t.method === 'object-store');
    if (this.tiers.length > 0 && stored.length === 0) {
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
        `keep object-store backups for different times (${retentions.join(', ')}), which the barman-cloud plugin cannot do: it sends every backup of a cluster to its one ObjectStore and keeps them by one recovery window (plugin issues #611, #677)`,
        stored.map((t) => `${t.name}: ${t.retention}`),
        'give the object-store tiers one retention, and make the longer-kept tier method: volume-snapshot',
      );
    }
    if (stored.length < this.tiers.length) {
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
  }

  private validateRecovery(problems: PropertyProblems, recovery: PostgresRecoveryOptions, backup: PostgresBackupOptions | undefined): void {
    const source = recovery.source;
    if (!S3_PATH.test(source.destinationPath))
      problems.add('recovery.source.destinationPath', 'is not an s3:// URL', source.destinationPath, S3_PATH.fix);
    if (source.endpointUrl !== undefined && !HTTPS_URL.test(source.endpointUrl))
      problems.add('recovery.source.endpointUrl', 'is not an https:// URL', source.endpointUrl, 'use the https:// endpoint of the object store');
    const serverName = source.serverName ?? this.name;
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
    if (
      backup &&
      archiveLocation(backup.destinationPath, backup.endpointUrl, this.archiveServerName) ===
        archiveLocation(source.destinationPath, source.endpointUrl, serverName)
    ) {
      problems.add(
        'backup.serverName',
        "is the recovery source's own live path: the restored cluster would archive into the archive it restores from",
        this.archiveServerName,
        `give the restored cluster a new folder, e.g. backup.serverName: ${serverName}-r1 (or another destinationPath)`,
      );
    }
  }
}

/** Props of {@link PostgresPooler}. */
export interface PostgresPoolerProps extends PostgresPoolerOptions {
  /** The cluster it pools. */
  readonly cluster: PostgresCluster;
}

/** A CloudNativePG PgBouncer `Pooler` for a cluster's read-write service. */
export class PostgresPooler extends Construct implements IPeer {
  /** Pooler name: the Service clients connect to. */
  public readonly name: string;
  /** Name for reports and policies. */
  public readonly peerName: string;
  /** Labels of the pooler pods (CloudNativePG sets `cnpg.io/poolerName`). */
  public readonly podSelector: Record<string, string>;

  constructor(scope: Construct, id: string, props: PostgresPoolerProps) {
    super(scope, id);
    this.name = `${props.cluster.name}-pooler-rw`;
    this.peerName = this.name;
    this.podSelector = { 'cnpg.io/poolerName': this.name };
    const instances = props.instances ?? POSTGRES_POOLER_DEFAULTS.instances;
    if (!Number.isInteger(instances) || instances < 1) {
      throw new PropertyError(this, 'instances', 'must be a whole number of at least 1', props.instances, 'set pooler instances to 1 or more');
    }
    new pooler.Pooler(this, 'Resource', {
      metadata: { name: this.name },
      spec: {
        cluster: { name: props.cluster.name },
        instances,
        type: pooler.PoolerSpecType.RW,
        pgbouncer: {
          poolMode:
            (props.poolMode ?? POSTGRES_POOLER_DEFAULTS.poolMode) === 'session'
              ? pooler.PoolerSpecPgbouncerPoolMode.SESSION
              : pooler.PoolerSpecPgbouncerPoolMode.TRANSACTION,
          parameters: {
            max_client_conn: String(props.maxClientConnections ?? POSTGRES_POOLER_DEFAULTS.maxClientConnections),
            default_pool_size: String(props.defaultPoolSize ?? POSTGRES_POOLER_DEFAULTS.defaultPoolSize),
          },
        },
      },
    });
    Connections.of(this).add({ from: this, to: props.cluster, port: props.cluster.port, purpose: 'pooler' });
  }
}

const CRON_FIELDS: Array<{ name: string; min: number; max: number; names?: string[] }> = [
  { name: 'seconds', min: 0, max: 59 },
  { name: 'minutes', min: 0, max: 59 },
  { name: 'hours', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day-of-week', min: 0, max: 6, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

/**
 * Checks a cron expression the way CloudNativePG's scheduler (robfig/cron with seconds) reads it:
 * exactly 6 fields, each `*`, `?`, a value, a range `a-b`, a list `a,b` or a step `x/n`.
 * @returns what is wrong, or undefined when the expression is valid
 */
export function checkCnpgCron(expression: string): string | undefined {
  if (/^@(yearly|annually|monthly|weekly|daily|midnight|hourly)$/.test(expression)) return undefined;
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 6) return `it has ${fields.length} fields`;
  for (let i = 0; i < 6; i++) {
    const spec = CRON_FIELDS[i];
    const value = (text: string) => {
      const index = spec.names?.indexOf(text.toUpperCase()) ?? -1;
      const n = index >= 0 ? index + spec.min : /^\d+$/.test(text) ? Number(text) : NaN;
      return n >= spec.min && n <= spec.max ? n : undefined;
    };
    for (const part of fields[i].split(',')) {
      const [range, step] = part.split('/');
      if (step !== undefined && !/^[1-9]\d*$/.test(step)) return `${spec.name} has a bad step in "${part}"`;
      if (range === '*' || range === '?') continue;
      const [low, high] = range.split('-');
      if (value(low) === undefined || (high !== undefined && (value(high) === undefined || value(high)! < value(low)!))) {
        return `${spec.name} "${part}" is outside ${spec.min}-${spec.max}`;
      }
    }
  }
  return undefined;
}

/** The external cluster a restore reads from. */
const RECOVERY_SOURCE = 'recovery-source';

/** The tiers of a backup: its `tiers`, or one `daily` tier of its `schedule` and `retention`; methods filled in. */
function backupTiers(backup: PostgresBackupOptions): Array<Required<PostgresBackupTier>> {
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
function s3Credentials(secret: string) {
  return {
    accessKeyId: { name: secret, key: OBJECT_STORE_KEYS.accessKeyId },
    secretAccessKey: { name: secret, key: OBJECT_STORE_KEYS.secretAccessKey },
  };
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
