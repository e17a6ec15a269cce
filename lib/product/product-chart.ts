import { ApiObject, Chart, ChartProps } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { PropertyError, PropertyErrors, ValueErrors } from '../core/errors';
import { CRITICAL_CONTEXT } from '../core/labels';
import { RuleId, waive } from '../core/waivers';
import { PostgresCluster, POSTGRES_DEFAULTS, PostgresClusterProps, PostgresRecoveryOptions } from '../data/postgres-cluster';
import { objectiveSeconds, RECOVERY_DEFAULTS } from '../data/recovery-objectives';
import { ExternalOidcIssuer } from '../identity/external-oidc';
import { Keycloak, KEYCLOAK_DEFAULTS } from '../identity/keycloak';
import { REALM_EXPORT_DEFAULTS, RealmExport } from '../identity/realm-export';
import { Exposure } from '../network/exposure';
import { NetworkPolicies, PeerPort } from '../network/network-policies';
import { ProductNamespace } from '../network/product-namespace';
import { longestCronGapSeconds } from '../core/cron';
import { Connections } from '../core/connections';
import { validateDeliveredEnvironment } from '../delivery/argo-cd';
import { RolloutAnalysis } from '../delivery/rollout-analysis';
import { SmokeTest } from '../delivery/smoke-test';
import { SyncWaves } from '../delivery/sync-waves';
import { ALERT_DEFAULTS, AlertTargets } from '../observability/alerts';
import { AlertRouting } from '../observability/alert-routing';
import { productDashboards, ProductDashboards } from '../observability/dashboards';
import { ProductAlerts } from '../observability/product-alerts';
import { matchers } from '../observability/promql';
import { UptimeProbes } from '../observability/uptime-probes';
import { mergeResources } from '../pods/pod-template';
import { ExternalSecrets } from '../secrets/external-secrets';
import { concernsSecrets, InventoriedSecret, secretInventory, unprovidedSecrets } from '../secrets/inventory';
import { SEALED_SECRETS_CONTEXT, SealedSecretFiles, SealedSecrets, sealedSecretsFolder } from '../secrets/sealed-secrets';
import { EAF_API_DEFAULTS, EafApi } from '../workloads/eaf-api';
import { EAF_FRONTEND_DEFAULTS, EafFrontend } from '../workloads/eaf-frontend';
import { EafWorkload, EafWorkloadOptions } from '../workloads/eaf-workload';
import { EAF_HTTP_WORKLOAD_DEFAULTS, EafHttpWorkload } from '../workloads/http-workload';
import { ComponentDefinition, DatabaseDefinition, ProductDefinition, productNamespaceName } from './product';
import { ComponentConfig, DatabaseConfig, EnvironmentConfig, ExternalOidcConfig, KeycloakConfig, RecoveryConfig } from './settings';

/** Props of {@link EafProductChart}. */
export interface EafProductChartProps extends ChartProps {
  /** The product, declared once (see `defineProduct`). */
  readonly product: ProductDefinition;
  /** The environment to render: what changes at release time. */
  readonly environment: EnvironmentConfig;
  /**
   * Every environment of the product (this one included), for settings that name another environment, such as a
   * database restored from another environment's archive (`recovery.environment`). @default - this one only
   */
  readonly environments?: readonly EnvironmentConfig[];
  /**
   * The committed SealedSecrets, for an environment whose `secrets.provider` is `sealed-secrets`.
   * @default - the construct context `@eaf/cdk8s:sealedSecrets`, which `synthesizeProduct` sets from `sealed-secrets/<environment>/`
   */
  readonly sealedSecrets?: SealedSecretFiles;
}

/** Every problem found while composing one environment, each a construct's error (with its setting when known). */
export class CompositionError extends Error {
  constructor(public readonly environment: string, public readonly problems: readonly Error[]) {
    super(problems.map((p) => p.message).join('\n'));
    this.name = 'CompositionError';
  }
}

/**
 * Maps a construct's failing property to the environment setting it came from, or `undefined` when it did not come
 * from the environment (the product's own declaration): the error then names the construct path.
 */
type SettingOf = (property: string, scope: IConstruct) => string | undefined;

/**
 * One product in one environment, composed from the product's declaration: its namespace, databases,
 * identity provider, components (wired to what they use), their public exposures and default-deny
 * NetworkPolicies with every flow derived from the wiring. Everything it renders lives below the construct
 * `<product>/<environment>`; a construct's error is reported against the environment setting it came from.
 * Each part is a readonly field, so a product can reach in without forking.
 */
