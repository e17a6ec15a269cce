import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { createHash } from 'crypto';
import { GrafanaDashboard } from '../../imports/grafana-dashboard-grafana.integreatly.org';
import { describeValue, PropertyProblems, ValueErrors } from '../core/errors';
import { COMPONENT_NAME, DNS_LABEL, ENVIRONMENT_NAME, LABEL_VALUE, QUALIFIED_NAME } from '../core/formats';
import { deepFreeze } from '../core/freeze';
import { USER_REQUESTS } from './promql';

// The Grafana Foundation SDK (generated for Grafana 11.6), loaded on first use: importing the library, or
// delivering dashboards built elsewhere, does not load it. `resolution-mode` lets the compiler find the SDK's
// sub-modules through its package `exports` (the repository resolves modules the Node 10 way); the types are
// erased, and `require` below resolves the same sub-modules at run time.
type DashboardSdk = typeof import('@grafana/grafana-foundation-sdk/dashboard', { with: { 'resolution-mode': 'require' } });
type PrometheusSdk = typeof import('@grafana/grafana-foundation-sdk/prometheus', { with: { 'resolution-mode': 'require' } });
type TimeseriesSdk = typeof import('@grafana/grafana-foundation-sdk/timeseries', { with: { 'resolution-mode': 'require' } });
type StatSdk = typeof import('@grafana/grafana-foundation-sdk/stat', { with: { 'resolution-mode': 'require' } });
type CommonSdk = typeof import('@grafana/grafana-foundation-sdk/common', { with: { 'resolution-mode': 'require' } });

interface Sdk {
  readonly dashboard: DashboardSdk;
  readonly prometheus: PrometheusSdk;
  readonly timeseries: TimeseriesSdk;
  readonly stat: StatSdk;
  readonly common: CommonSdk;
}

let loaded: Sdk | undefined;
function sdk(): Sdk {
  loaded ??= {
    dashboard: require('@grafana/grafana-foundation-sdk/dashboard') as DashboardSdk,
    prometheus: require('@grafana/grafana-foundation-sdk/prometheus') as PrometheusSdk,
    timeseries: require('@grafana/grafana-foundation-sdk/timeseries') as TimeseriesSdk,
    stat: require('@grafana/grafana-foundation-sdk/stat') as StatSdk,
    common: require('@grafana/grafana-foundation-sdk/common') as CommonSdk,
  };
  return loaded;
}

/** One Prometheus label selector without braces, e.g. `namespace="dvmm-production", job="api"`. */
export type Selector = string;

/** What the dashboards of one product environment show. */
export interface DashboardInput {
  /** Product name, e.g. `dvmm`. */
  readonly product: string;
  /** Environment name, e.g. `production`. */
  readonly environment: string;
  /** The namespace the environment runs in, e.g. `dvmm-production`. */
  readonly namespace: string;
  /** Spring Boot APIs: their metric selector (series of that component) and container selector (cAdvisor / kube-state-metrics series). */
  readonly apis: ReadonlyArray<{ readonly name: string; readonly metrics: Selector; readonly containers: Selector }>;
  /** CloudNativePG clusters: selector of their PostgreSQL exporter series, and of their PVCs' kubelet volume stats. */
  readonly databases: ReadonlyArray<{ readonly name: string; readonly metrics: Selector; readonly volumes: Selector }>;
  /** Keycloak, when the product has its own. */
  readonly keycloak?: { readonly name: string; readonly metrics: Selector };
}

/** A Grafana dashboard: its uid, its title and its JSON model (plain data, as Grafana stores it). */
export interface DashboardModel {
  readonly uid: string;
  readonly title: string;
  readonly json: Record<string, unknown>;
}

/** The longest dashboard uid Grafana accepts. */
export const MAX_DASHBOARD_UID_LENGTH = 40;

/** The dashboard variable every panel takes its Prometheus data source from. */
export const DATASOURCE_VARIABLE = 'datasource';

/** The data source of every panel and query: the dashboard's data-source variable. */
const DATASOURCE = deepFreeze({ type: 'prometheus', uid: `\${${DATASOURCE_VARIABLE}}` });

/** Grafana's rate window that follows the dashboard's interval and the data source's scrape interval. */
const RATE = '[$__rate_interval]';

