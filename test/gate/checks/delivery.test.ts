import { formatFinding, Manifest } from '../../../lib/gate';
import { findingsOf, NS, validator } from '../fixtures';

/**
 * The delivery rules of lib/gate/checks/delivery.ts, one edge at a time: critical-sync-approval (with the app-of-apps
 * exemption) and rollout-analysis-required. The composed products (test/delivery/) show the rules on real charts;
 * these tests pin each condition with the smallest objects that pass and fail it.
 */

const REPO = 'https://git.example.com/eaf/shop.git';
const SYNC_FIX =
  'fix: remove spec.syncPolicy.automated (set delivery.sync: manual), or say why in delivery.autoSyncReason, ' +
  'which waives the rule for that Application';
const ANALYSIS_FIX =
  'fix: reference an AnalysisTemplate from spec.strategy.blueGreen.prePromotionAnalysis or from an analysis step of spec.strategy.canary.steps ' +
  '(release.engine argo-rollouts does it), or waive the rule for the Rollout with the reason';

// ---- critical-sync-approval ---------------------------------------------------------------------------

/** An Application of project `project` in argocd; `automated` is its spec.syncPolicy.automated (absent when undefined). */
function application(name: string, automated: unknown, options: { project?: string; environment?: string; namespace?: string } = {}): Manifest {
  const { project = 'shop', environment, namespace = 'argocd' } = options;
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace, ...(environment === undefined ? {} : { labels: { 'eaf.io/environment': environment } }) },
    spec: {
      project,
      source: { repoURL: REPO, path: `dist/${name}` },
      destination: { server: 'https://kubernetes.default.svc', namespace: 'argocd' },
      syncPolicy: automated === undefined ? {} : { automated },
    },
  };
}

