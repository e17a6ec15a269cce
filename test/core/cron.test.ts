import { CronExpressionParser } from 'cron-parser';
import * as fc from 'fast-check';
import { isFiveFieldCron, longestCronGapSeconds, whyCronNeverRuns } from '../../lib/core/cron';

/**
 * The definition, run for run: every run from 2025-01-01 (UTC) until one past `horizonDays`, through cron-parser.
 * Slow (a daily schedule takes hundreds of runs), so only the property below uses it.
 */
function longestGapByRuns(expression: string, horizonDays: number): number {
  const start = Date.UTC(2025, 0, 1);
  const runs = CronExpressionParser.parse(expression, { currentDate: new Date(start - 1000), tz: 'UTC' });
  let previous = runs.next().getTime();
  let longest = 0;
  while (previous - start < horizonDays * 86400_000) {
    const next = runs.next().getTime();
    longest = Math.max(longest, next - previous);
    previous = next;
  }
  return longest / 1000;
}

describe('longestCronGapSeconds', () => {
  test.each([
    ['0 0 2 * * *', 86400, 'daily at 02:00'],
    ['0 30 * * * *', 3600, 'hourly'],
    ['0 */5 * * * *', 300, 'every five minutes'],
    ['0 0 2 * * 1-5', 3 * 86400, 'weekdays: Friday to Monday'],
    ['0 0 3 1 * *', 31 * 86400, 'monthly: the longest month'],
    ['0 0 1,13 * * *', 12 * 3600, 'twice a day, evenly'],
    ['0 0 1,5 * * *', 20 * 3600, 'twice a day, unevenly: the longer gap'],
    ['0 0 0,23 * * *', 23 * 3600, 'twice a day, the longer gap within the day'],
    ['0 0 1,2,12 * * *', 13 * 3600, 'three times a day: from 12:00 to 01:00'],
    ['0,30 * * * * *', 30, 'twice a minute'],
  ])('%s is at most %i s late by schedule (%s)', (schedule, seconds) => {
    expect(longestCronGapSeconds(schedule)).toBe(seconds);
  });

  test('answers a schedule that runs every second without going through its 34 million runs', () => {
    expect(longestCronGapSeconds('* * * * * *')).toBe(1);
  });

  test('finds the night between the bursts of a schedule that runs often within one hour a day', () => {
    // every 10 s from 02:00:00 to 02:59:50, then nothing until 02:00:00 the next day
    expect(longestCronGapSeconds('*/10 * 2 * * *')).toBe(86400 - 3590);
    // every second from 02:00:00 to 02:59:59: more runs in a day than a run-by-run look goes through
    expect(longestCronGapSeconds('* * 2 * * *')).toBe(86400 - 3599);
  });

  test.each([
    ['0 0 0 1 1 *', 365 * 86400, 'yearly on 1 January'],
    ['0 0 0 29 2 *', 1461 * 86400, 'on 29 February: from leap year to leap year'],
    ['0 0 4 L * *', 31 * 86400, 'on the last day of the month'],
    ['0 0 4 * * 1#1', 35 * 86400, 'on the first Monday of the month'],
    ['0 0 4 1 * 1', 7 * 86400, 'on the 1st or on Mondays (cron runs on either)'],
  ])('reads the days of %s as cron-parser does: %i s (%s)', (schedule, seconds) => {
    expect(longestCronGapSeconds(schedule)).toBe(seconds);
  });

  // 30 schedules here (under 1 s); FUZZ_RUNS=2000 npx vitest run test/core/cron for a long run
  test('agrees with going through every run, for schedules of every shape', () => {
    const list = (max: number, min = 0) => fc.uniqueArray(fc.integer({ min, max }), { minLength: 1, maxLength: 3 }).map((v) => v.join(','));
    const field = (max: number, min = 0) =>
      fc.oneof(
        fc.constant('*'),
        list(max, min),
        fc.tuple(fc.integer({ min, max }), fc.integer({ min: 2, max: 12 })).map(([from, step]) => `${from}/${step}`),
        fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
      );
    // a schedule that runs on every day repeats daily, one with a free day of the month and month weekly
    const horizonDays = (e: string) => {
      const [, , , dom, month, dow] = e.split(' ');
      return dom === '*' && month === '*' ? (dow === '*' ? 2 : 8) : 400;
    };
    const expression = fc
      .tuple(list(59), list(59), field(23), field(31, 1), field(12, 1), field(6))
      .map((parts) => parts.join(' '))
      // day fields that never meet (31 February) are refused by cron-parser: nothing to compare; and the reference
      // goes through every run, so keep to schedules of at most 2,000 runs in their horizon
      .filter((e) => {
        try {
          const { fields } = CronExpressionParser.parse(e, { tz: 'UTC' });
          return fields.second.values.length * fields.minute.values.length * fields.hour.values.length * horizonDays(e) <= 2000;
        } catch {
          return false;
        }
      });
    fc.assert(
      fc.property(expression, (e) => {
        expect(longestCronGapSeconds(e)).toBe(longestGapByRuns(e, horizonDays(e)));
      }),
      { seed: Number(process.env.FUZZ_SEED ?? 20261123), numRuns: Number(process.env.FUZZ_RUNS ?? 30) },
    );
  });

  test('fails on a schedule cron cannot read', () => {
    expect(() => longestCronGapSeconds('every day')).toThrow();
  });
});

describe('isFiveFieldCron', () => {
  test.each(['0 3 * * *', '*/15 * * * *', '0 18 * * 5', '30 1 1,15 * 1-5', ' 0 3 * * * ', '0  3 * * *'])(
    'takes %s (minute hour day month weekday)',
    (schedule) => {
      expect(isFiveFieldCron(schedule)).toBe(true);
    },
  );

  test.each(['0 0 3 * * *', '0 3 * *', '@daily', '0 25 * * *', 'every day'])('refuses %s', (schedule) => {
    expect(isFiveFieldCron(schedule)).toBe(false);
  });
});

describe('whyCronNeverRuns', () => {
  test.each([
    ['0 0 2 31 2 *', 'no month it names (FEB) has day 31'],
    ['0 0 2 30,31 FEB *', 'no month it names (FEB) has day 30, 31'],
    ['0 0 3 31 4-6/2 ?', 'no month it names (APR, JUN) has day 31'],
  ])('%s: %s', (expression, reason) => {
    expect(whyCronNeverRuns(expression)).toBe(reason);
  });

  test.each(['0 0 2 * * *', '0 0 2 29 2 *', '0 0 2 31 2 MON', '0 0 2 31 1-2 *', '0 0 2 */10 2 *', '0 0 3 31 */3 *', '@monthly', '0 2 31 2 *'])(
    '%s runs (or is not a 6-field schedule this answers for)',
    (expression) => {
      expect(whyCronNeverRuns(expression)).toBeUndefined();
    },
  );

  test('agrees with cron-parser, which refuses exactly the schedules that never run', () => {
    const days = fc.uniqueArray(fc.integer({ min: 1, max: 31 }), { minLength: 1, maxLength: 3 });
    const months = fc.uniqueArray(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 3 });
    fc.assert(
      fc.property(days, months, (d, m) => {
        const expression = `0 0 2 ${d.join(',')} ${m.join(',')} *`;
        let parses = true;
        try {
          CronExpressionParser.parse(expression);
        } catch {
          parses = false;
        }
        expect(whyCronNeverRuns(expression) === undefined).toBe(parses);
      }),
      { numRuns: 500 },
    );
  });
});
