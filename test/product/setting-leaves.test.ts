import { defineProduct, EnvironmentConfig, Product } from '../../lib';
import { publicHostKeys } from '../../lib/product/product';
import { EnvironmentFileError, parseEnvironment } from '../../lib/program/environment-files';
import { EnvironmentSettings } from '../../lib/product/settings';
import { productChart, settingProblems, synth } from '../util';
import { leaves } from './schema-leaves';

/**
 * No setting is accepted and ignored (issue 27): every leaf of the environment schema, set to a valid value that is not
 * the default, on a minimal product of each component kind, either changes the synthesised output or is refused by a
 * message that names the setting (the schema's, as the program reads a file, or the composition's).
 *
 * A leaf is a field that holds a value: objects are walked into, a map of objects (`components.*`) and a list of
 * objects (`waivers[]`) by one entry, each branch of a discriminated union (`release(canary)`) on its own; a nested
 * union of whole shapes (an alert receiver) and a map of scalars (`hosts`) count as one leaf. The walk fails on a leaf
 * with no entry in {@link LEAVES}, so a new setting cannot escape it: adding one is one line here.
 */

/** A leaf's value, and what it needs beside it (`base`, e.g. the receiver of `repeatInterval`). */
interface Leaf {
  readonly value: unknown;
  readonly base?: Record<string, unknown>;
  /** Where the value goes, when not at the leaf itself (a branch's required field: the branch). @default - the leaf */
  readonly at?: string;
  /** Why the output cannot show it: a setting only the gate (`eaf-cdk8s verify`) reads. @default - the output shows it */
  readonly gateOnly?: string;
  /** The products it is walked on. @default - every component kind ({@link KINDS}) */
  readonly on?: readonly Kind[];
}

const SECRET = { secretName: 'alerting', key: 'k' };
const WEBHOOK = { kind: 'webhook', url: SECRET };
const BACKUP = { destinationPath: 's3://backups/db', credentialsSecret: 'backup-s3' };
const TAGS = { blue: '1.0.0', green: '1.0.0' };
/** Requests lower and limits higher than every default, so that each is valid alone. */
const QUANTITIES = {
  requests: { cpu: '10m', memory: '10Mi', ephemeralStorage: '10Mi' },
  limits: { cpu: '3', memory: '3Gi', ephemeralStorage: '3Gi' },
};
const PROBER = { proberUrl: 'blackbox.monitoring.svc:9115' };
const EXTERNAL = { provider: 'external-secrets', store: { name: 'vault' } };
const WINDOW = { kind: 'deny', schedule: '0 18 * * 5', duration: '62h' };
const CANARY = { strategy: 'canary', engine: 'argo-rollouts' };
const BLUE_GREEN = { strategy: 'blue-green', activeColor: 'blue' };
/** A blue-green release: each component then takes a tag per colour. */
const BLUE_GREEN_BASE = { release: BLUE_GREEN, components: { api: { tag: undefined, tags: TAGS } } };
const OIDC = { issuerUrl: 'https://login.example.com/realms/shop', endpoint: { cidrs: ['10.1.0.0/16'], ports: [443] } };

/** Each leaf of a container's sizes (components, databases, Keycloak, its realm export), under `at`. */
function resources(at: string, on?: readonly Kind[]): Record<string, Leaf> {
  return Object.fromEntries(
    (['requests', 'limits'] as const).flatMap((side) =>
      Object.entries(QUANTITIES[side]).map(([key, value]) => {
        // Ephemeral storage is set on both sides or neither: the other side is the base.
        const other = side === 'requests' ? 'limits' : 'requests';
        const base = key === 'ephemeralStorage' ? set({}, `${at}.resources.${other}.ephemeralStorage`, QUANTITIES[other].ephemeralStorage) : {};
        return [`${at}.resources.${side}.${key}`, { value, base, ...(on ? { on } : {}) }];
      }),
    ),
  );
}

