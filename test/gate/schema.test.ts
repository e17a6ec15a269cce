import { clone, deployment, findings, findingsOf, NS, workload } from './fixtures';

const CLUSTER = {
  apiVersion: 'postgresql.cnpg.io/v1',
  kind: 'Cluster',
  metadata: { name: 'shop-db', namespace: NS },
  spec: {
    instances: 3,
    imageName: 'registry.eaf.example.com/cloudnative-pg/postgresql:16.10.0',
    bootstrap: { initdb: { database: 'shop', owner: 'shop', secret: { name: 'shop-db-credentials' } } },
    postgresql: { parameters: { ssl_min_protocol_version: 'TLSv1.3' }, pg_hba: ['hostssl all all all scram-sha-256'] },
    resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: 2, memory: '2Gi' } },
    storage: { size: '5Gi' },
  },
};

const ROUTE = {
  apiVersion: 'route.openshift.io/v1',
  kind: 'Route',
  metadata: { name: 'api', namespace: NS },
  spec: {
    host: 'api.shop.example.com',
    to: { kind: 'Service', name: 'api', weight: 100 },
    port: { targetPort: 8080 },
    tls: { termination: 'edge', insecureEdgeTerminationPolicy: 'Redirect' },
  },
};

describe('schema-core: built-in kinds against the schema of the default target, Kubernetes 1.33', () => {
  test('passes a compliant workload (Deployment, Service, PodDisruptionBudget, NetworkPolicy) without any finding', () => {
    // GIVEN objects that meet every rule WHEN validated THEN nothing is found
    expect(findings(workload())).toEqual([]);
  });

  test('accepts int-or-string ports by name or number and quantities as numbers', () => {
    // GIVEN a named targetPort, a numeric probe port and a cpu limit written as a number
    const objects = workload();
    objects[0].spec.template.spec.containers[0].resources.limits.cpu = 1;
    objects[1].spec.ports[0].targetPort = 'http';
    // WHEN validated THEN the schema accepts them
    expect(findingsOf('schema-core', objects)).toEqual([]);
  });

  test('fails on an unknown field, naming the closest real field', () => {
    const objects = workload();
    objects[0].spec.replicaz = 3;
    expect(findingsOf('schema-core', objects)).toEqual([
      'production: Deployment/shop-production/api: [schema-core] spec.replicaz: unknown field (not in the apps/v1 Deployment schema) (got 3); fix: remove spec.replicaz or rename it to spec.replicas',
    ]);
  });

  test('fails on an unknown field deep in a container, listing the fields when none is close', () => {
    const objects = workload();
    objects[0].spec.template.spec.containers[0].resources.burst = { cpu: '2' };
    expect(findingsOf('schema-core', objects)).toEqual([
      'production: Deployment/shop-production/api: [schema-core] spec.template.spec.containers[0].resources.burst: unknown field (not in the apps/v1 Deployment schema) (got {"cpu":"2"}); fix: remove spec.template.spec.containers[0].resources.burst; the fields of spec.template.spec.containers[0].resources are claims, limits, requests',
    ]);
  });

  test('fails on a wrong type', () => {
    const objects = workload();
    objects[0].spec.replicas = '3';
    expect(findingsOf('schema-core', objects)).toEqual([
      'production: Deployment/shop-production/api: [schema-core] spec.replicas: must be an integer (got "3"); fix: write spec.replicas as an integer',
    ]);
  });

  test('fails on a missing required field, an out-of-range port, a bad quantity and an invalid enum value, in document order', () => {
    const objects = workload();
    delete objects[0].spec.selector;
    const c = objects[0].spec.template.spec.containers[0];
    c.imagePullPolicy = 'Sometimes';
    c.ports[0].containerPort = 70000;
    c.resources.limits.memory = '1 GB';
    expect(findingsOf('schema-core', objects)).toEqual([
      'production: Deployment/shop-production/api: [schema-core] spec.selector: is required (got nothing); fix: set spec.selector',
      'production: Deployment/shop-production/api: [schema-core] spec.template.spec.containers[0].ports[0].containerPort: must be <= 65535 (got 70000); fix: use a value <= 65535',
      'production: Deployment/shop-production/api: [schema-core] spec.template.spec.containers[0].resources.limits.memory: must be a quantity such as 250m, 1, 512Mi or 1Gi (got "1 GB"); fix: write spec.template.spec.containers[0].resources.limits.memory as a quantity such as 250m, 1, 512Mi or 1Gi',
      'production: Deployment/shop-production/api: [schema-core] spec.template.spec.containers[0].imagePullPolicy: must be one of Always, Never, IfNotPresent (got "Sometimes"); fix: use one of Always, Never, IfNotPresent',
    ]);
  });

  test('fails on a misspelt kind and on a version the kind does not have', () => {
    const misspelt = { ...deployment(), kind: 'Deploymnet' };
    const wrongVersion = { ...deployment('web'), apiVersion: 'apps/v1beta1' };
    expect(findingsOf('schema-core', [misspelt, wrongVersion])).toEqual([
      'production: Deploymnet/shop-production/api: [schema-core] apiVersion/kind: apps/v1 Deploymnet is not a kind of Kubernetes 1.33 (got "apps/v1/Deploymnet"); fix: use kind Deployment',
      'production: Deployment/shop-production/web: [schema-core] apiVersion/kind: apps/v1beta1 Deployment is not a kind of Kubernetes 1.33 (got "apps/v1beta1/Deployment"); fix: use apiVersion apps/v1 for Deployment',
    ]);
  });

  test('fails on an unknown kind of a built-in group without a close match', () => {
    const odd = { apiVersion: 'v1', kind: 'Frobnicator', metadata: { name: 'x' } };
    expect(findingsOf('schema-core', [odd])).toEqual([
      'production: Frobnicator/x: [schema-core] apiVersion/kind: v1 Frobnicator is not a kind of Kubernetes 1.33 (got "v1/Frobnicator"); fix: use a kind of Kubernetes 1.33 (kubectl api-resources lists them)',
    ]);
  });

  test('fails on names, label keys and values and annotation keys the API server rejects', () => {
    const service = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: '1api', namespace: 'Shop', labels: { 'bad key!': 'x', 'tier': 'front end' }, annotations: { 'example.com/': 'x' } },
      spec: { ports: [{ port: 80 }] },
    };
    expect(findingsOf('schema-core', [service])).toEqual([
      'production: Service/Shop/1api: [schema-core] metadata.name: is not a DNS-1035 label: at most 63 lower-case letters, digits and hyphens, starting with a letter (got "1api"); fix: rename the Service to a DNS-1035 label: at most 63 lower-case letters, digits and hyphens, starting with a letter',
      'production: Service/Shop/1api: [schema-core] metadata.namespace: is not a DNS label: at most 63 lower-case letters, digits and hyphens, starting and ending with a letter or digit (got "Shop"); fix: use a valid namespace name',
      "production: Service/Shop/1api: [schema-core] metadata.labels[\"bad key!\"]: is not a valid label key (got \"bad key!\"); fix: use an optional DNS-subdomain prefix and '/', then at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
      "production: Service/Shop/1api: [schema-core] metadata.labels.tier: is not a valid label value (got \"front end\"); fix: use at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
      "production: Service/Shop/1api: [schema-core] metadata.annotations[\"example.com/\"]: is not a valid annotation key (got \"example.com/\"); fix: use an optional DNS-subdomain prefix and '/', then at most 63 letters, digits, '-', '_' or '.'",
    ]);
  });

  test('fails on an object without name, apiVersion or kind, and on something that is no object', () => {
    const objects = [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} },
      { apiVersion: 'v1', kind: 'ConfigMap' },
      { kind: 'ConfigMap', metadata: { name: 'a' } },
      { apiVersion: 'v1', metadata: { name: 'b' } },
      'not an object' as any,
    ];
    expect(findingsOf('schema-core', objects)).toEqual([
      'production: ConfigMap/(no name): [schema-core] metadata.name: is required (got nothing); fix: set metadata.name (kubectl apply cannot use generateName)',
      'production: ConfigMap/(no name): [schema-core] metadata.name: is required (got nothing); fix: set metadata.name',
      'production: ConfigMap/a: [schema-core] apiVersion: is required (got nothing); fix: set apiVersion',
      'production: (no kind)/b: [schema-core] kind: is required (got nothing); fix: set kind',
      'production: (no kind)/(no name): [schema-core] (object): must be an object with apiVersion, kind and metadata (got "not an object"); fix: emit Kubernetes objects only',
    ]);
  });

  test('accepts a status without checking it, as the API server ignores it', () => {
    const objects = workload();
    objects[0].status = { anything: true };
    expect(findingsOf('schema-core', objects)).toEqual([]);
  });
});

