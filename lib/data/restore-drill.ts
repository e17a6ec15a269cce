import { ApiObject, Chart, Cron, Duration, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as objectstore from '../../imports/barman-objectstore-barmancloud.cnpg.io';
import * as cnpg from '../../imports/cnpg-cluster-postgresql.cnpg.io';
import { Connections, ExternalEndpoint, IPeer, validateEndpoint } from '../core/connections';
import { isFiveFieldCron, longestCronGapSeconds, whyFiveFieldCronNeverRuns } from '../core/cron';
import { PropertyProblems } from '../core/errors';
import { DNS_LABEL, IMAGE_REFERENCE } from '../core/formats';
import { deepFreeze } from '../core/freeze';
import { DURATION_PATTERN, seconds } from '../observability/promql';
import { clusterDns, NetworkPlatform } from '../network/network-policies';
import { restrictedShellJob } from '../pods/shell-job';
import { OBJECT_STORE_KEYS } from './postgres-backup';
import { bootstrapSpec, PostgresArchiveSource, recoverySourceStore, recoverySourceStoreName } from './postgres-recovery';
import { SNAPSHOT_PRUNER_DEFAULTS } from './snapshot-pruner';

const DAY = 86400;

/** Defaults of {@link PostgresRestoreDrill}. Frozen. */
export const RESTORE_DRILL_DEFAULTS = deepFreeze({
  /** The platform's DR tests: a full restore monthly. */
  schedule: '@monthly',
  /**
   * The named schedules, in UTC: early on a weekday or the 2nd of the month, after the night's backups (and the
   * 1st's monthly one).
   */
  presets: {
    '@weekly': '0 5 * * 1',
    '@monthly': '0 5 2 * *',
    '@quarterly': '0 5 2 1,4,7,10 *',
  } as Record<string, string>,
  /** The time zone the schedule is read in: the one the alert's default age is computed in. */
  timeZone: 'Etc/UTC',
  /** `maxAge` by default: the longest gap between two drills plus a tenth, in whole days (35d for monthly). */
  maxAgeMargin: 1.1,
  /**
   * What proves a restore by default: the restored application database holds tables of its own (its schema came
   * back), not only a server that answers.
   */
  check: "SELECT count(*) > 0 FROM pg_catalog.pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')",
  /** The job's image: the pruner's (kubectl and `/bin/sh`, pinned). */
  image: SNAPSHOT_PRUNER_DEFAULTS.image,
  /** How long the restored cluster may take to be ready when the database declares no RTO: the platform's RTO. */
  readyTimeout: '4h',
  /** Time beyond `readyTimeout` for the rest of the job: the check and the clean-up. */
  jobMarginSeconds: 900,
  resources: SNAPSHOT_PRUNER_DEFAULTS.resources,
  /** The CloudNativePG operator's namespace when none is given. */
  operatorNamespace: 'cnpg-system',
});

/** What a drill restores: the database and where it archives, as the drill sees it. */
export interface DrilledDatabase {
  /** The cluster's name. */
  readonly name: string;
  /** The application database the check runs in. */
  readonly databaseName: string;
  /** Its owner. */
  readonly owner: string;
  /** The PostgreSQL image, the same as the database's. */
  readonly imageName: string;
  /** Where the cluster archives: the archive the drill restores. */
  readonly archive: PostgresArchiveSource;
  /** Size of the restored volume, the same as the database's. */
  readonly storageSize: string;
  /** StorageClass of the restored volume. @default - the cluster's default */
  readonly storageClass?: string;
}

/** A database's restore drill: when it runs, what it checks, how old the last good one may get. */
export interface PostgresRestoreDrillOptions {
  /** `@weekly`, `@monthly`, `@quarterly` or a 5-field cron (UTC). @default '@monthly' */
  readonly schedule?: string;
  /**
   * SQL run in the restored application database; the drill fails unless it returns a row that is not `false`.
   * @default RESTORE_DRILL_DEFAULTS.check
   */
  readonly check?: string;
  /** The age of the last good drill at which `RestoreDrillOverdue` fires. @default - the longest gap between two drills plus a tenth, in days */
  readonly maxAge?: string;
  /** How long the restored cluster may take to be ready: the RTO it proves. @default - the database's RTO, else '4h' */
  readonly readyTimeout?: string;
  /** The job's image, with `/bin/sh` and `kubectl`. @default RESTORE_DRILL_DEFAULTS.image */
  readonly image?: string;
  /**
   * The archive to restore, when it is not the database's own: another environment's (the platform's "restore
   * production into staging"), read with read-only credentials. @default - the database's own backup
   */
  readonly archive?: PostgresArchiveSource;
  /** Size of the restored volume. @default - the database's */
  readonly storageSize?: string;
  /** The scratch namespace the drill restores into. @default `<namespace>-<cluster>-drill` */
  readonly namespace?: string;
  /** The Kubernetes API server, which the job and the restored instances call. */
  readonly apiServer: ExternalEndpoint;
  /** The object store the restore reads. @default - not reachable from the drill namespace */
  readonly objectStore?: ExternalEndpoint;
  /** The CloudNativePG operator's namespace. @default 'cnpg-system' */
  readonly operatorNamespace?: string;
  /** Kubernetes or OpenShift: where cluster DNS runs, which the restored instances resolve the object store's host with. */
  readonly platform: NetworkPlatform;
}

/** Props of {@link PostgresRestoreDrill}. */
export interface PostgresRestoreDrillProps extends PostgresRestoreDrillOptions {
  /** The database it restores. */
  readonly database: DrilledDatabase;
}

/**
 * A scheduled restore drill: a restricted CronJob (`<cluster>-restore-drill`) restores the latest backup of a database
 * into a scratch namespace as a one-instance CloudNativePG cluster, waits for it to be ready, runs a check query in the
 * restored application database and deletes what it created, always. The manifest it applies is data (a ConfigMap),
 * so no standing object keeps a drill cluster alive. Its account may only create, read and delete the drill's cluster,
 * object store and Secret, and exec into the one instance, in the drill namespace; a Job that succeeds is the record
 * (kube-state-metrics' `kube_cronjob_status_last_successful_time`, which `RestoreDrillOverdue` reads).
 */
export class PostgresRestoreDrill extends Construct implements IPeer {
  public readonly peerName: string;
  public readonly podSelector: Record<string, string>;
  /** The CronJob, in the database's namespace. */
  public readonly cronJob: ApiObject;
  /** The drill's scratch namespace. */
  public readonly namespace: string;
  /** The restored cluster's name. */
  public readonly clusterName: string;
  /** The CronJob's schedule, a 5-field cron. */
  public readonly schedule: string;
  /** The check query. */
  public readonly check: string;
  /** The age of the last good drill at which the alert fires, in seconds. */
  public readonly maxAgeSeconds: number;
  /** How long the restored cluster may take to be ready, in seconds. */
  public readonly readyTimeoutSeconds: number;
  /** What the job applies: the restore's ObjectStore and Cluster, in the drill namespace. */
  public readonly manifests: ReadonlyArray<Record<string, unknown>>;
  /** The job's script: its arguments are the namespace, the cluster, the database, the timeout and the check. */
  public readonly script: string;

  constructor(scope: Construct, id: string, props: PostgresRestoreDrillProps) {
    super(scope, id);
    const db = props.database;
    this.peerName = `${db.name}-restore-drill`;
    this.podSelector = { 'app.kubernetes.io/name': this.peerName };
    this.namespace = props.namespace ?? `${Chart.of(this).namespace ?? 'default'}-${db.name}-drill`;
    this.clusterName = `${db.name}-drill`;
    this.schedule = RESTORE_DRILL_DEFAULTS.presets[props.schedule ?? RESTORE_DRILL_DEFAULTS.schedule] ?? props.schedule ?? '';
    this.check = props.check ?? RESTORE_DRILL_DEFAULTS.check;
    const image = props.image ?? RESTORE_DRILL_DEFAULTS.image;
    validateDrill(this, props, image);
    const gap = longestCronGapSeconds(`0 ${this.schedule}`);
    this.maxAgeSeconds = props.maxAge === undefined ? defaultMaxAge(gap) : seconds(props.maxAge);
    this.readyTimeoutSeconds = seconds(props.readyTimeout ?? RESTORE_DRILL_DEFAULTS.readyTimeout);
    const problems = new PropertyProblems(this);
    if (this.maxAgeSeconds < gap) {
      problems.add(
        'maxAge',
        `is shorter than the longest gap between two drills (${days(gap)}): the alert would fire before every drill`,
        props.maxAge,
        `use at least ${days(gap)}, or leave it out for ${days(defaultMaxAge(gap))}`,
      );
    }
    problems.throwIfAny();
    this.manifests = drillManifests(this.namespace, this.clusterName, db);
    this.script = drillScript(this.secretName);
    new DrillNamespace(this, 'Namespace', { drill: this, props });
    this.cronJob = this.renderJob(props, image);
    Connections.of(this).addExternal({ from: this, name: 'kubernetes-api', endpoint: props.apiServer, purpose: 'restore drill' });
  }

  /** The Secret the job writes in the drill namespace from the archive's credentials, and deletes. */
  public get secretName(): string {
    return `${this.clusterName}-object-store`;
  }

  private renderJob(props: PostgresRestoreDrillProps, image: string): ApiObject {
    const db = props.database;
    const account = new kplus.ServiceAccount(this, 'ServiceAccount', { metadata: { name: this.peerName }, automountToken: false });
    new kplus.k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata: { name: this.peerName, namespace: this.namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: this.peerName },
      subjects: [{ kind: 'ServiceAccount', name: account.name, namespace: Chart.of(this).namespace ?? 'default' }],
    });
    const manifest = new kplus.ConfigMap(this, 'Manifest', {
      metadata: { name: this.peerName },
      data: { 'drill.json': JSON.stringify({ apiVersion: 'v1', kind: 'List', items: this.manifests }) },
    });
    const credentials = kplus.Secret.fromSecretName(this, 'Credentials', db.archive.credentialsSecret);
    const key = (k: string) => kplus.EnvValue.fromSecretValue({ secret: credentials, key: k });
    const job = restrictedShellJob(this, 'Resource', {
      metadata: { name: this.peerName },
      schedule: {
        cron: Cron.schedule(cronOptions(this.schedule)),
        timeZone: RESTORE_DRILL_DEFAULTS.timeZone,
        startingDeadline: Duration.hours(6),
        successfulJobsRetained: 1,
        failedJobsRetained: 3,
      },
      // A failed drill is a finding, not a hiccup to retry: its Job and logs stay for the on-call.
      backoffLimit: 0,
      activeDeadline: Duration.seconds(this.readyTimeoutSeconds + RESTORE_DRILL_DEFAULTS.jobMarginSeconds),
      podLabels: this.podSelector,
      serviceAccount: account,
      shell: {
        name: 'drill',
        image,
        script: this.script,
        args: [this.namespace, this.clusterName, db.databaseName, String(this.readyTimeoutSeconds), this.check],
        envVariables: { ACCESS_KEY_ID: key(OBJECT_STORE_KEYS.accessKeyId), ACCESS_SECRET_KEY: key(OBJECT_STORE_KEYS.secretAccessKey) },
      },
      resources: RESTORE_DRILL_DEFAULTS.resources,
    });
    job.container.mount('/drill', kplus.Volume.fromConfigMap(this, 'ManifestVolume', manifest));
    return job.apiObject;
  }
}

