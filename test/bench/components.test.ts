import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { defineProduct } from '../../lib';
import { ANNOTATIONS_LIMIT } from '../../lib/gate/rules';
import { synthesizeProduct } from '../../lib/program';
import { componentEnvironment, componentProduct } from '../../scripts/bench/components';
import { scaledEnvironmentFiles } from '../../scripts/bench/environments';

const REPO = path.resolve(__dirname, '..', '..');

describe('the generated product of the component scaling', () => {
  test('has the components asked for, in threes of a UI, an API with a database and a worker', () => {
    // WHEN
    const product = componentProduct(12);
    // THEN
    expect(Object.keys(product.components)).toHaveLength(12);
    expect(Object.values(product.components).map((c) => c.kind)).toEqual(Array.from({ length: 4 }, () => ['nginx', 'spring-boot', 'http']).flat());
    expect(Object.keys(product.databases ?? {})).toEqual(['db01', 'db02']);
    expect(product.components.c002).toMatchObject({ databases: ['db01'], calls: ['c003'], public: true });
    expect(product.components.c001).toMatchObject({ browserCalls: ['c002'] });
    expect(() => componentProduct(0)).toThrow('count must be a whole number of at least 1 (got 0)');
  });

  test('its environment file sets a host for every public component and a tag for every component', () => {
    // WHEN
    const text = componentEnvironment(componentProduct(4));
    // THEN
    expect(text).toContain('  c001: c001.bench.dev.eaf.example.com\n  c002: c002.bench.dev.eaf.example.com\n  c004:');
    expect(text).not.toContain('  c003: c003.bench');
    expect(text).toContain('  c003: { tag: 1.0.0, replicas: 1 }');
  });

  // 40 components x 2 environments here; `npm run bench -- --components` synthesises 100 x 30 (README, Performance).
  test('40 components in 2 environments synthesise through the gate, every object far below the API server limits', () => {
    // GIVEN
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'components-'));
    const definition = componentProduct(40);
    const environments = path.join(work, 'environments');
    fs.mkdirSync(environments);
    for (const [file, text] of scaledEnvironmentFiles(componentEnvironment(definition), 'dev', 2))
      fs.writeFileSync(path.join(environments, file), text);
    const log: string[] = [];
    // WHEN
    const code = synthesizeProduct(defineProduct(definition), {
      environmentsDir: environments,
      outdir: path.join(work, 'dist'),
      crdDirectory: path.join(REPO, 'crds'),
      log: (line) => log.push(line),
      strict: true,
    });
    // THEN
    expect({ code, log: log.filter((l) => !l.startsWith('wrote ')) }).toEqual({ code: 0, log: [] });
    for (const environment of ['dev001', 'dev002']) {
      const objects = parseAllDocuments(fs.readFileSync(path.join(work, 'dist', environment, 'bench.k8s.yaml'), 'utf8')).map(
        (d) => d.toJSON() as { kind: string; metadata: { name: string } },
      );
      expect(objects.filter((o) => o.kind === 'Deployment')).toHaveLength(40);
      // One PrometheusRule of alerts per component watched, and the APIs' rows over several dashboards.
      expect(objects.filter((o) => o.kind === 'PrometheusRule').length).toBeGreaterThanOrEqual(40);
      expect(objects.filter((o) => o.kind === 'ConfigMap' && /^bench-dev00\d-api(-\d+)?$/.test(o.metadata.name)).map((o) => o.metadata.name)).toEqual(
        [`bench-${environment}-api`, `bench-${environment}-api-2`, `bench-${environment}-api-3`],
      );
      // Half the apply limit: the largest object does not grow with the number of components.
      const largest = Math.max(...objects.map((o) => Buffer.byteLength(JSON.stringify(o))));
      expect(largest).toBeLessThan(ANNOTATIONS_LIMIT / 2);
    }
    fs.rmSync(work, { recursive: true, force: true });
  });
});