/** An AppProject of argocd with the spec `spec` (its whitelists decide whether it is an app-of-apps root). */
function appProject(name: string, spec: Record<string, unknown>, namespace = 'argocd'): Manifest {
  return { apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', metadata: { name, namespace }, spec };
}
const ARGO_CD_ONLY = {
  clusterResourceWhitelist: [],
  namespaceResourceWhitelist: [
    { group: 'argoproj.io', kind: 'Application' },
    { group: 'argoproj.io', kind: 'AppProject' },
  ],
};

/** The critical-sync-approval findings of a folder checked as critical (`argocd`, the app-of-apps folder). */
const syncFindings = (objects: Manifest[]) => findingsOf('critical-sync-approval', objects, { environment: 'argocd', critical: true });
/** The finding of an Application that syncs by itself, named `name` in argocd, or `object` when given as `Kind/name`. */
const unapproved = (name: string, environment = 'a critical folder', value = '{"prune":true}') =>
  `argocd: ${name.includes('/') ? name : `Application/argocd/${name}`}: [critical-sync-approval] ` +
  `spec.syncPolicy.automated: is set for ${environment}: ` +
  `every commit would reach real data without approval (got ${value}); ${SYNC_FIX}`;

describe('critical-sync-approval', () => {
  test('fails on an automated sync in a critical folder, with the folder named as such and the automated policy as the value', () => {
    // GIVEN an unlabelled Application that syncs by itself, in a folder checked as critical
    // WHEN validated THEN it needs approval, and the finding says it is the folder that is critical
    expect(syncFindings([application('root', { prune: true })])).toEqual([unapproved('root')]);
    // THEN an empty automated policy ({}) syncs by itself too
    expect(syncFindings([application('root', {})])).toEqual([unapproved('root', 'a critical folder', '{}')]);
  });

  test('passes a sync that is not automated: no automated policy, automated null, or automated with enabled: false', () => {
    // GIVEN Applications in a critical folder whose syncs wait for someone
    const objects = [application('none', undefined), application('null', null), application('disabled', { enabled: false, prune: true })];
    // WHEN validated THEN none needs approval
    expect(syncFindings(objects)).toEqual([]);
    // THEN enabled: true is automated
    expect(syncFindings([application('enabled', { enabled: true })])).toEqual([unapproved('enabled', 'a critical folder', '{"enabled":true}')]);
  });

  test('an Application of a non-critical folder counts when its eaf.io/environment label names a critical environment of the same run', () => {
    // GIVEN a critical production environment, a non-critical dev one, and an argocd folder (not critical) delivering to each
    const objects = [
      application('shop-production', { prune: true }, { environment: 'production' }),
      application('shop-dev', { prune: true }, { environment: 'dev' }),
      application('shop-unlabelled', { prune: true }),
    ];
    // WHEN the three are validated in one run
    const report = validator().validate([
      { environment: 'production', critical: true, objects: [] },
      { environment: 'dev', critical: false, objects: [] },
      { environment: 'argocd', critical: false, objects },
    ]);
    // THEN only the Application of production needs approval, and the finding names the environment
    expect(report.findings.filter((f) => f.rule === 'critical-sync-approval').map(formatFinding)).toEqual([
      unapproved('shop-production', 'the critical environment production'),
    ]);
  });

  test('sets checked one at a time: an Application checked before its environment is known critical is checked again, same findings', () => {
    // GIVEN an argocd folder checked first, then the environments it delivers (production critical), produced one at a time
    const objects = [
      application('shop-production', { prune: true }, { environment: 'production' }),
      application('shop-dev', { prune: true }, { environment: 'dev' }),
    ];
    const sets = [
      { environment: 'argocd', critical: false, objects },
      { environment: 'dev', critical: false, objects: [] },
      { environment: 'production', critical: true, objects: [] },
    ];
    function* oneAtATime() {
      yield* sets;
    }
    // WHEN validated from a generator and from the array
    const fromGenerator = validator().validate(oneAtATime());
    const fromArray = validator().validate(sets);
    // THEN the Application of production needs approval either way: production was critical in the run
    expect(fromGenerator).toEqual(fromArray);
    expect(fromGenerator.findings.filter((f) => f.rule === 'critical-sync-approval').map(formatFinding)).toEqual([
      unapproved('shop-production', 'the critical environment production'),
    ]);
  });

  test("passes an app-of-apps root: its AppProject allows only Argo CD's Applications and AppProjects, and no cluster-scoped object", () => {
    // GIVEN root Applications whose projects allow only Applications, only AppProjects, or both
    const objects = [
      appProject('both', ARGO_CD_ONLY),
      application('both', { prune: true }, { project: 'both' }),
      appProject('apps', { namespaceResourceWhitelist: [{ group: 'argoproj.io', kind: 'Application' }] }),
      application('apps', { prune: true }, { project: 'apps' }),
      appProject('projects', { namespaceResourceWhitelist: [{ group: 'argoproj.io', kind: 'AppProject' }] }),
      application('projects', { prune: true }, { project: 'projects' }),
    ];
    // WHEN validated in a critical folder THEN none needs approval
    expect(syncFindings(objects)).toEqual([]);
  });

  test('fails on a root whose AppProject may deliver more than Argo CD objects, allows nothing, is another project or is missing', () => {
    // GIVEN projects that come close to the app-of-apps exemption and miss it by one field each
    const objects = [
      // a cluster-scoped kind besides the Argo CD kinds
      appProject('cluster', { ...ARGO_CD_ONLY, clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }] }),
      application('cluster', { prune: true }, { project: 'cluster' }),
      // no namespaced kind listed: Argo CD then allows every namespaced kind
      appProject('empty', { clusterResourceWhitelist: [], namespaceResourceWhitelist: [] }),
      application('empty', { prune: true }, { project: 'empty' }),
      appProject('nolist', {}),
      application('nolist', { prune: true }, { project: 'nolist' }),
      // an Application kind of another group, a ConfigMap, an entry that is not a map
      appProject('core-group', { namespaceResourceWhitelist: [{ group: '', kind: 'Application' }] }),
      application('core-group', { prune: true }, { project: 'core-group' }),
      appProject('configmap', {
        namespaceResourceWhitelist: [...ARGO_CD_ONLY.namespaceResourceWhitelist, { group: 'argoproj.io', kind: 'ConfigMap' }],
      }),
      application('configmap', { prune: true }, { project: 'configmap' }),
      appProject('junk', { namespaceResourceWhitelist: [null] }),
      application('junk', { prune: true }, { project: 'junk' }),
      // an Argo-CD-only project of another name, and one of the right name in another namespace
      appProject('root', ARGO_CD_ONLY),
      application('other', { prune: true }, { project: 'missing' }),
      appProject('elsewhere', ARGO_CD_ONLY, 'argocd-apps'),
      application('elsewhere', { prune: true }, { project: 'elsewhere' }),
    ];
    // WHEN validated in a critical folder THEN each of those roots needs approval (and nothing fails to be checked)
    expect(syncFindings(objects)).toEqual(
      ['cluster', 'empty', 'nolist', 'core-group', 'configmap', 'junk', 'other', 'elsewhere'].map((name) => unapproved(name)),
    );
  });

  test('reads objects with parts missing without failing to check them: a project without a spec, objects without metadata or spec', () => {
    // GIVEN a project with no spec, a project and an Application with no metadata (so neither has a namespace),
    // and Applications with no spec or no syncPolicy
    const kind = (k: string) => ({ apiVersion: 'argoproj.io/v1alpha1', kind: k });
    const objects = [
      { ...kind('AppProject'), metadata: { name: 'bare', namespace: 'argocd' } },
      application('bare', { prune: true }, { project: 'bare' }),
      { ...kind('AppProject'), spec: ARGO_CD_ONLY },
      { ...kind('Application'), spec: { project: 'shop', syncPolicy: { automated: { prune: true } } } },
      { ...kind('Application'), metadata: { name: 'nospec', namespace: 'argocd' } },
      { ...kind('Application'), metadata: { name: 'nosync', namespace: 'argocd' }, spec: { project: 'shop' } },
    ];
    // WHEN validated THEN the two automated roots need approval (the unnamed one by kind alone), reported as such
    expect(syncFindings(objects)).toEqual([unapproved('bare'), unapproved('Application/(no name)')]);
  });
});