/** Refuses what cannot run: a schedule that is not one, a bad duration, image or namespace, an endpoint without addresses. */
function validateDrill(drill: PostgresRestoreDrill, props: PostgresRestoreDrillProps, image: string): void {
  const problems = new PropertyProblems(drill);
  const neverRuns = whyFiveFieldCronNeverRuns(drill.schedule);
  if (neverRuns !== undefined) {
    problems.add('schedule', `never runs: ${neverRuns}`, props.schedule, "use a day every month has (1 to 28), e.g. '0 5 2 * *'");
  } else if (!isFiveFieldCron(drill.schedule)) {
    problems.add('schedule', 'is not a schedule', props.schedule, "use @weekly, @monthly, @quarterly or a 5-field cron (UTC), e.g. '0 5 2 * *'");
  }
  for (const [property, value] of [
    ['maxAge', props.maxAge],
    ['readyTimeout', props.readyTimeout],
  ] as const) {
    if (value !== undefined && !new RegExp(DURATION_PATTERN).test(value))
      problems.add(property, 'is not a duration', value, "use e.g. '35d' or '4h'");
  }
  if (drill.check.trim() === '')
    problems.add('check', 'is empty', props.check, "give a query that returns a row, e.g. 'SELECT count(*) > 0 FROM orders'");
  if (!IMAGE_REFERENCE.test(image)) problems.add('image', 'is not an image reference with a tag or digest', image, IMAGE_REFERENCE.fix);
  if (!DNS_LABEL.test(drill.namespace)) {
    problems.add(
      'namespace',
      'is not a DNS label (at most 63 characters)',
      drill.namespace,
      'give restoreDrill a shorter namespace, e.g. orders-drill',
    );
  }
  problems.check(() => validateEndpoint(drill, 'apiServer', props.apiServer));
  if (props.objectStore) problems.check(() => validateEndpoint(drill, 'objectStore', props.objectStore!));
  problems.throwIfAny();
}

