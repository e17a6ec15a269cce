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
  | 'waiver-invalid';

/** Annotation prefix of a waiver: `waive.eaf.io/<rule id>: "<reason>"` on the object's own metadata. */
export const WAIVER_PREFIX = 'waive.eaf.io/';

/** A waiver's reason must say why, in at least this many characters. */
export const MIN_WAIVER_REASON = 10;

/**
 * Waives one rule of the validation gate for one object, with the reason written next to it
 * (`waive.eaf.io/<rule>: <reason>`). The gate lists every waiver it honoured.
 *
 * @param target the ApiObject, or a construct whose default child (`Resource`) is one
 */
export function waive(target: IConstruct, rule: RuleId, reason: string): void {
  const resource = target instanceof ApiObject ? target : ApiObject.of(target.node.defaultChild ?? target);
  resource.metadata.addAnnotation(`${WAIVER_PREFIX}${rule}`, reason);
}
