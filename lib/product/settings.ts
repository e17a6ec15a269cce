import { Static, TObject, TProperties, TSchema, Type } from '@sinclair/typebox';
import {
  CIDR,
  DNS_LABEL,
  DNS_NAME,
  Format,
  GO_DURATION,
  HTTPS_URL,
  IMAGE_REFERENCE,
  IMAGE_REPOSITORY,
  IMAGE_TAG,
  IMAGE_TAG_OR_DIGEST,
  REGISTRY_PREFIX,
  REMOTE_KEY,
  S3_PATH,
} from '../core/formats';
import { QUANTITY_PATTERN } from '../core/quantity';
import { DURATION_PATTERN } from '../observability/promql';

/**
 * The settings an environment file holds, as TypeBox schemas: each is a JSON Schema at run time and a
 * TypeScript type (`Static<typeof X>`) at compile time, so the file's schema and the library's types have
 * one source. {@link environmentSchema} composes them into the schema of one product's environment files.
 *
 * Every `description` is the fix printed when a value breaks that part of the schema: keep it an instruction.
 */

/** A string of a {@link Format}, with the format's fix as its description. */
function formatted(format: Format, description = format.fix) {
  return Type.String({ pattern: format.pattern, description });
}

const optional = <T extends TSchema>(schema: T) => Type.Optional(schema);

/** One of a few strings, as JSON Schema `enum` (its error names the allowed values) typed as their union. */
export function oneOf<const V extends readonly string[]>(values: V, description: string) {
  return Type.Unsafe<V[number]>({ type: 'string', enum: [...values], description });
}
const strict = <T extends TProperties>(properties: T, description?: string) =>
  Type.Object(properties, { additionalProperties: false, ...(description ? { description } : {}) });

const Quantity = Type.String({ pattern: QUANTITY_PATTERN, description: 'use a Kubernetes quantity such as 250m, 1, 512Mi or 1Gi' });
const Count = Type.Integer({ minimum: 1, description: 'use a whole number of at least 1' });
const Port = Type.Integer({ minimum: 1, maximum: 65535, description: 'use a TCP port from 1 to 65535' });
const Tag = formatted(IMAGE_TAG_OR_DIGEST);

/** Requests or limits, each quantity optional (merged over the defaults). */
export const ResourceQuantitiesSettings = strict({ cpu: optional(Quantity), memory: optional(Quantity), ephemeralStorage: optional(Quantity) });

/** Size overrides of a container, merged over its defaults. */
export const ResourceSettings = strict({ requests: optional(ResourceQuantitiesSettings), limits: optional(ResourceQuantitiesSettings) });

/** CPU autoscaling of a component's (active) Deployment. */
export const AutoscalingSettings = strict(
  {
    minReplicas: Count,
    maxReplicas: Count,
    targetCpuUtilization: optional(Type.Integer({ minimum: 1, maximum: 100, description: 'use a percentage from 1 to 100' })),
  },
  'give minReplicas and maxReplicas',
);

const componentProperties = {
  image: optional(formatted(IMAGE_REPOSITORY)),
  tag: optional(Tag),
  tags: optional(strict({ blue: Tag, green: Tag }, 'give a tag for both colours: tags: { blue: 1.4.2, green: 1.5.0 }')),
  replicas: optional(Count),
  resources: optional(ResourceSettings),
  autoscaling: optional(AutoscalingSettings),
};

/** Release-time settings of one component in one environment: image, tag(s), replicas, sizes, autoscaling. */
export const ComponentSettings = strict(componentProperties);

/** A Spring Boot component's settings: those of every component, plus its Spring profile. */
export const SpringBootSettings = strict({
  ...componentProperties,
  springProfile: optional(Type.String({ minLength: 1, description: 'use a Spring profile name such as production' })),
});

const CnpgCron = Type.String({ description: "use a 6-field cron, seconds first, e.g. '0 0 2 * * *'" });
const Retention = Type.String({ description: "use <number><d|w|m>, e.g. '30d'" });