export class EafProductChart extends Chart {
  /** The product. */
  public readonly product: ProductDefinition;
  /** The environment this chart renders. */
  public readonly environment: EnvironmentConfig;
  /** The product's namespace. */
  public readonly productNamespace: ProductNamespace;
  /** The databases, by their name in the product. */
  public readonly databases: Readonly<Record<string, PostgresCluster>> = {};
  /** The identity provider. @default - none */
  public readonly identity?: Keycloak | ExternalOidcIssuer;
  /** The daily export of Keycloak's realm, when the environment sets `identity.realmExport`. @default - none */
  public readonly realmExport?: RealmExport;
  /** The components, by name. */
  public readonly components: Readonly<Record<string, EafWorkload>> = {};
  /** The public exposures, by host key. */
  public readonly exposures: Readonly<Record<string, Exposure>> = {};
  /** Default-deny networking with every allowed flow. */
  public readonly networkPolicies: NetworkPolicies;
  /** The alerts (a PrometheusRule) with their promtool tests. */
  public readonly alerts?: ProductAlerts;
  /** The Grafana dashboards of the APIs, the databases and Keycloak. */
  public readonly dashboards?: ProductDashboards;
  /** Where alerts go (an AlertmanagerConfig), when the environment names receivers. @default - none */
  public readonly alertRouting?: AlertRouting;
  /** Blackbox probes of the public hosts, when the environment names a prober. @default - none */
  public readonly uptimeProbes?: UptimeProbes;
  /**
   * The smoke test: an Argo CD PostSync hook when the product is delivered by Argo CD; with the release engine
   * `argo-rollouts`, no hook but the `smoke-test` metric of every component's analysis. @default - none
   */
  public readonly smokeTest?: SmokeTest;
  /** With the release engine `argo-rollouts`: each component's AnalysisTemplate (`<name>-preview`), by component. */
  public readonly releaseAnalyses: Readonly<Record<string, RolloutAnalysis>> = {};
  /** The Argo CD sync waves, derived from the wiring (`syncWaves.peerWaves`: each peer's). */
  public readonly syncWaves: SyncWaves;
  /**
   * What provides the Secrets the environment references (its `secrets.provider`): one ExternalSecret per Secret, or the
   * committed SealedSecrets. @default - none: the Secrets are created out of band
   */
  public readonly secrets?: ExternalSecrets | SealedSecrets;

  private readonly problems: Error[] = [];
  private readonly environments: readonly EnvironmentConfig[];

  constructor(scope: Construct, id: string, props: EafProductChartProps) {
    const { product, environment: env } = props;
    super(scope, id, {
      ...props,
      namespace: productNamespaceName(product, env),
      labels: {
        'app.kubernetes.io/part-of': product.name,
        'app.kubernetes.io/managed-by': 'eaf-cdk8s',
        'eaf.io/environment': env.name,
        ...props.labels,
      },
    });
    this.node.setContext(CRITICAL_CONTEXT, env.critical === true);
    this.product = product;
    this.environment = env;
    this.environments = props.environments ?? [env];
    const root = new Construct(this, env.name);
    this.productNamespace = this.attempt('namespace', () => new ProductNamespace(root, 'namespace', { name: this.namespace! }), () => 'namespace')!;
    this.databases = this.composeDatabases(new Construct(root, 'databases'));
    this.identity = this.composeIdentity(root);
    this.realmExport = this.attempt('identity.realmExport', () => this.composeRealmExport(),
      (property) => property.startsWith('objectStore') ? `network.${property}` : `identity.realmExport.${property}`);
    this.components = this.composeComponents(new Construct(root, 'components'));
    const exposures = new Construct(root, 'exposures');
    this.exposures = this.composeExposures(exposures);
    const delivery = new Construct(root, 'delivery');
    this.smokeTest = this.attempt('delivery', () => this.composeDelivery(delivery),
      (property, failing) => failing instanceof SmokeTest ? `delivery.smokeTest.${property}` : property === 'name' ? undefined : `delivery.${property}`);
    this.networkPolicies = this.composeNetwork(root);
    const observability = new Construct(root, 'observability');
    const targets = this.attempt('observability', () => this.alertTargets());
    if (targets) {
      this.alerts = this.attempt('observability', () => this.composeAlerts(observability, targets), (property) => `observability.${property}`);
      this.dashboards = this.attempt('observability.dashboards', () => this.composeDashboards(observability, targets));
    }
    this.alertRouting = this.attempt('observability.alerting', () => this.composeRouting(observability));
    this.uptimeProbes = this.attempt('observability.probes', () => this.composeProbes(observability));
    if (this.rolloutEngine) {
      this.releaseAnalyses = this.attempt('release.analysis', () => this.composeReleaseAnalyses(new Construct(root, 'release'))) ?? {};
    }
    this.secrets = this.attempt('secrets', () => this.composeSecrets(root, props.sealedSecrets),
      (property) => property === 'sealed' ? 'secrets' : `secrets.${property}`);
    this.labelMonitoringObjects();
    this.applyWaivers();
    if (this.problems.length > 0) throw new CompositionError(env.name, this.problems);
    const keycloak = this.identity instanceof Keycloak ? this.identity : undefined;
    this.syncWaves = new SyncWaves(this, 'SyncWaves', {
      foundation: [this.productNamespace, this.networkPolicies, ...(this.secrets ? [this.secrets] : [])],
      peers: [...this.allDatabases(), ...(keycloak ? [keycloak] : []), ...(this.realmExport ? [this.realmExport] : []),
        ...this.allDatabases().flatMap((db) => db.pruner ? [db.pruner] : []), ...Object.values(this.components)],
      last: [exposures, ...(this.uptimeProbes ? [this.uptimeProbes] : [])],
    });
  }

  private composeDatabases(scope: Construct): Record<string, PostgresCluster> {
    const out: Record<string, PostgresCluster> = {};
    for (const [key, definition] of Object.entries(this.product.databases ?? {})) {
      const settings = this.environment.databases?.[key];
      const cluster = this.attempt(`databases.${key}`, () => new PostgresCluster(scope, key, {
        ...this.databaseProps(`databases.${key}`, settings, (e) => e.databases?.[key]),
        ...productDatabase(this.product.name, key, definition),
      }));
      if (cluster) out[key] = cluster;
    }
    return out;
  }

