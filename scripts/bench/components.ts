import type { ComponentDefinition, DatabaseDefinition, ProductDefinition } from '../../lib';

/**
 * A generated product of `count` components for the component scaling of `npm run bench -- --components` and its test:
 * what a large product looks like to the library, not a real one. Components come in threes, so every kind and edge
 * grows with the count: an nginx UI (public, its browser calling the next API), a Spring Boot API (public, trusting the
 * OIDC issuer, with a PostgreSQL database shared by ten components and calling the next worker) and a generic HTTP
 * worker (internal, request metrics of OpenTelemetry). Names are `c001`, `c002`, ...; databases `db01`, `db02`, ...
 */
export function componentProduct(count: number): ProductDefinition {
  if (!Number.isInteger(count) || count < 1) throw new Error(`count must be a whole number of at least 1 (got ${count})`);
  const name = (i: number) => `c${String(i).padStart(3, '0')}`;
  const database = (i: number) => `db${String(Math.floor((i - 1) / 10) + 1).padStart(2, '0')}`;
  const components: Record<string, ComponentDefinition> = {};
  const databases: Record<string, DatabaseDefinition> = {};
  for (let i = 1; i <= count; i++) {
    const image = `registry.eaf.example.com/bench/${name(i)}`;
    if (i % 3 === 1) {
      components[name(i)] = { kind: 'nginx', image, public: true, browserCalls: i + 1 <= count ? [name(i + 1)] : [] };
    } else if (i % 3 === 2) {
      databases[database(i)] = {};
      components[name(i)] = {
        kind: 'spring-boot',
        image,
        public: true,
        identity: true,
        databases: [database(i)],
        calls: i + 1 <= count ? [name(i + 1)] : [],
      };
    } else {
      components[name(i)] = {
        kind: 'http',
        image,
        port: 8080,
        livenessPath: '/healthz',
        readinessPath: '/readyz',
        metrics: { port: 9464, path: '/metrics', requests: 'opentelemetry' },
      };
    }
  }
  return {
    name: 'bench',
    components,
    databases,
    identity: { kind: 'external-oidc' },
    delivery: { repoURL: 'https://git.eaf.example.com/bench/deploy.git' },
  };
}

/** The environment file of {@link componentProduct} (a dev environment); `scaledEnvironmentFiles` copies it. */
export function componentEnvironment(product: ProductDefinition): string {
  const entries = Object.entries(product.components);
  const hosts = entries.filter(([, c]) => c.public === true).map(([n]) => `  ${n}: ${n}.bench.dev.eaf.example.com`);
  return [
    '# A generated environment of the component scaling (scripts/bench/components.ts).',
    'registries: [registry.eaf.example.com/, ghcr.io/cloudnative-pg/]',
    ...(hosts.length > 0 ? ['hosts:', ...hosts] : []),
    'exposure: { kind: ingress, clusterIssuer: letsencrypt-staging, className: nginx }',
    'release: { strategy: rolling }',
    'identity:',
    '  issuerUrl: https://login.eaf.example.com/realms/bench-dev',
    '  endpoint: { cidrs: [203.0.113.10/32], ports: [443] }',
    'network:',
    '  apiServer: { cidrs: [192.0.2.0/28], ports: [6443] }',
    'delivery: { sync: automated }',
    'components:',
    ...entries.map(([n]) => `  ${n}: { tag: 1.0.0, replicas: 1 }`),
    '',
  ].join('\n');
}