/**
 * The dashboards of one product environment, built with the Grafana Foundation SDK: an API dashboard (golden
 * signals, a row per API) when there are APIs, a PostgreSQL dashboard (CloudNativePG, a row per cluster) when there
 * are databases, and a Keycloak dashboard when the product has its own. Same input, same JSON: no timestamps,
 * no generated ids.
 *
 * @throws Error naming every bad field of `input` at once
 */
export function productDashboards(input: DashboardInput): DashboardModel[] {
  validateInput(input);
  const dashboards: DashboardModel[] = [];
  if (input.apis.length > 0) {
    dashboards.push(
      build(
        input,
        'api',
        'API',
        input.apis.map((api) => ({ title: api.name, panels: apiPanels(api.name, api.metrics, api.containers) })),
      ),
    );
  }
  if (input.databases.length > 0) {
    dashboards.push(
      build(
        input,
        'postgresql',
        'PostgreSQL',
        input.databases.map((db) => ({ title: db.name, panels: postgresPanels(db.name, db.metrics, db.volumes) })),
      ),
    );
  }
  if (input.keycloak !== undefined) {
    dashboards.push(
      build(input, 'keycloak', 'Keycloak', [{ title: input.keycloak.name, panels: keycloakPanels(input.keycloak.name, input.keycloak.metrics) }]),
    );
  }
  return dashboards;
}

/** Every PromQL expression of a dashboard, in panel order (panels of collapsed rows after their row). */
export function dashboardQueries(dashboard: DashboardModel): string[] {
  // Grafana's JSON as stored: whatever is missing or of another type is skipped.
  const list = (value: unknown): any[] => (Array.isArray(value) ? value : []);
  const queries: string[] = [];
  const visit = (panel: any): void => {
    for (const target of list(panel?.targets)) {
      if (typeof target?.expr === 'string') queries.push(target.expr);
    }
    list(panel?.panels).forEach(visit);
  };
  list(dashboard.json.panels).forEach(visit);
  return queries;
}

/**
 * The uid of a product environment's dashboard: `<product>-<environment>-<kind>`; when that is longer than Grafana
 * allows (40), its start, a hash of the whole and the kind, so it stays unique and readable.
 */
export function dashboardUid(product: string, environment: string, kind: string): string {
  const full = `${product}-${environment}-${kind}`;
  if (full.length <= MAX_DASHBOARD_UID_LENGTH) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  const head = `${product}-${environment}`.slice(0, MAX_DASHBOARD_UID_LENGTH - kind.length - hash.length - 2).replace(/-+$/, '');
  return `${head}-${hash}-${kind}`;
}

// ---------------------------------------------------------------------------------------------------------------
// What each dashboard shows: panels as data, so every query is written in one place.

interface Query {
  readonly expr: string;
  readonly legend: string;
}

interface PanelSpec {
  readonly kind: 'timeseries' | 'stat';
  readonly title: string;
  readonly description: string;
  /** Grafana unit id, e.g. `reqps`, `percentunit`, `s`, `bytes`. */
  readonly unit: string;
  /** Grid columns of 24. */
  readonly width: number;
  readonly queries: readonly Query[];
  /** Values from 0 to 1 (ratios). */
  readonly ratio?: boolean;
  /** Colour steps: green below the first, then orange, then red. */
  readonly warnAt?: readonly [number, number];
  /** Stat panels: red below 1, green from 1 (up / down). */
  readonly upDown?: boolean;
}

interface RowSpec {
  readonly title: string;
  readonly panels: readonly PanelSpec[];
}

/** `{<selector>, <extra matchers>}`. */
function sel(selector: Selector, ...extra: string[]): string {
  return `{${[selector.trim(), ...extra].join(', ')}}`;
}

