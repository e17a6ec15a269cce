import { ABOVE, AlertRule, AlertTest, AlertThresholds, ApiAlertTarget, BELOW, counter, gauge, InputSeries, VOLUME } from './alert-model';
import { duration, Labels, num, series } from './promql';
import { Sli, sliErrorRatio, sliLatencyQuantile, sliSeries, SPRING_BOOT_SLI } from './sli';

/**
 * The platform's alert table for a component with request metrics: availability, error rate, P95 and P99 latency
 * (when its indicator has a histogram), its HikariCP pool (Spring Boot with a database) and a request spike. Every
 * expression reads the component's {@link Sli}, whatever framework it uses.
 */

/** The window of the error-rate and latency alerts, and of a release's analysis that uses their thresholds. */
export const SHORT_WINDOW = '5m';

/** The error ratio (failed over all requests) of one component over a window, as PromQL. @default sli - the Spring Boot preset */
export function errorRatio(metrics: Labels, window: string, sli: Sli = SPRING_BOOT_SLI): string {
  return sliErrorRatio(sli, metrics, window);
}

/** A latency quantile (e.g. 0.95) of one component's requests over a window, as PromQL. @default sli - the Spring Boot preset */
export function latencyQuantile(quantile: number, metrics: Labels, window: string, sli: Sli = SPRING_BOOT_SLI): string {
  return sliLatencyQuantile(sli, quantile, metrics, window);
}

/** Request counters of one component whose error ratio is `ratio`, 6000 requests a minute in all. */
export function requestSeries(sli: Sli, metrics: Labels, ratio: number, samples: number, volume = VOLUME): InputSeries[] {
  // The same counter split by a label (successes and failures), or a counter of all requests and one of the failures.
  const partitioned = sli.errors.metric === sli.total.metric;
  return [
    {
      series: series(sli.total.metric, metrics, ...sli.examples.good),
      values: counter(partitioned ? volume * (1 - ratio) : volume, samples),
    },
    { series: series(sli.errors.metric, metrics, ...sli.examples.bad), values: counter(volume * ratio, samples) },
  ];
}

/** The alerts of one component with request metrics. */
export function apiAlerts(api: ApiAlertTarget, labels: Labels, t: AlertThresholds): AlertRule[] {
  const sli = api.sli ?? SPRING_BOOT_SLI;
  const m = api.metrics;
  const rules: AlertRule[] = [
    ...ratioAlerts(sli, m, labels, t),
    ...(sli.latency
      ? [
          latencyAlert({ alert: 'ApiLatencyP95High', quantile: 0.95, threshold: t.latencyP95Seconds }, sli, m, labels),
          latencyAlert({ alert: 'ApiLatencyP99High', quantile: 0.99, threshold: t.latencyP99Seconds }, sli, m, labels),
        ]
      : []),
    ...(api.connectionPool ? [connectionPoolAlert(m, labels, t.connectionPoolPercent)] : []),
    requestSpikeAlert(sli, m, labels, t.requestSpikePercent),
  ];
  return rules;
}

