import { spawnSync } from 'child_process';
import * as path from 'path';

/** What a fresh Node process loads when it imports the library: a whole process, so it lives in the process tier. */

const REPO = path.join(__dirname, '..', '..');

test('importing the library loads neither the schema compiler (ajv) nor its YAML library: the program layer loads them on first use', () => {
  // GIVEN a fresh Node process; WHEN it imports the library and constructs one workload
  const script = [
    "const { Chart, Testing } = require('cdk8s');",
    "const { EafApi } = require('./lib');",
    "new EafApi(new Chart(Testing.app(), 'c'), 'api', { image: 'r/api', tag: '1.0.0' });",
    // (cdk8s loads the copy of the yaml package it bundles, cdk8s/node_modules/yaml; that one is cdk8s's own)
    'const loaded = Object.keys(require.cache).filter((k) => /node_modules[\\\\/](ajv|yaml)[\\\\/]/.test(k) && !/cdk8s[\\\\/]node_modules/.test(k));',
    'console.log(JSON.stringify(loaded));',
  ].join('\n');
  const run = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: REPO, encoding: 'utf8' });
  // THEN nothing of ajv or yaml is in the module cache
  expect(run.stderr).toBe('');
  expect(JSON.parse(run.stdout)).toEqual([]);
});

test('importing @eaf/cdk8s loads neither the gate nor the program layer; their entries load on their own', () => {
  // GIVEN a fresh Node process; WHEN it imports the package's main entry and composes a product chart
  const script = [
    "const { App } = require('cdk8s');",
    "const lib = require('./lib');",
    "const product = lib.defineProduct({ name: 'shop', components: { web: { kind: 'nginx', image: 'r/web', public: true } } });",
    "new lib.EafProductChart(new App(), 'shop', { product, environment: { name: 'dev', hosts: { web: 'web.example.com' },",
    "  exposure: { kind: 'ingress' }, release: { strategy: 'rolling' }, components: { web: { tag: '1.0.0' } } } });",
    "const loaded = (folder) => Object.keys(require.cache).filter((k) => k.includes(`${require('path').sep}lib${require('path').sep}${folder}${require('path').sep}`)).length;",
    'const before = { gate: loaded("gate"), program: loaded("program") };',
    // AND then the other two entries
    "const gate = require('./lib/gate'); const program = require('./lib/program');",
    'console.log(JSON.stringify({ before, after: { gate: loaded("gate"), program: loaded("program") },',
    '  entries: [typeof gate.ManifestValidator, typeof program.synthesizeProduct] }));',
  ].join('\n');
  const run = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: REPO, encoding: 'utf8', timeout: 120_000 });
  expect(run.stderr).toBe('');
  const result = JSON.parse(run.stdout);
  // THEN nothing of lib/gate or lib/program was loaded by the main entry
  expect(result.before).toEqual({ gate: 0, program: 0 });
  // AND the gate and program entries load and give their API
  expect(result.after.gate).toBeGreaterThan(0);
  expect(result.after.program).toBeGreaterThan(0);
  expect(result.entries).toEqual(['function', 'function']);
}, 180_000);