/** The default age of the last good drill at which the alert fires: the schedule's longest gap plus a tenth, in whole days. */
function defaultMaxAge(gapSeconds: number): number {
  return Math.ceil((gapSeconds * RESTORE_DRILL_DEFAULTS.maxAgeMargin) / DAY) * DAY;
}

/** Seconds in days, as a drill's ages are written (`35d`), rounded up. */
function days(totalSeconds: number): string {
  return `${Math.ceil(totalSeconds / DAY)}d`;
}

/** The fields of a 5-field cron, as cdk8s takes them. */
function cronOptions(schedule: string) {
  const [minute, hour, day, month, weekDay] = schedule.trim().split(/\s+/);
  return { minute, hour, day, month, weekDay };
}

/**
 * What the job applies, in the drill namespace: the ObjectStore the restore reads the archive through (read only,
 * credentials from the Secret the job writes) and a one-instance Cluster bootstrapped from it (the library's recovery
 * bootstrap; CloudNativePG generates the owner's password, nobody logs in).
 */
function drillManifests(namespace: string, clusterName: string, db: DrilledDatabase): Array<Record<string, unknown>> {
  const source: PostgresArchiveSource = { ...db.archive, credentialsSecret: `${clusterName}-object-store` };
  const store = objectstore.ObjectStore.manifest(recoverySourceStore(clusterName, source, namespace)) as Record<string, unknown>;
  const cluster = cnpg.Cluster.manifest({
    metadata: { name: clusterName, namespace, labels: { 'eaf.io/restore-drill': db.name } },
    spec: {
      instances: 1,
      imageName: db.imageName,
      storage: { size: db.storageSize, storageClass: db.storageClass },
      ...bootstrapSpec(
        { name: clusterName, databaseName: db.databaseName, owner: db.owner },
        { source: { ...source, serverName: db.archive.serverName ?? db.name } },
      ),
    },
  }) as Record<string, unknown>;
  return [store, cluster];
}

