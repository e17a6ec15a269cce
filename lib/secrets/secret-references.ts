import { deepFreeze } from '../core/freeze';
import { CONTAINER_LISTS } from './site-paths';

/** How a field names a Secret. */
export type SecretReferenceForm =
  /** `{ name, key }` (a SecretKeySelector): one key of the Secret. */
  | 'key'
  /** `{ name }`: the Secret by name; it reads the site's `keys`, or every key when the site names none. */
  | 'name'
  /** A string that is the Secret's name; it reads the site's `keys`, or every key when the site names none. */
  | 'string'
  /** A pod volume's `{ secretName, items }`: the items' keys, or every key without items. */
  | 'volume'
  /** A projected volume's source `{ name, items }`: the items' keys, or every key without items. */
  | 'projection';

/** One place where objects of a kind name a Secret they read. */
export interface SecretReferenceSite {
  /** The field, dotted from the object's root: `[]` is each item of a list, `{}` each value of a map. */
  readonly path: string;
  /** How the field names the Secret. */
  readonly form: SecretReferenceForm;
  /** The keys it reads, for the forms `name` and `string`. @default - every key of the Secret */
  readonly keys?: readonly string[];
  /** The Secret type the reader requires, e.g. `kubernetes.io/basic-auth`. @default - any type */
  readonly type?: string;
}

/** Where a pod spec names Secrets, relative to the pod spec. */
const POD_SITES: readonly SecretReferenceSite[] = [
  ...CONTAINER_LISTS.flatMap((list): SecretReferenceSite[] => [
    { path: `${list}[].env[].valueFrom.secretKeyRef`, form: 'key' },
    { path: `${list}[].envFrom[].secretRef`, form: 'name' },
  ]),
  { path: 'volumes[].secret', form: 'volume' },
  { path: 'volumes[].projected.sources[].secret', form: 'projection' },
  { path: 'imagePullSecrets[]', form: 'name', keys: ['.dockerconfigjson'], type: 'kubernetes.io/dockerconfigjson' },
];

/** A pod spec at `prefix`. */
const pod = (prefix: string): SecretReferenceSite[] => POD_SITES.map((s) => ({ ...s, path: `${prefix}.${s.path}` }));

/** An HTTP client's credentials (Prometheus operator): basic auth, authorization, OAuth2, TLS, proxy headers, at `prefix`. */
const httpClient = (prefix: string): SecretReferenceSite[] =>
  [
    'basicAuth.username',
    'basicAuth.password',
    'authorization.credentials',
    'bearerTokenSecret',
    'oauth2.clientId.secret',
    'oauth2.clientSecret',
    'oauth2.tlsConfig.ca.secret',
    'oauth2.tlsConfig.cert.secret',
    'oauth2.tlsConfig.keySecret',
    'oauth2.proxyConnectHeader{}[]',
    'proxyConnectHeader{}[]',
    'tlsConfig.ca.secret',
    'tlsConfig.cert.secret',
    'tlsConfig.keySecret',
  ].map((field) => ({ path: `${prefix}${field}`, form: 'key' }));

/** An object store's credentials (Barman Cloud: in-tree CloudNativePG backups and the plugin's ObjectStore), at `prefix`. */
const objectStore = (prefix: string): SecretReferenceSite[] =>
  [
    's3Credentials.accessKeyId',
    's3Credentials.secretAccessKey',
    's3Credentials.region',
    's3Credentials.sessionToken',
    'azureCredentials.connectionString',
    'azureCredentials.storageAccount',
    'azureCredentials.storageKey',
    'azureCredentials.storageSasToken',
    'googleCredentials.applicationCredentials',
    'endpointCA',
  ].map((field) => ({ path: `${prefix}.${field}`, form: 'key' }));

