import { leastSquares, median, range, ratios, rotation } from '../../scripts/bench/stats';

describe('bench arithmetic', () => {
  test('median is the middle value, or the mean of the two middle values, whatever the order', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([5])).toBe(5);
    expect(median([])).toBeNaN();
  });

  test('range gives the smallest and largest value', () => {
    expect(range([2, 9, 4])).toEqual({ min: 2, max: 9 });
    expect(range([])).toEqual({ min: NaN, max: NaN });
  });

  test('ratios pairs the samples of one round: the median of the per-round ratios, and the ratio of the medians', () => {
    // GIVEN rounds where noise hits both commands of a round alike
    const synth = [2, 4, 8];
    const helm = [1, 2, 4];
    // WHEN
    const paired = ratios(synth, helm);
    // THEN every round says 2x
    expect(paired).toEqual({ paired: 2, ofMedians: 2 });
    // AND a ratio of medians can differ from the paired one
    expect(ratios([10, 1, 3], [5, 1, 1])).toEqual({ paired: 2, ofMedians: 3 });
  });

  test('fails on samples of different rounds', () => {
    expect(() => ratios([1, 2], [1])).toThrow('paired samples differ in count (2 and 1)');
  });

  test('leastSquares finds the slope and intercept of points on a line, and the best line through noisy ones', () => {
    expect(
      leastSquares([
        [1, 550],
        [3, 615],
        [10, 842.5],
        [30, 1492.5],
        [100, 3767.5],
      ]),
    ).toEqual({ slope: 32.5, intercept: 517.5 });
    const { slope, intercept } = leastSquares([
      [0, 1],
      [1, 2],
      [2, 4],
    ]);
    expect(slope).toBeCloseTo(1.5, 10);
    expect(intercept).toBeCloseTo(5 / 6, 10);
  });

  test('fails to fit a slope without two different x', () => {
    expect(() =>
      leastSquares([
        [3, 1],
        [3, 2],
      ]),
    ).toThrow('a slope needs at least two points with different x');
    expect(() => leastSquares([[3, 1]])).toThrow('a slope needs at least two points with different x');
  });

  test('rotation gives every item every position over as many rounds as items', () => {
    expect(rotation(['a', 'b', 'c'], 0)).toEqual(['a', 'b', 'c']);
    expect(rotation(['a', 'b', 'c'], 1)).toEqual(['b', 'c', 'a']);
    expect(rotation(['a', 'b', 'c'], 5)).toEqual(['c', 'a', 'b']);
    expect(rotation([], 3)).toEqual([]);
  });
});
