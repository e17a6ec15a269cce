import { Construct } from 'constructs';
import { PodMetrics } from '../observability/pod-metrics';
import { Connections, IPeer } from '../core/connections';
import { CRITICAL_CONTEXT } from '../core/labels';
import { childPropsFrom } from '../core/provenance';
import { EnvSource, SecretKeyReference } from '../core/secrets';
import { PostgresCluster, PostgresClusterProps } from '../data/postgres-cluster';
import { ContainerResources } from '../pods/pod-template';
import { IdentityClientOptions, IIdentityProvider, InClusterIdentity } from './identity-provider';
import { KEYCLOAK_DEFAULTS } from './keycloak-defaults';
import { renderKeycloakOperator } from './keycloak-operator';
import { validateKeycloak } from './keycloak-validation';
import { renderKeycloakWorkload } from './keycloak-workload';

export { KEYCLOAK_DEFAULTS } from './keycloak-defaults';

/** Which way Keycloak is run. */
export type KeycloakBackend = 'operator' | 'workload';

/** Props of {@link Keycloak}. */
export interface KeycloakProps {
  /** Name of the Keycloak; its Service is `<name>-service`. @default - the construct id */
  readonly name?: string;
  /** Public hostname; the OIDC issuer base is `https://<hostname>`. */
  readonly hostname: string;
  /**
   * `operator`: the Keycloak Operator's `Keycloak` resource. `workload`: a StatefulSet with a headless
   * discovery Service, for clusters without the operator.
   * @default 'operator'
   */
  readonly backend?: KeycloakBackend;
  /** Keycloak servers. @default 1; 2 in a critical environment (construct context `@eaf/cdk8s:critical`) */
  readonly instances?: number;
  /**
   * Keycloak image. The workload backend starts it `--optimized` on a read-only root filesystem, so
   * it needs an image built with `kc.sh build --db=postgres --health-enabled=true --metrics-enabled=true`.
   * @default 'quay.io/keycloak/keycloak:26.0.7' (operator backend); required for the workload backend
   */
  readonly image?: string;
  /** Requests and limits. @default - 500m/1Gi requested, 2/2Gi limit */
  readonly resources?: ContainerResources;
  /**
   * The database. Identity data stays apart from tenant data.
   * @default - its own PostgresCluster `<name>-db` (database and owner `keycloak`, Secret `<name>-db-credentials`)
   */
  readonly database?: PostgresCluster;
  /** Settings of the own database, when `database` is not given. @default - 1 instance, platform sizes */
  readonly databaseOptions?: Partial<PostgresClusterProps>;
  /**
   * A realm to import (operator backend), as parsed from a realm JSON file. It must hold no secret
   * values: use the import's placeholders (`${VAR}`) instead.
   * @default - no import
   */
  readonly realm?: Record<string, unknown>;
  /**
   * Values for the realm's `${NAME}` placeholders, read from Secrets by the import. Every placeholder
   * the realm uses must be listed.
   * @default - none
   */
  readonly realmPlaceholders?: Record<string, SecretKeyReference>;
}

/**
 * Keycloak for a product: by default the Keycloak Operator's `Keycloak` resource (HTTP behind the edge
 * proxy with forwarded headers, the operator's Ingress disabled, health and metrics on the management
 * port) on its own PostgresCluster; or a StatefulSet for clusters without the operator.
 */
export class Keycloak extends Construct implements IPeer, IIdentityProvider {
  /** Name of the Keycloak. */
  public readonly name: string;
  /** Name for reports and policies. */
  public readonly peerName: string;
  /** The backend in use. */
  public readonly backend: KeycloakBackend;
  /** Servers. */
  public readonly instances: number;
  /** The Service serving HTTP. */
  public readonly serviceName: string;
  /** HTTP port of the Service. */
  public readonly httpPort = KEYCLOAK_DEFAULTS.httpPort;
  /** Management port (health, metrics). */
  public readonly managementPort = KEYCLOAK_DEFAULTS.managementPort;
  /** Metrics are scraped on the management port (`/metrics`). */
  public readonly metricsPort = KEYCLOAK_DEFAULTS.managementPort;
  /** `https://<hostname>`: the base of the OIDC issuer URL. */
  public readonly url: string;
  /** The database Keycloak runs on. */
  public readonly database: PostgresCluster;
  /** The Keycloak image the servers run; Keycloak's own tools (`kc.sh export`) run it too, so they match the schema. */
  public readonly image: string;
  /** Labels of the Keycloak pods. */
  public readonly podSelector: Record<string, string>;
  /** The PodMonitor of its metrics (`/metrics` on the management port; series `job="<name>"`). */
  public readonly podMetrics: PodMetrics;

