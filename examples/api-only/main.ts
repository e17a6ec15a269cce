import * as path from 'path';
import { defineProduct } from '../../lib'; // in a product repository: from '@eaf/cdk8s'
import { synthesizeProduct } from '../../lib/program'; // in a product repository: from '@eaf/cdk8s/program'

/**
 * An API-only EAF product: one Spring Boot image that also serves its UI, PostgreSQL 17, no identity
 * provider of its own, and a call out to a chat API (in the environment files). No frontend, no Keycloak,
 * no dummy settings: the environment schema follows this declaration.
 */
export const orders = defineProduct({
  name: 'orders',
  components: {
    app: { kind: 'spring-boot', image: 'registry.eaf.example.com/orders/app', public: true, databases: ['db'] },
  },
  databases: { db: { version: '17.6' } },
});

/** Writes `dist/<environment>/` from `environments/*.yaml`; returns the exit code. */
export function main(options: { outdir?: string; environmentsDir?: string; log?: (line: string) => void } = {}): number {
  return synthesizeProduct(orders, {
    environmentsDir: options.environmentsDir ?? path.join(__dirname, 'environments'),
    outdir: options.outdir ?? path.join(__dirname, 'dist'),
    crdDirectory: path.join(__dirname, '..', '..', 'crds'),
    log: options.log,
  });
}

if (require.main === module) process.exitCode = main();
