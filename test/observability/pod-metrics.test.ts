import { Testing } from 'cdk8s';
import { PodMetrics, PodMetricsProps } from '../../lib/observability/pod-metrics';

/** PodMetrics alone: the series' job, the endpoint's credentials and relabelings. */

function render(props: Partial<PodMetricsProps> = {}): { monitor: any; job: string } {
  const chart = Testing.chart();
  const metrics = new PodMetrics(chart, 'metrics', {
    name: 'api',
    podSelector: { 'app.kubernetes.io/name': 'api' },
    jobLabel: 'app.kubernetes.io/name',
    port: 'http',
    ...props,
  });
  const [monitor] = Testing.synth(chart);
  return { monitor, job: metrics.job };
}

describe('PodMetrics', () => {
  test("the series' job is the selected pods' value of the job label", () => {
    expect(render({ podSelector: { 'app.kubernetes.io/name': 'dvmm-api', 'eaf.io/component': 'api' } }).job).toBe('dvmm-api');
  });

  test("the series' job is the PodMonitor's name when the selector does not fix the job label", () => {
    expect(render({ podSelector: { 'eaf.io/component': 'api' } }).job).toBe('api');
  });

  test('scrapes a port by number, with bearer-token credentials from a Secret', () => {
    const { monitor } = render({
      port: 9187,
      path: '/metrics',
      interval: '15s',
      auth: { kind: 'bearer', token: { secretName: 'metrics', key: 'token' } },
    });
    expect(monitor.spec.podMetricsEndpoints).toEqual([
      {
        portNumber: 9187,
        path: '/metrics',
        interval: '15s',
        authorization: { type: 'Bearer', credentials: { name: 'metrics', key: 'token' } },
      },
    ]);
  });

  test('copies pod labels onto the series under their sanitised names, and renders no relabelings for none', () => {
    expect(render({ podLabels: ['rollouts-pod-template-hash'] }).monitor.spec.podMetricsEndpoints[0].relabelings).toEqual([
      { sourceLabels: ['__meta_kubernetes_pod_label_rollouts_pod_template_hash'], targetLabel: 'rollouts_pod_template_hash', action: 'replace' },
    ]);
    expect(render({ podLabels: [] }).monitor.spec.podMetricsEndpoints[0]).toEqual({ port: 'http' });
  });
});
