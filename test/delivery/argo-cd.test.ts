import { App, Chart } from 'cdk8s';
import { ArgoCdApplications, ArgoCdRoot, DeliveredEnvironment } from '../../lib/delivery/argo-cd';
import { ManifestValidator } from '../../lib/gate';
import { readCrdFolder } from '../../lib/program/crd-files';
import { composeDeliveryCharts, deliveryOutline } from '../../lib/product/delivery-charts';
import { defineProduct, ProductDefinitionError } from '../../lib/product/product';
import { find, Manifest, productChart, settingProblems, synth, testEnvironment, WEB_PRODUCT } from '../util';
import * as path from 'path';

const REPO = 'https://git.example.com/eaf/dvmm.git';
const env = (name: string, overrides: Partial<DeliveredEnvironment> = {}): DeliveredEnvironment => ({
  name,
  namespace: `dvmm-${name}`,
  critical: name === 'production',
  clusterKinds: [{ group: '', kind: 'Namespace' }],
  namespacedKinds: [
    { group: 'apps', kind: 'Deployment' },
    { group: '', kind: 'Service' },
  ],
  ...overrides,
});
const applications = (environments: DeliveredEnvironment[], extra: Partial<ConstructorParameters<typeof ArgoCdApplications>[2]> = {}): Manifest[] => {
  const chart = new Chart(new App({ outdir: '/nonexistent' }), 'apps');
  new ArgoCdApplications(chart, 'applications', { product: 'dvmm', repoURL: REPO, environments, ...extra });
  return synth(chart);
};

