import * as path from 'path';
import { ApiObject, Testing } from 'cdk8s';
import {
  EafProductChart,
  EXTERNAL_SECRETS_DEFAULTS,
  ExternalSecrets,
  EnvironmentConfig,
  InventoriedSecret,
  PropertyErrors,
  SYNC_WAVE_ANNOTATION,
} from '../../lib';
import { EnvironmentFileError, loadEnvironmentDirectory, parseEnvironment } from '../../lib/program';
import { formatFinding } from '../../lib/gate';
import { dvmm } from '../../main';
import { validator } from '../gate/fixtures';
import { find, Manifest, productChart, settingProblems, synth, testChart, testEnvironment, WEB_PRODUCT } from '../util';

/** A Secret as the inventory lists it. */
function secret(name: string, keys: string[], extra: Partial<InventoriedSecret> = {}): InventoriedSecret {
  return { name, keys, wholeSecret: false, readers: [{ object: 'Deployment/api', container: 'api', field: 'spec', keys }], ...extra };
}

/** Production of the DVMM-shaped test product, its Secrets from the store `vault`. */
const withStore = (secrets: Partial<Extract<EnvironmentConfig['secrets'], { provider: 'external-secrets' }>> = {}): EnvironmentConfig =>
  testEnvironment({ secrets: { provider: 'external-secrets', store: { name: 'vault' }, ...secrets } });

const kinds = (manifests: Manifest[], kind: string) => manifests.filter((m) => m.kind === kind);
const withoutWaves = (m: Manifest) => ({ ...m, metadata: { ...m.metadata, annotations: undefined } });

describe('ExternalSecrets', () => {
  test('renders one ExternalSecret per Secret with every field the CRD defaults, and the three remote-ref strategies', () => {
    // GIVEN one Secret with two keys
    const chart = testChart('shop');
    const secrets = new ExternalSecrets(chart, 'secrets', {
      secrets: [secret('shop-alerting', ['pagerduty', 'slack'])],
      store: { name: 'vault-backend' },
      remoteKeyPrefix: 'shop/production',
    });
    // THEN the object is complete: what Argo CD compares is what the API server keeps
    expect(synth(chart)).toEqual([
      {
        apiVersion: 'external-secrets.io/v1',
        kind: 'ExternalSecret',
        metadata: { name: 'shop-alerting', namespace: 'shop' },
        spec: {
          secretStoreRef: { name: 'vault-backend', kind: 'ClusterSecretStore' },
          refreshInterval: '1h0m0s',
          target: { name: 'shop-alerting', creationPolicy: 'Owner', deletionPolicy: 'Retain' },
          data: ['pagerduty', 'slack'].map((key) => ({
            secretKey: key,
            remoteRef: {
              key: 'shop/production/shop-alerting',
              property: key,
              conversionStrategy: 'Default',
              decodingStrategy: 'None',
              metadataPolicy: 'None',
            },
          })),
        },
      },
    ]);
    expect(secrets.store).toEqual({ name: 'vault-backend', kind: 'ClusterSecretStore' });
    expect(secrets.remoteKeys).toEqual({ 'shop-alerting': 'shop/production/shop-alerting' });
  });

  test("gives a Secret the type a reader requires through target.template, with the template's defaults", () => {
    const chart = testChart('shop');
    new ExternalSecrets(chart, 'secrets', {
      secrets: [secret('shop-db', ['password', 'username'], { type: 'kubernetes.io/basic-auth' })],
      store: { name: 'vault', kind: 'SecretStore' },
    });
    const [object] = synth(chart);
    expect(object.spec.target).toEqual({
      name: 'shop-db',
      creationPolicy: 'Owner',
      deletionPolicy: 'Retain',
      template: { type: 'kubernetes.io/basic-auth', engineVersion: 'v2', mergePolicy: 'Replace' },
    });
    expect(object.spec.secretStoreRef).toEqual({ name: 'vault', kind: 'SecretStore' });
    // THEN without a prefix the remote key is the Secret's name
    expect(object.spec.data.map((d: any) => d.remoteRef.key)).toEqual(['shop-db', 'shop-db']);
  });

  test('a Secret read whole (envFrom) also gets every property of its remote key', () => {
    const chart = testChart('shop');
    new ExternalSecrets(chart, 'secrets', {
      secrets: [secret('shop-env', [], { wholeSecret: true }), secret('shop-mixed', ['a'], { wholeSecret: true })],
      store: { name: 'vault' },
    });
    const [whole, mixed] = synth(chart);
    expect(whole.spec.data).toBeUndefined();
    expect(whole.spec.dataFrom).toEqual([
      { extract: { key: 'shop-env', conversionStrategy: 'Default', decodingStrategy: 'None', metadataPolicy: 'None' } },
    ]);
    expect(mixed.spec.data.map((d: any) => d.secretKey)).toEqual(['a']);
    expect(mixed.spec.dataFrom).toHaveLength(1);
  });

  test('remoteKeys override the prefix for the Secrets they name', () => {
    const secrets = new ExternalSecrets(testChart(), 'secrets', {
      secrets: [secret('a', ['k']), secret('b', ['k'])],
      store: { name: 'vault' },
      remoteKeyPrefix: 'shop/staging',
      remoteKeys: { b: 'shared/smtp' },
      refreshInterval: '15m',
    });
    expect(secrets.remoteKeys).toEqual({ a: 'shop/staging/a', b: 'shared/smtp' });
    expect(secrets.refreshInterval).toBe('15m');
    expect(ApiObject.of(secrets.resources.b).toJson().spec.data[0].remoteRef.key).toBe('shared/smtp');
  });

  test('its defaults are frozen', () => {
    expect(Object.isFrozen(EXTERNAL_SECRETS_DEFAULTS.remoteRef)).toBe(true);
    expect(EXTERNAL_SECRETS_DEFAULTS.refreshInterval).toBe('1h0m0s');
  });

  test('fails on a store name, kind, interval, prefix or remote key the operator would refuse, naming each', () => {
    let error: PropertyErrors | undefined;
    try {
      new ExternalSecrets(testChart(), 'secrets', {
        secrets: [secret('a', ['k'])],
        store: { name: 'Vault_Backend', kind: 'Vault' as any },
        refreshInterval: '1 day',
        remoteKeyPrefix: '/shop/',
        remoteKeys: { a: 'x//y', nope: 'z' },
      });
    } catch (e) {
      error = e as PropertyErrors;
    }
    expect(error?.errors.map((e) => e.message)).toEqual([
      'test/secrets: store.name is not the name of a store (got "Vault_Backend"); use a lower-case DNS name such as app.example.com',
      'test/secrets: store.kind is not a kind of store (got "Vault"); use ClusterSecretStore or SecretStore',
      "test/secrets: refreshInterval is not a Go duration (got \"1 day\"); use a Go duration such as '1h', '30m' or '1h0m0s' ('0' reads once)",
      'test/secrets: remoteKeyPrefix is not a key of the store (got "/shop/"); use a key of the secret store such as dvmm/production or shared/smtp: letters, digits and _ . @ + = -, segments separated by single / (none at either end)',
      'test/secrets: remoteKeys.a is not a key of the store (got "x//y"); use a key of the secret store such as dvmm/production or shared/smtp: letters, digits and _ . @ + = -, segments separated by single / (none at either end)',
      'test/secrets: remoteKeys.nope names no Secret the environment references (got "nope"); use one of: a',
    ]);
  });
});

