import { App, Chart, Testing } from 'cdk8s';
import { CompositionError, defineProduct, EafProductChart, EnvironmentConfig, Product, PropertyError } from '../lib';

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
/**
 * The rule groups of the PrometheusRule `name`, or of the PrometheusRules `<name>-<component>` a product's alerts are
 * split into (one per component), in order.
 */
export function alertGroups(manifests: Manifest[], name: string): any[] {
  const found = manifests.filter((m) => m.kind === 'PrometheusRule' && (m.metadata.name === name || m.metadata.name.startsWith(`${name}-`)));
  if (found.length === 0) throw new Error(`expected PrometheusRule/${name} or ${name}-<component>, found none`);
  return found.flatMap((m) => m.spec.groups);
}

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
    return [...(pod.containers ?? []), ...(pod.initContainers ?? [])].map((container: any) => ({
      owner: `${m.kind}/${m.metadata.name}`,
      container,
      pod,
    }));
  });
}

/** A product shaped like DVMM (API, frontend, database, Keycloak), declared in the tests. */
export const WEB_PRODUCT: Product = defineProduct({
  name: 'dvmm',
  components: {
    api: {
      kind: 'spring-boot',
      image: 'registry.example.com/dvmm/api',
      public: true,
      databases: ['db'],
      identity: { clientId: 'dvmm-api', clientSecret: { secretName: 'dvmm-keycloak-client', key: 'client-secret' } },
    },
    frontend: { kind: 'nginx', image: 'registry.example.com/dvmm/frontend', public: true },
  },
  databases: { db: {} },
  identity: { kind: 'keycloak' },
});

/** A complete, valid environment of {@link WEB_PRODUCT} for tests; override what a test varies. */
export function testEnvironment(overrides: Partial<EnvironmentConfig> = {}): EnvironmentConfig {
  return {
    name: 'production',
    critical: true,
    hosts: { frontend: 'app.example.com', api: 'api.example.com', identity: 'auth.example.com' },
    exposure: { kind: 'route', termination: 'edge' },
    release: { strategy: 'blue-green', activeColor: 'blue', idleReplicas: 0 },
    databases: { db: { backup: { destinationPath: 's3://backups/app', credentialsSecret: 'backup-s3' } } },
    identity: { database: { backup: { destinationPath: 's3://backups/keycloak', credentialsSecret: 'backup-s3' } } },
    components: {
      api: { tags: { blue: '1.0.0', green: '1.1.0' }, replicas: 3 },
      frontend: { tags: { blue: '1.0.0', green: '1.1.0' }, replicas: 3 },
    },
    ...overrides,
  };
}

/** Synthesises a product chart for `environment`. */
export function synthProduct(environment: EnvironmentConfig, product: Product = WEB_PRODUCT): Manifest[] {
  return synth(productChart(environment, product));
}

/** A product chart for `environment`, unsynthesised. */
export function productChart(environment: EnvironmentConfig, product: Product = WEB_PRODUCT): EafProductChart {
  return new EafProductChart(new App({ outdir: '/nonexistent' }), product.name, { product, environment });
}

/** The problems a composition reports, each as its environment setting's message (or its construct message). */
export function settingProblems(compose: () => unknown): string[] {
  try {
    compose();
  } catch (e) {
    if (!(e instanceof CompositionError)) throw e;
    return e.problems.map((p) => (p instanceof PropertyError ? p.settingMessage : undefined) ?? p.message);
  }
  throw new Error('expected the composition to fail');
}

/**
 * Removes what scripts/run-compiled.mjs keeps for a program (its stamp and V8 code cache, in the repository's
 * node_modules/.cache, named by the entry's path), so tests that run temporary programs leave nothing behind.
 */
export function forgetCompiled(entry: string): void {
  const fs = require('fs') as typeof import('fs');
  const path = require('path') as typeof import('path');
  const { createHash } = require('crypto') as typeof import('crypto');
  const resolved = path.join(fs.realpathSync(path.dirname(entry)), path.basename(entry));
  const name = `${path.basename(entry, '.ts')}-${createHash('sha256').update(resolved).digest('hex').slice(0, 12)}`;
  const dir = path.join(__dirname, '..', 'node_modules', '.cache', 'eaf-cdk8s', 'compiled');
  for (const suffix of ['.stamp.json', '.v8-cache']) fs.rmSync(path.join(dir, `${name}${suffix}`), { force: true });
}
