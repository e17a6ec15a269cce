import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PostgresCluster, PostgresRestoreDrill, PostgresRestoreDrillProps, PropertyErrors, RESTORE_DRILL_DEFAULTS } from '../../lib';
import { imageTagProblem } from '../../lib/core/formats';
import { App } from 'cdk8s';
import { EafProductChart } from '../../lib';
import { find, Manifest, productChart, settingProblems, synth, synthProduct, testChart, testEnvironment, WEB_PRODUCT } from '../util';

const apiServer = { cidrs: ['192.0.2.0/28'], ports: [6443] };
const objectStore = { cidrs: ['198.51.100.10/32'], ports: [443] };
const database = {
  name: 'orders-db',
  databaseName: 'orders',
  owner: 'orders',
  imageName: 'ghcr.io/cloudnative-pg/postgresql:17.6',
  archive: { destinationPath: 's3://backups/orders', credentialsSecret: 'orders-backup-s3' },
  storageSize: '20Gi',
};

function drill(props: Partial<PostgresRestoreDrillProps> = {}): { drill: PostgresRestoreDrill; manifests: Manifest[] } {
  const chart = testChart('orders-production');
  const created = new PostgresRestoreDrill(chart, 'drill', { database, apiServer, objectStore, platform: 'kubernetes', ...props });
  return { drill: created, manifests: synth(chart) };
}

function errorsOf(create: () => unknown): string[] {
  try {
    create();
  } catch (e) {
    return e instanceof PropertyErrors ? e.errors.map((error) => error.message) : [(e as Error).message];
  }
  throw new Error('expected a PropertyErrors');
}

const inDrillNamespace = (manifests: Manifest[]) =>
  manifests.filter((m) => m.metadata.namespace === 'orders-production-orders-db-drill').map((m) => `${m.kind}/${m.metadata.name}`);

