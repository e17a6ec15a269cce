import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PodMetrics } from '../observability/pod-metrics';
import * as kc from '../../imports/keycloak-k8s.keycloak.org';
import * as realmimport from '../../imports/keycloak-realmimport-k8s.keycloak.org';
import { Connections, IPeer, PodPeer } from '../core/connections';
import { PropertyProblems } from '../core/errors';
import { deepFreeze } from '../core/freeze';
import { CRITICAL_CONTEXT } from '../core/labels';
import { childPropsFrom } from '../core/provenance';
import { EnvSource, envValue, SecretKeyReference } from '../core/secrets';
import { PostgresCluster, PostgresClusterProps } from '../data/postgres-cluster';
import {
  ContainerResources,
  createDisruptionBudget,
  finishPodTemplate,
  httpProbe,
  RESTRICTED_CONTAINER,
  validateResources,
  withoutEmptyExternalIps,
} from '../pods/pod-template';
import { IdentityClientOptions, IIdentityProvider, InClusterIdentity } from './identity-provider';

/** Keycloak defaults of the platform (PLATFORM.md). Frozen: override through props. */
export const KEYCLOAK_DEFAULTS = deepFreeze({
  /** Keycloak 26.0, pinned to a patch release. */
  image: 'quay.io/keycloak/keycloak:26.0.7',
  instances: 1,
  /** Servers in a critical environment (the construct context `@eaf/cdk8s:critical`): one can fail. */
  criticalInstances: 2,
  httpPort: 8080,
  managementPort: 9000,
  /** JGroups data port of the Infinispan cluster. */
  clusteringPort: 7800,
  /** JGroups failure detection (FD_SOCK2): the data port + 50000. */
  failureDetectionPort: 57800,
  resources: {
    requests: { cpu: '500m', memory: '1Gi' },
    limits: { cpu: '2', memory: '2Gi' },
  } satisfies ContainerResources,
});

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
    const problems = new PropertyProblems(this);
    if (!['operator', 'workload'].includes(this.backend)) {
      problems.add('backend', 'is not a known Keycloak backend', props.backend, "use 'operator' or 'workload'");
    }
    if (!Number.isInteger(this.instances) || this.instances < 1) {
      problems.add('instances', 'must be a whole number of at least 1', props.instances, 'set instances to 1 or more');
    }
    problems.check(() => validateResources(this, resources));
    if (this.backend === 'workload' && props.image === undefined) {
      problems.add(
        'image',
        'is required for the workload backend',
        props.image,
        'build an optimized image (kc.sh build --db=postgres --health-enabled=true --metrics-enabled=true) and set image to it',
      );
    }
    if (this.backend === 'workload' && props.realm) {
      problems.add(
        'realm',
        'can only be imported by the operator backend',
        '(realm)',
        "use backend 'operator' or import the realm with the admin CLI",
      );
    }
    if (props.realm) {
      findSecrets(props.realm).forEach(([here, problem, fix]) => problems.add(here, problem, '(redacted)', fix));
      const missing = [...new Set([...JSON.stringify(props.realm).matchAll(/\$\{([A-Za-z0-9_.-]+)\}/g)].map((m) => m[1]))].filter(
        (name) => !(name in (props.realmPlaceholders ?? {})),
      );
      for (const name of missing) {
        problems.add(
          'realmPlaceholders',
          `lacks the realm's placeholder ${name}`,
          Object.keys(props.realmPlaceholders ?? {}),
          `add ${name}: { secretName, key } to realmPlaceholders`,
        );
      }
    }
    problems.throwIfAny();

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
      this.renderOperator(props, resources, db);
    } else {
      this.podSelector = { 'app.kubernetes.io/name': this.name };
      this.renderWorkload(this.image, resources);
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

  private renderOperator(props: KeycloakProps, resources: ContainerResources, db: { host: string; port: number }): void {
    new kc.Keycloak(this, 'Resource', {
      metadata: { name: this.name },
      spec: {
        instances: this.instances,
        image: this.image,
        hostname: { hostname: props.hostname },
        http: { httpEnabled: true, httpPort: this.httpPort },
        httpManagement: { port: this.managementPort },
        proxy: { headers: 'xforwarded' },
        ingress: { enabled: false },
        db: {
          vendor: 'postgres',
          host: db.host,
          port: db.port,
          database: this.database.databaseName,
          usernameSecret: { name: this.database.credentialsSecret, key: 'username' },
          passwordSecret: { name: this.database.credentialsSecret, key: 'password' },
        },
        additionalOptions: [
          { name: 'health-enabled', value: 'true' },
          { name: 'metrics-enabled', value: 'true' },
        ],
        resources: {
          requests: {
            cpu: kc.KeycloakSpecResourcesRequests.fromString(resources.requests.cpu),
            memory: kc.KeycloakSpecResourcesRequests.fromString(resources.requests.memory),
          },
          limits: {
            cpu: kc.KeycloakSpecResourcesLimits.fromString(resources.limits.cpu),
            memory: kc.KeycloakSpecResourcesLimits.fromString(resources.limits.memory),
          },
        },
      },
    });
    if (props.realm) {
      // The operator imports the realm with a Job whose pod it labels app=keycloak-realm-import; the
      // pod writes to Keycloak's database.
      const importer = new PodPeer(this, 'RealmImportPods', {
        peerName: `${this.name}-realm-import`,
        podSelector: { 'app': 'keycloak-realm-import', 'app.kubernetes.io/instance': this.name },
      });
      this.database.connectClient(importer);
      new realmimport.KeycloakRealmImport(this, 'RealmImport', {
        metadata: { name: `${this.name}-realm-${String(props.realm.realm ?? 'import').toLowerCase()}` },
        spec: {
          keycloakCrName: this.name,
          realm: props.realm as realmimport.KeycloakRealmImportSpecRealm,
          placeholders:
            props.realmPlaceholders &&
            Object.fromEntries(
              Object.entries(props.realmPlaceholders).map(([name, ref]) => [name, { secret: { name: ref.secretName, key: ref.key } }]),
            ),
        },
      });
    }
  }

  private renderWorkload(image: string, resources: ContainerResources): void {
    const discovery = `${this.name}-discovery`;
    const serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', { metadata: { name: this.name }, automountToken: false });
    const headless = new kplus.Service(this, 'Discovery', {
      metadata: { name: discovery },
      clusterIP: 'None',
      ports: [{ name: 'jgroups', port: KEYCLOAK_DEFAULTS.clusteringPort, targetPort: KEYCLOAK_DEFAULTS.clusteringPort }],
    });
    const set = new kplus.StatefulSet(this, 'Resource', {
      metadata: { name: this.name },
      service: headless,
      replicas: this.instances,
      select: false,
      serviceAccount,
      automountServiceAccountToken: false,
      podMetadata: { labels: this.podSelector },
      securityContext: { ensureNonRoot: true },
    });
    set.select(kplus.LabelSelector.of({ labels: this.podSelector }));
    for (const [key, value] of Object.entries(this.podSelector)) headless.selectLabel(key, value);
    // cdk8s-plus points the governing Service at its hash label, which finishPodTemplate removes from the pods.
    ApiObject.of(withoutEmptyExternalIps(headless)).addJsonPatch(JsonPatch.remove('/spec/selector/cdk8s.io~1metadata.addr'));
    if (this.instances >= 2) createDisruptionBudget(this, 'Budget', this.name, this.podSelector);
    const env: Record<string, kplus.EnvValue> = {
      ...Object.fromEntries(this.bindDatabaseClient(this).map(([name, source]) => [name, envValue(this, source)])),
      KC_HOSTNAME: kplus.EnvValue.fromValue(this.url),
      KC_HTTP_ENABLED: kplus.EnvValue.fromValue('true'),
      KC_HTTP_PORT: kplus.EnvValue.fromValue(String(this.httpPort)),
      KC_HTTP_MANAGEMENT_PORT: kplus.EnvValue.fromValue(String(this.managementPort)),
      KC_PROXY_HEADERS: kplus.EnvValue.fromValue('xforwarded'),
      KC_CACHE: kplus.EnvValue.fromValue('ispn'),
      KC_CACHE_STACK: kplus.EnvValue.fromValue('kubernetes'),
      JAVA_OPTS_APPEND: kplus.EnvValue.fromValue(`-Djgroups.dns.query=${discovery}`),
    };
    const container = set.addContainer({
      name: 'keycloak',
      image,
      args: ['start', '--optimized'],
      ports: [
        { name: 'http', number: this.httpPort },
        { name: 'management', number: this.managementPort },
        { name: 'jgroups', number: KEYCLOAK_DEFAULTS.clusteringPort },
      ],
      envVariables: env,
      startup: httpProbe('/health/started', this.managementPort, { periodSeconds: 10, failureThreshold: 30 }),
      liveness: httpProbe('/health/live', this.managementPort, { periodSeconds: 10 }),
      readiness: httpProbe('/health/ready', this.managementPort, { periodSeconds: 10 }),
      imagePullPolicy: kplus.ImagePullPolicy.ALWAYS,
      securityContext: RESTRICTED_CONTAINER,
    });
    for (const [name, path] of [
      ['tmp', '/tmp'],
      ['data', '/opt/keycloak/data'],
    ]) {
      container.mount(path, kplus.Volume.fromEmptyDir(set, `Volume-${name}`, name));
    }
    const service = new kplus.Service(this, 'Service', {
      metadata: { name: this.serviceName },
      ports: [
        { name: 'http', port: this.httpPort, targetPort: this.httpPort },
        { name: 'management', port: this.managementPort, targetPort: this.managementPort },
      ],
    });
    for (const [key, value] of Object.entries(this.podSelector)) service.selectLabel(key, value);
    withoutEmptyExternalIps(service);
    finishPodTemplate(set, resources);
  }
}