/** One backup schedule and how long its backups are kept. */
export const BackupTierSettings = strict(
  {
    name: formatted(DNS_LABEL, 'name the tier with lower-case letters, digits and hyphens, e.g. monthly'),
    schedule: CnpgCron,
    retention: Retention,
    method: optional(
      oneOf(
        ['object-store', 'volume-snapshot'],
        'use object-store (barman-cloud, beside the WAL archive) or volume-snapshot (CSI snapshots, pruned by a CronJob)',
      ),
    ),
  },
  'give name, schedule and retention',
);

/** Continuous WAL archiving and base backups to an S3-compatible object store (barman-cloud plugin). */
export const BackupSettings = strict(
  {
    destinationPath: formatted(S3_PATH),
    endpointUrl: optional(formatted(HTTPS_URL, 'use the https:// endpoint of the object store')),
    credentialsSecret: formatted(DNS_NAME, 'name the Secret holding ACCESS_KEY_ID and ACCESS_SECRET_KEY'),
    serverName: optional(formatted(DNS_LABEL, "name the cluster's folder in destinationPath; a restored cluster takes a new one, e.g. dvmm-db-r1")),
    schedule: optional(CnpgCron),
    retention: optional(Retention),
    tiers: optional(
      Type.Array(BackupTierSettings, { minItems: 1, description: 'list the tiers, e.g. [{ name: daily, schedule: "0 0 2 * * *", retention: 14d }]' }),
    ),
    volumeSnapshotClass: optional(formatted(DNS_NAME, 'name the VolumeSnapshotClass of volume-snapshot tiers')),
    pruneImage: optional(formatted(IMAGE_REFERENCE)),
    compression: optional(oneOf(['gzip', 'bzip2', 'snappy'], 'use gzip, bzip2 or snappy')),
    archiveTimeout: optional(
      Type.String({ description: "use a PostgreSQL duration of at most half the RPO, e.g. '5min', or leave it out to derive it" }),
    ),
  },
  'give destinationPath and credentialsSecret',
);

/**
 * Bootstrap a database from a backup: another environment's archive of the same database (`environment`), this
 * environment's own (disaster recovery), or any archive by path. Credentials by reference, read-only.
 */
export const RecoverySettings = strict(
  {
    environment: optional(formatted(DNS_LABEL, 'name the environment whose archive of this database to restore, e.g. production')),
    destinationPath: optional(formatted(S3_PATH)),
    endpointUrl: optional(formatted(HTTPS_URL, 'use the https:// endpoint of the object store')),
    serverName: optional(formatted(DNS_LABEL, "name the source cluster's folder in destinationPath (by default its cluster name)")),
    credentialsSecret: formatted(DNS_NAME, 'name the Secret with read-only ACCESS_KEY_ID and ACCESS_SECRET_KEY for the source store'),
    targetTime: optional(
      Type.String({
        minLength: 1,
        description: "use an RFC 3339 moment with a zone, e.g. '2026-11-01T02:00:00Z', or leave it out for the latest state",
      }),
    ),
    follow: optional(Type.Boolean({ description: 'use true to keep following the source as a disaster-recovery replica, false to promote it' })),
  },
  'give credentialsSecret and either environment or destinationPath',
);

/** A PgBouncer pooler in front of a database's primary. */
export const PoolerSettings = strict({
  instances: optional(Count),
  poolMode: optional(oneOf(['session', 'transaction'], 'use session or transaction')),
  maxClientConnections: optional(Count),
  defaultPoolSize: optional(Count),
});

/** A PostgreSQL cluster in one environment. */
export const DatabaseSettings = strict({
  instances: optional(Count),
  version: optional(formatted(IMAGE_TAG, "use a PostgreSQL release such as '17.6'")),
  imageName: optional(formatted(IMAGE_REFERENCE)),
  storageSize: optional(Quantity),
  storageClass: optional(Type.String({ minLength: 1, description: 'name a StorageClass' })),
  resources: optional(ResourceSettings),
  backup: optional(BackupSettings),
  pooler: optional(PoolerSettings),
  rpo: optional(Type.String({ pattern: DURATION_PATTERN, description: "use the recovery point objective as a duration such as '1h' or '15m'" })),
  rto: optional(Type.String({ pattern: DURATION_PATTERN, description: "use the recovery time objective as a duration such as '4h'" })),
  recovery: optional(RecoverySettings),
});

