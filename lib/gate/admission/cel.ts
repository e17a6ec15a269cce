// What the admission policies share: the shape of one rule's policy, and the CEL that reads a pod template out of any
// workload kind. Objects reach CEL as dynamic values, so every optional field is guarded with has() before it is read
// (a field read that fails is an error, and an error under failurePolicy Fail denies the request).
import { RuleId } from '../../core/waivers';

/** The resources one policy matches, as `matchConstraints.resourceRules` name them (always namespaced). */
export interface ResourceMatch {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
}

/** One CEL check of a policy: `expression` true means the object passes; the denial names the rule and the fix. */
export interface AdmissionCheck {
  readonly expression: string;
  /** What is wrong, as the denial says it (the rule id is prefixed, the fix appended). */
  readonly problem: string;
  readonly fix: string;
}

/** What an environment changes in a policy. */
export interface AdmissionEnvironment {
  /** A critical environment holds real data: the production rules apply. */
  readonly critical: boolean;
  /** Services the environment declares as reachable from outside the cluster (`network.exposedServices`). */
  readonly exposedServices: readonly string[];
  /**
   * Image prefixes the environment may pull from (`registries`).
   * @default - no restriction
   */
  readonly allowedRegistries?: readonly string[];
}

/** A gate rule as a ValidatingAdmissionPolicy. */
export interface AdmissionRule {
  /** The gate's rule the policy says again. */
  readonly rule: RuleId;
  /** What the policy matches (namespaced objects, on create and update). */
  readonly resources: readonly ResourceMatch[];
  /** Named CEL values the checks read as `variables.<name>`, in order. */
  readonly variables?: ReadonlyArray<{ readonly name: string; readonly expression: string }>;
  /** The checks, for one environment; none: the environment needs no policy for the rule. */
  readonly checks: (environment: AdmissionEnvironment) => readonly AdmissionCheck[];
  /** Match conditions beyond the waiver's, for one environment: all true, or the policy skips the object. */
  readonly conditions?: (environment: AdmissionEnvironment) => ReadonlyArray<{ readonly name: string; readonly expression: string }>;
  /** What the gate checks of this rule and admission does not, and why; `''` when admission checks all of it. */
  readonly gateOnly: string;
}

/** The workload kinds a product writes, whose pod templates the pod rules check. */
export const WORKLOAD_RESOURCES: readonly ResourceMatch[] = [
  { apiGroups: [''], resources: ['pods'] },
  { apiGroups: ['apps'], resources: ['deployments', 'statefulsets', 'daemonsets'] },
  { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'] },
  { apiGroups: ['argoproj.io'], resources: ['rollouts'] },
];

/** `has(<path>)` for each step of a dotted path below a root: `(has(a.b) && has(a.b.c))`. */
export function hasPath(root: string, path: string): string {
  const steps = path.split('.');
  return `(${steps.map((_, i) => `has(${root}.${steps.slice(0, i + 1).join('.')})`).join(' && ')})`;
}

/** CEL for "the field at `path` below `root` is set and equal to `value`". */
export function isSet(root: string, path: string, value: string): string {
  return `(${hasPath(root, path)} && ${root}.${path} == ${value})`;
}

/** CEL list literal of strings. */
export function list(values: readonly string[]): string {
  return `[${values.map((v) => `'${v}'`).join(', ')}]`;
}

/**
 * The pod spec of a workload (a Pod's own spec, a CronJob's job template's, every other kind's template's; `{}` for a
 * Rollout that refers to a Deployment's template), and its containers: `containers` (containers and init
 * containers) and `allContainers` (ephemeral ones too).
 */
export const POD_VARIABLES = [
  {
    name: 'pod',
    expression:
      "object.kind == 'Pod' ? object.spec : object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.spec : " +
      'has(object.spec.template) ? object.spec.template.spec : {}',
  },
  {
    name: 'containers',
    expression:
      '(has(variables.pod.containers) ? variables.pod.containers : []) + ' +
      '(has(variables.pod.initContainers) ? variables.pod.initContainers : [])',
  },
  {
    name: 'allContainers',
    expression: 'variables.containers + (has(variables.pod.ephemeralContainers) ? variables.pod.ephemeralContainers : [])',
  },
] as const;