/** Each leaf of a database's settings, under `at` (`databases.*` or `identity.database`). */
function database(at: string, on: readonly Kind[]): Record<string, Leaf> {
  const backup = { base: set({}, `${at}.backup`, BACKUP), on };
  const recovery = { base: set({}, `${at}.recovery`, { destinationPath: 's3://backups/old', credentialsSecret: 'restore-s3' }), on };
  const tiers = { base: set({}, `${at}.backup`, { ...BACKUP, tiers: [{ name: 'daily', schedule: '0 0 2 * * *', retention: '14d' }] }), on };
  const drill = {
    base: merge(set(set({}, `${at}.backup`, BACKUP), `${at}.restoreDrill`, {}), {
      network: { apiServer: { cidrs: ['10.4.0.0/16'], ports: [6443] } },
    }),
    on,
  };
  return {
    [`${at}.instances`]: { value: 3, on },
    [`${at}.version`]: { value: '16.9', on },
    [`${at}.imageName`]: { value: 'registry.example.com/postgresql:17.6', on },
    [`${at}.storageSize`]: { value: '77Gi', on },
    [`${at}.storageClass`]: { value: 'fast', on },
    ...resources(at, on),
    [`${at}.backup.destinationPath`]: { value: 's3://backups/other', base: backup.base, on },
    [`${at}.backup.endpointUrl`]: { value: 'https://s3.example.com', ...backup },
    [`${at}.backup.credentialsSecret`]: { value: 'other-s3', ...backup },
    [`${at}.backup.serverName`]: { value: 'db-r1', ...backup },
    [`${at}.backup.schedule`]: { value: '0 0 4 * * *', ...backup },
    [`${at}.backup.retention`]: { value: '7d', ...backup },
    [`${at}.backup.tiers[].name`]: { value: 'nightly', ...tiers },
    [`${at}.backup.tiers[].schedule`]: { value: '0 0 3 * * *', ...tiers },
    [`${at}.backup.tiers[].retention`]: { value: '21d', ...tiers },
    // A volume-snapshot tier comes with the class it snapshots with (refused alone, as is the class without the tier).
    [`${at}.backup.tiers[].method`]: {
      at: `${at}.backup`,
      value: {
        ...BACKUP,
        volumeSnapshotClass: 'csi',
        tiers: [
          { name: 'daily', schedule: '0 0 2 * * *', retention: '14d' },
          { name: 'weekly', schedule: '0 0 3 * * 0', retention: '14d', method: 'volume-snapshot' },
        ],
      },
      base: merge(tiers.base, { network: { apiServer: { cidrs: ['10.4.0.0/16'], ports: [6443] } } }),
      on,
    },
    [`${at}.backup.volumeSnapshotClass`]: { value: 'csi', ...backup },
    [`${at}.backup.pruneImage`]: { value: 'registry.example.com/cli:4.18.1', ...backup },
    [`${at}.backup.compression`]: { value: 'bzip2', ...backup },
    [`${at}.backup.archiveTimeout`]: { value: '1min', ...backup },
    [`${at}.pooler.instances`]: { value: 3, on },
    [`${at}.pooler.poolMode`]: { value: 'transaction', on },
    [`${at}.pooler.maxClientConnections`]: { value: 333, on },
    [`${at}.pooler.defaultPoolSize`]: { value: 33, on },
    [`${at}.rpo`]: { value: '15m', ...backup },
    [`${at}.rto`]: { value: '8h', on },
    // A drill restores the environment's own archive; it needs the API server's addresses for its job.
    [`${at}.restoreDrill.schedule`]: { value: '@weekly', ...drill },
    [`${at}.restoreDrill.check`]: { value: 'SELECT count(*) > 0 FROM orders', ...drill },
    [`${at}.restoreDrill.maxAge`]: { value: '40d', ...drill },
    [`${at}.restoreDrill.readyTimeout`]: { value: '2h', ...drill },
    [`${at}.restoreDrill.namespace`]: { value: 'scratch-drill', ...drill },
    // Another environment's archive: only one environment is composed here, so the name is refused as unknown.
    [`${at}.restoreDrill.source.environment`]: {
      value: 'production',
      base: merge(drill.base, set({}, `${at}.restoreDrill.source`, { credentialsSecret: 'read-s3' })),
      on,
    },
    [`${at}.restoreDrill.source.credentialsSecret`]: {
      at: `${at}.restoreDrill.source.environment`,
      value: 'production',
      base: merge(drill.base, set({}, `${at}.restoreDrill.source`, { credentialsSecret: 'read-s3' })),
      on,
    },
    [`${at}.recovery.environment`]: { value: 'staging', ...recovery },
    [`${at}.recovery.destinationPath`]: { value: 's3://backups/elsewhere', ...recovery },
    [`${at}.recovery.endpointUrl`]: { value: 'https://s3.example.com', ...recovery },
    [`${at}.recovery.serverName`]: { value: 'db-old', ...recovery },
    [`${at}.recovery.credentialsSecret`]: { value: 'other-s3', ...recovery },
    [`${at}.recovery.targetTime`]: { value: '2026-11-01T02:00:00Z', ...recovery },
    [`${at}.recovery.follow`]: { value: true, ...recovery },
  };
}

