import { deepFreeze } from '../core/freeze';
import { duration, Labels, matchers, num, seconds, series, USER_REQUESTS } from './promql';

/**
 * The alert catalogue of an EAF product: which alerts exist, their expressions, thresholds and severities, and for
 * every alert the synthetic series that make it fire (just above its threshold, after its `for`) and stay silent (just
 * below). The rules and their promtool unit tests come from the same definition, so a changed threshold changes both.
 *
 * Each alert has one name whatever component it watches (the runbook is `docs/runbooks/<alert>.md`); the static
 * labels `product`, `environment`, `namespace` and `component` tell the instances apart.
 */

/** Where an alert goes: `critical` pages, `warning` opens a ticket / chat message. */
export type Severity = 'critical' | 'warning';

/** One input series of a promtool unit test: a series and its values in promtool's expanding notation. */
export interface InputSeries {
  readonly series: string;
  readonly values: string;
}

/** A promtool unit test of one alert: the series that make it fire and those that keep it silent. */
export interface AlertTest {
  /** Sample interval of the input series. */
  readonly interval: string;
  /** When the alert is checked (after its `for`). */
  readonly evalTime: string;
  /** Series just above the threshold. */
  readonly firing: readonly InputSeries[];
  /** Series just below the threshold. */
  readonly silent: readonly InputSeries[];
  /** Labels the expression keeps on the firing alert (e.g. `pod`), besides the rule's own labels. */
  readonly outputLabels: Labels;
}

/** An alerting rule with its test. */
export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly severity: Severity;
  /** One line; may use `{{ $labels.<name> }}` of the labels the rule carries. */
  readonly summary: string;
  /** What it means; may use `{{ $labels.<name> }}`. */
  readonly description: string;
  /** Static labels (besides `severity`). */
  readonly labels: Labels;
  readonly test: AlertTest;
}

/** A recording rule. */
export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels: Labels;
}

/** A rule group of the product's PrometheusRule. */
export interface RuleGroup {
  readonly name: string;
  readonly rules: ReadonlyArray<AlertRule | RecordingRule>;
}

/** Thresholds of the platform's alert table (PLATFORM.md, Observability), each overridable per environment. */
export interface AlertThresholds {
  /** API availability (share of requests without a server error, over 1 h) below this alerts. @default 99 */
  readonly availabilityPercent: number;
  /** P95 latency above this alerts. @default 1 */
  readonly latencyP95Seconds: number;
  /** P99 latency above this alerts. @default 2 */
  readonly latencyP99Seconds: number;
  /** Server-error rate (over 5 min) above this alerts. @default 5 */
  readonly errorRatePercent: number;
  /** CPU use as a share of the container's limit above this alerts. @default 85 */
  readonly cpuPercent: number;
  /** Memory (working set) as a share of the container's limit above this alerts. @default 90 */
  readonly memoryPercent: number;
  /** Active connections as a share of the API's pool (HikariCP) above this alerts. @default 90 */
  readonly connectionPoolPercent: number;
  /** Request rate this much above the same time a week before alerts. @default 50 */
  readonly requestSpikePercent: number;
  /** PostgreSQL backends as a share of `max_connections` above this alerts. @default 90 */
  readonly databaseConnectionsPercent: number;
  /** Replication lag above this alerts. @default 30 */
  readonly replicationLagSeconds: number;
  /** A database volume fuller than this alerts. @default 85 */
  readonly diskPercent: number;
  /** Slack on the backup schedule: the last backup older than the longest gap of the schedule plus this alerts. @default 60 */
  readonly backupGraceMinutes: number;
  /** Failed password logins at Keycloak per minute above this alerts. @default 20 */
  readonly loginFailuresPerMinute: number;
}

/** The availability objective, alerted on as multi-window, multi-burn-rate error-budget burn. */
export interface SloSettings {
  /** Share of requests without a server error over 30 days. @default 99.5 */
  readonly availabilityPercent: number;
}