describe('EafProductChart with secrets.provider external-secrets', () => {
  test('renders an ExternalSecret for each Secret its objects read, in the namespace, labelled, in sync wave 0', () => {
    const manifests = synth(productChart(withStore()));
    const externalSecrets = kinds(manifests, 'ExternalSecret');
    expect(externalSecrets.map((m) => m.metadata.name)).toEqual([
      'backup-s3',
      'dvmm-db-credentials',
      'dvmm-keycloak-client',
      'keycloak-db-credentials',
    ]);
    for (const m of externalSecrets) {
      expect(m.metadata).toMatchObject({
        namespace: 'dvmm-production',
        labels: { 'app.kubernetes.io/part-of': 'dvmm', 'app.kubernetes.io/managed-by': 'eaf-cdk8s', 'eaf.io/environment': 'production' },
        annotations: { [SYNC_WAVE_ANNOTATION]: '0' },
      });
      expect(m.spec.target.name).toBe(m.metadata.name);
    }
    // THEN before every reader: the databases are in wave 1
    expect(find(manifests, 'Cluster', 'dvmm-db').metadata.annotations[SYNC_WAVE_ANNOTATION]).toBe('1');
    // THEN the remote key defaults to <product>/<environment>/<Secret>, and CloudNativePG's credentials are basic-auth
    const db = find(manifests, 'ExternalSecret', 'dvmm-db-credentials');
    expect(db.spec.data.map((d: any) => `${d.secretKey} <- ${d.remoteRef.key}#${d.remoteRef.property}`)).toEqual([
      'password <- dvmm/production/dvmm-db-credentials#password',
      'username <- dvmm/production/dvmm-db-credentials#username',
    ]);
    expect(db.spec.target.template.type).toBe('kubernetes.io/basic-auth');
    expect(find(manifests, 'ExternalSecret', 'dvmm-keycloak-client').spec.target.template).toBeUndefined();
  });

  test("leaves alone what the cluster issues: an Ingress's certificate comes from cert-manager", () => {
    const manifests = synth(
      productChart({ ...withStore({ remoteKeyPrefix: 'apps/dvmm/dev' }), name: 'dev', exposure: { kind: 'ingress', clusterIssuer: 'letsencrypt' } }),
    );
    expect(kinds(manifests, 'Ingress').map((m) => m.spec.tls[0].secretName)).toEqual(['frontend-tls', 'api-tls', 'keycloak-tls']);
    expect(kinds(manifests, 'ExternalSecret').map((m) => `${m.metadata.name}: ${m.spec.data[0].remoteRef.key}`)).toEqual([
      'backup-s3: apps/dvmm/dev/backup-s3',
      'dvmm-db-credentials: apps/dvmm/dev/dvmm-db-credentials',
      'dvmm-keycloak-client: apps/dvmm/dev/dvmm-keycloak-client',
      'keycloak-db-credentials: apps/dvmm/dev/keycloak-db-credentials',
    ]);
  });

  test('changes nothing else: the same objects and NetworkPolicies as with the Secrets made out of band', () => {
    // GIVEN the controller runs in its own namespace and talks to the API server and the store, never to our pods
    const plain = synth(productChart(testEnvironment()));
    const provided = synth(productChart(withStore()));
    // THEN the only difference is the ExternalSecrets
    expect(provided.filter((m) => m.kind !== 'ExternalSecret')).toEqual(plain);
    expect(kinds(provided, 'NetworkPolicy').map(withoutWaves)).toEqual(kinds(plain, 'NetworkPolicy').map(withoutWaves));
    expect(provided.length - plain.length).toBe(4);
  });

  test('passes the gate: every ExternalSecret is valid against the CRD schema', () => {
    const objects = synth(productChart(withStore({ refreshInterval: '30m', remoteKeys: { 'backup-s3': 'shared/backups/s3' } })));
    const report = validator().validate([{ environment: 'production', critical: true, objects }]);
    expect(report.findings.map(formatFinding)).toEqual([]);
    expect(kinds(objects, 'ExternalSecret').length).toBe(4);
  });

  test('fails the gate with an ExternalSecret the CRD refuses (a store name with capitals)', () => {
    const objects = synth(productChart(withStore())).map((m) =>
      m.kind !== 'ExternalSecret' ? m : { ...m, spec: { ...m.spec, secretStoreRef: { name: 'Vault', kind: 'ClusterSecretStore' } } },
    );
    const findings = validator()
      .validate([{ environment: 'production', critical: true, objects }])
      .findings.map(formatFinding);
    expect(findings.length).toBe(4);
    expect(findings[0]).toMatch(
      /^production: ExternalSecret\/dvmm-production\/backup-s3: \[schema-crd\] spec\.secretStoreRef\.name: must match pattern /,
    );
  });

  test('fails when remoteKeys names a Secret the environment does not reference, listing those it does', () => {
    expect(settingProblems(() => productChart(withStore({ remoteKeys: { 'dvmm-smtp': 'shared/smtp' } })))).toEqual([
      'secrets.remoteKeys.dvmm-smtp: names no Secret the environment references (got "dvmm-smtp"); use one of: backup-s3, dvmm-db-credentials, dvmm-keycloak-client, keycloak-db-credentials',
    ]);
  });

  test('fails when SealedSecrets are given to an environment whose provider is not sealed-secrets', () => {
    const chart = () =>
      new EafProductChart(Testing.app(), 'dvmm', { product: WEB_PRODUCT, environment: withStore(), sealedSecrets: { folder: 'sealed', files: [] } });
    expect(settingProblems(chart)).toEqual([
      'secrets.provider: is not sealed-secrets, yet SealedSecrets are given (got "external-secrets"); set secrets.provider: sealed-secrets, or give no sealedSecrets',
    ]);
  });

  test('fails the synthesis when a reference is added after the chart was composed, naming the Secret and its reader', () => {
    // GIVEN a product that reaches into the composed chart and adds a reader of a new Secret
    const chart = productChart(withStore());
    new ApiObject(chart, 'late', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'late' },
      spec: { containers: [{ name: 'c', image: 'x', envFrom: [{ secretRef: { name: 'late-secret' } }] }] },
    });
    // THEN it has no ExternalSecret, and synth says so
    expect(() => Testing.synth(chart)).toThrow(
      'secrets reference the Secret late-secret, read by Pod/late, which has no ExternalSecret: it was referenced after the chart was composed (got "late-secret"); reference it through the product or the constructs\' props, so the chart provides it',
    );
  });

  test('with the provider none (the default) nothing is rendered and nothing is checked', () => {
    const chart = productChart(testEnvironment({ secrets: { provider: 'none' } }));
    new ApiObject(chart, 'late', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'late' },
      spec: { containers: [{ name: 'c', envFrom: [{ secretRef: { name: 'late-secret' } }] }] },
    });
    expect(kinds(synth(chart), 'ExternalSecret')).toEqual([]);
    expect(chart.secrets).toBeUndefined();
    expect(chart.secretInventory.map((s) => s.name)).toContain('late-secret');
  });
});

