import { FOLLOWING_STAGING_DATABASE, RESTORED_STAGING_DATABASE, synthRestoredStaging, synthStagingVariant } from './engine-variant';

describe('DVMM staging restored from production (the monthly restore test), backed up in two tiers', () => {
  const { code, lines, objects } = synthRestoredStaging();
  const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);

  test("passes the gate, and staging bootstraps from production's archive at the target time", () => {
    expect({ code, lines: lines.filter((l) => l.startsWith('error')) }).toEqual({ code: 0, lines: [] });
    expect(find('Cluster', 'dvmm-db').spec.bootstrap).toEqual({
      recovery: {
        source: 'recovery-source',
        database: 'dvmm',
        owner: 'dvmm',
        secret: { name: 'dvmm-db-credentials' },
        recoveryTarget: { targetTime: '2026-11-01T02:00:00Z' },
      },
    });
    expect(find('Cluster', 'dvmm-db').spec.externalClusters).toEqual([
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
  });

  test("reads production's path with read-only keys by reference, and writes its own archive to staging's path", () => {
    expect(find('ObjectStore', 'dvmm-db-recovery-source').spec).toEqual({
      configuration: {
        destinationPath: 's3://eaf-backups/dvmm/production',
        endpointURL: 'https://s3.eaf.example.com',
        s3Credentials: {
          accessKeyId: { name: 'dvmm-backup-s3-readonly', key: 'ACCESS_KEY_ID' },
          secretAccessKey: { name: 'dvmm-backup-s3-readonly', key: 'ACCESS_SECRET_KEY' },
        },
      },
    });
    expect(find('ObjectStore', 'dvmm-db-backup').spec.configuration.destinationPath).toBe('s3://eaf-backups/dvmm/staging');
  });

  test('two backup tiers with different retentions render and pass the gate: nightly in the object store, monthly snapshots', () => {
    expect(find('ObjectStore', 'dvmm-db-backup').spec.retentionPolicy).toBe('14d');
    expect(find('ScheduledBackup', 'dvmm-db-nightly').spec).toMatchObject({ schedule: '0 0 1 * * *', method: 'plugin' });
    expect(find('ScheduledBackup', 'dvmm-db-monthly').spec).toMatchObject({ schedule: '0 0 3 1 * *', method: 'volumeSnapshot' });
    expect(find('CronJob', 'dvmm-db-prune-snapshots').spec.jobTemplate.spec.template.spec.containers[0].args).toEqual(['dvmm-db-monthly=372']);
    expect(
      objects
        .filter((o) => o.kind === 'ScheduledBackup')
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(['dvmm-db-monthly', 'dvmm-db-nightly']);
  });

  test('fails, naming file, field and fix, when staging would restore into its own live archive', () => {
    const own = synthStagingVariant((text) =>
      text.replace(
        '    storageSize: 20Gi\n',
        `    storageSize: 20Gi\n${RESTORED_STAGING_DATABASE.replace('environment: production', 'environment: staging')}`,
      ),
    );
    expect(own.code).toBe(1);
    expect(own.lines.filter((l) => l.includes('recovery') || l.includes('serverName'))).toEqual([
      expect.stringMatching(
        /staging\.yaml: databases\.db\.backup\.serverName: is the recovery source's own live path: the restored cluster would archive into the archive it restores from \(got "dvmm-db"\); give the restored cluster a new folder, e\.g\. backup\.serverName: dvmm-db-r1 \(or another destinationPath\)$/,
      ),
    ]);
  });

  test('fails on a recovery from an environment the product does not have', () => {
    const unknown = synthStagingVariant((text) =>
      text.replace(
        '    storageSize: 20Gi\n',
        `    storageSize: 20Gi\n${RESTORED_STAGING_DATABASE.replace('environment: production', 'environment: prod')}`,
      ),
    );
    expect(unknown.code).toBe(1);
    expect(unknown.lines.join('\n')).toMatch(
      /staging\.yaml: databases\.db\.recovery\.environment: names no environment of the product \(got "prod"\); use one of: dev, production, staging/,
    );
  });

  test("as a disaster-recovery replica, staging follows production's archive and passes the gate", () => {
    const replica = synthRestoredStaging(undefined, FOLLOWING_STAGING_DATABASE);
    expect(replica.code).toBe(0);
    const cluster = replica.objects.find((o) => o.kind === 'Cluster' && o.metadata.name === 'dvmm-db');
    expect(cluster.spec.replica).toEqual({ enabled: true, source: 'recovery-source' });
    expect(cluster.spec.bootstrap.recovery.recoveryTarget).toBeUndefined();
  });
});
