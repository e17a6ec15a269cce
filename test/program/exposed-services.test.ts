import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import { defineProduct } from '../../lib';
import { synthesizeProduct } from '../../lib/program';

/**
 * `network.exposedServices` in an environment file is what the gate's service-exposure rule reads: a Service the team
 * adds of type LoadBalancer fails synth until the environment names it, and only that environment.
 */

const REPO = path.join(__dirname, '..', '..');

/** The api-only example with an MQTT broker's LoadBalancer Service of its own. */
const product = defineProduct({
  name: 'orders',
  components: { app: { kind: 'spring-boot', image: 'registry.eaf.example.com/orders/app', public: true, databases: ['db'] } },
  databases: { db: { version: '17.6' } },
  extend: (chart) => {
    new ApiObject(chart, 'mqtt', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'mqtt' },
      spec: { type: 'LoadBalancer', selector: { 'app.kubernetes.io/name': 'app' }, ports: [{ name: 'mqtt', port: 8883, targetPort: 8080 }] },
    });
  },
});

describe('network.exposedServices', () => {
  let tmp: string;
  let lines: string[];
  const synth = () =>
    synthesizeProduct(product, {
      environmentsDir: path.join(tmp, 'environments'),
      outdir: path.join(tmp, 'dist'),
      crdDirectory: path.join(REPO, 'crds'),
      log: (line) => lines.push(...line.split('\n').map((l) => l.trim())),
    });
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'exposed-services-'));
    lines = [];
    fs.cpSync(path.join(REPO, 'examples', 'api-only', 'environments'), path.join(tmp, 'environments'), { recursive: true });
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('fails synth on a LoadBalancer Service no environment declares, naming it in every environment', () => {
    expect(synth()).toBe(1);
    const exposure = lines.filter((l) => l.includes('[service-exposure]'));
    expect(exposure.map((l) => l.split(': [')[0])).toEqual([
      'dev: Service/orders-dev/mqtt',
      'production: Service/orders-production/mqtt',
      'staging: Service/orders-staging/mqtt',
    ]);
    expect(exposure[0]).toContain(
      'fix: make the Service type ClusterIP and expose it through the Ingress or Route, or declare it in network.exposedServices: [mqtt]',
    );
  });

  test('passes the environments that declare it, and only those', () => {
    // GIVEN dev and staging declare the broker's Service, production does not
    for (const environment of ['dev', 'staging']) {
      const file = path.join(tmp, 'environments', `${environment}.yaml`);
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('network:\n', 'network:\n  exposedServices: [mqtt]\n'));
    }
    // WHEN synthesised THEN only production's Service is a finding
    expect(synth()).toBe(1);
    expect(lines.filter((l) => l.includes('[service-exposure]')).map((l) => l.split(': [')[0])).toEqual([
      'production: Service/orders-production/mqtt',
    ]);
  });
});