describe('ArgoCdApplications', () => {
  test('one Application per environment at <path>/<env>; dev syncs by itself with prune and self-heal, production waits', () => {
    const manifests = applications([env('dev', { sync: 'automated' }), env('production')]);
    const dev = find(manifests, 'Application', 'dvmm-dev');
    expect(dev.metadata).toMatchObject({ namespace: 'argocd', labels: { 'eaf.io/environment': 'dev' } });
    expect(dev.spec.source).toEqual({ repoURL: REPO, path: 'dist/dev', targetRevision: 'main' });
    expect(dev.spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'dvmm-dev' });
    expect(dev.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
    expect(dev.spec.syncPolicy.retry.limit).toBe(5);
    const production = find(manifests, 'Application', 'dvmm-production');
    expect(production.spec.syncPolicy).toEqual({ syncOptions: ['PruneLast=true', 'ApplyOutOfSyncOnly=true'] });
  });

  test("the project allows the repository, the environments' namespaces and exactly the kinds they render, sorted, with their sync windows", () => {
    const manifests = applications([
      env('dev'),
      env('production', {
        namespacedKinds: [
          { group: 'batch', kind: 'Job' },
          { group: 'apps', kind: 'Deployment' },
        ],
        syncWindows: [{ kind: 'deny', schedule: '0 18 * * 5', duration: '62h', manualSync: true }],
      }),
    ]);
    const project = find(manifests, 'AppProject', 'dvmm');
    expect(project.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '-1' });
    expect(project.spec.sourceRepos).toEqual([REPO]);
    expect(project.spec.destinations.map((d: any) => d.namespace)).toEqual(['dvmm-dev', 'dvmm-production']);
    expect(project.spec.clusterResourceWhitelist).toEqual([{ group: '', kind: 'Namespace' }]);
    expect(project.spec.namespaceResourceWhitelist).toEqual([
      { group: '', kind: 'Service' },
      { group: 'apps', kind: 'Deployment' },
      { group: 'batch', kind: 'Job' },
    ]);
    expect(project.spec.syncWindows).toEqual([
      { kind: 'deny', schedule: '0 18 * * 5', duration: '62h', applications: ['dvmm-production'], manualSync: true },
    ]);
  });

  test("stays within the CRD's limits with many environments (the description is at most 255 characters)", () => {
    const many = Array.from({ length: 100 }, (_, i) => env(`dev${String(i).padStart(3, '0')}`, { critical: false }));
    const project = find(applications(many), 'AppProject', 'dvmm');
    expect(project.spec.description).toBe('dvmm: 100 environments, synthesised by @eaf/cdk8s');
    expect(project.spec.destinations).toHaveLength(100);
  });

  test('takes the path, revision, namespace and cluster of the product and the environment', () => {
    const manifests = applications([env('dev', { targetRevision: 'release-1', server: 'https://dev.k8s.example.com' })], {
      path: 'deploy/out',
      targetRevision: 'trunk',
      argocdNamespace: 'openshift-gitops',
    });
    const dev = find(manifests, 'Application', 'dvmm-dev');
    expect([dev.metadata.namespace, dev.spec.source.path, dev.spec.source.targetRevision, dev.spec.destination.server]).toEqual([
      'openshift-gitops',
      'deploy/out/dev',
      'release-1',
      'https://dev.k8s.example.com',
    ]);
  });

  test("a critical environment may sync by itself only with a reason, which becomes the gate's waiver", () => {
    const manifests = applications([env('production', { sync: 'automated', autoSyncReason: 'the release train is approved in the merge request' })]);
    expect(find(manifests, 'Application', 'dvmm-production').metadata.annotations).toEqual({
      'waive.eaf.io/critical-sync-approval': 'the release train is approved in the merge request',
    });
  });

  test('fails on automated sync of a critical environment without a reason, prune without automated sync, a bad window and a repeated or reserved name', () => {
    expect(() =>
      applications([
        env('production', { sync: 'automated' }),
        env('staging', { prune: false, syncWindows: [{ kind: 'deny', schedule: '0 0 18 * * 5', duration: '1h' }] }),
        env('staging'),
        env('argocd'),
      ]),
    ).toThrow(
      [
        'environments[0].sync is automated in a critical environment without a reason (got "automated"); use ' +
          'sync: manual (someone approves each sync), or say why in autoSyncReason',
        'environments[1].prune applies to automated sync only (got false); remove it, or set sync: automated',
        'environments[1].syncWindows[0].schedule is not a 5-field cron (got "0 0 18 * * 5"); use minute hour day month weekday, e.g. \'0 18 * * 5\'',
        'environments[2].name is given twice (got "staging"); deliver each environment once',
        'environments[3].name is the name of the folder of the Argo CD objects (got "argocd"); rename the environment',
      ]
        .map((line) => `apps/applications: ${line}`)
        .join('\n'),
    );
  });
});

describe('ArgoCdRoot', () => {
  test("is an app-of-apps syncing only the applications file, in a project that may manage only Applications and AppProjects in Argo CD's namespace", () => {
    const chart = new Chart(new App({ outdir: '/nonexistent' }), 'root');
    new ArgoCdRoot(chart, 'root', { product: 'dvmm', repoURL: REPO });
    const manifests = synth(chart);
    const root = find(manifests, 'Application', 'dvmm-root');
    expect(root.spec).toMatchObject({
      project: 'dvmm-root',
      source: { repoURL: REPO, path: 'dist/argocd', targetRevision: 'main', directory: { include: 'dvmm-apps.k8s.yaml' } },
      destination: { namespace: 'argocd' },
      syncPolicy: { automated: { prune: true, selfHeal: true } },
    });
    const project = find(manifests, 'AppProject', 'dvmm-root');
    expect(project.spec).toMatchObject({
      clusterResourceWhitelist: [],
      destinations: [{ namespace: 'argocd' }],
      namespaceResourceWhitelist: [
        { group: 'argoproj.io', kind: 'Application' },
        { group: 'argoproj.io', kind: 'AppProject' },
      ],
    });
  });
});

