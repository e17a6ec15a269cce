import { describe, expect, test } from 'vitest';
import { KUBE_SCORE_IGNORE, KUBE_SCORE_LIBRARY_EXCEPTIONS, KUBE_SCORE_TESTS_OF_RULE, kubeScoreView } from '../../lib/program/kube-score-view';
import { VALIDATION_RULES } from '../../lib/gate/rules';

const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'r.example.com/web:1.0.0' }] } };
const rollout = (annotations: Record<string, string> = {}) => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Rollout',
  metadata: { name: 'web', namespace: 'team', annotations },
  spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template, strategy: { canary: { steps: [{ setWeight: 20 }] } } },
});

describe('kubeScoreView', () => {
  test('shows a Rollout as the Deployment it runs like: same metadata, replicas, selector and pod template', () => {
    // GIVEN a canary Rollout
    // WHEN kube-score is shown it
    const [view] = kubeScoreView([rollout()]);
    // THEN it is a Deployment with the Rollout's pods and a rolling update
    expect(view).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'team', annotations: {} },
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template, strategy: { type: 'RollingUpdate' } },
    });
  });

  test("points an autoscaler of a Rollout at the Rollout's view, and leaves other autoscalers alone", () => {
    const hpa = (kind: string, apiVersion: string) => ({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web' },
      spec: { scaleTargetRef: { apiVersion, kind, name: 'web' }, minReplicas: 2, maxReplicas: 4 },
    });
    const [ofRollout, ofDeployment] = kubeScoreView([hpa('Rollout', 'argoproj.io/v1alpha1'), hpa('Deployment', 'apps/v1')]);
    expect(ofRollout.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' });
    expect(ofDeployment).toEqual(hpa('Deployment', 'apps/v1'));
  });

  test('turns a waiver of a gate rule into kube-score ignores of the tests of the same fact, keeping ignores already there', () => {
    // GIVEN a Rollout that waives resources-required and already ignores one kube-score test itself
    const waived = rollout({ 'waive.eaf.io/resources-required': 'sized by the VPA', [KUBE_SCORE_IGNORE]: 'pod-probes' });
    // WHEN kube-score is shown it
    const [view] = kubeScoreView([waived]);
    // THEN kube-score skips the resource tests and the one the object named, nothing else
    expect(view.metadata.annotations[KUBE_SCORE_IGNORE]).toBe('container-ephemeral-storage-request-and-limit,container-resources,pod-probes');
  });

  test('leaves an object without waivers exactly as it is', () => {
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', annotations: { a: 'b' } }, spec: {} };
    expect(kubeScoreView([service])[0]).toBe(service);
  });

  test('maps only waivable rules of the gate, and every library exception says why', () => {
    const waivable = new Set(VALIDATION_RULES.filter((r) => r.waivable).map((r) => r.id));
    expect(Object.keys(KUBE_SCORE_TESTS_OF_RULE).filter((rule) => !waivable.has(rule as never))).toEqual([]);
    for (const { test: id, reason } of KUBE_SCORE_LIBRARY_EXCEPTIONS) expect(reason.length, id).toBeGreaterThan(40);
  });
});
