import { Construct } from 'constructs';
import { PodMetrics } from '../observability/pod-metrics';
import * as cnpg from '../../imports/cnpg-cluster-postgresql.cnpg.io';
import { Connections, IPeer } from '../core/connections';
import { PropertyError } from '../core/errors';
import { CRITICAL_CONTEXT } from '../core/labels';
import { ContainerResources } from '../pods/pod-template';
import { addBackupObjects, backupSpec, backupTiers, PostgresBackupOptions, PostgresBackupTier } from './postgres-backup';
import { POSTGRES_DEFAULTS } from './postgres-defaults';
import { PostgresPooler, PostgresPoolerOptions } from './postgres-pooler';
import { addRecoverySource, bootstrapSpec, PostgresRecoveryOptions } from './postgres-recovery';
import { validatePostgresCluster } from './postgres-validation';
import { archiveTimeoutForRpo, objectiveSeconds, postgresDuration, RECOVERY_DEFAULTS } from './recovery-objectives';
import { PostgresRestoreDrill, PostgresRestoreDrillOptions } from './restore-drill';
import { SnapshotBackupPruner } from './snapshot-pruner';

// A cluster's parts live beside it, one concept per file; their public names are exported from here too.
export { BARMAN_CLOUD_PLUGIN, OBJECT_STORE_KEYS } from './postgres-backup';
export type { PostgresBackupMethod, PostgresBackupOptions, PostgresBackupTier } from './postgres-backup';
export { POSTGRES_DEFAULTS } from './postgres-defaults';
export { POSTGRES_POOLER_DEFAULTS, PostgresPooler } from './postgres-pooler';
export type { PostgresPoolerOptions, PostgresPoolerProps } from './postgres-pooler';
export type { PostgresArchiveSource, PostgresRecoveryOptions } from './postgres-recovery';
export type { PostgresRestoreDrillOptions } from './restore-drill';

/** Where CloudNativePG instances serve Prometheus metrics. */
export const POSTGRES_METRICS_PORT = 9187;

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
  /**
   * A scheduled restore drill of the backup into a scratch namespace ({@link PostgresRestoreDrill}); needs `backup`.
   * @default - none
   */
  readonly restoreDrill?: PostgresRestoreDrillOptions;
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
  /** The scheduled restore drill. @default - none */
  public readonly restoreDrill?: PostgresRestoreDrill;

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
    validatePostgresCluster(this, props, resources, storageSize);

    this.resource = new cnpg.Cluster(this, 'Resource', {
      metadata: { name: this.name },
      spec: this.clusterSpec(props, resources, storageSize),
    });
    if (backup) this.pruner = addBackupObjects(this, this.name, backup, this.tiers);
    if (props.recovery) addRecoverySource(this, this.name, props.recovery);
    if (props.restoreDrill) this.restoreDrill = this.addRestoreDrill(props, props.restoreDrill, storageSize);
    if (this.metricsPort !== undefined) {
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

  /** The drill of this cluster's archive: the same image and volume size, restored into its scratch namespace. */
  private addRestoreDrill(props: PostgresClusterProps, drill: PostgresRestoreDrillOptions, storageSize: string): PostgresRestoreDrill {
    const archive = drill.archive ?? (this.backup && { ...this.backup, serverName: this.archiveServerName });
    if (!archive) {
      throw new PropertyError(
        this,
        'restoreDrill',
        'needs a backup to restore',
        drill,
        'configure backup for this cluster, or give restoreDrill.archive',
      );
    }
    return new PostgresRestoreDrill(this, 'RestoreDrill', {
      readyTimeout: props.rto,
      ...drill,
      database: {
        name: this.name,
        databaseName: this.databaseName,
        owner: this.owner,
        imageName: this.imageName,
        archive,
        storageSize: drill.storageSize ?? storageSize,
        storageClass: props.storageClass,
      },
    });
  }

  /** The `Cluster`'s spec: instances, image, storage, TLS-only access, bootstrap, and what the backup adds. */
  private clusterSpec(props: PostgresClusterProps, resources: ContainerResources, storageSize: string): cnpg.ClusterSpec {
    return {
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
      ...bootstrapSpec(this, props.recovery),
      postgresql: {
        parameters: {
          ssl_min_protocol_version: 'TLSv1.3',
          ...(props.backup ? { archive_timeout: this.archiveTimeout } : {}),
        },
        // CloudNativePG appends `host all all all <method>` after these rules; rejecting every
        // non-TLS host connection first leaves TLS (hostssl) as the only way in.
        pgHba: ['hostnossl all all all reject', 'hostssl all all all scram-sha-256'],
      },
      ...backupSpec(this.name, props.backup, this.tiers),
    };
  }
}
