import { IConstruct } from 'constructs';
import { IPeer } from '../core/connections';
import type { PostgresCluster } from '../data/postgres-cluster';
import { EnvSource, SecretKeyReference } from '../core/secrets';

/** How a workload uses an identity provider: its realm and its OIDC client there. */
export interface IdentityClientOptions {
  /** The realm the workload's tokens come from. */
  readonly realm: string;
  /** The workload's OIDC client id. */
  readonly clientId: string;
  /** The Secret key with the client's secret, by reference. @default - a public client (no secret) */
  readonly clientSecret?: SecretKeyReference;
}

/**
 * An OIDC identity provider a workload can trust: the product's own Keycloak, or an issuer outside the
 * cluster. Binding a client records the network edge it needs and names the environment variables.
 */
export interface IIdentityProvider extends IConstruct {
  /**
   * Records the edge from `client` to the provider (connection record or external egress) and returns the
   * environment variables the client needs, in order.
   */
  bindClient(client: IPeer, options: IdentityClientOptions): Array<[string, EnvSource]>;
  /** What the provider runs in the cluster, when it does (the product's own Keycloak). @default - nothing: it runs outside */
  readonly inCluster?: InClusterIdentity;
}

/** The part of an identity provider that runs in the product's namespace: what a product chart exposes, scrapes and orders. */
export interface InClusterIdentity {
  /** The provider's name, e.g. `keycloak`: its alerts and dashboards name it. */
  readonly name: string;
  /** Its pods, as a network peer: the public host's ingress goes to them. */
  readonly peer: IPeer;
  /** The Service its public host routes to. */
  readonly service: { readonly name: string; readonly port: number };
  /** The `job` label of its scraped series. */
  readonly metricsJob: string;
  /** Its own databases. */
  readonly databases: readonly PostgresCluster[];
}
