import { App, Chart, Testing } from 'cdk8s';
import { EafProductChart, EnvironmentConfig } from '../lib';

/** A manifest as synthesised. */
export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; [key: string]: any }; [key: string]: any };

/** A chart with a namespace, as products use them. */
export function testChart(namespace = 'test-ns'): Chart {
  return new Chart(Testing.app(), 'test', { namespace });
}

/** Synthesises a chart. */
export function synth(chart: Chart): Manifest[] {
  return Testing.synth(chart) as Manifest[];
}

/** The one object of this kind and name; fails the test when there is not exactly one. */
export function find(manifests: Manifest[], kind: string, name: string): Manifest {
  const found = manifests.filter((m) => m.kind === kind && m.metadata.name === name);
  if (found.length !== 1) {
    throw new Error(`expected one ${kind}/${name}, found ${found.length} among ${manifests.map((m) => `${m.kind}/${m.metadata.name}`).join(', ')}`);
  }
  return found[0];
}

/** Every container of every pod template (Deployments, StatefulSets, Pods). */
export function containersOf(manifests: Manifest[]): Array<{ owner: string; container: any; pod: any }> {
  return manifests.flatMap((m) => {
    const pod = m.kind === 'Pod' ? m.spec : m.spec?.template?.spec;
    if (!pod) return [];
    return [...(pod.containers ?? []), ...(pod.initContainers ?? [])].map((container: any) => ({ owner: `${m.kind}/${m.metadata.name}`, container, pod }));
  });
}

/** A complete, valid environment for tests; override what a test varies. */
export function testEnvironment(overrides: Partial<EnvironmentConfig> = {}): EnvironmentConfig {
  return {
    name: 'production',
    critical: true,
    hosts: { frontend: 'app.example.com', api: 'api.example.com', auth: 'auth.example.com' },
    exposure: { kind: 'route', termination: 'edge' },
    release: { strategy: 'blue-green', activeColor: 'blue', idleReplicas: 0 },
    database: { backup: { destinationPath: 's3://backups/app', credentialsSecret: 'backup-s3' } },
    identity: { database: { backup: { destinationPath: 's3://backups/keycloak', credentialsSecret: 'backup-s3' } } },
    components: {
      api: { tags: { blue: '1.0.0', green: '1.1.0' }, replicas: 3 },
      frontend: { tags: { blue: '1.0.0', green: '1.1.0' }, replicas: 3 },
    },
    ...overrides,
  };
}

/** Synthesises a product chart for `environment`. */
export function synthProduct(environment: EnvironmentConfig, product = 'dvmm'): Manifest[] {
  const app = new App({ outdir: '/nonexistent' });
  const chart = new EafProductChart(app, product, { product, environment, images: { api: 'registry.example.com/dvmm/api', frontend: 'registry.example.com/dvmm/frontend' } });
  return synth(chart);
}