/** The fields of an AlertmanagerConfig receiver's integrations that hold Secret keys (URLs, tokens, passwords). */
const RECEIVER_KEYS: Readonly<Record<string, readonly string[]>> = {
  discordConfigs: ['apiURL'],
  emailConfigs: ['authPassword', 'authSecret', 'tlsConfig.ca.secret', 'tlsConfig.cert.secret', 'tlsConfig.keySecret'],
  msteamsConfigs: ['webhookUrl'],
  msteamsv2Configs: ['webhookURL'],
  opsgenieConfigs: ['apiKey'],
  pagerdutyConfigs: ['routingKey', 'serviceKey'],
  pushoverConfigs: ['userKey', 'token'],
  rocketchatConfigs: ['token', 'tokenID'],
  slackConfigs: ['apiURL'],
  snsConfigs: ['sigv4.accessKey', 'sigv4.secretKey'],
  telegramConfigs: ['botToken'],
  victoropsConfigs: ['apiKey'],
  webexConfigs: [],
  webhookConfigs: ['urlSecret'],
  wechatConfigs: ['apiSecret'],
};

const BASIC_AUTH = { keys: ['username', 'password'], type: 'kubernetes.io/basic-auth' } as const;
const TLS = { keys: ['tls.crt', 'tls.key'], type: 'kubernetes.io/tls' } as const;
const WORKLOADS = ['Deployment.apps', 'StatefulSet.apps', 'DaemonSet.apps', 'ReplicaSet.apps', 'Job.batch', 'Rollout.argoproj.io'];

/**
 * Where each kind names the Secrets it reads, by `<Kind>.<group>` (`Pod` for the core group): the one table the
 * inventory reads. A kind or field not here is not inventoried, so a construct that renders a new reference adds its
 * site here (`test/secrets/inventory.test.ts` fails on DVMM's output otherwise).
 */
