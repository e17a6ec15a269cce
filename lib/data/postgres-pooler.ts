import { Construct } from 'constructs';
import * as pooler from '../../imports/cnpg-pooler-postgresql.cnpg.io';
import { Connections, IPeer } from '../core/connections';
import { PropertyError } from '../core/errors';
import { deepFreeze } from '../core/freeze';
import type { PostgresCluster } from './postgres-cluster';

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
