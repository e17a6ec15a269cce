import { deepFreeze } from '../core/freeze';
import { Labels, matchers, num } from './promql';

/**
 * Service level indicators of a component's requests: which series count its users' requests, which of them failed, and
 * where its latency histogram is. The alerts (thresholds, SLO burn rates, recording rules), the dashboards and a
 * release's analysis all read a component's requests through its {@link Sli}, so a Node API, a Go service or a Spring
 * Boot API get the same objectives, alerts and canary checks.
 *
 * Like Sloth (`errorQuery` / `totalQuery`) and Pyrra (`errors` / `total`), an indicator is a ratio of two counters: the
 * failed requests over all of them; latency is the share of requests slower than a bucket boundary of the histogram.
 */

/** The metric conventions the library knows: Spring Boot's Micrometer, OpenTelemetry's HTTP semantic conventions, the Prometheus clients'. */
export const SLI_PRESETS = Object.freeze(['spring-boot', 'opentelemetry', 'prometheus'] as const);

/** A known metric convention, by name. */
export type SliPreset = (typeof SLI_PRESETS)[number];

/**
 * Request metrics written as PromQL selectors (`metric{label="value", ...}`, double-quoted values), for a component
 * that follows none of the presets. The component's own `namespace` and `job` matchers are added to each.
 */
export interface PromqlRequestMetrics {
  /** Every request of a user: a counter, e.g. `grpc_server_handled_total{grpc_type="unary"}`. */
  readonly total: string;
  /**
   * The requests that failed: a counter, either the same metric as `total` narrowed by a label
   * (`grpc_server_handled_total{grpc_type="unary", grpc_code=~"Internal|Unavailable"}`) or one of its own.
   */
  readonly errors: string;
  /**
   * The request-duration histogram's bucket series, e.g. `grpc_server_handling_seconds_bucket{grpc_type="unary"}`.
   * @default - none: no latency alert, latency objective or latency analysis
   */
  readonly latency?: string;
}

/** Where a component's request metrics come from: a preset by name, or PromQL selectors. */
export type RequestMetrics = SliPreset | PromqlRequestMetrics;

/** One series selector of an indicator: a metric and its matchers (PromQL text, e.g. `code=~"5.."`). */
export interface SliSelector {
  /** The metric name, e.g. `http_requests_total`. */
  readonly metric: string;
  /** Matchers beside the component's own, as PromQL text, e.g. `code=~"5.."`. */
  readonly matchers: readonly string[];
}

/** A resolved indicator. */
export interface Sli {
  /** The preset's name, or `promql`. */
  readonly source: SliPreset | 'promql';
  /** Every user's request (a counter). */
  readonly total: SliSelector;
  /** The failed requests (a counter). */
  readonly errors: SliSelector;
  /** The bucket series of the request-duration histogram. @default - none: no latency indicator */
  readonly latency?: SliSelector;
  /**
   * Matchers of one successful and one failed request's series, and those a bucket series carries besides `le`, as
   * the alerts' tests write them.
   */
  readonly examples: { readonly good: readonly string[]; readonly bad: readonly string[]; readonly latency?: readonly string[] };
  /** What the application must do for the latency histogram to exist, for the latency alerts' descriptions. */
  readonly latencyNote: string;
  /** What counts as a failure, in words, for the error alerts' descriptions, e.g. `outcome SERVER_ERROR`. */
  readonly errorsNote: string;
}

/** Users' requests of a Spring Boot component: the kubelet's probes and Prometheus's scrapes hit the actuator, and are not traffic. */
export const USER_REQUESTS = 'uri!~"/actuator/.*"';

