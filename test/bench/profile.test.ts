import { bundleSources, CpuProfile, perExtraEnvironment, selfTimeBySource, sideOf, sourceOf } from '../../scripts/bench/profile';

describe('the sources of a readable bundle', () => {
  test('a file belongs to its outermost package, a folder of lib/, or its top folder', () => {
    expect(sourceOf('node_modules/cdk8s/lib/resolve.js')).toBe('cdk8s');
    expect(sourceOf('node_modules/cdk8s/node_modules/yaml/dist/index.js')).toBe('cdk8s');
    expect(sourceOf('node_modules/@grafana/grafana-foundation-sdk/dist/index.cjs')).toBe('@grafana/grafana-foundation-sdk');
    expect(sourceOf('lib/gate/policies.ts')).toBe('lib/gate');
    expect(sourceOf('lib/index.ts')).toBe('lib');
    expect(sourceOf('imports/k8s.ts')).toBe('imports');
    expect(sourceOf('main.ts')).toBe('main.ts');
  });

  test("each line is charged to the file esbuild's last marker above it names; other comments are code", () => {
    const bundle = [
      '"use strict";', // 0
      '// node_modules/cdk8s/lib/app.js', // 1
      'var App = class {};', // 2
      '// lib/gate/policies.ts', // 3
      '// the policy rules', // 4: a comment, not a marker
      'function check() {}', // 5
      '// main.ts', // 6
      'main();', // 7
    ].join('\n');
    const sourceAt = bundleSources(bundle);
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(sourceAt)).toEqual([
      '(bundle prelude)',
      'cdk8s',
      'cdk8s',
      'lib/gate',
      'lib/gate',
      'lib/gate',
      'main.ts',
      'main.ts',
    ]);
  });
});

describe('self time by source', () => {
  const BUNDLE = '/repo/.main.compiled.js';
  const frame = (id: number, functionName: string, url: string, lineNumber = 0) => ({ id, callFrame: { functionName, url, lineNumber } });
  const profile: CpuProfile = {
    nodes: [
      frame(1, '(root)', ''),
      frame(2, 'resolve', `file://${BUNDLE}`, 2),
      frame(3, 'check', `file://${BUNDLE}`, 5),
      frame(4, '(garbage collector)', ''),
      frame(5, 'writeFileUtf8', ''),
      frame(6, 'writeFileSync', 'node:fs'),
      frame(7, '(idle)', ''),
      frame(8, '(program)', ''),
      frame(9, 'helper', 'file:///elsewhere/module.js'),
    ],
    // time deltas in microseconds: each sample's time is charged to its node
    samples: [2, 2, 3, 4, 5, 6, 7, 8, 9],
    timeDeltas: [1000, 500, 2000, 300, 400, 100, 9000, 50, 25],
  };
  const sourceAt = (line: number) => (line < 4 ? 'cdk8s' : 'lib/gate');

  test('bundle frames by the source of their line; the collector, native file calls, node: modules and the rest apart; idle time not at all', () => {
    const rounded = [...selfTimeBySource(profile, `file://${BUNDLE}`, sourceAt)].map(([source, ms]) => [source, Number(ms.toFixed(6))]);
    expect(Object.fromEntries(rounded)).toEqual({
      'cdk8s': 1.5,
      'lib/gate': 2,
      'garbage collector': 0.3,
      'file system': 0.4,
      'node:fs': 0.1,
      'V8 and Node (other)': 0.075,
    });
  });

  test('the bundle may be named by its path or its file URL', () => {
    expect(selfTimeBySource(profile, BUNDLE, sourceAt).get('cdk8s')).toBe(1.5);
  });

  test('per extra environment: the difference of the two runs over the extra environments, every source of either', () => {
    const many = new Map([
      ['cdk8s', 210],
      ['lib/gate', 60],
    ]);
    const one = new Map([
      ['cdk8s', 12],
      ['garbage collector', 3],
    ]);
    expect(Object.fromEntries(perExtraEnvironment(many, one, 100))).toEqual({ 'cdk8s': 2, 'lib/gate': 60 / 99, 'garbage collector': -3 / 99 });
    expect(() => perExtraEnvironment(many, one, 1)).toThrow('the profile needs at least 2 environments (got 1)');
  });

  test('sides: packages, this repository (its generated code included), the runtime', () => {
    expect(
      [
        'cdk8s',
        '@grafana/grafana-foundation-sdk',
        'lib/gate',
        'lib',
        'imports',
        'generated',
        'main.ts',
        'garbage collector',
        'file system',
        'node:fs',
        'V8 and Node (other)',
        '(bundle prelude)',
      ].map(sideOf),
    ).toEqual([
      'packages',
      'packages',
      'this repository',
      'this repository',
      'this repository',
      'this repository',
      'this repository',
      'runtime',
      'runtime',
      'runtime',
      'runtime',
      'runtime',
    ]);
  });
});
