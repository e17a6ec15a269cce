// The public API of @eaf/cdk8s/program: the program layer, the only one that touches the file system and the
// process. A product's own program (reading its environment files, writing dist/ atomically, the CLI) imports it;
// constructs and the product model (@eaf/cdk8s) never load it.
export {
  EnvironmentFileError,
  loadEnvironmentDirectory,
  MAX_ENVIRONMENT_FILE_BYTES,
  parseEnvironment,
  readEnvironmentDirectory,
} from './environment-files';
export type { EnvironmentDirectory, EnvironmentFile } from './environment-files';
export { describeSystemError, OutputWriteError, writeOutputAtomically } from './output-writer';
export type { WriteOutputOptions, WriteStep } from './output-writer';
export { SynthesisError, synthesizeEnvironments } from './synthesize';
export type { ComposeEnvironment, ReportedProblem, SynthesisResult, SynthesizeOptions } from './synthesize';
export { synthesizeProduct } from './run-product';
export { readSealedSecretFolder } from './sealed-secret-files';
export type { SealedSecretFolder } from './sealed-secret-files';
export { PACKAGE_CRD_DIRECTORY, PACKAGE_ROOT } from './package-paths';
export { readCrdFolder } from './crd-files';
export type { ReadCrdFolderOptions } from './crd-files';
export { runCli } from './cli';
export type { CliIo } from './cli';
export { CLI_JSON_SCHEMA_VERSION, CLI_JSON_SCHEMAS, VERIFY_TIERS } from './cli-json';
export type { DiffJson, SecretsJson, ValidateJson, VerifyJson, VerifyTier } from './cli-json';
export { scaffoldProduct } from './scaffold';
export { formatNetpolResult, verifyNetworkPolicies } from './verify-netpol';
export { formatAlertsResult, verifyAlerts } from './verify-alerts';
export type { AlertsResult, VerifyAlertsOptions } from './verify-alerts';
export type { NetpolResult, VerifyNetpolOptions } from './verify-netpol';
export type { ScaffoldOptions } from './scaffold';
export type { SynthesizeProductOptions } from './run-product';
export { INTERNAL_ERROR_EXIT_CODE } from './internal-error';
export { EafGateValidation, PluginPropertyError } from './cdk8s-plugin';
export type { Cdk8sValidationContext, Cdk8sValidationViolation, EafGateValidationProperties } from './cdk8s-plugin';
export type { ClusterTarget } from '../core/cluster-version';
