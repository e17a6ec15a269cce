import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';

/** Every rule of the validation gate; a finding names one of them, a waiver names a waivable one. */
export type RuleId =
  | 'schema-core'
  | 'schema-crd'
  | 'pss-restricted'
  | 'openshift-restricted-v2'
  | 'read-only-root-filesystem'
  | 'service-account-token'
  | 'resources-required'
  | 'canonical-quantity'
  | 'probes-required'
  | 'image-tag-pinned'
  | 'image-registry-allowed'
  | 'production-replicas'
  | 'network-policy-coverage'
  | 'egress-internet'
  | 'network-policy-allow-all'
  | 'no-secret-data'
  | 'secrets-in-plain-sight'
  | 'service-selects-pods'
  | 'dns-hostname'
  | 'tls-required'
  | 'service-exposure'
  | 'rbac-least-privilege'
  | 'api-server-limits'
  | 'apply-size'
  | 'critical-sync-approval'
  | 'rollout-analysis-required'
  | 'waiver-invalid'
  | 'waiver-unrecorded';

/** Annotation prefix of a waiver: `waive.eaf.io/<rule id>: "<reason>"` on the object's own metadata. */
export const WAIVER_PREFIX = 'waive.eaf.io/';

/** A waiver's reason must say why, in at least this many characters. */
export const MIN_WAIVER_REASON = 10;

/**
 * A waiver an environment file records (an entry of its `waivers:` list), resolved to one object it covers: an entry
 * naming a component gives one record per object of the component. The gate honours a waiver annotation only when a
 * record matches its object (kind and name, as the file names it: a product's objects share one namespace), rule and
 * reason, so every exception that reaches the output has a reviewed line in a file.
 */
export interface WaiverRecord {
  /** The object's kind, e.g. `NetworkPolicy`. */
  readonly kind: string;
  /** The object's `metadata.name`. */
  readonly name: string;
  /** The waived rule. */
  readonly rule: string;
  /** The reason the file gives. */
  readonly reason: string;
}

/**
 * Waives one rule of the validation gate for one object, with the reason written next to it
 * (`waive.eaf.io/<rule>: <reason>`). The gate lists every waiver it honoured. A product's synth honours it only when the
 * environment file records the same waiver (`waivers:`, with this object, rule and reason): a waiver in code alone
 * is refused, so every exception has a reviewed record.
 *
 * @param target the ApiObject, or a construct whose default child (`Resource`) is one
 */
export function waive(target: IConstruct, rule: RuleId, reason: string): void {
  const resource = target instanceof ApiObject ? target : ApiObject.of(target.node.defaultChild ?? target);
  resource.metadata.addAnnotation(`${WAIVER_PREFIX}${rule}`, reason);
}