/** The platform's thresholds and objective (PLATFORM.md, Observability): the one place they are written. */
export const ALERT_DEFAULTS = deepFreeze({
  thresholds: {
    availabilityPercent: 99,
    latencyP95Seconds: 1,
    latencyP99Seconds: 2,
    errorRatePercent: 5,
    cpuPercent: 85,
    memoryPercent: 90,
    connectionPoolPercent: 90,
    requestSpikePercent: 50,
    databaseConnectionsPercent: 90,
    replicationLagSeconds: 30,
    diskPercent: 85,
    backupGraceMinutes: 60,
    loginFailuresPerMinute: 20,
  } satisfies AlertThresholds,
  slo: { availabilityPercent: 99.5 } satisfies SloSettings,
  /** The platform's runbooks (this repository's docs/runbooks): alert X links to `<runbookBaseUrl>/X.md`. */
  runbookBaseUrl: 'https://git.eaf.example.com/platform/eaf-cdk8s/-/blob/main/docs/runbooks',
});

/**
 * Burn-rate windows of a 30-day objective (the SRE workbook): page at 14.4x over 1 h and 5 min and at 6x over 6 h
 * and 30 min; ticket at 3x over 1 d and 2 h and at 1x over 3 d and 6 h.
 */
export const BURN_RATE_WINDOWS = deepFreeze({
  page: [
    { factor: 14.4, long: '1h', short: '5m' },
    { factor: 6, long: '6h', short: '30m' },
  ],
  ticket: [
    { factor: 3, long: '1d', short: '2h' },
    { factor: 1, long: '3d', short: '6h' },
  ],
});

/** Everything of one product environment that alerts watch, with the selectors of its series. */
export interface AlertTargets {
  readonly product: string;
  readonly environment: string;
  readonly namespace: string;
  /** Spring Boot components: their scraped series, their containers' series, and whether they have a connection pool. */
  readonly apis: ReadonlyArray<{ readonly name: string; readonly metrics: Labels; readonly containers: Labels; readonly connectionPool: boolean }>;
  /**
   * Every component's containers (CPU and memory against their limits): the container's labels, a regular expression
   * of its pods' names and one pod name that matches it.
   */
  readonly containers: ReadonlyArray<{
    readonly name: string;
    readonly containers: Labels;
    readonly podPattern: string;
    readonly examplePod: string;
  }>;
  /** CloudNativePG clusters. */
  readonly databases: ReadonlyArray<DatabaseAlertTarget>;
  /** The product's own Keycloak. */
  readonly keycloak?: { readonly name: string; readonly metrics: Labels };
}

/** A CloudNativePG cluster as alerts see it. */
export interface DatabaseAlertTarget {
  readonly name: string;
  /** Selector of its exporter series. */
  readonly metrics: Labels;
  /** Namespace and a regular expression of its PersistentVolumeClaims, and one claim name that matches it. */
  readonly volumes: { readonly namespace: string; readonly claimPattern: string; readonly exampleClaim: string };
  readonly instances: number;
  /** When it archives WAL and backs up: the newest backup's allowed age and the recovery point objective, in seconds. */
  readonly backup?: { readonly maxBackupAgeSeconds: number; readonly rpoSeconds: number };
}

/** Options of {@link productAlertGroups}. */
export interface AlertCatalogueOptions {
  readonly thresholds: AlertThresholds;
  readonly slo: SloSettings;
}

/** The name of the recording rule of the error ratio over one window. */
export function errorRatioRecord(window: string): string {
  return `eaf:api_server_errors:ratio_rate${window}`;
}

/** The window of the error-rate and latency alerts, and of a release's analysis that uses their thresholds. */
export const SHORT_WINDOW = '5m';

const REQUESTS = 'http_server_requests_seconds_count';
const SERVER_ERROR = 'outcome="SERVER_ERROR"';
/** Synthetic request volume of the tests: 6000 requests a minute (100 per second). */
const VOLUME = 6000;
/** Where a test puts its series, relative to the threshold: fire 10 % above it, stay silent 10 % below. */
const ABOVE = 1.1;
const BELOW = 0.9;

/**
 * Every rule group of one product environment: the SLO's recording rules and burn alerts, the API's, the containers',
 * the databases' and Keycloak's alerts. Groups without rules are left out.
 */