const SECRET_KEY = /(secret|password|credential|privatekey|private_key)/i;
const PLACEHOLDER = /^\$\{[A-Za-z0-9_.-]+\}$/;

/**
 * Every secret value in a realm, as `[path, problem, fix]`: a value under a secret-like key (client secrets,
 * passwords, private keys, bind credentials, identity-provider secrets) that is not empty or a `${VAR}`
 * placeholder, in string form or in the string-array form of Keycloak's export (`config: { privateKey: ["..."] }`),
 * and user credentials.
 */
function findSecrets(realm: unknown, path = 'realm'): Array<[string, string, string]> {
  if (Array.isArray(realm)) return realm.flatMap((item, i) => findSecrets(item, `${path}[${i}]`));
  if (realm === null || typeof realm !== 'object') return [];
  return Object.entries(realm).flatMap(([key, value]): Array<[string, string, string]> => {
    const here = `${path}.${key}`;
    if (!SECRET_KEY.test(key)) return findSecrets(value, here);
    if (key.toLowerCase() === 'credentials' && Array.isArray(value) && value.length > 0) {
      return [[here, 'holds credentials', 'remove user credentials from the realm file; users set them on first login']];
    }
    // a string, or the strings of an array (Keycloak's export writes component config values as string arrays)
    const values = typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
    if (values.some((v) => v !== '' && !PLACEHOLDER.test(v))) {
      return [[here, 'holds a secret value', 'remove it from the realm file and use a ${PLACEHOLDER} filled from a Secret']];
    }
    return findSecrets(value, here);
  });
}
