import { AlertRule, AlertTargets, AlertThresholds, ABOVE, BELOW, counter, gauge, InputSeries } from './alert-model';
import { Labels, num, series } from './promql';

/** Alerts on every component's containers: CPU and memory against their limits. */
export function containerAlerts(target: AlertTargets['containers'][number], labels: Labels, t: AlertThresholds): AlertRule[] {
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
      expr:
        `max by (pod) (rate(${series('container_cpu_usage_seconds_total', containers, pods)}[5m])) / ` +
        `${limits('cpu')} > ${num(t.cpuPercent / 100)}`,
      for: '15m',
      severity: 'warning',
      summary: `{{ $labels.pod }} uses more than ${num(t.cpuPercent)} % of its CPU limit`,
      description:
        `{{ $labels.pod }} ({{ $labels.component }} in {{ $labels.namespace }}) has used more than ` +
        `${num(t.cpuPercent)} % of its CPU limit for 15 minutes: it is being throttled or soon will be.`,
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
      description:
        `{{ $labels.pod }} ({{ $labels.component }} in {{ $labels.namespace }}) has a working set above ` +
        `${num(t.memoryPercent)} % of its memory limit for 15 minutes: it will be OOM-killed when it reaches ` +
        `the limit.`,
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