/** Every leaf of the environment schema. */
const LEAVES: Readonly<Record<string, Leaf>> = {
  'namespace': { value: 'shop-other', on: ['spring-boot'] },
  'critical': { value: true, on: ['spring-boot'] },
  'hosts': { value: { api: 'other.shop.example.com' } },
  'exposure(ingress).clusterIssuer': { at: 'exposure', value: { kind: 'ingress', clusterIssuer: 'le' }, on: ['spring-boot'] },
  'exposure(ingress).className': { value: 'nginx', base: { exposure: { kind: 'ingress', clusterIssuer: 'le' } }, on: ['spring-boot'] },
  'exposure(route).termination': { value: 'reencrypt', on: ['spring-boot'] },
  'release(rolling)': { at: 'release', value: { strategy: 'rolling' }, base: BLUE_GREEN_BASE },
  'release(blue-green).activeColor': { value: 'green', base: BLUE_GREEN_BASE },
  'release(blue-green).idleReplicas': { value: 0, base: BLUE_GREEN_BASE },
  // Only shows when the idle colour is smaller: it then runs at full size.
  'release(blue-green).switchTo': { value: 'green', base: merge(BLUE_GREEN_BASE, { release: { idleReplicas: 0 } }) },
  'release(blue-green).engine': { value: 'argo-rollouts', base: BLUE_GREEN_BASE },
  ...Object.fromEntries(
    (['blue-green', 'canary'] as const).flatMap((strategy) => {
      const base = strategy === 'canary' ? { release: CANARY } : merge(BLUE_GREEN_BASE, { release: { engine: 'argo-rollouts' } });
      return Object.entries({ prometheusUrl: 'http://prometheus.example:9090', interval: '2m', count: 9, failureLimit: 3 }).map(([key, value]) => [
        `release(${strategy}).analysis.${key}`,
        { value, base },
      ]);
    }),
  ),
  'release(canary).engine': { at: 'release', value: CANARY },
  'release(canary).steps': { value: [10, 100], base: { release: CANARY } },
  'release(canary).pause': { value: '7m', base: { release: CANARY } },
  'registries': { value: ['registry.example.com/shop/'], on: ['spring-boot'], gateOnly: "the gate's image-registry rule reads it" },
  // The program reads it: admission: false writes no <env>.admission.yaml (test/program/admission-output.test.ts).
  'admission': { value: false, on: ['spring-boot'], gateOnly: 'synth writes the admission policies from it' },
  // The target cluster: the gate checks the output against that minor's core schemas (test/gate/target-version.test.ts);
  // an OpenShift minor also makes the platform OpenShift where network.platform does not say.
  'kubernetes': { value: '1.37', on: ['spring-boot'], gateOnly: "the gate validates against the target minor's schemas" },
  'openshift': { value: '4.22', on: ['spring-boot'], gateOnly: "the gate validates against the target minor's schemas" },
  ...database('databases.*', ['spring-boot']),
  'identity.backend': { value: 'workload', base: { identity: { image: 'registry.example.com/keycloak:26.0.0' } }, on: ['keycloak'] },
  'identity.instances': { value: 3, on: ['keycloak'] },
  'identity.image': { value: 'quay.io/keycloak/keycloak:26.0.0', on: ['keycloak'] },
  ...resources('identity', ['keycloak']),
  ...database('identity.database', ['keycloak']),
  ...Object.fromEntries(
    Object.entries({
      schedule: '0 4 * * *',
      realm: 'other',
      destinationPath: 's3://backups/realm',
      endpointUrl: 'https://s3.example.com',
      credentialsSecret: 'realm-s3',
      region: 'eu-west-1',
      image: 'registry.example.com/keycloak:26.0.0',
    }).map(([key, value]) => [`identity.realmExport.${key}`, { value, base: { identity: { database: { backup: BACKUP } } }, on: ['keycloak'] }]),
  ),
  ...resources('identity.realmExport', ['keycloak']),
  'identity.issuerUrl': { value: 'https://login.example.com/realms/other', base: { identity: OIDC }, on: ['external-oidc'] },
  'identity.jwkSetUri': { value: 'https://login.example.com/jwks', base: { identity: OIDC }, on: ['external-oidc'] },
  'identity.endpoint.cidrs': { value: ['10.2.0.0/16'], base: { identity: OIDC }, on: ['external-oidc'] },
  'identity.endpoint.ports': { value: [8443], base: { identity: OIDC }, on: ['external-oidc'] },
  'network.platform': { value: 'kubernetes', on: ['spring-boot'] },
  'network.apiServer.cidrs': {
    value: ['10.3.0.0/16'],
    base: { network: { apiServer: { cidrs: ['10.4.0.0/16'], ports: [6443] } } },
    on: ['spring-boot'],
  },
  'network.apiServer.ports': { value: [443], base: { network: { apiServer: { cidrs: ['10.4.0.0/16'], ports: [6443] } } }, on: ['spring-boot'] },
  'network.objectStore.cidrs': {
    value: ['10.5.0.0/16'],
    base: { network: { objectStore: { cidrs: ['10.6.0.0/16'], ports: [443] } } },
    on: ['spring-boot'],
  },
  'network.objectStore.ports': { value: [9000], base: { network: { objectStore: { cidrs: ['10.6.0.0/16'], ports: [443] } } }, on: ['spring-boot'] },
  'network.databaseOperatorNamespace': { value: 'operators', on: ['spring-boot'] },
  'network.exposedServices': { value: ['mqtt'], on: ['spring-boot'], gateOnly: "the gate's service-exposure rule reads it" },
  'egress.*.from': { at: 'egress.smtp', value: { from: ['api'], cidrs: ['10.8.0.0/16'], ports: [25] } },
  'egress.*.cidrs': { value: ['10.7.0.0/16'], base: { egress: { smtp: { from: ['api'], cidrs: ['10.8.0.0/16'], ports: [25] } } } },
  'egress.*.ports': { value: [587], base: { egress: { smtp: { from: ['api'], cidrs: ['10.8.0.0/16'], ports: [25] } } } },
  // A host name: an EgressFirewall on OpenShift (refused on Kubernetes, test/network).
  'egress.*.hosts': {
    value: ['smtp.example.com'],
    base: { network: { platform: 'openshift' }, egress: { smtp: { from: ['api'], cidrs: ['10.8.0.0/16'], ports: [25] } } },
    on: ['spring-boot'],
  },
  'observability.monitoring.namespace': { value: 'prometheus' },
  'observability.monitoring.labels': { value: { release: 'prometheus' } },
  'observability.monitoring.scrapeInterval': { value: '15s' },
  ...Object.fromEntries(
    [
      'availabilityPercent',
      'errorRatePercent',
      'cpuPercent',
      'memoryPercent',
      'connectionPoolPercent',
      'databaseConnectionsPercent',
      'diskPercent',
      'requestSpikePercent',
      'latencyP95Seconds',
      'latencyP99Seconds',
      'replicationLagSeconds',
      'backupGraceMinutes',
      'loginFailuresPerMinute',
    ].map((key) => [`observability.thresholds.${key}`, { value: 42 }]),
  ),
  'observability.slo.availabilityPercent': { value: 99.9 },
  'observability.slo.window': { value: '7d' },
  'observability.slo.minimumRequests': { value: 7 },
  'observability.slo.latency.percent': { value: 99.9, base: { observability: { slo: { latency: { percent: 99, thresholdSeconds: 0.5 } } } } },
  'observability.slo.latency.thresholdSeconds': {
    value: 0.25,
    base: { observability: { slo: { latency: { percent: 99, thresholdSeconds: 0.5 } } } },
  },
  'observability.slo.latency.window': { value: '7d', base: { observability: { slo: { latency: { percent: 99, thresholdSeconds: 0.5 } } } } },
  'observability.alerting.paging': { value: { kind: 'pagerduty', routingKey: SECRET } },
  'observability.alerting.chat': { value: WEBHOOK },
  'observability.alerting.labels': { value: { routing: 'Sev2' } },
  'observability.alerting.for': { value: { ContainerCpuHigh: '30m' } },
  'observability.alerting.repeatInterval': { value: '1h', base: { observability: { alerting: { chat: WEBHOOK } } } },
  'observability.dashboards.delivery': { value: 'grafana-operator' },
  'observability.dashboards.folder': { value: 'Shop' },
  'observability.probes.proberUrl': { value: 'blackbox.monitoring.svc:9115' },
  'observability.probes.module': { value: 'http_3xx', base: { observability: { probes: PROBER } } },
  'observability.probes.interval': { value: '5m', base: { observability: { probes: PROBER } } },
  'observability.probes.paths': { value: { api: ['/', '/api/health'] }, base: { observability: { probes: PROBER } }, on: ['spring-boot'] },
  'delivery.sync': { value: 'automated', on: ['spring-boot'] },
  'delivery.autoSyncReason': { value: 'a preview environment', base: { critical: true, delivery: { sync: 'automated' } }, on: ['spring-boot'] },
  'delivery.prune': { value: true, base: { delivery: { sync: 'automated' } }, on: ['spring-boot'] },
  'delivery.selfHeal': { value: true, base: { delivery: { sync: 'automated' } }, on: ['spring-boot'] },
  'delivery.targetRevision': { value: 'release-1', on: ['spring-boot'] },
  'delivery.server': { value: 'https://other.example.com', on: ['spring-boot'] },
  'delivery.syncWindows[].kind': { value: 'allow', base: { delivery: { syncWindows: [WINDOW] } }, on: ['spring-boot'] },
  'delivery.syncWindows[].schedule': { value: '0 8 * * 1', base: { delivery: { syncWindows: [WINDOW] } }, on: ['spring-boot'] },
  'delivery.syncWindows[].duration': { value: '1h30m', base: { delivery: { syncWindows: [WINDOW] } }, on: ['spring-boot'] },
  'delivery.syncWindows[].manualSync': { value: true, base: { delivery: { syncWindows: [WINDOW] } }, on: ['spring-boot'] },
  'delivery.syncWindows[].timeZone': { value: 'Europe/Berlin', base: { delivery: { syncWindows: [WINDOW] } }, on: ['spring-boot'] },
  'delivery.smokeTest.enabled': { value: false },
  'delivery.smokeTest.image': { value: 'registry.example.com/curl:8.10.1' },
  'delivery.smokeTest.timeoutSeconds': { value: 77 },
  'components.*.image': { value: 'registry.example.com/shop/other' },
  'components.*.tag': { value: '2.0.0' },
  'components.*.tags.blue': { value: '2.0.0', base: BLUE_GREEN_BASE },
  'components.*.tags.green': { value: '2.0.0', base: BLUE_GREEN_BASE },
  'components.*.replicas': { value: 3 },
  ...resources('components.*'),
  ...Object.fromEntries(
    Object.entries({
      minReplicas: 3,
      maxReplicas: 9,
      targetCpuUtilization: 60,
      targetMemoryUtilization: 60,
      'podsMetric.name': 'queue_depth',
      'podsMetric.averageValue': 9,
    }).map(([key, value]) => [
      `components.*.autoscaling.${key}`,
      { value, base: { components: { api: { autoscaling: { minReplicas: 2, maxReplicas: 4, podsMetric: { name: 'rps', averageValue: 5 } } } } } },
    ]),
  ),
  'components.*.springProfile': { value: 'qa' },
  'secrets(none)': { value: { provider: 'none' }, base: { secrets: EXTERNAL }, on: ['spring-boot'] },
  'secrets(external-secrets).store.name': { value: 'other', base: { secrets: EXTERNAL }, on: ['spring-boot'] },
  'secrets(external-secrets).store.kind': { value: 'SecretStore', base: { secrets: EXTERNAL }, on: ['spring-boot'] },
  'secrets(external-secrets).refreshInterval': { value: '5m', base: { secrets: EXTERNAL }, on: ['spring-boot'] },
  'secrets(external-secrets).remoteKeyPrefix': { value: 'shop/other', base: { secrets: EXTERNAL }, on: ['spring-boot'] },
  'secrets(external-secrets).remoteKeys': { value: { 'shop-db-credentials': 'other/db' }, base: { secrets: EXTERNAL }, on: ['spring-boot'] },
  'secrets(sealed-secrets)': { value: { provider: 'sealed-secrets' }, on: ['spring-boot'] },
  ...Object.fromEntries(
    Object.entries({ rule: 'replicas-spread', object: 'Deployment/api', component: 'api', reason: 'a reason long enough' }).map(([key, value]) => [
      `waivers[].${key}`,
      {
        value,
        base: { waivers: [{ rule: 'image-tag-pinned', ...(key === 'component' ? {} : { component: 'api' }), reason: 'the reason of the waiver' }] },
      },
    ]),
  ),
};

