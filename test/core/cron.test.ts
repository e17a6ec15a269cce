import { isFiveFieldCron, longestCronGapSeconds } from '../../lib/core/cron';

describe('longestCronGapSeconds', () => {
  test.each([
    ['0 0 2 * * *', 86400, 'daily at 02:00'],
    ['0 30 * * * *', 3600, 'hourly'],
    ['0 */5 * * * *', 300, 'every five minutes'],
    ['0 0 2 * * 1-5', 3 * 86400, 'weekdays: Friday to Monday'],
    ['0 0 3 1 * *', 31 * 86400, 'monthly: the longest month'],
    ['0 0 1,13 * * *', 12 * 3600, 'twice a day, evenly'],
    ['0 0 1,5 * * *', 20 * 3600, 'twice a day, unevenly: the longer gap'],
  ])('%s is at most %i s late by schedule (%s)', (schedule, seconds) => {
    expect(longestCronGapSeconds(schedule)).toBe(seconds);
  });

  test('answers a schedule that runs every second from its first 2,000 runs, not from the 34 million of its horizon', () => {
    expect(longestCronGapSeconds('* * * * * *')).toBe(1);
  });

  test('fails on a schedule cron cannot read', () => {
    expect(() => longestCronGapSeconds('every day')).toThrow();
  });
});

describe('isFiveFieldCron', () => {
  test.each(['0 3 * * *', '*/15 * * * *', '0 18 * * 5', '30 1 1,15 * 1-5'])('takes %s (minute hour day month weekday)', (schedule) => {
    expect(isFiveFieldCron(schedule)).toBe(true);
  });

  test.each(['0 0 3 * * *', '0 3 * *', '@daily', '0 25 * * *', 'every day'])('refuses %s', (schedule) => {
    expect(isFiveFieldCron(schedule)).toBe(false);
  });
});