  private composeIdentity(scope: Construct): Keycloak | ExternalOidcIssuer | undefined {
    const identity = this.product.identity;
    if (identity?.kind === 'keycloak') {
      const settings = (this.environment.identity ?? {}) as KeycloakConfig;
      return this.attempt('identity', () => new Keycloak(scope, 'identity', {
        name: 'keycloak',
        hostname: this.environment.hosts[identity.hostKey ?? 'identity'],
        backend: settings.backend,
        instances: settings.instances ?? (this.environment.critical ? 2 : 1),
        image: settings.image,
        resources: mergeResources(KEYCLOAK_DEFAULTS.resources, settings.resources),
        databaseOptions: this.databaseProps('identity.database', settings.database, (e) => (e.identity as KeycloakConfig | undefined)?.database),
        realm: identity.realm && withClientUrls(identity.realm, identity.clientUrls ?? {}, this.environment.hosts),
        realmPlaceholders: identity.realmPlaceholders,
      }), (property, failing) => {
        if (failing.node.id === 'Database' || failing.node.scope?.node.id === 'Database') return `identity.database.${property}`;
        // The realm and its placeholders are the product's declaration, not an environment setting.
        return property.startsWith('realm') ? undefined : `identity.${property}`;
      });
    }
    if (identity?.kind === 'external-oidc') {
      const settings = this.environment.identity as ExternalOidcConfig;
      return this.attempt('identity', () => new ExternalOidcIssuer(scope, 'identity', settings));
    }
    return undefined;
  }

  /**
   * The realm export, when the environment sets `identity.realmExport`: Keycloak's realm (by default the one the product
   * imports) exported daily to the object store (`network.objectStore`, which it needs to reach), by default next to the
   * Keycloak database's backups.
   */
  private composeRealmExport(): RealmExport | undefined {
    const settings = this.identity instanceof Keycloak ? (this.environment.identity as KeycloakConfig | undefined)?.realmExport : undefined;
    if (settings === undefined || !(this.identity instanceof Keycloak)) return undefined;
    const identity = this.product.identity;
    const realm = settings.realm ?? (identity?.kind === 'keycloak' ? identity.realm?.realm as string | undefined : undefined);
    const objectStore = this.environment.network?.objectStore;
    if (realm === undefined) {
      this.problems.push(new PropertyError(this, 'realm', 'is required: the product imports no realm to take its name from', realm,
        'name the realm to export, e.g. realm: dvmm', 'identity.realmExport.realm'));
    }
    if (objectStore === undefined) {
      this.problems.push(new PropertyError(this, 'objectStore', 'is required by identity.realmExport: the export is uploaded to the object store', objectStore,
        'give network.objectStore (the cidrs and ports of the object store)', 'network.objectStore'));
    }
    if (realm === undefined || objectStore === undefined) return undefined;
    return new RealmExport(this.identity, 'RealmExport', {
      keycloak: this.identity,
      realm,
      objectStore,
      schedule: settings.schedule,
      destinationPath: settings.destinationPath,
      endpointUrl: settings.endpointUrl,
      credentialsSecret: settings.credentialsSecret,
      region: settings.region,
      image: settings.image,
      resources: settings.resources && mergeResources(REALM_EXPORT_DEFAULTS.resources, settings.resources),
    });
  }

  private composeComponents(scope: Construct): Record<string, EafWorkload> {
    const out: Record<string, EafWorkload> = {};
    const release = this.environment.release;
    if (release.strategy === 'canary' && release.engine !== 'argo-rollouts') {
      this.problems.push(new PropertyError(this, 'engine', 'must be argo-rollouts for a canary release', release.engine,
        'set release.engine: argo-rollouts (the services engine releases rolling or blue-green only), or use release.strategy: blue-green', 'release.engine'));
      return out;
    }
    if (release.strategy !== 'rolling' && release.engine !== 'argo-rollouts' && release.analysis !== undefined) {
      this.problems.push(new PropertyError(this, 'analysis', 'is only for the release engine argo-rollouts', release.analysis,
        'set release.engine: argo-rollouts, or remove release.analysis', 'release.analysis'));
    }
    for (const [name, definition] of Object.entries(this.product.components)) {
      const settings = this.environment.components[name];
      const workload = this.attempt(`components.${name}`, () => createComponent(scope, name, definition, settings, this.workloadOptions(name, definition, settings), this.environment.name),
        (property) => property.startsWith('blueGreen.') ? `release.${property.slice('blueGreen.'.length)}`
          : property === 'steps' ? 'release.steps' : `components.${name}.${property}`);
      if (workload) out[name] = workload;
    }
    for (const [name, definition] of Object.entries(this.product.components)) {
      const workload = out[name];
      if (!workload) continue;
      this.attempt(`components.${name}`, () => this.wire(workload, definition, out));
    }
    return out;
  }