/**
 * Leaves the walk finds accepted and ignored today, each a defect to fix (refuse it where it changes nothing, or make it
 * take effect), by the kinds it is found on. The walk fails when one is fixed and still listed, so the list only shrinks.
 */
const ACCEPTED_AND_IGNORED: Readonly<Record<string, readonly Kind[]>> = {
  // Validated, never used.
  'databases.*.rto': ['spring-boot'],
  'identity.database.rto': ['keycloak'],
};

/** A minimal product of each component kind, and of each identity kind. */
const KINDS = {
  'spring-boot': defineProduct({
    name: 'shop',
    components: { api: { kind: 'spring-boot', image: 'registry.example.com/shop/api', public: true, databases: ['db'] } },
    databases: { db: {} },
  }),
  'http': http(),
  'http with request metrics': http('opentelemetry'),
  'nginx': defineProduct({ name: 'shop', components: { api: { kind: 'nginx', image: 'registry.example.com/shop/api', public: true } } }),
  'keycloak': defineProduct({
    name: 'shop',
    components: { api: { kind: 'spring-boot', image: 'registry.example.com/shop/api', public: true, identity: true } },
    identity: { kind: 'keycloak' },
  }),
  'external-oidc': defineProduct({
    name: 'shop',
    components: { api: { kind: 'spring-boot', image: 'registry.example.com/shop/api', public: true, identity: true } },
    identity: { kind: 'external-oidc' },
  }),
} satisfies Record<string, Product>;
type Kind = keyof typeof KINDS;

