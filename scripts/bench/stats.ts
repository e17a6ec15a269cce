/** The arithmetic of `npm run bench`: medians, paired ratios and the least-squares slope of the scaling series. */

/** The median of `values` (the mean of the two middle values for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The smallest and largest of `values`; NaN for none. */
export function range(values: readonly number[]): { min: number; max: number } {
  return values.length === 0 ? { min: NaN, max: NaN } : { min: Math.min(...values), max: Math.max(...values) };
}

/**
 * Two ratios of `numerator` to `denominator`, samples taken in the same rounds (index i of both is one round):
 * `paired`, the median of the per-round ratios (noise that hits a whole round cancels), and `ofMedians`, the ratio of
 * the two medians.
 */
export function ratios(numerator: readonly number[], denominator: readonly number[]): { paired: number; ofMedians: number } {
  if (numerator.length !== denominator.length) throw new Error(`paired samples differ in count (${numerator.length} and ${denominator.length})`);
  return {
    paired: median(numerator.map((n, i) => n / denominator[i])),
    ofMedians: median(numerator) / median(denominator),
  };
}

/** The least-squares line `y = intercept + slope * x` through the points; needs two distinct x. */
export function leastSquares(points: ReadonlyArray<readonly [number, number]>): { slope: number; intercept: number } {
  const n = points.length;
  const meanX = points.reduce((s, [x]) => s + x, 0) / n;
  const meanY = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxx = points.reduce((s, [x]) => s + (x - meanX) ** 2, 0);
  if (n < 2 || sxx === 0) throw new Error('a slope needs at least two points with different x');
  const sxy = points.reduce((s, [x, y]) => s + (x - meanX) * (y - meanY), 0);
  const slope = sxy / sxx;
  return { slope, intercept: meanY - slope * meanX };
}

/** The order of `items` in round `round`: rotated left by the round number, so every item takes every position. */
export function rotation<T>(items: readonly T[], round: number): T[] {
  if (items.length === 0) return [];
  const shift = ((round % items.length) + items.length) % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}
