import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { main } from '../../synth';

const ENVIRONMENTS = path.join(__dirname, '..', '..', 'environments');
const STAGING_RELEASE = 'release:\n  strategy: blue-green\n  activeColor: green\n  idleReplicas: 1\n';

/** A copy of DVMM's environments whose staging file releases with `release` (components on `tag`), and its synth. */
export function synthStaging(release: string, tmp?: string): { code: number; lines: string[]; dist: string; objects: any[] } {
  return synthStagingVariant((text) => {
    if (!text.includes(STAGING_RELEASE)) throw new Error('environments/staging.yaml no longer has the release section this test replaces');
    return text.replace(STAGING_RELEASE, release).replace(/tags: \{ blue: [^,]+, green: ([^ ]+) \}/g, 'tag: $1');
  }, tmp);
}

/**
 * Staging's database restored from production's archive at a moment (the platform's monthly restore test), with
 * read-only keys by reference.
 */
export const RESTORED_STAGING_DATABASE =
  '    recovery: { environment: production, credentialsSecret: dvmm-backup-s3-readonly, targetTime: "2026-11-01T02:00:00Z" }\n';

/** Two backup tiers with different retentions: nightly into the object store for 14 days, monthly snapshots for a year. */
export const TIERED_STAGING_BACKUP = [
  '      volumeSnapshotClass: csi-snapclass',
  '      tiers:',
  '        - { name: nightly, schedule: "0 0 1 * * *", retention: 14d }',
  '        - { name: monthly, schedule: "0 0 3 1 * *", retention: 12m, method: volume-snapshot }',
  '',
].join('\n');

/**
 * A copy of DVMM's environments with staging's database restored from production ({@link RESTORED_STAGING_DATABASE})
 * and backed up in two tiers ({@link TIERED_STAGING_BACKUP}), and its synth.
 */
export function synthRestoredStaging(
  tmp?: string,
  recovery = RESTORED_STAGING_DATABASE,
): { code: number; lines: string[]; dist: string; objects: any[] } {
  const database = '    storageSize: 20Gi\n';
  const backup = '      credentialsSecret: dvmm-backup-s3\n';
  return synthStagingVariant((text) => {
    if (text.split(database).length !== 2 || text.split(backup).length !== 2)
      throw new Error('environments/staging.yaml no longer has the database section this test extends');
    return text.replace(database, database + recovery).replace(backup, backup + TIERED_STAGING_BACKUP);
  }, tmp);
}

/** Staging's database as a disaster-recovery replica that follows production's archive. */
export const FOLLOWING_STAGING_DATABASE = '    recovery: { environment: production, credentialsSecret: dvmm-backup-s3-readonly, follow: true }\n';

/** A copy of DVMM's environments with staging's file edited, and its synth. */
export function synthStagingVariant(
  edit: (staging: string) => string,
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dvmm-variant-')),
): { code: number; lines: string[]; dist: string; objects: any[] } {
  const environments = path.join(tmp, 'environments');
  fs.cpSync(ENVIRONMENTS, environments, { recursive: true });
  const file = path.join(environments, 'staging.yaml');
  fs.writeFileSync(file, edit(fs.readFileSync(file, 'utf8')));
  const lines: string[] = [];
  const dist = path.join(tmp, 'dist');
  const code = main({ environmentsDir: environments, outdir: dist, log: (line) => lines.push(line), strict: false });
  const manifest = path.join(dist, 'staging', 'dvmm.k8s.yaml');
  const objects = code === 0 ? parseAllDocuments(fs.readFileSync(manifest, 'utf8')).map((d) => d.toJS()) : [];
  return { code, lines, dist, objects };
}