function apiPanels(name: string, metrics: Selector, containers: Selector): PanelSpec[] {
  // Users' requests only, as in the alerts: the kubelet's probes and the scrapes hit the actuator.
  const requests = `http_server_requests_seconds_count${sel(metrics, USER_REQUESTS)}`;
  const serverErrors = `http_server_requests_seconds_count${sel(metrics, USER_REQUESTS, 'outcome="SERVER_ERROR"')}`;
  const buckets = `http_server_requests_seconds_bucket${sel(metrics, USER_REQUESTS)}`;
  const quantile = (q: number, legend: string): Query => ({ expr: `histogram_quantile(${q}, sum by (le) (rate(${buckets}${RATE})))`, legend });
  return [
    {
      kind: 'timeseries',
      title: `${name} - Traffic`,
      unit: 'reqps',
      width: 8,
      description: 'HTTP requests per second served by all pods.',
      queries: [{ expr: `sum(rate(${requests}${RATE}))`, legend: 'requests/s' }],
    },
    {
      kind: 'timeseries',
      title: `${name} - Errors`,
      unit: 'percentunit',
      width: 8,
      ratio: true,
      warnAt: [0.01, 0.05],
      description: 'Share of requests that ended in a server error (outcome SERVER_ERROR, HTTP 5xx).',
      queries: [{ expr: `(sum(rate(${serverErrors}${RATE})) or vector(0)) / sum(rate(${requests}${RATE}))`, legend: 'server errors' }],
    },
    {
      kind: 'timeseries',
      title: `${name} - Latency`,
      unit: 's',
      width: 8,
      description: 'Request duration percentiles from the HTTP server histogram (needs percentiles-histogram enabled for http.server.requests).',
      queries: [quantile(0.5, 'P50'), quantile(0.95, 'P95'), quantile(0.99, 'P99')],
    },
    {
      kind: 'timeseries',
      title: `${name} - CPU of limit`,
      unit: 'percentunit',
      width: 8,
      ratio: true,
      warnAt: [0.8, 0.9],
      description: 'CPU used by each pod as a share of its CPU limit.',
      queries: [
        {
          expr: `sum by (pod) (rate(container_cpu_usage_seconds_total${sel(containers)}${RATE})) / sum by (pod) (kube_pod_container_resource_limits${sel(containers, 'resource="cpu"')})`,
          legend: '{{pod}}',
        },
      ],
    },
    {
      kind: 'timeseries',
      title: `${name} - Memory of limit`,
      unit: 'percentunit',
      width: 8,
      ratio: true,
      warnAt: [0.8, 0.9],
      description: 'Working-set memory of each pod as a share of its memory limit (the OOM killer acts at 100%).',
      queries: [
        {
          expr: `sum by (pod) (container_memory_working_set_bytes${sel(containers)}) / sum by (pod) (kube_pod_container_resource_limits${sel(containers, 'resource="memory"')})`,
          legend: '{{pod}}',
        },
      ],
    },
    {
      kind: 'timeseries',
      title: `${name} - Connection pool`,
      unit: 'percentunit',
      width: 8,
      ratio: true,
      warnAt: [0.8, 0.9],
      description: 'Active database connections of each pod as a share of its HikariCP pool size.',
      queries: [
        {
          expr: `sum by (pod) (hikaricp_connections_active${sel(metrics)}) / sum by (pod) (hikaricp_connections_max${sel(metrics)})`,
          legend: '{{pod}}',
        },
      ],
    },
  ];
}