  /** Connects a component to its databases, the identity provider and the components it calls. */
  private wire(workload: EafWorkload, definition: ComponentDefinition, components: Record<string, EafWorkload>): void {
    for (const key of definition.databases ?? []) {
      if (this.databases[key]) workload.connectToDatabase(this.databases[key], definition.databaseEnv);
    }
    if (definition.identity && this.identity) {
      const options = definition.identity === true ? {} : definition.identity;
      const realm = this.product.identity?.kind === 'keycloak' ? (this.product.identity.realm?.realm as string | undefined) : undefined;
      workload.connectToIdentity(this.identity, {
        realm: options.realm ?? realm ?? this.product.name,
        clientId: options.clientId ?? `${this.product.name}-${workload.node.id}`,
        clientSecret: options.clientSecret ?? { secretName: `${this.product.name}-${workload.node.id}-oidc`, key: 'client-secret' },
      });
    }
    for (const target of definition.calls ?? []) {
      if (components[target]) workload.connectTo(components[target]);
    }
    for (const target of definition.browserCalls ?? []) {
      if (components[target]) Connections.of(this).addDependency({ from: workload, to: components[target], reason: 'its UI calls it from the browser' });
    }
  }

  /**
   * With Argo CD delivery (the product's `delivery`) or Argo Rollouts: checks the environment's `delivery` settings and
   * adds the smoke test that calls every component through the Service of the version about to get traffic (the
   * preview Service in blue-green, unless the idle colour is scaled to 0; the preview or canary Service of a Rollout).
   */
  private composeDelivery(scope: Construct): SmokeTest | undefined {
    const settings = this.environment.delivery;
    const rollouts = this.rolloutEngine;
    if (this.product.delivery === undefined) {
      if (settings !== undefined) {
        this.problems.push(new PropertyError(this, 'delivery', 'is set, but the product is not delivered by Argo CD', settings,
          'declare the repository in the product (defineProduct({ delivery: { repoURL } })), or remove delivery', 'delivery'));
        return undefined;
      }
      if (!rollouts) return undefined;
    } else {
      validateDeliveredEnvironment(scope, { name: this.environment.name, critical: this.environment.critical === true, ...settings });
    }
    if (settings?.smokeTest?.enabled === false) return undefined;
    const targets = Object.values(this.components).map((w) => {
      const preview = rollouts || (w.blueGreen !== undefined && w.blueGreen.deployments[w.blueGreen.idleColor].replicas !== 0);
      return { peer: w, serviceName: (preview ? w.previewService! : w.service).name, port: w.port, path: w.readinessPath };
    });
    if (targets.length === 0) return undefined;
    return new SmokeTest(scope, 'smoke-test', {
      name: `${this.product.name}-smoke-test`,
      targets,
      image: settings?.smokeTest?.image,
      timeoutSeconds: settings?.smokeTest?.timeoutSeconds,
      // Argo CD does not run a PostSync hook while a blue-green Rollout waits for its promotion (argo-cd #19422): with
      // Argo Rollouts each component's analysis runs the same test as a Job against its preview (or canary) Service.
      ...(rollouts ? { hook: false } : {}),
    });
  }

  /** Whether the environment's components are released by Argo Rollouts (`release.engine: argo-rollouts`). */
  private get rolloutEngine(): boolean {
    const release = this.environment.release;
    return release.strategy !== 'rolling' && release.engine === 'argo-rollouts';
  }

  /**
   * With Argo Rollouts: each component's AnalysisTemplate (`<name>-preview`): the error ratio and P95 latency of a
   * Spring Boot component's new pods against the thresholds of its alerts, and the smoke test's call of its preview
   * Service. A canary's share of traffic goes through the component's OpenShift Route, when it has one.
   */
  private composeReleaseAnalyses(scope: Construct): Record<string, RolloutAnalysis> {
    const release = this.environment.release;
    const settings = release.strategy === 'rolling' ? undefined : release.analysis;
    const thresholds = this.alerts?.thresholds ?? { ...ALERT_DEFAULTS.thresholds, ...this.environment.observability?.thresholds };
    const out: Record<string, RolloutAnalysis> = {};
    for (const [name, w] of Object.entries(this.components)) {
      const analysis = w.rollout?.analysis;
      if (!w.rollout || !analysis) continue;
      const exposure = this.exposures[name] && ApiObject.of(this.exposures[name]);
      if (w.rollout.strategy.kind === 'canary' && exposure?.kind === 'Route') w.rollout.routeTrafficThrough(exposure.name);
      const smokeTest = this.smokeTest;
      const analysed = this.attempt(`release.analysis`, () => new RolloutAnalysis(scope, name, {
        name: analysis.templateName,
        requests: this.hasRequestMetrics(name, w)
          ? { metrics: { namespace: this.namespace!, job: w.podMetrics!.job }, errorRatePercent: thresholds.errorRatePercent, latencyP95Seconds: thresholds.latencyP95Seconds }
          : undefined,
        job: smokeTest && { spec: () => smokeTest.jobSpecFor(w) },
        prometheusUrl: settings?.prometheusUrl,
        interval: settings?.interval,
        count: settings?.count,
        failureLimit: settings?.failureLimit,
      }));
      if (analysed) out[name] = analysed;
    }
    return out;
  }

  /** A Spring Boot component, scraped: its series carry the request metrics the alerts and analyses use. */
  private hasRequestMetrics(name: string, workload: EafWorkload): boolean {
    return this.product.components[name].kind === 'spring-boot' && workload.podMetrics !== undefined;
  }

