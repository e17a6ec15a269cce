import { parseQuantity } from '../../lib/core/quantity';

describe('parseQuantity', () => {
  test.each([
    ['250m', 0.25], ['1', 1], ['1.5', 1.5], ['512Mi', 512 * 2 ** 20], ['1Gi', 2 ** 30], ['1k', 1000], ['1e3', 1000], ['.5', 0.5],
  ])('reads %s', (text, value) => {
    expect(parseQuantity(text)).toBeCloseTo(value);
  });

  test.each(['', 'abc', '1GB', '250 m', '1..2', 'Mi'])('rejects %p', (text) => {
    expect(parseQuantity(text)).toBeUndefined();
  });
});