export function productAlertGroups(targets: AlertTargets, options: AlertCatalogueOptions): RuleGroup[] {
  const base = { product: targets.product, environment: targets.environment, namespace: targets.namespace };
  const t = options.thresholds;
  const prefix = `${targets.product}-${targets.environment}`;
  const groups: RuleGroup[] = [
    { name: `${prefix}.slo`, rules: targets.apis.flatMap((api) => sloRules(api.name, api.metrics, { ...base, component: api.name }, options.slo)) },
    { name: `${prefix}.api`, rules: targets.apis.flatMap((api) => apiAlerts(api, { ...base, component: api.name }, t)) },
    { name: `${prefix}.containers`, rules: targets.containers.flatMap((c) => containerAlerts(c, { ...base, component: c.name }, t)) },
    { name: `${prefix}.databases`, rules: targets.databases.flatMap((db) => databaseAlerts(db, { ...base, component: db.name }, t)) },
    {
      name: `${prefix}.identity`,
      rules: targets.keycloak ? keycloakAlerts(targets.keycloak.metrics, { ...base, component: targets.keycloak.name }, t) : [],
    },
  ];
  return groups.filter((g) => g.rules.length > 0);
}

/** Whether a rule is an alert (not a recording rule). */
export function isAlert(rule: AlertRule | RecordingRule): rule is AlertRule {
  return (rule as AlertRule).alert !== undefined;
}

/** Request counters of one component whose error ratio is `ratio`: successes and server errors, 6000 a minute in all. */
function requests(metrics: Labels, ratio: number, samples: number): InputSeries[] {
  return [
    { series: series(REQUESTS, metrics, 'outcome="SUCCESS"'), values: counter(VOLUME * (1 - ratio), samples) },
    { series: series(REQUESTS, metrics, SERVER_ERROR), values: counter(VOLUME * ratio, samples) },
  ];
}

/** A counter growing by `step` per sample, for `samples` samples. */
function counter(step: number, samples: number): string {
  return `0+${num(step)}x${samples}`;
}

/** A constant gauge. */
function gauge(value: number, samples: number): string {
  return `${num(value)}x${samples}`;
}

/** The error ratio (server errors over users' requests) of one component over a window, as PromQL. */
export function errorRatio(metrics: Labels, window: string): string {
  return `sum(rate(${series(REQUESTS, metrics, USER_REQUESTS, SERVER_ERROR)}[${window}])) / sum(rate(${series(REQUESTS, metrics, USER_REQUESTS)}[${window}]))`;
}

function sloRules(component: string, metrics: Labels, labels: Labels, slo: SloSettings): Array<RecordingRule | AlertRule> {
  const budget = 1 - slo.availabilityPercent / 100;
  const windows = [...new Set([...BURN_RATE_WINDOWS.page, ...BURN_RATE_WINDOWS.ticket].flatMap((w) => [w.short, w.long]))];
  const records: RecordingRule[] = windows.map((window) => ({ record: errorRatioRecord(window), expr: errorRatio(metrics, window), labels }));
  const recorded = (window: string) => series(errorRatioRecord(window), { namespace: labels.namespace, component });
  const burn = (ws: ReadonlyArray<{ factor: number; long: string; short: string }>) =>
    ws.map((w) => `(${recorded(w.long)} > ${num(w.factor * budget)} and ${recorded(w.short)} > ${num(w.factor * budget)})`).join(' or ');
  const objective = `${num(slo.availabilityPercent)} % availability`;
  // Fire just above the fastest clause's factor; stay silent just below the slowest one (below every clause).
  const test = (ws: ReadonlyArray<{ factor: number; long: string }>, interval: string): AlertTest => {
    const longest = Math.max(...ws.map((w) => seconds(w.long)));
    const samples = Math.ceil((longest + 900) / seconds(interval));
    return {
      interval,
      evalTime: duration(samples * seconds(interval)),
      firing: requests(metrics, ws[0].factor * budget * ABOVE, samples),
      silent: requests(metrics, ws[ws.length - 1].factor * budget * BELOW, samples),
      outputLabels: { component, namespace: labels.namespace },
    };
  };
  return [
    ...records,
    {
      alert: 'ApiErrorBudgetBurnFast',
      expr: burn(BURN_RATE_WINDOWS.page),
      for: '2m',
      severity: 'critical',
      summary: '{{ $labels.component }} burns its error budget fast',
      description: `{{ $labels.component }} in {{ $labels.namespace }} spends the error budget of its ${objective} objective at 14.4x over 1 h and 5 min or 6x over 6 h and 30 min: at this pace a 30-day budget is gone in 2 to 5 days.`,
      labels,
      test: test(BURN_RATE_WINDOWS.page, '2m'),
    },
    {
      alert: 'ApiErrorBudgetBurnSlow',
      expr: burn(BURN_RATE_WINDOWS.ticket),
      for: '15m',
      severity: 'warning',
      summary: '{{ $labels.component }} burns its error budget',
      description: `{{ $labels.component }} in {{ $labels.namespace }} spends the error budget of its ${objective} objective at 3x over 1 d and 2 h or 1x over 3 d and 6 h: the budget will not last the 30 days.`,
      labels,
      // The ticket windows start at 2 h: 10-minute samples are enough, and keep three days of test series short.
      test: test(BURN_RATE_WINDOWS.ticket, '10m'),
    },
  ];
}

