import { fieldPath } from '../core/field-path';
import { deepFreeze } from '../core/freeze';

/**
 * The Secrets one environment's objects reference, read from the rendered objects themselves (the JSON of every
 * ApiObject), never from the constructs that wrote them: whatever renders a reference, it is found, as long as the
 * kind and field are in {@link SECRET_REFERENCES}. Pure: objects in, inventory out.
 */

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

/** One place where objects of a kind name a Secret that they (or their controller) create: the Secret is provided in the cluster. */
export interface SecretProviderSite {
  /** The field holding the Secret's name (or the start of it, with `suffix`), dotted as in {@link SecretReferenceSite.path}. */
  readonly path: string;
  /** Appended to the field's value: CloudNativePG's `<cluster>-ca`. @default - nothing */
  readonly suffix?: string;
  /** The field's value when it is absent (an ExternalSecret's target defaults to its own name). @default - none: nothing provided */
  readonly fallback?: string;
  /** Only when this holds for the object (an Ingress asks cert-manager for its certificate). @default - always */
  readonly when?: (object: Record<string, any>) => boolean;
  /** Who creates it, as the README and the CLI say it. */
  readonly by: string;
}

const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;

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

const annotated =
  (...keys: string[]) =>
  (object: Record<string, any>) =>
    keys.some((k) => typeof object.metadata?.annotations?.[k] === 'string');

/**
 * Where each kind names Secrets that it, or the controller acting on it, creates in the cluster, by `<Kind>.<group>`.
 * A Secret one of these provides needs nothing else; every other inventoried Secret must come from somewhere.
 */
export const SECRET_PROVIDERS: Readonly<Record<string, readonly SecretProviderSite[]>> = deepFreeze({
  'Secret': [{ path: 'metadata.name', by: 'Secret' }],
  'ExternalSecret.external-secrets.io': [{ path: 'spec.target.name', fallback: 'metadata.name', by: 'external-secrets' }],
  'SealedSecret.bitnami.com': [{ path: 'spec.template.metadata.name', fallback: 'metadata.name', by: 'sealed-secrets' }],
  'Certificate.cert-manager.io': [{ path: 'spec.secretName', by: 'cert-manager' }],
  // cert-manager's ingress-shim issues the certificate of an Ingress that names an issuer.
  'Ingress.networking.k8s.io': [
    { path: 'spec.tls[].secretName', by: 'cert-manager', when: annotated('cert-manager.io/cluster-issuer', 'cert-manager.io/issuer') },
  ],
  // CloudNativePG generates its CA, server and replication certificates, and the owner's credentials when no Secret is named.
  'Cluster.postgresql.cnpg.io': [
    { path: 'metadata.name', suffix: '-ca', by: 'CloudNativePG' },
    { path: 'metadata.name', suffix: '-server', by: 'CloudNativePG' },
    { path: 'metadata.name', suffix: '-replication', by: 'CloudNativePG' },
    { path: 'metadata.name', suffix: '-app', by: 'CloudNativePG', when: (o) => o.spec?.bootstrap?.initdb?.secret === undefined },
  ],
  'Keycloak.k8s.keycloak.org': [
    { path: 'metadata.name', suffix: '-initial-admin', by: 'the Keycloak operator', when: (o) => o.spec?.bootstrapAdmin === undefined },
  ],
});

/** One reader of a Secret. */
export interface SecretReader {
  /** The object that names it, as `<Kind>/<name>`. */
  readonly object: string;
  /** The container that reads it, when the reference is in a pod template. @default - none: the object's controller reads it */
  readonly container?: string;
  /** Where the object names it, e.g. `spec.bootstrap.initdb.secret`. */
  readonly field: string;
  /** The keys it reads. @default - every key of the Secret (envFrom, a volume without items) */
  readonly keys?: readonly string[];
}

/** A Secret the objects reference, by name, with who reads which keys and what (if anything) provides it. */
export interface InventoriedSecret {
  /** The Secret's name. */
  readonly name: string;
  /** Its namespace: that of its readers. @default - none: the readers name no namespace (a chart's default applies) */
  readonly namespace?: string;
  /** Every key a reader names, sorted. */
  readonly keys: readonly string[];
  /** Whether some reader reads every key (envFrom, a volume without items), so the Secret may hold keys not listed. */
  readonly wholeSecret: boolean;
  /** The Secret type a reader requires, e.g. `kubernetes.io/basic-auth`. @default - none: any type (Opaque) */
  readonly type?: string;
  /** Who reads it, sorted by object, container and field. */
  readonly readers: readonly SecretReader[];
  /** What among the objects provides it, as `<Kind>/<name> (<by>)`, sorted. @default - none: it must be provided */
  readonly providedBy?: readonly string[];
}