describe('PostgresRestoreDrill', () => {
  test('runs monthly in UTC, never overlapping, with a maxAge of 35 days and the app-tables check by default', () => {
    // GIVEN a drill with its defaults
    const { drill: d, manifests } = drill();
    // THEN its CronJob runs at 05:00 UTC on the 2nd, Forbid, once, and the alert allows 35 days
    const cron = find(manifests, 'CronJob', 'orders-db-restore-drill');
    expect(cron.spec).toMatchObject({ schedule: '0 5 2 * *', timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid', failedJobsHistoryLimit: 3 });
    expect(cron.spec.jobTemplate.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 4 * 3600 + 900 });
    expect([d.maxAgeSeconds / 86400, d.readyTimeoutSeconds, d.check]).toEqual([35, 14400, RESTORE_DRILL_DEFAULTS.check]);
    const [container] = cron.spec.jobTemplate.spec.template.spec.containers;
    expect(container.args).toEqual(['orders-production-orders-db-drill', 'orders-db-drill', 'orders', '14400', RESTORE_DRILL_DEFAULTS.check]);
    // AND its image is the pruner's pinned one, which passes the gate in a critical environment
    expect(container.image).toBe('registry.eaf.example.com/platform/ose-cli:4.18.30');
    expect(imageTagProblem(container.image.slice(container.image.lastIndexOf(':') + 1), { critical: true })).toBeUndefined();
  });

  test.each([
    ['@weekly', undefined, '0 5 * * 1', 8],
    ['@quarterly', undefined, '0 5 2 1,4,7,10 *', 102],
    ['0 3 15 * *', undefined, '0 3 15 * *', 35],
    ['@monthly', '40d', '0 5 2 * *', 40],
  ])('runs %p (maxAge %p) as %p, alerting after %p days', (schedule, maxAge, cron, days) => {
    const { drill: d, manifests } = drill({ schedule, maxAge });
    expect(find(manifests, 'CronJob', 'orders-db-restore-drill').spec.schedule).toBe(cron);
    expect(d.maxAgeSeconds).toBe(days * 86400);
  });

  test('takes its check, its timeout and its namespace', () => {
    const { drill: d, manifests } = drill({ check: 'SELECT count(*) > 0 FROM orders', readyTimeout: '2h', namespace: 'orders-drill' });
    const args = find(manifests, 'CronJob', 'orders-db-restore-drill').spec.jobTemplate.spec.template.spec.containers[0].args;
    expect(args).toEqual(['orders-drill', 'orders-db-drill', 'orders', '7200', 'SELECT count(*) > 0 FROM orders']);
    expect(d.namespace).toBe('orders-drill');
  });

  test('binds its account to a Role in the drill namespace only, limited to its own objects by name except create', () => {
    const { manifests } = drill();
    // No cluster-wide permission, and nothing of the drill's permissions in the product's namespace
    expect(manifests.filter((m) => m.kind === 'ClusterRole' || m.kind === 'ClusterRoleBinding')).toEqual([]);
    expect(manifests.filter((m) => m.kind === 'Role' || m.kind === 'RoleBinding').map((m) => m.metadata.namespace)).toEqual([
      'orders-production-orders-db-drill',
      'orders-production-orders-db-drill',
    ]);
    const role = manifests.find((m) => m.kind === 'Role')!;
    const named = (names: string[]) => ({ resourceNames: names });
    expect(role.rules).toEqual([
      { apiGroups: ['postgresql.cnpg.io'], resources: ['clusters'], verbs: ['create'] },
      { apiGroups: ['postgresql.cnpg.io'], resources: ['clusters'], verbs: ['get', 'delete'], ...named(['orders-db-drill']) },
      { apiGroups: ['barmancloud.cnpg.io'], resources: ['objectstores'], verbs: ['create'] },
      { apiGroups: ['barmancloud.cnpg.io'], resources: ['objectstores'], verbs: ['get', 'delete'], ...named(['orders-db-drill-recovery-source']) },
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['delete'], ...named(['orders-db-drill-object-store']) },
      { apiGroups: [''], resources: ['pods'], verbs: ['get'], ...named(['orders-db-drill-1']) },
      { apiGroups: [''], resources: ['pods/exec'], verbs: ['get', 'create'], ...named(['orders-db-drill-1']) },
    ]);
    const binding = manifests.find((m) => m.kind === 'RoleBinding')!;
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'orders-db-restore-drill', namespace: 'orders-production' }]);
    // AND the only token of the drill is the job's, which it needs for the API server
    expect(find(manifests, 'ServiceAccount', 'orders-db-restore-drill').automountServiceAccountToken).toBe(false);
    expect(find(manifests, 'CronJob', 'orders-db-restore-drill').spec.jobTemplate.spec.template.spec).toMatchObject({
      serviceAccountName: 'orders-db-restore-drill',
      automountServiceAccountToken: true,
      securityContext: { runAsNonRoot: true },
    });
  });

  test('keeps the recovery Cluster as data the job applies: restored from the archive through the barman-cloud plugin', () => {
    const { manifests } = drill();
    expect(manifests.some((m) => m.kind === 'Cluster' || m.kind === 'ObjectStore')).toBe(false);
    const list = JSON.parse(find(manifests, 'ConfigMap', 'orders-db-restore-drill').data['drill.json']);
    const [store, cluster] = list.items;
    expect(store).toMatchObject({
      kind: 'ObjectStore',
      metadata: { name: 'orders-db-drill-recovery-source', namespace: 'orders-production-orders-db-drill' },
      spec: { configuration: { destinationPath: 's3://backups/orders', s3Credentials: { accessKeyId: { name: 'orders-db-drill-object-store' } } } },
    });
    expect(store.spec.retentionPolicy).toBeUndefined();
    expect(cluster).toMatchObject({
      kind: 'Cluster',
      metadata: { name: 'orders-db-drill', namespace: 'orders-production-orders-db-drill' },
      spec: {
        instances: 1,
        imageName: 'ghcr.io/cloudnative-pg/postgresql:17.6',
        storage: { size: '20Gi' },
        bootstrap: { recovery: { source: 'recovery-source', database: 'orders', owner: 'orders' } },
        externalClusters: [
          {
            name: 'recovery-source',
            plugin: {
              name: 'barman-cloud.cloudnative-pg.io',
              parameters: { barmanObjectName: 'orders-db-drill-recovery-source', serverName: 'orders-db' },
            },
          },
        ],
      },
    });
    // The drill never archives: no WAL archiver plugin that could write into the production archive
    expect(cluster.spec.plugins).toBeUndefined();
    expect(cluster.spec.bootstrap.recovery.secret).toBeUndefined();
  });

  test('restricts and isolates its namespace: restricted pods, default-deny, DNS, the operator in, API server and object store out', () => {
    const { manifests } = drill();
    expect(inDrillNamespace(manifests)).toEqual([
      'Role/orders-db-restore-drill',
      'NetworkPolicy/default-deny',
      'NetworkPolicy/allow-dns',
      'NetworkPolicy/orders-db-drill-ingress',
      'NetworkPolicy/orders-db-drill-egress',
      'RoleBinding/orders-db-restore-drill',
    ]);
    const namespace = find(manifests, 'Namespace', 'orders-production-orders-db-drill');
    expect(namespace.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    const policy = (name: string) => manifests.find((m) => m.metadata.namespace?.endsWith('-drill') && m.metadata.name === name)!.spec;
    expect(policy('default-deny')).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(policy('orders-db-drill-ingress').ingress).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'cnpg-system' } } }],
        ports: [
          { port: 8000, protocol: 'TCP' },
          { port: 5432, protocol: 'TCP' },
        ],
      },
    ]);
    expect(policy('orders-db-drill-egress').egress.map((r: any) => r.to[0].ipBlock.cidr)).toEqual(['192.0.2.0/28', '198.51.100.10/32']);
  });

  test('fails on a schedule, a maxAge shorter than the schedule, an empty check and a long namespace, each at its field', () => {
    expect(errorsOf(() => drill({ schedule: '@daily-ish', check: ' ', namespace: 'x'.repeat(64) }))).toEqual([
      'test/drill: schedule is not a schedule (got "@daily-ish"); ' + "use @weekly, @monthly, @quarterly or a 5-field cron (UTC), e.g. '0 5 2 * *'",
      'test/drill: check is empty (got " "); give a query that returns a row, e.g. \'SELECT count(*) > 0 FROM orders\'',
      `test/drill: namespace is not a DNS label (at most 63 characters) (got "${'x'.repeat(64)}"); ` +
        'give restoreDrill a shorter namespace, e.g. orders-drill',
    ]);
    expect(errorsOf(() => drill({ schedule: '0 5 31 2 *' }))).toEqual([
      'test/drill: schedule never runs: no month it names (FEB) has day 31 (got "0 5 31 2 *"); ' +
        "use a day every month has (1 to 28), e.g. '0 5 2 * *'",
    ]);
    expect(errorsOf(() => drill({ maxAge: '7d' }))).toEqual([
      'test/drill: maxAge is shorter than the longest gap between two drills (31d): the alert would fire before every drill ' +
        '(got "7d"); use at least 31d, or leave it out for 35d',
    ]);
  });

  describe('its script, run by /bin/sh against a stand-in kubectl', () => {
    /** Runs the drill's script with a `kubectl` that logs its calls, reports Ready after `readyAfter` gets and answers the check. */
    function run(answer: string, ready = true): { code: number; calls: string[]; stderr: string } {
      const { drill: d } = drill();
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drill-'));
      try {
        fs.writeFileSync(
          path.join(dir, 'kubectl'),
          [
            '#!/bin/sh',
            `echo "$*" >> "${dir}/calls"`,
            'case "$3" in',
            `  get) echo ${ready ? 'True' : 'False'} ;;`,
            `  exec) printf '%s\\n' '${answer}' ;;`,
            '  create) cat > /dev/null ;;',
            'esac',
          ].join('\n'),
          { mode: 0o755 },
        );
        const args = ['orders-drill', 'orders-db-drill', 'orders', ready ? '600' : '0', 'SELECT true'];
        const result = spawnSync('/bin/sh', ['-c', d.script, 'drill', ...args], {
          encoding: 'utf8',
          env: { PATH: `${dir}:${process.env.PATH}`, ACCESS_KEY_ID: 'id', ACCESS_SECRET_KEY: 'key' },
        });
        return { code: result.status ?? -1, calls: fs.readFileSync(path.join(dir, 'calls'), 'utf8').trim().split('\n'), stderr: result.stderr };
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
    const cleanUp = [
      '-n orders-drill delete clusters.postgresql.cnpg.io orders-db-drill --ignore-not-found',
      '-n orders-drill delete objectstores.barmancloud.cnpg.io orders-db-drill-recovery-source --ignore-not-found',
      '-n orders-drill delete secret orders-db-drill-object-store --ignore-not-found',
    ];

    test('cleans up, writes the Secret, applies the manifests, waits, checks and cleans up again', () => {
      const { code, calls } = run('t');
      expect(code).toBe(0);
      expect(calls).toEqual([
        ...cleanUp,
        '-n orders-drill create secret generic orders-db-drill-object-store --from-env-file=/dev/stdin',
        '-n orders-drill create -f /drill/drill.json',
        `-n orders-drill get clusters.postgresql.cnpg.io orders-db-drill -o jsonpath={.status.conditions[?(@.type=="Ready")].status}`,
        '-n orders-drill exec orders-db-drill-1 -c postgres -- psql -XAtq -v ON_ERROR_STOP=1 -d orders -c SELECT true',
        ...cleanUp,
      ]);
    });

    test.each([
      ['f', /drill: check failed: SELECT true returned f/],
      ['', /drill: check failed: SELECT true returned no row/],
    ])('fails when the check returns %p, and still cleans up', (answer, message) => {
      const { code, calls, stderr } = run(answer);
      expect(code).toBe(1);
      expect(stderr).toMatch(message);
      expect(calls.slice(-3)).toEqual(cleanUp);
    });

    test('fails when the cluster is not ready in time, and still cleans up', () => {
      const { code, calls, stderr } = run('t', false);
      expect(code).toBe(1);
      expect(stderr).toMatch(/drill: orders-db-drill not ready after 0s/);
      expect(calls.slice(-3)).toEqual(cleanUp);
      expect(calls.some((c) => c.includes(' exec '))).toBe(false);
    });
  });
});