// ---- rollout-analysis-required ------------------------------------------------------------------------

/** A Rollout with the strategy `strategy`, in the shop's namespace (in none when `namespace` is null). */
function rollout(name: string, strategy: unknown, namespace: string | null = NS): Manifest {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name, ...(namespace === null ? {} : { namespace }) },
    spec: { selector: { matchLabels: { app: name } }, strategy },
  };
}
function analysisTemplate(name: string, namespace = NS): Manifest {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name, namespace },
    spec: { metrics: [{ name: 'ready', provider: { prometheus: { address: 'http://prometheus:9090', query: 'vector(1)' } } }] },
  };
}
const analysis = (...names: string[]) => ({ templates: names.map((templateName) => ({ templateName })) });
const analysisFindings = (objects: Manifest[]) => findingsOf('rollout-analysis-required', objects);
const missing = (name: string, path: string) =>
  `production: Rollout/shop-production/${name}: [rollout-analysis-required] ${path}: is missing: ` +
  `in a critical environment the new pods must pass an analysis, whose failure aborts the release (got nothing); ${ANALYSIS_FIX}`;
const unknownTemplate = (name: string, path: string, template: string, namespace = NS) =>
  `production: Rollout/${namespace === '' ? '' : `${namespace}/`}${name}: [rollout-analysis-required] ${path}: ` +
  `names no AnalysisTemplate of namespace ${namespace || '(none)'} (got "${template}"); ${ANALYSIS_FIX}`;