/** The kinds a leaf is walked on unless it names its own: the component kinds. */
const COMPONENT_KINDS: readonly Kind[] = ['spring-boot', 'http', 'http with request metrics', 'nginx'];

function http(requests?: 'opentelemetry'): Product {
  const metrics = { port: 9464, path: '/metrics', ...(requests ? { requests } : {}) };
  return defineProduct({
    name: 'shop',
    components: { api: { kind: 'http', image: 'registry.example.com/shop/api', public: true, livenessPath: '/l', readinessPath: '/r', metrics } },
  });
}

/** The staging environment of a kind's product, with nothing else set. */
function environment(kind: Kind): EnvironmentConfig {
  const product = KINDS[kind];
  return {
    name: 'staging',
    hosts: Object.fromEntries(publicHostKeys(product).map((key) => [key, `${key}.shop.example.com`])),
    exposure: { kind: 'route' },
    release: { strategy: 'rolling' },
    components: { api: { tag: '1.0.0', replicas: 2 } },
    ...(kind === 'external-oidc' ? { identity: OIDC } : {}),
  };
}

/** The leaf's path in a file: a map's entry named as the products name it, a list's first item, no branch marks. */
function concrete(leaf: string): string {
  return leaf
    .replace(/^components\.\*/, 'components.api')
    .replace(/^databases\.\*/, 'databases.db')
    .replace(/^egress\.\*/, 'egress.smtp')
    .replace(/\[\]/g, '.0')
    .replace(/\([^)]*\)/g, '');
}

