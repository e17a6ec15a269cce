import { deepFreeze } from '../core/freeze';
import { ContainerResources } from '../pods/pod-template';

/**
 * PostgreSQL defaults of the platform (PLATFORM.md). Frozen: override through props. This is the one place the
 * platform's PostgreSQL version is written; a product picks another with `version` (e.g. `'17.6'`).
 */
export const POSTGRES_DEFAULTS = deepFreeze({
  /** CloudNativePG's PostgreSQL operand images. */
  repository: 'ghcr.io/cloudnative-pg/postgresql',
  /** PostgreSQL 16, pinned to a release (PostgreSQL numbers releases `<major>.<minor>`). */
  version: '16.10',
  instances: 1,
  /** Instances in a critical environment (the construct context `@eaf/cdk8s:critical`): a primary and two replicas. */
  criticalInstances: 3,
  port: 5432,
  storageSize: '10Gi',
  resources: {
    requests: { cpu: '500m', memory: '1Gi' },
    limits: { cpu: '2', memory: '2Gi' },
  } satisfies ContainerResources,
  backupSchedule: '0 0 2 * * *',
  retention: '30d',
  /** The tier a single `schedule`/`retention` pair makes: ScheduledBackup `<cluster>-daily`. */
  tierName: 'daily',
  compression: 'gzip' as const,
  /** A PodMonitor scrapes the instances. */
  monitoring: true,
  /** Where a backup tier's backups go when it names no method. */
  backupMethod: 'object-store' as const,
});