describe('rollout-analysis-required', () => {
  test('passes a blue-green Rollout analysed before or after the promotion, and a canary analysed by a step or in the background', () => {
    // GIVEN the template ready and Rollouts that each reference it from one place
    const objects = [
      analysisTemplate('ready'),
      rollout('pre', { blueGreen: { activeService: 'pre', prePromotionAnalysis: analysis('ready') } }),
      rollout('post', { blueGreen: { activeService: 'post', postPromotionAnalysis: analysis('ready') } }),
      rollout('step', { canary: { steps: [{ setWeight: 20 }, { analysis: analysis('ready') }] } }),
      rollout('background', { canary: { analysis: analysis('ready'), steps: [{ setWeight: 20 }] } }),
    ];
    // WHEN validated in a critical environment THEN all pass
    expect(analysisFindings(objects)).toEqual([]);
  });

  test('passes a cluster template and a reference without a name (the schema reports that), and anything outside a critical environment', () => {
    // GIVEN a cluster-scoped template that is not in the set, and a reference whose name is missing
    const objects = [
      rollout('cluster', {
        blueGreen: { activeService: 'cluster', prePromotionAnalysis: { templates: [{ templateName: 'global', clusterScope: true }] } },
      }),
      rollout('nameless', { blueGreen: { activeService: 'nameless', prePromotionAnalysis: { templates: [{ clusterScope: false }] } } }),
    ];
    // WHEN validated THEN neither is this rule's finding
    expect(analysisFindings(objects)).toEqual([]);
    // THEN a Rollout without any analysis passes where the environment is not critical
    expect(findingsOf('rollout-analysis-required', [rollout('api', { canary: { steps: [] } })], { environment: 'dev', critical: false })).toEqual([]);
  });

  test('fails on a Rollout without an analysis, naming where it belongs for each strategy', () => {
    // GIVEN a blue-green Rollout, a canary and a Rollout without a strategy, none with an analysis that names a template
    const objects = [
      analysisTemplate('ready'),
      rollout('blue-green', { blueGreen: { activeService: 'blue-green', prePromotionAnalysis: { templates: [] } } }),
      rollout('canary', { canary: { steps: [{ setWeight: 20 }, { analysis: {} }, 'junk'] } }),
      rollout('plain', undefined),
      rollout('other', { recreate: {} }),
    ];
    // WHEN validated THEN each is missing its analysis, at the path of its strategy
    expect(analysisFindings(objects)).toEqual([
      missing('blue-green', 'spec.strategy.blueGreen.prePromotionAnalysis'),
      missing('canary', 'spec.strategy.canary.steps'),
      missing('plain', 'spec.strategy'),
      missing('other', 'spec.strategy'),
    ]);
  });

  test('fails on each reference to a template that is not in the Rollout namespace, with the path of the reference and the name', () => {
    // GIVEN the template ready in the shop's namespace and typo in another, and Rollouts naming them from each place
    const objects = [
      analysisTemplate('ready'),
      analysisTemplate('typo', 'shop-dev'),
      rollout('post', { blueGreen: { activeService: 'post', postPromotionAnalysis: analysis('ready', 'typo') } }),
      rollout('canary', { canary: { analysis: analysis('typo'), steps: [{ setWeight: 20 }, { analysis: analysis('ready', 'gone') }] } }),
    ];
    // WHEN validated THEN each reference to a template missing from shop-production is a finding
    expect(analysisFindings(objects)).toEqual([
      unknownTemplate('post', 'spec.strategy.blueGreen.postPromotionAnalysis.templates[1].templateName', 'typo'),
      unknownTemplate('canary', 'spec.strategy.canary.analysis.templates[0].templateName', 'typo'),
      unknownTemplate('canary', 'spec.strategy.canary.steps[1].analysis.templates[1].templateName', 'gone'),
    ]);
  });

  test('fails on a Rollout without a namespace whose template has one, saying "(none)"; a template without metadata is no match', () => {
    // GIVEN a Rollout with no namespace, the template ready in the shop's namespace, and a template with no metadata (no namespace either)
    const bare = { apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisTemplate', spec: { metrics: [] } };
    const objects = [
      analysisTemplate('ready'),
      bare,
      rollout('api', { blueGreen: { activeService: 'api', prePromotionAnalysis: analysis('ready') } }, null),
    ];
    // WHEN validated THEN neither template is the Rollout's, and nothing fails to be checked
    expect(analysisFindings(objects)).toEqual([
      unknownTemplate('api', 'spec.strategy.blueGreen.prePromotionAnalysis.templates[0].templateName', 'ready', ''),
    ]);
  });

  test('reads a Rollout without a spec and a reference that is not a map without failing to check it', () => {
    // GIVEN a Rollout with no spec, and one whose analysis lists null before a template that is not there
    const bare = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'bare', namespace: NS } };
    const objects = [
      bare,
      rollout('api', { blueGreen: { activeService: 'api', prePromotionAnalysis: { templates: [null, { templateName: 'gone' }] } } }),
    ];
    // WHEN validated THEN the first is missing its analysis and the second names a missing template, at its index
    expect(analysisFindings(objects)).toEqual([
      missing('bare', 'spec.strategy'),
      unknownTemplate('api', 'spec.strategy.blueGreen.prePromotionAnalysis.templates[1].templateName', 'gone'),
    ]);
  });
});