function set(target: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = concrete(path).split('.');
  const inner = (Array.isArray(target[head]) ? [...(target[head] as unknown[])] : (target[head] ?? {})) as Record<string, unknown>;
  const next = rest.length === 0 ? value : set(inner, rest.join('.'), value);
  return Array.isArray(target) ? Object.assign([...target], { [head]: next }) : { ...target, [head]: next };
}

/** `over` on `base`: objects merged at every depth, anything else replaced. */
function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const object = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  return Object.fromEntries(
    [...new Set([...Object.keys(base), ...Object.keys(over)])].map((k) => [
      k,
      object(base[k]) && object(over[k]) ? merge(base[k], over[k]) : k in over ? over[k] : base[k],
    ]),
  );
}

/** What the program makes of an environment: the schema's problems, the composition's, or the synthesised objects. */
function outcome(kind: Kind, env: EnvironmentConfig): string | string[] {
  const product = KINDS[kind];
  const { name: _name, ...file } = env;
  try {
    parseEnvironment('staging.yaml', JSON.stringify(file), product);
  } catch (e) {
    if (!(e instanceof EnvironmentFileError)) throw e;
    return e.problems.map((p) => p.replace(/^staging\.yaml: /, ''));
  }
  try {
    return JSON.stringify(synth(productChart(env, product)));
  } catch {
    return settingProblems(() => productChart(env, product));
  }
}