describe('schema-crd: custom resources against their CRD', () => {
  test('passes a valid CloudNativePG Cluster and OpenShift Route', () => {
    expect(findingsOf('schema-crd', [CLUSTER, ROUTE])).toEqual([]);
  });

  test('fails on a Cluster with instances 0 and an unknown field', () => {
    const cluster = clone(CLUSTER) as any;
    cluster.spec.instances = 0;
    cluster.spec.storage.sizee = '5Gi';
    expect(findingsOf('schema-crd', [cluster])).toEqual([
      'production: Cluster/shop-production/shop-db: [schema-crd] spec.instances: must be >= 1 (got 0); fix: use a value >= 1',
      'production: Cluster/shop-production/shop-db: [schema-crd] spec.storage.sizee: unknown field (not in the postgresql.cnpg.io/v1 Cluster schema) (got "5Gi"); fix: remove spec.storage.sizee or rename it to spec.storage.size',
    ]);
  });

  test('fails on a Route without spec.to and with a wrong type', () => {
    const route = clone(ROUTE) as any;
    delete route.spec.to;
    route.spec.tls.termination = 42;
    expect(findingsOf('schema-crd', [route])).toEqual([
      'production: Route/shop-production/api: [schema-crd] spec.to: is required (got nothing); fix: set spec.to',
      'production: Route/shop-production/api: [schema-crd] spec.tls.termination: must be a string (got 42); fix: write spec.tls.termination as a string',
      'production: Route/shop-production/api: [schema-crd] spec.tls.termination: must be one of edge, reencrypt, passthrough (got 42); fix: use one of edge, reencrypt, passthrough',
    ]);
  });

  test('checks metadata against the Kubernetes ObjectMeta schema', () => {
    const route = clone(ROUTE) as any;
    route.metadata.labelz = { a: 'b' };
    expect(findingsOf('schema-crd', [route])).toEqual([
      'production: Route/shop-production/api: [schema-crd] metadata.labelz: unknown field (not in the route.openshift.io/v1 Route schema) (got {"a":"b"}); fix: remove metadata.labelz or rename it to metadata.labels',
    ]);
  });

  test('accepts anything under a field that preserves unknown fields', () => {
    const realmImport = {
      apiVersion: 'k8s.keycloak.org/v2alpha1',
      kind: 'KeycloakRealmImport',
      metadata: { name: 'shop', namespace: NS },
      spec: {
        keycloakCRName: 'keycloak',
        realm: { realm: 'shop', enabled: true, clientPolicies: { policies: [{ name: 'anything', free: { form: 1 } }] } },
      },
    };
    expect(findingsOf('schema-crd', [realmImport])).toEqual([]);
  });

  test('fails on a version the CRD does not serve, naming the served ones', () => {
    const v2 = { ...clone(CLUSTER), apiVersion: 'postgresql.cnpg.io/v2' };
    const unserved = { apiVersion: 'external-secrets.io/v1beta1', kind: 'ExternalSecret', metadata: { name: 'db', namespace: NS }, spec: {} };
    expect(findingsOf('schema-crd', [v2, unserved])).toEqual([
      'production: Cluster/shop-production/shop-db: [schema-crd] apiVersion: Cluster.postgresql.cnpg.io has no served version v2 in postgresql.cnpg.io_clusters.yaml (served: v1) (got "postgresql.cnpg.io/v2"); fix: use apiVersion postgresql.cnpg.io/v1, or update the CRD in the CRD folder',
      'production: ExternalSecret/shop-production/db: [schema-crd] apiVersion: ExternalSecret.external-secrets.io has no served version v1beta1 in external-secrets.io_externalsecrets.yaml (served: v1) (got "external-secrets.io/v1beta1"); fix: use apiVersion external-secrets.io/v1, or update the CRD in the CRD folder',
    ]);
  });

  test('fails on a kind of a CRD-backed group that has no CRD, suggesting the closest', () => {
    const misspelt = { ...clone(CLUSTER), kind: 'Clustr' };
    expect(findingsOf('schema-crd', [misspelt])).toEqual([
      'production: Clustr/shop-production/shop-db: [schema-crd] apiVersion/kind: postgresql.cnpg.io has no CustomResourceDefinition for kind Clustr in the CRD folder (it has Backup, Cluster, Pooler, ScheduledBackup) (got "postgresql.cnpg.io/v1/Clustr"); fix: use kind Cluster',
    ]);
  });

  test('fails on a group no CRD in the folder defines', () => {
    const unknown = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: NS } };
    expect(findingsOf('schema-crd', [unknown])).toEqual([
      'production: Widget/shop-production/w: [schema-crd] apiVersion/kind: no CustomResourceDefinition of group example.com in the CRD folder (got "example.com/v1/Widget"); fix: add the CRD of Widget.example.com to the CRD folder, or correct apiVersion and kind',
    ]);
  });
});