/** Addresses outside the cluster, by CIDR and port. */
export const EndpointSettings = strict(
  {
    cidrs: Type.Array(formatted(CIDR), { minItems: 1 }),
    ports: Type.Array(Port, { minItems: 1 }),
  },
  'give cidrs and ports',
);

/**
 * A daily export of Keycloak's realm to the object store (`kc.sh export`, then an upload). Where it goes, the endpoint
 * and the keys default to those of the Keycloak database's backup.
 */
export const RealmExportSettings = strict({
  schedule: optional(Type.String({ minLength: 1, description: "use a 5-field cron in UTC that runs daily, e.g. '0 3 * * *'" })),
  realm: optional(
    Type.String({
      pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$',
      description: 'name the realm to export (by default the realm the product imports), e.g. dvmm',
    }),
  ),
  destinationPath: optional(
    formatted(S3_PATH, "use s3://<bucket>/<path>, or leave it out for the Keycloak database's backup destinationPath + -realm"),
  ),
  endpointUrl: optional(formatted(HTTPS_URL, 'use the https:// endpoint of the object store')),
  credentialsSecret: optional(formatted(DNS_NAME, 'name the Secret holding ACCESS_KEY_ID and ACCESS_SECRET_KEY')),
  region: optional(Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', description: 'use the region uploads are signed for, e.g. us-east-1' })),
  image: optional(formatted(IMAGE_REFERENCE)),
  resources: optional(ResourceSettings),
});

/** The product's own Keycloak in one environment. */
export const KeycloakSettings = strict({
  backend: optional(oneOf(['operator', 'workload'], 'use operator (Keycloak Operator) or workload (StatefulSet)')),
  instances: optional(Count),
  image: optional(Type.String({ minLength: 1, description: 'use an image reference with tag' })),
  resources: optional(ResourceSettings),
  database: optional(DatabaseSettings),
  realmExport: optional(RealmExportSettings),
});

/** An OIDC issuer outside the cluster, in one environment. */
export const ExternalOidcSettings = strict(
  {
    issuerUrl: formatted(HTTPS_URL, 'use the issuer URL tokens name, e.g. https://login.example.com/realms/orders'),
    jwkSetUri: optional(formatted(HTTPS_URL, 'use the https:// URL of the JWK set')),
    endpoint: EndpointSettings,
  },
  "give issuerUrl and endpoint (the issuer's cidrs and ports)",
);

/** A named egress to addresses outside the cluster, from some of the product's components. */
export const EgressSettings = strict(
  {
    from: Type.Array(Type.String(), { minItems: 1, description: 'name the components that call it' }),
    cidrs: EndpointSettings.properties.cidrs,
    ports: EndpointSettings.properties.ports,
  },
  'give from, cidrs and ports',
);

/** Network isolation settings of one environment. */
export const NetworkSettings = strict({
  platform: optional(oneOf(['kubernetes', 'openshift'], 'use kubernetes or openshift')),
  apiServer: optional(EndpointSettings),
  objectStore: optional(EndpointSettings),
  databaseOperatorNamespace: optional(formatted(DNS_LABEL, 'use the namespace name, e.g. openshift-operators')),
});

/**
 * An object whose `key` picks one of several shapes, as `if`/`then`/`else` so that a bad value is reported
 * against the branch it chose (an `anyOf` would report every branch). Typed as the union of the branches.
 */
function discriminated<K extends string, B extends TObject[]>(key: K, branches: [...B], fix: string) {
  const values = branches.map((b) => (b.properties[key] as unknown as { const: string }).const);
  const relaxed = branches.map((b) => ({ ...b, properties: { ...b.properties, [key]: true } }));
  const chain = (i: number): Record<string, unknown> =>
    i === relaxed.length - 1 ? relaxed[i] : { if: { properties: { [key]: { const: values[i] } } }, then: relaxed[i], else: chain(i + 1) };
  return Type.Unsafe<Static<B[number]>>({
    type: 'object',
    required: [key],
    properties: { [key]: { enum: values, description: fix } },
    ...chain(0),
  });
}

/** Ingress (cert-manager) or OpenShift Route. */
export const ExposureSettings = discriminated(
  'kind',
  [
    strict(
      {
        kind: Type.Literal('ingress'),
        clusterIssuer: Type.String({ minLength: 1, description: 'name the cert-manager ClusterIssuer' }),
        className: optional(Type.String({ minLength: 1, description: 'name the IngressClass' })),
      },
      'an ingress exposure takes clusterIssuer and optionally className',
    ),
    strict(
      {
        kind: Type.Literal('route'),
        termination: optional(oneOf(['edge', 'reencrypt'], 'use edge or reencrypt')),
      },
      'a route exposure takes termination (edge or reencrypt)',
    ),
  ],
  'use ingress (Kubernetes) or route (OpenShift)',
);

/** How Argo Rollouts' analysis of a new version queries Prometheus (engine `argo-rollouts` only). */
export const ReleaseAnalysisSettings = strict({
  prometheusUrl: optional(
    Type.String({
      pattern: '^https?://[^\\s]+$',
      description: 'give the Prometheus the Argo Rollouts controller queries, e.g. http://prometheus-operated.monitoring.svc:9090',
    }),
  ),
  interval: optional(Type.String({ pattern: DURATION_PATTERN, description: "use a duration such as '1m'" })),
  count: optional(Count),
  failureLimit: optional(Type.Integer({ minimum: 0, description: 'use a whole number of at least 0' })),
});

/** What releases the components: two Deployments and a Service switch (`services`), or an Argo Rollout. */
const Engine = oneOf(
  ['services', 'argo-rollouts'],
  'use services (two Deployments, the Services switch) or argo-rollouts (one Argo Rollout per component)',
);

/**
 * Rolling updates; blue-green with the active colour and the idle colour's size, released by Services or by an Argo
 * Rollout (`engine`); or canary, released by an Argo Rollout only.
 */
export const ReleaseSettings = discriminated(
  'strategy',
  [
    strict({ strategy: Type.Literal('rolling') }, 'a rolling release takes no other setting'),
    strict(
      {
        strategy: Type.Literal('blue-green'),
        activeColor: oneOf(['blue', 'green'], 'use blue or green'),
        idleReplicas: optional(Type.Integer({ minimum: 0, description: 'use a whole number of at least 0' })),
        engine: optional(Engine),
        analysis: optional(ReleaseAnalysisSettings),
      },
      'a blue-green release takes activeColor and optionally idleReplicas, engine and analysis',
    ),
    strict(
      {
        strategy: Type.Literal('canary'),
        engine: Engine,
        steps: optional(
          Type.Array(Type.Integer({ minimum: 1, maximum: 100, description: 'use a traffic weight from 1 to 100 (percent)' }), {
            minItems: 1,
            description: 'list the traffic weights in percent, rising, e.g. [20, 50, 100]',
          }),
        ),
        pause: optional(Type.String({ pattern: DURATION_PATTERN, description: "use a duration such as '2m'" })),
        analysis: optional(ReleaseAnalysisSettings),
      },
      'a canary release takes engine: argo-rollouts and optionally steps, pause and analysis',
    ),
  ],
  'use rolling, blue-green or canary',
);

const Percent = Type.Number({ exclusiveMinimum: 0, maximum: 100, description: 'use a percentage above 0 and at most 100' });
const Positive = Type.Number({ exclusiveMinimum: 0, description: 'use a number above 0' });
const SecretKey = strict(
  {
    secretName: formatted(DNS_NAME, 'name the Secret'),
    key: Type.String({ pattern: '^[-._a-zA-Z0-9]+$', description: 'name a key of the Secret' }),
  },
  'give secretName and key',
);
const Duration = Type.String({ pattern: DURATION_PATTERN, description: "use a duration such as '30s', '5m' or '4h'" });

/** Overrides of the platform's alert thresholds (PLATFORM.md, Observability). */
export const AlertThresholdSettings = strict({
  availabilityPercent: optional(Percent),
  latencyP95Seconds: optional(Positive),
  latencyP99Seconds: optional(Positive),
  errorRatePercent: optional(Percent),
  cpuPercent: optional(Percent),
  memoryPercent: optional(Percent),
  connectionPoolPercent: optional(Percent),
  requestSpikePercent: optional(Positive),
  databaseConnectionsPercent: optional(Percent),
  replicationLagSeconds: optional(Positive),
  diskPercent: optional(Percent),
  backupGraceMinutes: optional(Positive),
  loginFailuresPerMinute: optional(Positive),
});

/** A receiver of alerts; URLs and keys by Secret reference. */
export const AlertReceiverSettings = discriminated(
  'kind',
  [
    strict({ kind: Type.Literal('pagerduty'), routingKey: SecretKey }, 'a pagerduty receiver takes routingKey: { secretName, key }'),
    strict(
      {
        kind: Type.Literal('slack'),
        webhookUrl: SecretKey,
        channel: optional(Type.String({ minLength: 1, description: "name the channel, e.g. '#dvmm-alerts'" })),
      },
      'a slack receiver takes webhookUrl: { secretName, key } and optionally channel',
    ),
    strict({ kind: Type.Literal('webhook'), url: SecretKey }, 'a webhook receiver takes url: { secretName, key }'),
  ],
  'use pagerduty, slack or webhook',
);

/** Scraping, alerts, routing, dashboards and synthetic checks of one environment. */
export const ObservabilitySettings = strict({
  monitoring: optional(
    strict({
      namespace: optional(formatted(DNS_LABEL, 'name the namespace the Prometheus runs in, e.g. monitoring')),
      labels: optional(
        Type.Record(Type.String(), Type.String(), {
          description: 'give the labels the Prometheus selects its monitors and rules by, e.g. { release: prometheus }',
        }),
      ),
    }),
  ),
  thresholds: optional(AlertThresholdSettings),
  slo: optional(
    strict({
      availabilityPercent: Type.Number({
        exclusiveMinimum: 0,
        exclusiveMaximum: 100,
        description: 'use an objective above 0 and below 100, e.g. 99.5',
      }),
    }),
  ),
  alerting: optional(
    strict(
      {
        paging: optional(AlertReceiverSettings),
        chat: optional(AlertReceiverSettings),
        repeatInterval: optional(Duration),
      },
      'give paging and/or chat',
    ),
  ),
  dashboards: optional(
    strict({
      delivery: optional(oneOf(['configmap', 'grafana-operator'], 'use configmap (Grafana sidecar) or grafana-operator (GrafanaDashboard)')),
      folder: optional(Type.String({ minLength: 1, description: 'name the Grafana folder' })),
    }),
  ),
  probes: optional(
    strict(
      {
        proberUrl: Type.String({
          pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?:[0-9]{1,5}$',
          description: 'give the blackbox exporter as host:port, e.g. blackbox-exporter.monitoring.svc:9115',
        }),
        module: optional(Type.String({ minLength: 1, description: 'name a blackbox exporter module, e.g. http_2xx' })),
        interval: optional(Duration),
      },
      'give proberUrl (the blackbox exporter, host:port)',
    ),
  ),
});

/** A window in which Argo CD may (allow) or may not (deny) sync the environment. */
export const SyncWindowSettings = strict(
  {
    kind: oneOf(['allow', 'deny'], 'use allow or deny'),
    schedule: Type.String({ minLength: 1, description: "use a 5-field cron of when the window opens, e.g. '0 18 * * 5' (Fridays 18:00)" }),
    duration: Type.String({ pattern: '^([0-9]+h)?([0-9]+m)?$', minLength: 2, description: "use hours and/or minutes, e.g. '62h' or '1h30m'" }),
    manualSync: optional(Type.Boolean({ description: 'use true to let manual syncs (and so rollbacks) through a deny window' })),
    timeZone: optional(Type.String({ minLength: 1, description: 'name an IANA time zone, e.g. Europe/Berlin' })),
  },
  'give kind, schedule and duration',
);

/** How Argo CD delivers one environment (the product declares the repository: `defineProduct({ delivery })`). */
export const DeliverySettings = strict({
  sync: optional(oneOf(['automated', 'manual'], 'use automated (Argo CD syncs every commit) or manual (someone presses sync)')),
  autoSyncReason: optional(
    Type.String({ minLength: 10, description: 'say in at least 10 characters why a critical environment may sync without approval' }),
  ),
  prune: optional(Type.Boolean({ description: 'use true to delete what the output no longer holds (automated sync only)' })),
  selfHeal: optional(Type.Boolean({ description: 'use true to undo changes made in the cluster by hand (automated sync only)' })),
  targetRevision: optional(Type.String({ minLength: 1, description: 'name the branch, tag or commit Argo CD follows, e.g. main' })),
  server: optional(formatted(HTTPS_URL, 'give the API server URL of the target cluster as Argo CD knows it, e.g. https://kubernetes.default.svc')),
  syncWindows: optional(Type.Array(SyncWindowSettings)),
  smokeTest: optional(
    strict({
      enabled: optional(Type.Boolean({ description: 'use false to render no smoke test' })),
      image: optional(formatted(IMAGE_REFERENCE)),
      timeoutSeconds: optional(Type.Integer({ minimum: 10, maximum: 3600, description: 'use whole seconds from 10 to 3600' })),
    }),
  ),
});

/** The SecretStore or ClusterSecretStore the External Secrets Operator reads an environment's Secrets from. */
export const SecretStoreSettings = strict(
  {
    name: formatted(DNS_NAME, 'name the store as the cluster knows it, e.g. vault-backend'),
    kind: optional(
      oneOf(
        ['ClusterSecretStore', 'SecretStore'],
        "use ClusterSecretStore (the platform's, the default) or SecretStore (one in the product namespace)",
      ),
    ),
  },
  "give the store's name and optionally its kind",
);

/**
 * Where the Secrets the environment references come from: created out of band (`none`), one ExternalSecret each
 * (`external-secrets`), or SealedSecret files committed beside the environments folder (`sealed-secrets`).
 */
export const SecretsSettings = discriminated(
  'provider',
  [
    strict({ provider: Type.Literal('none') }, 'provider none takes no other setting: the Secrets are created out of band'),
    strict(
      {
        provider: Type.Literal('external-secrets'),
        store: SecretStoreSettings,
        refreshInterval: optional(formatted(GO_DURATION)),
        remoteKeyPrefix: optional(
          formatted(
            REMOTE_KEY,
            "use the path under which the store keeps this environment's Secrets, e.g. dvmm/production (no / at either end); the remote key of Secret S is <prefix>/S, by default <product>/<environment>/S",
          ),
        ),
        remoteKeys: optional(
          Type.Record(Type.String({ pattern: DNS_NAME.pattern }), formatted(REMOTE_KEY), {
            additionalProperties: false,
            description: 'name each Secret by its name in the cluster, e.g. dvmm-db-credentials: some/other/path',
          }),
        ),
      },
      'an external-secrets provider takes store and optionally refreshInterval, remoteKeyPrefix and remoteKeys',
    ),
    strict(
      { provider: Type.Literal('sealed-secrets') },
      'a sealed-secrets provider takes no other setting: commit one SealedSecret per Secret in sealed-secrets/<environment>/',
    ),
  ],
  'use none (Secrets created out of band), external-secrets (one ExternalSecret per Secret) or sealed-secrets (committed SealedSecret files)',
);

/** A rule of the gate switched off for one object, with the reason, written in the environment file. */
export const WaiverSettings = strict(
  {
    rule: Type.String({ description: 'name a waivable rule of the gate' }),
    object: Type.String({
      pattern: '^[A-Za-z]+/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$',
      description: 'name the object as <Kind>/<name>, e.g. Deployment/api',
    }),
    reason: Type.String({ minLength: 10, description: 'say why the rule does not apply, in at least 10 characters' }),
  },
  'give rule, object and reason',
);

/**
 * The settings of any product's environment file. {@link environmentSchema} narrows `hosts`, `components`,
 * `databases`, `identity` and `egress` to what one product declares.
 */
export const EnvironmentSettings = strict({
  namespace: optional(formatted(DNS_LABEL, 'use a DNS label such as dvmm-dev')),
  critical: optional(Type.Boolean({ description: 'use true or false' })),
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
