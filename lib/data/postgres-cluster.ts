import { Construct } from 'constructs';
import { PodMetrics } from '../observability/pod-metrics';
import * as objectstore from '../../imports/barman-objectstore-barmancloud.cnpg.io';
import * as cnpg from '../../imports/cnpg-cluster-postgresql.cnpg.io';
import * as pooler from '../../imports/cnpg-pooler-postgresql.cnpg.io';
import * as scheduled from '../../imports/cnpg-scheduledbackup-postgresql.cnpg.io';
import { Connections, IPeer } from '../core/connections';
import { PropertyError, PropertyProblems } from '../core/errors';
import { HTTPS_URL, IMAGE_REFERENCE, IMAGE_TAG, S3_PATH } from '../core/formats';
import { deepFreeze } from '../core/freeze';
import { parseQuantity } from '../core/quantity';
import { ContainerResources, validateResources } from '../pods/pod-template';

/** The barman-cloud plugin's name, as CloudNativePG knows it. */
export const BARMAN_CLOUD_PLUGIN = 'barman-cloud.cloudnative-pg.io';

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
  port: 5432,
  storageSize: '10Gi',
  resources: {
    requests: { cpu: '500m', memory: '1Gi' },
    limits: { cpu: '2', memory: '2Gi' },
  } satisfies ContainerResources,
  backupSchedule: '0 0 2 * * *',
  retention: '30d',
  /** WAL segments are shipped at least this often, so the RPO stays well under an hour. */
  archiveTimeout: '5min',
  compression: 'gzip' as const,
});

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
  /** Compression of WAL and data files. @default 'gzip' */
  readonly compression?: 'gzip' | 'bzip2' | 'snappy';
  /** PostgreSQL `archive_timeout`: the longest a WAL segment waits before it is archived. @default '5min' */
  readonly archiveTimeout?: string;
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
  /** PostgreSQL instances: 1 primary plus replicas. @default 1 */
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

  constructor(scope: Construct, id: string, props: PostgresClusterProps) {
    super(scope, id);
    this.name = props.name ?? id;
    this.peerName = this.name;
    this.instances = props.instances ?? POSTGRES_DEFAULTS.instances;
    this.databaseName = props.database;
    this.owner = props.owner ?? props.database;
    this.credentialsSecret = props.credentialsSecret;
    this.readWriteServiceName = `${this.name}-rw`;
    this.podSelector = { 'cnpg.io/cluster': this.name };
    this.imageName = props.imageName ?? `${POSTGRES_DEFAULTS.repository}:${props.version ?? POSTGRES_DEFAULTS.version}`;
    this.metricsPort = (props.monitoring ?? true) ? POSTGRES_METRICS_PORT : undefined;
    const resources = props.resources ?? POSTGRES_DEFAULTS.resources;
    const storageSize = props.storageSize ?? POSTGRES_DEFAULTS.storageSize;
    this.validate(props, resources, storageSize);

    const backup = props.backup;
    this.backup = backup;
    const objectStoreName = `${this.name}-backup`;
    this.resource = new cnpg.Cluster(this, 'Resource', {
      metadata: { name: this.name },
      spec: {
        instances: this.instances,
        imageName: this.imageName,
        primaryUpdateStrategy: cnpg.ClusterSpecPrimaryUpdateStrategy.UNSUPERVISED,
        storage: { size: storageSize, storageClass: props.storageClass },
        resources: {
          requests: { cpu: cnpg.ClusterSpecResourcesRequests.fromString(resources.requests.cpu), memory: cnpg.ClusterSpecResourcesRequests.fromString(resources.requests.memory) },
          limits: { cpu: cnpg.ClusterSpecResourcesLimits.fromString(resources.limits.cpu), memory: cnpg.ClusterSpecResourcesLimits.fromString(resources.limits.memory) },
        },
        affinity: this.instances > 1
          ? { enablePodAntiAffinity: true, podAntiAffinityType: 'required', topologyKey: 'kubernetes.io/hostname' }
          : undefined,
        bootstrap: { initdb: { database: this.databaseName, owner: this.owner, secret: { name: this.credentialsSecret } } },
        postgresql: {
          parameters: {
            ssl_min_protocol_version: 'TLSv1.3',
            ...(backup ? { archive_timeout: backup.archiveTimeout ?? POSTGRES_DEFAULTS.archiveTimeout } : {}),
          },
          // CloudNativePG appends `host all all all <method>` after these rules; rejecting every
          // non-TLS host connection first leaves TLS (hostssl) as the only way in.
          pgHba: ['hostnossl all all all reject', 'hostssl all all all scram-sha-256'],
        },
        // `enabled` is the CRD's default, written out so a re-apply changes nothing.
        plugins: backup
          ? [{ name: BARMAN_CLOUD_PLUGIN, enabled: true, isWalArchiver: true, parameters: { barmanObjectName: objectStoreName } }]
          : undefined,
      },
    });

    if (backup) {
      const compression = backup.compression ?? POSTGRES_DEFAULTS.compression;
      new objectstore.ObjectStore(this, 'ObjectStore', {
        metadata: { name: objectStoreName },
        spec: {
          retentionPolicy: backup.retention ?? POSTGRES_DEFAULTS.retention,
          configuration: {
            destinationPath: backup.destinationPath,
            endpointUrl: backup.endpointUrl,
            s3Credentials: {
              accessKeyId: { name: backup.credentialsSecret, key: 'ACCESS_KEY_ID' },
              secretAccessKey: { name: backup.credentialsSecret, key: 'ACCESS_SECRET_KEY' },
            },
            wal: { compression: compression as objectstore.ObjectStoreSpecConfigurationWalCompression },
            data: { compression: compression as objectstore.ObjectStoreSpecConfigurationDataCompression },
          },
        },
      });
      new scheduled.ScheduledBackup(this, 'ScheduledBackup', {
        metadata: { name: `${this.name}-daily` },
        spec: {
          cluster: { name: this.name },
          schedule: backup.schedule ?? POSTGRES_DEFAULTS.backupSchedule,
          method: scheduled.ScheduledBackupSpecMethod.PLUGIN,
          pluginConfiguration: { name: BARMAN_CLOUD_PLUGIN },
          backupOwnerReference: scheduled.ScheduledBackupSpecBackupOwnerReference.SELF,
        },
      });
    }

    if (props.monitoring ?? true) {
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
      const schedule = backup.schedule ?? POSTGRES_DEFAULTS.backupSchedule;
      const cronProblem = checkCnpgCron(schedule);
      if (cronProblem) {
        problems.add('backup.schedule', `is not a 6-field CloudNativePG cron expression: ${cronProblem}`, schedule, "use seconds minutes hours day-of-month month day-of-week, e.g. '0 0 2 * * *' for 02:00 daily");
      }
      const retention = backup.retention ?? POSTGRES_DEFAULTS.retention;
      if (!/^[1-9][0-9]*[dwm]$/.test(retention)) {
        problems.add('backup.retention', 'is not a CloudNativePG retention policy', retention, "use <number><d|w|m>, e.g. '30d'");
      }
      if (!(archiveTimeoutSeconds(backup.archiveTimeout ?? POSTGRES_DEFAULTS.archiveTimeout) < 3600)) {
        problems.add('backup.archiveTimeout', 'must be a PostgreSQL duration under 1h to keep the RPO under an hour', backup.archiveTimeout, "use e.g. '5min'");
      }
    }
    problems.throwIfAny();
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
    const instances = props.instances ?? 2;
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
          poolMode: props.poolMode === 'session' ? pooler.PoolerSpecPgbouncerPoolMode.SESSION : pooler.PoolerSpecPgbouncerPoolMode.TRANSACTION,
          parameters: {
            max_client_conn: String(props.maxClientConnections ?? 1000),
            default_pool_size: String(props.defaultPoolSize ?? 20),
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

/** A PostgreSQL duration of seconds, minutes or hours (`30s`, `5min`, `1h`) in seconds; NaN for anything else. */
function archiveTimeoutSeconds(text: string): number {
  const match = /^([1-9][0-9]*)(s|min|h)$/.exec(text);
  return match === null ? NaN : Number(match[1]) * { s: 1, min: 60, h: 3600 }[match[2] as 's' | 'min' | 'h'];
}