function apiAlerts(api: AlertTargets['apis'][number], labels: Labels, t: AlertThresholds): AlertRule[] {
  const m = api.metrics;
  const errorBudget = 1 - t.availabilityPercent / 100;
  const errorRate = t.errorRatePercent / 100;
  const ratioTest = (ratio: number, window: number, forSeconds: number): AlertTest => {
    const samples = (window + forSeconds) / 60 + 5;
    return {
      interval: '1m',
      evalTime: `${samples}m`,
      firing: requests(m, ratio * ABOVE, samples),
      silent: requests(m, ratio * BELOW, samples),
      outputLabels: {},
    };
  };
  const rules: AlertRule[] = [
    {
      alert: 'ApiAvailabilityLow',
      expr: `1 - (${errorRatio(m, '1h')}) < ${num(1 - errorBudget)}`,
      for: '5m',
      // The objective's fast burn pages; this one opens a ticket so that one incident pages once.
      severity: 'warning',
      summary: '{{ $labels.component }} availability below ' + `${num(t.availabilityPercent)} %`,
      description: `Over the last hour fewer than ${num(t.availabilityPercent)} % of the requests to {{ $labels.component }} in {{ $labels.namespace }} ended without a server error.`,
      labels,
      // Availability falls as the error ratio rises: fire above the error budget, stay silent below it.
      test: ratioTest(errorBudget, 3600, 300),
    },
    {
      alert: 'ApiErrorRateHigh',
      expr: `${errorRatio(m, SHORT_WINDOW)} > ${num(errorRate)}`,
      for: '5m',
      severity: 'critical',
      summary: `{{ $labels.component }} answers more than ${num(t.errorRatePercent)} % of requests with a server error`,
      description: `Over the last 5 minutes more than ${num(t.errorRatePercent)} % of the requests to {{ $labels.component }} in {{ $labels.namespace }} ended with a server error (outcome SERVER_ERROR).`,
      labels,
      test: ratioTest(errorRate, 300, 300),
    },
    latencyAlert('ApiLatencyP95High', 0.95, t.latencyP95Seconds, m, labels),
    latencyAlert('ApiLatencyP99High', 0.99, t.latencyP99Seconds, m, labels),
    requestSpikeAlert(m, labels, t.requestSpikePercent),
  ];
  if (api.connectionPool) rules.splice(4, 0, connectionPoolAlert(m, labels, t.connectionPoolPercent));
  return rules;
}

/** A latency quantile (e.g. 0.95) of one component's users' requests over a window, as PromQL. */
export function latencyQuantile(quantile: number, metrics: Labels, window: string): string {
  return `histogram_quantile(${num(quantile)}, sum by (le) (rate(${series('http_server_requests_seconds_bucket', metrics, USER_REQUESTS)}[${window}])))`;
}

/**
 * A latency quantile above its threshold. The test puts every request in one bucket `(0, le]`: histogram_quantile then
 * interpolates linearly from 0, so the quantile is `le x q`, and `le = target / q` places it exactly.
 */
function latencyAlert(alert: string, quantile: number, threshold: number, m: Labels, labels: Labels): AlertRule {
  const percentile = `P${Math.round(quantile * 100)}`;
  const samples = 25;
  const buckets = (target: number): InputSeries[] =>
    [num(target / quantile), '+Inf'].map((le) => ({
      series: series('http_server_requests_seconds_bucket', m, `le="${le}"`),
      values: counter(VOLUME, samples),
    }));
  return {
    alert,
    expr: `${latencyQuantile(quantile, m, SHORT_WINDOW)} > ${num(threshold)}`,
    for: '10m',
    severity: 'warning',
    summary: `{{ $labels.component }} ${percentile} latency above ${num(threshold)} s`,
    description: `Over the last 5 minutes the ${percentile} latency of {{ $labels.component }} in {{ $labels.namespace }} was above ${num(threshold)} s (needs management.metrics.distribution.percentiles-histogram.http.server.requests=true, which the Spring Boot preset sets).`,
    labels,
    test: { interval: '1m', evalTime: `${samples}m`, firing: buckets(threshold * ABOVE), silent: buckets(threshold * BELOW), outputLabels: {} },
  };
}

