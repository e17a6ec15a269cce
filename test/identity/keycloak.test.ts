import { Connections, Keycloak, PostgresCluster } from '../../lib';
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
      additionalOptions: [{ name: 'health-enabled', value: 'true' }, { name: 'metrics-enabled', value: 'true' }],
      db: {
        vendor: 'postgres', host: 'keycloak-db-rw', port: 5432, database: 'keycloak',
        usernameSecret: { name: 'keycloak-db-credentials', key: 'username' },
        passwordSecret: { name: 'keycloak-db-credentials', key: 'password' },
      },
    });
    expect(find(manifests, 'Cluster', 'keycloak-db').spec.bootstrap.initdb).toEqual({ database: 'keycloak', owner: 'keycloak', secret: { name: 'keycloak-db-credentials' } });
    expect(keycloak.url).toBe('https://auth.example.com');
    expect(Connections.of(chart).edges.map((e) => `${e.from.peerName}->${e.to.peerName}:${e.port}`)).toEqual(['keycloak->keycloak-db:5432', 'keycloak->keycloak:7800', 'keycloak->keycloak:57800']);
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
    expect(Connections.of(chart).edges.map((e) => `${e.from.peerName}->${e.to.peerName}:${e.port}`)).toContain('keycloak-realm-import->keycloak-db:5432');
    expect(Connections.of(chart).edges.find((e) => e.from.peerName === 'keycloak-realm-import')!.from.podSelector)
      .toEqual({ 'app': 'keycloak-realm-import', 'app.kubernetes.io/instance': 'keycloak' });
    expect(realmImport.spec).toEqual({
      keycloakCRName: 'keycloak',
      realm: { realm: 'dvmm', clients: [{ clientId: 'api', secret: '${API_SECRET}' }] },
      placeholders: { API_SECRET: { secret: { name: 'api-client', key: 'client-secret' } } },
    });
  });

  test('runs as a restricted StatefulSet with a headless discovery Service when the operator is absent', () => {
    const chart = testChart();
    const keycloak = new Keycloak(chart, 'keycloak', { hostname: 'auth.example.com', backend: 'workload', instances: 2, image: 'registry.example.com/keycloak-optimized:26.0.7' });
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
    expect(container.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.securityContext.runAsUser).toBeUndefined();
    const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toMatchObject({
      KC_DB_URL_HOST: 'keycloak-db-rw', KC_DB_URL_DATABASE: 'keycloak', KC_HOSTNAME: 'https://auth.example.com',
      KC_DB_PASSWORD: { secretKeyRef: { name: 'keycloak-db-credentials', key: 'password' } },
    });
    expect(Connections.of(chart).edges.map((e) => `${e.from.peerName}->${e.to.peerName}:${e.port}/${e.purpose}`))
      .toEqual(['keycloak->keycloak-db:5432/database', 'keycloak->keycloak:7800/clustering', 'keycloak->keycloak:57800/clustering']);
    expect(keycloak.podSelector).toEqual({ 'app.kubernetes.io/name': 'keycloak' });
  });

  test('fails on an unknown backend', () => {
    expect(() => new Keycloak(testChart(), 'keycloak', { hostname: 'auth.example.com', backend: 'helm' as any }))
      .toThrow("test/keycloak: backend is not a known Keycloak backend (got \"helm\"); use 'operator' or 'workload'");
  });

  test('fails with fewer than one instance', () => {
    expect(() => new Keycloak(testChart(), 'keycloak', { hostname: 'auth.example.com', instances: 0 }))
      .toThrow('test/keycloak: instances must be a whole number of at least 1 (got 0); set instances to 1 or more');
  });

  test('fails when the workload backend has no optimized image', () => {
    expect(() => new Keycloak(testChart(), 'keycloak', { hostname: 'auth.example.com', backend: 'workload' }))
      .toThrow('test/keycloak: image is required for the workload backend (got nothing); build an optimized image');
  });

  test('fails when the workload backend is asked to import a realm', () => {
    expect(() => new Keycloak(testChart(), 'keycloak', { hostname: 'auth.example.com', backend: 'workload', image: 'r/kc:1', realm: { realm: 'x' } }))
      .toThrow("test/keycloak: realm can only be imported by the operator backend");
  });

  test('fails on a realm that holds a secret value, without printing it', () => {
    const run = () => new Keycloak(testChart(), 'keycloak', { hostname: 'auth.example.com', realm: { realm: 'x', clients: [{ clientId: 'api', secret: 's3cr3t-value' }] } });
    expect(run).toThrow('test/keycloak: realm.clients[0].secret holds a secret value (got "(redacted)"); remove it from the realm file and use a ${PLACEHOLDER} filled from a Secret');
    expect(run).not.toThrow(/s3cr3t/);
  });

  test('fails on a secret in Keycloak\'s export format (component config values are string arrays), naming the field', () => {
    const realm = { realm: 'x', components: { 'org.keycloak.keys.KeyProvider': [{ name: 'rsa', config: { privateKey: ['MIIEvQIBADANBgkq'], priority: ['100'] } }] } };
    const run = () => new Keycloak(testChart(), 'keycloak', { hostname: 'auth.example.com', realm });
    expect(run).toThrow('test/keycloak: realm.components.org.keycloak.keys.KeyProvider[0].config.privateKey holds a secret value (got "(redacted)")');
    expect(run).not.toThrow(/MIIEvQ/);
    // a placeholder in the same form passes
    const withPlaceholder = { ...realm, components: { 'org.keycloak.keys.KeyProvider': [{ name: 'rsa', config: { privateKey: ['${RSA_KEY}'] } }] } };
    expect(() => new Keycloak(testChart(), 'keycloak', { hostname: 'auth.example.com', realm: withPlaceholder, realmPlaceholders: { RSA_KEY: { secretName: 'kc-keys', key: 'rsa' } } })).not.toThrow();
  });

  test('fails on a realm with user credentials', () => {
    expect(() => new Keycloak(testChart(), 'keycloak', { hostname: 'auth.example.com', realm: { realm: 'x', users: [{ username: 'a', credentials: [{ type: 'password' }] }] } }))
      .toThrow('test/keycloak: realm.users[0].credentials holds credentials (got "(redacted)")');
  });

  test('fails on a placeholder without a Secret', () => {
    expect(() => new Keycloak(testChart(), 'keycloak', { hostname: 'auth.example.com', realm: { realm: 'x', smtpServer: { password: '${SMTP_PASSWORD}' } } }))
      .toThrow('test/keycloak: realmPlaceholders lacks the realm\'s placeholder SMTP_PASSWORD (got []); add SMTP_PASSWORD: { secretName, key } to realmPlaceholders');
  });
});