function postgresPanels(name: string, metrics: Selector, volumes: Selector): PanelSpec[] {
  const backupAge = (metric: string, legend: string): Query => ({ expr: `time() - max(${metric}${sel(metrics)} > 0)`, legend });
  return [
    {
      kind: 'stat',
      title: `${name} - Instances up`,
      unit: 'none',
      width: 4,
      upDown: true,
      description: 'Whether the CloudNativePG exporter of each instance could read PostgreSQL (1 up, 0 down).',
      queries: [{ expr: `cnpg_collector_up${sel(metrics)}`, legend: '{{pod}}' }],
    },
    {
      kind: 'timeseries',
      title: `${name} - Connections`,
      unit: 'short',
      width: 10,
      description: 'Backends (connections) of each instance, against max_connections.',
      queries: [
        { expr: `sum by (pod) (cnpg_backends_total${sel(metrics)})`, legend: '{{pod}}' },
        { expr: `max(cnpg_pg_settings_setting${sel(metrics, 'name="max_connections"')})`, legend: 'max_connections' },
      ],
    },
    {
      kind: 'timeseries',
      title: `${name} - Replication lag`,
      unit: 's',
      width: 10,
      warnAt: [10, 60],
      description: 'How far each replica is behind the primary.',
      queries: [{ expr: `max by (pod) (cnpg_pg_replication_lag${sel(metrics)})`, legend: '{{pod}}' }],
    },
    {
      kind: 'timeseries',
      title: `${name} - WAL archiving`,
      unit: 'ops',
      width: 6,
      description: 'WAL segments archived and archiving failures per second.',
      queries: [
        { expr: `sum(rate(cnpg_pg_stat_archiver_archived_count${sel(metrics)}${RATE}))`, legend: 'archived' },
        { expr: `sum(rate(cnpg_pg_stat_archiver_failed_count${sel(metrics)}${RATE}))`, legend: 'failed' },
      ],
    },
    {
      kind: 'timeseries',
      title: `${name} - Since last WAL archival`,
      unit: 's',
      width: 6,
      warnAt: [600, 3600],
      description: 'Seconds since each instance last archived a WAL segment (archive_timeout bounds it on a healthy primary).',
      queries: [{ expr: `cnpg_pg_stat_archiver_seconds_since_last_archival${sel(metrics)}`, legend: '{{pod}}' }],
    },
    {
      kind: 'timeseries',
      title: `${name} - Backup age`,
      unit: 's',
      width: 6,
      warnAt: [93600, 172800],
      description: 'Age of the last available and of the last failed base backup (barman-cloud plugin).',
      queries: [
        backupAge('barman_cloud_cloudnative_pg_io_last_available_backup_timestamp', 'last available backup'),
        backupAge('barman_cloud_cloudnative_pg_io_last_failed_backup_timestamp', 'last failed backup'),
      ],
    },
    {
      kind: 'timeseries',
      title: `${name} - Disk used`,
      unit: 'percentunit',
      width: 6,
      ratio: true,
      warnAt: [0.8, 0.9],
      description: 'Used share of each PostgreSQL volume.',
      queries: [
        {
          expr: `sum by (persistentvolumeclaim) (kubelet_volume_stats_used_bytes${sel(volumes)}) / sum by (persistentvolumeclaim) (kubelet_volume_stats_capacity_bytes${sel(volumes)})`,
          legend: '{{persistentvolumeclaim}}',
        },
      ],
    },
  ];
}

