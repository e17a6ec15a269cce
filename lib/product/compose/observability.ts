import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { longestCronGapSeconds } from '../../core/cron';
import { PostgresCluster } from '../../data/postgres-cluster';
import { IIdentityProvider } from '../../identity/identity-provider';
import { Exposure } from '../../network/exposure';
import { AlertRouting, AlertRoutingProps } from '../../observability/alert-routing';
import { ALERT_DEFAULTS, AlertTargets } from '../../observability/alerts';
import { productDashboards, ProductDashboards, ProductDashboardsProps } from '../../observability/dashboards';
import { ProductAlerts, ProductAlertsProps } from '../../observability/product-alerts';
import { matchers } from '../../observability/promql';
import { UptimeProbes, UptimeProbesProps } from '../../observability/uptime-probes';
import { EafWorkload } from '../../workloads/eaf-workload';
import { Composition } from '../composition';
import { hasRequestMetrics } from './delivery';

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
  const targets = c.attempt(() => alertTargets(c, parts));
  const settings = c.environment.observability ?? {};
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
      },
      'observability',
      (p: ProductAlertsProps) => new ProductAlerts(scope, 'alerts', p),
    );
  const dashboards = targets && composeDashboards(c, scope, targets);
  const alerting = settings.alerting;
  const routing =
    alerting &&
    c.build(
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
    apis: components
      .filter(([name, w]) => hasRequestMetrics(c, name, w))
      .map(([name, w]) => ({
        name,
        metrics: { namespace, job: w.podMetrics!.job },
        containers: { namespace, container: w.containerName },
        connectionPool: (c.product.components[name].databases ?? []).length > 0,
      })),
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
    })),
    keycloak: inCluster && { name: inCluster.name, metrics: { namespace, job: inCluster.metricsJob } },
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
      apis: targets.apis.map((api) => ({ name: api.name, metrics: matchers(api.metrics), containers: matchers(api.containers) })),
      databases: targets.databases.map((db) => ({
        name: db.name,
        metrics: matchers(db.metrics),
        volumes: matchers({ namespace: db.volumes.namespace }, `persistentvolumeclaim=~${JSON.stringify(db.volumes.claimPattern)}`),
      })),
      keycloak: targets.keycloak && { name: targets.keycloak.name, metrics: matchers(targets.keycloak.metrics) },
    });
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
  if (probes === undefined || Object.keys(exposures).length === 0) return undefined;
  const urls = Object.fromEntries(Object.keys(exposures).map((key) => [key, `https://${c.environment.hosts[key]}/`]));
  return c.build(
    scope,
    'probes',
    { name: `${c.product.name}-uptime`, urls, proberUrl: probes.proberUrl, module: probes.module, interval: probes.interval },
    'observability.probes',
    (p: UptimeProbesProps) => new UptimeProbes(scope, 'probes', p),
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
