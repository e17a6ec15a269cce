import { EafApi } from '../../lib';
import { find, synth, testChart } from '../util';

const image = 'registry.example.com/orders/api';

describe("an EAF workload's autoscaler", () => {
  test('scales on CPU, and on memory and a custom per-pod metric where asked for', () => {
    // GIVEN an API that scales on CPU (default 70 %), memory at 80 % and 50 requests per second per pod
    const chart = testChart();
    new EafApi(chart, 'api', {
      image,
      tag: '1.0.0',
      autoscaling: {
        minReplicas: 2,
        maxReplicas: 6,
        targetMemoryUtilization: 80,
        podsMetric: { name: 'http_requests_per_second', averageValue: 50 },
      },
    });
    // WHEN synthesised THEN the autoscaler carries the three metrics, CPU first
    expect(find(synth(chart), 'HorizontalPodAutoscaler', 'api').spec.metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
      { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } },
      { type: 'Pods', pods: { metric: { name: 'http_requests_per_second' }, target: { type: 'AverageValue', averageValue: 50 } } },
    ]);
  });

  test('scales on CPU only by default', () => {
    const chart = testChart();
    new EafApi(chart, 'api', { image, tag: '1.0.0', autoscaling: { minReplicas: 2, maxReplicas: 4 } });
    expect(find(synth(chart), 'HorizontalPodAutoscaler', 'api').spec.metrics.map((m: any) => m.resource?.name ?? m.type)).toEqual(['cpu']);
  });
});
