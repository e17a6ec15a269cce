// The checks of the policy rules, one file per concern in checks/; the catalogue of the rules (ids, severities, fixes)
// is rules.ts, what a check sees is rule-context.ts.
import { RuleId } from '../core/waivers';
import { readOnlyRootFilesystem, serviceAccountToken, serviceExposure } from './checks/access';
import { apiServerLimits, applySize } from './checks/api-limits';
import { canonicalQuantity } from './checks/quantities';
import { networkPolicyCoverage, noSecretData, productionReplicas, serviceSelectsPods } from './checks/availability';
import { imageRegistryAllowed, imageTagPinned, probesRequired, resourcesRequired } from './checks/containers';
import { criticalSyncApproval, rolloutAnalysisRequired } from './checks/delivery';
import { dnsHostname, tlsRequired } from './checks/exposure';
import { egressInternet } from './checks/network';
import { networkPolicyAllowAll } from './checks/network-allow-all';
import { secretsInPlainSight } from './checks/plain-sight';
import { openshiftRestrictedV2, pssRestricted } from './checks/pod-security';
import { rbacLeastPrivilege } from './checks/rbac';
import { RuleCheck } from './rule-context';

/** The checks of the policy rules (the schema and waiver rules are applied by the validator itself). */
export const RULE_CHECKS: ReadonlyArray<[RuleId, RuleCheck]> = [
  ['pss-restricted', pssRestricted],
  ['openshift-restricted-v2', openshiftRestrictedV2],
  ['read-only-root-filesystem', readOnlyRootFilesystem],
  ['service-account-token', serviceAccountToken],
  ['resources-required', resourcesRequired],
  ['canonical-quantity', canonicalQuantity],
  ['probes-required', probesRequired],
  ['image-tag-pinned', imageTagPinned],
  ['image-registry-allowed', imageRegistryAllowed],
  ['production-replicas', productionReplicas],
  ['network-policy-coverage', networkPolicyCoverage],
  ['egress-internet', egressInternet],
  ['network-policy-allow-all', networkPolicyAllowAll],
  ['no-secret-data', noSecretData],
  ['secrets-in-plain-sight', secretsInPlainSight],
  ['service-selects-pods', serviceSelectsPods],
  ['dns-hostname', dnsHostname],
  ['tls-required', tlsRequired],
  ['service-exposure', serviceExposure],
  ['rbac-least-privilege', rbacLeastPrivilege],
  ['api-server-limits', apiServerLimits],
  ['apply-size', applySize],
  ['critical-sync-approval', criticalSyncApproval],
  ['rollout-analysis-required', rolloutAnalysisRequired],
];
