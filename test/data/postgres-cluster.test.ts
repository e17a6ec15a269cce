import { Connections, EafApi, PostgresCluster, PropertyErrors } from '../../lib';
import { checkCnpgCron } from '../../lib/data/cnpg-cron';
import { archiveTimeoutForRpo } from '../../lib/data/recovery-objectives';
import { seconds } from '../../lib/observability/promql';
import { find, synth, testChart } from '../util';

describe('PostgresCluster', () => {
  const base = { database: 'dvmm', credentialsSecret: 'dvmm-db-credentials' };
  const backup = { destinationPath: 's3://backups/dvmm', endpointUrl: 'https://s3.example.com', credentialsSecret: 'backup-s3' };

  test('runs PostgreSQL 16 pinned, bootstraps the database and owner from a Secret reference', () => {
    const chart = testChart();
    const db = new PostgresCluster(chart, 'db', base);
    const cluster = find(synth(chart), 'Cluster', 'db');
    expect(cluster.apiVersion).toBe('postgresql.cnpg.io/v1');
    expect(cluster.spec.imageName).toBe('ghcr.io/cloudnative-pg/postgresql:16.10');
    expect(cluster.spec.instances).toBe(1);
    expect(cluster.spec.bootstrap).toEqual({ initdb: { database: 'dvmm', owner: 'dvmm', secret: { name: 'dvmm-db-credentials' } } });
    expect(cluster.spec.affinity).toBeUndefined();
    expect(db.readWriteServiceName).toBe('db-rw');
  });

  test('accepts host connections over TLS only, TLS 1.3 minimum', () => {
    const chart = testChart();
    new PostgresCluster(chart, 'db', base);
    const postgresql = find(synth(chart), 'Cluster', 'db').spec.postgresql;
    expect(postgresql.pg_hba).toEqual(['hostnossl all all all reject', 'hostssl all all all scram-sha-256']);
    expect(postgresql.parameters.ssl_min_protocol_version).toBe('TLSv1.3');
  });

  test('requires anti-affinity across nodes with more than one instance, and takes sizes', () => {
    const chart = testChart();
    new PostgresCluster(chart, 'db', {
      ...base,
      instances: 3,
      storageSize: '50Gi',
      storageClass: 'fast',
      resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } },
    });
    const spec = find(synth(chart), 'Cluster', 'db').spec;
    expect(spec.affinity).toEqual({ enablePodAntiAffinity: true, podAntiAffinityType: 'required', topologyKey: 'kubernetes.io/hostname' });
    expect(spec.storage).toEqual({ size: '50Gi', storageClass: 'fast' });
    expect(spec.resources).toEqual({ requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } });
  });

  test('archives WAL through the barman-cloud plugin, keeps 30 days and backs up daily', () => {
    const chart = testChart();
    new PostgresCluster(chart, 'db', { ...base, backup });
    const manifests = synth(chart);
    const cluster = find(manifests, 'Cluster', 'db');
    expect(cluster.spec.plugins).toEqual([
      { name: 'barman-cloud.cloudnative-pg.io', enabled: true, isWALArchiver: true, parameters: { barmanObjectName: 'db-backup' } },
    ]);
    expect(cluster.spec.postgresql.parameters.archive_timeout).toBe('5min');
    const store = find(manifests, 'ObjectStore', 'db-backup');
    expect(store.spec).toEqual({
      retentionPolicy: '30d',
      configuration: {
        destinationPath: 's3://backups/dvmm',
        endpointURL: 'https://s3.example.com',
        s3Credentials: {
          accessKeyId: { name: 'backup-s3', key: 'ACCESS_KEY_ID' },
          secretAccessKey: { name: 'backup-s3', key: 'ACCESS_SECRET_KEY' },
        },
        wal: { compression: 'gzip' },
        data: { compression: 'gzip' },
      },
    });
    expect(find(manifests, 'ScheduledBackup', 'db-daily').spec).toEqual({
      cluster: { name: 'db' },
      schedule: '0 0 2 * * *',
      method: 'plugin',
      pluginConfiguration: { name: 'barman-cloud.cloudnative-pg.io' },
      backupOwnerReference: 'self',
    });
  });

  test('monitors the instances with a PodMonitor, not the deprecated Cluster flag', () => {
    const chart = testChart();
    new PostgresCluster(chart, 'db', base);
    const manifests = synth(chart);
    expect(find(manifests, 'PodMonitor', 'db').spec).toEqual({
      jobLabel: 'cnpg.io/cluster',
      selector: { matchLabels: { 'cnpg.io/cluster': 'db' } },
      podMetricsEndpoints: [{ port: 'metrics' }],
    });
    expect(find(manifests, 'Cluster', 'db').spec.monitoring).toBeUndefined();
  });

  test('pools through PgBouncer when asked, and clients then connect to the pooler', () => {
    const chart = testChart();
    const db = new PostgresCluster(chart, 'db', { ...base, monitoring: false, pooler: { instances: 2 } });
    const api = new EafApi(chart, 'api', { image: 'r/api', tag: '1', database: db });
    const manifests = synth(chart);
    expect(find(manifests, 'Pooler', 'db-pooler-rw').spec).toEqual({
      cluster: { name: 'db' },
      instances: 2,
      type: 'rw',
      pgbouncer: { poolMode: 'transaction', parameters: { max_client_conn: '1000', default_pool_size: '20' } },
    });
    // Only the API's own PodMonitor: the database is not scraped.
    expect(manifests.filter((m) => m.kind === 'PodMonitor').map((m) => m.metadata.name)).toEqual(['api']);
    const env = find(manifests, 'Deployment', 'api').spec.template.spec.containers[0].env;
    expect(env.find((e: any) => e.name === 'DB_HOST').value).toBe('db-pooler-rw');
    expect(Connections.of(chart).edges.map((e) => `${e.from.peerName}->${e.to.peerName}:${e.port}/${e.purpose}`)).toEqual([
      'db-pooler-rw->db:5432/pooler',
      'api->db-pooler-rw:5432/database',
    ]);
    expect(Object.keys(api.env)).toEqual([
      'MANAGEMENT_METRICS_DISTRIBUTION_PERCENTILESHISTOGRAM_HTTP_SERVER_REQUESTS',
      'DB_HOST',
      'DB_PORT',
      'DB_NAME',
      'DB_USER',
      'DB_PASSWORD',
    ]);
  });

  test('fails with fewer than one instance', () => {
    expect(() => new PostgresCluster(testChart(), 'db', { ...base, instances: 0 })).toThrow(
      'test/db: instances must be a whole number of at least 1 (got 0); set instances to 1 (single) or 3 (highly available)',
    );
  });

  test('fails on a 5-field cron, as CloudNativePG wants seconds first', () => {
    expect(() => new PostgresCluster(testChart(), 'db', { ...base, backup: { ...backup, schedule: '0 2 * * *' } })).toThrow(
      'test/db: backup.schedule is not a 6-field CloudNativePG cron expression: it has 5 fields (got "0 2 * * *"); use seconds minutes hours day-of-month month day-of-week, e.g. \'0 0 2 * * *\' for 02:00 daily',
    );
  });

  test('fails on a cron field out of range', () => {
    expect(() => new PostgresCluster(testChart(), 'db', { ...base, backup: { ...backup, schedule: '0 0 25 * * *' } })).toThrow(
      'test/db: backup.schedule is not a 6-field CloudNativePG cron expression: hours "25" is outside 0-23 (got "0 0 25 * * *")',
    );
  });

  test('fails on a retention CloudNativePG does not read', () => {
    expect(() => new PostgresCluster(testChart(), 'db', { ...base, backup: { ...backup, retention: '30 days' } })).toThrow(
      'test/db: backup.retention is not a CloudNativePG retention policy (got "30 days"); use <number><d|w|m>, e.g. \'30d\'',
    );
  });

  test('fails on an archive timeout that cannot meet the RPO', () => {
    expect(() => new PostgresCluster(testChart(), 'db', { ...base, backup: { ...backup, archiveTimeout: '2h' } })).toThrow(
      'test/db: backup.archiveTimeout cannot meet the RPO of 1h: a WAL segment may wait this long before it is archived, and the upload needs the rest (got "2h"); use at most 30min (half the RPO), or leave it out to derive it from the RPO',
    );
    expect(() => new PostgresCluster(testChart(), 'db', { ...base, rpo: '15m', backup: { ...backup, archiveTimeout: '10min' } })).toThrow(
      'test/db: backup.archiveTimeout cannot meet the RPO of 15m: a WAL segment may wait this long before it is archived, and the upload needs the rest (got "10min"); use at most 450s (half the RPO), or leave it out to derive it from the RPO',
    );
  });

  test('fails on a destination that is not s3://, and on a bad storage size', () => {
    expect(() => new PostgresCluster(testChart(), 'db', { ...base, backup: { ...backup, destinationPath: 'backups/dvmm' } })).toThrow(
      'test/db: backup.destinationPath is not an s3:// URL (got "backups/dvmm"); use s3://<bucket>/<path>',
    );
    expect(() => new PostgresCluster(testChart(), 'db', { ...base, storageSize: 'ten gigs' })).toThrow(
      'test/db: storageSize is not a Kubernetes quantity (got "ten gigs"); use a size such as 10Gi',
    );
  });

  test('fails on a pooler without instances', () => {
    expect(() => new PostgresCluster(testChart(), 'db', { ...base, pooler: { instances: 0 } })).toThrow(
      'test/db/Pooler: instances must be a whole number of at least 1 (got 0); set pooler instances to 1 or more',
    );
  });

  test('takes its name, owner, version or whole image, and reports what clients and policies need', () => {
    // GIVEN
    const chart = testChart();
    // WHEN
    const db = new PostgresCluster(chart, 'db', { ...base, name: 'orders', owner: 'orders_owner', version: '17.6' });
    const byImage = new PostgresCluster(chart, 'other', {
      ...base,
      imageName: `registry.example.com/postgresql@sha256:${'a'.repeat(64)}`,
      version: '17.6',
    });
    // THEN
    const manifests = synth(chart);
    const cluster = find(manifests, 'Cluster', 'orders');
    expect(cluster.spec.imageName).toBe('ghcr.io/cloudnative-pg/postgresql:17.6');
    expect(cluster.spec.bootstrap.initdb).toEqual({ database: 'dvmm', owner: 'orders_owner', secret: { name: 'dvmm-db-credentials' } });
    expect(cluster.spec.primaryUpdateStrategy).toBe('unsupervised');
    expect(cluster.spec.storage).toEqual({ size: '10Gi' });
    expect(cluster.spec.resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } });
    expect(cluster.spec.plugins).toBeUndefined();
    expect(cluster.spec.postgresql.parameters).toEqual({ ssl_min_protocol_version: 'TLSv1.3' });
    expect(find(manifests, 'Cluster', 'other').spec.imageName).toBe(`registry.example.com/postgresql@sha256:${'a'.repeat(64)}`);
    expect(manifests.filter((m) => ['ObjectStore', 'ScheduledBackup'].includes(m.kind))).toEqual([]);
    expect([db.name, db.peerName, db.owner, db.databaseName, db.credentialsSecret, db.port, db.metricsPort, db.instances]).toEqual([
      'orders',
      'orders',
      'orders_owner',
      'dvmm',
      'dvmm-db-credentials',
      5432,
      9187,
      1,
    ]);
    expect(db.podSelector).toEqual({ 'cnpg.io/cluster': 'orders' });
    expect(db.backup).toBeUndefined();
    expect(db.pooler).toBeUndefined();
    expect(byImage.imageName).toBe(`registry.example.com/postgresql@sha256:${'a'.repeat(64)}`);
  });

  test('connects clients to the read-write Service and records the edge once', () => {
    const chart = testChart();
    const db = new PostgresCluster(chart, 'db', { ...base, monitoring: false });
    const api = new EafApi(chart, 'api', { image: 'r/api', tag: '1' });
    expect(db.connectClient(api)).toEqual({ host: 'db-rw', port: 5432 });
    expect(db.connectClient(api)).toEqual({ host: 'db-rw', port: 5432 });
    expect(Connections.of(chart).edges.map((e) => `${e.from.peerName}->${e.to.peerName}:${e.port}/${e.purpose}`)).toEqual(['api->db:5432/database']);
    expect(db.metricsPort).toBeUndefined();
  });

  test('takes every backup setting, and leaves the endpoint out for AWS S3', () => {
    const chart = testChart();
    const db = new PostgresCluster(chart, 'db', {
      ...base,
      backup: {
        destinationPath: 's3://backups/dvmm',
        credentialsSecret: 'backup-s3',
        schedule: '0 30 3 * * SUN',
        retention: '12w',
        compression: 'bzip2',
        archiveTimeout: '29min',
      },
    });
    const manifests = synth(chart);
    const store = find(manifests, 'ObjectStore', 'db-backup').spec;
    expect(store.retentionPolicy).toBe('12w');
    expect(store.configuration.endpointURL).toBeUndefined();
    expect([store.configuration.wal, store.configuration.data]).toEqual([{ compression: 'bzip2' }, { compression: 'bzip2' }]);
    expect(find(manifests, 'ScheduledBackup', 'db-daily').spec.schedule).toBe('0 30 3 * * SUN');
    expect(find(manifests, 'Cluster', 'db').spec.postgresql.parameters).toEqual({ ssl_min_protocol_version: 'TLSv1.3', archive_timeout: '29min' });
    expect(db.backup!.destinationPath).toBe('s3://backups/dvmm');
  });

  test('pools in session mode with the connection limits asked for, two PgBouncer pods by default', () => {
    const chart = testChart();
    const db = new PostgresCluster(chart, 'db', { ...base, pooler: { poolMode: 'session', maxClientConnections: 500, defaultPoolSize: 10 } });
    expect(find(synth(chart), 'Pooler', 'db-pooler-rw').spec).toEqual({
      cluster: { name: 'db' },
      instances: 2,
      type: 'rw',
      pgbouncer: { poolMode: 'session', parameters: { max_client_conn: '500', default_pool_size: '10' } },
    });
    expect([db.pooler!.name, db.pooler!.peerName]).toEqual(['db-pooler-rw', 'db-pooler-rw']);
    expect(db.pooler!.podSelector).toEqual({ 'cnpg.io/poolerName': 'db-pooler-rw' });
  });

  test('fails on instances that are not whole, a version that is no tag and an image without tag', () => {
    expect(() => new PostgresCluster(testChart(), 'db', { ...base, instances: 1.5 })).toThrow(
      'test/db: instances must be a whole number of at least 1 (got 1.5); set instances to 1 (single) or 3 (highly available)',
    );
    expect(() => new PostgresCluster(testChart(), 'db', { ...base, version: '17 6' })).toThrow(
      'test/db: version is not an image tag (got "17 6"); use a PostgreSQL release such as \'17.6\'',
    );
    expect(() => new PostgresCluster(testChart(), 'db', { ...base, imageName: 'registry.example.com/postgresql' })).toThrow(
      'test/db: imageName is not an image with tag or digest (got "registry.example.com/postgresql"); use an image with tag or digest, e.g. ghcr.io/cloudnative-pg/postgresql:17.6 or ...@sha256:<digest>',
    );
  });

  test('fails on an empty or negative volume, and on bad sizes', () => {
    expect(() => new PostgresCluster(testChart(), 'db', { ...base, storageSize: '0' })).toThrow(
      'test/db: storageSize must be more than 0 (the API server refuses an empty volume) (got "0"); use a size such as 10Gi',
    );
    expect(() => new PostgresCluster(testChart(), 'db', { ...base, storageSize: '-1Gi' })).toThrow(
      'test/db: storageSize must be more than 0 (the API server refuses an empty volume) (got "-1Gi"); use a size such as 10Gi',
    );
    expect(() => new PostgresCluster(testChart(), 'db', { ...base, storageSize: '1' })).not.toThrow();
    expect(
      () =>
        new PostgresCluster(testChart(), 'db', {
          ...base,
          resources: { requests: { cpu: '2', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } },
        }),
    ).toThrow('test/db: resources.limits.cpu is below its request 2 (got "1"); raise the limit to at least 2');
  });

  test('fails on an object store endpoint that is not https', () => {
    expect(() => new PostgresCluster(testChart(), 'db', { ...base, backup: { ...backup, endpointUrl: 'http://s3.example.com' } })).toThrow(
      'test/db: backup.endpointUrl is not an https:// URL (got "http://s3.example.com"); use the https:// endpoint of the object store',
    );
  });

  test.each(['0min', '5 min', '2d', 'x5min', '5mins', '05min', ''])('fails on the archive timeout %p', (archiveTimeout) => {
    expect(() => new PostgresCluster(testChart(), 'db', { ...base, backup: { ...backup, archiveTimeout } })).toThrow(
      `test/db: backup.archiveTimeout is not a PostgreSQL duration (got "${archiveTimeout}")`,
    );
  });

  test.each(['1h', '31min', '1801s'])('fails on the archive timeout %p, above half the default RPO of 1h', (archiveTimeout) => {
    expect(() => new PostgresCluster(testChart(), 'db', { ...base, backup: { ...backup, archiveTimeout } })).toThrow(
      `test/db: backup.archiveTimeout cannot meet the RPO of 1h`,
    );
  });

  test.each(['1800s', '30min', '1s'])('accepts the archive timeout %p', (archiveTimeout) => {
    expect(() => new PostgresCluster(testChart(), 'db', { ...base, backup: { ...backup, archiveTimeout } })).not.toThrow();
  });

  test.each(['0d', '30', 'd', '30y', '030d', '7dd', 'x7d', '7d '])('fails on the retention %p', (retention) => {
    expect(() => new PostgresCluster(testChart(), 'db', { ...base, backup: { ...backup, retention } })).toThrow(
      `test/db: backup.retention is not a CloudNativePG retention policy (got "${retention}")`,
    );
  });

  test.each(['7d', '4w', '3m', '10d'])('accepts the retention %p', (retention) => {
    expect(() => new PostgresCluster(testChart(), 'db', { ...base, backup: { ...backup, retention } })).not.toThrow();
  });

  test('reports every bad property at once', () => {
    let error: unknown;
    try {
      new PostgresCluster(testChart(), 'db', {
        ...base,
        instances: 0,
        storageSize: 'big',
        backup: { ...backup, destinationPath: 'gs://b', retention: 'forever' },
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PropertyErrors);
    expect((error as PropertyErrors).errors.map((e) => e.property)).toEqual([
      'instances',
      'storageSize',
      'backup.destinationPath',
      'backup.retention',
    ]);
  });

  describe('recovery objectives', () => {
    test.each([
      ['15m', '5min'],
      ['1h', '5min'],
      ['4h', '5min'],
      ['8m', '4min'],
      ['5m', '150s'],
      ['1m', '30s'],
    ])('an RPO of %p archives WAL at least every %p (half the RPO, at most 5min)', (rpo, timeout) => {
      const chart = testChart();
      const db = new PostgresCluster(chart, 'db', { ...base, rpo, backup });
      expect(find(synth(chart), 'Cluster', 'db').spec.postgresql.parameters.archive_timeout).toBe(timeout);
      expect(db.archiveTimeout).toBe(timeout);
      expect(db.rpoSeconds).toBe(seconds(rpo));
    });

    test('an RPO of 15m renders an archive timeout that meets it, with room for the upload', () => {
      const chart = testChart();
      const db = new PostgresCluster(chart, 'db', { ...base, rpo: '15m', rto: '1h', backup });
      expect(archiveTimeoutForRpo(db.rpoSeconds)).toBe(300);
      expect(300 * 2).toBeLessThanOrEqual(db.rpoSeconds);
      expect(db.rtoSeconds).toBe(3600);
    });

    test('fails on an RPO under a minute, and on objectives that are not durations', () => {
      expect(() => new PostgresCluster(testChart(), 'db', { ...base, rpo: '30s', backup })).toThrow(
        'test/db: rpo is under a minute, which WAL archiving cannot meet (got "30s"); use at least \'1m\'; a smaller loss needs synchronous replication to another site',
      );
      expect(() => new PostgresCluster(testChart(), 'db', { ...base, rpo: 'soon' })).toThrow(
        "test/db: rpo is not a duration (got \"soon\"); use the recovery point objective as a duration such as '1h' or '15m'",
      );
      expect(() => new PostgresCluster(testChart(), 'db', { ...base, rto: '4 hours' })).toThrow(
        'test/db: rto is not a duration (got "4 hours"); use the recovery time objective as a duration such as \'4h\'',
      );
    });
  });

  describe('backup tiers', () => {
    const apiServer = { cidrs: ['192.0.2.0/28'], ports: [6443] };
    const tiered = {
      ...backup,
      volumeSnapshotClass: 'csi-snapclass',
      apiServer,
      tiers: [
        { name: 'nightly', schedule: '0 0 1 * * *', retention: '14d' },
        { name: 'monthly', schedule: '0 0 3 1 * *', retention: '12m', method: 'volume-snapshot' as const },
      ],
    };

    test('two tiers with different retentions: nightly in the object store for 14 days, monthly snapshots for 12 months', () => {
      const chart = testChart();
      const db = new PostgresCluster(chart, 'db', { ...base, backup: tiered });
      const manifests = synth(chart);
      expect(find(manifests, 'ObjectStore', 'db-backup').spec.retentionPolicy).toBe('14d');
      expect(find(manifests, 'ScheduledBackup', 'db-nightly').spec).toEqual({
        cluster: { name: 'db' },
        schedule: '0 0 1 * * *',
        method: 'plugin',
        pluginConfiguration: { name: 'barman-cloud.cloudnative-pg.io' },
        backupOwnerReference: 'self',
      });
      expect(find(manifests, 'ScheduledBackup', 'db-monthly').spec).toEqual({
        cluster: { name: 'db' },
        schedule: '0 0 3 1 * *',
        method: 'volumeSnapshot',
        backupOwnerReference: 'self',
      });
      expect(find(manifests, 'Cluster', 'db').spec.backup).toEqual({
        volumeSnapshot: { className: 'csi-snapclass', online: true, snapshotOwnerReference: 'backup' },
      });
      expect(manifests.filter((m) => m.kind === 'ScheduledBackup')).toHaveLength(2);
      // The pruner keeps monthly backups 12 x 31 days, never the newest, and may only touch Backups.
      const cron = find(manifests, 'CronJob', 'db-prune-snapshots');
      const container = cron.spec.jobTemplate.spec.template.spec.containers[0];
      expect(container.args).toEqual(['db-monthly=372']);
      expect(container.command.slice(0, 2)).toEqual(['/bin/sh', '-c']);
      expect(container.command[2]).toContain('-l "cnpg.io/scheduled-backup=$name"');
      expect(container.command[2]).toContain('for (i = 1; i < NR; i++) if (t[i] < cutoff) print n[i]');
      expect(container.securityContext).toMatchObject({
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
      expect(container.resources).toEqual({
        requests: { 'cpu': '10m', 'memory': '64Mi', 'ephemeral-storage': '16Mi' },
        limits: { 'cpu': '200m', 'memory': '128Mi', 'ephemeral-storage': '64Mi' },
      });
      expect(cron.spec.concurrencyPolicy).toBe('Forbid');
      expect(find(manifests, 'Role', 'db-prune-snapshots').rules).toEqual([
        { apiGroups: ['postgresql.cnpg.io'], resources: ['backups'], verbs: ['get', 'list', 'delete'] },
      ]);
      expect(find(manifests, 'RoleBinding', 'db-prune-snapshots').subjects).toEqual([
        { kind: 'ServiceAccount', name: 'db-prune-snapshots', namespace: 'test-ns', apiGroup: '' },
      ]);
      expect(Connections.of(db).externalEdges).toEqual([
        { from: db.pruner, name: 'kubernetes-api', endpoint: apiServer, purpose: 'pruning backups' },
      ]);
      expect(db.tiers.map((t) => `${t.name}:${t.method}`)).toEqual(['nightly:object-store', 'monthly:volume-snapshot']);
    });

    test('fails on two object-store tiers with different retentions, naming what the plugin cannot do', () => {
      expect(
        () =>
          new PostgresCluster(testChart(), 'db', {
            ...base,
            backup: {
              ...backup,
              tiers: [
                { name: 'nightly', schedule: '0 0 1 * * *', retention: '14d' },
                { name: 'monthly', schedule: '0 0 3 1 * *', retention: '12m' },
              ],
            },
          }),
      ).toThrow(
        'test/db: backup.tiers keep object-store backups for different times (14d, 12m), which the barman-cloud plugin cannot do: it sends every backup of a cluster to its one ObjectStore and keeps them by one recovery window (plugin issues #611, #677) (got ["nightly: 14d","monthly: 12m"]); give the object-store tiers one retention, and make the longer-kept tier method: volume-snapshot',
      );
    });

    test('refuses what only a volume-snapshot tier reads when the backup has none: accepted, it would change nothing', () => {
      let error: unknown;
      try {
        new PostgresCluster(testChart(), 'db', {
          ...base,
          backup: { ...backup, volumeSnapshotClass: 'csi', pruneImage: 'registry.example.com/cli:4.18.1' },
        });
      } catch (e) {
        error = e;
      }
      expect((error as PropertyErrors).errors.map((e) => e.message)).toEqual([
        'test/db: backup.volumeSnapshotClass is read by volume-snapshot tiers only, and this backup has none (got "csi"); ' +
          'remove it, or add a tier with method: volume-snapshot',
        'test/db: backup.pruneImage is read by volume-snapshot tiers only, and this backup has none (got "registry.example.com/cli:4.18.1"); ' +
          'remove it, or add a tier with method: volume-snapshot',
      ]);
    });

    test('fails on a snapshot tier without a VolumeSnapshotClass or API server, and without an object-store tier', () => {
      let error: unknown;
      try {
        new PostgresCluster(testChart(), 'db', {
          ...base,
          backup: { ...backup, tiers: [{ name: 'monthly', schedule: '0 0 3 1 * *', retention: '12m', method: 'volume-snapshot' }] },
        });
      } catch (e) {
        error = e;
      }
      expect((error as PropertyErrors).errors.map((e) => e.message)).toEqual([
        'test/db: backup.tiers has no object-store tier (got [{"name":"monthly","schedule":"0 0 3 1 * *","retention":"12m","method":"volume-snapshot"}]); add an object-store tier: point-in-time recovery needs a base backup beside the WAL archive',
        'test/db: backup.volumeSnapshotClass is needed by a volume-snapshot tier (got nothing); name the VolumeSnapshotClass of the storage, e.g. csi-snapclass',
        "test/db: backup.apiServer is needed by a volume-snapshot tier: its pruner deletes expired Backups through the Kubernetes API (got nothing); give the API server's addresses (in an environment file: network.apiServer)",
      ]);
    });

    test('fails on tiers beside schedule, on repeated names, bad crons and retentions, each at its index', () => {
      let error: unknown;
      try {
        new PostgresCluster(testChart(), 'db', {
          ...base,
          backup: {
            ...backup,
            schedule: '0 0 2 * * *',
            tiers: [
              { name: 'nightly', schedule: '0 2 * * *', retention: '14d' },
              { name: 'nightly', schedule: '0 0 2 * * *', retention: '1y' },
            ],
          },
        });
      } catch (e) {
        error = e;
      }
      expect((error as PropertyErrors).errors.map((e) => e.property)).toEqual([
        'backup.tiers',
        'backup.tiers[0].schedule',
        'backup.tiers[1].name',
        'backup.tiers[1].retention',
        'backup.tiers',
      ]);
    });
  });

  describe('recovery', () => {
    const source = {
      destinationPath: 's3://backups/production',
      endpointUrl: 'https://s3.example.com',
      serverName: 'dvmm-db',
      credentialsSecret: 'backup-s3-readonly',
    };

    test('bootstraps from another archive at a target time, read through its own ObjectStore, and archives to a new path', () => {
      const chart = testChart();
      const db = new PostgresCluster(chart, 'dvmm-db', {
        ...base,
        backup: { ...backup, destinationPath: 's3://backups/staging' },
        recovery: { source, targetTime: '2026-11-01T02:00:00Z' },
      });
      const manifests = synth(chart);
      const spec = find(manifests, 'Cluster', 'dvmm-db').spec;
      expect(spec.bootstrap).toEqual({
        recovery: {
          source: 'recovery-source',
          database: 'dvmm',
          owner: 'dvmm',
          secret: { name: 'dvmm-db-credentials' },
          recoveryTarget: { targetTime: '2026-11-01T02:00:00Z' },
        },
      });
      expect(spec.externalClusters).toEqual([
        {
          name: 'recovery-source',
          plugin: {
            name: 'barman-cloud.cloudnative-pg.io',
            enabled: true,
            isWALArchiver: false,
            parameters: { barmanObjectName: 'dvmm-db-recovery-source', serverName: 'dvmm-db' },
          },
        },
      ]);
      expect(spec.plugins[0].parameters).toEqual({ barmanObjectName: 'dvmm-db-backup' });
      const sourceStore = find(manifests, 'ObjectStore', 'dvmm-db-recovery-source').spec;
      expect(sourceStore).toEqual({
        configuration: {
          destinationPath: 's3://backups/production',
          endpointURL: 'https://s3.example.com',
          s3Credentials: {
            accessKeyId: { name: 'backup-s3-readonly', key: 'ACCESS_KEY_ID' },
            secretAccessKey: { name: 'backup-s3-readonly', key: 'ACCESS_SECRET_KEY' },
          },
        },
      });
      expect(find(manifests, 'ObjectStore', 'dvmm-db-backup').spec.configuration.destinationPath).toBe('s3://backups/staging');
      expect(db.recovery?.targetTime).toBe('2026-11-01T02:00:00Z');
    });

    test('restores its own archive (disaster recovery) to the latest state when it archives under a new folder', () => {
      const chart = testChart();
      new PostgresCluster(chart, 'dvmm-db', {
        ...base,
        backup: { ...backup, serverName: 'dvmm-db-r1' },
        recovery: { source: { ...source, destinationPath: 's3://backups/dvmm', serverName: undefined } },
      });
      const spec = find(synth(chart), 'Cluster', 'dvmm-db').spec;
      expect(spec.bootstrap.recovery.recoveryTarget).toBeUndefined();
      expect(spec.externalClusters[0].plugin.parameters.serverName).toBe('dvmm-db');
      expect(spec.plugins[0].parameters).toEqual({ barmanObjectName: 'dvmm-db-backup', serverName: 'dvmm-db-r1' });
    });

    test.each([
      ['the same path and folder', {}],
      ['a trailing slash', { destinationPath: 's3://backups/dvmm/' }],
    ])("fails when the recovery source is the cluster's own live path (%s)", (_, change) => {
      expect(
        () =>
          new PostgresCluster(testChart(), 'dvmm-db', {
            ...base,
            backup,
            recovery: { source: { ...source, destinationPath: 's3://backups/dvmm', ...change } },
          }),
      ).toThrow(
        'test/dvmm-db: backup.serverName is the recovery source\'s own live path: the restored cluster would archive into the archive it restores from (got "dvmm-db"); give the restored cluster a new folder, e.g. backup.serverName: dvmm-db-r1 (or another destinationPath)',
      );
    });

    test('accepts the same path and folder on another endpoint', () => {
      expect(
        () =>
          new PostgresCluster(testChart(), 'dvmm-db', {
            ...base,
            backup,
            recovery: { source: { ...source, destinationPath: 's3://backups/dvmm', endpointUrl: 'https://other.example.com' } },
          }),
      ).not.toThrow();
    });

    test.each(['2026-11-01 02:00:00', '2026-11-01T02:00:00', '2026-02-30T02:00:00Z', '2026-11-01T25:00:00Z', 'yesterday'])(
      'fails on the target time %p',
      (targetTime) => {
        expect(() => new PostgresCluster(testChart(), 'db', { ...base, recovery: { source, targetTime } })).toThrow(
          `test/db: recovery.targetTime is not a moment with a time zone (got "${targetTime}"); use RFC 3339, e.g. '2026-11-01T02:00:00Z'`,
        );
      },
    );

    test.each(['2026-11-01T02:00:00Z', '2026-11-01T02:00:00.5+01:00', '2024-02-29T23:59:59-05:00'])('accepts the target time %p', (targetTime) => {
      expect(() => new PostgresCluster(testChart(), 'db', { ...base, recovery: { source, targetTime } })).not.toThrow();
    });

    test('follows the source as a disaster-recovery replica cluster, and is promoted by follow: false', () => {
      const standby = testChart();
      new PostgresCluster(standby, 'dvmm-db', {
        ...base,
        backup: { ...backup, destinationPath: 's3://backups/dr' },
        recovery: { source, follow: true },
      });
      const spec = find(synth(standby), 'Cluster', 'dvmm-db').spec;
      expect(spec.replica).toEqual({ enabled: true, source: 'recovery-source' });
      expect(spec.bootstrap.recovery.source).toBe('recovery-source');
      expect(spec.bootstrap.recovery.recoveryTarget).toBeUndefined();
      const promoted = testChart();
      new PostgresCluster(promoted, 'dvmm-db', {
        ...base,
        backup: { ...backup, destinationPath: 's3://backups/dr' },
        recovery: { source, follow: false },
      });
      expect(find(synth(promoted), 'Cluster', 'dvmm-db').spec.replica).toEqual({ enabled: false, source: 'recovery-source' });
      // A one-off restore is no replica cluster.
      const restored = testChart();
      new PostgresCluster(restored, 'dvmm-db', { ...base, recovery: { source } });
      expect(find(synth(restored), 'Cluster', 'dvmm-db').spec.replica).toBeUndefined();
    });

    test('fails on a replica with a target time', () => {
      expect(
        () => new PostgresCluster(testChart(), 'db', { ...base, recovery: { source, follow: true, targetTime: '2026-11-01T02:00:00Z' } }),
      ).toThrow(
        'test/db: recovery.follow is given with a targetTime: a replica follows its source to the end of the archive (got true); remove targetTime for a standby that follows, or remove follow for a restore to that moment',
      );
    });

    test('fails on a source that is no s3:// path, a bad folder and a bad Secret name', () => {
      let error: unknown;
      try {
        new PostgresCluster(testChart(), 'db', {
          ...base,
          recovery: { source: { destinationPath: '/backups', serverName: 'Prod DB', credentialsSecret: 'Keys!' } },
        });
      } catch (e) {
        error = e;
      }
      expect((error as PropertyErrors).errors.map((e) => e.property)).toEqual([
        'recovery.source.destinationPath',
        'recovery.source.serverName',
        'recovery.source.credentialsSecret',
      ]);
    });
  });

  test('accepts a pooler of one instance', () => {
    const chart = testChart();
    new PostgresCluster(chart, 'db', { ...base, pooler: { instances: 1 } });
    expect(find(synth(chart), 'Pooler', 'db-pooler-rw').spec.instances).toBe(1);
  });

  test('fails on pooler instances that are not whole', () => {
    expect(() => new PostgresCluster(testChart(), 'db', { ...base, pooler: { instances: 1.5 } })).toThrow(
      'test/db/Pooler: instances must be a whole number of at least 1 (got 1.5); set pooler instances to 1 or more',
    );
  });
});

describe('checkCnpgCron', () => {
  test.each([
    '0 0 2 * * *',
    '*/30 * * * * ?',
    '0 15 1-3 1,15 JAN-MAR MON-FRI',
    '@daily',
    '@yearly',
    '@annually',
    '@monthly',
    '@weekly',
    '@midnight',
    '@hourly',
    '59 59 23 31 12 6',
    '0 0 0 1 1 0',
    '  0 0 2 * * *  ',
    '0  0\t2 * * *',
    '0 0 5-5 * * *',
    '0 0 1/2 * * *',
    '0 0 2 ? dec sun',
    '0 0 2 * FEB SAT',
  ])('accepts %p', (cron) => {
    expect(checkCnpgCron(cron)).toBeUndefined();
  });
  test.each([
    ['* * * *', 'it has 4 fields'],
    ['0 0 2 * * 7', 'day-of-week "7" is outside 0-6'],
    ['0 0 2 * * */0', 'day-of-week has a bad step in "*/0"'],
    ['0 0 5-2 * * *', 'hours "5-2" is outside 0-23'],
    ['60 0 2 * * *', 'seconds "60" is outside 0-59'],
    ['0 60 2 * * *', 'minutes "60" is outside 0-59'],
    ['0 0 2 0 * *', 'day-of-month "0" is outside 1-31'],
    ['0 0 2 32 * *', 'day-of-month "32" is outside 1-31'],
    ['0 0 2 * 0 *', 'month "0" is outside 1-12'],
    ['0 0 2 * 13 *', 'month "13" is outside 1-12'],
    ['0 0 2 * FEB-JAN *', 'month "FEB-JAN" is outside 1-12'],
    ['0 0 2 * * SUN-XYZ', 'day-of-week "SUN-XYZ" is outside 0-6'],
    ['0 0 2,x * * *', 'hours "x" is outside 0-23'],
    ['0 0 -1 * * *', 'hours "-1" is outside 0-23'],
    ['0 0 2 * * * *', 'it has 7 fields'],
    ['@every 1h', 'it has 2 fields'],
    ['0 0 1/x * * *', 'hours has a bad step in "1/x"'],
    ['0 0 */01 * * *', 'hours has a bad step in "*/01"'],
    ['0 0 1.5 * * *', 'hours "1.5" is outside 0-23'],
    ['@dailyx', 'it has 1 fields'],
    ['x@daily', 'it has 1 fields'],
    ['0 */5x * * * *', 'minutes has a bad step in "*/5x"'],
  ])('rejects %p', (cron, problem) => {
    expect(checkCnpgCron(cron)).toBe(problem);
  });
});
