import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { PropertyError } from '../../core/errors';
import { longestCronGapSeconds } from '../../core/cron';
import { PostgresCluster } from '../../data/postgres-cluster';
import { IIdentityProvider } from '../../identity/identity-provider';
import { Exposure } from '../../network/exposure';
import { AlertRouting, AlertRoutingProps } from '../../observability/alert-routing';
import { ALERT_DEFAULTS, AlertTargets } from '../../observability/alerts';
import { unusedAlertSettings } from '../../observability/applicability';
import { productDashboards, ProductDashboards, ProductDashboardsProps } from '../../observability/dashboards';
import { ProductAlerts, ProductAlertsProps } from '../../observability/product-alerts';
import { matchers } from '../../observability/promql';
import { RequestMetrics, Sli } from '../../observability/sli';
import { resolveSli } from '../../observability/sli-promql';
import { UPTIME_PROBES_DEFAULTS, UptimeProbes, UptimeProbesProps } from '../../observability/uptime-probes';
import { EafWorkload } from '../../workloads/eaf-workload';
import { Composition } from '../composition';
import { setting } from '../provenance';
import { ComponentDefinition } from '../product';

/** What the observability of an environment watches: its composed components, databases and identity provider. */
export interface ObservedParts {
  /** The components, by name. */
  readonly components: Readonly<Record<string, EafWorkload>>;
  /** Every database, the identity provider's included. */
  readonly databases: readonly PostgresCluster[];
  /** The identity provider. @default - none */
  readonly identity?: IIdentityProvider;
  /** The public exposures, by host key. */
  readonly exposures: Readonly<Record<string, Exposure>>;
}

/** The observability of an environment. */
export interface ComposedObservability {
  /** The alerts with their promtool tests. @default - none: the targets could not be derived */
  readonly alerts?: ProductAlerts;
  /** The dashboards. @default - none */
  readonly dashboards?: ProductDashboards;
  /** Where alerts go. @default - none: the environment names no receivers */
  readonly routing?: AlertRouting;
  /** Blackbox probes of the public hosts. @default - none: the environment names no prober */
  readonly probes?: UptimeProbes;
}

/** Alerts, dashboards, routing and uptime probes, from what the environment composed. */
export function composeObservability(c: Composition, scope: Construct, parts: ObservedParts): ComposedObservability {
  reportSliProblems(c);
  refuseUnscrapedMonitoring(c, parts);
  const targets = c.attempt(() => alertTargets(c, parts));
  const settings = c.environment.observability ?? {};
  if (targets) refuseUnused(c, targets);
  const alerts =
    targets &&
    c.build(
      scope,
      'alerts',
      {
        targets,
        thresholds: settings.thresholds,
        slo: settings.slo,
        runbookBaseUrl: c.product.runbookBaseUrl ?? ALERT_DEFAULTS.runbookBaseUrl,
        labels: settings.alerting?.labels && setting('observability.alerting.labels', settings.alerting.labels),
        for: settings.alerting?.for && setting('observability.alerting.for', settings.alerting.for),
      },
      'observability',
      (p: ProductAlertsProps) => new ProductAlerts(scope, 'alerts', p),
    );
  const dashboards = targets && composeDashboards(c, scope, targets);
  const alerting = settings.alerting;
  // The labels alone go on the alerts; a receiver or a repeat interval asks for the product's own routing.
  const routing =
    alerting === undefined || [alerting.paging, alerting.chat, alerting.repeatInterval].every((v) => v === undefined)
      ? undefined
      : c.build(
          scope,
          'routing',
          {
            name: `${c.product.name}-alerts`,
            paging: alerting.paging,
            chat: alerting.chat,
            repeatInterval: alerting.repeatInterval,
          },
          'observability.alerting',
          (p: AlertRoutingProps) => new AlertRouting(scope, 'routing', p),
        );
  return { alerts, dashboards, routing, probes: composeProbes(c, scope, parts.exposures) };
}

/**
 * What the alerts watch, from the composed objects: every Spring Boot component's series (`job` from its PodMonitor),
 * every component's containers, every database (the product's and the identity provider's) with its backup schedule
 * and RPO, and the identity provider when it runs in the cluster.
 */
