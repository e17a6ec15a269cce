import { CronExpression, CronExpressionParser, CronFieldCollection } from 'cron-parser';

const DAY_SECONDS = 86400;
/** A year and a month: a monthly or yearly schedule shows its longest gap inside it. */
const HORIZON_DAYS = 400;
/** The fixed date the schedule is looked at from, in UTC, so that the answer is deterministic. */
const START = Date.UTC(2025, 0, 1);

/** Answers by expression: a synth asks the same few schedules once per environment and per rule that reads them. */
const gaps = new Map<string, number>();

/**
 * The longest time between two consecutive runs of a cron schedule (6 fields, seconds first, as CloudNativePG reads
 * it), in seconds, looked at from a fixed date in UTC so that the answer is deterministic: how late the newest backup
 * may be by schedule alone.
 *
 * In UTC every day that runs at all runs at the same times of day, so the answer is the longest gap between two of
 * those times, or from the last of one running day to the first of the next. cron-parser reads the expression and
 * says which days run (its rules for day-of-month against day-of-week, `L` and `#`); the runs themselves are never
 * enumerated, so a schedule that runs every second costs what a daily one does.
 */
export function longestCronGapSeconds(expression: string): number {
  let gap = gaps.get(expression);
  if (gap === undefined) {
    gap = computeLongestGap(expression);
    gaps.set(expression, gap);
  }
  return gap;
}

function computeLongestGap(expression: string): number {
  const { fields } = CronExpressionParser.parse(expression);
  const times = timesOfDay(fields);
  const first = times[0];
  const last = times[times.length - 1];
  let longest = 0;
  for (let i = 1; i < times.length; i++) longest = Math.max(longest, times[i] - times[i - 1]);
  const days = runningDays(fields);
  for (let i = 1; i < days.length; i++) longest = Math.max(longest, (days[i] - days[i - 1]) * DAY_SECONDS - last + first);
  return longest;
}

/** The seconds of the day a running day runs at, in order: cron-parser keeps each field's values sorted. */
function timesOfDay(fields: CronFieldCollection): number[] {
  const times: number[] = [];
  for (const hour of fields.hour.values) {
    for (const minute of fields.minute.values) {
      for (const second of fields.second.values) times.push(Number(hour) * 3600 + Number(minute) * 60 + Number(second));
    }
  }
  return times;
}

/**
 * Which days run, as day numbers from the start: those cron-parser finds from the start to the first one past the
 * horizon (at least two, so that a schedule that runs rarely still shows one gap); for a schedule that runs every day,
 * two consecutive days say all there is.
 */
function runningDays(fields: CronFieldCollection): number[] {
  if (fields.dayOfMonth.isWildcard && fields.month.isWildcard && fields.dayOfWeek.isWildcard) return [0, 1];
  const midnights = new CronExpression(CronFieldCollection.from(fields, { second: [0], minute: [0], hour: [0] }), {
    currentDate: new Date(START - 1000),
    tz: 'UTC',
  });
  const days: number[] = [];
  while (days.length < 2 || days[days.length - 1] < HORIZON_DAYS) {
    days.push(Math.round((midnights.next().getTime() - START) / (DAY_SECONDS * 1000)));
  }
  return days;
}

/**
 * Whether `schedule` is a 5-field cron (minute hour day-of-month month day-of-week), as Kubernetes CronJobs and Argo CD
 * sync windows read it.
 */
export function isFiveFieldCron(schedule: string): boolean {
  if (schedule.trim().split(/\s+/).length !== 5) return false;
  try {
    CronExpressionParser.parse(`0 ${schedule}`);
    return true;
  } catch {
    return false;
  }
}

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
/** The most days each month has (February's 29 of a leap year: a schedule on the 29th runs every fourth year). */
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Why a well-formed 6-field schedule (seconds first) never runs, or `undefined` when it runs: its day of month is one
 * that none of its months has (`0 0 2 31 2 *`, February 31st) and its day of week does not widen it. robfig/cron,
 * CloudNativePG's scheduler, accepts such a schedule and never fires it. Written by hand because cron-parser only
 * throws a generic error on it, which would not tell this case from a malformed expression.
 */
export function whyCronNeverRuns(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 6) return undefined;
  const [, , , dayOfMonth, month, dayOfWeek] = fields;
  // Restricted day of month and day of week: robfig/cron runs on either, and every week has each weekday.
  if (['*', '?'].includes(dayOfMonth) || !['*', '?'].includes(dayOfWeek)) return undefined;
  const days = expandCronField(dayOfMonth, 1, 31);
  const months = expandCronField(month, 1, 12, MONTH_NAMES);
  if (months.some((m) => days.some((d) => d <= MONTH_DAYS[m - 1]))) return undefined;
  const named = months.map((m) => MONTH_NAMES[m - 1]).join(', ');
  return `no month it names (${named}) has day ${days.join(', ')}`;
}

/** {@link whyCronNeverRuns} for a 5-field schedule (minutes first), as Kubernetes CronJobs take it. */
export function whyFiveFieldCronNeverRuns(schedule: string): string | undefined {
  return schedule.trim().split(/\s+/).length === 5 ? whyCronNeverRuns(`0 ${schedule}`) : undefined;
}

/** The values of one well-formed cron field: lists of `*`, values, ranges and steps. */
function expandCronField(field: string, min: number, max: number, names: readonly string[] = []): number[] {
  const value = (text: string) => (names.includes(text.toUpperCase()) ? names.indexOf(text.toUpperCase()) + min : Number(text));
  const values = new Set<number>();
  for (const part of field.split(',')) {
    const [range, step] = part.split('/');
    const [low, high] = range === '*' || range === '?' ? [min, max] : range.split('-').map(value);
    const last = high ?? (step === undefined ? low : max);
    for (let v = low; v <= last; v += Number(step ?? 1)) values.add(v);
  }
  return [...values].sort((a, b) => a - b);
}
