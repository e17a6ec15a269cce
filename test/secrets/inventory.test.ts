import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import { defineProduct, EafApi, EafProductChart, EnvironmentConfig, InventoriedSecret, secretInventory, unprovidedSecrets } from '../../lib';
import { loadEnvironmentDirectory } from '../../lib/program';
import { fieldPath } from '../../lib/core/field-path';
import { dvmm } from '../../main';
import { Manifest, synthProduct, testEnvironment } from '../util';

const REPO = path.join(__dirname, '..', '..');

/** DVMM's real environments, as the program reads them. */
const ENVIRONMENTS = loadEnvironmentDirectory(path.join(REPO, 'environments'), dvmm).map((f) => f.environment);

/** One environment of DVMM, composed and synthesised as the program does it. */
function dvmmObjects(environment: EnvironmentConfig): Manifest[] {
  return Testing.synth(
    new EafProductChart(new App({ outdir: '/nonexistent' }), dvmm.name, { product: dvmm, environment, environments: ENVIRONMENTS }),
  ) as Manifest[];
}

/** Kinds that write Secrets rather than read them: their `secretStoreRef` and `secretKey` name no Secret to provide. */
const WRITERS = ['ExternalSecret', 'SealedSecret', 'Secret'];

/**
 * Every place an object seems to name a Secret, found without the inventory's table, by the shapes Kubernetes APIs use:
 * a `{ name, key }` selector (not under a config map), or a field whose name says secret holding a name, a `{ name }`,
 * a `{ secretName }` or a list of `{ name }`. Deliberately broader than the table, so a reference the table lacks shows.
 */
