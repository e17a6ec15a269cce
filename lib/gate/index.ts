// The validation gate's public surface; the other modules of this folder are internal.
export type { Finding, Manifest, ManifestSet, ValidationReport, Waiver } from './finding';
export { formatFinding, objectId } from './finding';
export type { ManifestValidatorOptions } from './manifest-validator';
export { ManifestValidator } from './manifest-validator';
export type { RuleId, ValidationRule } from './rules';
export { MIN_WAIVER_REASON, VALIDATION_RULES, validationRulesTable, WAIVER_PREFIX } from './rules';
export { KUBERNETES_VERSION } from './kubernetes-schema';
export type { CrdFileText, CrdFolder, ParsedCrdCache } from './crd-folder';
export type { PrecompiledValidator, PrecompiledValidators, RecordedSchema } from './precompiled';
export { recordCompiledSchemas, registerPrecompiledValidators } from './precompiled';