function connectionPoolAlert(m: Labels, labels: Labels, percent: number): AlertRule {
  const samples = 15;
  const pool = (ratio: number): InputSeries[] => [
    { series: series('hikaricp_connections_active', m, 'pod="component-0"', 'pool="HikariPool-1"'), values: gauge(100 * ratio, samples) },
    { series: series('hikaricp_connections_max', m, 'pod="component-0"', 'pool="HikariPool-1"'), values: gauge(100, samples) },
  ];
  return {
    alert: 'ApiConnectionPoolExhausted',
    expr: `max by (pod) (${series('hikaricp_connections_active', m)} / ${series('hikaricp_connections_max', m)}) > ${num(percent / 100)}`,
    for: '5m',
    severity: 'warning',
    summary: `{{ $labels.pod }} uses more than ${num(percent)} % of its database connection pool`,
    description: `{{ $labels.pod }} ({{ $labels.component }} in {{ $labels.namespace }}) has more than ${num(percent)} % of its HikariCP connections in use: requests will soon wait for a connection.`,
    labels,
    test: {
      interval: '1m',
      evalTime: `${samples}m`,
      firing: pool((percent / 100) * ABOVE),
      silent: pool((percent / 100) * BELOW),
      outputLabels: { pod: 'component-0' },
    },
  };
}

/**
 * The request rate over the last hour more than `percent` above the same hour a week before (and that hour had
 * traffic). The test runs a week of baseline at 30-minute samples, then the raised rate.
 */
function requestSpikeAlert(m: Labels, labels: Labels, percent: number): AlertRule {
  const rate = (offset: string) => `sum(rate(${series(REQUESTS, m, USER_REQUESTS)}[1h]${offset}))`;
  const step = 30 * VOLUME;
  const week = 336; // 30-minute samples in a week
  const after = 4;
  const values = (factor: number) => `0+${step}x${week - 1} ${num(step * (week - 1) + step * factor)}+${num(step * factor)}x${after}`;
  const raised = (f: number) => [{ series: series(REQUESTS, m, 'outcome="SUCCESS"'), values: values(1 + (percent / 100) * f) }];
  return {
    alert: 'ApiRequestRateSpike',
    expr: `${rate('')} > ${num(1 + percent / 100)} * ${rate(' offset 1w')} and ${rate(' offset 1w')} > 0`,
    for: '10m',
    severity: 'warning',
    summary: `{{ $labels.component }} gets more than ${num(percent)} % more requests than a week ago`,
    description: `Over the last hour {{ $labels.component }} in {{ $labels.namespace }} received more than ${num(percent)} % more requests than in the same hour a week before: a load test, a retry storm, a crawler or an attack.`,
    labels,
    test: { interval: '30m', evalTime: duration((week + after) * 1800), firing: raised(ABOVE), silent: raised(BELOW), outputLabels: {} },
  };
}

