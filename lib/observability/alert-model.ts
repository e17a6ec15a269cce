import { deepFreeze } from '../core/freeze';
import { Labels, num } from './promql';
import { Sli } from './sli';

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
  /** Recording rules the firing case checks too, with the value each holds at `evalTime`. @default - none */
  readonly recorded?: ReadonlyArray<{ readonly series: string; readonly value: number }>;
  /** Series of a third case, below the low-traffic guard, that keep the alert silent. @default - none */
  readonly lowTraffic?: readonly InputSeries[];
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

/**
 * The objectives of every component with request metrics (an {@link Sli}), each alerted on as multi-window,
 * multi-burn-rate error-budget burn (the SRE workbook's windows, scaled to the objective's window as Pyrra does).
 */
export interface SloSettings {
  /** Share of requests without a server error over `window`. @default 99.5 */
  readonly availabilityPercent: number;
  /** The window of the availability objective. @default '30d' */
  readonly window: string;
  /** A latency objective: a share of requests faster than a threshold. @default - none */
  readonly latency?: LatencySlo;
  /**
   * The low-traffic guard: a burn-rate alert fires only when its long window saw at least this many requests, so
   * that one failed request among a handful does not page (Pyrra and Sloth have no such guard: pyrra-dev/pyrra#1925).
   * 0 switches the guard off.
   * @default 100
   */
  readonly minimumRequests: number;
}

/** A latency objective. */
export interface LatencySlo {
  /** Share of requests answered within `thresholdSeconds`, e.g. 99. */
  readonly percent: number;
  /** The threshold: a bucket boundary of the component's request-duration histogram, e.g. 0.5. */
  readonly thresholdSeconds: number;
  /** Its window. @default - the availability objective's window */
  readonly window?: string;
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
  slo: { availabilityPercent: 99.5, window: '30d', minimumRequests: 100 } satisfies SloSettings,
  /** The platform's runbooks (this repository's docs/runbooks): alert X links to `<runbookBaseUrl>/X.md`. */
  runbookBaseUrl: 'https://git.eaf.example.com/platform/eaf-cdk8s/-/blob/main/docs/runbooks',
});

/** Everything of one product environment that alerts watch, with the selectors of its series. */
export interface AlertTargets {
  readonly product: string;
  readonly environment: string;
  readonly namespace: string;
  /** Components with request metrics: their indicator, scraped series, containers' series, and whether they have a HikariCP pool. */
  readonly apis: readonly ApiAlertTarget[];
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
  /** The blackbox Probe of the public URLs: its job and its URLs by host key. @default - none */
  readonly probes?: { readonly job: string; readonly urls: Readonly<Record<string, readonly string[]>> };
}

/** A component with request metrics as alerts see it. */
export interface ApiAlertTarget {
  /** The component's name: the `component` label of its rules. */
  readonly name: string;
  /** Selector of its scraped series, e.g. `{ namespace: 'dvmm-production', job: 'api' }`. */
  readonly metrics: Labels;
  /** Selector of its containers' series. */
  readonly containers: Labels;
  /** Whether it has a HikariCP connection pool (a Spring Boot component with a database). */
  readonly connectionPool: boolean;
  /** Where its request metrics come from. @default - the Spring Boot preset */
  readonly sli?: Sli;
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
  /** When it has a restore drill: the drill's CronJob (kube-state-metrics' `cronjob`), its namespace, and the allowed age of the last good drill. */
  readonly restoreDrill?: { readonly cronJob: string; readonly namespace: string; readonly maxAgeSeconds: number };
}

/** Options of {@link productAlertGroups}. */
export interface AlertCatalogueOptions {
  readonly thresholds: AlertThresholds;
  readonly slo: SloSettings;
}

/** Whether a rule is an alert (not a recording rule). */
export function isAlert(rule: AlertRule | RecordingRule): rule is AlertRule {
  return (rule as AlertRule).alert !== undefined;
}

/** Synthetic request volume of the tests: 6000 requests a minute (100 per second). */
export const VOLUME = 6000;
/** Where a test puts its series, relative to the threshold: fire 10 % above it, stay silent 10 % below. */
export const ABOVE = 1.1;
export const BELOW = 0.9;

/** A counter growing by `step` per sample, for `samples` samples. */
export function counter(step: number, samples: number): string {
  return `0+${num(step)}x${samples}`;
}

/** A constant gauge. */
export function gauge(value: number, samples: number): string {
  return `${num(value)}x${samples}`;
}