  /** One exposure per host, in the order the environment lists its hosts. */
  private composeExposures(scope: Construct): Record<string, Exposure> {
    const out: Record<string, Exposure> = {};
    const identityKey = this.product.identity?.kind === 'keycloak' ? this.product.identity.hostKey ?? 'identity' : undefined;
    const claimed = new Map<string, string>();
    for (const [key, host] of Object.entries(this.environment.hosts ?? {})) {
      const owner = claimed.get(host);
      claimed.set(host, owner ?? key);
      if (owner !== undefined) {
        this.problems.push(new PropertyError(scope, 'host', `is already the host of ${owner}`, host, `give ${key} a host of its own: one host routes to one service`, `hosts.${key}`));
        continue;
      }
      const service = key === identityKey
        ? this.identity instanceof Keycloak && { name: this.identity.name, service: { name: this.identity.serviceName, port: this.identity.httpPort } }
        : this.components[key] && { name: key, service: { name: this.components[key].service.name, port: this.components[key].port } };
      if (!service) continue;
      const exposure = this.attempt(`hosts.${key}`, () => new Exposure(scope, key, { ...service, host, options: this.environment.exposure }),
        (property) => property === 'host' ? `hosts.${key}` : `exposure.${property}`);
      if (exposure) out[key] = exposure;
    }
    return out;
  }

  private composeNetwork(scope: Construct): NetworkPolicies {
    const env = this.environment;
    const network = env.network ?? {};
    const components = Object.values(this.components);
    const keycloak = this.identity instanceof Keycloak ? this.identity : undefined;
    const databases = this.allDatabases();
    const ingressTargets: PeerPort[] = Object.keys(env.hosts ?? {}).flatMap((key): PeerPort[] => {
      if (this.exposures[key] === undefined) return [];
      const component = this.components[key];
      return component ? [{ peer: component, port: component.port }] : keycloak ? [{ peer: keycloak, port: keycloak.httpPort }] : [];
    });
    const scraped = [...components, ...(keycloak ? [keycloak] : []), ...databases];
    const egressNames = Object.keys(env.egress ?? {});
    const externalEgress = Object.entries(env.egress ?? {}).flatMap(([name, egress]) => egress.from
      .filter((from) => this.components[from] !== undefined)
      .map((from) => ({ name, peer: this.components[from], endpoint: { cidrs: egress.cidrs, ports: egress.ports } })));
    const policies = this.attempt('network', () => new NetworkPolicies(scope, 'network-policies', {
      platform: network.platform ?? (env.exposure.kind === 'route' ? 'openshift' : 'kubernetes'),
      ingressTargets,
      metricsTargets: scraped.flatMap((peer) => peer.metricsPort === undefined ? [] : [{ peer, port: peer.metricsPort }]),
      monitoring: env.observability?.monitoring?.namespace === undefined ? undefined
        : { namespaceSelector: { 'kubernetes.io/metadata.name': env.observability.monitoring.namespace } },
      databases,
      databaseOperator: network.databaseOperatorNamespace === undefined ? undefined
        : { namespaceSelector: { 'kubernetes.io/metadata.name': network.databaseOperatorNamespace } },
      apiServer: network.apiServer,
      objectStore: network.objectStore,
      externalEgress,
    }), (property) => {
      const egress = /^externalEgress\[(\d+)\]\.(.*)$/.exec(property);
      if (!egress) return `network.${property}`;
      const name = externalEgress[Number(egress[1])].name;
      return `egress.${egressNames.includes(name) ? name : egress[1]}.${egress[2]}`;
    });
    // Undefined only when it failed, and then the constructor throws with the problem before anyone sees it.
    return policies!;
  }

  /**
   * What the alerts watch, from the composed objects: every Spring Boot component's series (`job` from its PodMonitor),
   * every component's containers, every database (the product's and Keycloak's) with its backup schedule and RPO, and
   * Keycloak.
   */
  private alertTargets(): AlertTargets {
    const namespace = this.namespace!;
    const keycloak = this.identity instanceof Keycloak ? this.identity : undefined;
    const grace = (this.environment.observability?.thresholds?.backupGraceMinutes ?? ALERT_DEFAULTS.thresholds.backupGraceMinutes) * 60;
    const components = Object.entries(this.components);
    return {
      product: this.product.name,
      environment: this.environment.name,
      namespace,
      apis: components.filter(([name, w]) => this.hasRequestMetrics(name, w)).map(([name, w]) => ({
        name,
        metrics: { namespace, job: w.podMetrics!.job },
        containers: { namespace, container: w.containerName },
        connectionPool: (this.product.components[name].databases ?? []).length > 0,
      })),
      containers: components.map(([name, w]) => ({
        name,
        containers: { namespace, container: w.containerName },
        // Pods of the Deployment <name> or <name>-<colour>: <deployment>-<pod-template-hash>-<suffix>.
        podPattern: `${w.name}-(blue-|green-)?[a-z0-9]{5,10}-[a-z0-9]{5}`,
        examplePod: `${w.name}-${w.blueGreen ? 'blue-' : ''}7d4b9c8f6-x2k9p`,
      })),
      databases: this.allDatabases().map((cluster) => ({
        name: cluster.name,
        metrics: { namespace, job: cluster.name },
        volumes: { namespace, claimPattern: `${cluster.name}-[0-9]+(-wal)?`, exampleClaim: `${cluster.name}-1` },
        instances: cluster.instances,
        // The object-store tiers' backups are the ones the plugin reports; the most frequent one sets the age.
        backup: cluster.backup && {
          maxBackupAgeSeconds: Math.min(...cluster.tiers.filter((t) => t.method === 'object-store').map((t) => longestCronGapSeconds(t.schedule))) + grace,
          rpoSeconds: cluster.rpoSeconds,
        },
      })),
      keycloak: keycloak && { name: keycloak.name, metrics: { namespace, job: keycloak.podMetrics.job } },
    };
  }

