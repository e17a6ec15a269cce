import { DashboardApi, PanelSpec, Query, Selector } from './dashboard-model';
import { Sli, sliSeries, SPRING_BOOT_SLI } from './sli';

/** What each dashboard shows: panels as data, so every query is written in one place. */

/** Grafana's rate window that follows the dashboard's interval and the data source's scrape interval. */
export const RATE = '[$__rate_interval]';

/** `{<selector>, <extra matchers>}`. */
function sel(selector: Selector, ...extra: string[]): string {
  return `{${[selector.trim(), ...extra].join(', ')}}`;
}

/** The row of a component with request metrics: its golden signals through its indicator, its containers, its pool. */
export function apiPanels(api: DashboardApi): PanelSpec[] {
  const sli = api.sli ?? SPRING_BOOT_SLI;
  return [
    ...requestPanels(api.name, sli, api.metrics),
    ...containerPanels(api.name, api.containers),
    ...(api.connectionPool === false ? [] : [poolPanel(api.name, api.metrics)]),
  ];
}

/** Traffic, errors and (with a histogram) latency of users' requests, as the alerts read them. */
function requestPanels(name: string, sli: Sli, metrics: Selector): PanelSpec[] {
  const spring = sli.source === 'spring-boot';
  const requests = sliSeries(sli.total, metrics);
  const serverErrors = sliSeries(sli.errors, metrics);
  const panels: PanelSpec[] = [
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
      description: `Share of requests that ended in a server error (${spring ? 'outcome SERVER_ERROR, HTTP 5xx' : sli.errorsNote}).`,
      queries: [{ expr: `(sum(rate(${serverErrors}${RATE})) or vector(0)) / sum(rate(${requests}${RATE}))`, legend: 'server errors' }],
    },
  ];
  if (sli.latency === undefined) return panels;
  const buckets = sliSeries(sli.latency, metrics);
  const quantile = (q: number, legend: string): Query => ({ expr: `histogram_quantile(${q}, sum by (le) (rate(${buckets}${RATE})))`, legend });
  const note = spring ? 'needs percentiles-histogram enabled for http.server.requests' : sli.latencyNote;
  panels.push({
    kind: 'timeseries',
    title: `${name} - Latency`,
    unit: 's',
    width: 8,
    description: `Request duration percentiles from the HTTP server histogram (${note}).`,
    queries: [quantile(0.5, 'P50'), quantile(0.95, 'P95'), quantile(0.99, 'P99')],
  });
  return panels;
}

/** CPU and memory of each pod against its limits. */
function containerPanels(name: string, containers: Selector): PanelSpec[] {
  return [
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
          expr:
            `sum by (pod) (rate(container_cpu_usage_seconds_total${sel(containers)}${RATE})) / ` +
            `sum by (pod) (kube_pod_container_resource_limits${sel(containers, 'resource="cpu"')})`,
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
          expr:
            `sum by (pod) (container_memory_working_set_bytes${sel(containers)}) / ` +
            `sum by (pod) (kube_pod_container_resource_limits${sel(containers, 'resource="memory"')})`,
          legend: '{{pod}}',
        },
      ],
    },
  ];
}

/** Active connections of each pod against its HikariCP pool. */
function poolPanel(name: string, metrics: Selector): PanelSpec {
  return {
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
  };
}

/** The row of a CloudNativePG cluster: its instances and connections, then its WAL, backups and disk. */
export function postgresPanels(name: string, metrics: Selector, volumes: Selector): PanelSpec[] {
  return [...postgresInstancePanels(name, metrics), ...postgresStoragePanels(name, metrics, volumes)];
}

function postgresInstancePanels(name: string, metrics: Selector): PanelSpec[] {
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
  ];
}

function postgresStoragePanels(name: string, metrics: Selector, volumes: Selector): PanelSpec[] {
  const backupAge = (metric: string, legend: string): Query => ({ expr: `time() - max(${metric}${sel(metrics)} > 0)`, legend });
  return [
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
          expr:
            `sum by (persistentvolumeclaim) (kubelet_volume_stats_used_bytes${sel(volumes)}) / ` +
            `sum by (persistentvolumeclaim) (kubelet_volume_stats_capacity_bytes${sel(volumes)})`,
          legend: '{{persistentvolumeclaim}}',
        },
      ],
    },
  ];
}

export function keycloakPanels(name: string, metrics: Selector): PanelSpec[] {
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