function keycloakPanels(name: string, metrics: Selector): PanelSpec[] {
  const requests = `http_server_requests_seconds_count${sel(metrics)}`;
  const serverErrors = `http_server_requests_seconds_count${sel(metrics, 'status=~"5.."')}`;
  return [
    {
      kind: 'stat',
      title: `${name} - Up`,
      unit: 'none',
      width: 4,
      upDown: true,
      description: 'Whether Prometheus could scrape each Keycloak pod (1 up, 0 down).',
      queries: [{ expr: `up${sel(metrics)}`, legend: '{{pod}}' }],
    },
    {
      kind: 'timeseries',
      title: `${name} - Requests`,
      unit: 'reqps',
      width: 10,
      description: 'HTTP requests per second served by Keycloak.',
      queries: [{ expr: `sum(rate(${requests}${RATE}))`, legend: 'requests/s' }],
    },
    {
      kind: 'timeseries',
      title: `${name} - 5xx ratio`,
      unit: 'percentunit',
      width: 10,
      ratio: true,
      warnAt: [0.01, 0.05],
      description: 'Share of Keycloak requests answered with HTTP 5xx.',
      queries: [{ expr: `(sum(rate(${serverErrors}${RATE})) or vector(0)) / sum(rate(${requests}${RATE}))`, legend: '5xx' }],
    },
    {
      kind: 'timeseries',
      title: `${name} - Login failures`,
      unit: 'ops',
      width: 12,
      description: 'Password validations that failed (invalid credentials) per second; a rise may be a brute-force attempt.',
      queries: [
        {
          expr: `sum(rate(keycloak_credentials_password_hashing_validations_total${sel(metrics, 'outcome="invalid"')}${RATE}))`,
          legend: 'invalid passwords/s',
        },
      ],
    },
    {
      kind: 'timeseries',
      title: `${name} - JVM heap`,
      unit: 'bytes',
      width: 12,
      description: 'Heap memory used by each Keycloak pod.',
      queries: [{ expr: `sum by (pod) (jvm_memory_used_bytes${sel(metrics, 'area="heap"')})`, legend: '{{pod}}' }],
    },
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// Building: the SDK's builders turn the specs into Grafana's JSON model.

const PANEL_HEIGHT = 8;

function build(input: DashboardInput, kind: string, kindTitle: string, rows: readonly RowSpec[]): DashboardModel {
  const { dashboard, timeseries, stat, prometheus, common } = sdk();
  const uid = dashboardUid(input.product, input.environment, kind);
  const title = `${input.product.toUpperCase()} ${input.environment} - ${kindTitle}`;
  const builder = new dashboard.DashboardBuilder(title)
    .uid(uid)
    .description(
      `${kindTitle} of ${input.product} in ${input.environment} (namespace ${input.namespace}). Generated by @eaf/cdk8s; changes made in Grafana are overwritten.`,
    )
    .tags([input.product, input.environment, 'eaf'])
    .time({ from: 'now-6h', to: 'now' })
    .refresh('1m')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .readonly()
    .withVariable(new dashboard.DatasourceVariableBuilder(DATASOURCE_VARIABLE).label('Data source').type('prometheus'));

  // Panel ids are numbered in order, so links to a panel (`viewPanel=<id>`) survive a regeneration.
  let id = 0;
  const thresholds = (steps: Array<{ value: number | null; color: string }>) =>
    new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(steps);
  for (const row of rows) {
    builder.withRow(new dashboard.RowBuilder(row.title).id(++id));
    for (const panel of row.panels) {
      const targets = panel.queries.map((query, i) =>
        new prometheus.DataqueryBuilder()
          .refId(String.fromCharCode(65 + i))
          .expr(query.expr)
          .legendFormat(query.legend)
          .datasource({ ...DATASOURCE }),
      );
      const steps = panel.upDown
        ? [
            { value: null, color: 'red' },
            { value: 1, color: 'green' },
          ]
        : [
            { value: null, color: 'green' },
            ...(panel.warnAt
              ? [
                  { value: panel.warnAt[0], color: 'orange' },
                  { value: panel.warnAt[1], color: 'red' },
                ]
              : []),
          ];
      // Each kind named: a panel of no known kind is left out, never drawn as another kind.
      switch (panel.kind) {
        case 'stat': {
          const built = new stat.PanelBuilder()
            .id(++id)
            .title(panel.title)
            .description(panel.description)
            .datasource({ ...DATASOURCE })
            .unit(panel.unit)
            .span(panel.width)
            .height(PANEL_HEIGHT)
            .thresholds(thresholds(steps))
            .colorMode(common.BigValueColorMode.Background)
            .graphMode(common.BigValueGraphMode.None)
            .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));
          targets.forEach((target) => built.withTarget(target));
          builder.withPanel(built);
          break;
        }
        case 'timeseries': {
          const built = new timeseries.PanelBuilder()
            .id(++id)
            .title(panel.title)
            .description(panel.description)
            .datasource({ ...DATASOURCE })
            .unit(panel.unit)
            .span(panel.width)
            .height(PANEL_HEIGHT)
            .thresholds(thresholds(steps))
            .legend(
              new common.VizLegendOptionsBuilder()
                .showLegend(true)
                .displayMode(common.LegendDisplayMode.List)
                .placement(common.LegendPlacement.Bottom),
            )
            .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending));
          if (panel.ratio) built.min(0).max(1);
          if (panel.warnAt) built.thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed));
          targets.forEach((target) => built.withTarget(target));
          builder.withPanel(built);
          break;
        }
      }
    }
  }
  // Plain data: the SDK's objects carry helper functions and unset fields, which JSON drops.
  return { uid, title, json: JSON.parse(JSON.stringify(builder.build())) as Record<string, unknown> };
}

// ---------------------------------------------------------------------------------------------------------------
// Validation: every bad field reported at once, in the house format.

