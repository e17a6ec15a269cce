import { EafFrontend } from '../../lib';
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
    expect(container.resources).toEqual({ requests: { 'cpu': '50m', 'memory': '64Mi', 'ephemeral-storage': '64Mi' }, limits: { 'cpu': '200m', 'memory': '128Mi', 'ephemeral-storage': '256Mi' } });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/', port: 8080, scheme: 'HTTP' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/', port: 8080, scheme: 'HTTP' });
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
});