/**
 * Every Secret the objects reference (the JSON of each object, as `chart.toJson()` or `ApiObject.toJson()` give it),
 * sorted by namespace and name: its keys, its readers (object, container, field) and what among the same objects
 * provides it (an ExternalSecret, a SealedSecret, cert-manager for an Ingress, CloudNativePG for its own certificates).
 * Objects of kinds not in {@link SECRET_REFERENCES} read nothing; anything that is not an object is skipped.
 */
export function secretInventory(objects: readonly unknown[]): InventoriedSecret[] {
  interface Found {
    name: string;
    namespace?: string;
    readers: SecretReader[];
    types: string[];
    providers: Set<string>;
  }
  const found = new Map<string, Found>();
  const id = (namespace: string | undefined, name: string) => `${namespace ?? ''}/${name}`;
  const manifests = objects.filter((o): o is Record<string, any> => typeof o === 'object' && o !== null && !Array.isArray(o));
  for (const object of manifests) {
    const namespace = typeof object.metadata?.namespace === 'string' ? object.metadata.namespace : undefined;
    const owner = `${object.kind}/${object.metadata?.name}`;
    for (const site of SECRET_REFERENCES[kindKey(object)] ?? []) {
      for (const match of walk(object, site.path)) {
        for (const read of readsOf(match, site)) {
          const entry: Found = found.get(id(namespace, read.name)) ?? {
            name: read.name,
            namespace,
            readers: [],
            types: [],
            providers: new Set<string>(),
          };
          entry.readers.push({
            object: owner,
            ...(read.container === undefined ? {} : { container: read.container }),
            field: match.path,
            ...(read.keys === undefined ? {} : { keys: read.keys }),
          });
          if (site.type !== undefined) entry.types.push(site.type);
          found.set(id(namespace, read.name), entry);
        }
      }
    }
  }
  for (const object of manifests) {
    const namespace = typeof object.metadata?.namespace === 'string' ? object.metadata.namespace : undefined;
    for (const site of SECRET_PROVIDERS[kindKey(object)] ?? []) {
      if (site.when !== undefined && !site.when(object)) continue;
      const named = walk(object, site.path).map((m) => m.value);
      const names = named.length > 0 || site.fallback === undefined ? named : walk(object, site.fallback).map((m) => m.value);
      for (const name of names.filter((n): n is string => typeof n === 'string' && n !== '')) {
        found.get(id(namespace, `${name}${site.suffix ?? ''}`))?.providers.add(`${object.kind}/${object.metadata?.name} (${site.by})`);
      }
    }
  }
  return [...found.values()]
    .sort((a, b) => compare(id(a.namespace, a.name), id(b.namespace, b.name)))
    .map((e) => {
      const readers = e.readers.sort(
        (a, b) => compare(a.object, b.object) || compare(a.container ?? '', b.container ?? '') || compare(a.field, b.field),
      );
      return {
        name: e.name,
        ...(e.namespace === undefined ? {} : { namespace: e.namespace }),
        keys: [...new Set(readers.flatMap((r) => r.keys ?? []))].sort(compare),
        wholeSecret: readers.some((r) => r.keys === undefined),
        ...(e.types.length === 0 ? {} : { type: e.types[0] }),
        readers,
        ...(e.providers.size === 0 ? {} : { providedBy: [...e.providers].sort(compare) }),
      };
    });
}

/** The Secrets among `inventory` that nothing among the objects provides: what a secrets provider must bring. */
export function unprovidedSecrets(inventory: readonly InventoriedSecret[]): InventoriedSecret[] {
  return inventory.filter((s) => s.providedBy === undefined);
}

/**
 * Whether objects of this one's kind read or provide Secrets at all: the others need not be rendered for the
 * inventory (a dashboard's ConfigMap, a PrometheusRule).
 */
export function concernsSecrets(object: { readonly apiVersion?: unknown; readonly kind?: unknown }): boolean {
  const key = kindKey(object);
  return key in SECRET_REFERENCES || key in SECRET_PROVIDERS;
}

/** `<Kind>.<group>` of an object (`Pod` for the core group): the key of {@link SECRET_REFERENCES}. */
export function kindKey(object: { readonly apiVersion?: unknown; readonly kind?: unknown }): string {
  const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : '';
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? String(object.kind) : `${String(object.kind)}.${apiVersion.slice(0, slash)}`;
}