describe('the secrets section of an environment file', () => {
  const file = path.join('environments', 'production.yaml');
  const parse = (secrets: string) => {
    const text = [
      'critical: true',
      'hosts: { frontend: dvmm.example.com, api: api.dvmm.example.com, identity: auth.dvmm.example.com }',
      'exposure: { kind: route }',
      'release: { strategy: rolling }',
      'components: { api: { tag: 1.0.0 }, frontend: { tag: 1.0.0 } }',
      secrets,
    ].join('\n');
    try {
      return parseEnvironment(file, text, dvmm).secrets;
    } catch (e) {
      if (e instanceof EnvironmentFileError) return e.problems;
      throw e;
    }
  };

  test('reads the provider and its settings', () => {
    expect(
      parse(
        'secrets: { provider: external-secrets, store: { name: eaf-vault }, refreshInterval: 1h, remoteKeyPrefix: dvmm/production, remoteKeys: { dvmm-db-credentials: db/dvmm } }',
      ),
    ).toEqual({
      provider: 'external-secrets',
      store: { name: 'eaf-vault' },
      refreshInterval: '1h',
      remoteKeyPrefix: 'dvmm/production',
      remoteKeys: { 'dvmm-db-credentials': 'db/dvmm' },
    });
    expect(parse('secrets: { provider: sealed-secrets }')).toEqual({ provider: 'sealed-secrets' });
    expect(parse('secrets: { provider: none }')).toEqual({ provider: 'none' });
  });

  test('fails on an unknown provider, naming the three', () => {
    expect(parse('secrets: { provider: vault }')).toEqual([
      'environments/production.yaml: secrets.provider: must be equal to one of the allowed values (got "vault"); use none (Secrets created out of band), external-secrets (one ExternalSecret per Secret) or sealed-secrets (committed SealedSecret files)',
    ]);
  });

  test('fails on a missing store, a bad store name and a bad remote key, each with its fix', () => {
    expect(parse('secrets: { provider: external-secrets }')).toEqual([
      'environments/production.yaml: secrets.store: is required (got nothing); an external-secrets provider takes store and optionally refreshInterval, remoteKeyPrefix and remoteKeys',
    ]);
    expect(
      parse(
        'secrets: { provider: external-secrets, store: { name: Vault, kind: Vault }, refreshInterval: 1d, remoteKeyPrefix: /dvmm/, remoteKeys: { Bad_Name: x } }',
      ),
    ).toEqual([
      'environments/production.yaml: secrets.store.name: has the wrong form (got "Vault"); name the store as the cluster knows it, e.g. vault-backend',
      'environments/production.yaml: secrets.store.kind: must be equal to one of the allowed values (got "Vault"); use ClusterSecretStore (the platform\'s, the default) or SecretStore (one in the product namespace)',
      "environments/production.yaml: secrets.refreshInterval: has the wrong form (got \"1d\"); use a Go duration such as '1h', '30m' or '1h0m0s' ('0' reads once)",
      'environments/production.yaml: secrets.remoteKeyPrefix: has the wrong form (got "/dvmm/"); use the path under which the store keeps this environment\'s Secrets, e.g. dvmm/production (no / at either end); the remote key of Secret S is <prefix>/S, by default <product>/<environment>/S',
      'environments/production.yaml: secrets.remoteKeys.Bad_Name: is not a known setting; name each Secret by its name in the cluster, e.g. dvmm-db-credentials: some/other/path',
    ]);
  });

  test('fails on a setting of another provider', () => {
    expect(parse('secrets: { provider: sealed-secrets, store: { name: vault } }')).toEqual([
      'environments/production.yaml: secrets.store: is not a known setting; remove it or use one of: provider',
    ]);
  });
});

describe("DVMM's environments", () => {
  test("staging and production take their Secrets from the platform's Vault; dev creates them out of band", () => {
    const environments = loadEnvironmentDirectory(path.join(__dirname, '..', '..', 'environments'), dvmm).map((f) => f.environment);
    expect(Object.fromEntries(environments.map((e) => [e.name, e.secrets]))).toEqual({
      dev: undefined,
      staging: { provider: 'external-secrets', store: { name: 'eaf-vault', kind: 'ClusterSecretStore' }, remoteKeyPrefix: 'dvmm/staging' },
      production: { provider: 'external-secrets', store: { name: 'eaf-vault', kind: 'ClusterSecretStore' }, remoteKeyPrefix: 'dvmm/production' },
    });
  });
});
