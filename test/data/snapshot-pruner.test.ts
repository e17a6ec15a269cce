import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PropertyErrors, retentionDays, SnapshotBackupPruner } from '../../lib';
import { imageTagProblem } from '../../lib/core/formats';
import { find, synth, testChart } from '../util';

const apiServer = { cidrs: ['192.0.2.0/28'], ports: [6443] };

describe('SnapshotBackupPruner', () => {
  test('runs restricted with the only token of the product, bound to a Role that may touch Backups only', () => {
    const chart = testChart();
    new SnapshotBackupPruner(chart, 'pruner', {
      name: 'db-prune-snapshots',
      tiers: [{ scheduledBackup: 'db-monthly', retention: '12m' }],
      apiServer,
    });
    const manifests = synth(chart);
    expect(find(manifests, 'ServiceAccount', 'db-prune-snapshots').automountServiceAccountToken).toBe(false);
    const cron = find(manifests, 'CronJob', 'db-prune-snapshots');
    expect(cron.spec.schedule).toBe('30 4 * * *');
    expect(cron.spec).toMatchObject({
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 3600,
      successfulJobsHistoryLimit: 1,
      failedJobsHistoryLimit: 3,
    });
    expect(cron.spec.jobTemplate.spec).toMatchObject({ backoffLimit: 2, activeDeadlineSeconds: 600 });
    const pod = cron.spec.jobTemplate.spec.template;
    expect(pod.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'db-prune-snapshots' });
    expect(pod.spec).toMatchObject({
      serviceAccountName: 'db-prune-snapshots',
      automountServiceAccountToken: true,
      restartPolicy: 'Never',
      securityContext: { runAsNonRoot: true },
    });
    const [container] = pod.spec.containers;
    expect(container).toMatchObject({
      name: 'prune',
      image: 'registry.eaf.example.com/platform/ose-cli:4.18.30',
      imagePullPolicy: 'Always',
      args: ['db-monthly=372'],
    });
    expect(container.command.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(container.command[3]).toBe('prune');
  });

  test("its default image passes the gate's image-tag-pinned rule in a critical environment", () => {
    // GIVEN the pruner with its defaults
    const chart = testChart();
    new SnapshotBackupPruner(chart, 'pruner', { name: 'p', tiers: [{ scheduledBackup: 'db-weekly', retention: '8w' }], apiServer });
    // WHEN its tag is judged as the gate judges a critical environment's images
    const image: string = find(synth(chart), 'CronJob', 'p').spec.jobTemplate.spec.template.spec.containers[0].image;
    // THEN it is a released version, not a moving tag
    expect(imageTagProblem(image.slice(image.lastIndexOf(':') + 1), { critical: true })).toBeUndefined();
  });

  test('takes another image', () => {
    const chart = testChart();
    new SnapshotBackupPruner(chart, 'pruner', {
      name: 'p',
      tiers: [{ scheduledBackup: 'db-weekly', retention: '8w' }],
      apiServer,
      image: 'registry.example.com/tools/kubectl:1.28.15',
    });
    const container = find(synth(chart), 'CronJob', 'p').spec.jobTemplate.spec.template.spec.containers[0];
    expect([container.image, container.args]).toEqual(['registry.example.com/tools/kubectl:1.28.15', ['db-weekly=56']]);
  });

  test('fails on an image without tag and on a retention it cannot count, each at its field', () => {
    let error: unknown;
    try {
      new SnapshotBackupPruner(testChart(), 'pruner', { name: 'p', tiers: [{ scheduledBackup: 'a', retention: '1y' }], apiServer, image: 'kubectl' });
    } catch (e) {
      error = e;
    }
    expect((error as PropertyErrors).errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/^test\/pruner: image is not an image reference with a tag or digest \(got "kubectl"\); /),
      'test/pruner: tiers[0].retention is not a retention (got "1y"); use <number><d|w|m>, e.g. \'12m\'',
    ]);
  });

  test.each([
    ['14d', 14],
    ['2w', 14],
    ['12m', 372],
    ['1d', 1],
    ['30', undefined],
    ['0d', undefined],
    ['3y', undefined],
  ])('counts the retention %p as %p days', (retention, days) => {
    expect(retentionDays(retention)).toBe(days);
  });

  describe('its script, run by /bin/sh against a stand-in kubectl', () => {
    /** Runs the pruner's script with `kubectl` answering `backups` per label and recording deletions. */
    function prune(
      targets: string[],
      backups: Record<string, Array<[string, string]>>,
    ): { code: number; deleted: string[]; stdout: string; stderr: string } {
      const chart = testChart();
      const pruner = new SnapshotBackupPruner(chart, 'pruner', { name: 'p', tiers: [{ scheduledBackup: 'x', retention: '1d' }], apiServer });
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pruner-'));
      try {
        fs.writeFileSync(path.join(dir, 'backups.json'), JSON.stringify(backups));
        // `kubectl get ... -l "cnpg.io/scheduled-backup=<tier>" --sort-by=... -o jsonpath=...` prints "<name> <created>" lines
        // oldest first; `kubectl delete backups.postgresql.cnpg.io <name> --wait=false` appends the name to deleted.
        fs.writeFileSync(
          path.join(dir, 'kubectl'),
          [
            '#!/bin/sh',
            'case "$1" in',
            `  get) label=$(printf '%s\\n' "$@" | sed -n 's/^cnpg.io\\/scheduled-backup=//p'); node -e 'const b = require(process.argv[1])[process.argv[2]] ?? []; for (const [n, t] of [...b].sort((x, y) => x[1].localeCompare(y[1]))) console.log(n + " " + t)' "${dir}/backups.json" "$label" ;;`,
            `  delete) [ "$2" = backups.postgresql.cnpg.io ] && [ "$4" = --wait=false ] && echo "$3" >> "${dir}/deleted" ;;`,
            '  *) exit 2 ;;',
            'esac',
          ].join('\n'),
          { mode: 0o755 },
        );
        const run = spawnSync('/bin/sh', ['-c', pruner.script, 'prune', ...targets], {
          encoding: 'utf8',
          env: { ...process.env, PATH: `${dir}:${process.env.PATH}` },
        });
        const deleted = fs.existsSync(path.join(dir, 'deleted')) ? fs.readFileSync(path.join(dir, 'deleted'), 'utf8').trim().split('\n') : [];
        return { code: run.status ?? -1, deleted, stdout: run.stdout, stderr: run.stderr };
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
    const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');

    test("deletes each tier's Backups older than its retention, and no other tier's", () => {
      const result = prune(['db-monthly=372', 'db-weekly=56'], {
        'db-monthly': [
          ['m-400', daysAgo(400)],
          ['m-380', daysAgo(380)],
          ['m-360', daysAgo(360)],
          ['m-1', daysAgo(1)],
        ],
        'db-weekly': [
          ['w-60', daysAgo(60)],
          ['w-50', daysAgo(50)],
          ['w-2', daysAgo(2)],
        ],
        'db-nightly': [['n-900', daysAgo(900)]],
      });
      expect(result.code).toBe(0);
      expect(result.deleted).toEqual(['m-400', 'm-380', 'w-60']);
      expect(result.stdout).toMatch(/^prune: db-monthly: backups created before \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(kept 372 days\)$/m);
    });

    test('never deletes the newest Backup, however old it is, and does nothing for an empty tier', () => {
      const result = prune(['db-monthly=372', 'db-empty=7'], {
        'db-monthly': [
          ['m-800', daysAgo(800)],
          ['m-500', daysAgo(500)],
        ],
      });
      expect([result.code, result.deleted]).toEqual([0, ['m-800']]);
    });
  });
});
