import { duration, matchers, num, seconds, series } from '../../lib/observability/promql';

describe('PromQL text', () => {
  test.each([
    ['30s', 30],
    ['15m', 900],
    ['1h', 3600],
    ['7d', 604800],
    ['2w', 1209600],
  ])('%s is %i seconds', (text, value) => {
    expect(seconds(text)).toBe(value);
  });

  test.each(['15', 'm', 'x15m', '15mx', '1h30m', '1.5h'])('%s is not a one-unit duration', (text) => {
    expect(() => seconds(text)).toThrow(expect.objectContaining({ message: `not a Prometheus duration: ${text}` }));
  });

  test.each([
    [3600, '1h'],
    [5400, '90m'],
    [86400, '1d'],
    [604800, '1w'],
    [1209600, '2w'],
    [45, '45s'],
    [59.2, '1m'],
    [7260, '121m'],
  ])('%d seconds are written %s', (value, text) => {
    expect(duration(value)).toBe(text);
  });

  test('selectors keep the labels in the order given, quoted as PromQL strings, then the extra matchers', () => {
    expect(series('up', { namespace: 'dvmm-dev', job: 'api "x"' }, 'outcome="SUCCESS"')).toBe(
      'up{namespace="dvmm-dev", job="api \\"x\\"", outcome="SUCCESS"}',
    );
    expect(matchers({})).toBe('');
  });

  test('numbers are printed in their shortest exact form', () => {
    expect([0.1 * 0.72, 1 / 3, 100, 2.5e-7].map(num)).toEqual(['0.072', '0.333333333333', '100', '2.5e-7']);
  });
});