function alertTargets(c: Composition, parts: ObservedParts): AlertTargets {
  const namespace = c.namespace;
  const inCluster = parts.identity?.inCluster;
  const grace = (c.environment.observability?.thresholds?.backupGraceMinutes ?? ALERT_DEFAULTS.thresholds.backupGraceMinutes) * 60;
  const components = Object.entries(parts.components);
  return {
    product: c.product.name,
    environment: c.environment.name,
    namespace,
    apis: components.flatMap(([name, w]) => {
      const sli = requestSli(c, name, w);
      if (sli === undefined) return [];
      const definition = c.product.components[name];
      return [
        {
          name,
          metrics: { namespace, job: w.podMetrics!.job },
          containers: { namespace, container: w.containerName },
          // HikariCP: Spring Boot's connection pool.
          connectionPool: definition.kind === 'spring-boot' && (definition.databases ?? []).length > 0,
          sli,
        },
      ];
    }),
    containers: components.map(([name, w]) => ({
      name,
      containers: { namespace, container: w.containerName },
      // Pods of the Deployment <name> or <name>-<colour>: <deployment>-<pod-template-hash>-<suffix>.
      podPattern: `${w.name}-(blue-|green-)?[a-z0-9]{5,10}-[a-z0-9]{5}`,
      examplePod: `${w.name}-${w.blueGreen ? 'blue-' : ''}7d4b9c8f6-x2k9p`,
    })),
    databases: parts.databases.map((cluster) => ({
      name: cluster.name,
      metrics: { namespace, job: cluster.name },
      volumes: { namespace, claimPattern: `${cluster.name}-[0-9]+(-wal)?`, exampleClaim: `${cluster.name}-1` },
      instances: cluster.instances,
      // The object-store tiers' backups are the ones the plugin reports; the most frequent one sets the age.
      backup: cluster.backup && {
        maxBackupAgeSeconds:
          Math.min(...cluster.tiers.filter((t) => t.method === 'object-store').map((t) => longestCronGapSeconds(t.schedule))) + grace,
        rpoSeconds: cluster.rpoSeconds,
      },
      restoreDrill: cluster.restoreDrill && {
        cronJob: cluster.restoreDrill.peerName,
        namespace,
        maxAgeSeconds: cluster.restoreDrill.maxAgeSeconds,
      },
    })),
    keycloak: inCluster && { name: inCluster.name, metrics: { namespace, job: inCluster.metricsJob } },
    probes:
      c.environment.observability?.probes && Object.keys(parts.exposures).length > 0
        ? { job: probeJob(c), urls: probeUrls(c, parts.exposures) }
        : undefined,
  };
}

/** The Grafana dashboards of the APIs, the databases and the identity provider. */
function composeDashboards(c: Composition, scope: Construct, targets: AlertTargets): ProductDashboards | undefined {
  const settings = c.environment.observability?.dashboards ?? {};
  return c.attempt(() => {
    const dashboards = productDashboards({
      product: targets.product,
      environment: targets.environment,
      namespace: targets.namespace,
      apis: targets.apis.map((api) => ({
        name: api.name,
        metrics: matchers(api.metrics),
        containers: matchers(api.containers),
        sli: api.sli,
        connectionPool: api.connectionPool,
      })),
      databases: targets.databases.map((db) => ({
        name: db.name,
        metrics: matchers(db.metrics),
        volumes: matchers({ namespace: db.volumes.namespace }, `persistentvolumeclaim=~${JSON.stringify(db.volumes.claimPattern)}`),
      })),
      keycloak: targets.keycloak && { name: targets.keycloak.name, metrics: matchers(targets.keycloak.metrics) },
    });
    if (dashboards.length === 0 && c.environment.observability?.dashboards !== undefined) {
      const why = 'is set, but there is no dashboard: no component has request metrics, and there is no database or Keycloak';
      c.problem(new PropertyError(c.chart, 'observability.dashboards', why, settings, 'remove it', 'observability.dashboards'));
      return undefined;
    }
    return c.build(
      scope,
      'dashboards',
      { dashboards, delivery: settings.delivery, folder: settings.folder },
      'observability.dashboards',
      (p: ProductDashboardsProps) => new ProductDashboards(scope, 'dashboards', p),
    );
  });
}

/** Blackbox probes of every public host, when the environment names a prober. */
function composeProbes(c: Composition, scope: Construct, exposures: Readonly<Record<string, Exposure>>): UptimeProbes | undefined {
  const probes = c.environment.observability?.probes;
  if (probes === undefined) return undefined;
  if (Object.keys(exposures).length === 0) {
    const why = 'is set, but the product has no public host to probe';
    c.problem(new PropertyError(c.chart, 'observability.probes', why, probes, 'mark a component public, or remove it', 'observability.probes'));
    return undefined;
  }
  const urls = probeUrls(c, exposures);
  for (const key of Object.keys(probes.paths ?? {}).filter((k) => urls[k] === undefined)) {
    const fix =
      `name a public component: ${Object.keys(urls).join(', ')} ` +
      '(a component is public when the product marks it public and the environment gives it a host)';
    c.problem(new PropertyError(c.chart, 'observability.probes.paths', 'is not a public component', key, fix, `observability.probes.paths.${key}`));
  }
  return c.build(
    scope,
    'probes',
    { name: probeJob(c), urls, proberUrl: probes.proberUrl, module: probes.module, interval: probes.interval },
    'observability.probes',
    (p: UptimeProbesProps) => new UptimeProbes(scope, 'probes', p),
  );
}