/**
 * The job: clean up what a killed run left, write the Secret from the job's own credentials (printf is a shell
 * builtin, so the keys never reach a command line), apply the manifests, poll the cluster's Ready condition until the
 * timeout, run the check in the instance, and delete everything on every exit (trap). Polls with `get` rather than
 * `kubectl wait`, which needs `list` and `watch`.
 */
function drillScript(secret: string): string {
  return [
    'set -eu',
    'ns=$1 cluster=$2 db=$3 timeout=$4 check=$5',
    `k() { kubectl -n "$ns" "$@"; }`,
    'clean() { k delete clusters.postgresql.cnpg.io "$cluster" --ignore-not-found;' +
      ' k delete objectstores.barmancloud.cnpg.io "$cluster-recovery-source" --ignore-not-found;' +
      ` k delete secret "${secret}" --ignore-not-found; }`,
    'clean',
    'trap clean EXIT',
    `printf 'ACCESS_KEY_ID=%s\\nACCESS_SECRET_KEY=%s\\n' "$ACCESS_KEY_ID" "$ACCESS_SECRET_KEY"` +
      ` | k create secret generic "${secret}" --from-env-file=/dev/stdin`,
    'k create -f /drill/drill.json',
    'start=$(date +%s)',
    `until [ "$(k get clusters.postgresql.cnpg.io "$cluster" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" = True ]; do` +
      ' if [ $(( $(date +%s) - start )) -ge "$timeout" ]; then echo "drill: $cluster not ready after ${timeout}s" >&2; exit 1; fi; sleep 30; done',
    'echo "drill: $cluster ready after $(( $(date +%s) - start ))s"',
    'out=$(k exec "$cluster-1" -c postgres -- psql -XAtq -v ON_ERROR_STOP=1 -d "$db" -c "$check" | head -n 1)',
    'if [ -z "$out" ] || [ "$out" = f ]; then echo "drill: check failed: $check returned ${out:-no row}" >&2; exit 1; fi',
    'echo "drill: check passed ($out)"',
  ].join('; ');
}

