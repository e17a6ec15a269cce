import * as kplus from 'cdk8s-plus-28';

/** Horizontal pod autoscaling: on CPU utilisation, and optionally on memory and on a per-pod custom metric. */
export interface AutoscalingOptions {
  /** Fewest replicas. */
  readonly minReplicas: number;
  /** Most replicas. */
  readonly maxReplicas: number;
  /**
   * Average CPU utilisation (percent of the request) the autoscaler aims for.
   * @default 70
   */
  readonly targetCpuUtilization?: number;
  /**
   * Average memory utilisation (percent of the request) the autoscaler also aims for; the autoscaler follows whichever
   * metric asks for more replicas.
   * @default - memory is not a scaling metric
   */
  readonly targetMemoryUtilization?: number;
  /**
   * A per-pod metric of the custom metrics API (served by an adapter such as prometheus-adapter or KEDA), and the
   * average value per pod the autoscaler aims for, e.g. `{ name: 'http_requests_per_second', averageValue: 50 }`.
   * @default - no custom metric
   */
  readonly podsMetric?: { readonly name: string; readonly averageValue: number };
}

/** The metrics of a workload's autoscaler: CPU always; memory and a custom per-pod metric where asked for. */
export function autoscalingMetrics(scaling: AutoscalingOptions, defaultCpu: number): kplus.Metric[] {
  const cpu = scaling.targetCpuUtilization ?? defaultCpu;
  return [
    kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(cpu)),
    ...(scaling.targetMemoryUtilization === undefined
      ? []
      : [kplus.Metric.resourceMemory(kplus.MetricTarget.averageUtilization(scaling.targetMemoryUtilization))]),
    ...(scaling.podsMetric === undefined
      ? []
      : [kplus.Metric.pods({ name: scaling.podsMetric.name, target: kplus.MetricTarget.averageValue(scaling.podsMetric.averageValue) })]),
  ];
}