  private composeAlerts(scope: Construct, targets: AlertTargets): ProductAlerts {
    const settings = this.environment.observability ?? {};
    return new ProductAlerts(scope, 'alerts', {
      targets,
      thresholds: settings.thresholds,
      slo: settings.slo,
      runbookBaseUrl: this.product.runbookBaseUrl ?? ALERT_DEFAULTS.runbookBaseUrl,
    });
  }

  private composeDashboards(scope: Construct, targets: AlertTargets): ProductDashboards {
    const settings = this.environment.observability?.dashboards ?? {};
    const dashboards = productDashboards({
      product: targets.product,
      environment: targets.environment,
      namespace: targets.namespace,
      apis: targets.apis.map((api) => ({ name: api.name, metrics: matchers(api.metrics), containers: matchers(api.containers) })),
      databases: targets.databases.map((db) => ({
        name: db.name,
        metrics: matchers(db.metrics),
        volumes: matchers({ namespace: db.volumes.namespace }, `persistentvolumeclaim=~${JSON.stringify(db.volumes.claimPattern)}`),
      })),
      keycloak: targets.keycloak && { name: targets.keycloak.name, metrics: matchers(targets.keycloak.metrics) },
    });
    return new ProductDashboards(scope, 'dashboards', { dashboards, delivery: settings.delivery, folder: settings.folder });
  }

  private composeRouting(scope: Construct): AlertRouting | undefined {
    const alerting = this.environment.observability?.alerting;
    if (alerting === undefined) return undefined;
    return new AlertRouting(scope, 'routing', { name: `${this.product.name}-alerts`, paging: alerting.paging, chat: alerting.chat, repeatInterval: alerting.repeatInterval });
  }

  private composeProbes(scope: Construct): UptimeProbes | undefined {
    const probes = this.environment.observability?.probes;
    if (probes === undefined || Object.keys(this.exposures).length === 0) return undefined;
    const urls = Object.fromEntries(Object.keys(this.exposures).map((key) => [key, `https://${this.environment.hosts[key]}/`]));
    return new UptimeProbes(scope, 'probes', { name: `${this.product.name}-uptime`, urls, proberUrl: probes.proberUrl, module: probes.module, interval: probes.interval });
  }

