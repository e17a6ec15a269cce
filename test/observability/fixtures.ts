import { AlertTargets } from '../../lib/observability/alerts';

/** A product environment as the alert catalogue sees it: one API with a connection pool, its containers, one database with replicas and backups. */
export const SHOP_TARGETS: AlertTargets = {
  product: 'shop',
  environment: 'prod',
  namespace: 'shop-prod',
  apis: [
    {
      name: 'orders',
      metrics: { namespace: 'shop-prod', job: 'orders' },
      containers: { namespace: 'shop-prod', container: 'api' },
      connectionPool: true,
    },
  ],
  containers: [
    {
      name: 'orders',
      containers: { namespace: 'shop-prod', container: 'api' },
      podPattern: 'orders-[a-z0-9]{5,10}-[a-z0-9]{5}',
      examplePod: 'orders-7d4b9c8f6-x2k9p',
    },
  ],
  databases: [
    {
      name: 'shop-db',
      metrics: { namespace: 'shop-prod', job: 'shop-db' },
      instances: 2,
      volumes: { namespace: 'shop-prod', claimPattern: 'shop-db-[0-9]+(-wal)?', exampleClaim: 'shop-db-1' },
      backup: { maxBackupAgeSeconds: 90000, rpoSeconds: 900 },
    },
  ],
};
