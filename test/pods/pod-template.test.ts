import { Cron, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { PropertyError, PropertyErrors } from '../../lib';
import {
  createDisruptionBudget,
  createService,
  finishPodTemplate,
  httpProbe,
  imageReference,
  mergeResources,
  spreadConstraints,
  validateResources,
  volumeName,
} from '../../lib/pods/pod-template';
import { find, synth, testChart } from '../util';

const SIZES = { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } };

/** The messages `validateResources` throws, one per problem. */
function resourceProblems(resources: Parameters<typeof validateResources>[1]): string[] {
  try {
    validateResources(testChart(), resources);
  } catch (e) {
    if (e instanceof PropertyErrors) return e.errors.map((p) => p.message);
    if (e instanceof PropertyError) return [e.message];
    throw e;
  }
  return [];
}

describe('validateResources', () => {
  test('accepts limits equal to their requests, in other units, and ephemeral storage left out on both sides', () => {
    expect(resourceProblems({ requests: { cpu: '1', memory: '1024Mi' }, limits: { cpu: '1000m', memory: '1Gi' } })).toEqual([]);
    expect(resourceProblems({ requests: { cpu: '0', memory: '0' }, limits: { cpu: '0', memory: '0' } })).toEqual([]);
  });

  test('fails on quantities above zero and below the least a container can use: likely unit mistakes', () => {
    // GIVEN memory in millibytes (1m), CPU below a millicore and ephemeral storage in bytes
    const problems = resourceProblems({
      requests: { cpu: '0.0005', memory: '1m', ephemeralStorage: '512' },
      limits: { cpu: '1m', memory: '1Mi', ephemeralStorage: '1Mi' },
    });
    // THEN each is named with the spelling that was probably meant; 1m CPU and 1Mi are the least that pass
    expect(problems).toEqual([
      'test: resources.requests.cpu is below 1m, a likely unit mistake (got "0.0005"); use at least 1m (a thousandth of a core), e.g. 250m',
      'test: resources.requests.memory is below 1Mi, a likely unit mistake (got "1m"); ' +
        'use at least 1Mi: m means a thousandth of a byte, Mi a mebibyte, e.g. 512Mi',
      'test: resources.requests.ephemeralStorage is below 1Mi, a likely unit mistake (got "512"); ' +
        'use at least 1Mi: m means a thousandth of a byte, Mi a mebibyte, e.g. 256Mi',
    ]);
  });

  test('fails on negative quantities and on ephemeral storage set on one side only', () => {
    expect(resourceProblems({ requests: { cpu: '-1', memory: '512Mi', ephemeralStorage: '1Gi' }, limits: { cpu: '1', memory: '-1Gi' } })).toEqual([
      'test: resources.requests.cpu must not be negative (got "-1"); use a value such as 250m, 1, 512Mi or 1Gi',
      'test: resources.limits.memory must not be negative (got "-1Gi"); use a value such as 250m, 1, 512Mi or 1Gi',
      'test: resources.limits.ephemeralStorage is not a Kubernetes quantity (got nothing); use a value such as 250m, 1, 512Mi or 1Gi',
    ]);
    expect(resourceProblems({ requests: SIZES.requests, limits: { ...SIZES.limits, ephemeralStorage: '1Gi' } })).toEqual([
      'test: resources.requests.ephemeralStorage is not a Kubernetes quantity (got nothing); use a value such as 250m, 1, 512Mi or 1Gi',
    ]);
  });

  test('fails on an ephemeral storage limit below its request, and on every bad quantity at once', () => {
    expect(
      resourceProblems({ requests: { ...SIZES.requests, ephemeralStorage: '2Gi' }, limits: { ...SIZES.limits, ephemeralStorage: '1Gi' } }),
    ).toEqual(['test: resources.limits.ephemeralStorage is below its request 2Gi (got "1Gi"); raise the limit to at least 2Gi']);
    expect(resourceProblems({ requests: { cpu: 'lots', memory: '2Gi' }, limits: { cpu: 'more', memory: '1Gi' } })).toEqual([
      'test: resources.requests.cpu is not a Kubernetes quantity (got "lots"); use a value such as 250m, 1, 512Mi or 1Gi',
      'test: resources.limits.cpu is not a Kubernetes quantity (got "more"); use a value such as 250m, 1, 512Mi or 1Gi',
      'test: resources.limits.memory is below its request 2Gi (got "1Gi"); raise the limit to at least 2Gi',
    ]);
  });

  test('fails on cpu or memory missing on both sides, which only ephemeral storage may be', () => {
    expect(resourceProblems({ requests: { memory: '512Mi' }, limits: { memory: '1Gi' } } as any)).toEqual([
      'test: resources.requests.cpu is not a Kubernetes quantity (got nothing); use a value such as 250m, 1, 512Mi or 1Gi',
      'test: resources.limits.cpu is not a Kubernetes quantity (got nothing); use a value such as 250m, 1, 512Mi or 1Gi',
    ]);
  });

  test('does not compare a limit with a request that is no quantity', () => {
    expect(resourceProblems({ requests: { cpu: 'x', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } })).toEqual([
      'test: resources.requests.cpu is not a Kubernetes quantity (got "x"); use a value such as 250m, 1, 512Mi or 1Gi',
    ]);
  });
});

