import { deepFreeze } from '../core/freeze';
import { DURATION_PATTERN, seconds } from '../observability/promql';

/**
 * Recovery objectives of a database and what follows from them. The one place the platform's objectives are
 * written (PLATFORM.md, Disaster recovery: RPO under 1 hour, RTO under 4 hours for DVMM).
 */
export const RECOVERY_DEFAULTS = deepFreeze({
  /** The recovery point objective of a database that names none. */
  rpo: '1h',
  /** The most a critical environment may declare: the platform's objectives. */
  maxCriticalRpo: '1h',
  maxCriticalRto: '4h',
  /**
   * The longest `archive_timeout` the library derives (CloudNativePG's own default): a busier RPO gets a shorter one,
   * a lax RPO still gets this, so an idle database ships its WAL within minutes.
   */
  maxArchiveTimeoutSeconds: 300,
  /** Below this an RPO needs synchronous replication to another site, not WAL archiving. */
  minRpoSeconds: 60,
});

/**
 * The `archive_timeout` that meets an RPO, in seconds. A committed transaction is lost in a disaster until its WAL
 * segment is in the object store. A segment that is not full waits up to `archive_timeout` for PostgreSQL to switch
 * it, then the archiver uploads it (seconds, more on a retry). So the worst loss is about `archive_timeout` plus the
 * upload: the timeout gets at most half the RPO, the other half is left for the upload and a retry, and it is capped
 * at {@link RECOVERY_DEFAULTS.maxArchiveTimeoutSeconds}.
 */
export function archiveTimeoutForRpo(rpoSeconds: number): number {
  return Math.min(RECOVERY_DEFAULTS.maxArchiveTimeoutSeconds, Math.floor(rpoSeconds / 2));
}

/** The largest `archive_timeout` that still meets an RPO (see {@link archiveTimeoutForRpo}). */
export function maxArchiveTimeoutForRpo(rpoSeconds: number): number {
  return Math.floor(rpoSeconds / 2);
}

/** A PostgreSQL duration (`archive_timeout`): whole minutes as `<n>min`, else seconds. */
export function postgresDuration(totalSeconds: number): string {
  return totalSeconds % 60 === 0 ? `${totalSeconds / 60}min` : `${totalSeconds}s`;
}

/** A PostgreSQL duration of seconds, minutes or hours (`30s`, `5min`, `1h`) in seconds; NaN for anything else. */
export function postgresDurationSeconds(text: string): number {
  const match = /^([1-9][0-9]*)(s|min|h)$/.exec(text);
  return match === null ? NaN : Number(match[1]) * { s: 1, min: 60, h: 3600 }[match[2] as 's' | 'min' | 'h'];
}

/** Seconds of an objective written as a duration (`15m`, `1h`, `4h`); NaN when it is not one. */
export function objectiveSeconds(text: string): number {
  return new RegExp(DURATION_PATTERN).test(text) ? seconds(text) : NaN;
}
