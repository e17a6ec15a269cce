import { CompositionError, defineProduct, EafWorkload, EnvironmentConfig, Product } from '../../lib';
import { canonicalQuantity, quantityFields } from '../../lib/core/quantity';
import { containersOf, find, Manifest, productChart, settingProblems, synth, synthProduct, testEnvironment, WEB_PRODUCT } from '../util';
import { BACKUP, chartAmong, compositionError, JOBS, jobsEnvironment } from './fixtures';

describe('EafProductChart', () => {
  test('puts the namespace first and every namespaced object in it', () => {
    const manifests = synthProduct(testEnvironment());
    expect(manifests[0].kind).toBe('Namespace');
    expect(manifests[0].metadata.name).toBe('dvmm-production');
    for (const m of manifests.slice(1)) expect(m.metadata.namespace).toBe('dvmm-production');
  });

  test('labels every object with the product, the manager and the environment', () => {
    for (const m of synthProduct(testEnvironment())) {
      expect(m.metadata.labels).toMatchObject({
        'app.kubernetes.io/part-of': 'dvmm',
        'app.kubernetes.io/managed-by': 'eaf-cdk8s',
        'eaf.io/environment': 'production',
      });
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
    const manifests = synthProduct(
      testEnvironment({
        name: 'dev',
        exposure: { kind: 'ingress', clusterIssuer: 'letsencrypt' },
        release: { strategy: 'rolling' },
        components: { api: { tag: '2.0.0', replicas: 1, resources: { requests: { cpu: '100m' } } }, frontend: { tag: '2.0.0' } },
      }),
    );
    const api = find(manifests, 'Deployment', 'api');
    expect(api.spec.replicas).toBe(1);
    expect(api.spec.template.spec.containers[0].resources.requests).toEqual({ 'cpu': '100m', 'memory': '512Mi', 'ephemeral-storage': '256Mi' });
    expect(find(manifests, 'Deployment', 'frontend').spec.replicas).toBe(3);
    expect(manifests.filter((m) => m.kind === 'Service').map((m) => m.metadata.name)).toEqual(['api', 'frontend']);
    expect(manifests.filter((m) => m.kind === 'Ingress').map((m) => m.spec.rules[0].host)).toEqual([
      'app.example.com',
      'api.example.com',
      'auth.example.com',
    ]);
  });

  test('flipping activeColor changes only the Service selectors and the idle replica counts', () => {
    // GIVEN two renders that differ only in the active colour
    const blue = synthProduct(testEnvironment({ release: { strategy: 'blue-green', activeColor: 'blue', idleReplicas: 0 } }));
    const green = synthProduct(testEnvironment({ release: { strategy: 'blue-green', activeColor: 'green', idleReplicas: 0 } }));
    // THEN exactly these fields differ: with them the sync waves (the colour growing first, the Services next, the
    // colour shrinking last); in output order, each workload's Services before its Deployments (what oc apply follows)
    expect(differences(blue, green)).toEqual([
      'Service/api /spec/selector/eaf.io~1color: "blue" -> "green"',
      'Service/api-preview /spec/selector/eaf.io~1color: "green" -> "blue"',
      'Deployment/api-blue /metadata/annotations/argocd.argoproj.io~1sync-wave: "3" -> "5"',
      'Deployment/api-blue /spec/replicas: 3 -> 0',
      'Deployment/api-green /metadata/annotations/argocd.argoproj.io~1sync-wave: "5" -> "3"',
      'Deployment/api-green /spec/replicas: 0 -> 3',
      'Service/frontend /spec/selector/eaf.io~1color: "blue" -> "green"',
      'Service/frontend-preview /spec/selector/eaf.io~1color: "green" -> "blue"',
      'Deployment/frontend-blue /metadata/annotations/argocd.argoproj.io~1sync-wave: "1" -> "3"',
      'Deployment/frontend-blue /spec/replicas: 3 -> 0',
      'Deployment/frontend-green /metadata/annotations/argocd.argoproj.io~1sync-wave: "3" -> "1"',
      'Deployment/frontend-green /spec/replicas: 0 -> 3',
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
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
        readOnlyRootFilesystem: true,
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
    expect(
      settingProblems(() =>
        productChart(testEnvironment({ components: { api: { tags: { blue: '1.0.0', green: '2.0.0' } }, frontend: { tag: '1.0.0' } } })),
      ),
    ).toEqual([
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
      for (const key of new Set([...Object.keys(a), ...Object.keys(b)]))
        walk(id, `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, a[key], b[key]);
    } else if (JSON.stringify(a) !== JSON.stringify(b)) {
      out.push(`${id} ${pointer}: ${JSON.stringify(a)} -> ${JSON.stringify(b)}`);
    }
  };
  before.forEach((m, i) => walk(`${m.kind}/${m.metadata.name}`, '', m, after[i]));
  return out;
}

/** Environment variables of a Deployment's first container, by name. */
function envOf(manifests: Manifest[], deployment: string): Record<string, unknown> {
  return Object.fromEntries(
    find(manifests, 'Deployment', deployment).spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]),
  );
}

describe('EafProductChart quantities', () => {
  test('writes every quantity in the canonical form the API server stores, whoever spelled it', () => {
    // GIVEN an environment with non-canonical spellings of the API's CPU and the database's size
    const env = testEnvironment({
      name: 'dev',
      critical: false,
      release: { strategy: 'rolling' },
      components: {
        api: { tag: '2.0.0', resources: { requests: { cpu: '0.1' }, limits: { cpu: '1000m', memory: '1024Mi' } } },
        frontend: { tag: '2.0.0' },
      },
      databases: { db: { storageSize: '10240Mi' } },
    });
    // WHEN the chart is synthesised
    const manifests = synthProduct(env);
    // THEN the API's resources are canonical (and the library's own 1000m-style defaults too)
    expect(find(manifests, 'Deployment', 'api').spec.template.spec.containers[0].resources).toEqual({
      requests: { 'cpu': '100m', 'memory': '512Mi', 'ephemeral-storage': '256Mi' },
      limits: { 'cpu': '1', 'memory': '1Gi', 'ephemeral-storage': '1Gi' },
    });
    expect(find(manifests, 'Cluster', 'dvmm-db').spec.storage.size).toBe('10Gi');
    // AND no quantity anywhere is in another form
    expect(manifests.flatMap((m) => quantityFields(m)).filter(({ value }) => canonicalQuantity(String(value)) !== value)).toEqual([]);
  });
});

describe('EafProductChart composition', () => {
  test('fails with every problem of the environment at once, each a construct message, in one CompositionError', () => {
    // GIVEN a critical environment without database backups that waives a misspelt object and an unknown kind
    const error = compositionError(() =>
      productChart(
        testEnvironment({
          databases: {},
          waivers: [
            { rule: 'production-replicas', object: 'Deployment/apii', reason: 'a pilot with three tenants' },
            { rule: 'production-replicas', object: 'Gadget/x', reason: 'a pilot with three tenants' },
          ],
        }),
      ),
    );
    // THEN the error names the environment, and its message is every problem's construct message, one per line
    expect(error.name).toBe('CompositionError');
    expect(error.environment).toBe('production');
    expect(error.message).toBe(
      [
        'dvmm: backup is required in a critical environment (got nothing); configure databases.db.backup (destinationPath, credentialsSecret) so WAL is archived and backups are kept',
        'dvmm: waivers names no object of the environment (got "Deployment/apii"); use one of: Deployment/api-blue, Deployment/api-green, Deployment/frontend-blue, Deployment/frontend-green',
        'dvmm: waivers names no object of the environment (got "Gadget/x"); use one of: Cluster/…, ConfigMap/…, Deployment/…, Keycloak/…, Namespace/…, NetworkPolicy/…, ' +
          'ObjectStore/…, PodDisruptionBudget/…, PodMonitor/…, PrometheusRule/…, Route/…, ScheduledBackup/…, Service/…, ServiceAccount/…',
      ].join('\n'),
    );
    // AND each problem names its setting: a waiver lists the objects of its kind, else every kind once, sorted
    expect(error.problems.map((p: any) => p.settingMessage)).toEqual([
      'databases.db.backup: is required in a critical environment (got nothing); configure databases.db.backup (destinationPath, credentialsSecret) so WAL is archived and backups are kept',
      'waivers.0.object: names no object of the environment (got "Deployment/apii"); use one of: Deployment/api-blue, Deployment/api-green, Deployment/frontend-blue, Deployment/frontend-green',
      'waivers.1.object: names no object of the environment (got "Gadget/x"); use one of: Cluster/…, ConfigMap/…, Deployment/…, Keycloak/…, Namespace/…, NetworkPolicy/…, ' +
        'ObjectStore/…, PodDisruptionBudget/…, PodMonitor/…, PrometheusRule/…, Route/…, ScheduledBackup/…, Service/…, ServiceAccount/…',
    ]);
  });

  test('fails on an unreleased tag in a critical environment', () => {
    const components = { api: { tags: { blue: 'nightly', green: '1.1.0' } }, frontend: { tags: { blue: '1.0.0', green: '1.1.0' } } };
    expect(settingProblems(() => productChart(testEnvironment({ components })))).toEqual([
      'components.api.tags.blue: must be a released version or a digest in a critical environment (got "nightly"); use a version such as 1.4.2, or a sha256 digest',
    ]);
  });

  test('fails on a bad database setting with that setting alone, though the API uses the database', () => {
    expect(settingProblems(() => productChart(testEnvironment({ databases: { db: { instances: 0, backup: BACKUP } } })))).toEqual([
      'databases.db.instances: must be a whole number of at least 1 (got 0); set instances to 1 (single) or 3 (highly available)',
    ]);
  });

  test('fails on a namespace that is not a DNS label, naming the namespace setting', () => {
    expect(settingProblems(() => productChart(testEnvironment({ namespace: 'Bad_NS' })))).toEqual([
      'namespace: is not a DNS label (got "Bad_NS"); use a DNS label: at most 63 lower-case letters, digits and hyphens, starting and ending with a letter or digit',
      'dashboards of dvmm/production: namespace is not a valid namespace (got "Bad_NS"); use a DNS label: at most 63 lower-case letters, digits and hyphens, starting and ending with a letter or digit',
    ]);
  });

  test("fails on Keycloak's settings by identity setting, and on its realm by construct path (the realm is the product's)", () => {
    const product = defineProduct({
      ...WEB_PRODUCT,
      identity: { kind: 'keycloak', realm: { realm: 'dvmm', smtpServer: { password: '${SMTP_PASSWORD}' } } },
    });
    expect(settingProblems(() => productChart(testEnvironment({ identity: { instances: 0, database: { backup: BACKUP } } }), product))).toEqual([
      'identity.instances: must be a whole number of at least 1 (got 0); set instances to 1 or more',
      "dvmm/production/identity: realmPlaceholders lacks the realm's placeholder SMTP_PASSWORD (got []); add SMTP_PASSWORD: { secretName, key } to realmPlaceholders",
    ]);
  });

  test("fails on Keycloak's database settings by identity.database, its backup required in a critical environment", () => {
    expect(settingProblems(() => productChart(testEnvironment({ identity: { database: { instances: 0 } } })))).toEqual([
      'identity.database.backup: is required in a critical environment (got nothing); configure identity.database.backup (destinationPath, credentialsSecret) so WAL is archived and backups are kept',
      'identity.database.instances: must be a whole number of at least 1 (got 0); set instances to 1 (single) or 3 (highly available)',
    ]);
  });

  test("fails on an external issuer's settings by identity setting", () => {
    const portal = defineProduct({
      name: 'portal',
      components: { api: { kind: 'spring-boot', image: 'registry.example.com/portal/api', identity: true } },
      identity: { kind: 'external-oidc' },
    });
    expect(
      settingProblems(() =>
        productChart(
          {
            name: 'dev',
            exposure: { kind: 'route' },
            release: { strategy: 'rolling' },
            hosts: {},
            identity: { issuerUrl: 'https://login.example.com/realms/eaf', endpoint: { cidrs: [], ports: [443] } },
            components: { api: { tag: '1.0.0' } },
          },
          portal,
        ),
      ),
    ).toEqual([
      'identity.endpoint: needs at least one CIDR and one port (got {"cidrs":[],"ports":[443]}); list the issuer\'s addresses as cidrs and its HTTPS port (443) as ports',
    ]);
  });

  test('fails on a bad idle colour by release setting, once per component', () => {
    expect(
      settingProblems(() => productChart(testEnvironment({ release: { strategy: 'blue-green', activeColor: 'blue', idleReplicas: -1 } }))),
    ).toEqual([
      'release.idleReplicas: must be a whole number of at least 0 (got -1); set idleReplicas to 0 (scaled down) or more',
      'release.idleReplicas: must be a whole number of at least 0 (got -1); set idleReplicas to 0 (scaled down) or more',
    ]);
  });

  test('fails when a component declares a variable that its wiring sets, naming the component', () => {
    const product = defineProduct({
      ...WEB_PRODUCT,
      components: { ...WEB_PRODUCT.components, api: { ...WEB_PRODUCT.components.api, env: { DB_HOST: 'localhost' } } },
    });
    expect(settingProblems(() => productChart(testEnvironment(), product))).toEqual([
      'components.api.env: already sets DB_HOST (got "DB_HOST"); connect the workload to one database and one identity provider, or rename the variable',
    ]);
  });

  test('fails when two hosts are the same, naming the host that came second', () => {
    const error = compositionError(() =>
      productChart(testEnvironment({ hosts: { frontend: 'app.example.com', api: 'app.example.com', identity: 'auth.example.com' } })),
    );
    expect(error.problems.map((p: any) => [p.message, p.settingMessage])).toEqual([
      [
        'dvmm/production/exposures: host is already the host of frontend (got "app.example.com"); give api a host of its own: one host routes to one service',
        'hosts.api: is already the host of frontend (got "app.example.com"); give api a host of its own: one host routes to one service',
      ],
    ]);
  });

  test('fails on a host that is not a DNS name, naming the host setting', () => {
    expect(
      settingProblems(() =>
        productChart(testEnvironment({ hosts: { frontend: 'app.example.com', api: 'Not A Host', identity: 'auth.example.com' } })),
      ),
    ).toEqual(['hosts.api: is not a valid DNS name (got "Not A Host"); use a lower-case DNS name such as app.example.com']);
  });

  test('fails on bad network and egress addresses, naming the egress by its name and list indexes as fields', () => {
    // GIVEN an 11th bad API server CIDR, and a bad port in the 6th egress, which is the 11th and 12th flow out
    const cidrs = [...Array.from({ length: 10 }, (_, i) => `10.0.0.${i + 1}/32`), 'nope'];
    const egress: EnvironmentConfig['egress'] = {};
    for (const name of ['e1', 'e2', 'e3', 'e4', 'e5', 'e6'])
      egress[name] = { from: ['api', 'frontend'], cidrs: ['10.0.0.0/8'], ports: [name === 'e6' ? 0 : 443] };
    // THEN each problem names its setting
    expect(settingProblems(() => productChart(testEnvironment({ network: { apiServer: { cidrs, ports: [6443] } }, egress })))).toEqual([
      'network.apiServer.cidrs.10: is not a CIDR (got "nope"); use a CIDR such as 10.0.0.0/24 or 192.0.2.10/32 (IPv4 prefixes up to /32, IPv6 up to /128)',
      'egress.e6.ports.0: is not a TCP port from 1 to 65535 (got 0); use a TCP port number, e.g. 443',
      'egress.e6.ports.0: is not a TCP port from 1 to 65535 (got 0); use a TCP port number, e.g. 443',
    ]);
  });

  test("a critical environment may not declare an RPO or RTO laxer than the platform's (1h, 4h)", () => {
    expect(
      settingProblems(() => productChart(testEnvironment({ critical: true, databases: { db: { backup: BACKUP, rpo: '2h', rto: '8h' } } }))),
    ).toEqual([
      'databases.db.rpo: is laxer than the platform allows in a critical environment (at most 1h) (got "2h"); use 1h or less, or set critical: false if this environment holds no production data',
      'databases.db.rto: is laxer than the platform allows in a critical environment (at most 4h) (got "8h"); use 4h or less, or set critical: false if this environment holds no production data',
    ]);
    // The same objectives are the environment's own business when it is not critical.
    expect(() => productChart(testEnvironment({ critical: false, databases: { db: { backup: BACKUP, rpo: '2h', rto: '8h' } } }))).not.toThrow();
  });

  test('an RPO of 15m sets the archive timeout and the WAL-age alert from one value', () => {
    const chart = productChart(testEnvironment({ critical: true, databases: { db: { backup: BACKUP, rpo: '15m' } } }));
    const manifests = synth(chart);
    expect(find(manifests, 'Cluster', 'dvmm-db').spec.postgresql.parameters.archive_timeout).toBe('5min');
    const rules = manifests.filter((m) => m.kind === 'PrometheusRule').flatMap((m) => m.spec.groups.flatMap((g: any) => g.rules));
    const walAge = rules.find((r: any) => r.alert === 'PostgresWalArchiveTooOld' && r.expr.includes('job="dvmm-db"'));
    expect(walAge.expr).toContain('> 900 and on ()');
  });

  test('a volume-snapshot tier gets its pruner, which calls the API server through its own policy and syncs with the databases', () => {
    const tiers = [
      { name: 'nightly', schedule: '0 0 1 * * *', retention: '14d' },
      { name: 'monthly', schedule: '0 0 3 1 * *', retention: '12m', method: 'volume-snapshot' as const },
    ];
    const chart = productChart(
      testEnvironment({
        network: { apiServer: { cidrs: ['192.0.2.0/28'], ports: [6443] } },
        databases: { db: { backup: { ...BACKUP, tiers, volumeSnapshotClass: 'csi-snapclass' } } },
      }),
    );
    const manifests = synth(chart);
    const policy = manifests.find(
      (m) =>
        m.kind === 'NetworkPolicy' &&
        JSON.stringify(m.spec.podSelector) === JSON.stringify({ matchLabels: { 'app.kubernetes.io/name': 'dvmm-db-prune-snapshots' } }),
    );
    expect(policy?.spec.egress).toContainEqual({ to: [{ ipBlock: { cidr: '192.0.2.0/28' } }], ports: [{ port: 6443, protocol: 'TCP' }] });
    expect(find(manifests, 'CronJob', 'dvmm-db-prune-snapshots').metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('1');
  });

  test("a volume-snapshot tier without the API server's addresses names the setting to add", () => {
    const tiers = [
      { name: 'nightly', schedule: '0 0 1 * * *', retention: '14d' },
      { name: 'monthly', schedule: '0 0 3 1 * *', retention: '12m', method: 'volume-snapshot' as const },
    ];
    expect(
      settingProblems(() =>
        productChart(testEnvironment({ databases: { db: { backup: { ...BACKUP, tiers, volumeSnapshotClass: 'csi-snapclass' } } } })),
      ),
    ).toEqual([
      "databases.db.backup.apiServer: is needed by a volume-snapshot tier: its pruner deletes expired Backups through the Kubernetes API (got nothing); give the API server's addresses (in an environment file: network.apiServer)",
    ]);
  });

  test("a disaster-recovery environment follows production's archive of each database, read from production's settings", () => {
    const production = testEnvironment();
    const dr = testEnvironment({
      name: 'dr',
      namespace: 'dvmm-dr',
      databases: {
        db: {
          backup: { destinationPath: 's3://backups/dr', credentialsSecret: 'backup-s3' },
          recovery: { environment: 'production', credentialsSecret: 'backup-s3-readonly', follow: true },
        },
      },
    });
    const manifests = synth(chartAmong(dr, [production, dr]));
    expect(find(manifests, 'Cluster', 'dvmm-db').spec.replica).toEqual({ enabled: true, source: 'recovery-source' });
    expect(find(manifests, 'ObjectStore', 'dvmm-db-recovery-source').spec.configuration.destinationPath).toBe('s3://backups/app');
    expect(find(manifests, 'ObjectStore', 'dvmm-db-backup').spec.configuration.destinationPath).toBe('s3://backups/dr');
  });

  test('a recovery from an environment without a backup of the database names the setting', () => {
    const dev = testEnvironment({ name: 'dev', critical: false, databases: {} });
    const staging = testEnvironment({
      name: 'staging',
      critical: false,
      databases: { db: { recovery: { environment: 'dev', credentialsSecret: 'backup-s3-readonly' } } },
    });
    expect(settingProblems(() => chartAmong(staging, [dev, staging]))).toEqual([
      'databases.db.recovery.environment: has no backup of this database to restore (got "dev"); name an environment that backs it up, or give destinationPath and serverName',
    ]);
    expect(
      settingProblems(() =>
        productChart(testEnvironment({ critical: false, databases: { db: { recovery: { credentialsSecret: 'backup-s3-readonly' } } } })),
      ),
    ).toEqual([
      'databases.db.recovery: names no archive (got {"credentialsSecret":"backup-s3-readonly"}); give environment (whose archive of this database to restore) or destinationPath and serverName',
    ]);
  });

  test('fails on a malformed RPO from a TypeScript environment, naming its setting, once', () => {
    expect(settingProblems(() => productChart(testEnvironment({ databases: { db: { backup: BACKUP, rpo: 'soon' } } })))).toEqual([
      "databases.db.rpo: is not a duration (got \"soon\"); use the recovery point objective as a duration such as '1h' or '15m'",
    ]);
  });

  test('reports only the failed component when others call it or send egress from it', () => {
    // GIVEN a frontend calling an API, the API sending mail, and an API that fails to compose
    const shop = defineProduct({
      name: 'shop',
      components: {
        web: { kind: 'nginx', image: 'registry.example.com/shop/web', public: true, calls: ['api'] },
        api: { kind: 'spring-boot', image: 'registry.example.com/shop/api' },
      },
    });
    const env: EnvironmentConfig = {
      name: 'dev',
      exposure: { kind: 'route' },
      release: { strategy: 'rolling' },
      hosts: { web: 'shop.example.com' },
      egress: { smtp: { from: ['api'], cidrs: ['10.0.0.0/8'], ports: [587] } },
      components: { web: { tag: '1.0.0' }, api: { tag: '1.0.0', replicas: 0 } },
    };
    // THEN its problem is the only one
    expect(settingProblems(() => productChart(env, shop))).toEqual([
      'components.api.replicas: must be a whole number of at least 1 (got 0); set replicas to 1 or more',
    ]);
  });

  test('exposes each public component and Keycloak on its host; a host naming nothing gets no exposure and no ingress edge', () => {
    // GIVEN a TypeScript environment with one host more than the product has
    const chart = productChart(
      testEnvironment({ hosts: { frontend: 'app.example.com', api: 'api.example.com', identity: 'auth.example.com', extra: 'x.example.com' } }),
    );
    // THEN the routes and the ingress controller's edges are those of the product's hosts, on OpenShift's ingress namespaces
    expect(
      synth(chart)
        .filter((m) => m.kind === 'Route')
        .map((m) => [m.spec.host, m.spec.to.name]),
    ).toEqual([
      ['app.example.com', 'frontend'],
      ['api.example.com', 'api'],
      ['auth.example.com', 'keycloak-service'],
    ]);
    expect(
      chart.networkPolicies.rules
        .filter((r) => r.remote === 'ingress controller' || r.remote === 'CloudNativePG operator')
        .map((r) => `${r.subject.peerName} <- ${JSON.stringify(r.peers)}`),
    ).toEqual([
      'frontend <- [{"namespaceSelector":{"matchLabels":{"policy-group.network.openshift.io/ingress":""}}}]',
      'api <- [{"namespaceSelector":{"matchLabels":{"policy-group.network.openshift.io/ingress":""}}}]',
      'keycloak <- [{"namespaceSelector":{"matchLabels":{"policy-group.network.openshift.io/ingress":""}}}]',
      'dvmm-db <- [{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"cnpg-system"}}}]',
      'keycloak-db <- [{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"cnpg-system"}}}]',
    ]);
  });

  test('on Ingress, lets the Kubernetes ingress controller in, and the database operator from the namespace the environment names', () => {
    const chart = productChart(
      testEnvironment({ exposure: { kind: 'ingress', clusterIssuer: 'letsencrypt' }, network: { databaseOperatorNamespace: 'postgres-operator' } }),
    );
    expect(
      chart.networkPolicies.rules
        .filter((r) => r.remote === 'ingress controller' || r.remote === 'CloudNativePG operator')
        .map((r) => `${r.subject.peerName} <- ${JSON.stringify(r.peers)}`),
    ).toEqual([
      'frontend <- [{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"ingress-nginx"}}}]',
      'api <- [{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"ingress-nginx"}}}]',
      'keycloak <- [{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"ingress-nginx"}}}]',
      'dvmm-db <- [{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"postgres-operator"}}}]',
      'keycloak-db <- [{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"postgres-operator"}}}]',
    ]);
  });

  test("points the realm's named clients at their component's host, and takes the realm of the realm file unless a component names its own", () => {
    // GIVEN a realm file with two clients, one pointed at the frontend, and an admin API trusting another realm
    const product: Product = defineProduct({
      ...WEB_PRODUCT,
      components: {
        ...WEB_PRODUCT.components,
        admin: { kind: 'spring-boot', image: 'registry.example.com/dvmm/admin', identity: { realm: 'staff' } },
      },
      identity: {
        kind: 'keycloak',
        realm: { realm: 'shop', clients: [{ clientId: 'web-ui' }, { clientId: 'admin-cli' }] },
        clientUrls: { 'web-ui': 'frontend' },
      },
    });
    const env = testEnvironment();
    const manifests = synthProduct({ ...env, components: { ...env.components, admin: { tags: { blue: '1.0.0', green: '1.0.0' } } } }, product);
    // THEN the pointed client has the frontend's URLs, the other is as written
    expect(manifests.filter((m) => m.kind === 'KeycloakRealmImport').map((m) => m.spec.realm)).toEqual([
      {
        realm: 'shop',
        clients: [
          {
            clientId: 'web-ui',
            rootUrl: 'https://app.example.com',
            redirectUris: ['https://app.example.com/*'],
            webOrigins: ['https://app.example.com'],
          },
          { clientId: 'admin-cli' },
        ],
      },
    ]);
    // AND the API trusts the realm file's realm, the admin API its own, with the default client id and secret
    expect(envOf(manifests, 'api-blue').KEYCLOAK_REALM).toBe('shop');
    expect(envOf(manifests, 'admin-blue')).toMatchObject({
      KEYCLOAK_REALM: 'staff',
      KEYCLOAK_CLIENT_ID: 'dvmm-admin',
      KEYCLOAK_CLIENT_SECRET: { secretKeyRef: { name: 'dvmm-admin-oidc', key: 'client-secret' } },
    });
  });

  test('imports a realm without clients with an empty client list', () => {
    const product = defineProduct({ ...WEB_PRODUCT, identity: { kind: 'keycloak', realm: { realm: 'shop' } } });
    expect(
      synthProduct(testEnvironment(), product)
        .filter((m) => m.kind === 'KeycloakRealmImport')
        .map((m) => m.spec.realm),
    ).toEqual([{ realm: 'shop', clients: [] }]);
  });

  test("names a database after the product (hyphens become underscores), on the environment's PostgreSQL version unless the product fixes one", () => {
    const shop = defineProduct({
      name: 'order-service',
      components: { api: { kind: 'spring-boot', image: 'registry.example.com/orders/api', databases: ['db'] } },
      databases: { db: {}, events: { version: '17.6' } },
    });
    const manifests = synth(
      productChart(
        {
          name: 'dev',
          exposure: { kind: 'route' },
          release: { strategy: 'rolling' },
          hosts: {},
          databases: { db: { version: '16.4' }, events: { version: '16.4' } },
          components: { api: { tag: '1.0.0' } },
        },
        shop,
      ),
    );
    const clusters = manifests.filter((m) => m.kind === 'Cluster');
    expect(clusters.map((c) => [c.metadata.name, c.spec.bootstrap.initdb.database, c.spec.imageName])).toEqual([
      ['order-service-db', 'order_service', 'ghcr.io/cloudnative-pg/postgresql:16.4'],
      ['order-service-events', 'order_service', 'ghcr.io/cloudnative-pg/postgresql:17.6'],
    ]);
  });
});

describe('EafProductChart egress', () => {
  test('opens an egress for the components it names, and for nothing else (a TypeScript environment is not checked by the schema)', () => {
    // GIVEN an egress from the API and from a name that is no component
    const chart = productChart(testEnvironment({ egress: { smtp: { from: ['api', 'mailer'], cidrs: ['10.0.0.0/8'], ports: [587] } } }));
    // THEN only the API's flow is allowed, and the chart synthesises
    expect(chart.networkPolicies.flows.filter((f) => f.to === 'smtp').map((f) => `${f.from} -> ${f.to}: ${f.ports}`)).toEqual([
      'api -> smtp: TCP 587',
    ]);
    expect(find(synth(chart), 'NetworkPolicy', 'api-egress').spec.egress).toContainEqual({
      to: [{ ipBlock: { cidr: '10.0.0.0/8' } }],
      ports: [{ port: 587, protocol: 'TCP' }],
    });
  });
});

describe('EafProductChart egress to host names', () => {
  test('on OpenShift, renders the EgressFirewall for egress.<name>.hosts and opens only the named components to it', () => {
    // GIVEN an OpenShift environment whose API calls a SaaS API by host name and by CIDR
    const chart = productChart(
      testEnvironment({ egress: { llm: { from: ['api'], hosts: ['api.openai.com'], cidrs: ['203.0.113.40/32'], ports: [443] } } }),
    );
    const manifests = synth(chart);
    // THEN the API may leave on 443 to every IPv4 address and to the CIDR; the frontend may not
    expect(find(manifests, 'NetworkPolicy', 'api-egress').spec.egress).toEqual(
      expect.arrayContaining([
        { to: [{ ipBlock: { cidr: '203.0.113.40/32' } }], ports: [{ port: 443, protocol: 'TCP' }] },
        { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443, protocol: 'TCP' }] },
      ]),
    );
    expect(JSON.stringify(manifests.filter((m) => m.kind === 'NetworkPolicy' && m.metadata.name !== 'api-egress'))).not.toContain('0.0.0.0/0');
    // AND the firewall allows the host and the CIDR, and denies every other IPv4 address last
    const rules = find(manifests, 'EgressFirewall', 'default').spec.egress;
    expect(rules).toContainEqual({ type: 'Allow', to: { dnsName: 'api.openai.com' }, ports: [{ port: 443, protocol: 'TCP' }] });
    expect(rules).toContainEqual({ type: 'Allow', to: { cidrSelector: '203.0.113.40/32' }, ports: [{ port: 443, protocol: 'TCP' }] });
    expect(rules[rules.length - 1]).toEqual({ type: 'Deny', to: { cidrSelector: '0.0.0.0/0' } });
  });

  test('fails on egress.<name>.hosts where network.platform is kubernetes, naming the setting, the reason and the fix', () => {
    const environment = testEnvironment({
      network: { platform: 'kubernetes' },
      egress: { llm: { from: ['api'], hosts: ['api.openai.com'], ports: [443] } },
    });
    expect(settingProblems(() => productChart(environment))).toEqual([
      "egress.llm.hosts: needs OpenShift's EgressFirewall, but this environment's network platform is kubernetes: a NetworkPolicy " +
        'cannot name a host (got ["api.openai.com"]); give cidrs instead, or send the traffic through an egress gateway or proxy ' +
        'and allow that (by cidrs)',
    ]);
  });

  test('fails on an egress that names neither cidrs nor hosts', () => {
    expect(settingProblems(() => productChart(testEnvironment({ egress: { llm: { from: ['api'], ports: [443] } } })))).toEqual([
      'egress.llm: names neither cidrs nor hosts (got {"from":["api"],"ports":[443]}); give cidrs, hosts (OpenShift), or both',
    ]);
  });
});

describe('EafProductChart uptime probes', () => {
  const probes = (paths?: Record<string, string[]>) => ({ probes: { proberUrl: 'blackbox.monitoring.svc:9115', ...(paths ? { paths } : {}) } });

  test('probes / of each public host by default, and each listed path of a host instead', () => {
    const targets = (paths?: Record<string, string[]>) =>
      find(synth(productChart(testEnvironment({ observability: probes(paths) }))), 'Probe', 'dvmm-uptime').spec.targets.staticConfig.static;
    expect(targets()).toEqual(['https://app.example.com/', 'https://api.example.com/', 'https://auth.example.com/']);
    expect(targets({ api: ['/', '/actuator/health'] })).toEqual([
      'https://app.example.com/',
      'https://api.example.com/',
      'https://api.example.com/actuator/health',
      'https://auth.example.com/',
    ]);
  });

  test('fails on probes where the product has no public host, naming the setting and the fix', () => {
    // GIVEN a product whose only component is internal, and an environment that asks for uptime probes
    const jobs = JOBS();
    // THEN the probes are refused: nothing to probe
    expect(settingProblems(() => productChart(jobsEnvironment({ observability: probes() }), jobs))).toEqual([
      'observability.probes: is set, but the product has no public host to probe (got {"proberUrl":"blackbox.monitoring.svc:9115"}); ' +
        'mark a component public, or remove it',
    ]);
  });

  test('fails on paths of a component that is not public, naming the public ones', () => {
    expect(settingProblems(() => productChart(testEnvironment({ observability: probes({ worker: ['/'] }) })))).toEqual([
      'observability.probes.paths.worker: is not a public component (got "worker"); name a public component: frontend, api, identity ' +
        '(a component is public when the product marks it public and the environment gives it a host)',
    ]);
  });
});

describe('EafProductChart errors', () => {
  afterEach(() => vi.restoreAllMocks());

  test("fails on a component's request metrics that name no preset, naming the product's field and the presets", () => {
    // GIVEN a Spring Boot component whose requests name a convention the library does not know (a JavaScript product file)
    const jobs = JOBS({ requests: 'micrometer' as never });
    // THEN the problem is the product's, at the component's field, not an environment setting's
    expect(compositionError(() => productChart(jobsEnvironment(), jobs)).message).toBe(
      'jobs: product jobs: components.worker.requests is not a preset (got "micrometer"); ' +
        'use one of spring-boot, opentelemetry, prometheus, or PromQL selectors { total, errors, latency }',
    );
  });

  test("throws a construct's TypeError on as it is (a bug), not as a problem of the environment", () => {
    // GIVEN a construct method that fails with a TypeError while the chart wires the components
    const bug = new TypeError("Cannot read properties of undefined (reading 'name')");
    vi.spyOn(EafWorkload.prototype, 'connectToDatabase').mockImplementation(() => {
      throw bug;
    });
    // WHEN the chart is composed THEN the TypeError itself comes out, not a CompositionError holding it
    let thrown: unknown;
    try {
      productChart(testEnvironment());
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBe(bug);
    expect(thrown).not.toBeInstanceOf(CompositionError);
  });
});
