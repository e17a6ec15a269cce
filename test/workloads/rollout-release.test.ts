import { EafApi } from '../../lib/workloads/eaf-api';
import { ROLLOUT_DEFAULTS } from '../../lib/workloads/rollout-release';
import { defineProduct } from '../../lib/product/product';
import { EnvironmentConfig } from '../../lib/product/settings';
import { find, Manifest, productChart, settingProblems, synth, synthProduct, testChart, testEnvironment, WEB_PRODUCT } from '../util';

const DELIVERED = defineProduct({ ...WEB_PRODUCT, delivery: { repoURL: 'https://git.example.com/eaf/dvmm.git' } });
const ROLLOUTS_BLUE_GREEN = { strategy: 'blue-green', activeColor: 'blue', idleReplicas: 1, engine: 'argo-rollouts' } as const;
const CANARY_COMPONENTS = { api: { tag: '1.1.0', replicas: 3 }, frontend: { tag: '1.1.0', replicas: 3 } };
const staging = (overrides: Partial<EnvironmentConfig> = {}) => testEnvironment({ name: 'staging', critical: false, ...overrides });
const kinds = (manifests: Manifest[], kind: string) => manifests.filter((m) => m.kind === kind);

describe('RolloutRelease (release.engine: argo-rollouts, blue-green)', () => {
  test('renders one Rollout per component, with the Deployment pod template of the services engine, instead of the two colour Deployments', () => {
    // GIVEN critical production released blue-green, once by Services and once by Argo Rollouts
    const services = synthProduct(testEnvironment({ release: { ...ROLLOUTS_BLUE_GREEN, engine: 'services' } }));
    const rollouts = synthProduct(testEnvironment({ release: ROLLOUTS_BLUE_GREEN }));
    // THEN no Deployment of a component is left, one Rollout each
    expect(kinds(rollouts, 'Deployment')).toEqual([]);
    expect(kinds(rollouts, 'Rollout').map((r) => r.metadata.name)).toEqual(['api', 'frontend']);
    const rollout = find(rollouts, 'Rollout', 'api');
    expect(rollout.apiVersion).toBe('argoproj.io/v1alpha1');
    expect(rollout.spec.replicas).toBe(3);
    expect(rollout.spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'api' } });
    // AND its pod template is the active colour's, without the colour label, its spread keyed by Rollouts' hash label
    const active = structuredClone(find(services, 'Deployment', 'api-blue').spec.template);
    delete active.metadata.labels['eaf.io/color'];
    for (const c of active.spec.topologySpreadConstraints) {
      delete c.labelSelector.matchLabels['eaf.io/color'];
      c.matchLabelKeys = ['rollouts-pod-template-hash'];
    }
    expect(rollout.spec.template).toEqual(active);
    expect(rollout.spec.template.spec.containers[0].image).toBe('registry.example.com/dvmm/api:1.0.0');
    expect(rollout.spec.template.spec.containers[0].env.map((e: any) => e.name)).toContain('DB_PASSWORD');
  });

  test('in a critical environment waits for someone to promote and keeps the previous version an hour; elsewhere promotes by itself after 30 s', () => {
    const critical = find(synthProduct(testEnvironment({ release: ROLLOUTS_BLUE_GREEN })), 'Rollout', 'api');
    expect(critical.spec.strategy).toEqual({
      blueGreen: {
        activeService: 'api',
        previewService: 'api-preview',
        autoPromotionEnabled: false,
        scaleDownDelaySeconds: 3600,
        previewReplicaCount: 1,
        prePromotionAnalysis: {
          templates: [{ templateName: 'api-preview' }],
          args: [{ name: 'pod-template-hash', valueFrom: { podTemplateHashValue: 'Latest' } }],
        },
      },
    });
    const relaxed = find(synthProduct(staging({ release: { ...ROLLOUTS_BLUE_GREEN, idleReplicas: 0 } })), 'Rollout', 'api');
    expect(relaxed.spec.strategy.blueGreen).toMatchObject({
      autoPromotionEnabled: true,
      scaleDownDelaySeconds: ROLLOUT_DEFAULTS.scaleDownDelaySeconds,
    });
    // idleReplicas 0 runs no preview pod under the services engine; a Rollout's preview must run to be analysed
    expect(relaxed.spec.strategy.blueGreen.previewReplicaCount).toBeUndefined();
  });

  test("runs the active colour's tag, so release (idle tag) changes nothing and switch (activeColor) starts a Rollout update", () => {
    const image = (env: EnvironmentConfig) => find(synthProduct(env), 'Rollout', 'api').spec.template.spec.containers[0].image;
    const before = testEnvironment({ release: ROLLOUTS_BLUE_GREEN });
    const released = testEnvironment({
      release: ROLLOUTS_BLUE_GREEN,
      components: { ...before.components, api: { tags: { blue: '1.0.0', green: '1.2.0' }, replicas: 3 } },
    });
    const switched = testEnvironment({ release: { ...ROLLOUTS_BLUE_GREEN, activeColor: 'green' }, components: released.components });
    expect([image(before), image(released), image(switched)]).toEqual([
      'registry.example.com/dvmm/api:1.0.0',
      'registry.example.com/dvmm/api:1.0.0',
      'registry.example.com/dvmm/api:1.2.0',
    ]);
  });

  test("switching engines is one line: the same Services (selectors without the colour), HPA name and NetworkPolicies; one budget for the Rollout's pods", () => {
    const env = (engine: 'services' | 'argo-rollouts') =>
      testEnvironment({
        release: { ...ROLLOUTS_BLUE_GREEN, engine },
        components: {
          api: { tags: { blue: '1.0.0', green: '1.1.0' }, replicas: 3, autoscaling: { minReplicas: 3, maxReplicas: 6 } },
          frontend: { tags: { blue: '1.0.0', green: '1.1.0' }, replicas: 3 },
        },
      });
    const services = synth(productChart(env('services'), DELIVERED));
    const rollouts = synth(productChart(env('argo-rollouts'), DELIVERED));
    const names = (manifests: Manifest[], kind: string) => kinds(manifests, kind).map((m) => m.metadata.name);
    // ... but the switch gate's `<name>-next` Services, which only the services engine's Argo CD sync needs
    expect(names(services, 'Service').filter((n) => n.endsWith('-next'))).toEqual(['api-next', 'frontend-next']);
    expect(names(rollouts, 'Service')).toEqual(names(services, 'Service').filter((n) => !n.endsWith('-next')));
    expect(kinds(rollouts, 'NetworkPolicy')).toEqual(kinds(services, 'NetworkPolicy'));
    expect(names(rollouts, 'HorizontalPodAutoscaler')).toEqual(names(services, 'HorizontalPodAutoscaler'));
    // Both Services select the workload's pods by its labels only: Argo Rollouts adds rollouts-pod-template-hash itself
    expect(find(rollouts, 'Service', 'api').spec.selector).toEqual({ 'app.kubernetes.io/name': 'api' });
    expect(find(rollouts, 'Service', 'api-preview').metadata.labels['eaf.io/preview']).toBe('true');
    expect(find(rollouts, 'Service', 'api-preview').spec.selector).toEqual({ 'app.kubernetes.io/name': 'api' });
    // The autoscaler scales the Rollout
    expect(find(rollouts, 'HorizontalPodAutoscaler', 'api').spec.scaleTargetRef).toEqual({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      name: 'api',
    });
    expect(find(rollouts, 'Rollout', 'api').spec.replicas).toBeUndefined();
    // Budgets: one per colour Deployment under Services, one for all the Rollout's pods
    expect(names(services, 'PodDisruptionBudget')).toEqual(['api-blue', 'api-green', 'frontend-blue', 'frontend-green']);
    expect(names(rollouts, 'PodDisruptionBudget')).toEqual(['api', 'frontend']);
    expect(find(rollouts, 'PodDisruptionBudget', 'api').spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'api' } });
  });
});

