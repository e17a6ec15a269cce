import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Testing } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { defineProduct, EafProductChart, EnvironmentConfig, Product } from '../../lib';
import { formatFinding } from '../../lib/gate';
import { main as apiOnly, orders } from '../../examples/api-only/main';
import { validator } from '../gate/fixtures';
import { find, Manifest } from '../util';

/**
 * Products that do not look like DVMM, composed through the public API (TypeScript environments) and through
 * environment files (the API-only example). Each passes the gate, and its NetworkPolicies allow exactly the
 * flows its declaration implies.
 */

const REGISTRY = 'registry.eaf.example.com';

/** A plain staging-like environment of `product`; the test adds what its shape needs. */
function environment(extra: Partial<EnvironmentConfig> & Pick<EnvironmentConfig, 'components'>): EnvironmentConfig {
  return {
    name: 'staging',
    exposure: { kind: 'route', termination: 'edge' },
    release: { strategy: 'rolling' },
    hosts: {},
    registries: [`${REGISTRY}/`, 'ghcr.io/cloudnative-pg/'],
    ...extra,
  };
}

/** Composes, synthesises and gates one environment of a product. */
function render(product: Product, env: EnvironmentConfig): { chart: EafProductChart; objects: Manifest[]; findings: string[]; flows: string[] } {
  const chart = new EafProductChart(new App({ outdir: '/nonexistent' }), product.name, { product, environment: env });
  const objects = Testing.synth(chart) as Manifest[];
  const report = validator().validate([{ environment: env.name, critical: env.critical ?? false, allowedRegistries: env.registries, objects }]);
  const flows = chart.networkPolicies.flows.map((f) => `${f.from} -> ${f.to}: ${f.ports} (${f.reason})`);
  return { chart, objects, findings: report.findings.map(formatFinding), flows };
}