describe('mergeResources', () => {
  test('overrides single quantities and keeps the rest of the defaults', () => {
    const defaults = { requests: { cpu: '250m', memory: '512Mi', ephemeralStorage: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } };
    expect(mergeResources(defaults, { requests: { cpu: '500m' }, limits: { memory: '2Gi' } })).toEqual({
      requests: { cpu: '500m', memory: '512Mi', ephemeralStorage: '256Mi' },
      limits: { cpu: '1', memory: '2Gi' },
    });
    expect(mergeResources(defaults, undefined)).toEqual(defaults);
    expect(mergeResources(defaults, { limits: { cpu: '4' } }).requests).toEqual(defaults.requests);
  });
});

describe('imageReference', () => {
  test('joins a tag with a colon and a digest with an at sign', () => {
    const digest = `sha256:${'0'.repeat(64)}`;
    expect(imageReference('registry.example.com/api', '1.2.3')).toBe('registry.example.com/api:1.2.3');
    expect(imageReference('registry.example.com/api', digest)).toBe(`registry.example.com/api@${digest}`);
    expect(imageReference('registry.example.com/api', 'sha256:short')).toBe('registry.example.com/api:sha256:short');
  });
});

describe('volumeName', () => {
  test.each([
    ['/tmp', 'tmp'],
    ['/var/cache/nginx', 'var-cache-nginx'],
    ['//opt/App_Data', 'opt-app-data'],
    ['/', 'root'],
    ['/a.b', 'a-b'],
    ['/var//run', 'var-run'],
    ['data/cache', 'data-cache'],
  ])('names the emptyDir at %p %p', (path, name) => {
    expect(volumeName(path)).toBe(name);
  });
});

describe('spreadConstraints', () => {
  test('spreads across nodes strictly and zones at best, one pod of skew, per rollout', () => {
    const labels = { 'app.kubernetes.io/name': 'api' };
    expect(spreadConstraints(labels)).toEqual([
      {
        maxSkew: 1,
        topologyKey: 'kubernetes.io/hostname',
        whenUnsatisfiable: 'DoNotSchedule',
        labelSelector: { matchLabels: labels },
        matchLabelKeys: ['pod-template-hash'],
      },
      {
        maxSkew: 1,
        topologyKey: 'topology.kubernetes.io/zone',
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: { matchLabels: labels },
        matchLabelKeys: ['pod-template-hash'],
      },
    ]);
  });
});

describe('createService and createDisruptionBudget', () => {
  test('render a ClusterIP Service without an empty externalIPs list, and a budget of one pod that lets unhealthy pods go', () => {
    // GIVEN
    const chart = testChart();
    // WHEN
    const service = createService(
      chart,
      'Service',
      'api',
      8443,
      { 'app.kubernetes.io/name': 'api', 'tier': 'backend' },
      { 'eaf.io/preview': 'true' },
    );
    createService(chart, 'Plain', 'plain', 80, {});
    createDisruptionBudget(chart, 'Budget', 'api', { 'app.kubernetes.io/name': 'api' });
    // THEN
    const manifests = synth(chart);
    expect(service.name).toBe('api');
    expect(find(manifests, 'Service', 'api')).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'api', namespace: 'test-ns', labels: { 'eaf.io/preview': 'true' } },
      spec: {
        ports: [{ name: 'http', port: 8443, targetPort: 8443 }],
        selector: { 'app.kubernetes.io/name': 'api', 'tier': 'backend' },
        type: 'ClusterIP',
      },
    });
    expect(find(manifests, 'Service', 'plain').spec).toEqual({
      ports: [{ name: 'http', port: 80, targetPort: 80 }],
      selector: {},
      type: 'ClusterIP',
    });
    expect(find(manifests, 'PodDisruptionBudget', 'api').spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'api' } },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
  });
});

