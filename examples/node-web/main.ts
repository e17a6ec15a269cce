import { defineProduct } from '../../lib'; // in a product repository: from '@eaf/cdk8s'

/**
 * A Node API with an nginx frontend: the API is a generic HTTP workload (its own port, probe paths and a `/metrics`
 * endpoint with OpenTelemetry's HTTP metrics), trusts an external OIDC issuer, and keeps its data in PostgreSQL.
 * Production releases canary through Argo Rollouts, and the analysis of each step queries the API's error ratio and
 * latency, so a release that breaks the objectives rolls back by itself. `dr` is a disaster-recovery replica of
 * production's database. Argo CD syncs every environment by itself (production with the reason, in its file).
 */
export const shop = defineProduct({
  name: 'shop',
  components: {
    web: { kind: 'nginx', image: 'registry.eaf.example.com/shop/web', public: true, browserCalls: ['api'] },
    api: {
      kind: 'http',
      image: 'registry.eaf.example.com/shop/api',
      public: true,
      port: 8080,
      livenessPath: '/healthz',
      readinessPath: '/readyz',
      writablePaths: ['/tmp'],
      metrics: { port: 9464, path: '/metrics', requests: 'opentelemetry' },
      identity: true,
      databases: ['db'],
    },
  },
  databases: { db: { version: '17.6' } },
  identity: { kind: 'external-oidc' },
  delivery: { repoURL: 'https://git.eaf.example.com/shop/deploy.git' },
});