/** Availability over an hour (a ticket) and the error rate over 5 minutes (a page). */
function ratioAlerts(sli: Sli, m: Labels, labels: Labels, t: AlertThresholds): AlertRule[] {
  const errorBudget = 1 - t.availabilityPercent / 100;
  const errorRate = t.errorRatePercent / 100;
  const ratioTest = (ratio: number, window: number, forSeconds: number): AlertTest => {
    const samples = (window + forSeconds) / 60 + 5;
    return {
      interval: '1m',
      evalTime: `${samples}m`,
      firing: requestSeries(sli, m, ratio * ABOVE, samples),
      silent: requestSeries(sli, m, ratio * BELOW, samples),
      outputLabels: {},
    };
  };
  const within = `{{ $labels.component }} in {{ $labels.namespace }}`;
  return [
    {
      alert: 'ApiAvailabilityLow',
      expr: `1 - (${errorRatio(m, '1h', sli)}) < ${num(1 - errorBudget)}`,
      for: '5m',
      // The objective's fast burn pages; this one opens a ticket so that one incident pages once.
      severity: 'warning',
      summary: '{{ $labels.component }} availability below ' + `${num(t.availabilityPercent)} %`,
      description: `Over the last hour fewer than ${num(t.availabilityPercent)} % of the requests to ${within} ended without a server error.`,
      labels,
      // Availability falls as the error ratio rises: fire above the error budget, stay silent below it.
      test: ratioTest(errorBudget, 3600, 300),
    },
    {
      alert: 'ApiErrorRateHigh',
      expr: `${errorRatio(m, SHORT_WINDOW, sli)} > ${num(errorRate)}`,
      for: '5m',
      severity: 'critical',
      summary: `{{ $labels.component }} answers more than ${num(t.errorRatePercent)} % of requests with a server error`,
      description:
        `Over the last 5 minutes more than ${num(t.errorRatePercent)} % of the requests to ${within} ` +
        `ended with a server error (${sli.errorsNote}).`,
      labels,
      test: ratioTest(errorRate, 300, 300),
    },
  ];
}

/**
 * A latency quantile above its threshold. The test puts every request in one bucket `(0, le]`: histogram_quantile then
 * interpolates linearly from 0, so the quantile is `le x q`, and `le = target / q` places it exactly.
 */
function latencyAlert(
  spec: { readonly alert: string; readonly quantile: number; readonly threshold: number },
  sli: Sli,
  m: Labels,
  labels: Labels,
): AlertRule {
  const { alert, quantile, threshold } = spec;
  const percentile = `P${Math.round(quantile * 100)}`;
  const samples = 25;
  const buckets = (target: number): InputSeries[] =>
    [num(target / quantile), '+Inf'].map((le) => ({
      series: series(sli.latency!.metric, m, ...(sli.examples.latency ?? []), `le="${le}"`),
      values: counter(VOLUME, samples),
    }));
  return {
    alert,
    expr: `${latencyQuantile(quantile, m, SHORT_WINDOW, sli)} > ${num(threshold)}`,
    for: '10m',
    severity: 'warning',
    summary: `{{ $labels.component }} ${percentile} latency above ${num(threshold)} s`,
    description:
      `Over the last 5 minutes the ${percentile} latency of {{ $labels.component }} in {{ $labels.namespace }} ` +
      `was above ${num(threshold)} s (${sli.latencyNote}).`,
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
    description:
      `{{ $labels.pod }} ({{ $labels.component }} in {{ $labels.namespace }}) has more than ${num(percent)} % ` +
      'of its HikariCP connections in use: requests will soon wait for a connection.',
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
function requestSpikeAlert(sli: Sli, m: Labels, labels: Labels, percent: number): AlertRule {
  const rate = (offset: string) => `sum(rate(${sliSeries(sli.total, m)}[1h]${offset}))`;
  const step = 30 * VOLUME;
  const week = 336; // 30-minute samples in a week
  const after = 4;
  const values = (factor: number) => `0+${step}x${week - 1} ${num(step * (week - 1) + step * factor)}+${num(step * factor)}x${after}`;
  const raised = (f: number) => [{ series: series(sli.total.metric, m, ...sli.examples.good), values: values(1 + (percent / 100) * f) }];
  return {
    alert: 'ApiRequestRateSpike',
    expr: `${rate('')} > ${num(1 + percent / 100)} * ${rate(' offset 1w')} and ${rate(' offset 1w')} > 0`,
    for: '10m',
    severity: 'warning',
    summary: `{{ $labels.component }} gets more than ${num(percent)} % more requests than a week ago`,
    description:
      `Over the last hour {{ $labels.component }} in {{ $labels.namespace }} received more than ${num(percent)} % more requests ` +
      'than in the same hour a week before: a load test, a retry storm, a crawler or an attack.',
    labels,
    test: { interval: '30m', evalTime: duration((week + after) * 1800), firing: raised(ABOVE), silent: raised(BELOW), outputLabels: {} },
  };
}
