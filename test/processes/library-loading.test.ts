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
    "const loaded = Object.keys(require.cache).filter((k) => /node_modules[\\\\/](ajv|yaml)[\\\\/]/.test(k) && !/cdk8s[\\\\/]node_modules/.test(k));",
    'console.log(JSON.stringify(loaded));',
  ].join('\n');
  const run = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: REPO, encoding: 'utf8' });
  // THEN nothing of ajv or yaml is in the module cache
  expect(run.stderr).toBe('');
  expect(JSON.parse(run.stdout)).toEqual([]);
});
