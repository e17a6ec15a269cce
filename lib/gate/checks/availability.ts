// The rules on how workloads run and are reached inside the namespace: replicas and disruption budgets, network-policy
// coverage, Secrets without values, Services that select pods.
import { PREVIEW_LABEL } from '../../core/labels';
import { fieldPath, Manifest } from '../finding';
import { ObjectRef, RawFinding, RuleCheck } from '../rule-context';
import { asArray, containersOf, isMap, mapSelectorMatches, selectorMatches, stringMap } from '../workloads';

// ---- production-replicas ----------------------------------------------------------------------------------

export const productionReplicas: RuleCheck = (ctx) => {
  if (!ctx.set.critical) return [];
  const autoscalers = ctx.objectsOf('autoscaling', 'HorizontalPodAutoscaler');
  const budgets = ctx.objectsOf('policy', 'PodDisruptionBudget');
  const services = ctx.objectsOf('', 'Service');
  const workloads = [...['Deployment', 'StatefulSet'].flatMap((kind) => ctx.objectsOf('apps', kind)), ...ctx.objectsOf('argoproj.io', 'Rollout')];
  return workloads
    .sort((a, b) => a.index - b.index)
    .flatMap(({ object, index, namespace }) => {
      const out: RawFinding[] = [];
      const name = object.metadata?.name;
      const labels = ctx.templates.find((t) => t.index === index)?.labels ?? {};
      const replicas = object.spec?.replicas;
      if (isIdleColour(object, namespace, labels, services)) return [];
      const hpa = autoscalers.find(
        (h) => h.namespace === namespace && h.object.spec?.scaleTargetRef?.kind === object.kind && h.object.spec?.scaleTargetRef?.name === name,
      );
      if (hpa !== undefined) {
        const min = hpa.object.spec?.minReplicas ?? 1;
        if (typeof min !== 'number' || min < 2) {
          const hpaName = hpa.object.metadata?.name;
          out.push({
            index,
            rule: 'production-replicas',
            message:
              `spec.replicas: is owned by HorizontalPodAutoscaler ${hpaName}, ` +
              'whose spec.minReplicas must be at least 2 in a critical environment',
            value: min,
            fix: `raise spec.minReplicas of HorizontalPodAutoscaler ${hpaName} to 2 or more`,
          });
        }
      } else if (typeof replicas !== 'number' || replicas < 2) {
        out.push({
          index,
          rule: 'production-replicas',
          message: `spec.replicas: must be at least 2 in a critical environment${replicas === undefined ? ' (unset means 1)' : ''}`,
          value: replicas,
          fix: 'set spec.replicas to 2 or more, or scale it with a HorizontalPodAutoscaler whose minReplicas is at least 2',
        });
      }
      const hasBudget = budgets.some(
        (b) => b.namespace === namespace && isMap(b.object.spec?.selector) && selectorMatches(b.object.spec.selector, labels),
      );
      if (!hasBudget) {
        out.push({
          index,
          rule: 'production-replicas',
          message: 'spec.template.metadata.labels: no PodDisruptionBudget selects these pods, so a node drain may stop them all',
          value: labels,
          fix: `add a PodDisruptionBudget (policy/v1) in ${namespace || 'the namespace'} whose selector matches these labels`,
        });
      }
      return out;
    });
};

/** The idle colour of a blue-green release: scaled to 0 and selected by a Service that says it is a preview. */
function isIdleColour(object: Manifest, namespace: string, labels: Record<string, string>, services: ObjectRef[]): boolean {
  return (
    object.spec?.replicas === 0 &&
    services.some(
      (s) =>
        s.namespace === namespace &&
        s.object.metadata?.labels?.[PREVIEW_LABEL] === 'true' &&
        isMap(s.object.spec?.selector) &&
        Object.keys(s.object.spec.selector).length > 0 &&
        mapSelectorMatches(stringMap(s.object.spec.selector), labels),
    )
  );
}

// ---- network-policy-coverage --------------------------------------------------------------------------------

export const networkPolicyCoverage: RuleCheck = (ctx) => {
  const policies = ctx.objectsOf('networking.k8s.io', 'NetworkPolicy');
  return ctx.templates
    .filter(
      (pod) =>
        !policies.some(
          (p) => p.namespace === pod.namespace && isMap(p.object.spec?.podSelector) && selectorMatches(p.object.spec.podSelector, pod.labels),
        ),
    )
    .map((pod) => ({
      index: pod.index,
      rule: 'network-policy-coverage' as const,
      message: `${fieldPath([...pod.metadataPath, 'labels'])}: no NetworkPolicy of namespace ${pod.namespace || '(none)'} selects these pods`,
      value: pod.labels,
      fix: `add a NetworkPolicy in ${pod.namespace || 'the namespace'} whose podSelector matches these labels`,
    }));
};

// ---- no-secret-data -------------------------------------------------------------------------------------------

export const noSecretData: RuleCheck = (ctx) =>
  ctx.objectsOf('', 'Secret').flatMap(({ object, index }) =>
    ['data', 'stringData']
      .filter((field) => isMap(object[field]) && Object.keys(object[field]).length > 0)
      .map((field) => ({
        index,
        rule: 'no-secret-data' as const,
        message: `${field}: holds secret values, which must never be in git (keys shown, values never)`,
        value: Object.keys(object[field]),
        fix: `remove ${field}; let the cluster provide the Secret (Sealed Secrets, External Secrets) and reference it by name`,
      })),
  );

// ---- service-selects-pods ------------------------------------------------------------------------------------

export const serviceSelectsPods: RuleCheck = (ctx) =>
  ctx.objectsOf('', 'Service').flatMap(({ object, index, namespace }): RawFinding[] => {
    const selector = stringMap(object.spec?.selector);
    if (Object.keys(selector).length === 0 || object.spec?.type === 'ExternalName') return [];
    const pods = ctx.templates.filter((pod) => pod.namespace === namespace && mapSelectorMatches(selector, pod.labels));
    if (pods.length === 0) {
      return [
        {
          index,
          rule: 'service-selects-pods',
          message: `spec.selector: selects no pods of any workload in namespace ${namespace || '(none)'}`,
          value: selector,
          fix: 'make spec.selector a subset of the pod template labels of the workload it fronts',
        },
      ];
    }
    const declared = pods.flatMap((pod) =>
      containersOf(pod)
        .filter((c) => c.list === 'containers')
        .flatMap((c) => asArray(c.container.ports)),
    );
    return asArray(object.spec?.ports).flatMap((port, i): RawFinding[] => {
      const target = port?.targetPort ?? port?.port;
      const found = typeof target === 'number' ? declared.some((p) => p?.containerPort === target) : declared.some((p) => p?.name === target);
      if (found || target === undefined) return [];
      const field = port?.targetPort === undefined ? `spec.ports[${i}].port` : `spec.ports[${i}].targetPort`;
      const choices = declared.map((p) => (p?.name ? `${p.name} (${p.containerPort})` : String(p?.containerPort))).join(', ') || 'none';
      return [
        {
          index,
          rule: 'service-selects-pods',
          message: `${field}: no container of the selected pods declares this port`,
          value: target,
          fix: `point it at a declared container port: ${choices}`,
        },
      ];
    });
  });

// ---- dns-hostname and tls-required ------------------------------------------------------------------------------
