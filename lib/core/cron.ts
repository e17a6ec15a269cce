import { CronExpressionParser } from 'cron-parser';

/** Runs looked at: enough for a year of daily runs, a quick answer for frequent ones. */
const MAX_RUNS = 2000;
/** A year and a month: a monthly or yearly schedule shows its longest gap inside it. */
const HORIZON_SECONDS = 400 * 86400;

/**
 * The longest time between two consecutive runs of a cron schedule (6 fields, seconds first, as CloudNativePG reads
 * it), in seconds, looked at from a fixed date in UTC so that the answer is deterministic: how late the newest backup
 * may be by schedule alone.
 */
export function longestCronGapSeconds(expression: string): number {
  const start = Date.UTC(2025, 0, 1);
  const runs = CronExpressionParser.parse(expression, { currentDate: new Date(start), tz: 'UTC' });
  let previous = runs.next().getTime();
  let longest = 0;
  for (let i = 0; i < MAX_RUNS && previous - start < HORIZON_SECONDS * 1000; i++) {
    const next = runs.next().getTime();
    longest = Math.max(longest, next - previous);
    previous = next;
  }
  return longest / 1000;
}

/**
 * Whether `schedule` is a 5-field cron (minute hour day-of-month month day-of-week), as Kubernetes CronJobs and Argo CD
 * sync windows read it.
 */
export function isFiveFieldCron(schedule: string): boolean {
  if (schedule.trim().split(/\s+/).length !== 5) return false;
  try {
    longestCronGapSeconds(`0 ${schedule}`);
    return true;
  } catch {
    return false;
  }
}
