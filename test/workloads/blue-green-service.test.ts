import { BlueGreenService, COLORS, EafApi } from '../../lib';
import { find, synth, testChart } from '../util';

describe('BlueGreenService', () => {
  const image = 'registry.example.com/dvmm/api';
  const blueGreen = { activeColor: 'blue' as const };
  const tags = { blue: '1.0.0', green: '1.1.0' };

  test('renders one Deployment per colour with its own tag; the Service selects the active colour, the preview the other', () => {
    // GIVEN
    const chart = testChart();
    // WHEN
    const api = new EafApi(chart, 'api', { image, replicas: 3, blueGreen: { ...blueGreen, idleReplicas: 0 }, tags });
    // THEN
    const manifests = synth(chart);
    const blue = find(manifests, 'Deployment', 'api-blue');
    const green = find(manifests, 'Deployment', 'api-green');
    expect(blue.spec.template.spec.containers[0].image).toBe(`${image}:1.0.0`);
    expect(green.spec.template.spec.containers[0].image).toBe(`${image}:1.1.0`);
    expect(blue.spec.replicas).toBe(3);
    expect(green.spec.replicas).toBe(0);
    expect(blue.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'api', 'eaf.io/color': 'blue' });
    expect(find(manifests, 'Service', 'api').spec.selector).toEqual({ 'app.kubernetes.io/name': 'api', 'eaf.io/color': 'blue' });
    expect(find(manifests, 'Service', 'api-preview').spec.selector).toEqual({ 'app.kubernetes.io/name': 'api', 'eaf.io/color': 'green' });
    // THEN the preview Service says what it is, so the gate reads a fact instead of guessing from the name
    expect(find(manifests, 'Service', 'api-preview').metadata.labels).toEqual({ 'eaf.io/preview': 'true' });
    expect(find(manifests, 'Service', 'api').metadata.labels).toBeUndefined();
    expect(api.blueGreen!.activeDeployment).toBe(api.blueGreen!.deployments.blue);
    expect(api.previewService!.name).toBe('api-preview');
  });

  test('renders the Services before the Deployments, so oc apply moves them before the old colour shrinks', () => {
    // GIVEN the route step of a two-step switch: green active at full size, blue shrinking to idleReplicas
    const chart = testChart();
    new EafApi(chart, 'api', { image, replicas: 2, blueGreen: { activeColor: 'green', idleReplicas: 1 }, tags });
    // WHEN
    const order = synth(chart).map((o) => `${o.kind}/${o.metadata.name}`);
    // THEN kubectl apply (file order, one object after the other) selects green before blue loses a pod
    expect(order.indexOf('Service/api')).toBeLessThan(order.indexOf('Deployment/api-blue'));
    expect(order.indexOf('Service/api-preview')).toBeLessThan(order.indexOf('Deployment/api-blue'));
    expect(order.indexOf('Service/api')).toBeLessThan(order.indexOf('Deployment/api-green'));
  });

  test('keeps the idle colour at full size by default, so a rollback is instant, each colour with its own budget', () => {
    const chart = testChart();
    new EafApi(chart, 'api', { image, replicas: 3, blueGreen, tags });
    const manifests = synth(chart);
    expect(find(manifests, 'Deployment', 'api-green').spec.replicas).toBe(3);
    expect(find(manifests, 'PodDisruptionBudget', 'api-green').spec.selector.matchLabels['eaf.io/color']).toBe('green');
  });

  test('scales the active colour only with the autoscaler', () => {
    const chart = testChart();
    new EafApi(chart, 'api', {
      image,
      blueGreen: { ...blueGreen, activeColor: 'green', idleReplicas: 0 },
      tags,
      autoscaling: { minReplicas: 2, maxReplicas: 6 },
    });
    const manifests = synth(chart);
    expect(find(manifests, 'HorizontalPodAutoscaler', 'api').spec.scaleTargetRef.name).toBe('api-green');
    expect(find(manifests, 'Deployment', 'api-green').spec.replicas).toBeUndefined();
  });

  test('fails on an unknown colour', () => {
    expect(() => new EafApi(testChart(), 'api', { image, blueGreen: { ...blueGreen, activeColor: 'red' as any }, tags })).toThrow(
      'test/api/BlueGreen: activeColor must be blue or green (got "red"); set activeColor to blue or green',
    );
  });

  test('wraps any workload that renders Deployments', () => {
    const chart = testChart();
    const api = new EafApi(chart, 'template', { image, tag: '0.0.1' });
    const pair = new BlueGreenService(chart, 'pair', {
      name: 'orders',
      workload: api,
      activeColor: 'green',
      tags: { blue: '1', green: '2' },
      replicas: 2,
      idleReplicas: 1,
    });
    const manifests = synth(chart);
    expect(pair.idleColor).toBe('blue');
    expect(find(manifests, 'Deployment', 'orders-blue').spec.replicas).toBe(1);
    expect(find(manifests, 'Service', 'orders').spec.selector['eaf.io/color']).toBe('green');
  });

  test('keeps the idle colour at the active size when the pair is given no idle count, and names its parts by colour', () => {
    // GIVEN a pair built directly, with replicas but without idleReplicas
    const chart = testChart();
    const api = new EafApi(chart, 'template', { image, tag: '0.0.1' });
    // WHEN
    const pair = new BlueGreenService(chart, 'pair', {
      name: 'orders',
      workload: api,
      activeColor: 'blue',
      tags: { blue: '1', green: '2' },
      replicas: 4,
    });
    // THEN
    const manifests = synth(chart);
    expect(find(manifests, 'Deployment', 'orders-blue').spec.replicas).toBe(4);
    expect(find(manifests, 'Deployment', 'orders-green').spec.replicas).toBe(4);
    expect([pair.activeColor, pair.idleColor]).toEqual(['blue', 'green']);
    expect(pair.deployments.blue.node.id).toBe('Blue');
    expect(pair.deployments.green.node.id).toBe('Green');
    expect(pair.activeDeployment).toBe(pair.deployments.blue);
    expect([pair.service.name, pair.previewService.name]).toEqual(['orders', 'orders-preview']);
    expect(find(manifests, 'Service', 'orders-preview').spec).toEqual({
      ports: [{ name: 'http', port: 8080, targetPort: 8080 }],
      selector: { 'app.kubernetes.io/name': 'template', 'eaf.io/color': 'green' },
      type: 'ClusterIP',
    });
    expect(find(manifests, 'Deployment', 'orders-green').spec.template.metadata.labels).toEqual({
      'app.kubernetes.io/component': 'api',
      'app.kubernetes.io/name': 'template',
      'eaf.io/color': 'green',
    });
    expect(COLORS).toEqual(['blue', 'green']);
  });

  test('gives each colour its own budget named after its Deployment', () => {
    const chart = testChart();
    new EafApi(chart, 'api', { image, replicas: 2, blueGreen, tags });
    const manifests = synth(chart);
    expect(manifests.filter((m) => m.kind === 'PodDisruptionBudget').map((m) => [m.metadata.name, m.spec.selector.matchLabels])).toEqual([
      ['api-blue', { 'app.kubernetes.io/name': 'api', 'eaf.io/color': 'blue' }],
      ['api-green', { 'app.kubernetes.io/name': 'api', 'eaf.io/color': 'green' }],
    ]);
  });
});
