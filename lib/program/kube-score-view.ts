import { RuleId, WAIVER_PREFIX } from '../core/waivers';
import type { Manifest } from '../gate/finding';

/**
 * What kube-score is shown of an environment, and what it is told to leave out. Pure: verify-lint.ts reads the files
 * and runs the tool.
 *
 * kube-score (v1.20) knows the built-in workload kinds only. An Argo Rollout is a Deployment with another release
 * strategy, so the tier shows kube-score a Deployment view of each Rollout (same name, namespace, labels, annotations,
 * replicas, selector and pod template; the strategy becomes a rolling update) and points every autoscaler of a
 * Rollout at that view: its pods are scored like any other, and the Services and autoscalers in front of it find
 * their target. Written by hand: no library converts Rollouts for kube-score, and the conversion is a field copy.
 */

/** The annotation kube-score reads to skip tests for one object (its own per-object mechanism). */
export const KUBE_SCORE_IGNORE = 'kube-score/ignore';

/**
 * The kube-score tests that check a fact the gate owns, by the gate rule that owns it: a waiver of the rule (in the
 * environment file, or `waive()` in code) waives these tests for the same object, so the two tiers never disagree
 * about an exception. One place: verify --lint reads nothing else. Unwaivable rules (pss-restricted) have no entry: no
 * waiver can switch off what they check, in either tier.
 */
export const KUBE_SCORE_TESTS_OF_RULE: Readonly<Partial<Record<RuleId, readonly string[]>>> = {
  'read-only-root-filesystem': ['container-security-context-readonlyrootfilesystem'],
  'resources-required': ['container-resources', 'container-ephemeral-storage-request-and-limit'],
  'probes-required': ['pod-probes', 'pod-probes-identical'],
  'image-tag-pinned': ['container-image-tag', 'container-image-pull-policy'],
  'network-policy-coverage': ['pod-networkpolicy', 'networkpolicy-targets-pod'],
  'service-selects-pods': ['service-targets-pod', 'ingress-targets-service'],
  'production-replicas': ['deployment-replicas', 'deployment-has-poddisruptionbudget', 'statefulset-has-poddisruptionbudget'],
};

/**
 * kube-score tests that do not apply to what the library renders, for every product, with the reason. The tier
 * passes them as `--ignore-test`; a product adds its own exceptions as waivers of the gate rule that owns the fact
 * (see {@link KUBE_SCORE_TESTS_OF_RULE}), or with kube-score's own `kube-score/ignore` annotation on the object.
 */
export const KUBE_SCORE_LIBRARY_EXCEPTIONS: ReadonlyArray<{ readonly test: string; readonly reason: string }> = [
  {
    test: 'container-security-context-user-group-id',
    reason:
      "wants runAsUser/runAsGroup above 10000; OpenShift's restricted-v2 SCC assigns the UID from the namespace range and " +
      'forbids a fixed one (gate rule openshift-restricted-v2), runAsNonRoot is set',
  },
  {
    test: 'deployment-has-host-podantiaffinity',
    reason:
      'pods are spread with topologySpreadConstraints (required across kubernetes.io/hostname, best effort across zones), ' +
      'which kube-score does not recognise',
  },
  {
    test: 'networkpolicy-targets-pod',
    reason:
      'policies for pods the CloudNativePG and Keycloak operators create are not matched by any pod in the manifests; ' +
      'the netpol tier proves every policy against stand-ins of those pods',
  },
  {
    test: 'ingress-targets-service',
    reason:
      'the Keycloak Service is created by the Keycloak Operator at run time, so the auth Ingress targets a Service that is ' +
      "not in the manifests; the gate's service-selects-pods rule checks the Services the library renders",
  },
  {
    test: 'pod-probes-identical',
    reason: "the static nginx frontend has no dependency to fail readiness on, so liveness and readiness both ask '/'",
  },
  {
    test: 'deployment-replicas',
    reason:
      "the gate's production-replicas rule owns replica counts: 2 or more (or an autoscaler's minimum) in critical " +
      'environments, with a PodDisruptionBudget; a non-critical environment may run one, and the idle colour of a ' +
      'blue-green release runs none until it is switched to, which kube-score cannot tell apart',
  },
];

/** Optional kube-score tests that do apply. */
export const KUBE_SCORE_OPTIONAL_TESTS: readonly string[] = ['container-seccomp-profile', 'container-ports-check'];

const ROLLOUT_API = 'argoproj.io/v1alpha1';

/** The objects as kube-score is shown them: Rollouts as Deployments, waivers as kube-score ignores. */
export function kubeScoreView(objects: readonly Manifest[]): Manifest[] {
  return objects.map((object) => withWaivedTests(object.apiVersion === ROLLOUT_API ? rolloutView(object) : retargetAutoscaler(object)));
}

/** A Rollout as the Deployment it runs like: kube-score's pod, service and autoscaler tests then see its pods. */
function rolloutView(rollout: Manifest): Manifest {
  if (rollout.kind !== 'Rollout' || rollout.spec?.template === undefined) return rollout;
  const { replicas, selector, template, revisionHistoryLimit, minReadySeconds } = rollout.spec;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: rollout.metadata,
    spec: { replicas, selector, template, revisionHistoryLimit, minReadySeconds, strategy: { type: 'RollingUpdate' } },
  };
}

/** An autoscaler of a Rollout, pointed at its Deployment view. */
function retargetAutoscaler(object: Manifest): Manifest {
  const target = object.spec?.scaleTargetRef;
  if (object.kind !== 'HorizontalPodAutoscaler' || target?.kind !== 'Rollout' || target.apiVersion !== ROLLOUT_API) return object;
  return { ...object, spec: { ...object.spec, scaleTargetRef: { ...target, apiVersion: 'apps/v1', kind: 'Deployment' } } };
}

/** The object with the kube-score tests of its waived gate rules added to its `kube-score/ignore` annotation. */
function withWaivedTests(object: Manifest): Manifest {
  const annotations: Record<string, string> = object.metadata?.annotations ?? {};
  const tests = new Set(
    Object.keys(annotations)
      .filter((key) => key.startsWith(WAIVER_PREFIX))
      .flatMap((key) => KUBE_SCORE_TESTS_OF_RULE[key.slice(WAIVER_PREFIX.length) as RuleId] ?? []),
  );
  if (tests.size === 0) return object;
  for (const test of (annotations[KUBE_SCORE_IGNORE] ?? '').split(',')) if (test.trim() !== '') tests.add(test.trim());
  const ignore = [...tests].sort().join(',');
  return { ...object, metadata: { ...object.metadata, annotations: { ...annotations, [KUBE_SCORE_IGNORE]: ignore } } };
}
