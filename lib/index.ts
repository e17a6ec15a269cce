// The public API of @eaf/cdk8s: constructs and the product model. The validation gate is @eaf/cdk8s/gate (lib/gate/index.ts),
// the program layer (files, synthesis, CLI) @eaf/cdk8s/program (lib/program/index.ts); importing this entry loads neither.

// The product model: declare a product once; environments, objects, wiring and policies follow.
// An environment setting is exported once, as its TypeScript type (`XxxConfig`); its JSON Schema is `environmentSchema`.
export { defineProduct, isProduct, ProductDefinitionError, productNamespaceName } from './product/product';
export { environmentWarnings } from './product/environment-warnings';
export type {
  ComponentBase,
  ComponentDefinition,
  ComponentIdentity,
  DatabaseDefinition,
  ExternalOidcIdentity,
  HttpComponent,
  IdentityDefinition,
  KeycloakIdentity,
  NginxComponent,
  Product,
  ProductDefinition,
  ProductDelivery,
  ProductExtension,
  SpringBootComponent,
} from './product/product';
export { composeDeliveryCharts, DELIVERY_FOLDER } from './product/delivery-charts';
export type { RenderedEnvironment } from './product/delivery-charts';
export { CompositionError, EafProductChart } from './product/product-chart';
export type { EafProductChartProps } from './product/product-chart';
export { environmentSchema } from './product/environment-schema';
export { environmentSecrets } from './product/environment-secrets';
export type { EnvironmentSecrets, EnvironmentSecretsOptions, SecretProvision } from './product/environment-secrets';
export type { EnvironmentSchemaOptions } from './product/environment-schema';
export type {
  ComponentConfig,
  DatabaseConfig,
  DeliveryConfig,
  EgressConfig,
  EnvironmentConfig,
  ExternalOidcConfig,
  KeycloakConfig,
  NetworkConfig,
  ObservabilityConfig,
  ReleaseAnalysisConfig,
  RealmExportConfig,
  ReleaseConfig,
  ResourceConfig,
  SecretsConfig,
  SyncWindowConfig,
  WaiverConfig,
} from './product/settings';

// Workloads.
export { DATABASE_ENV, EafWorkload } from './workloads/eaf-workload';
export type {
  AutoscalingOptions,
  BlueGreenOptions,
  DatabaseEnvNames,
  EafContainerSpec,
  EafWorkloadOptions,
  EafWorkloadProps,
  HttpProbeOptions,
  RolloutEngineOptions,
} from './workloads/eaf-workload';
export { ROLLOUT_DEFAULTS, RolloutRelease } from './workloads/rollout-release';
export type { RolloutAnalysisReference, RolloutBlueGreenOptions, RolloutCanaryOptions, RolloutReleaseProps } from './workloads/rollout-release';
export { EAF_API_DEFAULTS, EafApi } from './workloads/eaf-api';
export type { EafApiProps } from './workloads/eaf-api';
export { EAF_FRONTEND_DEFAULTS, EafFrontend } from './workloads/eaf-frontend';
export type { EafFrontendProps } from './workloads/eaf-frontend';
export { EAF_HTTP_WORKLOAD_DEFAULTS, EafHttpWorkload } from './workloads/http-workload';
export type { EafHttpWorkloadProps } from './workloads/http-workload';
export { BlueGreenService, COLORS } from './workloads/blue-green-service';
export type { BlueGreenServiceProps, Color, DeploymentRenderOptions, IDeploymentTemplate } from './workloads/blue-green-service';

// Data and identity.
export {
  BARMAN_CLOUD_PLUGIN,
  OBJECT_STORE_KEYS,
  POSTGRES_DEFAULTS,
  POSTGRES_METRICS_PORT,
  PostgresCluster,
  PostgresPooler,
} from './data/postgres-cluster';
export type {
  PostgresArchiveSource,
  PostgresBackupMethod,
  PostgresBackupOptions,
  PostgresBackupTier,
  PostgresClusterProps,
  PostgresPoolerOptions,
  PostgresPoolerProps,
  PostgresRecoveryOptions,
} from './data/postgres-cluster';
export { archiveTimeoutForRpo, RECOVERY_DEFAULTS } from './data/recovery-objectives';
export { PostgresRestoreDrill, RESTORE_DRILL_DEFAULTS } from './data/restore-drill';
export type { DrilledDatabase, PostgresRestoreDrillOptions, PostgresRestoreDrillProps } from './data/restore-drill';
export { retentionDays, SNAPSHOT_PRUNER_DEFAULTS, SnapshotBackupPruner } from './data/snapshot-pruner';
export type { PrunedTier, SnapshotBackupPrunerProps } from './data/snapshot-pruner';
export { Keycloak, KEYCLOAK_DEFAULTS } from './identity/keycloak';
export type { KeycloakBackend, KeycloakProps } from './identity/keycloak';
export { REALM_EXPORT_DEFAULTS, RealmExport } from './identity/realm-export';
export type { RealmExportProps } from './identity/realm-export';
export { ExternalOidcIssuer } from './identity/external-oidc';
export type { ExternalOidcIssuerProps } from './identity/external-oidc';
export type { IdentityClientOptions, IIdentityProvider } from './identity/identity-provider';