/** The presets: Micrometer's `http.server.requests`, OpenTelemetry's `http.server.request.duration`, the Prometheus clients' HTTP metrics. */
export const SLI_PRESET_DEFINITIONS: Readonly<Record<SliPreset, Sli>> = deepFreeze({
  'spring-boot': {
    source: 'spring-boot',
    total: { metric: 'http_server_requests_seconds_count', matchers: [USER_REQUESTS] },
    errors: { metric: 'http_server_requests_seconds_count', matchers: [USER_REQUESTS, 'outcome="SERVER_ERROR"'] },
    latency: { metric: 'http_server_requests_seconds_bucket', matchers: [USER_REQUESTS] },
    examples: { good: ['outcome="SUCCESS"'], bad: ['outcome="SERVER_ERROR"'] },
    latencyNote: 'needs management.metrics.distribution.percentiles-histogram.http.server.requests=true, which the Spring Boot preset sets',
    errorsNote: 'outcome SERVER_ERROR',
  },
  opentelemetry: {
    source: 'opentelemetry',
    total: { metric: 'http_server_request_duration_seconds_count', matchers: [] },
    errors: { metric: 'http_server_request_duration_seconds_count', matchers: ['http_response_status_code=~"5.."'] },
    latency: { metric: 'http_server_request_duration_seconds_bucket', matchers: [] },
    examples: { good: ['http_response_status_code="200"'], bad: ['http_response_status_code="500"'] },
    latencyNote: "the OpenTelemetry SDK's http.server.request.duration histogram, exported to Prometheus",
    errorsNote: 'http.response.status_code 5xx',
  },
  prometheus: {
    source: 'prometheus',
    total: { metric: 'http_requests_total', matchers: [] },
    errors: { metric: 'http_requests_total', matchers: ['code=~"5.."'] },
    latency: { metric: 'http_request_duration_seconds_bucket', matchers: [] },
    examples: { good: ['code="200"'], bad: ['code="500"'] },
    latencyNote: 'needs the http_request_duration_seconds histogram of the Prometheus client',
    errorsNote: 'status code 5xx',
  },
});

/** The Spring Boot preset: what a component without a declared indicator of kind `spring-boot` uses. */
export const SPRING_BOOT_SLI = SLI_PRESET_DEFINITIONS['spring-boot'];

/** `metric{<component's labels>, <indicator's matchers>, <extra>}`. */
export function sliSeries(selector: SliSelector, component: Labels | string, ...extra: string[]): string {
  const base = typeof component === 'string' ? [component.trim()] : Object.keys(component).length > 0 ? [matchers(component)] : [];
  return `${selector.metric}{${[...base, ...selector.matchers, ...extra].join(', ')}}`;
}

/** The error ratio (failed requests over all requests) of one component over a window, as PromQL. */
export function sliErrorRatio(sli: Sli, component: Labels | string, window: string): string {
  return `sum(rate(${sliSeries(sli.errors, component)}[${window}])) / sum(rate(${sliSeries(sli.total, component)}[${window}]))`;
}

/** All requests of one component over a window, as PromQL (what the low-traffic guard counts). */
export function sliRequests(sli: Sli, component: Labels | string, window: string): string {
  return `sum(increase(${sliSeries(sli.total, component)}[${window}]))`;
}

/** A latency quantile (e.g. 0.95) of one component's requests over a window, as PromQL. */
export function sliLatencyQuantile(sli: Sli, quantile: number, component: Labels | string, window: string): string {
  return `histogram_quantile(${num(quantile)}, sum by (le) (rate(${sliSeries(latencyOf(sli), component)}[${window}])))`;
}

/**
 * The share of one component's requests slower than `seconds` over a window, as PromQL: the bucket `le` of the
 * threshold over the `+Inf` bucket. The threshold must be a bucket boundary; Java clients print whole boundaries as
 * `1.0`, Go's as `1` (and Prometheus 3 normalises both to `1.0`), so a whole number matches either.
 */
export function sliSlowRatio(sli: Sli, seconds: number, component: Labels | string, window: string): string {
  const buckets = latencyOf(sli);
  const bucket = (le: string) => `sum(rate(${sliSeries(buckets, component, le)}[${window}]))`;
  return `1 - (${bucket(leMatcher(seconds))} / ${bucket('le="+Inf"')})`;
}

/** The `le` matcher of a bucket boundary. */
export function leMatcher(seconds: number): string {
  return Number.isInteger(seconds) ? `le=~"${num(seconds)}|${num(seconds)}\\\\.0"` : `le="${num(seconds)}"`;
}

function latencyOf(sli: Sli): SliSelector {
  if (sli.latency === undefined) throw new Error(`the ${sli.source} indicator has no latency histogram`);
  return sli.latency;
}