describe('RolloutRelease (strategy: canary)', () => {
  const canary = (overrides: Partial<EnvironmentConfig> = {}) =>
    staging({ release: { strategy: 'canary', engine: 'argo-rollouts' }, components: CANARY_COMPONENTS, ...overrides });
  const analysis = {
    analysis: { templates: [{ templateName: 'api-preview' }], args: [{ name: 'pod-template-hash', valueFrom: { podTemplateHashValue: 'Latest' } }] },
  };

  test('steps through 20, 50 and 100 % with a 2-minute pause and an analysis between, the canary Service beside the stable one', () => {
    const rollout = find(synthProduct(canary()), 'Rollout', 'api');
    expect(rollout.spec.template.spec.containers[0].image).toBe('registry.example.com/dvmm/api:1.1.0');
    expect(rollout.spec.strategy.canary).toMatchObject({ canaryService: 'api-preview', stableService: 'api' });
    expect(rollout.spec.strategy.canary.steps).toEqual([
      { setWeight: 20 },
      { pause: { duration: '2m' } },
      analysis,
      { setWeight: 50 },
      { pause: { duration: '2m' } },
      analysis,
      { setWeight: 100 },
    ]);
  });

  test('takes its weights and pause from the file', () => {
    const rollout = find(
      synthProduct(canary({ release: { strategy: 'canary', engine: 'argo-rollouts', steps: [10, 100], pause: '5m' } })),
      'Rollout',
      'api',
    );
    expect(rollout.spec.strategy.canary.steps).toEqual([{ setWeight: 10 }, { pause: { duration: '5m' } }, analysis, { setWeight: 100 }]);
  });

  test('splits traffic on the OpenShift Route through the argoproj-labs/openshift plugin, elsewhere by replica ratio', () => {
    const onRoutes = find(synthProduct(canary()), 'Rollout', 'frontend');
    expect(onRoutes.spec.strategy.canary.trafficRouting).toEqual({ plugins: { 'argoproj-labs/openshift': { routes: ['frontend'] } } });
    const onIngress = find(synthProduct(canary({ exposure: { kind: 'ingress', clusterIssuer: 'letsencrypt' } })), 'Rollout', 'frontend');
    expect(onIngress.spec.strategy.canary.trafficRouting).toBeUndefined();
  });

  test('fails for canary with the services engine, naming release.engine', () => {
    expect(settingProblems(() => productChart(canary({ release: { strategy: 'canary', engine: 'services' } })))).toEqual([
      'release.engine: must be argo-rollouts for a canary release (got "services"); set release.engine: argo-rollouts (the services engine releases rolling or blue-green only), or use release.strategy: blue-green',
    ]);
  });

  test('fails on weights that do not rise, naming release.steps', () => {
    expect(settingProblems(() => productChart(canary({ release: { strategy: 'canary', engine: 'argo-rollouts', steps: [50, 20] } })))).toEqual([
      'release.steps: must be rising whole traffic weights from 1 to 100 (got [50,20]); list rising weights in percent, e.g. [20, 50, 100]',
      'release.steps: must be rising whole traffic weights from 1 to 100 (got [50,20]); list rising weights in percent, e.g. [20, 50, 100]',
    ]);
  });

  test('fails on analysis settings without the argo-rollouts engine', () => {
    expect(
      settingProblems(() => productChart(staging({ release: { strategy: 'blue-green', activeColor: 'blue', analysis: { count: 3 } } }))),
    ).toEqual([
      'release.analysis: is only for the release engine argo-rollouts (got {"count":3}); set release.engine: argo-rollouts, or remove release.analysis',
    ]);
  });
});

describe('EafWorkload with rollout', () => {
  test('fails without blueGreen or canary, and with both', () => {
    expect(() => new EafApi(testChart(), 'api', { image: 'registry.example.com/dvmm/api', tag: '1.0.0', rollout: {} })).toThrow(
      'test/api: rollout needs blueGreen (a blue-green Rollout) or rollout.canary (got {}); set blueGreen with tags, or rollout.canary with tag',
    );
    expect(
      () =>
        new EafApi(testChart(), 'api', {
          image: 'registry.example.com/dvmm/api',
          tags: { blue: '1.0.0', green: '1.1.0' },
          blueGreen: { activeColor: 'blue' },
          rollout: { canary: {} },
        }),
    ).toThrow('test/api: rollout.canary is not for a blue-green release (got {}); remove blueGreen (and give tag), or remove rollout.canary');
  });
});
