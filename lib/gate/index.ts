// The public API of @eaf/cdk8s/gate: the validation gate, for any folder of manifests. The other modules of this
// folder are internal (the cache of precompiled validators is the program's plumbing, lib/gate/precompiled.ts).
export type { Finding, Manifest, ManifestSet, ValidationReport, WaivedFinding, Waiver, WaiverRecords, Yaml } from './finding';
export type { WaiverRecord } from '../core/waivers';
export { formatFinding, formatUnusedWaiver, objectId, unusedWaivers } from './finding';
export type { ManifestValidatorOptions } from './manifest-validator';
export { ManifestValidator } from './manifest-validator';
export type { UpgradeWarning } from './upgrade-warnings';
export { formatUpgradeWarning } from './upgrade-warnings';
export type { RuleId, ValidationRule } from './rules';
export { MIN_WAIVER_REASON, VALIDATION_RULES, WAIVER_PREFIX } from './rules';
export type { RulesTableOptions } from './rules-table';
export { validationRulesTable } from './rules-table';
export { KUBERNETES_VERSION } from './kubernetes-schema';
export type { ClusterTarget } from '../core/cluster-version';
export { DEFAULT_OPENSHIFT, KUBERNETES_RELEASES, OPENSHIFT_KUBERNETES, SCHEMA_MINORS } from '../core/cluster-version';
export type { CrdFileText, CrdFolder, ParsedCrdCache } from './crd-folder';
export type { AdmissionCheck, AdmissionEnvironment, AdmissionOptions, AdmissionRule, ResourceMatch } from './admission';
export { ADMISSION_RULES, admissionPolicies, GATE_ONLY_RULES } from './admission';
