import { EAF_API_DEFAULTS, EafApi } from '../../lib';
import { containersOf, find, synth, testChart } from '../util';

describe('EafApi', () => {
  const rolling = { image: 'registry.example.com/dvmm/api', tag: '1.2.3' };

  test('runs the Spring Boot API on 8080 with the platform sizes and actuator probes', () => {
    // GIVEN
    const chart = testChart();
    // WHEN
    new EafApi(chart, 'api', rolling);
    // THEN
    const deployment = find(synth(chart), 'Deployment', 'api');
    expect(deployment.spec.replicas).toBe(3);
    const container = deployment.spec.template.spec.containers[0];
    expect(container.image).toBe('registry.example.com/dvmm/api:1.2.3');
    expect(container.ports).toEqual([{ containerPort: 8080, name: 'http' }]);
    expect(container.resources).toEqual({
      requests: { 'cpu': '250m', 'memory': '512Mi', 'ephemeral-storage': '256Mi' },
      limits: { 'cpu': '1', 'memory': '1Gi', 'ephemeral-storage': '1Gi' },
    });
    expect(container.livenessProbe).toEqual({
      httpGet: { path: '/actuator/health/liveness', port: 8080, scheme: 'HTTP' },
      failureThreshold: 3,
      initialDelaySeconds: 30,
      periodSeconds: 10,
    });
    expect(container.readinessProbe).toEqual({
      httpGet: { path: '/actuator/health/readiness', port: 8080, scheme: 'HTTP' },
      failureThreshold: 3,
      initialDelaySeconds: 5,
      periodSeconds: 5,
    });
    expect(container.startupProbe).toEqual({
      httpGet: { path: '/actuator/health/liveness', port: 8080, scheme: 'HTTP' },
      failureThreshold: 30,
      periodSeconds: 10,
    });
    // The latency histogram that P95/P99 alerts and dashboards need; nothing else.
    expect(container.env).toEqual([{ name: 'MANAGEMENT_METRICS_DISTRIBUTION_PERCENTILESHISTOGRAM_HTTP_SERVER_REQUESTS', value: 'true' }]);
  });

  test('runs restricted: non-root without fixed UID, no escalation, no capabilities, RuntimeDefault seccomp, read-only root with writable /tmp', () => {
    const chart = testChart();
    new EafApi(chart, 'api', rolling);
    const manifests = synth(chart);
    const [{ container, pod }] = containersOf(manifests);
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.securityContext.runAsUser).toBeUndefined();
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(container.volumeMounts).toEqual([{ mountPath: '/tmp', name: 'tmp' }]);
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]);
    expect(find(manifests, 'ServiceAccount', 'api').automountServiceAccountToken).toBe(false);
  });

  test('references secrets by name and key only', () => {
    const chart = testChart();
    new EafApi(chart, 'api', {
      ...rolling,
      springProfile: 'production',
      env: { DB_NAME: 'dvmm' },
      secretEnv: { DB_PASSWORD: { secretName: 'dvmm-db-credentials', key: 'password' } },
    });
    const manifests = synth(chart);
    const env = find(manifests, 'Deployment', 'api').spec.template.spec.containers[0].env;
    expect(env).toEqual([
      { name: 'SPRING_PROFILES_ACTIVE', value: 'production' },
      { name: 'MANAGEMENT_METRICS_DISTRIBUTION_PERCENTILESHISTOGRAM_HTTP_SERVER_REQUESTS', value: 'true' },
      { name: 'DB_NAME', value: 'dvmm' },
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'dvmm-db-credentials', key: 'password' } } },
    ]);
    expect(manifests.filter((m) => m.kind === 'Secret')).toEqual([]);
  });

  test('adds a Service, a PodDisruptionBudget and node and zone spread', () => {
    const chart = testChart();
    new EafApi(chart, 'api', rolling);
    const manifests = synth(chart);
    const service = find(manifests, 'Service', 'api');
    expect(service.spec.selector).toEqual({ 'app.kubernetes.io/name': 'api' });
    expect(service.spec.ports).toEqual([{ name: 'http', port: 8080, targetPort: 8080 }]);
    expect(find(manifests, 'PodDisruptionBudget', 'api').spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'api' } },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
    const spread = find(manifests, 'Deployment', 'api').spec.template.spec.topologySpreadConstraints;
    expect(spread.map((c: any) => [c.topologyKey, c.whenUnsatisfiable])).toEqual([
      ['kubernetes.io/hostname', 'DoNotSchedule'],
      ['topology.kubernetes.io/zone', 'ScheduleAnyway'],
    ]);
  });

  test('overrides every platform default', () => {
    const chart = testChart();
    const api = new EafApi(chart, 'api', {
      ...rolling,
      name: 'orders-api',
      port: 9090,
      replicas: 1,
      spread: false,
      resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } },
    });
    const manifests = synth(chart);
    const deployment = find(manifests, 'Deployment', 'orders-api');
    expect(api.port).toBe(9090);
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.template.spec.topologySpreadConstraints).toBeUndefined();
    expect(deployment.spec.template.spec.containers[0].resources.limits).toEqual({ cpu: '2', memory: '2Gi' });
    expect(manifests.filter((m) => m.kind === 'PodDisruptionBudget')).toEqual([]);
  });

  test('scales on CPU with an autoscaler that owns the replica count', () => {
    const chart = testChart();
    new EafApi(chart, 'api', { ...rolling, autoscaling: { minReplicas: 3, maxReplicas: 10 } });
    const manifests = synth(chart);
    expect(find(manifests, 'Deployment', 'api').spec.replicas).toBeUndefined();
    const hpa = find(manifests, 'HorizontalPodAutoscaler', 'api');
    expect(hpa.spec).toMatchObject({ minReplicas: 3, maxReplicas: 10, scaleTargetRef: { kind: 'Deployment', name: 'api' } });
    expect(hpa.spec.metrics[0].resource).toEqual({ name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } });
    expect(find(manifests, 'PodDisruptionBudget', 'api').spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'api' } });
  });

  test('pins an image by digest', () => {
    const chart = testChart();
    const digest = `sha256:${'a'.repeat(64)}`;
    new EafApi(chart, 'api', { image: 'registry.example.com/dvmm/api', tag: digest });
    expect(find(synth(chart), 'Deployment', 'api').spec.template.spec.containers[0].image).toBe(`registry.example.com/dvmm/api@${digest}`);
  });

  test('is scraped on its port at the actuator Prometheus endpoint, or where told', () => {
    const chart = testChart();
    const api = new EafApi(chart, 'api', rolling);
    const custom = new EafApi(chart, 'custom', { ...rolling, port: 9000, metricsPath: '/metrics' });
    expect([api.metricsPort, api.metricsPath]).toEqual([8080, '/actuator/prometheus']);
    expect([custom.metricsPort, custom.metricsPath]).toEqual([9000, '/metrics']);
  });

  test('takes its own probe paths (the startup probe follows liveness) and writable paths', () => {
    const chart = testChart();
    new EafApi(chart, 'api', { ...rolling, probePaths: { liveness: '/live', readiness: '/ready' }, writablePaths: ['/tmp', '/work'] });
    const container = find(synth(chart), 'Deployment', 'api').spec.template.spec.containers[0];
    expect([container.startupProbe.httpGet.path, container.livenessProbe.httpGet.path, container.readinessProbe.httpGet.path]).toEqual([
      '/live',
      '/live',
      '/ready',
    ]);
    expect(container.volumeMounts).toEqual([
      { mountPath: '/tmp', name: 'tmp' },
      { mountPath: '/work', name: 'work' },
    ]);
  });

  test('keeps the actuator paths for a probe it is not told about', () => {
    const chart = testChart();
    new EafApi(chart, 'api', { ...rolling, probePaths: { readiness: '/ready' } });
    const container = find(synth(chart), 'Deployment', 'api').spec.template.spec.containers[0];
    expect([container.startupProbe.httpGet.path, container.livenessProbe.httpGet.path, container.readinessProbe.httpGet.path]).toEqual([
      '/actuator/health/liveness',
      '/actuator/health/liveness',
      '/ready',
    ]);
  });

  test('publishes its defaults frozen', () => {
    expect(EAF_API_DEFAULTS.paths).toEqual({
      liveness: '/actuator/health/liveness',
      readiness: '/actuator/health/readiness',
      metrics: '/actuator/prometheus',
    });
    expect([EAF_API_DEFAULTS.port, EAF_API_DEFAULTS.replicas]).toEqual([8080, 3]);
    expect(Object.isFrozen(EAF_API_DEFAULTS.resources.limits)).toBe(true);
  });
});