function containerAlerts(target: AlertTargets['containers'][number], labels: Labels, t: AlertThresholds): AlertRule[] {
  const samples = 25;
  const { containers, examplePod } = target;
  const pods = `pod=~${JSON.stringify(target.podPattern)}`;
  const pod = `pod="${examplePod}"`;
  const limit = (resource: string, value: number) => ({
    series: series('kube_pod_container_resource_limits', containers, pod, `resource="${resource}"`),
    values: gauge(value, samples),
  });
  const cpu = (ratio: number): InputSeries[] => [
    { series: series('container_cpu_usage_seconds_total', containers, pod), values: counter(60 * ratio, samples) },
    limit('cpu', 1),
  ];
  const memory = (ratio: number): InputSeries[] => [
    { series: series('container_memory_working_set_bytes', containers, pod), values: gauge(1073741824 * ratio, samples) },
    limit('memory', 1073741824),
  ];
  const limits = (resource: string) => `max by (pod) (${series('kube_pod_container_resource_limits', containers, pods, `resource="${resource}"`)})`;
  return [
    {
      alert: 'ContainerCpuHigh',
      expr: `max by (pod) (rate(${series('container_cpu_usage_seconds_total', containers, pods)}[5m])) / ${limits('cpu')} > ${num(t.cpuPercent / 100)}`,
      for: '15m',
      severity: 'warning',
      summary: `{{ $labels.pod }} uses more than ${num(t.cpuPercent)} % of its CPU limit`,
      description: `{{ $labels.pod }} ({{ $labels.component }} in {{ $labels.namespace }}) has used more than ${num(t.cpuPercent)} % of its CPU limit for 15 minutes: it is being throttled or soon will be.`,
      labels,
      test: {
        interval: '1m',
        evalTime: `${samples}m`,
        firing: cpu((t.cpuPercent / 100) * ABOVE),
        silent: cpu((t.cpuPercent / 100) * BELOW),
        outputLabels: { pod: examplePod },
      },
    },
    {
      alert: 'ContainerMemoryHigh',
      expr: `max by (pod) (${series('container_memory_working_set_bytes', containers, pods)}) / ${limits('memory')} > ${num(t.memoryPercent / 100)}`,
      for: '15m',
      severity: 'warning',
      summary: `{{ $labels.pod }} uses more than ${num(t.memoryPercent)} % of its memory limit`,
      description: `{{ $labels.pod }} ({{ $labels.component }} in {{ $labels.namespace }}) has a working set above ${num(t.memoryPercent)} % of its memory limit for 15 minutes: it will be OOM-killed when it reaches the limit.`,
      labels,
      test: {
        interval: '1m',
        evalTime: `${samples}m`,
        firing: memory((t.memoryPercent / 100) * ABOVE),
        silent: memory((t.memoryPercent / 100) * BELOW),
        outputLabels: { pod: examplePod },
      },
    },
  ];
}

