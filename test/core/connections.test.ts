import { App } from 'cdk8s';
import { Construct } from 'constructs';
import { Connections, EafApi, EafProductChart, ExternalConnection, Keycloak, PodPeer, PostgresCluster } from '../../lib';
import { find, productChart, synth, testChart, testEnvironment, WEB_PRODUCT } from '../util';

describe('Connections', () => {
  test('api.connectToDatabase sets the DB variables from the cluster and records one edge', () => {
    // GIVEN
    const chart = testChart();
    const db = new PostgresCluster(chart, 'db', { name: 'orders-db', database: 'orders', credentialsSecret: 'orders-db-credentials' });
    const api = new EafApi(chart, 'api', { image: 'r/api', tag: '1' });
    // WHEN connected twice
    api.connectToDatabase(db);
    Connections.of(chart).add({ from: api, to: db, port: 5432, purpose: 'database' });
    // THEN
    const env = find(synth(chart), 'Deployment', 'api').spec.template.spec.containers[0].env;
    expect(env).toEqual([
      { name: 'MANAGEMENT_METRICS_DISTRIBUTION_PERCENTILESHISTOGRAM_HTTP_SERVER_REQUESTS', value: 'true' },
      { name: 'DB_HOST', value: 'orders-db-rw' },
      { name: 'DB_PORT', value: '5432' },
      { name: 'DB_NAME', value: 'orders' },
      { name: 'DB_USER', valueFrom: { secretKeyRef: { name: 'orders-db-credentials', key: 'username' } } },
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'orders-db-credentials', key: 'password' } } },
    ]);
    expect(Connections.of(chart).edges.filter((e) => e.from === api)).toEqual([{ from: api, to: db, port: 5432, purpose: 'database' }]);
  });

  test('props wire both colours of a blue-green API to database and identity', () => {
    const chart = testChart();
    const db = new PostgresCluster(chart, 'db', { database: 'dvmm', credentialsSecret: 'c' });
    const keycloak = new Keycloak(chart, 'keycloak', { hostname: 'auth.example.com' });
    new EafApi(chart, 'api', {
      image: 'r/api',
      blueGreen: { activeColor: 'blue' },
      tags: { blue: '1', green: '2' },
      database: db,
      identity: { provider: keycloak, realm: 'dvmm', clientId: 'dvmm-api', clientSecret: { secretName: 'kc-client', key: 'client-secret' } },
    });
    const manifests = synth(chart);
    for (const name of ['api-blue', 'api-green']) {
      const env = find(manifests, 'Deployment', name).spec.template.spec.containers[0].env.map((e: any) => e.name);
      expect(env).toEqual([
        'MANAGEMENT_METRICS_DISTRIBUTION_PERCENTILESHISTOGRAM_HTTP_SERVER_REQUESTS',
        'DB_HOST',
        'DB_PORT',
        'DB_NAME',
        'DB_USER',
        'DB_PASSWORD',
        'KEYCLOAK_URL',
        'KEYCLOAK_INTERNAL_URL',
        'SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_JWK_SET_URI',
        'KEYCLOAK_REALM',
        'KEYCLOAK_CLIENT_ID',
        'KEYCLOAK_CLIENT_SECRET',
      ]);
    }
    expect(Connections.of(chart).edges.map((e) => `${e.from.peerName}->${e.to.peerName}:${e.port}/${e.purpose}`)).toEqual([
      'keycloak->keycloak-db:5432/database',
      'api->db:5432/database',
      'api->keycloak:8080/identity',
    ]);
  });

  test('the DVMM chart records API to its database and Keycloak, Keycloak to its own database and its members', () => {
    const chart = productChart(testEnvironment());
    expect(Connections.of(chart).edges.map((e) => `${e.from.peerName}->${e.to.peerName}:${e.port}/${e.purpose}`)).toEqual([
      'keycloak->keycloak-db:5432/database',
      'keycloak->keycloak:7800/clustering',
      'keycloak->keycloak:57800/clustering',
      'api->dvmm-db:5432/database',
      'api->keycloak:8080/identity',
    ]);
  });

  test('fails when the API is wired to a database of another environment', () => {
    const app = new App();
    const production = new EafProductChart(app, 'dvmm-production', { product: WEB_PRODUCT, environment: testEnvironment() });
    const staging = new EafProductChart(app, 'dvmm-staging', { product: WEB_PRODUCT, environment: testEnvironment({ name: 'staging' }) });
    expect(() => production.components.api.connectToDatabase(staging.databases.db)).toThrow(
      'dvmm-production/production/components/api: database is in another chart (got "dvmm-staging/staging/databases/db"); connect to the database of the same product and environment (dvmm-production)',
    );
  });

  test('fails when an environment variable would be set twice', () => {
    const chart = testChart();
    const api = new EafApi(chart, 'api', { image: 'r/api', tag: '1', env: { DB_HOST: 'elsewhere' } });
    expect(() => api.connectToDatabase(new PostgresCluster(chart, 'db', { database: 'x', credentialsSecret: 'c' }))).toThrow(
      'test/api: env already sets DB_HOST (got "DB_HOST"); connect the workload to one database and one identity provider, or rename the variable',
    );
  });
});