/** The job of the product's Probe, and so of its `probe_success` series. */
const probeJob = (c: Composition) => `${c.product.name}-uptime`;

/** The URLs the probes check, by host key: each path the environment lists for it, or `/`. */
function probeUrls(c: Composition, exposures: Readonly<Record<string, Exposure>>): Record<string, string[]> {
  const paths = c.environment.observability?.probes?.paths ?? {};
  return Object.fromEntries(
    Object.keys(exposures).map((key) => [
      key,
      (paths[key] ?? [UPTIME_PROBES_DEFAULTS.path]).map((path) => `https://${c.environment.hosts[key]}${path}`),
    ]),
  );
}

/** Puts the platform's selection labels (e.g. `release: prometheus`) on every monitor, rule and probe. */
export function labelMonitoringObjects(c: Composition): void {
  const labels = c.environment.observability?.monitoring?.labels ?? {};
  const kinds = ['PodMonitor', 'PrometheusRule', 'Probe', 'AlertmanagerConfig'];
  for (const object of c.chart.node.findAll().filter((o): o is ApiObject => o instanceof ApiObject && kinds.includes(o.kind))) {
    for (const [key, value] of Object.entries(labels)) object.metadata.addLabel(key, value);
  }
}

/** Whether a component declares request metrics (a spring-boot one always does: the Spring Boot preset by default). */
export function declaresRequests(definition: ComponentDefinition): boolean {
  return declaredRequests(definition) !== undefined;
}

/**
 * Where a component declares its request metrics: `requests` of a spring-boot component (by default the Spring Boot
 * preset), `metrics.requests` of an http one.
 */
function declaredRequests(definition: ComponentDefinition): { readonly field: string; readonly source: RequestMetrics } | undefined {
  switch (definition.kind) {
    case 'spring-boot':
      return { field: 'requests', source: definition.requests ?? 'spring-boot' };
    case 'http':
      return definition.metrics?.requests === undefined ? undefined : { field: 'metrics.requests', source: definition.metrics.requests };
    default:
      return undefined;
  }
}

/**
 * The indicator of a scraped component's requests, which its alerts, objectives, dashboard and release analysis read;
 * undefined when it declares none, is not scraped, or declares a bad one ({@link composeObservability} reports it).
 */
export function requestSli(c: Composition, name: string, workload: EafWorkload): Sli | undefined {
  const declared = declaredRequests(c.product.components[name]);
  return declared && workload.podMetrics !== undefined ? resolveSli(declared.source).sli : undefined;
}

/** A component's declared request metrics that are no indicator, against the product's field. */
function reportSliProblems(c: Composition): void {
  for (const [name, definition] of Object.entries(c.product.components)) {
    const declared = declaredRequests(definition);
    for (const p of declared ? resolveSli(declared.source).problems : []) {
      const field = [`components.${name}.${declared!.field}`, ...(p.field ? [p.field] : [])].join('.');
      c.problem(new PropertyError(c.chart, `product ${c.product.name}: ${field}`, p.problem, p.value, p.fix));
    }
  }
}

/** Refuses every alert setting that would change nothing here (a latency threshold without a histogram, ...). */
function refuseUnused(c: Composition, targets: AlertTargets): void {
  const settings = c.environment.observability ?? {};
  for (const unused of unusedAlertSettings(targets, settings)) {
    const value = unused.field.split('.').reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], settings);
    const setting = `observability.${unused.field}`;
    c.problem(new PropertyError(c.chart, setting, unused.reason, value, unused.fix, setting));
  }
}

/** The monitoring namespace (the scrape edges) and the scrape interval: with nothing scraped they would change nothing. */
function refuseUnscrapedMonitoring(c: Composition, parts: ObservedParts): void {
  const monitoring = c.environment.observability?.monitoring;
  const scraped = Object.values(parts.components).some((w) => w.podMetrics !== undefined) || parts.databases.length > 0 || parts.identity?.inCluster;
  if (scraped) return;
  const fix = "declare a component's metrics endpoint (metrics of an http component), or remove it";
  for (const [key, value] of [
    ['namespace', monitoring?.namespace],
    ['scrapeInterval', monitoring?.scrapeInterval],
  ] as const) {
    if (value === undefined) continue;
    const setting = `observability.monitoring.${key}`;
    c.problem(new PropertyError(c.chart, setting, 'changes nothing: no component, database or Keycloak is scraped', value, fix, setting));
  }
}
