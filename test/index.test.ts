import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { EAF_API_DEFAULTS, EAF_FRONTEND_DEFAULTS, EAF_HTTP_WORKLOAD_DEFAULTS, KEYCLOAK_DEFAULTS, POSTGRES_DEFAULTS } from '../lib';

const REPO = path.join(__dirname, '..');

describe('the public API (lib/index.ts)', () => {
  test('exports by name: no wildcard re-export, so no internal helper leaks', () => {
    const text = fs.readFileSync(path.join(REPO, 'lib', 'index.ts'), 'utf8');
    expect(text).not.toMatch(/export \*/);
    expect(text).toMatch(/export \{ defineProduct, isProduct, ProductDefinitionError, productNamespaceName \} from '\.\/product\/product';/);
  });

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

  test('platform defaults are frozen: a consumer overrides them through props, never by mutation', () => {
    for (const defaults of [EAF_API_DEFAULTS, EAF_FRONTEND_DEFAULTS, EAF_HTTP_WORKLOAD_DEFAULTS, KEYCLOAK_DEFAULTS, POSTGRES_DEFAULTS]) {
      expect(Object.isFrozen(defaults)).toBe(true);
      expect(Object.isFrozen(defaults.resources.requests)).toBe(true);
    }
    expect(() => { (POSTGRES_DEFAULTS as any).version = '9.6'; }).toThrow(TypeError);
    expect(POSTGRES_DEFAULTS.version).toBe('16.10');
  });
});
