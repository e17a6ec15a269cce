// The gate's rules at admission: each rule CEL can express, as a ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1,
// GA in Kubernetes 1.30) and a ValidatingAdmissionPolicyBinding that applies it to one environment's namespaces, so a
// `kubectl edit` in the cluster meets the rule the pull request met. The CEL of each rule is in pod-rules.ts and
// object-rules.ts, one table; the rules it cannot express are below, each with why (docs/gate.md lists both).
import { RuleId } from '../../core/waivers';
import { Manifest } from '../finding';
import { findRule, MIN_WAIVER_REASON, WAIVER_PREFIX } from '../rules';
import { AdmissionEnvironment, AdmissionRule, AdmissionCheck } from './cel';
import { OBJECT_RULES } from './object-rules';
import { POD_RULES } from './pod-rules';

export type { AdmissionCheck, AdmissionEnvironment, AdmissionRule, ResourceMatch } from './cel';

/** The rules admission checks too, in the gate's order. */
export const ADMISSION_RULES: readonly AdmissionRule[] = [...POD_RULES, ...OBJECT_RULES];

/** The rules admission does not check, with why: the gate alone enforces them. */
export const GATE_ONLY_RULES: Readonly<Partial<Record<RuleId, string>>> = {
  'schema-core': 'the API server checks the schema itself',
  'schema-crd': 'the API server checks custom resources against their CRD itself',
  'openshift-restricted-v2': "OpenShift's restricted-v2 SCC enforces it at admission",
  'canonical-quantity': 'the API server accepts any spelling and stores the canonical one; the rule is about a standing diff in git',
  'production-replicas': 'needs the PodDisruptionBudgets and autoscalers of the same namespace: admission sees one object',
  'network-policy-coverage': 'needs every NetworkPolicy of the namespace: admission sees one object',
  'egress-internet': 'needs the union of address ranges across policies and the EgressFirewall of the namespace',
  'no-secret-data':
    "the platform's controllers (Sealed Secrets, External Secrets) write Secrets with data into the product's namespaces, " +
    'and a policy on Secrets would refuse them',
  'secrets-in-plain-sight':
    'needs Shannon entropy and decoding of JWT headers, which CEL lacks; regular expressions alone would refuse configuration',
  'service-selects-pods': 'needs the workloads of the namespace: admission sees one object',
  'dns-hostname': 'the API server and the router check host names themselves',
  'api-server-limits': 'the API server checks them itself',
  'apply-size': 'about client-side apply, which the API server does not see',
  'critical-sync-approval': "Argo CD's Applications live in Argo CD's namespace, not the product's",
  'rollout-analysis-required': 'needs the AnalysisTemplates of the namespace: admission sees one object',
  'waiver-invalid': 'about annotations the gate reads; admission honours only valid waivers (the match condition)',
  'waiver-unrecorded': 'compares the output with its environment file, which the cluster never sees',
};

/** What the admission policies of one environment are rendered for. */
export interface AdmissionOptions extends AdmissionEnvironment {
  /** Names the policies and bindings (`eaf-<name>-<rule>`): unique in the cluster, e.g. the environment's namespace. */
  readonly name: string;
  /** The namespaces the bindings cover: the environment's. */
  readonly namespaces: readonly string[];
}

/** The denial of a check: the rule id, what is wrong, the fix (the policy's message; its messageExpression names the object too). */
export function denial(rule: RuleId, check: AdmissionCheck): string {
  return `[${rule}] ${check.problem}; fix: ${check.fix}`;
}

/** A CEL string literal. */
function celString(text: string): string {
  return JSON.stringify(text);
}

/** The match condition that skips an object with a valid waiver of a waivable rule (as the gate reads it). */
function waiverCondition(rule: RuleId): { name: string; expression: string } {
  const key = `'${WAIVER_PREFIX}${rule}'`;
  return {
    name: 'not-waived',
    expression:
      `!has(object.metadata.annotations) || !(${key} in object.metadata.annotations) || ` +
      `size(object.metadata.annotations[${key}].trim()) < ${MIN_WAIVER_REASON}`,
  };
}

/**
 * The requests of the cluster's controllers, which make Pods and Jobs from templates admission has already checked on
 * their Deployment, StatefulSet, DaemonSet, CronJob or Rollout (where the waiver annotations are).
 */
const NOT_A_CONTROLLER = {
  name: 'not-a-controller',
  expression:
    "!(request.userInfo.username == 'system:kube-controller-manager' || request.userInfo.username.startsWith('system:serviceaccount:kube-system:'))",
};

function policy(options: AdmissionOptions, rule: AdmissionRule): Manifest {
  const waivable = findRule(rule.rule)?.waivable === true;
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name: `eaf-${options.name}-${rule.rule}`, labels: { 'eaf.io/rule': rule.rule } },
    spec: {
      failurePolicy: 'Fail',
      matchConstraints: {
        resourceRules: rule.resources.map((r) => ({
          apiGroups: [...r.apiGroups],
          apiVersions: ['*'],
          operations: ['CREATE', 'UPDATE'],
          resources: [...r.resources],
          scope: 'Namespaced',
        })),
      },
      matchConditions: [NOT_A_CONTROLLER, ...(waivable ? [waiverCondition(rule.rule)] : []), ...(rule.conditions?.(options) ?? [])],
      ...(rule.variables === undefined ? {} : { variables: rule.variables.map((v) => ({ ...v })) }),
      validations: rule.checks(options).map((check) => ({
        expression: check.expression,
        message: denial(rule.rule, check),
        messageExpression:
          `${celString(`[${rule.rule}] `)} + object.kind + ' ' + object.metadata.name + ` + celString(`: ${check.problem}; fix: ${check.fix}`),
      })),
    },
  };
}

function binding(options: AdmissionOptions, rule: AdmissionRule): Manifest {
  const name = `eaf-${options.name}-${rule.rule}`;
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name, labels: { 'eaf.io/rule': rule.rule } },
    spec: {
      policyName: name,
      validationActions: ['Deny'],
      matchResources: {
        namespaceSelector: {
          matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: [...options.namespaces].sort() }],
        },
      },
    },
  };
}

/**
 * The policies and bindings of one environment: for each rule of {@link ADMISSION_RULES} that has checks there (an
 * environment that lists no registries has none for image-registry-allowed), a policy and its binding.
 */
export function admissionPolicies(options: AdmissionOptions): Manifest[] {
  return ADMISSION_RULES.filter((rule) => rule.checks(options).length > 0).flatMap((rule) => [policy(options, rule), binding(options, rule)]);
}
