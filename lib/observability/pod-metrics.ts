import { Construct } from 'constructs';
import * as monitoring from '../../imports/monitoring-podmonitor-monitoring.coreos.com';
import { SCRAPE_INTERVAL_CONTEXT } from '../core/labels';
import { SecretKeyReference } from '../core/secrets';

/** Credentials monitoring presents at a secured metrics endpoint (e.g. a Spring Boot actuator behind basic auth), by Secret reference. */
export type MetricsAuth =
  | { readonly kind: 'basic'; /** Secret with the keys `username` and `password`. */ readonly secretName: string }
  | { readonly kind: 'bearer'; /** The token. */ readonly token: SecretKeyReference };

/** Where and how monitoring scrapes one set of pods. */
export interface PodMetricsProps {
  /** Name of the PodMonitor. */
  readonly name: string;
  /** Labels of the pods to scrape (every colour of a blue-green component). */
  readonly podSelector: Readonly<Record<string, string>>;
  /** The pod label whose value becomes the series' `job` (so alerts and dashboards select `job="<name>"`). */
  readonly jobLabel: string;
  /** The container port, by number or by name. */
  readonly port: number | string;
  /** HTTP path of the metrics. @default - not rendered: Prometheus's own, `/metrics` */
  readonly path?: string;
  /**
   * Scrape interval.
   * @default - the chart's (the context key `@eaf/cdk8s:scrape-interval`, which the product chart sets from
   * `observability.monitoring.scrapeInterval`), else the Prometheus's own (usually 30s)
   */
  readonly interval?: string;
  /** Credentials for a secured endpoint. @default - none */
  readonly auth?: MetricsAuth;
  /**
   * Pod labels copied onto every scraped series, under Prometheus's sanitised name (`rollouts-pod-template-hash`
   * becomes `rollouts_pod_template_hash`), e.g. for an analysis that looks at the new pods of a release only.
   * @default - none
   */
  readonly podLabels?: readonly string[];
}

/**
 * A PodMonitor: monitoring scrapes pods directly, not through a Service. A blue-green component's Service selects
 * only the live colour, while the idle colour must be measured before it gets traffic; and the metrics ports of
 * PostgreSQL (9187) and Keycloak (9000) are not on the Services clients use. One kind for every scraped thing keeps
 * the series' labels (`namespace`, `pod`, `job`) the same everywhere.
 */
export class PodMetrics extends Construct {
  /** The rendered PodMonitor. */
  public readonly resource: monitoring.PodMonitor;
  /** The value of `job` on the scraped series. */
  public readonly job: string;

  constructor(scope: Construct, id: string, props: PodMetricsProps) {
    super(scope, id);
    this.job = props.podSelector[props.jobLabel] ?? props.name;
    const port = typeof props.port === 'number' ? { portNumber: props.port } : { port: props.port };
    this.resource = new monitoring.PodMonitor(this, 'Resource', {
      metadata: { name: props.name },
      spec: {
        jobLabel: props.jobLabel,
        selector: { matchLabels: { ...props.podSelector } },
        podMetricsEndpoints: [
          { ...port, path: props.path, interval: props.interval ?? scrapeIntervalOf(this), ...authOf(props.auth), ...relabelingsOf(props.podLabels) },
        ],
      },
    });
  }
}

/** The name a pod label copied by `podLabels` has on the series: Prometheus's sanitised form (`a-b` → `a_b`). */
export function seriesLabelOf(podLabel: string): string {
  return podLabel.replace(/[^a-zA-Z0-9_]/g, '_');
}

/** The relabelings that copy pod labels onto the series (`__meta_kubernetes_pod_label_<name>` is how Prometheus sees them). */
function relabelingsOf(labels: readonly string[] | undefined): Pick<monitoring.PodMonitorSpecPodMetricsEndpoints, 'relabelings'> {
  if (labels === undefined || labels.length === 0) return {};
  return {
    relabelings: labels.map((label) => ({
      sourceLabels: [`__meta_kubernetes_pod_label_${seriesLabelOf(label)}`],
      targetLabel: seriesLabelOf(label),
      // The CRD's default, written out: the API server would add it, and a second apply would then change the object.
      action: monitoring.PodMonitorSpecPodMetricsEndpointsRelabelingsAction.REPLACE,
    })),
  };
}

function authOf(auth: MetricsAuth | undefined): Pick<monitoring.PodMonitorSpecPodMetricsEndpoints, 'basicAuth' | 'authorization'> {
  if (auth === undefined) return {};
  if (auth.kind === 'basic') {
    return { basicAuth: { username: { name: auth.secretName, key: 'username' }, password: { name: auth.secretName, key: 'password' } } };
  }
  return { authorization: { type: 'Bearer', credentials: { name: auth.token.secretName, key: auth.token.key } } };
}

/** The chart's scrape interval (see {@link PodMetricsProps.interval}). */
function scrapeIntervalOf(scope: Construct): string | undefined {
  const interval: unknown = scope.node.tryGetContext(SCRAPE_INTERVAL_CONTEXT);
  return typeof interval === 'string' ? interval : undefined;
}
