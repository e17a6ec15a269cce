import { containersOf, find, Manifest, productChart, settingProblems, synthProduct, testEnvironment } from '../util';

describe('EafProductChart', () => {
  test('puts the namespace first and every namespaced object in it', () => {
    const manifests = synthProduct(testEnvironment());
    expect(manifests[0].kind).toBe('Namespace');
    expect(manifests[0].metadata.name).toBe('dvmm-production');
    for (const m of manifests.slice(1)) expect(m.metadata.namespace).toBe('dvmm-production');
  });

  test('labels every object with the product, the manager and the environment', () => {
    for (const m of synthProduct(testEnvironment())) {
      expect(m.metadata.labels).toMatchObject({ 'app.kubernetes.io/part-of': 'dvmm', 'app.kubernetes.io/managed-by': 'eaf-cdk8s', 'eaf.io/environment': 'production' });
    }
  });

  test('wires the API to the product database, identity provider and secrets by name', () => {
    const env = find(synthProduct(testEnvironment()), 'Deployment', 'api-blue').spec.template.spec.containers[0].env;
    const byName = Object.fromEntries(env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(byName).toEqual({
      SPRING_PROFILES_ACTIVE: 'production',
      MANAGEMENT_METRICS_DISTRIBUTION_PERCENTILESHISTOGRAM_HTTP_SERVER_REQUESTS: 'true',
      DB_HOST: 'dvmm-db-rw',
      DB_PORT: '5432',
      DB_NAME: 'dvmm',
      KEYCLOAK_URL: 'https://auth.example.com',
      KEYCLOAK_INTERNAL_URL: 'http://keycloak-service:8080',
      SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_JWK_SET_URI: 'http://keycloak-service:8080/realms/dvmm/protocol/openid-connect/certs',
      KEYCLOAK_REALM: 'dvmm',
      KEYCLOAK_CLIENT_ID: 'dvmm-api',
      DB_USER: { secretKeyRef: { name: 'dvmm-db-credentials', key: 'username' } },
      DB_PASSWORD: { secretKeyRef: { name: 'dvmm-db-credentials', key: 'password' } },
      KEYCLOAK_CLIENT_SECRET: { secretKeyRef: { name: 'dvmm-keycloak-client', key: 'client-secret' } },
    });
  });

  test('rolls with one Deployment per component when the environment rolls, exposed by Ingress', () => {
    const manifests = synthProduct(testEnvironment({
      name: 'dev',
      exposure: { kind: 'ingress', clusterIssuer: 'letsencrypt' },
      release: { strategy: 'rolling' },
      components: { api: { tag: '2.0.0', replicas: 1, resources: { requests: { cpu: '100m' } } }, frontend: { tag: '2.0.0' } },
    }));
    const api = find(manifests, 'Deployment', 'api');
    expect(api.spec.replicas).toBe(1);
    expect(api.spec.template.spec.containers[0].resources.requests).toEqual({ 'cpu': '100m', 'memory': '512Mi', 'ephemeral-storage': '256Mi' });
    expect(find(manifests, 'Deployment', 'frontend').spec.replicas).toBe(3);
    expect(manifests.filter((m) => m.kind === 'Service').map((m) => m.metadata.name)).toEqual(['api', 'frontend']);
    expect(manifests.filter((m) => m.kind === 'Ingress').map((m) => m.spec.rules[0].host)).toEqual(['app.example.com', 'api.example.com', 'auth.example.com']);
  });

  test('flipping activeColor changes only the Service selectors and the idle replica counts', () => {
    // GIVEN two renders that differ only in the active colour
    const blue = synthProduct(testEnvironment({ release: { strategy: 'blue-green', activeColor: 'blue', idleReplicas: 0 } }));
    const green = synthProduct(testEnvironment({ release: { strategy: 'blue-green', activeColor: 'green', idleReplicas: 0 } }));
    // THEN exactly these fields differ
    expect(differences(blue, green)).toEqual([
      'Deployment/api-blue /spec/replicas: 3 -> 0',
      'Deployment/api-green /spec/replicas: 0 -> 3',
      'Service/api /spec/selector/eaf.io~1color: "blue" -> "green"',
      'Service/api-preview /spec/selector/eaf.io~1color: "green" -> "blue"',
      'Deployment/frontend-blue /spec/replicas: 3 -> 0',
      'Deployment/frontend-green /spec/replicas: 0 -> 3',
      'Service/frontend /spec/selector/eaf.io~1color: "blue" -> "green"',
      'Service/frontend-preview /spec/selector/eaf.io~1color: "green" -> "blue"',
    ]);
  });

  test('flipping activeColor with the idle colour kept at full size changes only the Service selectors', () => {
    const blue = synthProduct(testEnvironment({ release: { strategy: 'blue-green', activeColor: 'blue' } }));
    const green = synthProduct(testEnvironment({ release: { strategy: 'blue-green', activeColor: 'green' } }));
    expect(differences(blue, green).every((d) => d.includes('/spec/selector/eaf.io~1color'))).toBe(true);
    expect(differences(blue, green)).toHaveLength(4);
  });

  test('every container is restricted and no pod fixes a UID', () => {
    for (const { owner, container, pod } of containersOf(synthProduct(testEnvironment()))) {
      expect({ owner, runAsUser: pod.securityContext?.runAsUser ?? container.securityContext.runAsUser }).toEqual({ owner, runAsUser: undefined });
      expect(container.securityContext).toMatchObject({
        runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' }, readOnlyRootFilesystem: true,
      });
    }
  });

  test('names its constructs after the environment, so errors say where', () => {
    const chart = productChart(testEnvironment());
    expect(chart.components.api.node.path).toBe('dvmm/production/components/api');
    expect(chart.databases.db.node.path).toBe('dvmm/production/databases/db');
  });

  test('fails when a rolling environment gives no tag, naming the setting', () => {
    expect(settingProblems(() => productChart(testEnvironment({ release: { strategy: 'rolling' } })))).toEqual([
      'components.api.tag: is required for a rolling release (got nothing); set tag to the image version to run',
      'components.api.tags: is only for blue-green releases (got {"blue":"1.0.0","green":"1.1.0"}); set tag instead, or release blue-green',
      'components.frontend.tag: is required for a rolling release (got nothing); set tag to the image version to run',
      'components.frontend.tags: is only for blue-green releases (got {"blue":"1.0.0","green":"1.1.0"}); set tag instead, or release blue-green',
    ]);
  });

  test('fails when a blue-green environment gives one tag, reporting every component at once', () => {
    expect(settingProblems(() => productChart(testEnvironment({ components: { api: { tags: { blue: '1.0.0', green: '2.0.0' } }, frontend: { tag: '1.0.0' } } })))).toEqual([
      'components.frontend.tags: is required for a blue-green release (got nothing); set tags: { blue: <version>, green: <version> }',
      'components.frontend.tag: is only for rolling releases (got "1.0.0"); set tags.blue and tags.green instead',
    ]);
  });

  test('fails when a critical environment does not back up a database', () => {
    expect(settingProblems(() => productChart(testEnvironment({ databases: {} })))).toEqual([
      'databases.db.backup: is required in a critical environment (got nothing); configure databases.db.backup (destinationPath, credentialsSecret) so WAL is archived and backups are kept',
    ]);
  });
});

/** Every leaf that differs between two renders, as `Kind/name /json/pointer: before -> after`. */
function differences(before: Manifest[], after: Manifest[]): string[] {
  expect(after.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual(before.map((m) => `${m.kind}/${m.metadata.name}`));
  const out: string[] = [];
  const walk = (id: string, pointer: string, a: any, b: any) => {
    if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
      for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) walk(id, `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, a[key], b[key]);
    } else if (JSON.stringify(a) !== JSON.stringify(b)) {
      out.push(`${id} ${pointer}: ${JSON.stringify(a)} -> ${JSON.stringify(b)}`);
    }
  };
  before.forEach((m, i) => walk(`${m.kind}/${m.metadata.name}`, '', m, after[i]));
  return out;
}
