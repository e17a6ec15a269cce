import { Color } from './blue-green-service';
import { ContainerResources, ResourceQuantities } from './eaf-workload';
import { ExposureOptions } from './exposure';
import { KeycloakBackend } from './keycloak';
import { ExternalEndpoint, NetworkPlatform } from './network-policies';
import { PostgresBackupOptions, PostgresPoolerOptions } from './postgres-cluster';

/** Release-time settings of one component (the API, the frontend) in one environment. */
export interface ComponentConfig {
  /**
   * Image repository without tag.
   * @default - the product's repository for the component
   */
  readonly image?: string;
  /** Image tag (or `sha256:` digest) when the environment rolls. @default - none */
  readonly tag?: string;
  /** Image tag (or digest) per colour when the environment releases blue-green. @default - none */
  readonly tags?: Record<Color, string>;
  /** Replicas of the (active) Deployment. @default - the component's platform default */
  readonly replicas?: number;
  /** Size overrides, merged over the platform defaults. @default - platform defaults */
  readonly resources?: ResourceOverrides;
  /** CPU autoscaling of the (active) Deployment. @default - none */
  readonly autoscaling?: { readonly minReplicas: number; readonly maxReplicas: number; readonly targetCpuUtilization?: number };
}

/** Size overrides, merged over the platform defaults. */
export interface ResourceOverrides {
  readonly requests?: Partial<ResourceQuantities>;
  readonly limits?: Partial<ResourceQuantities>;
}

/** A PostgreSQL cluster in one environment. */
export interface DatabaseConfig {
  /** PostgreSQL instances. @default 3 in a critical environment, else 1 */
  readonly instances?: number;
  /** PostgreSQL image; pin a digest (`...@sha256:<digest>`) in critical environments. @default - the platform's PostgreSQL 16 */
  readonly imageName?: string;
  /** Volume size per instance. @default '10Gi' */
  readonly storageSize?: string;
  /** StorageClass. @default - the cluster default */
  readonly storageClass?: string;
  /** Size overrides. @default - platform defaults */
  readonly resources?: ResourceOverrides;
  /** WAL archiving and daily backups; required in critical environments. @default - none */
  readonly backup?: PostgresBackupOptions;
  /** A PgBouncer pooler in front of the primary. @default - none */
  readonly pooler?: PostgresPoolerOptions;
}

/** Keycloak in one environment. */
export interface IdentityConfig {
  /** Operator resource or plain StatefulSet. @default 'operator' */
  readonly backend?: KeycloakBackend;
  /** Keycloak servers. @default 2 in a critical environment, else 1 */
  readonly instances?: number;
  /** Keycloak image. @default - the platform's pinned Keycloak 26.0 */
  readonly image?: string;
  /** Size overrides. @default - platform defaults */
  readonly resources?: ResourceOverrides;
  /** Keycloak's own database. @default - as `database` defaults */
  readonly database?: DatabaseConfig;
}

/** Network isolation settings of one environment. */
export interface NetworkConfig {
  /** Where DNS and the ingress controller live. @default - openshift with Route exposure, else kubernetes */
  readonly platform?: NetworkPlatform;
  /** The Kubernetes API server, for the database instances. @default - not reachable */
  readonly apiServer?: ExternalEndpoint;
  /** The backup object store, for the database instances. @default - not reachable */
  readonly objectStore?: ExternalEndpoint;
  /** vSphere API endpoints the API provisions VMs through. @default - not reachable */
  readonly vsphere?: ExternalEndpoint;
  /** The SMTP relay the API sends notifications through. @default - not reachable */
  readonly smtp?: ExternalEndpoint;
  /** Namespace of the CloudNativePG operator (e.g. openshift-operators for an OperatorHub install). @default 'cnpg-system' */
  readonly databaseOperatorNamespace?: string;
}

/** Rolling update: one Deployment per component. */
export interface RollingRelease {
  readonly strategy: 'rolling';
}

/** Blue-green: two Deployments per component, the Service selecting `activeColor`. */
export interface BlueGreenRelease {
  readonly strategy: 'blue-green';
  /** The colour that receives traffic. */
  readonly activeColor: Color;
  /** Replicas of the idle colour. @default - the same as the active colour */
  readonly idleReplicas?: number;
}

/** The public hostnames of a product in one environment. */
export interface HostsConfig {
  /** The frontend's host. */
  readonly frontend: string;
  /** The API's host. */
  readonly api: string;
  /** The identity provider's host (the OIDC issuer's base URL is `https://<auth>`). */
  readonly auth: string;
}

/**
 * Everything that differs between the environments of a product: what changes at release time.
 * `main.ts` reads one from each `environments/<name>.yaml`; the library only ever sees this type.
 */
export interface EnvironmentConfig {
  /** Environment name: `dev`, `staging`, `production`, ... */
  readonly name: string;
  /** Namespace of the product in this environment. @default `<product>-<name>` */
  readonly namespace?: string;
  /** A critical environment holds real data (production rules apply). @default false */
  readonly critical?: boolean;
  /** Spring profile of the API. @default - the environment name */
  readonly springProfile?: string;
  /** Public hostnames. */
  readonly hosts: HostsConfig;
  /** Ingress or OpenShift Route. */
  readonly exposure: ExposureOptions;
  /** Rolling or blue-green. */
  readonly release: RollingRelease | BlueGreenRelease;
  /** The product's database. @default - platform defaults, no backups (refused when critical) */
  readonly database?: DatabaseConfig;
  /** The product's Keycloak. @default - operator backend, platform defaults */
  readonly identity?: IdentityConfig;
  /**
   * Registries (prefixes such as `registry.example.com/`) every image must come from.
   * @default - any registry
   */
  readonly registries?: string[];
  /** Network isolation settings. @default - platform defaults, no external egress */
  readonly network?: NetworkConfig;
  /** Release-time settings per component. */
  readonly components: {
    readonly api: ComponentConfig;
    readonly frontend: ComponentConfig;
  };
}

/** Merges size overrides over defaults. */
export function mergeResources(defaults: ContainerResources, overrides: ResourceOverrides | undefined): ContainerResources {
  return {
    requests: { ...defaults.requests, ...overrides?.requests },
    limits: { ...defaults.limits, ...overrides?.limits },
  };
}