function secretLookingReferences(object: Manifest): Array<{ object: string; field: string; name: string }> {
  const out: Array<{ object: string; field: string; name: string }> = [];
  const dnsName = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
  const add = (segments: Array<string | number | { name: string }>, name: unknown) => {
    if (typeof name === 'string' && dnsName.test(name))
      out.push({ object: `${object.kind}/${object.metadata.name}`, field: fieldPath(segments), name });
  };
  const visit = (node: unknown, segments: Array<string | number | { name: string }>, parentKey: string) => {
    if (Array.isArray(node)) {
      node.forEach((item, i) =>
        visit(item, [...segments, item !== null && typeof item === 'object' && typeof item.name === 'string' ? { name: item.name } : i], parentKey),
      );
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    const keys = Object.keys(record);
    if (
      typeof record.name === 'string' &&
      typeof record.key === 'string' &&
      keys.every((k) => ['name', 'key', 'optional'].includes(k)) &&
      !/configmap/i.test(parentKey)
    )
      add(segments, record.name);
    for (const [key, value] of Object.entries(record)) {
      const here = [...segments, key];
      if (/secret/i.test(key) && !/configmap/i.test(key)) {
        if (typeof value === 'string') add(here, value);
        else if (Array.isArray(value)) value.forEach((item: any) => add([...here, { name: item?.name }], item?.name));
        else if (value !== null && typeof value === 'object') add(here, (value as any).name ?? (value as any).secretName);
      }
      visit(value, here, key);
    }
  };
  visit(object, [], '');
  return out;
}

/** The references {@link secretLookingReferences} finds that no inventoried reader covers. */
function uncovered(objects: Manifest[]): string[] {
  const inventory = secretInventory(objects);
  return [
    ...new Set(
      objects
        .filter((o) => !WRITERS.includes(o.kind))
        .flatMap(secretLookingReferences)
        .filter((ref) => {
          const secret = inventory.find((s) => s.name === ref.name);
          return !secret?.readers.some((r) => r.object === ref.object && (ref.field.startsWith(r.field) || r.field.startsWith(ref.field)));
        })
        .map((ref) => `${ref.object}: ${ref.field} names ${ref.name}`),
    ),
  ];
}

/** Readers as `<object> (<container>)`, once each. */
const readers = (secret: InventoriedSecret | undefined) => [
  ...new Set(secret?.readers.map((r) => (r.container ? `${r.object} (${r.container})` : r.object))),
];
const byName = (objects: unknown[]) => Object.fromEntries(secretInventory(objects).map((s) => [s.name, s]));

describe('secretInventory', () => {
  describe("DVMM's real environments", () => {
    test.each(ENVIRONMENTS.map((e) => [e.name, e] as const))(
      '%s: every reference to a Secret anywhere in the output is inventoried',
      (_, environment) => {
        // GIVEN everything the environment renders
        const objects = dvmmObjects(environment);
        // THEN the independent scan finds references, and each is a reader of an inventoried Secret
        expect(objects.filter((o) => !WRITERS.includes(o.kind)).flatMap(secretLookingReferences).length).toBeGreaterThan(8);
        expect(uncovered(objects)).toEqual([]);
      },
    );

    test('the scan catches a reference the table does not know, so a new construct cannot slip past the test', () => {
      // GIVEN a kind the table has never heard of, naming a Secret
      const widget = {
        apiVersion: 'widgets.example.com/v1',
        kind: 'Widget',
        metadata: { name: 'w', namespace: 'ns' },
        spec: { credentialsSecret: { name: 'widget-creds', key: 'token' } },
      };
      // THEN it is not inventoried, and the check names it
      expect(secretInventory([widget])).toEqual([]);
      expect(uncovered([widget as Manifest])).toEqual(['Widget/w: spec.credentialsSecret names widget-creds']);
    });

    test('production: each Secret with its keys, readers and type', () => {
      const inventory = secretInventory(dvmmObjects(ENVIRONMENTS.find((e) => e.name === 'production')!).filter((o) => o.kind !== 'ExternalSecret'));
      expect(inventory.map((s) => ({ name: s.name, namespace: s.namespace, keys: s.keys, type: s.type }))).toEqual([
        { name: 'dvmm-alerting', namespace: 'dvmm-production', keys: ['pagerduty-routing-key', 'slack-webhook-url'], type: undefined },
        { name: 'dvmm-backup-s3', namespace: 'dvmm-production', keys: ['ACCESS_KEY_ID', 'ACCESS_SECRET_KEY'], type: undefined },
        { name: 'dvmm-db-credentials', namespace: 'dvmm-production', keys: ['password', 'username'], type: 'kubernetes.io/basic-auth' },
        { name: 'dvmm-keycloak-client', namespace: 'dvmm-production', keys: ['client-secret'], type: undefined },
        { name: 'keycloak-db-credentials', namespace: 'dvmm-production', keys: ['password', 'username'], type: 'kubernetes.io/basic-auth' },
      ]);
      // THEN the readers include these (a construct that reads one more is found by itself)
      const expected: Record<string, string[]> = {
        'dvmm-alerting': ['AlertmanagerConfig/dvmm-alerts'],
        'dvmm-backup-s3': ['ObjectStore/dvmm-db-backup', 'ObjectStore/keycloak-db-backup'],
        'dvmm-db-credentials': ['Cluster/dvmm-db', 'Deployment/api-blue (api)', 'Deployment/api-green (api)'],
        'dvmm-keycloak-client': ['Deployment/api-blue (api)', 'Deployment/api-green (api)', 'KeycloakRealmImport/keycloak-realm-dvmm'],
        'keycloak-db-credentials': ['Cluster/keycloak-db', 'Keycloak/keycloak'],
      };
      for (const secret of inventory) expect(readers(secret)).toEqual(expect.arrayContaining(expected[secret.name]));
      // THEN none is provided by the objects themselves: each must come from the environment's provider
      expect(unprovidedSecrets(inventory).length).toBe(5);
    });

    test('dev: the Ingress certificates are issued by cert-manager, the rest must be provided', () => {
      const inventory = secretInventory(dvmmObjects(ENVIRONMENTS.find((e) => e.name === 'dev')!));
      expect(Object.fromEntries(inventory.map((s) => [s.name, s.providedBy ?? 'nothing']))).toEqual({
        'api-tls': ['Ingress/api (cert-manager)'],
        'dvmm-db-credentials': 'nothing',
        'dvmm-keycloak-client': 'nothing',
        'frontend-tls': ['Ingress/frontend (cert-manager)'],
        'keycloak-db-credentials': 'nothing',
        'keycloak-tls': ['Ingress/keycloak (cert-manager)'],
      });
      expect(byName(dvmmObjects(ENVIRONMENTS.find((e) => e.name === 'dev')!))['api-tls']).toMatchObject({
        keys: ['tls.crt', 'tls.key'],
        type: 'kubernetes.io/tls',
        readers: [{ object: 'Ingress/api', field: 'spec.tls[0].secretName' }],
      });
    });

    test('names the field and the container of each reader', () => {
      const secret = byName(dvmmObjects(ENVIRONMENTS.find((e) => e.name === 'dev')!))['dvmm-db-credentials'];
      expect(secret.readers).toEqual([
        { object: 'Cluster/dvmm-db', field: 'spec.bootstrap.initdb.secret', keys: ['username', 'password'] },
        {
          object: 'Deployment/api',
          container: 'api',
          field: 'spec.template.spec.containers[name=api].env[name=DB_PASSWORD].valueFrom.secretKeyRef',
          keys: ['password'],
        },
        {
          object: 'Deployment/api',
          container: 'api',
          field: 'spec.template.spec.containers[name=api].env[name=DB_USER].valueFrom.secretKeyRef',
          keys: ['username'],
        },
      ]);
    });
  });

  describe('any product', () => {
    test('a product without Keycloak: its own database credentials, a secret variable and a secured actuator', () => {
      // GIVEN a product of another shape: no identity, a Secret-backed variable and metrics behind basic auth
      const product = defineProduct({
        name: 'orders',
        components: {
          app: {
            kind: 'spring-boot',
            image: 'registry.example.com/orders/app',
            databases: ['db'],
            secretEnv: { CHAT_TOKEN: { secretName: 'orders-chat', key: 'token' } },
            metricsAuth: { kind: 'basic', secretName: 'orders-actuator' },
          },
        },
        databases: { db: { credentialsSecret: 'orders-owner' } },
      });
      const objects = synthProduct(
        {
          ...testEnvironment(),
          hosts: {},
          identity: undefined,
          components: { app: { tag: '1.0.0', replicas: 2 } },
          release: { strategy: 'rolling' },
        },
        product,
      );
      // THEN its Secrets, and only those, are inventoried
      const inventory = byName(objects);
      expect(Object.keys(inventory)).toEqual(['backup-s3', 'orders-actuator', 'orders-chat', 'orders-owner']);
      expect(readers(inventory['orders-actuator'])).toEqual(['PodMonitor/app']);
      expect(inventory['orders-actuator'].keys).toEqual(['password', 'username']);
      expect(inventory['orders-chat']).toMatchObject({ keys: ['token'], readers: [{ object: 'Deployment/app', container: 'api' }] });
      expect(uncovered(objects)).toEqual([]);
    });
  });

  describe('per kind', () => {
    const ns = { namespace: 'shop' };
    const podSpec = (extra: Record<string, unknown> = {}) => ({
      containers: [
        {
          name: 'app',
          env: [
            { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'tokens', key: 'api' } } },
            { name: 'PLAIN', value: 'x' },
          ],
          envFrom: [{ secretRef: { name: 'whole' } }, { configMapRef: { name: 'settings' } }],
          volumeMounts: [{ name: 'certs', mountPath: '/certs' }],
        },
        {
          name: 'sidecar',
          volumeMounts: [
            { name: 'certs', mountPath: '/certs' },
            { name: 'bundle', mountPath: '/bundle' },
          ],
        },
      ],
      initContainers: [{ name: 'migrate', env: [{ name: 'PW', valueFrom: { secretKeyRef: { name: 'tokens', key: 'db' } } }] }],
      volumes: [
        { name: 'certs', secret: { secretName: 'certs', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { name: 'bundle', projected: { sources: [{ secret: { name: 'bundle' } }, { configMap: { name: 'cm' } }] } },
      ],
      imagePullSecrets: [{ name: 'registry' }],
      ...extra,
    });

    test.each([
      ['Deployment', 'apps/v1', { template: { spec: podSpec() } }, 'spec.template.spec'],
      ['StatefulSet', 'apps/v1', { template: { spec: podSpec() } }, 'spec.template.spec'],
      ['Job', 'batch/v1', { template: { spec: podSpec() } }, 'spec.template.spec'],
      ['CronJob', 'batch/v1', { jobTemplate: { spec: { template: { spec: podSpec() } } } }, 'spec.jobTemplate.spec.template.spec'],
      ['Rollout', 'argoproj.io/v1alpha1', { template: { spec: podSpec() } }, 'spec.template.spec'],
      ['Pod', 'v1', podSpec(), 'spec'],
    ])('%s: env, envFrom, volumes, projected volumes and pull secrets, each with its containers', (kind, apiVersion, spec, pod) => {
      const inventory = byName([{ apiVersion, kind, metadata: { name: 'w', ...ns }, spec }]);
      expect(Object.keys(inventory)).toEqual(['bundle', 'certs', 'registry', 'tokens', 'whole']);
      expect(inventory.tokens).toMatchObject({ keys: ['api', 'db'], wholeSecret: false });
      expect(readers(inventory.tokens)).toEqual([`${kind}/w (app)`, `${kind}/w (migrate)`]);
      expect(inventory.whole).toMatchObject({
        keys: [],
        wholeSecret: true,
        readers: [{ object: `${kind}/w`, container: 'app', field: `${pod}.containers[name=app].envFrom[0].secretRef` }],
      });
      // a volume is read by the containers that mount it, the keys of its items
      expect(inventory.certs).toMatchObject({ keys: ['ca.crt'], wholeSecret: false });
      expect(readers(inventory.certs)).toEqual([`${kind}/w (app)`, `${kind}/w (sidecar)`]);
      expect(inventory.bundle).toMatchObject({
        wholeSecret: true,
        readers: [{ container: 'sidecar', field: `${pod}.volumes[name=bundle].projected.sources[0].secret` }],
      });
      expect(inventory.registry).toMatchObject({ keys: ['.dockerconfigjson'], type: 'kubernetes.io/dockerconfigjson' });
    });

    test("CloudNativePG: the owner's basic-auth credentials, external clusters, managed roles and legacy object-store keys", () => {
      const inventory = byName([
        {
          apiVersion: 'postgresql.cnpg.io/v1',
          kind: 'Cluster',
          metadata: { name: 'db', ...ns },
          spec: {
            bootstrap: { initdb: { secret: { name: 'owner' } } },
            managed: { roles: [{ name: 'reporting', passwordSecret: { name: 'reporting' } }] },
            externalClusters: [{ name: 'origin', password: { name: 'origin', key: 'password' }, sslKey: { name: 'origin-tls', key: 'tls.key' } }],
            backup: { barmanObjectStore: { s3Credentials: { accessKeyId: { name: 's3', key: 'ID' }, secretAccessKey: { name: 's3', key: 'KEY' } } } },
          },
        },
      ]);
      expect(inventory.owner).toMatchObject({
        keys: ['password', 'username'],
        type: 'kubernetes.io/basic-auth',
        readers: [{ object: 'Cluster/db', field: 'spec.bootstrap.initdb.secret' }],
      });
      expect(inventory.reporting).toMatchObject({
        keys: ['password', 'username'],
        readers: [{ field: 'spec.managed.roles[name=reporting].passwordSecret' }],
      });
      expect(inventory.origin.keys).toEqual(['password']);
      expect(inventory['origin-tls'].keys).toEqual(['tls.key']);
      expect(inventory.s3.keys).toEqual(['ID', 'KEY']);
    });

    test('the barman ObjectStore: its S3, Azure and Google credentials', () => {
      const inventory = byName([
        {
          apiVersion: 'barmancloud.cnpg.io/v1',
          kind: 'ObjectStore',
          metadata: { name: 'backup', ...ns },
          spec: {
            configuration: {
              destinationPath: 's3://b/p',
              s3Credentials: { accessKeyId: { name: 's3', key: 'ACCESS_KEY_ID' }, secretAccessKey: { name: 's3', key: 'ACCESS_SECRET_KEY' } },
              azureCredentials: { storageKey: { name: 'az', key: 'KEY' } },
              googleCredentials: { applicationCredentials: { name: 'gcs', key: 'json' } },
            },
          },
        },
      ]);
      expect(Object.fromEntries(Object.entries(inventory).map(([name, s]) => [name, s.keys]))).toEqual({
        az: ['KEY'],
        gcs: ['json'],
        s3: ['ACCESS_KEY_ID', 'ACCESS_SECRET_KEY'],
      });
    });

    test("Keycloak: database credentials, TLS, bootstrap admin; the realm import's placeholders", () => {
      const inventory = byName([
        {
          apiVersion: 'k8s.keycloak.org/v2alpha1',
          kind: 'Keycloak',
          metadata: { name: 'kc', ...ns },
          spec: {
            db: { usernameSecret: { name: 'kc-db', key: 'username' }, passwordSecret: { name: 'kc-db', key: 'password' } },
            http: { tlsSecret: 'kc-tls' },
            bootstrapAdmin: { user: { secret: 'kc-admin' } },
          },
        },
        {
          apiVersion: 'k8s.keycloak.org/v2alpha1',
          kind: 'KeycloakRealmImport',
          metadata: { name: 'realm', ...ns },
          spec: {
            placeholders: { CLIENT_SECRET: { secret: { name: 'client', key: 'secret' } } },
            realm: { clients: [{ secret: '${CLIENT_SECRET}' }] },
          },
        },
      ]);
      expect(Object.fromEntries(Object.entries(inventory).map(([name, s]) => [name, [s.keys, s.type]]))).toEqual({
        'client': [['secret'], undefined],
        'kc-admin': [['password', 'username'], undefined],
        'kc-db': [['password', 'username'], undefined],
        'kc-tls': [['tls.crt', 'tls.key'], 'kubernetes.io/tls'],
      });
      expect(inventory.client.readers[0]).toEqual({
        object: 'KeycloakRealmImport/realm',
        field: 'spec.placeholders.CLIENT_SECRET.secret',
        keys: ['secret'],
      });
      // THEN the Keycloak operator's own initial-admin Secret would be provided, had bootstrapAdmin not been given
      expect(
        secretInventory([
          {
            apiVersion: 'k8s.keycloak.org/v2alpha1',
            kind: 'Keycloak',
            metadata: { name: 'kc', ...ns },
            spec: { http: { tlsSecret: 'kc-initial-admin' } },
          },
        ])[0].providedBy,
      ).toEqual(['Keycloak/kc (the Keycloak operator)']);
    });

    test('AlertmanagerConfig: every receiver integration and its HTTP client', () => {
      const inventory = byName([
        {
          apiVersion: 'monitoring.coreos.com/v1alpha1',
          kind: 'AlertmanagerConfig',
          metadata: { name: 'alerts', ...ns },
          spec: {
            receivers: [
              { name: 'paging', pagerdutyConfigs: [{ routingKey: { name: 'alerting', key: 'pd' } }] },
              {
                name: 'chat',
                slackConfigs: [
                  {
                    apiURL: { name: 'alerting', key: 'slack' },
                    httpConfig: { basicAuth: { username: { name: 'proxy', key: 'user' }, password: { name: 'proxy', key: 'pass' } } },
                  },
                ],
              },
              { name: 'hook', webhookConfigs: [{ urlSecret: { name: 'hook', key: 'url' } }] },
              { name: 'mail', emailConfigs: [{ authPassword: { name: 'smtp', key: 'password' } }] },
            ],
          },
        },
      ]);
      expect(Object.fromEntries(Object.entries(inventory).map(([name, s]) => [name, s.keys]))).toEqual({
        alerting: ['pd', 'slack'],
        hook: ['url'],
        proxy: ['pass', 'user'],
        smtp: ['password'],
      });
      expect(inventory.hook.readers[0].field).toBe('spec.receivers[name=hook].webhookConfigs[0].urlSecret');
    });

    test('PodMonitor and Probe: basic auth, authorization, bearer token and TLS keys', () => {
      const inventory = byName([
        {
          apiVersion: 'monitoring.coreos.com/v1',
          kind: 'PodMonitor',
          metadata: { name: 'api', ...ns },
          spec: {
            podMetricsEndpoints: [
              {
                port: 'http',
                authorization: { credentials: { name: 'scrape', key: 'token' } },
                tlsConfig: { keySecret: { name: 'scrape-tls', key: 'tls.key' }, ca: { configMap: { name: 'ca', key: 'ca.crt' } } },
              },
            ],
          },
        },
        {
          apiVersion: 'monitoring.coreos.com/v1',
          kind: 'Probe',
          metadata: { name: 'uptime', ...ns },
          spec: { bearerTokenSecret: { name: 'prober', key: 'token' } },
        },
      ]);
      expect(Object.fromEntries(Object.entries(inventory).map(([name, s]) => [name, readers(s)]))).toEqual({
        'prober': ['Probe/uptime'],
        'scrape': ['PodMonitor/api'],
        'scrape-tls': ['PodMonitor/api'],
      });
    });

    test("GrafanaDashboard: its environment from Secrets and the URL's basic auth", () => {
      const inventory = byName([
        {
          apiVersion: 'grafana.integreatly.org/v1beta1',
          kind: 'GrafanaDashboard',
          metadata: { name: 'd', ...ns },
          spec: {
            envs: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'dash', key: 'x' } } }],
            urlAuthorization: { basicAuth: { password: { name: 'dash', key: 'pw' } } },
          },
        },
      ]);
      expect(inventory.dash.keys).toEqual(['pw', 'x']);
    });

    test("what provides a Secret: an ExternalSecret, a SealedSecret, a Certificate, CloudNativePG's own certificates", () => {
      const reader = (name: string) => ({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `reads-${name}`, ...ns },
        spec: { containers: [{ name: 'c', env: [{ name: 'X', valueFrom: { secretKeyRef: { name, key: 'k' } } }] }] },
      });
      const inventory = secretInventory([
        reader('external'),
        reader('sealed'),
        reader('cert'),
        reader('db-ca'),
        reader('db-app'),
        reader('nobody'),
        reader('elsewhere'),
        { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'external', ...ns }, spec: {} },
        { apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', metadata: { name: 'sealed', ...ns }, spec: { encryptedData: {} } },
        { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'c', ...ns }, spec: { secretName: 'cert' } },
        {
          apiVersion: 'postgresql.cnpg.io/v1',
          kind: 'Cluster',
          metadata: { name: 'db', ...ns },
          spec: { bootstrap: { initdb: { secret: { name: 'owner' } } } },
        },
        // THEN a provider in another namespace provides nothing here
        {
          apiVersion: 'external-secrets.io/v1',
          kind: 'ExternalSecret',
          metadata: { name: 'x', namespace: 'other' },
          spec: { target: { name: 'elsewhere' } },
        },
      ]);
      expect(Object.fromEntries(inventory.map((s) => [s.name, s.providedBy ?? 'nothing']))).toEqual({
        'cert': ['Certificate/c (cert-manager)'],
        'db-app': 'nothing',
        'db-ca': ['Cluster/db (CloudNativePG)'],
        'elsewhere': 'nothing',
        'external': ['ExternalSecret/external (external-secrets)'],
        'nobody': 'nothing',
        'owner': 'nothing',
        'sealed': ['SealedSecret/sealed (sealed-secrets)'],
      });
      expect(unprovidedSecrets(inventory).map((s) => s.name)).toEqual(['db-app', 'elsewhere', 'nobody', 'owner']);
    });

    test('an Ingress without a cert-manager issuer names a Secret that must be provided', () => {
      const ingress = (annotations: Record<string, string>) => ({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: 'web', ...ns, annotations },
        spec: { tls: [{ hosts: ['a.example.com'], secretName: 'web-tls' }] },
      });
      expect(secretInventory([ingress({ 'cert-manager.io/cluster-issuer': 'letsencrypt' })])[0].providedBy).toEqual(['Ingress/web (cert-manager)']);
      expect(secretInventory([ingress({})])[0].providedBy).toBeUndefined();
    });

    test('keeps Secrets of the same name in different namespaces apart, and skips what is not an object', () => {
      const pod = (namespace: string) => ({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p', namespace },
        spec: { imagePullSecrets: [{ name: 'registry' }] },
      });
      expect(secretInventory([pod('b'), null, 'text', [pod('x')], pod('a'), { kind: 'Pod' }]).map((s) => `${s.namespace}/${s.name}`)).toEqual([
        'a/registry',
        'b/registry',
      ]);
    });

    test('reads odd objects as far as they name Secrets: skips what is not an object or a name, mounts by container, providers on their conditions', () => {
      const pod = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p', namespace: 'ns' },
        spec: {
          containers: [
            {
              name: 'b',
              env: [
                null,
                { name: 'X', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
                { valueFrom: { secretKeyRef: { name: '', key: 'k' } } },
                { valueFrom: { secretKeyRef: { name: 'creds', key: 5 } } },
                { valueFrom: { secretKeyRef: 'creds' } },
              ],
              volumeMounts: [null, { name: 'certs' }],
            },
            {
              name: 'a',
              env: [
                { valueFrom: { secretKeyRef: { name: 'creds', key: 'username' } } },
                { valueFrom: { secretKeyRef: { name: 'db-app', key: 'password' } } },
                { valueFrom: { secretKeyRef: { name: 'db2-app', key: 'password' } } },
                { valueFrom: { secretKeyRef: { name: 'kc-initial-admin', key: 'password' } } },
                { valueFrom: { secretKeyRef: { name: 'kc2-initial-admin', key: 'password' } } },
              ],
              envFrom: [{ secretRef: { name: 'creds' } }],
              volumeMounts: [{ name: 'certs' }, { name: 'whole' }],
            },
            { name: 'c' },
            'not a container',
          ],
          initContainers: [{ name: 'init', volumeMounts: 'none' }],
          volumes: [
            null,
            'x',
            { name: 'certs', secret: { secretName: 'tls', items: [{ key: 'tls.crt' }, 'x', { key: 'tls.key' }] } },
            { name: 'whole', secret: { secretName: 'all', items: [] } },
            { name: 'unmounted', secret: { secretName: 'spare' } },
            { secret: { secretName: 'anonymous' } },
            { name: 'bad', secret: { secretName: 7 } },
          ],
          imagePullSecrets: [{ name: 'pull' }, { name: '' }, 'pull-string', null],
        },
      };
      const objects = [
        null,
        'x',
        [pod],
        pod,
        { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'creds', namespace: 'ns' }, spec: {} },
        {
          apiVersion: 'external-secrets.io/v1',
          kind: 'ExternalSecret',
          metadata: { name: 'es', namespace: 'ns' },
          spec: { target: { name: 'tls' } },
        },
        { kind: 'Secret', metadata: { name: 'pull', namespace: 'ns' } },
        {
          apiVersion: 'postgresql.cnpg.io/v1',
          kind: 'Cluster',
          metadata: { name: 'db', namespace: 'ns' },
          spec: { bootstrap: { initdb: { database: 'app' } } },
        },
        {
          apiVersion: 'postgresql.cnpg.io/v1',
          kind: 'Cluster',
          metadata: { name: 'db2', namespace: 'ns' },
          spec: { bootstrap: { initdb: { secret: { name: 'owner' } } } },
        },
        { apiVersion: 'k8s.keycloak.org/v2alpha1', kind: 'Keycloak', metadata: { name: 'kc', namespace: 'ns' }, spec: {} },
        {
          apiVersion: 'k8s.keycloak.org/v2alpha1',
          kind: 'Keycloak',
          metadata: { name: 'kc2', namespace: 'ns' },
          spec: { bootstrapAdmin: { user: { secret: 'admin' } } },
        },
        {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'Ingress',
          metadata: { name: 'web', namespace: 'ns', annotations: { 'cert-manager.io/issuer': 5 } },
          spec: { tls: [{ secretName: 'all' }] },
        },
      ];
      expect(secretInventory(objects)).toEqual([
        {
          name: 'admin',
          namespace: 'ns',
          keys: ['password', 'username'],
          wholeSecret: false,
          readers: [{ object: 'Keycloak/kc2', field: 'spec.bootstrapAdmin.user.secret', keys: ['username', 'password'] }],
        },
        {
          name: 'all',
          namespace: 'ns',
          keys: ['tls.crt', 'tls.key'],
          wholeSecret: true,
          type: 'kubernetes.io/tls',
          readers: [
            { object: 'Ingress/web', field: 'spec.tls[0].secretName', keys: ['tls.crt', 'tls.key'] },
            { object: 'Pod/p', container: 'a', field: 'spec.volumes[name=whole].secret' },
          ],
        },
        { name: 'anonymous', namespace: 'ns', keys: [], wholeSecret: true, readers: [{ object: 'Pod/p', field: 'spec.volumes[5].secret' }] },
        {
          name: 'creds',
          namespace: 'ns',
          keys: ['password', 'username'],
          wholeSecret: true,
          readers: [
            { object: 'Pod/p', container: 'a', field: 'spec.containers[name=a].envFrom[0].secretRef' },
            { object: 'Pod/p', container: 'a', field: 'spec.containers[name=a].env[0].valueFrom.secretKeyRef', keys: ['username'] },
            { object: 'Pod/p', container: 'b', field: 'spec.containers[name=b].env[name=X].valueFrom.secretKeyRef', keys: ['password'] },
          ],
          providedBy: ['ExternalSecret/creds (external-secrets)'],
        },
        {
          name: 'db-app',
          namespace: 'ns',
          keys: ['password'],
          wholeSecret: false,
          readers: [{ object: 'Pod/p', container: 'a', field: 'spec.containers[name=a].env[1].valueFrom.secretKeyRef', keys: ['password'] }],
          providedBy: ['Cluster/db (CloudNativePG)'],
        },
        {
          name: 'db2-app',
          namespace: 'ns',
          keys: ['password'],
          wholeSecret: false,
          readers: [{ object: 'Pod/p', container: 'a', field: 'spec.containers[name=a].env[2].valueFrom.secretKeyRef', keys: ['password'] }],
        },
        {
          name: 'kc-initial-admin',
          namespace: 'ns',
          keys: ['password'],
          wholeSecret: false,
          readers: [{ object: 'Pod/p', container: 'a', field: 'spec.containers[name=a].env[3].valueFrom.secretKeyRef', keys: ['password'] }],
          providedBy: ['Keycloak/kc (the Keycloak operator)'],
        },
        {
          name: 'kc2-initial-admin',
          namespace: 'ns',
          keys: ['password'],
          wholeSecret: false,
          readers: [{ object: 'Pod/p', container: 'a', field: 'spec.containers[name=a].env[4].valueFrom.secretKeyRef', keys: ['password'] }],
        },
        {
          name: 'owner',
          namespace: 'ns',
          keys: ['password', 'username'],
          wholeSecret: false,
          type: 'kubernetes.io/basic-auth',
          readers: [{ object: 'Cluster/db2', field: 'spec.bootstrap.initdb.secret', keys: ['username', 'password'] }],
        },
        {
          name: 'pull',
          namespace: 'ns',
          keys: ['.dockerconfigjson'],
          wholeSecret: false,
          type: 'kubernetes.io/dockerconfigjson',
          readers: [{ object: 'Pod/p', field: 'spec.imagePullSecrets[name=pull]', keys: ['.dockerconfigjson'] }],
          providedBy: ['Secret/pull (Secret)'],
        },
        { name: 'spare', namespace: 'ns', keys: [], wholeSecret: true, readers: [{ object: 'Pod/p', field: 'spec.volumes[name=unmounted].secret' }] },
        {
          name: 'tls',
          namespace: 'ns',
          keys: ['tls.crt', 'tls.key'],
          wholeSecret: false,
          readers: [
            { object: 'Pod/p', container: 'a', field: 'spec.volumes[name=certs].secret', keys: ['tls.crt', 'tls.key'] },
            { object: 'Pod/p', container: 'b', field: 'spec.volumes[name=certs].secret', keys: ['tls.crt', 'tls.key'] },
          ],
          providedBy: ['ExternalSecret/es (external-secrets)'],
        },
      ]);
    });
  });

  test('EafApi with metrics behind a bearer token: the PodMonitor reads the token', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'shop' });
    new EafApi(chart, 'api', {
      image: 'registry.example.com/shop/api',
      tag: '1.0.0',
      metricsAuth: { kind: 'bearer', token: { secretName: 'scrape', key: 'token' } },
    });
    expect(byName(Testing.synth(chart)).scrape).toMatchObject({
      keys: ['token'],
      readers: [{ object: 'PodMonitor/api', field: 'spec.podMetricsEndpoints[0].authorization.credentials' }],
    });
  });
});
