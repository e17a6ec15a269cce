import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { AnalysisTemplate } from '../../imports/argo-analysistemplate-argoproj.io';
import { PropertyProblems } from '../core/errors';
import { deepFreeze } from '../core/freeze';
import { errorRatio, latencyQuantile, SHORT_WINDOW } from '../observability/alerts';
import { seriesLabelOf } from '../observability/pod-metrics';
import { DURATION_PATTERN, Labels, num } from '../observability/promql';
import { Sli, SPRING_BOOT_SLI } from '../observability/sli';
import { ROLLOUT_DEFAULTS } from '../workloads/rollout-release';

/** The platform's analysis defaults (engine `argo-rollouts`). Frozen: override through props. */
export const ROLLOUT_ANALYSIS_DEFAULTS = deepFreeze({
  /** The platform Prometheus, as prometheus-operator names its Service. */
  prometheusUrl: 'http://prometheus-operated.monitoring.svc:9090',
  /** A measurement a minute, five of them: five minutes of the new pods, as long as the alerts' window. */
  interval: '1m',
  count: 5,
  /** One bad measurement is tolerated (a cold JVM's first minute); the second fails the analysis. */
  failureLimit: 1,
});

/** The argument that carries the new pods' hash: the Rollout passes it (`valueFrom.podTemplateHashValue: Latest`). */
const HASH_ARGUMENT = ROLLOUT_DEFAULTS.hashArgument;
/** The hash on the series: the component's PodMonitor copies the pods' `rollouts-pod-template-hash` label. */
const HASH_LABEL = seriesLabelOf(ROLLOUT_DEFAULTS.podTemplateHashLabel);

/** The request metrics of a component an analysis checks, against the alert catalogue's thresholds. */
export interface AnalysisRequestMetrics {
  /** Selector of the component's scraped series, e.g. `{ namespace: 'dvmm-staging', job: 'api' }`. */
  readonly metrics: Labels;
  /** Where its request metrics come from (lib/observability/sli.ts). @default - the Spring Boot preset */
  readonly sli?: Sli;
  /** Server errors above this share of users' requests fail a measurement (the alert's `errorRatePercent`). */
  readonly errorRatePercent: number;
  /** A P95 latency above this fails a measurement (the alert's `latencyP95Seconds`); unused without a latency histogram. */
  readonly latencyP95Seconds: number;
}

/** Props of {@link RolloutAnalysis}. */
export interface RolloutAnalysisProps {
  /** Name of the AnalysisTemplate, e.g. `api-preview`. */
  readonly name: string;
  /**
   * Request metrics of the new pods, for a component that has them (any framework, through its indicator).
   * @default - none: no Prometheus metric
   */
  readonly requests?: AnalysisRequestMetrics;
  /**
   * The spec of a Job that must succeed (the smoke test's call of the preview Service), as a `job` metric.
   * @default - none
   */
  readonly job?: { readonly spec: Record<string, unknown> | (() => Record<string, unknown>) };
  /** The Prometheus the Argo Rollouts controller queries. @default 'http://prometheus-operated.monitoring.svc:9090' */
  readonly prometheusUrl?: string;
  /** Time between measurements. @default '1m' */
  readonly interval?: string;
  /** Measurements per metric. @default 5 */
  readonly count?: number;
  /** Failed measurements tolerated per metric. @default 1 */
  readonly failureLimit?: number;
}

/**
 * An Argo Rollouts AnalysisTemplate that judges the new pods of a release only: the error ratio and P95 latency of
 * their users' requests (read through the component's request-metrics indicator, whatever its framework; P95 when it
 * has a latency histogram), with the alert catalogue's expressions and thresholds, selected by the pod-template hash the
 * Rollout passes (`{{args.pod-template-hash}}`); and a Job that calls them (the smoke test), since Argo CD's PostSync
 * hooks do not run while a blue-green Rollout waits for its promotion (argo-cd #19422). A window without requests
 * counts as passing (the preview of a blue-green release gets no users' traffic; the Job still calls it).
 */
export class RolloutAnalysis extends Construct {
  /** The AnalysisTemplate. */
  public readonly resource: ApiObject;
  /** Its name. */
  public readonly name: string;
  /** The Prometheus queries by metric name, as rendered. */
  public readonly queries: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: RolloutAnalysisProps) {
    super(scope, id);
    const d = ROLLOUT_ANALYSIS_DEFAULTS;
    const interval = props.interval ?? d.interval;
    const count = props.count ?? d.count;
    const failureLimit = props.failureLimit ?? d.failureLimit;
    const address = props.prometheusUrl ?? d.prometheusUrl;
    const problems = new PropertyProblems(this);
    if (!/^https?:\/\/\S+$/.test(address))
      problems.add('prometheusUrl', 'is not an http(s) URL', address, 'give the Prometheus URL, e.g. http://prometheus-operated.monitoring.svc:9090');
    if (!new RegExp(DURATION_PATTERN).test(interval)) problems.add('interval', 'is not a duration', interval, "use a duration such as '1m'");
    if (!(Number.isInteger(count) && count >= 1)) problems.add('count', 'must be a whole number of at least 1', count, 'use 1 or more measurements');
    if (!(Number.isInteger(failureLimit) && failureLimit >= 0))
      problems.add('failureLimit', 'must be a whole number of at least 0', failureLimit, 'use 0 or more');
    if (!props.requests && !props.job)
      problems.add('requests', 'and job are both missing: the analysis would measure nothing', undefined, 'give request metrics, a job, or both');
    problems.throwIfAny();
    this.name = props.name;

    const queries: Record<string, string> = {};
    const metrics: Array<Record<string, unknown>> = [];
    if (props.requests) {
      const r = props.requests;
      const sli = r.sli ?? SPRING_BOOT_SLI;
      const newPods = { ...r.metrics, [HASH_LABEL]: `{{args.${HASH_ARGUMENT}}}` };
      // No requests in the window gives no sample (or NaN): `>= 0` drops NaN, `or on() vector(0)` turns nothing into 0.
      const orZero = (expr: string) => `(${expr}) >= 0 or on() vector(0)`;
      queries['error-ratio'] = orZero(errorRatio(newPods, SHORT_WINDOW, sli));
      if (sli.latency) queries['latency-p95'] = orZero(latencyQuantile(0.95, newPods, SHORT_WINDOW, sli));
      const prometheus = (name: string, limit: number) => ({
        name,
        interval,
        count,
        failureLimit,
        successCondition: `result[0] <= ${num(limit)}`,
        provider: { prometheus: { address, query: queries[name] } },
      });
      metrics.push(prometheus('error-ratio', r.errorRatePercent / 100));
      if (sli.latency) metrics.push(prometheus('latency-p95', r.latencyP95Seconds));
    }
    this.queries = queries;
    const job = props.job;
    this.resource = new ApiObject(this, 'Resource', {
      apiVersion: AnalysisTemplate.GVK.apiVersion,
      kind: AnalysisTemplate.GVK.kind,
      metadata: { name: props.name },
      spec: {
        args: [{ name: HASH_ARGUMENT }],
        // The Job's spec is read at synthesis, when every wiring is known.
        metrics: {
          resolve: () => [
            ...metrics,
            ...(job ? [{ name: 'smoke-test', provider: { job: { spec: typeof job.spec === 'function' ? job.spec() : job.spec } } }] : []),
          ],
        },
      },
    });
  }
}