function databaseAlerts(db: DatabaseAlertTarget, labels: Labels, t: AlertThresholds): AlertRule[] {
  const m = db.metrics;
  const pod = `pod="${db.name}-1"`;
  const samples = 25;
  const test = (firing: InputSeries[], silent: InputSeries[], outputLabels: Labels = {}, evalSamples = samples): AlertTest => ({
    interval: '1m',
    evalTime: `${evalSamples}m`,
    firing,
    silent,
    outputLabels,
  });
  const one = (metric: string, value: number, ...extra: string[]): InputSeries[] => [
    { series: series(metric, m, pod, ...extra), values: gauge(value, samples) },
  ];
  const connections = (ratio: number) => [
    ...one('cnpg_backends_total', 100 * ratio, 'datname="app"', 'state="active"', 'usename="app"'),
    ...one('cnpg_pg_settings_setting', 100, 'name="max_connections"'),
  ];
  const claims = `persistentvolumeclaim=~${JSON.stringify(db.volumes.claimPattern)}`;
  const volume = (metric: string) => `${metric}{${matchers({ namespace: db.volumes.namespace }, claims)}}`;
  const disk = (ratio: number): InputSeries[] =>
    [
      ['kubelet_volume_stats_used_bytes', 10737418240 * ratio],
      ['kubelet_volume_stats_capacity_bytes', 10737418240],
    ].map(([metric, value]) => ({
      series: series(metric as string, { namespace: db.volumes.namespace, persistentvolumeclaim: db.volumes.exampleClaim }),
      values: gauge(value as number, samples),
    }));
  const rules: AlertRule[] = [
    {
      alert: 'PostgresInstanceDown',
      expr: `max by (pod) (${series('cnpg_collector_up', m)}) == 0`,
      for: '5m',
      severity: 'critical',
      summary: 'PostgreSQL instance {{ $labels.pod }} is down',
      description: 'The exporter of {{ $labels.pod }} ({{ $labels.component }} in {{ $labels.namespace }}) reports PostgreSQL down for 5 minutes.',
      labels,
      test: test(one('cnpg_collector_up', 0), one('cnpg_collector_up', 1), { pod: `${db.name}-1` }),
    },
  ];
  if (db.instances > 1) {
    rules.push({
      alert: 'PostgresHALost',
      expr: `max(${series('cnpg_pg_replication_streaming_replicas', m)}) < 1`,
      for: '5m',
      severity: 'critical',
      summary: '{{ $labels.component }} has no streaming replica',
      description: `{{ $labels.component }} in {{ $labels.namespace }} runs ${db.instances} instances but its primary streams to no replica: a failover now would lose data or fail.`,
      labels,
      test: test(one('cnpg_pg_replication_streaming_replicas', 0), one('cnpg_pg_replication_streaming_replicas', 1)),
    });
  }
  rules.push(
    {
      alert: 'PostgresConnectionsHigh',
      expr: `sum by (pod) (${series('cnpg_backends_total', m)}) / max by (pod) (${series('cnpg_pg_settings_setting', m, 'name="max_connections"')}) > ${num(t.databaseConnectionsPercent / 100)}`,
      for: '5m',
      severity: 'warning',
      summary: `{{ $labels.pod }} uses more than ${num(t.databaseConnectionsPercent)} % of max_connections`,
      description: `{{ $labels.pod }} ({{ $labels.component }} in {{ $labels.namespace }}) has more than ${num(t.databaseConnectionsPercent)} % of max_connections in use: new connections will soon be refused.`,
      labels,
      test: test(connections((t.databaseConnectionsPercent / 100) * ABOVE), connections((t.databaseConnectionsPercent / 100) * BELOW), {
        pod: `${db.name}-1`,
      }),
    },
    {
      alert: 'PostgresReplicationLag',
      expr: `max by (pod) (${series('cnpg_pg_replication_lag', m)}) > ${num(t.replicationLagSeconds)}`,
      for: '5m',
      severity: 'warning',
      summary: `{{ $labels.pod }} lags more than ${num(t.replicationLagSeconds)} s behind the primary`,
      description: `The replica {{ $labels.pod }} ({{ $labels.component }} in {{ $labels.namespace }}) has been more than ${num(t.replicationLagSeconds)} s behind the primary for 5 minutes: a failover to it would take that long to catch up, and WAL it has not yet received would be lost.`,
      labels,
      test: test(one('cnpg_pg_replication_lag', t.replicationLagSeconds * ABOVE), one('cnpg_pg_replication_lag', t.replicationLagSeconds * BELOW), {
        pod: `${db.name}-1`,
      }),
    },
    {
      alert: 'PostgresDiskFilling',
      expr: `max by (persistentvolumeclaim) (${volume('kubelet_volume_stats_used_bytes')} / ${volume('kubelet_volume_stats_capacity_bytes')}) > ${num(t.diskPercent / 100)}`,
      for: '15m',
      severity: 'warning',
      summary: `{{ $labels.persistentvolumeclaim }} is more than ${num(t.diskPercent)} % full`,
      description: `The volume {{ $labels.persistentvolumeclaim }} of {{ $labels.component }} in {{ $labels.namespace }} is more than ${num(t.diskPercent)} % full: PostgreSQL stops when it is full.`,
      labels,
      test: test(disk((t.diskPercent / 100) * ABOVE), disk((t.diskPercent / 100) * BELOW), { persistentvolumeclaim: db.volumes.exampleClaim }),
    },
  );
  if (db.backup) {
    const { maxBackupAgeSeconds: maxAge, rpoSeconds: rpo } = db.backup;
    // The backup timestamp is a constant; the test evaluates late enough that it can be older than allowed.
    // Firing: older than allowed by 10 % plus the rule's `for`, so it is above the threshold for the whole `for`.
    const firingAge = maxAge * ABOVE + 1200;
    // 10-minute samples: the alert only compares time() with a timestamp, and a day of 1-minute steps is slow to test.
    const backupSamples = Math.ceil((firingAge + 1800) / 600);
    const at = backupSamples * 600;
    const backupAt = (age: number) => [
      { series: series('barman_cloud_cloudnative_pg_io_last_available_backup_timestamp', m, pod), values: `${num(at - age)}x${backupSamples}` },
    ];
    const walAge = (age: number) => [
      ...one('cnpg_pg_stat_archiver_seconds_since_last_archival', age),
      ...one('cnpg_collector_pg_wal_archive_status', 2, 'value="ready"'),
    ];
    const archiver = (failed: number, archived: number) => [
      ...one('cnpg_pg_stat_archiver_last_failed_time', failed),
      ...one('cnpg_pg_stat_archiver_last_archived_time', archived),
    ];
    rules.push(
      {
        alert: 'PostgresWalArchivingFailing',
        expr: `max by (pod) (${series('cnpg_pg_stat_archiver_last_failed_time', m)} - ${series('cnpg_pg_stat_archiver_last_archived_time', m)}) > 0`,
        for: '5m',
        severity: 'critical',
        summary: '{{ $labels.pod }} fails to archive WAL',
        description:
          'The last WAL archiving attempt of {{ $labels.pod }} ({{ $labels.component }} in {{ $labels.namespace }}) failed after the last success: point-in-time recovery stops at the last archived segment, and pg_wal grows until the disk is full.',
        labels,
        test: test(archiver(1700000600, 1700000000), archiver(1700000000, 1700000600), { pod: `${db.name}-1` }),
      },
      {
        alert: 'PostgresWalArchiveTooOld',
        // Only while WAL waits to be archived: an idle database switches no segment and archives nothing, rightly.
        expr: `min(${series('cnpg_pg_stat_archiver_seconds_since_last_archival', m)}) > ${num(rpo)} and on () max(${series('cnpg_collector_pg_wal_archive_status', m, 'value="ready"')}) > 0`,
        for: '5m',
        severity: 'critical',
        summary: `{{ $labels.component }}'s newest archived WAL is older than its RPO (${duration(rpo)})`,
        description: `WAL segments of {{ $labels.component }} in {{ $labels.namespace }} wait to be archived, and none has been archived for more than ${duration(rpo)}, the recovery point objective: a restore now would lose more than the objective allows.`,
        labels,
        test: test(walAge(rpo * ABOVE), walAge(rpo * BELOW)),
      },
      {
        alert: 'PostgresBackupTooOld',
        expr: `time() - max(${series('barman_cloud_cloudnative_pg_io_last_available_backup_timestamp', m)}) > ${num(maxAge)}`,
        for: '10m',
        severity: 'warning',
        summary: `{{ $labels.component }}'s last backup is older than ${duration(maxAge)}`,
        description: `The newest base backup of {{ $labels.component }} in {{ $labels.namespace }} (barman-cloud plugin) is older than its schedule allows (${duration(maxAge)}): a scheduled backup failed or did not run.`,
        labels,
        test: { ...test(backupAt(firingAge), backupAt(maxAge * BELOW)), interval: '10m', evalTime: duration(at) },
      },
    );
  }
  return rules;
}