describe("a product's delivery", () => {
  const DELIVERED = defineProduct({ ...WEB_PRODUCT, delivery: { repoURL: REPO } });

  test('composes the root and the applications from what each environment rendered', () => {
    const app = new App({ outdir: '/nonexistent' });
    const production = testEnvironment();
    const objects = synth(productChart(production, DELIVERED));
    composeDeliveryCharts(app, DELIVERED, [{ environment: production, objects }]);
    expect(app.charts.map((c) => c.node.id)).toEqual(['dvmm-root', 'dvmm-apps']);
    const project = find(synth(app.charts[1]), 'AppProject', 'dvmm');
    expect(project.spec.clusterResourceWhitelist).toEqual([{ group: '', kind: 'Namespace' }]);
    expect(project.spec.namespaceResourceWhitelist).toContainEqual({ group: 'batch', kind: 'Job' });
    expect(project.spec.namespaceResourceWhitelist).toContainEqual({ group: 'postgresql.cnpg.io', kind: 'Cluster' });
  });

  test("renders the same Argo CD objects from each environment's deliveryOutline as from its whole objects, which it keeps a small part of", () => {
    // GIVEN three environments: canary by Argo Rollouts through Routes with an autoscaler, blue-green Rollouts, blue-green Deployments
    const base = testEnvironment();
    const environments = [
      testEnvironment({
        name: 'dev',
        critical: false,
        release: { strategy: 'canary', engine: 'argo-rollouts' },
        components: { ...TAGGED, api: { ...TAGGED.api, autoscaling: { minReplicas: 2, maxReplicas: 6 } } },
      }),
      testEnvironment({ name: 'staging', critical: false, release: { strategy: 'blue-green', activeColor: 'blue', engine: 'argo-rollouts' } }),
      base,
    ];
    const rendered = environments.map((environment) => ({ environment, objects: synth(productChart(environment, DELIVERED)) }));
    const argocd = (from: Parameters<typeof composeDeliveryCharts>[2]) => {
      const app = new App({ outdir: '/nonexistent' });
      composeDeliveryCharts(app, DELIVERED, from);
      return app.charts.map((chart) => synth(chart));
    };
    // WHEN the charts are composed from the whole objects and from their outlines
    const outlined = rendered.map(({ environment, objects }) => ({ environment, objects: deliveryOutline(objects) }));
    const whole = argocd(rendered);
    // THEN they are the same, controller-owned fields included, and the outlines are a small part of the objects
    expect(argocd(outlined)).toEqual(whole);
    expect(find(whole[1], 'Application', 'dvmm-dev').spec.ignoreDifferences).toContainEqual({
      group: 'argoproj.io',
      kind: 'Rollout',
      name: 'api',
      jsonPointers: ['/spec/replicas'],
    });
    expect(find(whole[1], 'Application', 'dvmm-staging').spec.ignoreDifferences).toHaveLength(4);
    expect(JSON.stringify(outlined).length).toBeLessThan(JSON.stringify(rendered).length / 5);
  });

  /** The Application `dvmm-production` composed from what the environment renders. */
  const application = (overrides: Parameters<typeof testEnvironment>[0]): Manifest => {
    const app = new App({ outdir: '/nonexistent' });
    const production = testEnvironment(overrides);
    composeDeliveryCharts(app, DELIVERED, [{ environment: production, objects: synth(productChart(production, DELIVERED)) }]);
    return find(synth(app.charts[1]), 'Application', 'dvmm-production');
  };
  const TAGGED = { api: { tag: '1.1.0', replicas: 3 }, frontend: { tag: '1.1.0', replicas: 3 } };
  const SELECTOR_HASH = ['/spec/selector/rollouts-pod-template-hash'];

  test('a canary through OpenShift Routes: Argo CD ignores the selector hash of the four Services and the weights of the two Routes, and keeps them at a sync', () => {
    // GIVEN canary releases by Argo Rollouts, exposed by Routes
    const spec = application({ release: { strategy: 'canary', engine: 'argo-rollouts' }, components: TAGGED }).spec;
    // THEN the fields the Rollouts controller owns are ignored, by object
    expect(spec.ignoreDifferences).toEqual([
      { group: '', kind: 'Service', name: 'api', jsonPointers: SELECTOR_HASH },
      { group: '', kind: 'Service', name: 'api-preview', jsonPointers: SELECTOR_HASH },
      { group: 'route.openshift.io', kind: 'Route', name: 'api', jsonPointers: ['/spec/to/weight', '/spec/alternateBackends'] },
      { group: '', kind: 'Service', name: 'frontend', jsonPointers: SELECTOR_HASH },
      { group: '', kind: 'Service', name: 'frontend-preview', jsonPointers: SELECTOR_HASH },
      { group: 'route.openshift.io', kind: 'Route', name: 'frontend', jsonPointers: ['/spec/to/weight', '/spec/alternateBackends'] },
    ]);
    // THEN a sync (server-side apply included) carries their live values instead of resetting them
    expect(spec.syncPolicy.syncOptions).toEqual(['PruneLast=true', 'ApplyOutOfSyncOnly=true', 'RespectIgnoreDifferences=true']);
  });

  test('blue-green by Argo Rollouts: the active and preview Services only (no traffic router)', () => {
    const spec = application({ release: { strategy: 'blue-green', activeColor: 'blue', engine: 'argo-rollouts' } }).spec;
    expect(spec.ignoreDifferences.map((d: Manifest) => `${d.kind}/${d.name}`)).toEqual([
      'Service/api',
      'Service/api-preview',
      'Service/frontend',
      'Service/frontend-preview',
    ]);
  });

  test("an autoscaler's target: its replicas, which the autoscaler owns", () => {
    const spec = application({
      components: { ...testEnvironment().components, api: { ...testEnvironment().components!.api, autoscaling: { minReplicas: 2, maxReplicas: 6 } } },
    }).spec;
    expect(spec.ignoreDifferences).toEqual([{ group: 'apps', kind: 'Deployment', name: 'api-blue', jsonPointers: ['/spec/replicas'] }]);
    expect(spec.syncPolicy.syncOptions).toContain('RespectIgnoreDifferences=true');
  });

  test('blue-green Deployments without an autoscaler (DVMM): nothing a controller owns, nothing ignored', () => {
    const spec = application({}).spec;
    expect(spec.ignoreDifferences).toBeUndefined();
    expect(spec.syncPolicy.syncOptions).toEqual(['PruneLast=true', 'ApplyOutOfSyncOnly=true']);
  });

  test("fails on a delivery section for a product Argo CD does not deliver, and on automated sync in a critical environment, at the file's fields", () => {
    expect(settingProblems(() => productChart(testEnvironment({ delivery: { sync: 'manual' } })))).toEqual([
      'delivery: is set, but the product is not delivered by Argo CD (got {"sync":"manual"}); declare the repository ' +
        'in the product (defineProduct({ delivery: { repoURL } })), or remove delivery',
    ]);
    expect(
      settingProblems(() =>
        productChart(
          testEnvironment({ delivery: { sync: 'automated', selfHeal: true, syncWindows: [{ kind: 'allow', schedule: 'never', duration: '1h' }] } }),
          DELIVERED,
        ),
      ),
    ).toEqual([
      'delivery.sync: is automated in a critical environment without a reason (got "automated"); use sync: ' +
        'manual (someone approves each sync), or say why in autoSyncReason',
      'delivery.syncWindows.0.schedule: is not a 5-field cron (got "never"); use minute hour day month weekday, e.g. \'0 18 * * 5\'',
    ]);
  });

  test('fails on a repository that is not a git URL, a path that leaves the repository and a bad namespace', () => {
    expect(() => defineProduct({ ...WEB_PRODUCT, delivery: { repoURL: 'git.example.com/x', path: '../dist', argocdNamespace: 'Argo_CD' } })).toThrow(
      ProductDefinitionError,
    );
    expect(() => defineProduct({ ...WEB_PRODUCT, delivery: { repoURL: 'git.example.com/x', path: '../dist', argocdNamespace: 'Argo_CD' } })).toThrow(
      /delivery\.repoURL: is not a git repository URL[\s\S]*delivery\.path: is not a relative folder of the repository[\s\S]*delivery\.argocdNamespace: is not a namespace name/,
    );
  });

  test('fails on browserCalls of a component that is not public or not there', () => {
    expect(() =>
      defineProduct({
        ...WEB_PRODUCT,
        components: { ...WEB_PRODUCT.components, frontend: { ...WEB_PRODUCT.components.frontend, browserCalls: ['frontend', 'db'] } },
      }),
    ).toThrow(
      'product dvmm: components.frontend.browserCalls[0]: names no other public component of the product (got ' +
        '"frontend"); use one of: api\n  product dvmm: components.frontend.browserCalls[1]: names no other public ' +
        'component of the product (got "db"); use one of: api',
    );
  });
});

