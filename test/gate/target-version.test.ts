import { container, deployment, findingsOf } from './fixtures';

/**
 * Each environment is checked against the schemas of its target minor (ManifestSet.target): what that minor does not
 * serve is refused with the release that added or removed it and the fix, in both directions.
 */

const OPENSHIFT_4_16 = { target: { kubernetes: '1.29', openshift: '4.16' } };
const KUBERNETES_1_33 = { target: { kubernetes: '1.33' } };

/** A Deployment whose first container has `extra` fields. */
function withContainerFields(extra: Record<string, unknown>) {
  return deployment('api', { spec: { containers: [{ ...container('api'), ...extra }] } });
}

describe('schema-core against the target minor', () => {
  test('refuses a field newer than the target, naming the release that added it and the OpenShift release to raise to', () => {
    // GIVEN a container restart rule (Kubernetes 1.34) WHEN the environment targets OpenShift 4.16 (Kubernetes 1.29)
    const object = withContainerFields({
      restartPolicy: 'Always',
      restartPolicyRules: [{ action: 'Restart', exitCodes: { operator: 'In', values: [42] } }],
    });
    // THEN it is refused with the version that added it
    expect(findingsOf('schema-core', [object], OPENSHIFT_4_16)).toEqual([
      'production: Deployment/shop-production/api: [schema-core] spec.template.spec.containers[0].restartPolicyRules: needs Kubernetes 1.34; ' +
        'this environment targets 1.29 (openshift 4.16) (got [{"action":"Restart","exitCodes":{"operator":"In","values":[42]}}]); ' +
        'fix: raise openshift to 4.21 or later, or remove spec.template.spec.containers[0].restartPolicyRules',
    ]);
    // AND a target that serves it accepts it
    expect(findingsOf('schema-core', [object], { target: { kubernetes: '1.34' } })).toEqual([]);
  });

  test('refuses a kind newer than the target, naming the release that added it', () => {
    const deviceClass = { apiVersion: 'resource.k8s.io/v1', kind: 'DeviceClass', metadata: { name: 'gpu' }, spec: {} };
    expect(findingsOf('schema-core', [deviceClass], KUBERNETES_1_33)).toEqual([
      'production: DeviceClass/gpu: [schema-core] apiVersion/kind: resource.k8s.io/v1 DeviceClass needs Kubernetes 1.34; ' +
        'this environment targets 1.33 (got "resource.k8s.io/v1/DeviceClass"); fix: raise kubernetes to 1.34 or later, ' +
        'or use apiVersion resource.k8s.io/v1alpha3 or resource.k8s.io/v1beta1 or resource.k8s.io/v1beta2',
    ]);
  });

  test('refuses an apiVersion removed before the target, naming the release that removed it and the served one', () => {
    // GIVEN autoscaling/v2beta2 (removed in 1.26) and flowcontrol v1beta3 (removed in 1.32)
    const hpa = {
      apiVersion: 'autoscaling/v2beta2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'api', namespace: 'shop-production' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' }, maxReplicas: 3 },
    };
    const flowSchema = { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta3', kind: 'FlowSchema', metadata: { name: 'shop' }, spec: {} };
    // WHEN the environment targets Kubernetes 1.33 THEN both are refused with the release that removed them
    expect(findingsOf('schema-core', [hpa, flowSchema], KUBERNETES_1_33)).toEqual([
      'production: HorizontalPodAutoscaler/shop-production/api: [schema-core] apiVersion/kind: ' +
        'autoscaling/v2beta2 HorizontalPodAutoscaler was removed in Kubernetes 1.26 (last served by 1.25); this environment targets 1.33 ' +
        '(got "autoscaling/v2beta2/HorizontalPodAutoscaler"); ' +
        'fix: use apiVersion autoscaling/v1 or autoscaling/v2',
      'production: FlowSchema/shop: [schema-core] apiVersion/kind: flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema was removed in Kubernetes 1.32 ' +
        '(last served by 1.31); this environment targets 1.33 (got "flowcontrol.apiserver.k8s.io/v1beta3/FlowSchema"); ' +
        'fix: use apiVersion flowcontrol.apiserver.k8s.io/v1',
    ]);
  });

  test('keeps the plain unknown-field finding for a field no release has', () => {
    const object = withContainerFields({ restartPolicyRulez: [] });
    expect(findingsOf('schema-core', [object], OPENSHIFT_4_16)).toEqual([
      expect.stringContaining('spec.template.spec.containers[0].restartPolicyRulez: unknown field (not in the apps/v1 Deployment schema)'),
    ]);
  });
});