describe('every leaf of the environment schema, for every component kind', () => {
  test('the walk knows every leaf of the schema', () => {
    expect(leaves(EnvironmentSettings).sort()).toEqual(Object.keys(LEAVES).sort());
  });

  for (const kind of Object.keys(KINDS) as Kind[]) {
    test(`a ${kind} product: each leaf either changes the output or is refused, naming its setting`, () => {
      const before = new Map<string, string | string[]>();
      const ignored: string[] = [];
      for (const [leaf, { value, base = {}, at, on = COMPONENT_KINDS, gateOnly }] of Object.entries(LEAVES)) {
        if (!on.includes(kind)) continue;
        const start = merge(environment(kind), base) as EnvironmentConfig;
        const key = JSON.stringify(start);
        if (!before.has(key)) before.set(key, outcome(kind, start));
        const was = before.get(key)!;
        // A base refused for this kind (an objective without request metrics) refuses the leaf too, if it names it.
        const after = Array.isArray(was) ? was : outcome(kind, set(start, at ?? leaf, value) as EnvironmentConfig);
        const path = concrete(at ?? leaf).split('.');
        const names = path.map((_, i) => path.slice(0, i + 1).join('.'));
        if (Array.isArray(after)) {
          const named = after.some((p) => names.some((n) => p.startsWith(`${n}:`) || p.includes(` ${n}:`) || p.includes(` ${n} `)));
          expect.soft(named, `${kind}: ${leaf} refused without naming it: ${after.join(' | ')}`).toBe(true);
        } else if (after === was && gateOnly === undefined) {
          ignored.push(leaf);
        }
      }
      const known = Object.keys(ACCEPTED_AND_IGNORED).filter((leaf) => ACCEPTED_AND_IGNORED[leaf].includes(kind));
      expect(ignored.sort(), 'accepted and changes nothing (a new defect; or a fixed one still listed in ACCEPTED_AND_IGNORED)').toEqual(
        known.sort(),
      );
    });
  }
});