describe("the gate's critical-sync-approval rule", () => {
  const validator = new ManifestValidator({ crds: readCrdFolder(path.join(__dirname, '..', '..', 'crds')) });
  const application = (name: string, automated: boolean, annotations: Record<string, string> = {}) => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: `dvmm-${name}`, namespace: 'argocd', labels: { 'eaf.io/environment': name }, annotations },
    spec: {
      project: 'dvmm',
      source: { repoURL: REPO, path: `dist/${name}` },
      destination: { server: 'https://kubernetes.default.svc', namespace: `dvmm-${name}` },
      syncPolicy: automated ? { automated: { prune: true } } : {},
    },
  });
  const check = (objects: any[], critical = false) =>
    validator.validate([
      { environment: 'production', critical: true, objects: [] },
      { environment: 'dev', critical: false, objects: [] },
      { environment: 'argocd', critical, objects },
    ]);

  test('fails on an Application of a critical environment that syncs by itself', () => {
    const report = check([application('production', true), application('dev', true), application('staging', false)]);
    expect(report.findings.map((f) => `${f.object}: [${f.rule}] ${f.message}`)).toEqual([
      'Application/argocd/dvmm-production: [critical-sync-approval] spec.syncPolicy.automated: is set for the ' +
        'critical environment production: every commit would reach real data without approval',
    ]);
  });

  test("an app-of-apps root, whose AppProject allows only Argo CD's own objects, may sync by itself in a critical folder", () => {
    // GIVEN a root Application whose project may deliver only Applications and AppProjects, and one whose project may deliver more
    const project = (name: string, kinds: string[]) => ({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AppProject',
      metadata: { name, namespace: 'argocd' },
      spec: {
        sourceRepos: [REPO],
        destinations: [{ server: 'https://kubernetes.default.svc', namespace: 'argocd' }],
        clusterResourceWhitelist: [],
        namespaceResourceWhitelist: kinds.map((kind) => ({ group: kind === 'ConfigMap' ? '' : 'argoproj.io', kind })),
      },
    });
    const root = (name: string) => ({ ...application(name, true), spec: { ...application(name, true).spec, project: name } });
    // WHEN the folder is checked as critical
    const report = check(
      [project('root', ['Application', 'AppProject']), root('root'), project('wide', ['Application', 'ConfigMap']), root('wide')],
      true,
    );
    // THEN only the Application whose project may deliver data needs approval
    expect(report.findings.map((f) => `${f.object}: [${f.rule}]`)).toEqual(['Application/argocd/dvmm-wide: [critical-sync-approval]']);
  });

  test('a hand-written folder checked as critical counts every Application; a waiver with its reason passes', () => {
    expect(check([application('other', true)], true).findings.map((f) => f.rule)).toEqual(['critical-sync-approval']);
    const waived = check([application('production', true, { 'waive.eaf.io/critical-sync-approval': 'approved in the merge request' })]);
    expect(waived.findings).toEqual([]);
    expect(waived.waivers.map((w) => [w.object, w.rule, w.suppressed])).toEqual([
      ['Application/argocd/dvmm-production', 'critical-sync-approval', 1],
    ]);
  });
});
