import { Construct } from 'constructs';
import * as objectstore from '../../imports/barman-objectstore-barmancloud.cnpg.io';
import * as cnpg from '../../imports/cnpg-cluster-postgresql.cnpg.io';
import { BARMAN_CLOUD_PLUGIN, s3Credentials } from './postgres-backup';

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

/** What a cluster's bootstrap needs to know of it: its name and its application database. */
export interface BootstrappedCluster {
  readonly name: string;
  readonly databaseName: string;
  readonly owner: string;
  /** The owner's credentials. @default - CloudNativePG generates them (`<cluster>-app`) */
  readonly credentialsSecret?: string;
}

/** The external cluster a restore reads from. */
const RECOVERY_SOURCE = 'recovery-source';

/** The ObjectStore a restore reads the source's archive through. */
export function recoverySourceStoreName(clusterName: string): string {
  return `${clusterName}-recovery-source`;
}

/**
 * How a cluster starts: an empty database (`initdb`), or a restore of `recovery`'s archive (`recovery`, read as the
 * external cluster `recovery-source`), following it as a replica cluster when `recovery.follow` is given.
 */
export function bootstrapSpec(
  cluster: BootstrappedCluster,
  recovery: PostgresRecoveryOptions | undefined,
): Pick<cnpg.ClusterSpec, 'bootstrap' | 'replica' | 'externalClusters'> {
  const secret = cluster.credentialsSecret === undefined ? undefined : { name: cluster.credentialsSecret };
  const database = { database: cluster.databaseName, owner: cluster.owner, secret };
  if (!recovery) return { bootstrap: { initdb: database } };
  return {
    bootstrap: {
      recovery: {
        source: RECOVERY_SOURCE,
        ...database,
        recoveryTarget: recovery.targetTime === undefined ? undefined : { targetTime: recovery.targetTime },
      },
    },
    // A replica cluster follows the source's archive until promoted (`enabled: false`).
    replica: recovery.follow === undefined ? undefined : { enabled: recovery.follow, source: RECOVERY_SOURCE },
    // The CRD's defaults written out (an atomic list: a defaulted field would change the object at every apply).
    externalClusters: [
      {
        name: RECOVERY_SOURCE,
        plugin: {
          name: BARMAN_CLOUD_PLUGIN,
          enabled: true,
          isWalArchiver: false,
          parameters: { barmanObjectName: recoverySourceStoreName(cluster.name), serverName: recovery.source.serverName ?? cluster.name },
        },
      },
    ],
  };
}

/** The ObjectStore (`RecoverySource`, in `cluster`) a restore reads the source's archive through. */
export function addRecoverySource(cluster: Construct, clusterName: string, recovery: PostgresRecoveryOptions): void {
  new objectstore.ObjectStore(cluster, 'RecoverySource', recoverySourceStore(clusterName, recovery.source));
}

/**
 * The ObjectStore (its props) a restore of `clusterName` reads `source` through. Read only: no retention, so nothing
 * of the source is ever deleted from here.
 */
export function recoverySourceStore(clusterName: string, source: PostgresArchiveSource, namespace?: string): objectstore.ObjectStoreProps {
  return {
    metadata: { name: recoverySourceStoreName(clusterName), namespace },
    spec: {
      configuration: {
        destinationPath: source.destinationPath,
        endpointUrl: source.endpointUrl,
        s3Credentials: s3Credentials(source.credentialsSecret),
      },
    },
  };
}
