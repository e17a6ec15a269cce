import { Connections, EafApi, PostgresCluster, PropertyErrors } from '../../lib';
import { checkCnpgCron } from '../../lib/data/postgres-cluster';
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
    new PostgresCluster(chart, 'db', { ...base, instances: 3, storageSize: '50Gi', storageClass: 'fast', resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } } });
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
    expect(cluster.spec.plugins).toEqual([{ name: 'barman-cloud.cloudnative-pg.io', enabled: true, isWALArchiver: true, parameters: { barmanObjectName: 'db-backup' } }]);
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
    expect(find(manifests, 'PodMonitor', 'db').spec).toEqual({ jobLabel: 'cnpg.io/cluster', selector: { matchLabels: { 'cnpg.io/cluster': 'db' } }, podMetricsEndpoints: [{ port: 'metrics' }] });
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
    expect(Connections.of(chart).edges.map((e) => `${e.from.peerName}->${e.to.peerName}:${e.port}/${e.purpose}`))
      .toEqual(['db-pooler-rw->db:5432/pooler', 'api->db-pooler-rw:5432/database']);
    expect(Object.keys(api.env)).toEqual(['MANAGEMENT_METRICS_DISTRIBUTION_PERCENTILESHISTOGRAM_HTTP_SERVER_REQUESTS', 'DB_HOST', 'DB_PORT', 'DB_NAME', 'DB_USER', 'DB_PASSWORD']);
  });

  test('fails with fewer than one instance', () => {
    expect(() => new PostgresCluster(testChart(), 'db', { ...base, instances: 0 }))
      .toThrow('test/db: instances must be a whole number of at least 1 (got 0); set instances to 1 (single) or 3 (highly available)');
  });

  test('fails on a 5-field cron, as CloudNativePG wants seconds first', () => {
    expect(() => new PostgresCluster(testChart(), 'db', { ...base, backup: { ...backup, schedule: '0 2 * * *' } }))
      .toThrow("test/db: backup.schedule is not a 6-field CloudNativePG cron expression: it has 5 fields (got \"0 2 * * *\"); use seconds minutes hours day-of-month month day-of-week, e.g. '0 0 2 * * *' for 02:00 daily");
  });

  test('fails on a cron field out of range', () => {
    expect(() => new PostgresCluster(testChart(), 'db', { ...base, backup: { ...backup, schedule: '0 0 25 * * *' } }))
      .toThrow('test/db: backup.schedule is not a 6-field CloudNativePG cron expression: hours "25" is outside 0-23 (got "0 0 25 * * *")');
  });

  test('fails on a retention CloudNativePG does not read', () => {
    expect(() => new PostgresCluster(testChart(), 'db', { ...base, backup: { ...backup, retention: '30 days' } }))
      .toThrow("test/db: backup.retention is not a CloudNativePG retention policy (got \"30 days\"); use <number><d|w|m>, e.g. '30d'");
  });

  test('fails on an archive timeout that breaks the one-hour RPO', () => {
    expect(() => new PostgresCluster(testChart(), 'db', { ...base, backup: { ...backup, archiveTimeout: '2h' } }))
      .toThrow("test/db: backup.archiveTimeout must be a PostgreSQL duration under 1h to keep the RPO under an hour (got \"2h\"); use e.g. '5min'");
  });

  test('fails on a destination that is not s3://, and on a bad storage size', () => {
    expect(() => new PostgresCluster(testChart(), 'db', { ...base, backup: { ...backup, destinationPath: 'backups/dvmm' } }))
      .toThrow('test/db: backup.destinationPath is not an s3:// URL (got "backups/dvmm"); use s3://<bucket>/<path>');
    expect(() => new PostgresCluster(testChart(), 'db', { ...base, storageSize: 'ten gigs' }))
      .toThrow('test/db: storageSize is not a Kubernetes quantity (got "ten gigs"); use a size such as 10Gi');
  });

  test('fails on a pooler without instances', () => {
    expect(() => new PostgresCluster(testChart(), 'db', { ...base, pooler: { instances: 0 } }))
      .toThrow('test/db/Pooler: instances must be a whole number of at least 1 (got 0); set pooler instances to 1 or more');
  });

  test('takes its name, owner, version or whole image, and reports what clients and policies need', () => {
    // GIVEN
    const chart = testChart();
    // WHEN
    const db = new PostgresCluster(chart, 'db', { ...base, name: 'orders', owner: 'orders_owner', version: '17.6' });
    const byImage = new PostgresCluster(chart, 'other', { ...base, imageName: `registry.example.com/postgresql@sha256:${'a'.repeat(64)}`, version: '17.6' });
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
    expect([db.name, db.peerName, db.owner, db.databaseName, db.credentialsSecret, db.port, db.metricsPort, db.instances]).toEqual(['orders', 'orders', 'orders_owner', 'dvmm', 'dvmm-db-credentials', 5432, 9187, 1]);
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
      backup: { destinationPath: 's3://backups/dvmm', credentialsSecret: 'backup-s3', schedule: '0 30 3 * * SUN', retention: '12w', compression: 'bzip2', archiveTimeout: '59min' },
    });
    const manifests = synth(chart);
    const store = find(manifests, 'ObjectStore', 'db-backup').spec;
    expect(store.retentionPolicy).toBe('12w');
    expect(store.configuration.endpointURL).toBeUndefined();
    expect([store.configuration.wal, store.configuration.data]).toEqual([{ compression: 'bzip2' }, { compression: 'bzip2' }]);
    expect(find(manifests, 'ScheduledBackup', 'db-daily').spec.schedule).toBe('0 30 3 * * SUN');
    expect(find(manifests, 'Cluster', 'db').spec.postgresql.parameters).toEqual({ ssl_min_protocol_version: 'TLSv1.3', archive_timeout: '59min' });
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
    expect(() => new PostgresCluster(testChart(), 'db', { ...base, instances: 1.5 }))
      .toThrow('test/db: instances must be a whole number of at least 1 (got 1.5); set instances to 1 (single) or 3 (highly available)');
    expect(() => new PostgresCluster(testChart(), 'db', { ...base, version: '17 6' }))
      .toThrow("test/db: version is not an image tag (got \"17 6\"); use a PostgreSQL release such as '17.6'");
    expect(() => new PostgresCluster(testChart(), 'db', { ...base, imageName: 'registry.example.com/postgresql' }))
      .toThrow('test/db: imageName is not an image with tag or digest (got "registry.example.com/postgresql"); use an image with tag or digest, e.g. ghcr.io/cloudnative-pg/postgresql:17.6 or ...@sha256:<digest>');
  });

  test('fails on an empty or negative volume, and on bad sizes', () => {
    expect(() => new PostgresCluster(testChart(), 'db', { ...base, storageSize: '0' }))
      .toThrow('test/db: storageSize must be more than 0 (the API server refuses an empty volume) (got "0"); use a size such as 10Gi');
    expect(() => new PostgresCluster(testChart(), 'db', { ...base, storageSize: '-1Gi' }))
      .toThrow('test/db: storageSize must be more than 0 (the API server refuses an empty volume) (got "-1Gi"); use a size such as 10Gi');
    expect(() => new PostgresCluster(testChart(), 'db', { ...base, storageSize: '1' })).not.toThrow();
    expect(() => new PostgresCluster(testChart(), 'db', { ...base, resources: { requests: { cpu: '2', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } }))
      .toThrow('test/db: resources.limits.cpu is below its request 2 (got "1"); raise the limit to at least 2');
  });

  test('fails on an object store endpoint that is not https', () => {
    expect(() => new PostgresCluster(testChart(), 'db', { ...base, backup: { ...backup, endpointUrl: 'http://s3.example.com' } }))
      .toThrow('test/db: backup.endpointUrl is not an https:// URL (got "http://s3.example.com"); use the https:// endpoint of the object store');
  });

  test.each(['1h', '60min', '3600s', '0min', '5 min', '2d', 'x5min', '5mins', '05min', ''])('fails on the archive timeout %p', (archiveTimeout) => {
    expect(() => new PostgresCluster(testChart(), 'db', { ...base, backup: { ...backup, archiveTimeout } }))
      .toThrow(`test/db: backup.archiveTimeout must be a PostgreSQL duration under 1h to keep the RPO under an hour (got "${archiveTimeout}")`);
  });

  test.each(['3599s', '59min', '1s'])('accepts the archive timeout %p', (archiveTimeout) => {
    expect(() => new PostgresCluster(testChart(), 'db', { ...base, backup: { ...backup, archiveTimeout } })).not.toThrow();
  });

  test.each(['0d', '30', 'd', '30y', '030d', '7dd', 'x7d', '7d '])('fails on the retention %p', (retention) => {
    expect(() => new PostgresCluster(testChart(), 'db', { ...base, backup: { ...backup, retention } }))
      .toThrow(`test/db: backup.retention is not a CloudNativePG retention policy (got "${retention}")`);
  });

  test.each(['7d', '4w', '3m', '10d'])('accepts the retention %p', (retention) => {
    expect(() => new PostgresCluster(testChart(), 'db', { ...base, backup: { ...backup, retention } })).not.toThrow();
  });

  test('reports every bad property at once', () => {
    let error: unknown;
    try {
      new PostgresCluster(testChart(), 'db', { ...base, instances: 0, storageSize: 'big', backup: { ...backup, destinationPath: 'gs://b', retention: 'forever' } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PropertyErrors);
    expect((error as PropertyErrors).errors.map((e) => e.property)).toEqual(['instances', 'storageSize', 'backup.destinationPath', 'backup.retention']);
  });

  test('accepts a pooler of one instance', () => {
    const chart = testChart();
    new PostgresCluster(chart, 'db', { ...base, pooler: { instances: 1 } });
    expect(find(synth(chart), 'Pooler', 'db-pooler-rw').spec.instances).toBe(1);
  });

  test('fails on pooler instances that are not whole', () => {
    expect(() => new PostgresCluster(testChart(), 'db', { ...base, pooler: { instances: 1.5 } }))
      .toThrow('test/db/Pooler: instances must be a whole number of at least 1 (got 1.5); set pooler instances to 1 or more');
  });
});

describe('checkCnpgCron', () => {
  test.each([
    '0 0 2 * * *', '*/30 * * * * ?', '0 15 1-3 1,15 JAN-MAR MON-FRI', '@daily', '@yearly', '@annually', '@monthly', '@weekly', '@midnight', '@hourly',
    '59 59 23 31 12 6', '0 0 0 1 1 0', '  0 0 2 * * *  ', '0  0\t2 * * *', '0 0 5-5 * * *', '0 0 1/2 * * *', '0 0 2 ? dec sun', '0 0 2 * FEB SAT',
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
