import { nextTarget } from '../../lib/core/cluster-version';
import { formatUpgradeWarning, Manifest, ManifestSet } from '../../lib/gate';
import { container, deployment, NS, podSpec, validator } from './fixtures';

/**
 * `ManifestValidator.upgradeWarnings`: what an environment's objects use that a later Kubernetes release removes or
 * deprecates, from the vendored OpenAPI history (kubernetes-schema.json), as pluto and kubent report it.
 */

function warnings(objects: Manifest[], target: ManifestSet['target'], next?: ManifestSet['target']): string[] {
  return validator()
    .upgradeWarnings([{ environment: 'dev', critical: false, objects, target }], next)
    .map(formatUpgradeWarning);
}

const FLOW_SCHEMA = {
  apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta3',
  kind: 'FlowSchema',
  metadata: { name: 'batch' },
  spec: { priorityLevelConfiguration: { name: 'global-default' } },
};

const ADMISSION_POLICY = {
  apiVersion: 'admissionregistration.k8s.io/v1beta1',
  kind: 'ValidatingAdmissionPolicy',
  metadata: { name: 'replicas' },
  spec: { validations: [{ expression: 'object.spec.replicas <= 5' }] },
};

describe('upgrade warnings', () => {
  test('names an API version the next minor no longer serves, the release that removed it and its replacement', () => {
    // GIVEN a FlowSchema of flowcontrol.apiserver.k8s.io/v1beta3 (served up to 1.31) WHEN the environment targets 1.31
    // THEN the next minor, 1.32, is named with the replacement it serves
    expect(warnings([FLOW_SCHEMA], { kubernetes: '1.31' })).toEqual([
      'dev: FlowSchema/batch: [upgrade 1.31 → 1.32] apiVersion/kind: flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema was removed in ' +
        'Kubernetes 1.32 (last served by 1.31); fix: use apiVersion flowcontrol.apiserver.k8s.io/v1',
    ]);
  });

  test('checks the next OpenShift release of an OpenShift target', () => {
    // GIVEN admissionregistration.k8s.io/v1beta1 (served up to 1.33) on OpenShift 4.20 THEN OpenShift 4.21 (1.34) removes it
    expect(warnings([ADMISSION_POLICY], { kubernetes: '1.33', openshift: '4.20' })).toEqual([
      'dev: ValidatingAdmissionPolicy/replicas: [upgrade 1.33 (openshift 4.20) → 1.34 (openshift 4.21)] apiVersion/kind: ' +
        'admissionregistration.k8s.io/v1beta1 ValidatingAdmissionPolicy was removed in Kubernetes 1.34 (last served by 1.33); ' +
        'fix: use apiVersion admissionregistration.k8s.io/v1',
    ]);
  });

  test('names a field the next minor removes', () => {
    // GIVEN PodSpec.workloadRef, served by 1.35 only WHEN upgrading 1.35 → 1.36
    const object = deployment('api', { spec: podSpec({ workloadRef: { name: 'training', podGroup: 'workers' } }) });
    expect(warnings([object], { kubernetes: '1.35' })).toEqual([
      `dev: Deployment/${NS}/api: [upgrade 1.35 → 1.36] spec.template.spec.workloadRef: was removed in Kubernetes 1.36; ` +
        'fix: remove spec.template.spec.workloadRef',
    ]);
    // AND a release several minors on names the release that removed it
    expect(warnings([object], { kubernetes: '1.35' }, { kubernetes: '1.37' })[0]).toContain('workloadRef: was removed in Kubernetes 1.36;');
  });

  test('names what the next minor declares deprecated, with the replacement its OpenAPI description gives', () => {
    // GIVEN a deprecated kind (Endpoints, from 1.33) and deprecated fields (PodSpec.serviceAccount, Volume.gitRepo)
    const endpoints = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'legacy', namespace: NS } };
    const object = deployment('api', {
      spec: podSpec({ serviceAccount: 'api', volumes: [{ name: 'src', gitRepo: { repository: 'https://git.example.com/a.git' } }] }),
    });
    // WHEN the next release is given explicitly THEN each use is listed, in the object's order, with what the OpenAPI document says
    expect(warnings([endpoints, object], { kubernetes: '1.31' }, { kubernetes: '1.34' })).toEqual([
      'dev: Endpoints/shop-production/legacy: [upgrade 1.31 → 1.34] apiVersion/kind: v1 Endpoints is deprecated in Kubernetes 1.34 ' +
        '("This API is deprecated in v1.33+. Use discoveryv1.EndpointSlice."); fix: use discoveryv1.EndpointSlice instead',
      `dev: Deployment/${NS}/api: [upgrade 1.31 → 1.34] spec.template.spec.volumes[0].gitRepo: is deprecated in Kubernetes 1.34 ` +
        '("GitRepo is deprecated. To provision a container with a git repo, mount an EmptyDir into an InitContainer that clones the ' +
        'repo using git, then mount the EmptyDir into the Pod\'s container."); fix: remove spec.template.spec.volumes[0].gitRepo',
      `dev: Deployment/${NS}/api: [upgrade 1.31 → 1.34] spec.template.spec.serviceAccount: is deprecated in Kubernetes 1.34 ` +
        '("Use serviceAccountName instead."); fix: use serviceAccountName instead',
    ]);
  });

  test('is quiet for objects the next minor serves unchanged, for custom resources, and at the newest minor', () => {
    const object = deployment('api', { spec: podSpec({ containers: [container('api')] }) });
    const custom = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'api', namespace: NS }, spec: {} };
    expect(warnings([object, custom], { kubernetes: '1.33' })).toEqual([]);
    expect(warnings([FLOW_SCHEMA], { kubernetes: '1.37' })).toEqual([]);
    // AND a next release that is not later than the target checks nothing
    expect(warnings([FLOW_SCHEMA], { kubernetes: '1.31' }, { kubernetes: '1.30' })).toEqual([]);
  });

  test('does not repeat what the target already refuses', () => {
    // GIVEN an object the gate refuses at the target (an unknown field) THEN only what the upgrade adds is a warning
    const object = { ...FLOW_SCHEMA, apiVersion: 'flowcontrol.apiserver.k8s.io/v1', spec: { ...FLOW_SCHEMA.spec, colour: 'red' } };
    expect(warnings([object], { kubernetes: '1.31' })).toEqual([]);
  });
});

describe('nextTarget', () => {
  test('is the next OpenShift release of an OpenShift target, else the next Kubernetes minor; none after the newest', () => {
    expect(nextTarget({ kubernetes: '1.33', openshift: '4.20' })).toEqual({ kubernetes: '1.34', openshift: '4.21' });
    expect(nextTarget({ kubernetes: '1.35', openshift: '4.22' })).toEqual({ kubernetes: '1.36' });
    expect(nextTarget({ kubernetes: '1.33' })).toEqual({ kubernetes: '1.34' });
    expect(nextTarget({ kubernetes: '1.37' })).toBeUndefined();
  });
});
