import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { EafApi, EAF_API_DEFAULTS } from './eaf-api';
import { EafFrontend, EAF_FRONTEND_DEFAULTS } from './eaf-frontend';
import { EafWorkloadOptions } from './eaf-workload';
import { ComponentConfig, DatabaseConfig, EnvironmentConfig, mergeResources } from './environment';
import { propertyError } from './errors';
import { Exposure } from './exposure';
import { Keycloak, KEYCLOAK_DEFAULTS } from './keycloak';
import { ExternalEndpoint, NetworkPolicies } from './network-policies';
import { POSTGRES_DEFAULTS, POSTGRES_METRICS_PORT, PostgresCluster, PostgresClusterProps } from './postgres-cluster';
import { ProductNamespace } from './product-namespace';
import { SecretKeyReference } from './secrets';
import { waive } from './waivers';

/** Props of {@link EafProductChart}. */
export interface EafProductChartProps extends ChartProps {
  /** Product name, e.g. `dvmm`: prefixes the namespace, secrets, realm and client id. */
  readonly product: string;
  /** The environment to render: what changes at release time. */
  readonly environment: EnvironmentConfig;
  /** Image repositories (without tag) of the product's components. */
  readonly images: { readonly api: string; readonly frontend: string };
  /**
   * Name of the Secret with the application database owner's `username` and `password`.
   * @default `<product>-db-credentials`
   */
  readonly databaseCredentialsSecret?: string;
  /**
   * The product's Keycloak realm, as parsed from its realm JSON file; imported by the operator. The
   * frontend client's (`<product>-frontend`) URLs are set to the environment's frontend host.
   * @default - no realm import
   */
  readonly realm?: Record<string, unknown>;
  /**
   * Secrets that fill the realm's `${NAME}` placeholders at import.
   * @default - none
   */
  readonly realmPlaceholders?: Record<string, SecretKeyReference>;
  /**
   * Name of the Secret with the API's OIDC `client-secret`.
   * @default `<product>-keycloak-client`
   */
  readonly identityClientSecret?: string;
  /**
   * Further plain environment variables of the API.
   * @default - none
   */
  readonly apiEnv?: Record<string, string>;
}

/**
 * One EAF product in one environment: its namespace, API, frontend and their public hosts.
 * Everything it renders lives below the construct `<product>/<environment>`, so error messages
 * name the environment.
 */
export class EafProductChart extends Chart {
  /** The product's namespace. */
  public readonly productNamespace: ProductNamespace;
  /** The Spring Boot API. */
  public readonly api: EafApi;
  /** The nginx frontend. */
  public readonly frontend: EafFrontend;
  /** The application database. */
  public readonly database: PostgresCluster;
  /** The identity provider. */
  public readonly identity: Keycloak;
  /** Default-deny networking with every allowed flow. */
  public readonly networkPolicies: NetworkPolicies;
  /** The environment this chart renders. */
  public readonly environment: EnvironmentConfig;

