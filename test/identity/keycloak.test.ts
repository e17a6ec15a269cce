import { Connections, EafApi, Keycloak, KEYCLOAK_DEFAULTS, PostgresCluster, PropertyErrors } from '../../lib';
import { containersOf, find, synth, testChart } from '../util';

describe('Keycloak', () => {
  test('renders the operator resource: pinned 26.0 image, edge proxy, no operator Ingress, management port, own database', () => {
    const chart = testChart();
    const keycloak = new Keycloak(chart, 'keycloak', { hostname: 'auth.example.com', instances: 2 });
    const manifests = synth(chart);
    const resource = find(manifests, 'Keycloak', 'keycloak');
    expect(resource.apiVersion).toBe('k8s.keycloak.org/v2alpha1');
    expect(resource.spec).toMatchObject({
      instances: 2,
      image: 'quay.io/keycloak/keycloak:26.0.7',
      hostname: { hostname: 'auth.example.com' },
      http: { httpEnabled: true, httpPort: 8080 },
      httpManagement: { port: 9000 },
      proxy: { headers: 'xforwarded' },
      ingress: { enabled: false },
      additionalOptions: [
        { name: 'health-enabled', value: 'true' },
        { name: 'metrics-enabled', value: 'true' },
      ],
      db: {
        vendor: 'postgres',
        host: 'keycloak-db-rw',
        port: 5432,
        database: 'keycloak',
        usernameSecret: { name: 'keycloak-db-credentials', key: 'username' },
        passwordSecret: { name: 'keycloak-db-credentials', key: 'password' },
      },
    });
    expect(find(manifests, 'Cluster', 'keycloak-db').spec.bootstrap.initdb).toEqual({
      database: 'keycloak',
      owner: 'keycloak',
      secret: { name: 'keycloak-db-credentials' },
    });
    expect(keycloak.url).toBe('https://auth.example.com');
    expect(Connections.of(chart).edges.map((e) => `${e.from.peerName}->${e.to.peerName}:${e.port}`)).toEqual([
      'keycloak->keycloak-db:5432',
      'keycloak->keycloak:7800',
      'keycloak->keycloak:57800',
    ]);
  });

  test('uses a given database instead of its own', () => {
    const chart = testChart();
    const shared = new PostgresCluster(chart, 'shared', { database: 'idp', credentialsSecret: 'idp-creds' });
    new Keycloak(chart, 'keycloak', { hostname: 'auth.example.com', database: shared });
    const manifests = synth(chart);
    expect(manifests.filter((m) => m.kind === 'Cluster').map((m) => m.metadata.name)).toEqual(['shared']);
    expect(find(manifests, 'Keycloak', 'keycloak').spec.db.host).toBe('shared-rw');
  });

  test('imports a realm with secrets filled from placeholders', () => {
    const chart = testChart();
    new Keycloak(chart, 'keycloak', {
      hostname: 'auth.example.com',
      realm: { realm: 'dvmm', clients: [{ clientId: 'api', secret: '${API_SECRET}' }] },
      realmPlaceholders: { API_SECRET: { secretName: 'api-client', key: 'client-secret' } },
    });
    const realmImport = find(synth(chart), 'KeycloakRealmImport', 'keycloak-realm-dvmm');
    // the operator's import Job writes to the database: its pods are a peer of their own
    expect(Connections.of(chart).edges.map((e) => `${e.from.peerName}->${e.to.peerName}:${e.port}`)).toContain(
      'keycloak-realm-import->keycloak-db:5432',
    );
    expect(Connections.of(chart).edges.find((e) => e.from.peerName === 'keycloak-realm-import')!.from.podSelector).toEqual({
      'app': 'keycloak-realm-import',
      'app.kubernetes.io/instance': 'keycloak',
    });
    expect(realmImport.spec).toEqual({
      keycloakCRName: 'keycloak',
      realm: { realm: 'dvmm', clients: [{ clientId: 'api', secret: '${API_SECRET}' }] },
      placeholders: { API_SECRET: { secret: { name: 'api-client', key: 'client-secret' } } },
    });
  });

  test('runs as a restricted StatefulSet with a headless discovery Service when the operator is absent', () => {
    const chart = testChart();
    const keycloak = new Keycloak(chart, 'keycloak', {
      hostname: 'auth.example.com',
      backend: 'workload',
      instances: 2,
      image: 'registry.example.com/keycloak-optimized:26.0.7',
    });
    const manifests = synth(chart);
    const set = find(manifests, 'StatefulSet', 'keycloak');
    expect(set.spec.replicas).toBe(2);
    expect(set.spec.serviceName).toBe('keycloak-discovery');
    expect(find(manifests, 'Service', 'keycloak-discovery').spec).toMatchObject({ clusterIP: 'None', ports: [{ name: 'jgroups', port: 7800 }] });
    expect(find(manifests, 'Service', 'keycloak-service').spec.ports.map((p: any) => p.port)).toEqual([8080, 9000]);
    const [{ container, pod }] = containersOf(manifests.filter((m) => m.kind === 'StatefulSet'));
    expect(container.args).toEqual(['start', '--optimized']);
    expect(container.livenessProbe.httpGet).toMatchObject({ path: '/health/live', port: 9000 });
    expect(container.readinessProbe.httpGet).toMatchObject({ path: '/health/ready', port: 9000 });
    expect(container.startupProbe.httpGet).toMatchObject({ path: '/health/started', port: 9000 });
    expect(container.securityContext).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.securityContext.runAsUser).toBeUndefined();
    const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toMatchObject({
      KC_DB_URL_HOST: 'keycloak-db-rw',
      KC_DB_URL_DATABASE: 'keycloak',
      KC_HOSTNAME: 'https://auth.example.com',
      KC_DB_PASSWORD: { secretKeyRef: { name: 'keycloak-db-credentials', key: 'password' } },
    });
    expect(Connections.of(chart).edges.map((e) => `${e.from.peerName}->${e.to.peerName}:${e.port}/${e.purpose}`)).toEqual([
      'keycloak->keycloak-db:5432/database',
      'keycloak->keycloak:7800/clustering',
      'keycloak->keycloak:57800/clustering',
    ]);
    expect(keycloak.podSelector).toEqual({ 'app.kubernetes.io/name': 'keycloak' });
  });

  test('fails on an unknown backend', () => {
    expect(() => new Keycloak(testChart(), 'keycloak', { hostname: 'auth.example.com', backend: 'helm' as any })).toThrow(
      "test/keycloak: backend is not a known Keycloak backend (got \"helm\"); use 'operator' or 'workload'",
    );
  });

  test('fails with fewer than one instance', () => {
    expect(() => new Keycloak(testChart(), 'keycloak', { hostname: 'auth.example.com', instances: 0 })).toThrow(
      'test/keycloak: instances must be a whole number of at least 1 (got 0); set instances to 1 or more',
    );
  });

  test('fails when the workload backend has no optimized image', () => {
    expect(() => new Keycloak(testChart(), 'keycloak', { hostname: 'auth.example.com', backend: 'workload' })).toThrow(
      'test/keycloak: image is required for the workload backend (got nothing); build an optimized image',
    );
  });

  test('fails when the workload backend is asked to import a realm', () => {
    expect(
      () => new Keycloak(testChart(), 'keycloak', { hostname: 'auth.example.com', backend: 'workload', image: 'r/kc:1', realm: { realm: 'x' } }),
    ).toThrow(
      'test/keycloak: realm can only be imported by the operator backend (got "(realm)"); use backend \'operator\' or import the realm with the admin CLI',
    );
  });

  test('fails on a realm that holds a secret value, without printing it', () => {
    const run = () =>
      new Keycloak(testChart(), 'keycloak', {
        hostname: 'auth.example.com',
        realm: { realm: 'x', clients: [{ clientId: 'api', secret: 's3cr3t-value' }] },
      });
    expect(run).toThrow(
      'test/keycloak: realm.clients[0].secret holds a secret value (got "(redacted)"); remove it from the realm file and use a ${PLACEHOLDER} filled from a Secret',
    );
    expect(run).not.toThrow(/s3cr3t/);
  });

  test("fails on a secret in Keycloak's export format (component config values are string arrays), naming the field", () => {
    const realm = {
      realm: 'x',
      components: { 'org.keycloak.keys.KeyProvider': [{ name: 'rsa', config: { privateKey: ['MIIEvQIBADANBgkq'], priority: ['100'] } }] },
    };
    const run = () => new Keycloak(testChart(), 'keycloak', { hostname: 'auth.example.com', realm });
    expect(run).toThrow('test/keycloak: realm.components.org.keycloak.keys.KeyProvider[0].config.privateKey holds a secret value (got "(redacted)")');
    expect(run).not.toThrow(/MIIEvQ/);
    // a placeholder in the same form passes
    const withPlaceholder = { ...realm, components: { 'org.keycloak.keys.KeyProvider': [{ name: 'rsa', config: { privateKey: ['${RSA_KEY}'] } }] } };
    expect(
      () =>
        new Keycloak(testChart(), 'keycloak', {
          hostname: 'auth.example.com',
          realm: withPlaceholder,
          realmPlaceholders: { RSA_KEY: { secretName: 'kc-keys', key: 'rsa' } },
        }),
    ).not.toThrow();
  });

  test('fails on a realm with user credentials', () => {
    expect(
      () =>
        new Keycloak(testChart(), 'keycloak', {
          hostname: 'auth.example.com',
          realm: { realm: 'x', users: [{ username: 'a', credentials: [{ type: 'password' }] }] },
        }),
    ).toThrow(
      'test/keycloak: realm.users[0].credentials holds credentials (got "(redacted)"); remove user credentials from the realm file; users set them on first login',
    );
  });

  test('finds a secret among other values of an array, and passes nulls, numbers and plain strings elsewhere in the realm', () => {
    const realm = {
      realm: 'x',
      enabled: true,
      attributes: null,
      accessTokenLifespan: 300,
      displayName: 'Shop',
      components: { 'org.keycloak.keys.KeyProvider': [{ config: { privateKey: [7, 'MIIEvQIBADANBgkq'] } }] },
    };
    expect(() => new Keycloak(testChart(), 'keycloak', { hostname: 'auth.example.com', realm })).toThrow(
      'test/keycloak: realm.components.org.keycloak.keys.KeyProvider[0].config.privateKey holds a secret value (got "(redacted)")',
    );
    const clean = { ...realm, components: {} };
    expect(() => new Keycloak(testChart(), 'keycloak', { hostname: 'auth.example.com', realm: clean })).not.toThrow();
  });

  test('fails on a placeholder without a Secret', () => {
    expect(
      () =>
        new Keycloak(testChart(), 'keycloak', { hostname: 'auth.example.com', realm: { realm: 'x', smtpServer: { password: '${SMTP_PASSWORD}' } } }),
    ).toThrow(
      "test/keycloak: realmPlaceholders lacks the realm's placeholder SMTP_PASSWORD (got []); add SMTP_PASSWORD: { secretName, key } to realmPlaceholders",
    );
  });

  test('renders the operator resource exactly, with the platform sizes, for one instance without clustering', () => {
    const chart = testChart();
    const keycloak = new Keycloak(chart, 'keycloak', { hostname: 'auth.example.com' });
    const manifests = synth(chart);
    expect(find(manifests, 'Keycloak', 'keycloak').spec).toEqual({
      additionalOptions: [
        { name: 'health-enabled', value: 'true' },
        { name: 'metrics-enabled', value: 'true' },
      ],
      db: {
        database: 'keycloak',
        host: 'keycloak-db-rw',
        port: 5432,
        vendor: 'postgres',
        passwordSecret: { key: 'password', name: 'keycloak-db-credentials' },
        usernameSecret: { key: 'username', name: 'keycloak-db-credentials' },
      },
      hostname: { hostname: 'auth.example.com' },
      http: { httpEnabled: true, httpPort: 8080 },
      httpManagement: { port: 9000 },
      image: 'quay.io/keycloak/keycloak:26.0.7',
      ingress: { enabled: false },
      instances: 1,
      proxy: { headers: 'xforwarded' },
      resources: { limits: { cpu: '2', memory: '2Gi' }, requests: { cpu: '500m', memory: '1Gi' } },
    });
    expect(Connections.of(chart).edges.map((e) => `${e.from.peerName}->${e.to.peerName}:${e.port}/${e.purpose}`)).toEqual([
      'keycloak->keycloak-db:5432/database',
    ]);
    expect(manifests.filter((m) => m.kind === 'KeycloakRealmImport')).toEqual([]);
    expect(keycloak.podSelector).toEqual({ 'app': 'keycloak', 'app.kubernetes.io/instance': 'keycloak' });
    expect([keycloak.name, keycloak.peerName, keycloak.backend, keycloak.instances, keycloak.serviceName]).toEqual([
      'keycloak',
      'keycloak',
      'operator',
      1,
      'keycloak-service',
    ]);
    expect([keycloak.httpPort, keycloak.managementPort, keycloak.metricsPort]).toEqual([8080, 9000, 9000]);
    expect(keycloak.database.name).toBe('keycloak-db');
  });

  test('takes a name, an image, sizes and settings for its own database', () => {
    const chart = testChart();
    new Keycloak(chart, 'kc', {
      name: 'identity',
      hostname: 'login.example.com',
      image: 'registry.example.com/keycloak:26.0.7',
      resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } },
      databaseOptions: { instances: 3, storageSize: '20Gi' },
    });
    const manifests = synth(chart);
    const spec = find(manifests, 'Keycloak', 'identity').spec;
    expect(spec.image).toBe('registry.example.com/keycloak:26.0.7');
    expect(spec.resources).toEqual({ limits: { cpu: '2', memory: '4Gi' }, requests: { cpu: '1', memory: '2Gi' } });
    expect(spec.db).toMatchObject({
      host: 'identity-db-rw',
      database: 'keycloak',
      usernameSecret: { name: 'identity-db-credentials', key: 'username' },
    });
    const db = find(manifests, 'Cluster', 'identity-db').spec;
    expect([db.instances, db.storage.size]).toEqual([3, '20Gi']);
  });

  test('binds a client: public issuer base, in-cluster JWK set over the recorded edge, realm, client id and secret by reference', () => {
    const chart = testChart();
    const keycloak = new Keycloak(chart, 'keycloak', { hostname: 'auth.example.com' });
    const api = new EafApi(chart, 'api', { image: 'r/api', tag: '1' });
    const env = keycloak.bindClient(api, { realm: 'shop', clientId: 'shop-api', clientSecret: { secretName: 'shop-client', key: 'secret' } });
    expect(env).toEqual([
      ['KEYCLOAK_URL', { value: 'https://auth.example.com' }],
      ['KEYCLOAK_INTERNAL_URL', { value: 'http://keycloak-service:8080' }],
      ['SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_JWK_SET_URI', { value: 'http://keycloak-service:8080/realms/shop/protocol/openid-connect/certs' }],
      ['KEYCLOAK_REALM', { value: 'shop' }],
      ['KEYCLOAK_CLIENT_ID', { value: 'shop-api' }],
      ['KEYCLOAK_CLIENT_SECRET', { secret: { secretName: 'shop-client', key: 'secret' } }],
    ]);
    expect(keycloak.bindClient(api, { realm: 'shop', clientId: 'public' }).map(([name]) => name)).not.toContain('KEYCLOAK_CLIENT_SECRET');
    expect(
      Connections.of(chart)
        .edges.filter((e) => e.from === api)
        .map((e) => `${e.to.peerName}:${e.port}/${e.purpose}`),
    ).toEqual(['keycloak:8080/identity']);
  });

  test('names a realm import after the realm in lower case, or import when the realm has no name, and passes no placeholders when none are given', () => {
    const chart = testChart();
    new Keycloak(chart, 'keycloak', { hostname: 'auth.example.com', realm: { realm: 'Shop', enabled: true } });
    new Keycloak(chart, 'other', { hostname: 'auth.example.com', realm: { enabled: true } });
    const manifests = synth(chart);
    expect(find(manifests, 'KeycloakRealmImport', 'keycloak-realm-shop').spec).toEqual({
      keycloakCRName: 'keycloak',
      realm: { realm: 'Shop', enabled: true },
    });
    expect(find(manifests, 'KeycloakRealmImport', 'other-realm-import').spec.keycloakCRName).toBe('other');
  });

  test('renders the workload backend exactly: environment, ports, probes on the management port, writable paths, Services and budget', () => {
    const chart = testChart();
    new Keycloak(chart, 'keycloak', { hostname: 'auth.example.com', backend: 'workload', instances: 2, image: 'r/kc:1' });
    const manifests = synth(chart);
    const set = find(manifests, 'StatefulSet', 'keycloak');
    const container = set.spec.template.spec.containers[0];
    expect(container.env).toEqual([
      { name: 'KC_DB', value: 'postgres' },
      { name: 'KC_DB_URL_HOST', value: 'keycloak-db-rw' },
      { name: 'KC_DB_URL_PORT', value: '5432' },
      { name: 'KC_DB_URL_DATABASE', value: 'keycloak' },
      { name: 'KC_DB_USERNAME', valueFrom: { secretKeyRef: { key: 'username', name: 'keycloak-db-credentials' } } },
      { name: 'KC_DB_PASSWORD', valueFrom: { secretKeyRef: { key: 'password', name: 'keycloak-db-credentials' } } },
      { name: 'KC_HOSTNAME', value: 'https://auth.example.com' },
      { name: 'KC_HTTP_ENABLED', value: 'true' },
      { name: 'KC_HTTP_PORT', value: '8080' },
      { name: 'KC_HTTP_MANAGEMENT_PORT', value: '9000' },
      { name: 'KC_PROXY_HEADERS', value: 'xforwarded' },
      { name: 'KC_CACHE', value: 'ispn' },
      { name: 'KC_CACHE_STACK', value: 'kubernetes' },
      { name: 'JAVA_OPTS_APPEND', value: '-Djgroups.dns.query=keycloak-discovery' },
    ]);
    expect(container.name).toBe('keycloak');
    expect(container.imagePullPolicy).toBe('Always');
    expect(container.ports).toEqual([
      { containerPort: 8080, name: 'http' },
      { containerPort: 9000, name: 'management' },
      { containerPort: 7800, name: 'jgroups' },
    ]);
    expect(container.startupProbe).toEqual({
      failureThreshold: 30,
      httpGet: { path: '/health/started', port: 9000, scheme: 'HTTP' },
      periodSeconds: 10,
    });
    expect(container.livenessProbe).toEqual({
      failureThreshold: 3,
      httpGet: { path: '/health/live', port: 9000, scheme: 'HTTP' },
      periodSeconds: 10,
    });
    expect(container.readinessProbe).toEqual({
      failureThreshold: 3,
      httpGet: { path: '/health/ready', port: 9000, scheme: 'HTTP' },
      periodSeconds: 10,
    });
    expect(container.resources).toEqual({ limits: { cpu: '2', memory: '2Gi' }, requests: { cpu: '500m', memory: '1Gi' } });
    expect(container.volumeMounts).toEqual([
      { mountPath: '/tmp', name: 'tmp' },
      { mountPath: '/opt/keycloak/data', name: 'data' },
    ]);
    expect(set.spec.template.spec.volumes).toEqual([
      { emptyDir: {}, name: 'tmp' },
      { emptyDir: {}, name: 'data' },
    ]);
    expect(set.spec.template.spec.automountServiceAccountToken).toBe(false);
    expect(set.spec.template.spec.serviceAccountName).toBe('keycloak');
    expect(set.spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'keycloak' } });
    expect(set.spec.template.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'keycloak' });
    expect(find(manifests, 'ServiceAccount', 'keycloak').automountServiceAccountToken).toBe(false);
    expect(find(manifests, 'Service', 'keycloak-discovery').spec).toEqual({
      clusterIP: 'None',
      ports: [{ name: 'jgroups', port: 7800, targetPort: 7800 }],
      selector: { 'app.kubernetes.io/name': 'keycloak' },
      type: 'ClusterIP',
    });
    expect(find(manifests, 'Service', 'keycloak-service').spec).toEqual({
      ports: [
        { name: 'http', port: 8080, targetPort: 8080 },
        { name: 'management', port: 9000, targetPort: 9000 },
      ],
      selector: { 'app.kubernetes.io/name': 'keycloak' },
      type: 'ClusterIP',
    });
    expect(find(manifests, 'PodDisruptionBudget', 'keycloak').spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'keycloak' } });
  });

  test('gives a single workload-backend server no budget and no clustering edges', () => {
    const chart = testChart();
    new Keycloak(chart, 'keycloak', { hostname: 'auth.example.com', backend: 'workload', image: 'r/kc:1' });
    const manifests = synth(chart);
    expect(manifests.filter((m) => m.kind === 'PodDisruptionBudget')).toEqual([]);
    expect(find(manifests, 'StatefulSet', 'keycloak').spec.replicas).toBe(1);
    expect(Connections.of(chart).edges.map((e) => e.purpose)).toEqual(['database']);
  });

  test('fails on instances that are not whole and on sizes Kubernetes refuses', () => {
    expect(() => new Keycloak(testChart(), 'keycloak', { hostname: 'auth.example.com', instances: 1.5 })).toThrow(
      'test/keycloak: instances must be a whole number of at least 1 (got 1.5); set instances to 1 or more',
    );
    expect(
      () =>
        new Keycloak(testChart(), 'keycloak', {
          hostname: 'auth.example.com',
          resources: { requests: { cpu: '2', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } },
        }),
    ).toThrow('test/keycloak: resources.limits.cpu is below its request 2 (got "1"); raise the limit to at least 2');
  });

  test('passes a realm whose secret-like fields are empty, placeholders, or hold no string, and a user without credentials', () => {
    const realm = {
      realm: 'x',
      clients: [
        { clientId: 'a', secret: '' },
        { clientId: 'b', secret: '${B_SECRET}' },
      ],
      users: [{ username: 'u', credentials: [] }],
      smtpServer: { password: '${SMTP_PASSWORD}', auth: 'true' },
      identityProviders: [{ config: { clientSecret: ['${IDP_SECRET}', ''], bindCredential: [1, 2] } }],
      attributes: { passwordPolicy: { length: 12 } },
    };
    const placeholders = {
      B_SECRET: { secretName: 's', key: 'b' },
      SMTP_PASSWORD: { secretName: 's', key: 'smtp' },
      IDP_SECRET: { secretName: 's', key: 'idp' },
    };
    expect(() => new Keycloak(testChart(), 'keycloak', { hostname: 'auth.example.com', realm, realmPlaceholders: placeholders })).not.toThrow();
  });

  test('fails on every secret of a realm by its path, whatever the case of the key, without printing one', () => {
    const realm = {
      realm: 'x',
      identityProviders: [{ config: { ClientSecret: 'idp-secret-1', bindCREDENTIAL: ['ldap-secret-2'] } }],
      components: [{ config: { private_key: ['pk-3'], privatekey: 'pk-4' } }],
      smtpServer: { Password: 'smtp-5' },
    };
    let error: unknown;
    try {
      new Keycloak(testChart(), 'keycloak', { hostname: 'auth.example.com', realm });
    } catch (e) {
      error = e;
    }
    expect((error as PropertyErrors).errors.map((e) => `${e.property} ${e.problem}`)).toEqual([
      'realm.identityProviders[0].config.ClientSecret holds a secret value',
      'realm.identityProviders[0].config.bindCREDENTIAL holds a secret value',
      'realm.components[0].config.private_key holds a secret value',
      'realm.components[0].config.privatekey holds a secret value',
      'realm.smtpServer.Password holds a secret value',
    ]);
    expect((error as Error).message).not.toMatch(/secret-1|secret-2|pk-3|pk-4|smtp-5/);
  });

  test('lists each missing placeholder once, with the placeholders given', () => {
    const realm = { realm: 'x', clients: [{ secret: '${A}' }, { secret: '${A}' }], smtpServer: { password: '${mail.pass-1}' } };
    let error: unknown;
    try {
      new Keycloak(testChart(), 'keycloak', { hostname: 'auth.example.com', realm, realmPlaceholders: { OTHER: { secretName: 's', key: 'k' } } });
    } catch (e) {
      error = e;
    }
    expect((error as Error).message.split('\n')).toEqual([
      'test/keycloak: realmPlaceholders lacks the realm\'s placeholder A (got ["OTHER"]); add A: { secretName, key } to realmPlaceholders',
      'test/keycloak: realmPlaceholders lacks the realm\'s placeholder mail.pass-1 (got ["OTHER"]); add mail.pass-1: { secretName, key } to realmPlaceholders',
    ]);
  });

  test('publishes its defaults frozen', () => {
    expect([
      KEYCLOAK_DEFAULTS.image,
      KEYCLOAK_DEFAULTS.instances,
      KEYCLOAK_DEFAULTS.httpPort,
      KEYCLOAK_DEFAULTS.managementPort,
      KEYCLOAK_DEFAULTS.clusteringPort,
      KEYCLOAK_DEFAULTS.failureDetectionPort,
    ]).toEqual(['quay.io/keycloak/keycloak:26.0.7', 1, 8080, 9000, 7800, 57800]);
    expect(Object.isFrozen(KEYCLOAK_DEFAULTS.resources.requests)).toBe(true);
  });
});
