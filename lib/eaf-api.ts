import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { assertSameChart, Connections } from './connections';
import { ContainerResources, EafWorkload, EafWorkloadOptions, httpProbe } from './eaf-workload';
import type { Keycloak } from './keycloak';
import type { PostgresCluster } from './postgres-cluster';
import { SecretKeyReference, secretEnvValue } from './secrets';

/** The Spring Boot API's defaults, from the platform's design (PLATFORM.md). */
export const EAF_API_DEFAULTS = {
  port: 8080,
  replicas: 3,
  resources: {
    requests: { cpu: '250m', memory: '512Mi', ephemeralStorage: '256Mi' },
    limits: { cpu: '1000m', memory: '1Gi', ephemeralStorage: '1Gi' },
  } satisfies ContainerResources,
} as const;

/** Props of {@link EafApi}. */
export interface EafApiProps extends EafWorkloadOptions {
  /**
   * HTTP port of the API (actuator endpoints included).
   * @default 8080
   */
  readonly port?: number;
  /**
   * Requests and limits.
   * @default - 250m/512Mi requested, 1000m/1Gi limit
   */
  readonly resources?: ContainerResources;
  /**
   * `SPRING_PROFILES_ACTIVE`.
   * @default - not set
   */
  readonly springProfile?: string;
  /**
   * Further plain environment variables (never secrets: use `secretEnv`).
   * @default - none
   */
  readonly env?: Record<string, string>;
  /**
   * Environment variables read from Secrets by reference.
   * @default - none
   */
  readonly secretEnv?: Record<string, SecretKeyReference>;
  /**
   * The database the API uses: sets `DB_HOST`, `DB_PORT`, `DB_NAME`, `DB_USER`, `DB_PASSWORD`.
   * @default - none; call `connectToDatabase` later
   */
  readonly database?: PostgresCluster;
  /**
   * The identity provider the API trusts: sets `KEYCLOAK_URL` (public issuer), `KEYCLOAK_INTERNAL_URL` and
   * Spring's JWK set URI (in-cluster), `KEYCLOAK_REALM`, `KEYCLOAK_CLIENT_ID`, `KEYCLOAK_CLIENT_SECRET`.
   * @default - none; call `connectToIdentity` later
   */
  readonly identity?: IdentityConnectionOptions;
}

/** How the API uses an identity provider. */
export interface IdentityConnectionOptions {
  /** The Keycloak. */
  readonly provider: Keycloak;
  /** The realm the API's tokens come from. */
  readonly realm: string;
  /** The API's OIDC client id. */
  readonly clientId: string;
  /** The Secret key with the client's secret, by reference. */
  readonly clientSecret: SecretKeyReference;
}

/**
 * The EAF Spring Boot API: port 8080, actuator startup/liveness/readiness probes, a writable `/tmp`
 * on a read-only root filesystem, restricted security context, Service, PDB and topology spread.
 */
export class EafApi extends EafWorkload {
  /** Environment variables of the API container, by name. */
  public readonly env: Record<string, kplus.EnvValue>;

  constructor(scope: Construct, id: string, props: EafApiProps) {
    const port = props.port ?? EAF_API_DEFAULTS.port;
    const env: Record<string, kplus.EnvValue> = {};
    if (props.springProfile !== undefined) env.SPRING_PROFILES_ACTIVE = kplus.EnvValue.fromValue(props.springProfile);
    for (const [name, value] of Object.entries(props.env ?? {})) env[name] = kplus.EnvValue.fromValue(value);
    for (const [name, ref] of Object.entries(props.secretEnv ?? {})) env[name] = secretEnvValue(scope, ref);
    super(scope, id, {
      ...props,
      replicas: props.replicas ?? EAF_API_DEFAULTS.replicas,
      component: 'api',
      container: {
        port,
        resources: props.resources ?? EAF_API_DEFAULTS.resources,
        env,
        // Spring Boot may need minutes for Flyway migrations: allow up to 5 minutes before liveness counts.
        startup: httpProbe('/actuator/health/liveness', port, { periodSeconds: 10, failureThreshold: 30 }),
        liveness: httpProbe('/actuator/health/liveness', port, { initialDelaySeconds: 30, periodSeconds: 10 }),
        readiness: httpProbe('/actuator/health/readiness', port, { initialDelaySeconds: 5, periodSeconds: 5 }),
        writablePaths: ['/tmp'],
      },
    });
    this.env = env;
    if (props.database) this.connectToDatabase(props.database);
    if (props.identity) this.connectToIdentity(props.identity);
  }

  /**
   * Connects the API to its database: `DB_HOST` is the cluster's read-write Service (or its pooler),
   * the credentials come from the cluster's Secret by reference; the edge is recorded once.
   */
  public connectToDatabase(database: PostgresCluster): void {
    assertSameChart(this, 'database', database);
    const endpoint = database.connectClient(this);
    this.setEnv('DB_HOST', kplus.EnvValue.fromValue(endpoint.host));
    this.setEnv('DB_PORT', kplus.EnvValue.fromValue(String(endpoint.port)));
    this.setEnv('DB_NAME', kplus.EnvValue.fromValue(database.databaseName));
    this.setEnv('DB_USER', secretEnvValue(this, { secretName: database.credentialsSecret, key: 'username' }));
    this.setEnv('DB_PASSWORD', secretEnvValue(this, { secretName: database.credentialsSecret, key: 'password' }));
  }

  /** Connects the API to its identity provider; the edge (API to Keycloak's HTTP port) is recorded once. */
  public connectToIdentity(options: IdentityConnectionOptions): void {
    assertSameChart(this, 'identity', options.provider);
    Connections.of(this).add({ from: this, to: options.provider, port: options.provider.httpPort, purpose: 'identity' });
    this.setEnv('KEYCLOAK_URL', kplus.EnvValue.fromValue(options.provider.url));
    // Tokens name the public issuer; their signing keys are fetched in-cluster, over the recorded edge.
    const internal = `http://${options.provider.serviceName}:${options.provider.httpPort}`;
    this.setEnv('KEYCLOAK_INTERNAL_URL', kplus.EnvValue.fromValue(internal));
    this.setEnv('SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_JWK_SET_URI', kplus.EnvValue.fromValue(`${internal}/realms/${options.realm}/protocol/openid-connect/certs`));
    this.setEnv('KEYCLOAK_REALM', kplus.EnvValue.fromValue(options.realm));
    this.setEnv('KEYCLOAK_CLIENT_ID', kplus.EnvValue.fromValue(options.clientId));
    this.setEnv('KEYCLOAK_CLIENT_SECRET', secretEnvValue(this, options.clientSecret));
  }

  private setEnv(name: string, value: kplus.EnvValue): void {
    if (name in this.env) {
      throw new Error(`${this.node.path}: environment variable ${name} is already set; connect the API to one database and one identity provider`);
    }
    this.env[name] = value;
    this.addEnvironment(name, value);
  }
}
