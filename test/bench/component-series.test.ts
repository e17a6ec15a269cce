import { axisCosts, GridPoint, parseComponentArguments } from '../../scripts/bench/component-series';

describe('npm run bench -- --components', () => {
  test('defaults: 1, 10, 30, 100 components over 1, 10, 30 environments, 3 rounds; every option', () => {
    expect(parseComponentArguments(['--components', '1,10,30,100'])).toEqual({
      components: [1, 10, 30, 100],
      environments: [1, 10, 30],
      runs: 3,
      keep: false,
    });
    const options = parseComponentArguments([
      '--components',
      '40,2',
      '--component-environments',
      '2,1',
      '--scaling-runs',
      '5',
      '--keep',
      '--json',
      'x.json',
    ]);
    expect(options).toMatchObject({ components: [2, 40], environments: [1, 2], runs: 5, keep: true });
    expect(options.json).toMatch(/\/x\.json$/);
  });

  test('refuses bad lists and the options of the other series', () => {
    expect(() => parseComponentArguments(['--components', '10'])).toThrow(
      '--components needs at least two different whole numbers of at least 1, comma-separated (got 10)',
    );
    expect(() => parseComponentArguments(['--components', '0,10'])).toThrow('(got 0,10)');
    expect(() => parseComponentArguments(['--component-environments'])).toThrow('(got nothing)');
    expect(() => parseComponentArguments(['--scaling-runs', '0'])).toThrow('--scaling-runs needs a whole number of at least 1 (got 0)');
    expect(() => parseComponentArguments(['--components', '1,2', '--baseline', 'HEAD'])).toThrow('--baseline does not go with --components');
  });

  test('costs per extra component and environment by least squares, and the bend of the later half against the earlier', () => {
    // GIVEN time = 200 + 20 ms per component per environment + 100 ms per environment; memory 1 MiB per component
    const points: GridPoint[] = [1, 10, 30, 100].flatMap((components) =>
      [1, 10, 30].map((environments) => ({
        components,
        environments,
        medianMs: 200 + 20 * components * environments + 100 * environments + (components === 100 && environments === 30 ? 30_000 : 0),
        medianPeakMiB: 100 + components,
      })),
    );
    // WHEN
    const perComponent = axisCosts(points, 'components');
    const perEnvironment = axisCosts(points, 'environments');
    // THEN linear lines have a bend of 1; the last point's extra 30 s bends the 30-environment line up
    expect(perComponent.map((c) => c.at)).toEqual([1, 10, 30]);
    expect(perComponent[0].msPerUnit).toBeCloseTo(20);
    expect(perComponent[0].mibPerUnit).toBeCloseTo(1);
    expect(perComponent[0].bend).toBeCloseTo(1);
    expect(perComponent[2].bend!).toBeGreaterThan(1.25);
    expect(perEnvironment.map((c) => c.at)).toEqual([1, 10, 30, 100]);
    expect(perEnvironment[1].msPerUnit).toBeCloseTo(300);
    expect(perEnvironment[1].bend).toBeCloseTo(1);
    // Two points give a cost but no halves.
    expect(
      axisCosts(
        points.filter((p) => p.environments !== 10),
        'environments',
      )[0].bend,
    ).toBeUndefined();
  });
});
