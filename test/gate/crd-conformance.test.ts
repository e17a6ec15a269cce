import { EafApi, Exposure, Keycloak, PostgresCluster } from '../../lib';
import { validateObjects } from '../gate/fixtures';
import { synth, testChart } from '../util';

/**
 * Every custom resource the library can emit, in every variant, validates against the
 * openAPIV3Schema of its CRD in crds/ (ajv through the validation gate, schemas compiled once).
 */
describe('custom resources conform to their CRDs', () => {
  test('Cluster with backups and pooler, ObjectStore, ScheduledBackup, PodMonitor, Pooler, Keycloak, KeycloakRealmImport, Route', () => {
    // GIVEN every construct that renders a custom resource, with its options switched on
    const chart = testChart('shop-production');
    const db = new PostgresCluster(chart, 'db', {
      database: 'shop',
      credentialsSecret: 'shop-db',
      instances: 3,
      storageClass: 'fast',
      backup: { destinationPath: 's3://backups/shop', endpointUrl: 'https://s3.example.com', credentialsSecret: 's3', compression: 'snappy' },
      pooler: { instances: 2, poolMode: 'session', maxClientConnections: 500, defaultPoolSize: 10 },
    });
    const keycloak = new Keycloak(chart, 'keycloak', {
      hostname: 'auth.example.com',
      instances: 2,
      realm: { realm: 'shop', enabled: true, clients: [{ clientId: 'shop-api', secret: '${API_SECRET}', publicClient: false }] },
      realmPlaceholders: { API_SECRET: { secretName: 'shop-client', key: 'client-secret' } },
      databaseOptions: { backup: { destinationPath: 's3://backups/keycloak', credentialsSecret: 's3' } },
    });
    const api = new EafApi(chart, 'api', { image: 'registry.eaf.example.com/shop/api', tag: '1.0.0', database: db });
    new Exposure(chart, 'expose', {
      name: 'api',
      host: 'api.example.com',
      service: { name: api.service.name, port: api.port },
      options: { kind: 'route', termination: 'reencrypt' },
    });
    // WHEN validated against the CRDs
    const objects = synth(chart);
    const report = validateObjects(objects);
    // THEN every custom resource kind is there, and none breaks its schema
    const kinds = [
      ...new Set(objects.filter((o) => !['v1', 'apps/v1', 'policy/v1'].includes(o.apiVersion)).map((o) => `${o.apiVersion}/${o.kind}`)),
    ].sort();
    expect(kinds).toEqual([
      'barmancloud.cnpg.io/v1/ObjectStore',
      'k8s.keycloak.org/v2alpha1/Keycloak',
      'k8s.keycloak.org/v2alpha1/KeycloakRealmImport',
      'monitoring.coreos.com/v1/PodMonitor',
      'postgresql.cnpg.io/v1/Cluster',
      'postgresql.cnpg.io/v1/Pooler',
      'postgresql.cnpg.io/v1/ScheduledBackup',
      'route.openshift.io/v1/Route',
    ]);
    expect(report.findings.filter((f) => f.rule === 'schema-crd' || f.rule === 'schema-core')).toEqual([]);
    expect(keycloak.instances).toBe(2);
  });

  test('the StatefulSet backend of Keycloak passes the schema and the policy rules', () => {
    const chart = testChart('shop-production');
    new Keycloak(chart, 'keycloak', { hostname: 'auth.example.com', backend: 'workload', instances: 2, image: 'quay.io/keycloak/keycloak:26.0.7' });
    const report = validateObjects(synth(chart), { allowedRegistries: ['quay.io/keycloak/', 'ghcr.io/cloudnative-pg/'] });
    // the PostgreSQL image tag and NetworkPolicy coverage belong to the product chart; everything else must pass
    expect(report.findings.filter((f) => !['image-tag-pinned', 'network-policy-coverage'].includes(f.rule))).toEqual([]);
  });

  test('the gate catches a custom resource that breaks its schema', () => {
    const chart = testChart('shop-production');
    new PostgresCluster(chart, 'db', { database: 'shop', credentialsSecret: 'shop-db' });
    const objects = synth(chart).map((o) => (o.kind === 'Cluster' ? { ...o, spec: { ...o.spec, instancez: 3 } } : o));
    expect(
      validateObjects(objects)
        .findings.filter((f) => f.rule === 'schema-crd')
        .map((f) => f.object),
    ).toEqual(['Cluster/shop-production/db']);
  });
});
