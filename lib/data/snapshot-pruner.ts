import { ApiObject, Cron, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Connections, ExternalEndpoint, IPeer } from '../core/connections';
import { PropertyProblems } from '../core/errors';
import { deepFreeze } from '../core/freeze';
import { IMAGE_REFERENCE } from '../core/formats';
import { ContainerResources } from '../pods/pod-template';
import { restrictedShellJob } from '../pods/shell-job';

/** Defaults of {@link SnapshotBackupPruner}. */
export const SNAPSHOT_PRUNER_DEFAULTS = deepFreeze({
  /**
   * The platform registry's mirror of OpenShift's `ose-cli`, pinned to a z-stream release (RHEL: `/bin/sh`, `kubectl`,
   * GNU `date`, `awk`; runs as any UID) so that it passes the gate's image-tag-pinned rule in a critical environment:
   * a `4.18` tag moves with every z-stream. Any image with those four works.
   */
  image: 'registry.eaf.example.com/platform/ose-cli:4.18.30',
  /** Daily at 04:30, after the night's backups. */
  schedule: { minute: '30', hour: '4' },
  /** A retention's units in days: a month counts 31, so a backup is never deleted early. */
  days: { d: 1, w: 7, m: 31 } as Record<string, number>,
  resources: {
    requests: { cpu: '10m', memory: '64Mi', ephemeralStorage: '16Mi' },
    limits: { cpu: '200m', memory: '128Mi', ephemeralStorage: '64Mi' },
  } satisfies ContainerResources,
  /** The label CloudNativePG puts on every Backup a ScheduledBackup creates. */
  scheduledBackupLabel: 'cnpg.io/scheduled-backup',
});

/** One volume-snapshot tier to prune: its ScheduledBackup and how long its backups are kept. */
export interface PrunedTier {
  /** The ScheduledBackup whose Backups are pruned. */
  readonly scheduledBackup: string;
  /** `<n>d`, `<n>w` or `<n>m`. */
  readonly retention: string;
}

/** Props of {@link SnapshotBackupPruner}. */
export interface SnapshotBackupPrunerProps {
  /** Name of the CronJob, its ServiceAccount and Role. */
  readonly name: string;
  /** The tiers to prune. */
  readonly tiers: readonly PrunedTier[];
  /** The Kubernetes API server the job calls. */
  readonly apiServer: ExternalEndpoint;
  /** An image with `/bin/sh`, `kubectl`, GNU `date` and `awk`. @default SNAPSHOT_PRUNER_DEFAULTS.image */
  readonly image?: string;
}

/**
 * Enforces the retention of volume-snapshot backups, which CloudNativePG does not (its docs: volume snapshots "do not
 * support retention policies"). Daily, a restricted CronJob deletes each tier's `Backup` objects older than the
 * tier's retention, never the newest one; CloudNativePG then deletes their VolumeSnapshots
 * (`snapshotOwnerReference: backup`). Its ServiceAccount may only list and delete Backups in the namespace.
 */
export class SnapshotBackupPruner extends Construct implements IPeer {
  public readonly peerName: string;
  public readonly podSelector: Record<string, string>;
  /** The CronJob. */
  public readonly cronJob: ApiObject;
  /** The script: its arguments are `<scheduled backup>=<days kept>`. */
  public readonly script: string;
  /** Its arguments, one per tier. */
  public readonly targets: readonly string[];

  constructor(scope: Construct, id: string, props: SnapshotBackupPrunerProps) {
    super(scope, id);
    const image = props.image ?? SNAPSHOT_PRUNER_DEFAULTS.image;
    const problems = new PropertyProblems(this);
    if (!IMAGE_REFERENCE.test(image)) problems.add('image', 'is not an image reference with a tag or digest', image, IMAGE_REFERENCE.fix);
    props.tiers.forEach((tier, i) => {
      if (retentionDays(tier.retention) === undefined)
        problems.add(`tiers[${i}].retention`, 'is not a retention', tier.retention, "use <number><d|w|m>, e.g. '12m'");
    });
    problems.throwIfAny();
    this.peerName = props.name;
    this.podSelector = { 'app.kubernetes.io/name': props.name };
    this.targets = props.tiers.map((t) => `${t.scheduledBackup}=${retentionDays(t.retention)}`);
    // One line; per tier: the cut-off date, the tier's Backups oldest first, all but the newest older than the cut-off.
    const label = SNAPSHOT_PRUNER_DEFAULTS.scheduledBackupLabel;
    this.script = [
      'set -eu',
      'for tier in "$@"; do name=${tier%%=*}; days=${tier#*=}',
      'cutoff=$(date -u -d "@$(( $(date +%s) - days * 86400 ))" +%Y-%m-%dT%H:%M:%SZ)',
      `echo "prune: $name: backups created before $cutoff (kept $days days)"`,
      `kubectl get backups.postgresql.cnpg.io -l "${label}=$name" --sort-by=.metadata.creationTimestamp` +
        ` -o jsonpath='{range .items[*]}{.metadata.name} {.metadata.creationTimestamp}{"\\n"}{end}'` +
        ' | awk -v cutoff="$cutoff" \'{ n[NR] = $1; t[NR] = $2 } END { for (i = 1; i < NR; i++) if (t[i] < cutoff) print n[i] }\'' +
        ' | while read -r old; do kubectl delete backups.postgresql.cnpg.io "$old" --wait=false; done',
      'done',
    ].join('; ');

    const account = new kplus.ServiceAccount(this, 'ServiceAccount', { metadata: { name: props.name }, automountToken: false });
    const role = new kplus.Role(this, 'Role', { metadata: { name: props.name } });
    role.allow(['get', 'list', 'delete'], kplus.ApiResource.custom({ apiGroup: 'postgresql.cnpg.io', resourceType: 'backups' }));
    new kplus.RoleBinding(this, 'RoleBinding', { metadata: { name: props.name }, role }).addSubjects(account);

    this.cronJob = restrictedShellJob(this, 'Resource', {
      metadata: { name: props.name },
      schedule: {
        cron: Cron.schedule(SNAPSHOT_PRUNER_DEFAULTS.schedule),
        startingDeadline: Duration.hours(1),
        successfulJobsRetained: 1,
        failedJobsRetained: 3,
      },
      backoffLimit: 2,
      activeDeadline: Duration.minutes(10),
      podLabels: this.podSelector,
      // The only pod of the product with a token: it talks to the API server, for Backups only (the Role).
      serviceAccount: account,
      shell: { name: 'prune', image, script: this.script, args: this.targets },
      resources: SNAPSHOT_PRUNER_DEFAULTS.resources,
    }).apiObject;
    Connections.of(this).addExternal({ from: this, name: 'kubernetes-api', endpoint: props.apiServer, purpose: 'pruning backups' });
  }
}

/** Days of a retention `<n>d`, `<n>w` or `<n>m` (a month counted as 31 days); undefined when it is not one. */
export function retentionDays(retention: string): number | undefined {
  const match = /^([1-9][0-9]*)([dwm])$/.exec(retention);
  return match === null ? undefined : Number(match[1]) * SNAPSHOT_PRUNER_DEFAULTS.days[match[2]];
}