describe('product shapes', () => {
  test('an API-only product with PostgreSQL 17, no identity, a named egress and one waived production replica: through its environment files', () => {
    // GIVEN the example's program and environment files (examples/api-only)
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'api-only-'));
    const lines: string[] = [];
    try {
      // WHEN its program runs (the gate included)
      const code = apiOnly({ outdir: path.join(tmp, 'dist'), log: (l) => lines.push(l) });
      // THEN it writes three environments and prints the waiver it honoured
      expect(code).toBe(0);
      expect(lines[0]).toBe(
        'waived: production: Deployment/orders-production/app: [production-replicas] pilot with three tenants; one replica until the session store is shared (ORD-112)',
      );
      const production = parseAllDocuments(fs.readFileSync(path.join(tmp, 'dist', 'production', 'orders.k8s.yaml'), 'utf8')).map((d) =>
        d.toJS(),
      ) as Manifest[];
      expect(production.map((o) => o.kind).filter((k) => ['Keycloak', 'KeycloakRealmImport', 'StatefulSet'].includes(k))).toEqual([]);
      expect(find(production, 'Cluster', 'orders-db').spec.imageName).toBe('ghcr.io/cloudnative-pg/postgresql:17.6');
      expect(find(production, 'Deployment', 'app').spec.replicas).toBe(1);
      const env = find(production, 'Deployment', 'app').spec.template.spec.containers[0].env.map((e: any) => e.name);
      expect(env).toEqual([
        'SPRING_PROFILES_ACTIVE',
        'MANAGEMENT_METRICS_DISTRIBUTION_PERCENTILESHISTOGRAM_HTTP_SERVER_REQUESTS',
        'DB_HOST',
        'DB_PORT',
        'DB_NAME',
        'DB_USER',
        'DB_PASSWORD',
      ]);
      expect(find(production, 'NetworkPolicy', 'app-egress').spec.egress).toContainEqual({
        to: [{ ipBlock: { cidr: '203.0.113.40/32' } }],
        ports: [{ port: 443, protocol: 'TCP' }],
      });
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  test('the API-only product: exactly its declared flows', () => {
    const { findings, flows } = render(
      orders,
      environment({
        hosts: { app: 'orders.example.com' },
        egress: { chat: { from: ['app'], cidrs: ['203.0.113.40/32'], ports: [443] } },
        components: { app: { tag: '1.0.0' } },
      }),
    );
    expect(findings).toEqual([]);
    expect(flows).toEqual([
      'every pod -> cluster DNS: UDP 5353, TCP 5353 (name resolution)',
      'ingress controller -> app: TCP 8080 (public HTTPS traffic)',
      'app -> orders-db: TCP 5432 (database)',
      'CloudNativePG operator -> orders-db: TCP 8000, TCP 5432 (operator status and management)',
      'monitoring -> app: TCP 8080 (metrics scraping)',
      'monitoring -> orders-db: TCP 9187 (metrics scraping)',
      'app -> chat: TCP 443 (chat)',
    ]);
  });

  test('two APIs sharing one database, one calling the other; a private one gets no exposure', () => {
    const shop = defineProduct({
      name: 'shop',
      components: {
        catalog: { kind: 'spring-boot', image: `${REGISTRY}/shop/catalog`, public: true, databases: ['db'], calls: ['billing'] },
        billing: { kind: 'spring-boot', image: `${REGISTRY}/shop/billing`, databases: ['db'] },
      },
      databases: { db: {} },
    });
    const { chart, objects, findings, flows } = render(
      shop,
      environment({
        hosts: { catalog: 'shop.example.com' },
        components: { catalog: { tag: '2.1.0' }, billing: { tag: '1.3.0' } },
      }),
    );
    expect(findings).toEqual([]);
    expect(objects.filter((o) => o.kind === 'Route').map((o) => o.spec.host)).toEqual(['shop.example.com']);
    expect(find(objects, 'Deployment', 'billing').spec.template.spec.containers[0].env.find((e: any) => e.name === 'DB_HOST').value).toBe(
      'shop-db-rw',
    );
    expect(chart.databases.db.node.path).toBe('shop/staging/databases/db');
    expect(flows).toEqual([
      'every pod -> cluster DNS: UDP 5353, TCP 5353 (name resolution)',
      'ingress controller -> catalog: TCP 8080 (public HTTPS traffic)',
      'catalog -> shop-db: TCP 5432 (database)',
      'catalog -> billing: TCP 8080 (http)',
      'billing -> shop-db: TCP 5432 (database)',
      'CloudNativePG operator -> shop-db: TCP 8000, TCP 5432 (operator status and management)',
      'monitoring -> catalog: TCP 8080 (metrics scraping)',
      'monitoring -> billing: TCP 8080 (metrics scraping)',
      'monitoring -> shop-db: TCP 9187 (metrics scraping)',
    ]);
  });

  test('a frontend and an API trusting an external OIDC issuer: its URL and addresses come from the environment', () => {
    const portal = defineProduct({
      name: 'portal',
      components: {
        web: { kind: 'nginx', image: `${REGISTRY}/portal/web`, public: true },
        api: { kind: 'spring-boot', image: `${REGISTRY}/portal/api`, public: true, identity: true },
      },
      identity: { kind: 'external-oidc' },
    });
    const { objects, findings, flows } = render(
      portal,
      environment({
        hosts: { web: 'portal.example.com', api: 'api.portal.example.com' },
        identity: { issuerUrl: 'https://login.example.com/realms/eaf', endpoint: { cidrs: ['203.0.113.10/32'], ports: [443] } },
        components: { web: { tag: '3.0.0' }, api: { tag: '3.0.0' } },
      }),
    );
    expect(findings).toEqual([]);
    const env = Object.fromEntries(
      find(objects, 'Deployment', 'api').spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]),
    );
    expect(env).toEqual({
      SPRING_PROFILES_ACTIVE: 'staging',
      MANAGEMENT_METRICS_DISTRIBUTION_PERCENTILESHISTOGRAM_HTTP_SERVER_REQUESTS: 'true',
      OIDC_ISSUER_URL: 'https://login.example.com/realms/eaf',
      SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUER_URI: 'https://login.example.com/realms/eaf',
      SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_JWK_SET_URI: 'https://login.example.com/realms/eaf/protocol/openid-connect/certs',
      OIDC_CLIENT_ID: 'portal-api',
      OIDC_CLIENT_SECRET: { secretKeyRef: { name: 'portal-api-oidc', key: 'client-secret' } },
    });
    expect(flows).toEqual([
      'every pod -> cluster DNS: UDP 5353, TCP 5353 (name resolution)',
      'ingress controller -> web: TCP 8080 (public HTTPS traffic)',
      'ingress controller -> api: TCP 8080 (public HTTPS traffic)',
      'monitoring -> api: TCP 8080 (metrics scraping)',
      'api -> oidc-issuer: TCP 443 (identity)',
    ]);
  });

  test('a generic HTTP workload with its own port, probe paths, writable paths and metrics endpoint', () => {
    const search = defineProduct({
      name: 'search',
      components: {
        indexer: {
          kind: 'http',
          image: `${REGISTRY}/search/indexer`,
          port: 9200,
          livenessPath: '/healthz',
          readinessPath: '/readyz',
          startupPath: '/started',
          writablePaths: ['/tmp', '/var/lib/index'],
          metrics: { port: 9200, path: '/metrics' },
        },
      },
    });
    const { objects, findings, flows } = render(search, environment({ components: { indexer: { tag: '8.1.0' } } }));
    expect(findings).toEqual([]);
    const container = find(objects, 'Deployment', 'indexer').spec.template.spec.containers[0];
    expect(container.name).toBe('indexer');
    expect([container.livenessProbe.httpGet, container.readinessProbe.httpGet, container.startupProbe.httpGet]).toEqual([
      { path: '/healthz', port: 9200, scheme: 'HTTP' },
      { path: '/readyz', port: 9200, scheme: 'HTTP' },
      { path: '/started', port: 9200, scheme: 'HTTP' },
    ]);
    expect(container.volumeMounts.map((m: any) => m.mountPath)).toEqual(['/tmp', '/var/lib/index']);
    expect(objects.filter((o) => ['Route', 'Ingress', 'Cluster'].includes(o.kind))).toEqual([]);
    expect(flows).toEqual(['every pod -> cluster DNS: UDP 5353, TCP 5353 (name resolution)', 'monitoring -> indexer: TCP 9200 (metrics scraping)']);
  });
});