/** A value found at a site's path, with where it is and, inside a pod, the container or volume it belongs to. */
interface Match {
  readonly value: unknown;
  readonly path: string;
  readonly container?: string;
  /** The pod spec and the volume's name, for a volume's reference. */
  readonly volume?: { readonly pod: Record<string, any>; readonly name: string };
}

/** The values at a site's path (`a.b[].c{}.d`), each with its concrete path in the usual notation. */
function walk(root: unknown, path: string): Match[] {
  interface Step {
    readonly node: unknown;
    /** The object holding the last field: for `volumes[]`, the pod spec. */
    readonly holder?: unknown;
    readonly segments: ReadonlyArray<string | number | { name: string }>;
    readonly container?: string;
    readonly volume?: Match['volume'];
  }
  let steps: Step[] = [{ node: root, segments: [] }];
  for (const { field, suffixes } of pathParts(path)) {
    steps = steps.flatMap((s): Step[] => {
      if (field === '') return [s];
      const node = isObject(s.node) ? s.node[field] : undefined;
      return node === undefined || node === null ? [] : [{ ...s, node, holder: s.node, segments: [...s.segments, field] }];
    });
    for (const suffix of suffixes) {
      steps = steps.flatMap((s): Step[] => {
        if (suffix === '{}')
          return isObject(s.node) ? Object.entries(s.node).map(([key, node]) => ({ ...s, node, segments: [...s.segments, key] })) : [];
        if (!Array.isArray(s.node)) return [];
        return s.node.map((node, i): Step => {
          const name = isObject(node) && typeof node.name === 'string' ? node.name : undefined;
          const container = (CONTAINER_LISTS as readonly string[]).includes(field) ? name : undefined;
          const volume = field === 'volumes' && name !== undefined && isObject(s.holder) ? { pod: s.holder, name } : undefined;
          return {
            ...s,
            node,
            segments: [...s.segments, name === undefined ? i : { name }],
            container: container ?? s.container,
            volume: volume ?? s.volume,
          };
        });
      });
    }
  }
  return steps.map((s) => ({ value: s.node, path: fieldPath(s.segments), container: s.container, volume: s.volume }));
}

const parsedPaths = new Map<string, ReadonlyArray<{ readonly field: string; readonly suffixes: readonly string[] }>>();

/** A site's path in parts, `a.b[].c{}` as fields each with its `[]` and `{}`: parsed once per path, read for every object. */
function pathParts(path: string): ReadonlyArray<{ readonly field: string; readonly suffixes: readonly string[] }> {
  let parts = parsedPaths.get(path);
  if (parts === undefined) {
    parts = path.split('.').map((part) => {
      const [, field, suffixes] = /^([^[{]*)((?:\[\]|\{\})*)$/.exec(part)!;
      return { field, suffixes: suffixes.match(/\[\]|\{\}/g) ?? [] };
    });
    parsedPaths.set(path, parts);
  }
  return parts;
}

/** What one found reference reads: the Secret's name, its keys (undefined: all) and the reading containers. */
function readsOf(match: Match, site: SecretReferenceSite): Array<{ name: string; keys?: readonly string[]; container?: string }> {
  const value = match.value;
  const pick = (name: unknown, keys: readonly string[] | undefined) =>
    typeof name === 'string' && name !== '' ? [{ name, keys, container: match.container }] : [];
  const itemKeys = (items: unknown) =>
    Array.isArray(items) && items.length > 0 ? items.map((i) => (isObject(i) ? String(i.key) : '')).filter((k) => k !== '') : undefined;
  switch (site.form) {
    case 'key':
      return isObject(value) && typeof value.key === 'string' ? pick(value.name, [value.key]) : [];
    case 'name':
      return isObject(value) ? pick(value.name, site.keys) : [];
    case 'string':
      return pick(value, site.keys);
    case 'volume':
    case 'projection': {
      if (!isObject(value)) return [];
      const reads = pick(site.form === 'volume' ? value.secretName : value.name, itemKeys(value.items));
      const mounting = match.volume === undefined ? [] : mountingContainers(match.volume.pod, match.volume.name);
      return mounting.length === 0 ? reads : reads.flatMap((r) => mounting.map((container) => ({ ...r, container })));
    }
  }
}

/** The containers of a pod spec that mount the volume `name`. */
function mountingContainers(podSpec: Record<string, any>, name: string): string[] {
  return CONTAINER_LISTS.flatMap((list) => (Array.isArray(podSpec[list]) ? podSpec[list] : []))
    .filter((c: any) => Array.isArray(c?.volumeMounts) && c.volumeMounts.some((m: any) => m?.name === name))
    .map((c: any) => String(c.name));
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Byte order, the same on every machine (not the locale's). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
