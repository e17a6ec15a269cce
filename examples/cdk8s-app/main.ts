import { App } from 'cdk8s';
import { defineProduct, EafProductChart } from '../../lib'; // in your app: from '@eaf/cdk8s'
import type { EnvironmentConfig } from '../../lib';

/**
 * A plain cdk8s app, as `cdk8s init typescript-app` lays one out, that composes the library's `EafProductChart` for
 * two environments written in TypeScript (no environment files, no eaf-cdk8s program). `cdk8s synth` writes
 * `dist/orders-dev.k8s.yaml` and `dist/orders-production.k8s.yaml`, then the gate runs on them as the validation
 * plugin that cdk8s.yaml names, and fails the synth on a finding.
 */
export const orders = defineProduct({
  name: 'orders',
  components: {
    app: { kind: 'spring-boot', image: 'registry.eaf.example.com/orders/app', public: true, databases: ['db'] },
  },
  databases: { db: { version: '17.6' } },
});

const network = { apiServer: { cidrs: ['192.0.2.0/28'], ports: [6443] } };

export const dev: EnvironmentConfig = {
  name: 'dev',
  registries: ['registry.eaf.example.com/', 'ghcr.io/cloudnative-pg/'],
  hosts: { app: 'orders.dev.eaf.example.com' },
  exposure: { kind: 'ingress', clusterIssuer: 'letsencrypt-staging', className: 'nginx' },
  release: { strategy: 'rolling' },
  databases: { db: { storageSize: '5Gi' } },
  network,
  components: { app: { tag: '0.9.0', replicas: 1 } },
};

export const production: EnvironmentConfig = {
  name: 'production',
  critical: true,
  registries: ['registry.eaf.example.com/', 'ghcr.io/cloudnative-pg/'],
  hosts: { app: 'orders.eaf.example.com' },
  exposure: { kind: 'route', termination: 'edge' },
  release: { strategy: 'rolling' },
  databases: { db: { backup: { destinationPath: 's3://eaf-backups/orders/production', credentialsSecret: 'orders-backup-s3' } } },
  network: { ...network, objectStore: { cidrs: ['198.51.100.10/32'], ports: [443] } },
  // The planted violation: one replica in a critical environment, which the gate's production-replicas rule refuses.
  components: { app: { tag: '1.0.0', replicas: 1 } },
};

const app = new App();
for (const environment of [dev, production]) {
  new EafProductChart(app, `orders-${environment.name}`, { product: orders, environment, environments: [dev, production] });
}
app.synth();