describe('finishPodTemplate', () => {
  test('writes the resources exactly as given and drops the label cdk8s-plus derives from the construct path', () => {
    const chart = testChart();
    const deployment = new kplus.Deployment(chart, 'Deployment', {
      metadata: { name: 'api' },
      containers: [{ image: 'r/api:1', securityContext: { ensureNonRoot: false } }],
    });
    finishPodTemplate(deployment, { requests: { cpu: '250m', memory: '1Gi', ephemeralStorage: '128Mi' }, limits: { cpu: '1', memory: '2Gi' } });
    const manifest = find(synth(chart), 'Deployment', 'api');
    expect(manifest.spec.template.spec.containers[0].resources).toEqual({
      requests: { 'cpu': '250m', 'memory': '1Gi', 'ephemeral-storage': '128Mi' },
      limits: { cpu: '1', memory: '2Gi' },
    });
    expect(manifest.spec.template.metadata.labels['cdk8s.io/metadata.addr']).toBeUndefined();
  });

  test('drops the zero values the API server drops (hostNetwork false, minReadySeconds 0), so live equals rendered', () => {
    // GIVEN a Deployment and a CronJob with cdk8s-plus's defaults, and a Deployment that sets both
    const chart = testChart();
    const container = { image: 'r/api:1', securityContext: { ensureNonRoot: false } };
    const resources = { requests: { cpu: '250m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } };
    finishPodTemplate(new kplus.Deployment(chart, 'Defaults', { metadata: { name: 'defaults' }, containers: [container] }), resources);
    finishPodTemplate(new kplus.CronJob(chart, 'Job', { metadata: { name: 'job' }, schedule: Cron.daily(), containers: [container] }), resources);
    const set = { metadata: { name: 'set' }, containers: [container], hostNetwork: true, minReady: Duration.seconds(10) };
    finishPodTemplate(new kplus.Deployment(chart, 'Set', set), resources);
    // WHEN
    const manifests = synth(chart);
    // THEN the defaults are left out, set values stay
    const defaults = find(manifests, 'Deployment', 'defaults');
    expect(defaults.spec).not.toHaveProperty('minReadySeconds');
    expect(defaults.spec.template.spec).not.toHaveProperty('hostNetwork');
    expect(find(manifests, 'CronJob', 'job').spec.jobTemplate.spec.template.spec).not.toHaveProperty('hostNetwork');
    const explicit = find(manifests, 'Deployment', 'set');
    expect(explicit.spec.minReadySeconds).toBe(10);
    expect(explicit.spec.template.spec.hostNetwork).toBe(true);
  });
});

describe('httpProbe', () => {
  test('probes a path on a port, with an initial delay and a failure threshold only when given', () => {
    const chart = testChart();
    const deployment = new kplus.Deployment(chart, 'Deployment', {
      metadata: { name: 'api' },
      containers: [
        {
          image: 'r/api:1',
          securityContext: { ensureNonRoot: false },
          liveness: httpProbe('/live', 8080, { periodSeconds: 10 }),
          readiness: httpProbe('/ready', 8081, { initialDelaySeconds: 0, periodSeconds: 5, failureThreshold: 6 }),
        },
      ],
    });
    expect(deployment.containers).toHaveLength(1);
    const container = find(synth(chart), 'Deployment', 'api').spec.template.spec.containers[0];
    expect(container.livenessProbe).toEqual({ failureThreshold: 3, httpGet: { path: '/live', port: 8080, scheme: 'HTTP' }, periodSeconds: 10 });
    expect(container.readinessProbe).toEqual({
      failureThreshold: 6,
      httpGet: { path: '/ready', port: 8081, scheme: 'HTTP' },
      initialDelaySeconds: 0,
      periodSeconds: 5,
    });
  });
});
