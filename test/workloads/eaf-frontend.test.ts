import { EAF_FRONTEND_DEFAULTS, EafFrontend } from '../../lib';
import { find, synth, testChart } from '../util';

describe('EafFrontend', () => {
  test('serves nginx on unprivileged 8080 with the platform sizes, probes on / and the writable paths nginx needs', () => {
    // GIVEN
    const chart = testChart();
    // WHEN
    new EafFrontend(chart, 'frontend', { image: 'registry.example.com/dvmm/frontend', tag: '2.0.0' });
    // THEN
    const manifests = synth(chart);
    const deployment = find(manifests, 'Deployment', 'frontend');
    const container = deployment.spec.template.spec.containers[0];
    expect(deployment.spec.replicas).toBe(3);
    expect(container.ports).toEqual([{ containerPort: 8080, name: 'http' }]);
    expect(container.resources).toEqual({
      requests: { 'cpu': '50m', 'memory': '64Mi', 'ephemeral-storage': '64Mi' },
      limits: { 'cpu': '200m', 'memory': '128Mi', 'ephemeral-storage': '256Mi' },
    });
    expect(container.livenessProbe).toEqual({
      httpGet: { path: '/', port: 8080, scheme: 'HTTP' },
      failureThreshold: 3,
      initialDelaySeconds: 5,
      periodSeconds: 10,
    });
    expect(container.readinessProbe).toEqual({
      httpGet: { path: '/', port: 8080, scheme: 'HTTP' },
      failureThreshold: 3,
      initialDelaySeconds: 2,
      periodSeconds: 5,
    });
    expect(container.startupProbe).toBeUndefined();
    expect(container.name).toBe('frontend');
    expect(deployment.metadata.labels).toEqual({ 'app.kubernetes.io/component': 'frontend' });
    expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(container.volumeMounts.map((m: any) => m.mountPath)).toEqual(['/tmp', '/var/cache/nginx', '/var/run']);
    expect(find(manifests, 'Service', 'frontend').spec.ports).toEqual([{ name: 'http', port: 8080, targetPort: 8080 }]);
    expect(find(manifests, 'PodDisruptionBudget', 'frontend').spec.maxUnavailable).toBe(1);
  });

  test('takes its own writable paths and port', () => {
    const chart = testChart();
    const frontend = new EafFrontend(chart, 'frontend', { image: 'registry.example.com/web', tag: '2.0.0', port: 8081, writablePaths: ['/tmp'] });
    const container = find(synth(chart), 'Deployment', 'frontend').spec.template.spec.containers[0];
    expect(frontend.port).toBe(8081);
    expect(container.ports[0].containerPort).toBe(8081);
    expect(container.volumeMounts).toEqual([{ mountPath: '/tmp', name: 'tmp' }]);
  });

  test('takes its own replicas and sizes, and is not scraped', () => {
    const chart = testChart();
    const frontend = new EafFrontend(chart, 'frontend', {
      image: 'registry.example.com/web',
      tag: '2.0.0',
      replicas: 5,
      resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '20m', memory: '64Mi' } },
    });
    const deployment = find(synth(chart), 'Deployment', 'frontend');
    expect(deployment.spec.replicas).toBe(5);
    expect(deployment.spec.template.spec.containers[0].resources).toEqual({
      requests: { cpu: '10m', memory: '32Mi' },
      limits: { cpu: '20m', memory: '64Mi' },
    });
    expect(frontend.metricsPort).toBeUndefined();
  });

  test('publishes its defaults frozen', () => {
    expect(EAF_FRONTEND_DEFAULTS.writablePaths).toEqual(['/tmp', '/var/cache/nginx', '/var/run']);
    expect([EAF_FRONTEND_DEFAULTS.port, EAF_FRONTEND_DEFAULTS.replicas]).toEqual([8080, 3]);
    expect(Object.isFrozen(EAF_FRONTEND_DEFAULTS.writablePaths)).toBe(true);
  });
});