describe('defineProduct', () => {
  test('fails on names that refer to nothing, listing every problem with the known names', () => {
    expect(() =>
      defineProduct({
        name: 'Bad_Name',
        components: {
          api: { kind: 'spring-boot', image: 'r/api', databases: ['main'], calls: ['web'], identity: true },
          job: { kind: 'cron' as any, image: 'Registry/job' },
        },
        databases: { db: {} },
      }),
    ).toThrow(
      [
        'invalid product definition:',
        '  product Bad_Name: name: is not a valid product name (got "Bad_Name"); use a lower-case name of letters, digits and hyphens starting with a letter, at most 40 characters, e.g. api',
        '  product Bad_Name: components.api.databases[0]: names no database of the product (got "main"); use one of: db',
        '  product Bad_Name: components.api.calls[0]: names no other component of the product (got "web"); use one of: job',
        "  product Bad_Name: components.api.identity: needs an identity provider (got true); declare identity: { kind: 'keycloak' } or { kind: 'external-oidc' }, or remove it",
        '  product Bad_Name: components.job.kind: is not a component kind (got "cron"); use one of: spring-boot, nginx, http',
        '  product Bad_Name: components.job.image: is not an image repository without tag (got "Registry/job"); use an image repository without tag, e.g. registry.example.com/dvmm/api',
      ].join('\n'),
    );
  });

  test('freezes the declaration: a consumer cannot change a product after declaring it', () => {
    const product = defineProduct({ name: 'frozen', components: { api: { kind: 'spring-boot', image: 'r/api' } } });
    expect(Object.isFrozen(product)).toBe(true);
    expect(Object.isFrozen(product.components.api)).toBe(true);
  });
});