/** The drill namespace: restricted, default-deny, with what the restored cluster needs and the job's permissions. */
class DrillNamespace extends Construct {
  constructor(scope: Construct, id: string, { drill, props }: { drill: PostgresRestoreDrill; props: PostgresRestoreDrillProps }) {
    super(scope, id);
    const namespace = drill.namespace;
    const labels: Record<string, string> = {};
    for (const mode of ['enforce', 'audit', 'warn']) {
      labels[`pod-security.kubernetes.io/${mode}`] = 'restricted';
      labels[`pod-security.kubernetes.io/${mode}-version`] = 'latest';
    }
    const ns = new kplus.k8s.KubeNamespace(this, 'Resource', { metadata: { name: namespace, labels } });
    ns.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    const named = (resourceNames: string[]) => ({ resourceNames });
    new kplus.k8s.KubeRole(this, 'Role', {
      metadata: { name: drill.peerName, namespace },
      rules: [
        // create cannot be limited to names (the name is in the body); everything else is, to the drill's own objects.
        { apiGroups: ['postgresql.cnpg.io'], resources: ['clusters'], verbs: ['create'] },
        { apiGroups: ['postgresql.cnpg.io'], resources: ['clusters'], verbs: ['get', 'delete'], ...named([drill.clusterName]) },
        { apiGroups: ['barmancloud.cnpg.io'], resources: ['objectstores'], verbs: ['create'] },
        {
          apiGroups: ['barmancloud.cnpg.io'],
          resources: ['objectstores'],
          verbs: ['get', 'delete'],
          ...named([recoverySourceStoreName(drill.clusterName)]),
        },
        { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
        { apiGroups: [''], resources: ['secrets'], verbs: ['delete'], ...named([drill.secretName]) },
        { apiGroups: [''], resources: ['pods'], verbs: ['get'], ...named([`${drill.clusterName}-1`]) },
        // kubectl exec over WebSockets asks for get, the API server's upgrade check for create.
        { apiGroups: [''], resources: ['pods/exec'], verbs: ['get', 'create'], ...named([`${drill.clusterName}-1`]) },
      ],
    });
    this.policies(namespace, drill, props);
  }

  /** Default-deny, DNS, and the restored cluster's flows: the operator in, the API server and the object store out. */
  private policies(namespace: string, drill: PostgresRestoreDrill, props: PostgresRestoreDrillProps): void {
    const policy = (id: string, name: string, spec: kplus.k8s.NetworkPolicySpec) =>
      new kplus.k8s.KubeNetworkPolicy(this, id, { metadata: { name, namespace }, spec });
    const port = (p: number, protocol: string = 'TCP') => ({ port: kplus.k8s.IntOrString.fromNumber(p), protocol });
    const cidrs = (e: ExternalEndpoint) => ({ to: e.cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: e.ports.map((p) => port(p)) });
    const restored = { matchLabels: { 'cnpg.io/cluster': drill.clusterName } };
    const operator = props.operatorNamespace ?? RESTORE_DRILL_DEFAULTS.operatorNamespace;
    const dns = clusterDns(props.platform);
    policy('DefaultDeny', 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    policy('AllowDns', 'allow-dns', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: dns.namespaceSelector },
              ...(dns.podSelector ? { podSelector: { matchLabels: dns.podSelector } } : {}),
            },
          ],
          ports: dns.ports.map((p) => port(p.port, p.protocol)),
        },
      ],
    });
    policy('Ingress', `${drill.clusterName}-ingress`, {
      podSelector: restored,
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': operator } } }], ports: [port(8000), port(5432)] }],
    });
    policy('Egress', `${drill.clusterName}-egress`, {
      podSelector: restored,
      policyTypes: ['Egress'],
      egress: [cidrs(props.apiServer), ...(props.objectStore ? [cidrs(props.objectStore)] : [])],
    });
  }
}
