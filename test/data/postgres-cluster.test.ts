import { Connections, EafApi, PostgresCluster } from '../../lib';
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
    expect(find(manifests, 'PodMonitor', 'db').spec).toEqual({ selector: { matchLabels: { 'cnpg.io/cluster': 'db' } }, podMetricsEndpoints: [{ port: 'metrics' }] });
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
    expect(manifests.filter((m) => m.kind === 'PodMonitor')).toEqual([]);
    const env = find(manifests, 'Deployment', 'api').spec.template.spec.containers[0].env;
    expect(env.find((e: any) => e.name === 'DB_HOST').value).toBe('db-pooler-rw');
    expect(Connections.of(chart).edges.map((e) => `${e.from.peerName}->${e.to.peerName}:${e.port}/${e.purpose}`))
      .toEqual(['db-pooler-rw->db:5432/pooler', 'api->db-pooler-rw:5432/database']);
    expect(api.env.DB_NAME).toBeDefined();
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
});

describe('checkCnpgCron', () => {
  test.each(['0 0 2 * * *', '*/30 * * * * ?', '0 15 1-3 1,15 JAN-MAR MON-FRI', '@daily'])('accepts %p', (cron) => {
    expect(checkCnpgCron(cron)).toBeUndefined();
  });
  test.each([
    ['* * * *', 'it has 4 fields'],
    ['0 0 2 * * 7', 'day-of-week "7" is outside 0-6'],
    ['0 0 2 * * */0', 'day-of-week has a bad step in "*/0"'],
    ['0 0 5-2 * * *', 'hours "5-2" is outside 0-23'],
  ])('rejects %p', (cron, problem) => {
    expect(checkCnpgCron(cron)).toBe(problem);
  });
});