describe('restoreDrill of an environment file', () => {
  const withDrill = (db: Record<string, unknown>, network: Record<string, unknown> | undefined = { apiServer, objectStore }) =>
    testEnvironment({
      databases: { db: { backup: { destinationPath: 's3://backups/app', credentialsSecret: 'backup-s3' }, ...db } },
      network,
    } as never);

  test("renders the database's drill with the database's image, size and RTO, and lets its job reach the API server only", () => {
    const manifests = synthProduct(withDrill({ restoreDrill: {}, rto: '2h', storageSize: '50Gi' }));
    const cron = find(manifests, 'CronJob', 'dvmm-db-restore-drill');
    expect(cron.spec.jobTemplate.spec.template.spec.containers[0].args.slice(0, 4)).toEqual([
      'dvmm-production-dvmm-db-drill',
      'dvmm-db-drill',
      'dvmm',
      '7200',
    ]);
    const cluster = JSON.parse(find(manifests, 'ConfigMap', 'dvmm-db-restore-drill').data['drill.json']).items[1];
    expect(cluster.spec.storage).toEqual({ size: '50Gi' });
    const egress = manifests.find((m) => m.kind === 'NetworkPolicy' && m.metadata.name === 'dvmm-db-restore-drill-egress')!;
    expect(egress.metadata.namespace).toBe('dvmm-production');
    expect(egress.spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '192.0.2.0/28' } }], ports: [{ port: 6443, protocol: 'TCP' }] }]);
  });

  test('has no drill unless asked', () => {
    expect(productChart(withDrill({})).databases.db.restoreDrill).toBeUndefined();
  });

  test('fails without a backup in the environment, naming the setting and the fix', () => {
    const env = testEnvironment({ critical: false, databases: { db: { restoreDrill: {} } }, network: { apiServer } } as never);
    expect(settingProblems(() => productChart(env))).toEqual([
      'databases.db.restoreDrill: has no backup to restore in this environment (got {}); ' +
        'configure databases.db.backup (destinationPath, credentialsSecret), give restoreDrill.source, or remove restoreDrill',
    ]);
  });

  test('fails without network.apiServer, which its job calls', () => {
    expect(settingProblems(() => productChart(withDrill({ restoreDrill: { schedule: '@weekly' } }, {})))).toEqual([
      'databases.db.restoreDrill: needs network.apiServer: the drill job creates and deletes the restored cluster through the Kubernetes API ' +
        '(got {"schedule":"@weekly"}); set network.apiServer (cidrs, ports) of this environment, or remove restoreDrill',
    ]);
  });

  test('fails on a maxAge shorter than the schedule, naming the database', () => {
    expect(settingProblems(() => productChart(withDrill({ restoreDrill: { maxAge: '20d' } })))).toEqual([
      expect.stringMatching(/maxAge is shorter than the longest gap between two drills \(31d\).*\(got "20d"\)/),
    ]);
  });

  test('a PostgresCluster refuses a drill without a backup', () => {
    expect(
      () => new PostgresCluster(testChart(), 'db', { database: 'app', credentialsSecret: 's', restoreDrill: { apiServer, platform: 'kubernetes' } }),
    ).toThrow('test/db: restoreDrill needs a backup to restore (got {"apiServer":');
  });

  test("drills another environment's archive with read-only keys and that environment's volume size", () => {
    // GIVEN staging drilling production's archive
    const production = testEnvironment({
      databases: { db: { storageSize: '50Gi', rto: '90m', backup: { destinationPath: 's3://backups/prod', credentialsSecret: 'backup-s3' } } },
    });
    const staging = testEnvironment({
      name: 'staging',
      critical: false,
      network: { apiServer, objectStore },
      databases: { db: { restoreDrill: { source: { environment: 'production', credentialsSecret: 'prod-backup-read' } } } },
    } as never);
    const chart = new EafProductChart(new App({ outdir: '/nonexistent' }), 'dvmm', {
      product: WEB_PRODUCT,
      environment: staging,
      environments: [production, staging],
    });
    const manifests = synth(chart);
    // THEN the drill restores production's archive (its folder: the cluster's name), reading the read-only Secret
    const [store, cluster] = JSON.parse(find(manifests, 'ConfigMap', 'dvmm-db-restore-drill').data['drill.json']).items;
    expect(store.spec.configuration.destinationPath).toBe('s3://backups/prod');
    expect(cluster.spec.storage).toEqual({ size: '50Gi' });
    expect(cluster.spec.externalClusters[0].plugin.parameters.serverName).toBe('dvmm-db');
    const env = find(manifests, 'CronJob', 'dvmm-db-restore-drill').spec.jobTemplate.spec.template.spec.containers[0].env;
    expect(env.map((e: any) => e.valueFrom.secretKeyRef.name)).toEqual(['prod-backup-read', 'prod-backup-read']);
    // AND the restore must be ready within production's recovery time objective (90m), the one the drill measures
    expect(find(manifests, 'CronJob', 'dvmm-db-restore-drill').spec.jobTemplate.spec.template.spec.containers[0].args[3]).toBe('5400');
  });

  test('fails on a source environment the product does not have', () => {
    const env = withDrill({ restoreDrill: { source: { environment: 'prod', credentialsSecret: 'r' } } });
    expect(settingProblems(() => productChart(env))).toEqual([
      'databases.db.restoreDrill.source.environment: names no environment of the product (got "prod"); use one of: production',
    ]);
  });
});