function validateInput(input: DashboardInput): void {
  const problems: string[] = [];
  const at = (field: string, problem: string, value: unknown, fix: string) =>
    problems.push(`${field} ${problem} (got ${describeValue(value)}); ${fix}`);
  if (!COMPONENT_NAME.test(input.product)) at('product', 'is not a valid product name', input.product, COMPONENT_NAME.fix);
  if (!ENVIRONMENT_NAME.test(input.environment)) at('environment', 'is not a valid environment name', input.environment, ENVIRONMENT_NAME.fix);
  if (!DNS_LABEL.test(input.namespace)) at('namespace', 'is not a valid namespace', input.namespace, DNS_LABEL.fix);
  const selector = (field: string, value: unknown) => {
    if (typeof value !== 'string' || value.trim() === '') {
      at(
        field,
        'must name at least one label matcher',
        value,
        'select the component\'s series, e.g. namespace="dvmm-production", job="api" (an empty selector would show every workload of the cluster)',
      );
    } else if (/[{}]/.test(value) || /^\s*,|,\s*$/.test(value)) {
      at(field, 'must be label matchers without braces', value, 'write the matchers alone, e.g. namespace="dvmm-production", job="api"');
    }
  };
  const names = (field: string, list: ReadonlyArray<{ readonly name: string }>) => {
    const seen = new Set<string>();
    list.forEach((item, i) => {
      if (!DNS_LABEL.test(item.name)) at(`${field}[${i}].name`, 'is not a valid name', item.name, DNS_LABEL.fix);
      else if (seen.has(item.name))
        at(`${field}[${i}].name`, 'is used twice', item.name, 'give each its own name: rows and panel titles are named after it');
      seen.add(item.name);
    });
  };
  names('apis', input.apis);
  input.apis.forEach((api, i) => {
    selector(`apis[${i}].metrics`, api.metrics);
    selector(`apis[${i}].containers`, api.containers);
  });
  names('databases', input.databases);
  input.databases.forEach((db, i) => {
    selector(`databases[${i}].metrics`, db.metrics);
    selector(`databases[${i}].volumes`, db.volumes);
  });
  if (input.keycloak !== undefined) {
    if (!DNS_LABEL.test(input.keycloak.name)) at('keycloak.name', 'is not a valid name', input.keycloak.name, DNS_LABEL.fix);
    selector('keycloak.metrics', input.keycloak.metrics);
  }
  if (problems.length > 0) {
    throw new ValueErrors(problems.map((p) => `dashboards of ${input.product}/${input.environment}: ${p}`));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Delivery.

/** Defaults of {@link ProductDashboards}. Frozen: override through props. */
export const PRODUCT_DASHBOARDS_DEFAULTS = deepFreeze({
  delivery: 'configmap' as 'configmap' | 'grafana-operator',
  /** The label the Grafana Helm chart's dashboard sidecar watches by default. */
  sidecarLabels: { grafana_dashboard: '1' } as Readonly<Record<string, string>>,
  instanceSelector: { dashboards: 'grafana' } as Readonly<Record<string, string>>,
});

/** The annotation the Grafana dashboard sidecar takes the folder from (its `folderAnnotation` setting). */
export const GRAFANA_FOLDER_ANNOTATION = 'grafana_folder';

/** Props of {@link ProductDashboards}. */
export interface ProductDashboardsProps {
  /** The dashboards, e.g. from {@link productDashboards}. */
  readonly dashboards: readonly DashboardModel[];
  /** 'configmap': one ConfigMap per dashboard labelled for the Grafana sidecar; 'grafana-operator': one GrafanaDashboard (grafana.integreatly.org/v1beta1). @default 'configmap' */
  readonly delivery?: 'configmap' | 'grafana-operator';
  /** Sidecar label (configmap delivery). @default { grafana_dashboard: '1' } */
  readonly sidecarLabels?: Readonly<Record<string, string>>;
  /** Which Grafana instances pick it up (grafana-operator delivery). @default { dashboards: 'grafana' } (as matchLabels) */
  readonly instanceSelector?: Readonly<Record<string, string>>;
  /** Folder in Grafana. @default - the product name (the first tag the dashboards share) */
  readonly folder?: string;
}

/**
 * Delivers dashboards to Grafana: one ConfigMap per dashboard for the Grafana sidecar (`<uid>.json`, the folder in
 * the `grafana_folder` annotation), or one `GrafanaDashboard` per dashboard for the Grafana Operator. Objects are
 * named after the dashboard uid. The JSON is compact (`JSON.stringify` without indentation): the manifest YAML prints
 * a string on one line either way, so indentation would only double its size (about 8 KB per dashboard compact).
 */
export class ProductDashboards extends Construct {
  /** How the dashboards reach Grafana. */
  public readonly delivery: 'configmap' | 'grafana-operator';
  /** Labels of the ConfigMaps (configmap delivery). */
  public readonly sidecarLabels: Readonly<Record<string, string>>;
  /** matchLabels of the Grafana instances (grafana-operator delivery). */
  public readonly instanceSelector: Readonly<Record<string, string>>;
  /** The Grafana folder. @default - none when there are no dashboards */
  public readonly folder?: string;
  /** One object per dashboard, in the order given: ConfigMaps or GrafanaDashboards. */
  public readonly resources: readonly ApiObject[];

  constructor(scope: Construct, id: string, props: ProductDashboardsProps) {
    super(scope, id);
    this.delivery = props.delivery ?? PRODUCT_DASHBOARDS_DEFAULTS.delivery;
    this.sidecarLabels = props.sidecarLabels ?? PRODUCT_DASHBOARDS_DEFAULTS.sidecarLabels;
    this.instanceSelector = props.instanceSelector ?? PRODUCT_DASHBOARDS_DEFAULTS.instanceSelector;
    this.folder = props.folder ?? sharedFirstTag(props.dashboards);

    const problems = new PropertyProblems(this);
    if (this.delivery !== 'configmap' && this.delivery !== 'grafana-operator') {
      problems.add('delivery', 'is not a delivery', this.delivery, "use 'configmap' or 'grafana-operator'");
    }
    const uids = new Set<string>();
    props.dashboards.forEach((d, i) => {
      if (!DNS_LABEL.test(d.uid) || d.uid.length > MAX_DASHBOARD_UID_LENGTH) {
        problems.add(
          `dashboards[${i}].uid`,
          `must be a DNS label of at most ${MAX_DASHBOARD_UID_LENGTH} characters`,
          d.uid,
          'use lower-case letters, digits and hyphens (it names the object and is the Grafana uid)',
        );
      } else if (uids.has(d.uid)) {
        problems.add(`dashboards[${i}].uid`, 'is used twice', d.uid, 'give each dashboard its own uid');
      }
      uids.add(d.uid);
      if (d.json.uid !== d.uid)
        problems.add(`dashboards[${i}].json.uid`, 'differs from the dashboard uid', d.json.uid, `set json.uid to ${JSON.stringify(d.uid)}`);
    });
    if (props.folder !== undefined && props.folder.trim() === '') {
      problems.add('folder', 'must not be blank', props.folder, 'name the folder, or leave it out to use the product name');
    } else if (props.dashboards.length > 0 && this.folder === undefined) {
      problems.add('folder', 'cannot be derived: the dashboards share no first tag', props.folder, 'set folder');
    }
    const labels = (field: string, map: Readonly<Record<string, string>>) => {
      if (Object.keys(map).length === 0)
        problems.add(field, 'must hold at least one label', map, 'name the label Grafana selects by, e.g. { grafana_dashboard: "1" }');
      for (const [key, value] of Object.entries(map)) {
        if (!QUALIFIED_NAME.test(key)) problems.add(`${field}.${key}`, 'is not a valid label key', key, QUALIFIED_NAME.fix);
        if (!LABEL_VALUE.test(value)) problems.add(`${field}.${key}`, 'is not a valid label value', value, LABEL_VALUE.fix);
      }
    };
    if (this.delivery === 'configmap') labels('sidecarLabels', this.sidecarLabels);
    else labels('instanceSelector', this.instanceSelector);
    problems.throwIfAny();

    this.resources = props.dashboards.map((d) => {
      const json = JSON.stringify(d.json);
      if (this.delivery === 'grafana-operator') {
        return new GrafanaDashboard(this, d.uid, {
          metadata: { name: d.uid },
          spec: { instanceSelector: { matchLabels: { ...this.instanceSelector } }, folder: this.folder, json },
        });
      }
      return new kplus.k8s.KubeConfigMap(this, d.uid, {
        metadata: { name: d.uid, labels: { ...this.sidecarLabels }, annotations: { [GRAFANA_FOLDER_ANNOTATION]: this.folder as string } },
        data: { [`${d.uid}.json`]: json },
      });
    });
  }
}

/** The first tag every dashboard carries (productDashboards tags them `[product, environment, 'eaf']`). */
function sharedFirstTag(dashboards: readonly DashboardModel[]): string | undefined {
  const firsts = new Set(dashboards.map((d) => (Array.isArray(d.json.tags) ? d.json.tags[0] : undefined)));
  const [only] = firsts;
  return firsts.size === 1 && typeof only === 'string' ? only : undefined;
}
