import { parseArguments } from '../../scripts/bench/bench';
import { scriptCommand } from '../../scripts/bench/sandbox';

describe('npm run bench options', () => {
  test('defaults: 9 rounds, the scaling series at 1, 3, 10, 30, 100 environments in 5 rounds', () => {
    expect(parseArguments([])).toEqual({
      runs: 9,
      scalingRuns: 5,
      points: [1, 3, 10, 30, 100],
      comparison: true,
      scaling: true,
      gateCost: false,
      profile: false,
      keep: false,
      settle: 0,
    });
  });

  test('every option', () => {
    const options = parseArguments([
      '--runs',
      '5',
      '--scaling-runs',
      '3',
      '--points',
      '1,2',
      '--baseline',
      'HEAD~1',
      '--gate-cost',
      '--keep',
      '--no-scaling',
      '--json',
      'x.json',
      '--settle',
      '30',
    ]);
    expect(options).toMatchObject({
      runs: 5,
      scalingRuns: 3,
      points: [1, 2],
      baseline: 'HEAD~1',
      gateCost: true,
      keep: true,
      scaling: false,
      comparison: true,
      settle: 30,
    });
    expect(options.json).toMatch(/\/x\.json$/);
  });

  test('--profile profiles the largest point against 1 environment, and times nothing else', () => {
    expect(parseArguments(['--profile', '--points', '1,40', '--scaling-runs', '2'])).toMatchObject({
      profile: true,
      comparison: false,
      scaling: false,
      points: [1, 40],
      scalingRuns: 2,
    });
  });

  test('fails on bad values and unknown options', () => {
    expect(() => parseArguments(['--runs', '0'])).toThrow('--runs needs a whole number of at least 1 (got 0)');
    expect(() => parseArguments(['--runs'])).toThrow('--runs needs a whole number of at least 1 (got nothing)');
    expect(() => parseArguments(['--points', '3,3'])).toThrow('--points needs at least two different environment counts');
    expect(() => parseArguments(['--baseline'])).toThrow('--baseline needs a value');
    expect(() => parseArguments(['--fast'])).toThrow('unknown option --fast');
    expect(() => parseArguments(['--scaling-only', '--no-scaling'])).toThrow('--scaling-only and --no-scaling leave nothing to time');
  });
});

describe('running the synth script directly', () => {
  test('a plain command runs as its words; anything the shell would interpret runs through sh -c', () => {
    expect(scriptCommand('node scripts/run-compiled.mjs main.ts')).toEqual(['node', 'scripts/run-compiled.mjs', 'main.ts']);
    expect(scriptCommand(' node --import tsx main.ts ')).toEqual(['node', '--import', 'tsx', 'main.ts']);
    expect(scriptCommand('npm run build && node main.js')).toEqual(['sh', '-c', 'npm run build && node main.js']);
    expect(scriptCommand('EAF_STRICT=1 node "main.ts"')).toEqual(['sh', '-c', 'EAF_STRICT=1 node "main.ts"']);
  });
});
