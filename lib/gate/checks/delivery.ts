// The delivery rules: approval of syncs to critical environments, and the analysis of each release.
import { fieldPath, Yaml } from '../finding';
import { RawFinding, RuleCheck } from '../rule-context';
import { findRule } from '../rules';
import { asArray, isMap, stringMap } from '../workloads';

// ---- critical-sync-approval ---------------------------------------------------------------------------

/**
 * Whether an AppProject lets its Applications deliver nothing but Argo CD's own objects (Applications, AppProjects)
 * and no cluster-scoped object: an app-of-apps root. Syncing such a root by itself reaches no data; each Application
 * it delivers is judged by this rule with its own environment.
 */
function deliversOnlyArgoCdObjects(project: Yaml): boolean {
  const allowed = asArray(project?.spec?.namespaceResourceWhitelist);
  return (
    asArray(project?.spec?.clusterResourceWhitelist).length === 0 &&
    allowed.length > 0 &&
    allowed.every((entry) => entry?.group === 'argoproj.io' && (entry.kind === 'Application' || entry.kind === 'AppProject'))
  );
}

export const criticalSyncApproval: RuleCheck = (ctx) => {
  const projects = ctx.objectsOf('argoproj.io', 'AppProject');
  return ctx.objectsOf('argoproj.io', 'Application').flatMap(({ object, index, namespace }): RawFinding[] => {
    const environment = stringMap(object.metadata?.labels)['eaf.io/environment'];
    const critical = ctx.set.critical || (environment !== undefined && ctx.criticalEnvironments.has(environment));
    const automated = object.spec?.syncPolicy?.automated;
    if (!critical || automated === undefined || automated === null || automated.enabled === false) return [];
    const project = projects.find((p) => p.namespace === namespace && p.object.metadata?.name === object.spec?.project);
    if (project !== undefined && deliversOnlyArgoCdObjects(project.object)) return [];
    return [
      {
        index,
        rule: 'critical-sync-approval',
        message:
          `spec.syncPolicy.automated: is set for ${environment === undefined ? 'a critical folder' : `the critical environment ${environment}`}: ` +
          'every commit would reach real data without approval',
        value: automated,
        fix: findRule('critical-sync-approval')!.fix,
      },
    ];
  });
};

// ---- rollout-analysis-required ----------------------------------------------------------------------

export const rolloutAnalysisRequired: RuleCheck = (ctx) => {
  if (!ctx.set.critical) return [];
  const templates = ctx.objectsOf('argoproj.io', 'AnalysisTemplate');
  return ctx.objectsOf('argoproj.io', 'Rollout').flatMap(({ object, index, namespace }): RawFinding[] => {
    const finding = (path: Array<string | number>, message: string, value: unknown): RawFinding[] => [
      {
        index,
        rule: 'rollout-analysis-required',
        message: `${fieldPath(path)}: ${message}`,
        value,
        fix: findRule('rollout-analysis-required')!.fix,
      },
    ];
    // Each analysis (with its path) of the strategy: blue-green before or after the promotion, canary steps and background.
    const strategy = object.spec?.strategy;
    const analyses: Array<[Array<string | number>, Yaml]> = isMap(strategy?.blueGreen)
      ? ['prePromotionAnalysis', 'postPromotionAnalysis'].map((key): [Array<string | number>, Yaml] => [
          ['spec', 'strategy', 'blueGreen', key],
          strategy.blueGreen[key],
        ])
      : isMap(strategy?.canary)
        ? [
            [['spec', 'strategy', 'canary', 'analysis'], strategy.canary.analysis],
            ...asArray(strategy.canary.steps).map((step, i): [Array<string | number>, Yaml] => [
              ['spec', 'strategy', 'canary', 'steps', i, 'analysis'],
              step?.analysis,
            ]),
          ]
        : [];
    const used = analyses.filter(([, analysis]) => isMap(analysis) && asArray(analysis.templates).length > 0);
    if (used.length === 0) {
      const where = isMap(strategy?.blueGreen)
        ? ['spec', 'strategy', 'blueGreen', 'prePromotionAnalysis']
        : isMap(strategy?.canary)
          ? ['spec', 'strategy', 'canary', 'steps']
          : ['spec', 'strategy'];
      return finding(where, 'is missing: in a critical environment the new pods must pass an analysis, whose failure aborts the release', undefined);
    }
    return used.flatMap(([path, analysis]) =>
      asArray(analysis.templates).flatMap((ref, j): RawFinding[] => {
        const name = ref?.templateName;
        if (
          ref?.clusterScope === true ||
          typeof name !== 'string' ||
          templates.some((t) => t.namespace === namespace && t.object.metadata?.name === name)
        )
          return [];
        return finding([...path, 'templates', j, 'templateName'], `names no AnalysisTemplate of namespace ${namespace || '(none)'}`, name);
      }),
    );
  });
};
