import { EAF_HTTP_WORKLOAD_DEFAULTS, EafHttpWorkload } from '../../lib';
import { find, synth, testChart } from '../util';

describe('EafHttpWorkload', () => {
  const base = { image: 'registry.example.com/shop/orders', tag: '2.1.0', livenessPath: '/healthz', readinessPath: '/readyz' };

  test('runs any HTTP service on 8080 with two replicas, its own probe paths and the generic sizes', () => {
    // GIVEN
    const chart = testChart();
    // WHEN
    const orders = new EafHttpWorkload(chart, 'orders', base);
    // THEN
    const manifests = synth(chart);
    const deployment = find(manifests, 'Deployment', 'orders');
    const container = deployment.spec.template.spec.containers[0];
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.metadata.labels).toEqual({ 'app.kubernetes.io/component': 'app' });
    expect(container.name).toBe('app');
    expect(container.ports).toEqual([{ containerPort: 8080, name: 'http' }]);
    expect(container.resources).toEqual({
      requests: { 'cpu': '100m', 'memory': '128Mi', 'ephemeral-storage': '64Mi' },
      limits: { 'cpu': '500m', 'memory': '512Mi', 'ephemeral-storage': '256Mi' },
    });
    expect(container.livenessProbe).toEqual({
      failureThreshold: 3,
      httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' },
      initialDelaySeconds: 10,
      periodSeconds: 10,
    });
    expect(container.readinessProbe).toEqual({
      failureThreshold: 3,
      httpGet: { path: '/readyz', port: 8080, scheme: 'HTTP' },
      initialDelaySeconds: 5,
      periodSeconds: 5,
    });
    expect(container.startupProbe).toBeUndefined();
    expect(container.volumeMounts).toEqual([{ mountPath: '/tmp', name: 'tmp' }]);
    expect(orders.replicas).toBe(2);
    expect(orders.metricsPort).toBeUndefined();
    expect(orders.metricsPath).toBeUndefined();
    // THEN two replicas are enough for a budget
    expect(find(manifests, 'PodDisruptionBudget', 'orders').spec.maxUnavailable).toBe(1);
  });

  test('takes a startup probe that allows five minutes, a metrics endpoint, a component name, a port and writable paths', () => {
    const chart = testChart();
    const orders = new EafHttpWorkload(chart, 'orders', {
      ...base,
      port: 9000,
      replicas: 4,
      startupPath: '/started',
      metrics: { port: 9090, path: '/metrics' },
      component: 'worker',
      writablePaths: ['/data', '/tmp'],
      resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } },
    });
    const deployment = find(synth(chart), 'Deployment', 'orders');
    const container = deployment.spec.template.spec.containers[0];
    expect(container.startupProbe).toEqual({ failureThreshold: 30, httpGet: { path: '/started', port: 9000, scheme: 'HTTP' }, periodSeconds: 10 });
    expect(container.name).toBe('worker');
    expect(deployment.spec.template.metadata.labels).toEqual({ 'app.kubernetes.io/component': 'worker', 'app.kubernetes.io/name': 'orders' });
    expect(container.ports).toEqual([{ containerPort: 9000, name: 'http' }]);
    expect(container.resources).toEqual({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } });
    expect(container.volumeMounts).toEqual([
      { mountPath: '/data', name: 'data' },
      { mountPath: '/tmp', name: 'tmp' },
    ]);
    expect(deployment.spec.replicas).toBe(4);
    expect([orders.port, orders.metricsPort, orders.metricsPath]).toEqual([9000, 9090, '/metrics']);
  });

  test('publishes its defaults frozen', () => {
    expect(EAF_HTTP_WORKLOAD_DEFAULTS).toEqual({
      port: 8080,
      replicas: 2,
      resources: {
        requests: { cpu: '100m', memory: '128Mi', ephemeralStorage: '64Mi' },
        limits: { cpu: '500m', memory: '512Mi', ephemeralStorage: '256Mi' },
      },
      writablePaths: ['/tmp'],
      component: 'app',
    });
    expect(Object.isFrozen(EAF_HTTP_WORKLOAD_DEFAULTS.resources.requests)).toBe(true);
  });
});