describe('Connections.of and Connections.isConnections', () => {
  test("one record per chart, the chart's child Connections, found from any construct in it", () => {
    // GIVEN
    const chart = testChart();
    const api = new PodPeer(chart, 'api', { peerName: 'api', podSelector: { app: 'api' } });
    // WHEN
    const record = Connections.of(api);
    // THEN
    expect(Connections.of(chart)).toBe(record);
    expect(chart.node.tryFindChild('Connections')).toBe(record);
    expect(Connections.of(testChart())).not.toBe(record);
  });

  test('isConnections knows a record by its Symbol.for brand, also one made by another copy of the package', () => {
    // GIVEN a record as another copy of the package would make it: the same global symbol, another class
    const chart = testChart();
    class OtherCopysConnections extends Construct {
      constructor(scope: Construct, id: string) {
        super(scope, id);
        Object.defineProperty(this, Symbol.for('@eaf/cdk8s.Connections'), { value: true });
      }
    }
    const foreign = new OtherCopysConnections(chart, 'Connections');
    // THEN
    expect(Connections.isConnections(foreign)).toBe(true);
    expect(Connections.of(chart)).toBe(foreign);
    expect([undefined, null, {}, 'Connections', chart].map((x) => Connections.isConnections(x))).toEqual([false, false, false, false, false]);
    expect(Connections.isConnections(Connections.of(testChart()))).toBe(true);
  });

  test('fails when the chart already has another child named Connections', () => {
    const chart = testChart();
    new Construct(chart, 'Connections');
    expect(() => Connections.of(chart)).toThrow("There is already a Construct with name 'Connections' in Chart [test]");
  });
});

describe('Connections.add', () => {
  test('records the same pair of peers once per port', () => {
    // GIVEN
    const chart = testChart();
    const api = new PodPeer(chart, 'api', { peerName: 'api', podSelector: { app: 'api' } });
    const db = new PodPeer(chart, 'db', { peerName: 'db', podSelector: { app: 'db' } });
    // WHEN
    Connections.of(chart).add({ from: api, to: db, port: 5432, purpose: 'database' });
    Connections.of(chart).add({ from: api, to: db, port: 6432, purpose: 'pooler' });
    // THEN
    expect(Connections.of(chart).edges.map((e) => `${e.from.peerName}->${e.to.peerName}:${e.port}/${e.purpose}`)).toEqual([
      'api->db:5432/database',
      'api->db:6432/pooler',
    ]);
  });
});

describe('Connections.addExternal', () => {
  const smtp = { cidrs: ['192.0.2.10/32'], ports: [587] };

  test('records a repeated connection once and returns the first', () => {
    // GIVEN
    const chart = testChart();
    const api = new PodPeer(chart, 'api', { peerName: 'api', podSelector: { app: 'api' } });
    const first: ExternalConnection = { from: api, name: 'smtp', endpoint: smtp };
    Connections.of(chart).addExternal(first);
    // WHEN
    const again = Connections.of(chart).addExternal({ from: api, name: 'smtp', endpoint: smtp, purpose: 'mail' });
    // THEN
    expect(again).toBe(first);
    expect(Connections.of(chart).externalEdges).toEqual([first]);
  });

  test('records the same name once per client', () => {
    // GIVEN
    const chart = testChart();
    const api = new PodPeer(chart, 'api', { peerName: 'api', podSelector: { app: 'api' } });
    const worker = new PodPeer(chart, 'worker', { peerName: 'worker', podSelector: { app: 'worker' } });
    // WHEN
    Connections.of(chart).addExternal({ from: api, name: 'smtp', endpoint: smtp });
    Connections.of(chart).addExternal({ from: worker, name: 'smtp', endpoint: smtp });
    // THEN
    expect(Connections.of(chart).externalEdges.map((e) => `${e.from.peerName}->${e.name}`)).toEqual(['api->smtp', 'worker->smtp']);
  });
});