  constructor(scope: Construct, id: string, props: KeycloakProps) {
    super(scope, id);
    this.name = props.name ?? id;
    this.peerName = this.name;
    this.backend = props.backend ?? 'operator';
    const critical = this.node.tryGetContext(CRITICAL_CONTEXT) === true;
    this.instances = props.instances ?? (critical ? KEYCLOAK_DEFAULTS.criticalInstances : KEYCLOAK_DEFAULTS.instances);
    this.serviceName = `${this.name}-service`;
    this.url = `https://${props.hostname}`;
    this.image = props.image ?? KEYCLOAK_DEFAULTS.image;
    const resources = props.resources ?? KEYCLOAK_DEFAULTS.resources;
    validateKeycloak(this, props, resources);

    // The database's props are this construct's databaseOptions: its errors are errors about them.
    childPropsFrom(this, 'Database', 'databaseOptions');
    this.database =
      props.database ??
      new PostgresCluster(this, 'Database', {
        name: `${this.name}-db`,
        database: 'keycloak',
        credentialsSecret: `${this.name}-db-credentials`,
        ...props.databaseOptions,
      });
    const db = this.database.connectClient(this);

    if (this.instances > 1) {
      // Members form one Infinispan cluster over JGroups (both backends use the default stack's port).
      for (const port of [KEYCLOAK_DEFAULTS.clusteringPort, KEYCLOAK_DEFAULTS.failureDetectionPort]) {
        Connections.of(this).add({ from: this, to: this, port, purpose: 'clustering' });
      }
    }
    if (this.backend === 'operator') {
      this.podSelector = { 'app': 'keycloak', 'app.kubernetes.io/instance': this.name };
      renderKeycloakOperator(this, props, resources, db);
    } else {
      this.podSelector = { 'app.kubernetes.io/name': this.name };
      renderKeycloakWorkload(this, this.image, resources);
    }
    // Both backends label the pods with the instance name: the operator as app.kubernetes.io/instance.
    const jobLabel = this.backend === 'operator' ? 'app.kubernetes.io/instance' : 'app.kubernetes.io/name';
    this.podMetrics = new PodMetrics(this, 'Metrics', {
      name: this.name,
      podSelector: this.podSelector,
      jobLabel,
      port: this.metricsPort,
      path: '/metrics',
    });
  }

  /** Keycloak runs in the product's namespace: its Service, pods, metrics and database. */
  public get inCluster(): InClusterIdentity {
    return {
      name: this.name,
      peer: this,
      service: { name: this.serviceName, port: this.httpPort },
      metricsJob: this.podMetrics.job,
      databases: [this.database],
    };
  }

  /**
   * Binds a client workload: records its edge to Keycloak's HTTP port and returns `KEYCLOAK_URL` (the public
   * issuer base), `KEYCLOAK_INTERNAL_URL` and Spring's JWK set URI (in-cluster, over the recorded edge),
   * `KEYCLOAK_REALM`, `KEYCLOAK_CLIENT_ID` and `KEYCLOAK_CLIENT_SECRET` (by reference).
   */
  public bindClient(client: IPeer, options: IdentityClientOptions): Array<[string, EnvSource]> {
    Connections.of(this).add({ from: client, to: this, port: this.httpPort, purpose: 'identity' });
    // Tokens name the public issuer; their signing keys are fetched in-cluster, over the recorded edge.
    const internal = `http://${this.serviceName}:${this.httpPort}`;
    return [
      ['KEYCLOAK_URL', { value: this.url }],
      ['KEYCLOAK_INTERNAL_URL', { value: internal }],
      ['SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_JWK_SET_URI', { value: `${internal}/realms/${options.realm}/protocol/openid-connect/certs` }],
      ['KEYCLOAK_REALM', { value: options.realm }],
      ['KEYCLOAK_CLIENT_ID', { value: options.clientId }],
      ...(options.clientSecret ? [['KEYCLOAK_CLIENT_SECRET', { secret: options.clientSecret }] as [string, EnvSource]] : []),
    ];
  }

  /**
   * Binds a client that runs Keycloak itself against Keycloak's database (`kc.sh export` or `import`): records its
   * database edge like any database client's and returns the settings the workload backend starts Keycloak with:
   * `KC_DB`, `KC_DB_URL_HOST`, `KC_DB_URL_PORT`, `KC_DB_URL_DATABASE`, and `KC_DB_USERNAME` and `KC_DB_PASSWORD` by
   * reference to the database's credentials Secret.
   */
  public bindDatabaseClient(client: IPeer): Array<[string, EnvSource]> {
    const db = this.database.connectClient(client);
    const credentials = this.database.credentialsSecret;
    return [
      ['KC_DB', { value: 'postgres' }],
      ['KC_DB_URL_HOST', { value: db.host }],
      ['KC_DB_URL_PORT', { value: String(db.port) }],
      ['KC_DB_URL_DATABASE', { value: this.database.databaseName }],
      ['KC_DB_USERNAME', { secret: { secretName: credentials, key: 'username' } }],
      ['KC_DB_PASSWORD', { secret: { secretName: credentials, key: 'password' } }],
    ];
  }
}
