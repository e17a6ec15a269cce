import { parseQuantity } from '../../lib/core/quantity';

describe('parseQuantity', () => {
  test.each([
    ['250m', 0.25],
    ['1', 1],
    ['1.5', 1.5],
    ['512Mi', 512 * 2 ** 20],
    ['1Gi', 2 ** 30],
    ['1k', 1000],
    ['1e3', 1000],
    ['.5', 0.5],
  ])('reads %s', (text, value) => {
    expect(parseQuantity(text)).toBeCloseTo(value);
  });

  test.each([
    ['12.5', 12.5],
    ['10.25Gi', 10.25 * 2 ** 30],
    ['.25', 0.25],
    ['0.125', 0.125],
  ])('reads %s with several digits on either side of the point', (text, value) => {
    expect(parseQuantity(text)).toBe(value);
  });

  test.each([
    ['1E', 1e18],
    ['2E', 2e18],
    ['1Ei', 2 ** 60],
    ['1e18', 1e18],
    ['1E3', 1000],
    ['5e-1', 0.5],
  ])('reads %s: E alone is exa, Ei exbi, e or E with digits an exponent', (text, value) => {
    expect(parseQuantity(text)).toBe(value);
  });

  test.each(['', 'abc', '1GB', '250 m', '1..2', 'Mi'])('rejects %p', (text) => {
    expect(parseQuantity(text)).toBeUndefined();
  });
});