  constructor(scope: Construct, id: string, props: EafProductChartProps) {
    const env = props.environment;
    const namespace = env.namespace ?? `${props.product}-${env.name}`;
    super(scope, id, {
      ...props,
      namespace,
      labels: {
        'app.kubernetes.io/part-of': props.product,
        'app.kubernetes.io/managed-by': 'eaf-cdk8s',
        'eaf.io/environment': env.name,
        ...props.labels,
      },
    });
    this.environment = env;
    const root = new Construct(this, env.name);
    this.productNamespace = new ProductNamespace(root, 'namespace', { name: namespace });

    const product = props.product;
    this.database = new PostgresCluster(root, 'database', {
      ...databaseProps(root, 'database', env, env.database),
      name: `${product}-db`,
      database: product,
      credentialsSecret: props.databaseCredentialsSecret ?? `${product}-db-credentials`,
    });
    const identity = env.identity ?? {};
    this.identity = new Keycloak(root, 'keycloak', {
      name: 'keycloak',
      hostname: env.hosts.auth,
      backend: identity.backend,
      instances: identity.instances ?? (env.critical ? 2 : 1),
      image: identity.image,
      resources: mergeResources(KEYCLOAK_DEFAULTS.resources, identity.resources),
      databaseOptions: databaseProps(root, 'identity.database', env, identity.database),
      realm: props.realm && withFrontendUrls(props.realm, `${product}-frontend`, env.hosts.frontend),
      realmPlaceholders: props.realmPlaceholders,
    });
    for (const db of [this.database, this.identity.database]) {
      if (env.critical && !db.imageName.includes('@sha256:')) {
        waive(db.resource, 'image-tag-pinned', 'PostgreSQL versions are <major>.<minor> (e.g. 16.10 is a complete release) and '
          + 'CloudNativePG rebuilds such a tag only for OS fixes; pin a digest with database.imageName when the release pipeline resolves one');
      }
    }
    this.api = new EafApi(root, 'api', {
      ...workloadOptions(root, 'components.api', env, env.components.api, props.images.api),
      resources: mergeResources(EAF_API_DEFAULTS.resources, env.components.api.resources),
      springProfile: env.springProfile ?? env.name,
      env: props.apiEnv,
      database: this.database,
      identity: {
        provider: this.identity,
        realm: product,
        clientId: `${product}-api`,
        clientSecret: { secretName: props.identityClientSecret ?? `${product}-keycloak-client`, key: 'client-secret' },
      },
    });
    this.frontend = new EafFrontend(root, 'frontend', {
      ...workloadOptions(root, 'components.frontend', env, env.components.frontend, props.images.frontend),
      resources: mergeResources(EAF_FRONTEND_DEFAULTS.resources, env.components.frontend.resources),
    });

    new Exposure(root, 'frontend-exposure', { name: 'frontend', host: env.hosts.frontend, service: { name: this.frontend.service.name, port: this.frontend.port }, options: env.exposure });
    new Exposure(root, 'api-exposure', { name: 'api', host: env.hosts.api, service: { name: this.api.service.name, port: this.api.port }, options: env.exposure });
    new Exposure(root, 'auth-exposure', { name: 'keycloak', host: env.hosts.auth, service: { name: this.identity.serviceName, port: this.identity.httpPort }, options: env.exposure });
    const network = env.network ?? {};
    const external = (name: string, endpoint?: ExternalEndpoint) => endpoint ? [{ name, peer: this.api, endpoint }] : [];
    this.networkPolicies = new NetworkPolicies(root, 'network-policies', {
      platform: network.platform ?? (env.exposure.kind === 'route' ? 'openshift' : 'kubernetes'),
      ingressTargets: [
        { peer: this.frontend, port: this.frontend.port },
        { peer: this.api, port: this.api.port },
        { peer: this.identity, port: this.identity.httpPort },
      ],
      metricsTargets: [
        { peer: this.api, port: this.api.port },
        { peer: this.identity, port: this.identity.managementPort },
        { peer: this.database, port: POSTGRES_METRICS_PORT },
        { peer: this.identity.database, port: POSTGRES_METRICS_PORT },
      ],
      databases: [this.database, this.identity.database],
      databaseOperator: network.databaseOperatorNamespace === undefined ? undefined
        : { namespaceSelector: { 'kubernetes.io/metadata.name': network.databaseOperatorNamespace } },
      apiServer: network.apiServer,
      objectStore: network.objectStore,
      externalEgress: [...external('vsphere', network.vsphere), ...external('smtp', network.smtp)],
    });
  }
}

/** Maps an environment's database settings onto PostgresCluster props; critical environments must back up. */
function databaseProps(scope: Construct, path: string, env: EnvironmentConfig, config: DatabaseConfig = {}): Partial<PostgresClusterProps> {
  if (env.critical && !config.backup) {
    throw propertyError(scope, `${path}.backup`, 'is required in a critical environment', config.backup, `configure ${path}.backup (destinationPath, credentialsSecret) so WAL is archived and backups are kept`);
  }
  return {
    instances: config.instances ?? (env.critical ? 3 : 1),
    imageName: config.imageName,
    storageSize: config.storageSize,
    storageClass: config.storageClass,
    resources: mergeResources(POSTGRES_DEFAULTS.resources, config.resources),
    backup: config.backup,
    pooler: config.pooler,
  };
}

/** Points the frontend client of a realm at the environment's frontend host. */
function withFrontendUrls(realm: Record<string, unknown>, clientId: string, host: string): Record<string, unknown> {
  const clients = (realm.clients as Array<Record<string, unknown>> | undefined) ?? [];
  return {
    ...realm,
    clients: clients.map((c) => c.clientId === clientId
      ? { ...c, rootUrl: `https://${host}`, redirectUris: [`https://${host}/*`], webOrigins: [`https://${host}`] }
      : c),
  };
}

/** Maps a component's release-time settings onto workload props for the environment's release strategy. */
function workloadOptions(scope: Construct, path: string, env: EnvironmentConfig, component: ComponentConfig, image: string): EafWorkloadOptions {
  const common = { image: component.image ?? image, replicas: component.replicas, autoscaling: component.autoscaling };
  if (env.release.strategy === 'rolling') {
    if (component.tag === undefined) {
      throw propertyError(scope, `${path}.tag`, 'is required when the environment rolls', component.tag, `set ${path}.tag to the image version`);
    }
    return { ...common, tag: component.tag };
  }
  if (component.tags === undefined) {
    throw propertyError(scope, `${path}.tags`, 'is required when the environment releases blue-green', component.tags, `set ${path}.tags.blue and ${path}.tags.green`);
  }
  return {
    ...common,
    blueGreen: {
      activeColor: env.release.activeColor,
      blueTag: component.tags.blue,
      greenTag: component.tags.green,
      idleReplicas: env.release.idleReplicas,
    },
  };
}
