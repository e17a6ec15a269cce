import { IConstruct } from 'constructs';
import { IPeer } from '../core/connections';
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
}
