import { Static, Type } from '@sinclair/typebox';
import { OPENSHIFT_KUBERNETES, SCHEMA_MINORS } from '../core/cluster-version';
import { DNS_LABEL, DNS_NAME, REGISTRY_PREFIX } from '../core/formats';
import { BackupSettings, BackupTierSettings, DatabaseSettings, PoolerSettings, RecoverySettings } from './settings-data';
import { DeliverySettings, ReleaseAnalysisSettings, ReleaseSettings, SyncWindowSettings } from './settings-delivery';
import { ExternalOidcSettings, KeycloakSettings, RealmExportSettings } from './settings-identity';
import { EgressSettings, EndpointSettings, ExposureSettings, NetworkSettings } from './settings-network';
import { AlertReceiverSettings, AlertThresholdSettings, ObservabilitySettings } from './settings-observability';
import { formatted, oneOf, optional, strict } from './settings-schema';
import { SecretsSettings, SecretStoreSettings, WaiverSettings } from './settings-secrets';
import { AutoscalingSettings, ComponentSettings, ResourceQuantitiesSettings, ResourceSettings, SpringBootSettings } from './settings-workloads';

/**
 * The settings an environment file holds, as TypeBox schemas: each is a JSON Schema at run time and a
 * TypeScript type (`Static<typeof X>`) at compile time, so the file's schema and the library's types have
 * one source. {@link environmentSchema} composes them into the schema of one product's environment files.
 *
 * Every `description` is the fix printed when a value breaks that part of the schema: keep it an instruction.
 */

export { oneOf };
export { BackupSettings, BackupTierSettings, DatabaseSettings, PoolerSettings, RecoverySettings };
export { DeliverySettings, ReleaseAnalysisSettings, ReleaseSettings, SyncWindowSettings };
export { ExternalOidcSettings, KeycloakSettings, RealmExportSettings };
export { EgressSettings, EndpointSettings, ExposureSettings, NetworkSettings };
export { AlertReceiverSettings, AlertThresholdSettings, ObservabilitySettings };
export { SecretsSettings, SecretStoreSettings, WaiverSettings };
export { AutoscalingSettings, ComponentSettings, ResourceQuantitiesSettings, ResourceSettings, SpringBootSettings };

/**
 * The settings of any product's environment file. {@link environmentSchema} narrows `hosts`, `components`,
 * `databases`, `identity` and `egress` to what one product declares.
 */
export const EnvironmentSettings = strict({
  namespace: optional(formatted(DNS_LABEL, 'use a DNS label such as dvmm-dev')),
  critical: optional(Type.Boolean({ description: 'use true or false' })),
  kubernetes: optional(
    oneOf(SCHEMA_MINORS, `use a Kubernetes minor from ${SCHEMA_MINORS[0]} to ${SCHEMA_MINORS[SCHEMA_MINORS.length - 1]}, e.g. '1.33'`),
  ),
  openshift: optional(
    oneOf(Object.keys(OPENSHIFT_KUBERNETES), `use an OpenShift minor from ${Object.keys(OPENSHIFT_KUBERNETES).join(', ')}, e.g. '4.20'`),
  ),
  hosts: Type.Record(Type.String(), formatted(DNS_NAME)),
  exposure: ExposureSettings,
  release: ReleaseSettings,
  registries: optional(Type.Array(formatted(REGISTRY_PREFIX), { minItems: 1, description: 'list the registries images may come from' })),
  databases: optional(Type.Record(Type.String(), DatabaseSettings)),
  identity: optional(Type.Union([KeycloakSettings, ExternalOidcSettings])),
  network: optional(NetworkSettings),
  egress: optional(Type.Record(Type.String(), EgressSettings)),
  observability: optional(ObservabilitySettings),
  delivery: optional(DeliverySettings),
  components: Type.Record(Type.String(), SpringBootSettings),
  secrets: optional(SecretsSettings),
  waivers: optional(Type.Array(WaiverSettings)),
  admission: optional(
    Type.Boolean({
      description: 'use false to write no admission policies for this environment (<env>.admission.yaml, which the platform applies)',
    }),
  ),
});

/** Release-time settings of one component (the `ComponentSettings` schema, plus `springProfile`). */
export type ComponentConfig = Static<typeof SpringBootSettings>;
/** A PostgreSQL cluster's settings in one environment. */
export type DatabaseConfig = Static<typeof DatabaseSettings>;
/** A database's recovery source in one environment. */
export type RecoveryConfig = Static<typeof RecoverySettings>;
/** Keycloak's settings in one environment. */
export type KeycloakConfig = Static<typeof KeycloakSettings>;
/** The realm export's settings in one environment. */
export type RealmExportConfig = Static<typeof RealmExportSettings>;
/** An external OIDC issuer's settings in one environment. */
export type ExternalOidcConfig = Static<typeof ExternalOidcSettings>;
/** Network isolation settings of one environment. */
export type NetworkConfig = Static<typeof NetworkSettings>;
/** A named egress of one environment. */
export type EgressConfig = Static<typeof EgressSettings>;
/** Scraping, alerts, routing, dashboards and synthetic checks of one environment. */
export type ObservabilityConfig = Static<typeof ObservabilitySettings>;
/** How Argo CD delivers one environment. */
export type DeliveryConfig = Static<typeof DeliverySettings>;
/** A sync window of one environment. */
export type SyncWindowConfig = Static<typeof SyncWindowSettings>;
/** A waiver written in an environment file. */
export type WaiverConfig = Static<typeof WaiverSettings>;
/** Where an environment's Secrets come from. */
export type SecretsConfig = Static<typeof SecretsSettings>;
/** The release section of one environment. */
export type ReleaseConfig = Static<typeof ReleaseSettings>;
/** How Argo Rollouts' analysis queries Prometheus. */
export type ReleaseAnalysisConfig = Static<typeof ReleaseAnalysisSettings>;
/** Size overrides of a container. */
export type ResourceConfig = Static<typeof ResourceSettings>;

/**
 * Everything that differs between the environments of a product: what changes at release time. A program
 * reads one from each `environments/<name>.yaml` (or writes it in TypeScript); constructs only see this type.
 */
export type EnvironmentConfig = Static<typeof EnvironmentSettings> & {
  /** Environment name: `dev`, `staging`, `production`, ...; names the output folder. */
  readonly name: string;
};