function keycloakAlerts(m: Labels, labels: Labels, t: AlertThresholds): AlertRule[] {
  const samples = 25;
  const up = (value: number): InputSeries[] => [{ series: series('up', m, 'pod="keycloak-0"'), values: gauge(value, samples) }];
  const failures = (perMinute: number): InputSeries[] => [
    {
      series: series('keycloak_credentials_password_hashing_validations_total', m, 'pod="keycloak-0"', 'outcome="invalid"'),
      values: counter(perMinute, samples),
    },
  ];
  return [
    {
      alert: 'KeycloakDown',
      expr: `(sum(${series('up', m)}) or vector(0)) == 0`,
      for: '5m',
      severity: 'critical',
      summary: 'Keycloak {{ $labels.component }} is down',
      description:
        'No instance of Keycloak {{ $labels.component }} in {{ $labels.namespace }} has answered a scrape for 5 minutes: nobody can log in and tokens cannot be refreshed.',
      labels,
      test: { interval: '1m', evalTime: `${samples}m`, firing: up(0), silent: up(1), outputLabels: {} },
    },
    {
      alert: 'KeycloakLoginFailuresHigh',
      expr: `sum(rate(${series('keycloak_credentials_password_hashing_validations_total', m, 'outcome="invalid"')}[5m])) * 60 > ${num(t.loginFailuresPerMinute)}`,
      for: '10m',
      severity: 'warning',
      summary: `More than ${num(t.loginFailuresPerMinute)} failed logins a minute at Keycloak {{ $labels.component }}`,
      description: `Keycloak {{ $labels.component }} in {{ $labels.namespace }} rejected more than ${num(t.loginFailuresPerMinute)} passwords a minute for 10 minutes: credential stuffing, a broken client, or a user directory problem.`,
      labels,
      test: {
        interval: '1m',
        evalTime: `${samples}m`,
        firing: failures(t.loginFailuresPerMinute * ABOVE),
        silent: failures(t.loginFailuresPerMinute * BELOW),
        outputLabels: {},
      },
    },
  ];
}