// Network.
export { Exposure } from './network/exposure';
export type { ExposureOptions, ExposureProps, IngressExposureOptions, RouteExposureOptions, ServiceReference } from './network/exposure';
export { OVN_EGRESS_FIREWALL, EgressFirewall } from './network/egress-firewall';
export type { EgressFirewallAllow, EgressFirewallProps, HostEgress } from './network/egress-firewall';
export { NetworkPolicies } from './network/network-policies';
export type {
  FlowRecord,
  FlowRecordRule,
  NamespacePeer,
  NetworkPlatform,
  NetworkPoliciesProps,
  NetworkPort,
  NetworkRule,
  OperatedDatabase,
  PeerPort,
} from './network/network-policies';
export { ProductNamespace } from './network/product-namespace';
export type { ProductNamespaceProps } from './network/product-namespace';
export { Connections, PodPeer } from './core/connections';
export type { Connection, ConnectionPurpose, Dependency, ExternalConnection, ExternalEndpoint, IPeer, PodPeerProps } from './core/connections';

// Delivery: Argo CD's objects, the sync order from the wiring, smoke tests.
export { ARGO_CD_DEFAULTS, ArgoCdApplications, argoCdChartIds, ArgoCdRoot, validateDeliveredEnvironment } from './delivery/argo-cd';
export type { ArgoCdDeliveryProps, ArgoCdRootProps, DeliveredEnvironment, GroupKind, SyncWindow } from './delivery/argo-cd';
export { controllerOwnedFields } from './delivery/controller-owned-fields';
export type { IgnoredDifference } from './delivery/controller-owned-fields';
export { HOOK_ANNOTATION, SYNC_WAVE_ANNOTATION, SyncWaves } from './delivery/sync-waves';
export type { SyncWavesProps } from './delivery/sync-waves';
export { SMOKE_TEST_DEFAULTS, SmokeTest } from './delivery/smoke-test';
export type { SmokeTarget, SmokeTestProps } from './delivery/smoke-test';
export { ROLLOUT_ANALYSIS_DEFAULTS, RolloutAnalysis } from './delivery/rollout-analysis';
export type { AnalysisRequestMetrics, RolloutAnalysisProps } from './delivery/rollout-analysis';

// Observability: scraping, alerts with their tests, routing, dashboards, synthetic checks.
export { ALERT_DEFAULTS, BURN_RATE_WINDOWS, errorRatioRecord, productAlertGroups, requestsRecord, slowRatioRecord } from './observability/alerts';
export type {
  AlertCatalogueOptions,
  AlertRule,
  AlertTargets,
  AlertTest,
  AlertThresholds,
  ApiAlertTarget,
  DatabaseAlertTarget,
  InputSeries,
  LatencySlo,
  RecordingRule,
  RuleGroup,
  Severity,
  SloSettings,
} from './observability/alerts';
export { SLI_PRESETS } from './observability/sli';
export type { PromqlRequestMetrics, RequestMetrics, Sli, SliPreset, SliSelector } from './observability/sli';
export { ProductAlerts } from './observability/product-alerts';
export { OWN_ALERT_DEFAULTS, ProductOwnAlerts } from './observability/own-alerts';
export type { OwnAlert, OwnAlertCase, OwnAlertScope, ProductOwnAlertsProps } from './observability/own-alerts';
export type { ProductAlertsProps } from './observability/product-alerts';
export { promtoolTests, renderRuleGroups } from './observability/rule-files';
export type { PromtoolTestFile, RenderedGroup, RenderedRule } from './observability/rule-files';
export { PodMetrics } from './observability/pod-metrics';
export type { MetricsAuth, PodMetricsProps } from './observability/pod-metrics';
export { AlertRouting } from './observability/alert-routing';
export type { AlertReceiver, AlertRoutingProps } from './observability/alert-routing';
export { UptimeProbes } from './observability/uptime-probes';
export type { UptimeProbesProps } from './observability/uptime-probes';
export { dashboardQueries, productDashboards, ProductDashboards, PRODUCT_DASHBOARDS_DEFAULTS } from './observability/dashboards';
export type { DashboardApi, DashboardInput, DashboardModel, ProductDashboardsProps, Selector } from './observability/dashboards';
export type { Labels } from './observability/promql';

// Secrets: which Secrets an environment references, and what provides them (External Secrets, Sealed Secrets).
export { kindKey, SECRET_PROVIDERS, SECRET_REFERENCES, secretInventory, unprovidedSecrets } from './secrets/inventory';
export type { InventoriedSecret, SecretProviderSite, SecretReader, SecretReferenceForm, SecretReferenceSite } from './secrets/inventory';
export { EXTERNAL_SECRETS_DEFAULTS, ExternalSecrets, remoteKeyOf } from './secrets/external-secrets';
export type { ExternalSecretsProps, SecretStoreReference } from './secrets/external-secrets';
export { kubesealCommand, SEALED_SECRETS_CONTEXT, SEALED_SECRETS_FOLDER, SealedSecrets, sealedSecretsFolder } from './secrets/sealed-secrets';
export type { SealedSecretFile, SealedSecretFiles, SealedSecretsProps } from './secrets/sealed-secrets';

// Shared vocabulary.
export { PropertyError, PropertyErrors, PropertyProblems, ValueErrors } from './core/errors';
export { COLOR_LABEL, PREVIEW_LABEL, RESERVED_NAMESPACES_CONTEXT } from './core/labels';
export type { ContainerResources, ResourceOverrides, ResourceQuantities } from './pods/pod-template';
export type { EnvSource, SecretKeyReference } from './core/secrets';
export { waive } from './core/waivers';
export type { RuleId, WaiverRecord } from './core/waivers';