export const SECRET_REFERENCES: Readonly<Record<string, readonly SecretReferenceSite[]>> = deepFreeze({
  'Pod': pod('spec'),
  ...Object.fromEntries(WORKLOADS.map((kind) => [kind, pod('spec.template.spec')])),
  'CronJob.batch': pod('spec.jobTemplate.spec.template.spec'),
  'AnalysisTemplate.argoproj.io': [
    { path: 'spec.args[].valueFrom.secretKeyRef', form: 'key' },
    { path: 'spec.metrics[].provider.datadog.secretRef', form: 'name' },
    ...pod('spec.metrics[].provider.job.spec.template.spec'),
  ],
  'Ingress.networking.k8s.io': [{ path: 'spec.tls[].secretName', form: 'string', ...TLS }],
  // CloudNativePG: the owner's credentials are basic-auth Secrets (keys username and password).
  'Cluster.postgresql.cnpg.io': [
    { path: 'spec.bootstrap.initdb.secret', form: 'name', ...BASIC_AUTH },
    { path: 'spec.bootstrap.recovery.secret', form: 'name', ...BASIC_AUTH },
    { path: 'spec.bootstrap.pg_basebackup.secret', form: 'name', ...BASIC_AUTH },
    ...['postInitSQLRefs', 'postInitApplicationSQLRefs', 'postInitTemplateSQLRefs'].map((f): SecretReferenceSite => ({
      path: `spec.bootstrap.initdb.${f}.secretRefs[]`,
      form: 'key',
    })),
    { path: 'spec.bootstrap.recovery.backup.endpointCA', form: 'key' },
    { path: 'spec.superuserSecret', form: 'name', ...BASIC_AUTH },
    { path: 'spec.managed.roles[].passwordSecret', form: 'name', ...BASIC_AUTH },
    { path: 'spec.certificates.serverTLSSecret', form: 'string', ...TLS },
    { path: 'spec.certificates.replicationTLSSecret', form: 'string', ...TLS },
    { path: 'spec.certificates.serverCASecret', form: 'string', keys: ['ca.crt'] },
    { path: 'spec.certificates.clientCASecret', form: 'string', keys: ['ca.crt', 'ca.key'] },
    { path: 'spec.externalClusters[].password', form: 'key' },
    { path: 'spec.externalClusters[].sslCert', form: 'key' },
    { path: 'spec.externalClusters[].sslKey', form: 'key' },
    { path: 'spec.externalClusters[].sslRootCert', form: 'key' },
    ...objectStore('spec.backup.barmanObjectStore'),
    ...objectStore('spec.externalClusters[].barmanObjectStore'),
    { path: 'spec.env[].valueFrom.secretKeyRef', form: 'key' },
    { path: 'spec.envFrom[].secretRef', form: 'name' },
    { path: 'spec.imagePullSecrets[]', form: 'name', keys: ['.dockerconfigjson'], type: 'kubernetes.io/dockerconfigjson' },
    { path: 'spec.monitoring.customQueriesSecret[]', form: 'key' },
    { path: 'spec.postgresql.ldap.bindSearchAuth.bindPassword', form: 'key' },
    { path: 'spec.projectedVolumeTemplate.sources[].secret', form: 'projection' },
  ],
  'Pooler.postgresql.cnpg.io': [
    { path: 'spec.pgbouncer.authQuerySecret', form: 'name', ...BASIC_AUTH },
    { path: 'spec.pgbouncer.clientTLSSecret', form: 'name', ...TLS },
    { path: 'spec.pgbouncer.serverTLSSecret', form: 'name', ...TLS },
    { path: 'spec.pgbouncer.clientCASecret', form: 'name', keys: ['ca.crt'] },
    { path: 'spec.pgbouncer.serverCASecret', form: 'name', keys: ['ca.crt'] },
    ...pod('spec.template.spec'),
  ],
  'ObjectStore.barmancloud.cnpg.io': [
    ...objectStore('spec.configuration'),
    { path: 'spec.instanceSidecarConfiguration.env[].valueFrom.secretKeyRef', form: 'key' },
  ],
  'Keycloak.k8s.keycloak.org': [
    { path: 'spec.db.usernameSecret', form: 'key' },
    { path: 'spec.db.passwordSecret', form: 'key' },
    { path: 'spec.http.tlsSecret', form: 'string', ...TLS },
    { path: 'spec.bootstrapAdmin.user.secret', form: 'string', keys: ['username', 'password'] },
    { path: 'spec.bootstrapAdmin.service.secret', form: 'string', keys: ['client-id', 'client-secret'] },
    { path: 'spec.additionalOptions[].secret', form: 'key' },
    { path: 'spec.truststores{}.secret', form: 'name' },
    { path: 'spec.imagePullSecrets[]', form: 'name', keys: ['.dockerconfigjson'], type: 'kubernetes.io/dockerconfigjson' },
    ...pod('spec.unsupported.podTemplate.spec'),
  ],
  'KeycloakRealmImport.k8s.keycloak.org': [{ path: 'spec.placeholders{}.secret', form: 'key' }],
  'PodMonitor.monitoring.coreos.com': httpClient('spec.podMetricsEndpoints[].'),
  'ServiceMonitor.monitoring.coreos.com': httpClient('spec.endpoints[].'),
  'Probe.monitoring.coreos.com': [...httpClient('spec.'), { path: 'spec.prober.proxyConnectHeader{}[]', form: 'key' }],
  'AlertmanagerConfig.monitoring.coreos.com': Object.entries(RECEIVER_KEYS).flatMap(([integration, fields]): SecretReferenceSite[] => [
    ...fields.map((field): SecretReferenceSite => ({ path: `spec.receivers[].${integration}[].${field}`, form: 'key' })),
    ...(integration === 'emailConfigs' ? [] : httpClient(`spec.receivers[].${integration}[].httpConfig.`)),
  ]),
  'GrafanaDashboard.grafana.integreatly.org': [
    { path: 'spec.envs[].valueFrom.secretKeyRef', form: 'key' },
    { path: 'spec.envFrom[].secretKeyRef', form: 'key' },
    { path: 'spec.urlAuthorization.basicAuth.username', form: 'key' },
    { path: 'spec.urlAuthorization.basicAuth.password', form: 'key' },
    { path: 'spec.oci.pullSecretRef', form: 'name', keys: ['.dockerconfigjson'], type: 'kubernetes.io/dockerconfigjson' },
  ],
});