  /** Every Secret the chart's objects reference, with its keys, readers and what provides it (see `secretInventory`), as the objects are now. */
  public get secretInventory(): InventoriedSecret[] {
    return secretInventory(this.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject && concernsSecrets(c)).map((o) => o.toJson()));
  }

  /**
   * What the environment's `secrets.provider` renders for the Secrets its objects reference that nothing among them
   * provides (cert-manager issues an Ingress's certificate, say): one ExternalSecret each, or the committed SealedSecrets.
   * A reference added after composition (a product reaching into the chart) fails the synthesis, naming the Secret.
   */
  private composeSecrets(scope: Construct, sealed: SealedSecretFiles | undefined): ExternalSecrets | SealedSecrets | undefined {
    const settings = this.environment.secrets ?? { provider: 'none' as const };
    if (sealed !== undefined && settings.provider !== 'sealed-secrets') {
      this.problems.push(new PropertyError(this, 'provider', 'is not sealed-secrets, yet SealedSecrets are given', settings.provider,
        'set secrets.provider: sealed-secrets, or give no sealedSecrets', 'secrets.provider'));
    }
    if (settings.provider === 'none') return undefined;
    const needed = unprovidedSecrets(this.secretInventory);
    const kind = settings.provider === 'external-secrets' ? 'ExternalSecret' : 'SealedSecret';
    this.node.addValidation({
      validate: () => unprovidedSecrets(this.secretInventory).map((s) => `secrets: the Secret ${s.name}, read by ${[...new Set(s.readers.map((r) => r.object))].join(', ')}, `
        + `has no ${kind}: it was referenced after the chart was composed; reference it through the product or the constructs' props, so the chart provides it`),
    });
    if (settings.provider === 'external-secrets') {
      return new ExternalSecrets(scope, 'secrets', {
        secrets: needed,
        store: settings.store,
        refreshInterval: settings.refreshInterval,
        remoteKeyPrefix: remoteKeyPrefixOf(this.product, this.environment),
        remoteKeys: settings.remoteKeys,
      });
    }
    const files = sealed ?? (this.node.tryGetContext(SEALED_SECRETS_CONTEXT) as SealedSecretFiles | undefined) ?? { folder: sealedSecretsFolder(this.environment.name), files: [] };
    return new SealedSecrets(scope, 'secrets', { secrets: needed, namespace: this.namespace!, sealed: files });
  }

  /** Puts the platform's selection labels (e.g. `release: prometheus`) on every monitor, rule and probe. */
  private labelMonitoringObjects(): void {
    const labels = this.environment.observability?.monitoring?.labels ?? {};
    const kinds = ['PodMonitor', 'PrometheusRule', 'Probe', 'AlertmanagerConfig'];
    for (const object of this.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject && kinds.includes(c.kind))) {
      for (const [key, value] of Object.entries(labels)) object.metadata.addLabel(key, value);
    }
  }

  /** Writes the environment's waivers onto the objects they name, as `waive.eaf.io/<rule>` annotations. */
  private applyWaivers(): void {
    const objects = this.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
    (this.environment.waivers ?? []).forEach((waiver, i) => {
      const target = objects.find((o) => `${o.kind}/${o.metadata.name}` === waiver.object);
      if (target === undefined) {
        // Objects of the kind the waiver names, else every kind: enough to spot the typo, short enough to read.
        const kind = waiver.object.split('/')[0];
        const sameKind = objects.filter((o) => o.kind === kind).map((o) => `${o.kind}/${o.metadata.name}`);
        const known = sameKind.length > 0 ? sameKind : objects.map((o) => `${o.kind}/…`);
        this.problems.push(new PropertyError(this, 'waivers', 'names no object of the environment', waiver.object, `use one of: ${[...new Set(known)].sort().join(', ')}`, `waivers.${i}.object`));
        return;
      }
      waive(target, waiver.rule as RuleId, waiver.reason);
    });
  }

  /** The product's databases and Keycloak's. */
  private allDatabases(): PostgresCluster[] {
    const keycloak = this.identity instanceof Keycloak ? this.identity : undefined;
    return [...Object.values(this.databases), ...(keycloak ? [keycloak.database] : [])];
  }

  /**
   * Maps an environment's database settings onto PostgresCluster props. A critical environment must back up and may not
   * declare objectives laxer than the platform's; a recovery from another environment reads that environment's archive
   * of the same database (`databaseIn` finds it in an environment's settings).
   */
  private databaseProps(setting: string, config: DatabaseConfig = {}, databaseIn: (e: EnvironmentConfig) => DatabaseConfig | undefined): Partial<PostgresClusterProps> {
    if (this.environment.critical && !config.backup) {
      this.problems.push(new PropertyError(this, 'backup', 'is required in a critical environment', config.backup,
        `configure ${setting}.backup (destinationPath, credentialsSecret) so WAL is archived and backups are kept`, `${setting}.backup`));
    }
    if (this.environment.critical) {
      for (const [objective, max] of [['rpo', RECOVERY_DEFAULTS.maxCriticalRpo], ['rto', RECOVERY_DEFAULTS.maxCriticalRto]] as const) {
        const value = config[objective];
        if (value !== undefined && objectiveSeconds(value) > objectiveSeconds(max)) {
          this.problems.push(new PropertyError(this, objective, `is laxer than the platform allows in a critical environment (at most ${max})`, value,
            `use ${max} or less, or set critical: false if this environment holds no production data`, `${setting}.${objective}`));
        }
      }
    }
    const backup = config.backup;
    return {
      instances: config.instances ?? (this.environment.critical ? 3 : 1),
      version: config.version,
      imageName: config.imageName,
      storageSize: config.storageSize,
      storageClass: config.storageClass,
      resources: mergeResources(POSTGRES_DEFAULTS.resources, config.resources),
      backup: backup && { ...backup, apiServer: this.environment.network?.apiServer },
      pooler: config.pooler,
      rpo: config.rpo,
      rto: config.rto,
      recovery: config.recovery && this.recoverySource(`${setting}.recovery`, config.recovery, databaseIn),
    };
  }

  /** The archive a recovery reads: given by path, or the backup settings of the same database in the named environment. */
  private recoverySource(setting: string, recovery: RecoveryConfig, databaseIn: (e: EnvironmentConfig) => DatabaseConfig | undefined): PostgresRecoveryOptions | undefined {
    const own = { targetTime: recovery.targetTime, follow: recovery.follow };
    if (recovery.environment === undefined) {
      if (recovery.destinationPath === undefined) {
        this.problems.push(new PropertyError(this, 'recovery', 'names no archive', recovery, 'give environment (whose archive of this database to restore) or destinationPath and serverName', setting));
        return undefined;
      }
      return { ...own, source: { destinationPath: recovery.destinationPath, endpointUrl: recovery.endpointUrl, serverName: recovery.serverName, credentialsSecret: recovery.credentialsSecret } };
    }
    const source = this.environments.find((e) => e.name === recovery.environment);
    if (source === undefined) {
      this.problems.push(new PropertyError(this, 'environment', 'names no environment of the product', recovery.environment, `use one of: ${this.environments.map((e) => e.name).join(', ')}`, `${setting}.environment`));
      return undefined;
    }
    const backup = databaseIn(source)?.backup;
    if (backup === undefined) {
      this.problems.push(new PropertyError(this, 'environment', 'has no backup of this database to restore', recovery.environment,
        `name an environment that backs it up, or give destinationPath and serverName`, `${setting}.environment`));
      return undefined;
    }
    return {
      ...own,
      source: {
        destinationPath: recovery.destinationPath ?? backup.destinationPath,
        endpointUrl: recovery.endpointUrl ?? backup.endpointUrl,
        serverName: recovery.serverName ?? backup.serverName,
        credentialsSecret: recovery.credentialsSecret,
      },
    };
  }

  /** The release-time settings of a component as workload props, for the environment's release strategy. */
  private workloadOptions(name: string, definition: ComponentDefinition, settings: ComponentConfig): EafWorkloadOptions {
    const release = this.environment.release;
    // Analysed: a Spring Boot component by its request metrics, every component by the smoke test's call.
    const analysed = definition.kind === 'spring-boot' || this.environment.delivery?.smokeTest?.enabled !== false;
    const analysis = analysed ? { templateName: `${name}-preview` } : undefined;
    const rollout = !this.rolloutEngine ? undefined
      : release.strategy === 'canary' ? { canary: { steps: release.steps, pause: release.pause }, analysis } : { analysis };
    return {
      name,
      image: settings.image ?? definition.image,
      tag: settings.tag,
      tags: settings.tags,
      blueGreen: release.strategy === 'blue-green' ? { activeColor: release.activeColor, idleReplicas: release.idleReplicas } : undefined,
      rollout,
      replicas: settings.replicas ?? definition.replicas,
      autoscaling: settings.autoscaling,
      env: definition.env,
      secretEnv: definition.secretEnv,
    };
  }

  /** Runs one step; a construct's property errors are kept (with their setting) and composition goes on; anything else is thrown on. */
  private attempt<T>(setting: string, build: () => T, settingOf: SettingOf = (property) => `${setting}.${property}`): T | undefined {
    try {
      return build();
    } catch (e) {
      const located = (error: PropertyError) => {
        const at = error.setting === undefined ? settingOf(error.property, error.scope) : undefined;
        return at === undefined ? error : error.atSetting(at.replace(/\[(\d+)\]/g, '.$1'));
      };
      if (e instanceof PropertyError) {
        this.problems.push(located(e));
      } else if (e instanceof PropertyErrors) {
        this.problems.push(...e.errors.map(located));
      } else if (e instanceof CompositionError) {
        this.problems.push(...e.problems);
      } else if (e instanceof ValueErrors) {
        this.problems.push(e);
      } else {
        // Not a problem of the input: a bug, which the program reports as one (with its stack).
        throw e;
      }
      return undefined;
    }
  }
}

