import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { PropertyError } from '../../core/errors';
import { DeliveredEnvironment, validateDeliveredEnvironment } from '../../delivery/argo-cd';
import { RolloutAnalysis, RolloutAnalysisProps } from '../../delivery/rollout-analysis';
import { SmokeTest, SmokeTestProps } from '../../delivery/smoke-test';
import { Exposure } from '../../network/exposure';
import { ALERT_DEFAULTS, AlertThresholds } from '../../observability/alerts';
import { EafWorkload } from '../../workloads/eaf-workload';
import { Composition } from '../composition';
import { declared } from '../provenance';
import { declaresRequests, requestSli } from './observability';

/** Whether the environment's components are released by Argo Rollouts (`release.engine: argo-rollouts`). */
export function rolloutEngine(c: Composition): boolean {
  const release = c.environment.release;
  return release.strategy !== 'rolling' && release.engine === 'argo-rollouts';
}

/**
 * With Argo CD delivery (the product's `delivery`) or Argo Rollouts: checks the environment's `delivery` settings and
 * adds the smoke test that calls every component through the Service of the version about to get traffic (the
 * preview Service in blue-green, unless the idle colour is scaled to 0; the preview or canary Service of a Rollout).
 */
export function composeDelivery(c: Composition, scope: Construct, components: Readonly<Record<string, EafWorkload>>): SmokeTest | undefined {
  const settings = c.environment.delivery;
  const rollouts = rolloutEngine(c);
  if (c.product.delivery === undefined) {
    if (settings !== undefined) {
      c.problem(
        new PropertyError(
          c.chart,
          'delivery',
          'is set, but the product is not delivered by Argo CD',
          settings,
          'declare the repository in the product (defineProduct({ delivery: { repoURL } })), or remove delivery',
          'delivery',
        ),
      );
      return undefined;
    }
    if (!rollouts) return undefined;
  } else {
    const delivered = c.sourced<Omit<DeliveredEnvironment, 'clusterKinds' | 'namespacedKinds' | 'namespace'>>(
      scope,
      { name: declared(c.environment.name), critical: c.critical, ...settings },
      'delivery',
    );
    c.attempt(() => validateDeliveredEnvironment(scope, delivered));
  }
  if (settings?.smokeTest?.enabled === false) return undefined;
  const targets = Object.values(components).map((w) => {
    const preview = rollouts || (w.blueGreen !== undefined && w.blueGreen.deployments[w.blueGreen.idleColor].replicas !== 0);
    return { peer: w, serviceName: (preview ? w.previewService! : w.service).name, port: w.port, path: w.readinessPath };
  });
  if (targets.length === 0) return undefined;
  const props = {
    name: `${c.product.name}-smoke-test`,
    targets,
    image: settings?.smokeTest?.image,
    timeoutSeconds: settings?.smokeTest?.timeoutSeconds,
    // Argo CD does not run a PostSync hook while a blue-green Rollout waits for its promotion (argo-cd #19422): with
    // Argo Rollouts each component's analysis runs the same test as a Job against its preview (or canary) Service.
    ...(rollouts ? { hook: false } : {}),
  };
  const smokeTest = c.build(scope, 'smoke-test', props, 'delivery.smokeTest', (p: SmokeTestProps) => new SmokeTest(scope, 'smoke-test', p));
  // The switch gate: in the sync that moves a blue-green component's Services, the same test of the colour they are
  // about to select runs first, as a Sync hook in a wave of its own (BlueGreenService.gateSwitch); Argo CD stops the
  // sync when it fails, so the Services stay where they are. The PostSync hook alone would run after they moved.
  if (smokeTest?.hook) {
    for (const w of Object.values(components)) {
      w.blueGreen?.gateSwitch((next) => smokeTest.addSwitchGate({ peer: w, serviceName: next, port: w.port, path: w.readinessPath }));
    }
  }
  return smokeTest;
}

/** What the release analyses of the components read. */
export interface AnalysisInputs {
  /** The components. */
  readonly components: Readonly<Record<string, EafWorkload>>;
  /** Their public exposures, by host key. */
  readonly exposures: Readonly<Record<string, Exposure>>;
  /** The thresholds of the alerts (the analyses judge new pods by them). @default - the environment's over the platform's */
  readonly thresholds?: AlertThresholds;
  /** The smoke test. @default - none */
  readonly smokeTest?: SmokeTest;
}

/**
 * With Argo Rollouts: each component's AnalysisTemplate (`<name>-preview`): the error ratio and P95 latency of a
 * component's new pods (read through its request metrics' indicator) against the thresholds of its alerts, and the smoke test's call of its preview
 * Service. A canary's share of traffic goes through the component's OpenShift Route, when it has one.
 */
export function composeReleaseAnalyses(c: Composition, scope: Construct, inputs: AnalysisInputs): Record<string, RolloutAnalysis> {
  const release = c.environment.release;
  const settings = release.strategy === 'rolling' ? undefined : release.analysis;
  const thresholds = inputs.thresholds ?? { ...ALERT_DEFAULTS.thresholds, ...c.environment.observability?.thresholds };
  const out: Record<string, RolloutAnalysis> = {};
  for (const [name, w] of Object.entries(inputs.components)) {
    const analysis = w.rollout?.analysis;
    if (!w.rollout || !analysis) continue;
    const exposure = inputs.exposures[name] && ApiObject.of(inputs.exposures[name]);
    if (w.rollout.strategy.kind === 'canary' && exposure?.kind === 'Route') w.rollout.routeTrafficThrough(exposure.name);
    const smokeTest = inputs.smokeTest;
    const sli = requestSli(c, name, w);
    const props = {
      name: analysis.templateName,
      requests: sli && {
        metrics: { namespace: c.namespace, job: w.podMetrics!.job },
        sli,
        errorRatePercent: thresholds.errorRatePercent,
        latencyP95Seconds: thresholds.latencyP95Seconds,
      },
      job: smokeTest && { spec: () => smokeTest.jobSpecFor(w) },
      prometheusUrl: settings?.prometheusUrl,
      interval: settings?.interval,
      count: settings?.count,
      failureLimit: settings?.failureLimit,
    };
    const analysed = c.build(scope, name, props, 'release.analysis', (p: RolloutAnalysisProps) => new RolloutAnalysis(scope, name, p));
    if (analysed) out[name] = analysed;
  }
  // From the product's declarations, not the components composed: one that failed has its own problem.
  if (!Object.values(c.product.components).some(declaresRequests)) refuseMetricSettings(c, settings);
  return out;
}

/** The metric analysis's settings when no component has request metrics to measure: accepted, they would change nothing. */
function refuseMetricSettings(
  c: Composition,
  settings: Partial<Record<'prometheusUrl' | 'interval' | 'count' | 'failureLimit', unknown>> | undefined,
): void {
  for (const key of ['prometheusUrl', 'interval', 'count', 'failureLimit'] as const) {
    if (settings?.[key] === undefined) continue;
    c.problem(
      new PropertyError(
        c.chart,
        key,
        "is read by the metric analysis only, and no component of this environment's release has request metrics: " +
          'its analysis runs the smoke test alone',
        settings[key],
        'declare request metrics on a component (requests on spring-boot, metrics.requests on http), or remove it',
        `release.analysis.${key}`,
      ),
    );
  }
}