/** The product's own part of a database: its names and PostgreSQL version. */
function productDatabase(product: string, key: string, definition: DatabaseDefinition): Pick<PostgresClusterProps, 'name' | 'database' | 'owner' | 'credentialsSecret'> & { version?: string } {
  const name = definition.clusterName ?? `${product}-${key}`;
  return {
    name,
    database: definition.database ?? product.replace(/-/g, '_'),
    owner: definition.owner,
    credentialsSecret: definition.credentialsSecret ?? `${name}-credentials`,
    ...(definition.version === undefined ? {} : { version: definition.version }),
  };
}

/** Each preset's default sizes, under which an environment's overrides are merged. */
const PRESET_RESOURCES = { 'spring-boot': EAF_API_DEFAULTS.resources, 'nginx': EAF_FRONTEND_DEFAULTS.resources, 'http': EAF_HTTP_WORKLOAD_DEFAULTS.resources };

/** Renders one component by its kind, with its preset's defaults under the environment's overrides. */
function createComponent(scope: Construct, name: string, definition: ComponentDefinition, settings: ComponentConfig, options: EafWorkloadOptions, environment: string): EafWorkload {
  const common = {
    ...options,
    resources: mergeResources(definition.resources ?? PRESET_RESOURCES[definition.kind], settings.resources),
    port: definition.port,
    writablePaths: definition.writablePaths,
  };
  switch (definition.kind) {
    case 'spring-boot':
      return new EafApi(scope, name, { ...common, springProfile: settings.springProfile ?? environment, probePaths: definition.probePaths, metricsPath: definition.metricsPath, metricsAuth: definition.metricsAuth });
    case 'nginx':
      return new EafFrontend(scope, name, common);
    case 'http':
      return new EafHttpWorkload(scope, name, {
        ...common, livenessPath: definition.livenessPath, readinessPath: definition.readinessPath, startupPath: definition.startupPath, metrics: definition.metrics, component: name,
      });
  }
}

/** Points each named client of a realm at its component's public host. */
function withClientUrls(realm: Record<string, unknown>, clientUrls: Readonly<Record<string, string>>, hosts: Readonly<Record<string, string>>): Record<string, unknown> {
  const clients = (realm.clients as Array<Record<string, unknown>> | undefined) ?? [];
  return {
    ...realm,
    clients: clients.map((c) => {
      const component = clientUrls[c.clientId as string];
      const host = component === undefined ? undefined : hosts[component];
      return host === undefined ? c : { ...c, rootUrl: `https://${host}`, redirectUris: [`https://${host}/*`], webOrigins: [`https://${host}`] };
    }),
  };
}

/** The remote key prefix of an environment's ExternalSecrets: its `secrets.remoteKeyPrefix`, else `<product>/<environment>`. */
export function remoteKeyPrefixOf(product: ProductDefinition, environment: EnvironmentConfig): string {
  const settings = environment.secrets;
  return (settings?.provider === 'external-secrets' ? settings.remoteKeyPrefix : undefined) ?? `${product.name}/${environment.name}`;
}
