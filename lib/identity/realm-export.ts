import { ApiObject, Cron, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Connections, ExternalEndpoint, IPeer } from '../core/connections';
import { deepFreeze } from '../core/freeze';
import { envValue } from '../core/secrets';
import { ContainerResources, PLATFORM_CURL_IMAGE, RESTRICTED_CONTAINER } from '../pods/pod-template';
import { restrictedShellJob } from '../pods/shell-job';
import { OBJECT_STORE_KEYS } from '../data/postgres-backup';
import { Keycloak } from './keycloak';
import { RealmExportSettings, validateRealmExport } from './realm-export-validation';

/** Defaults of {@link RealmExport}. Frozen: override through props. */
export const REALM_EXPORT_DEFAULTS = deepFreeze({
  /** Daily at 03:00 UTC: after the night's database backups (02:00), at the quietest hour. */
  schedule: '0 3 * * *',
  /** The CronJob reads its schedule in UTC, whatever the controller manager's zone. */
  timeZone: 'Etc/UTC',
  /** The longest a schedule may leave between two exports: the platform exports the realm daily. */
  maxGapSeconds: 86400,
  /** The uploader: `/bin/sh`, busybox `date` and curl with `--aws-sigv4` (curl 7.75 or later). */
  image: PLATFORM_CURL_IMAGE,
  /** The SigV4 signing region: S3-compatible stores (MinIO, Ceph RGW) accept `us-east-1` unless set up otherwise. */
  region: 'us-east-1',
  /** Appended to the Keycloak database's backup `destinationPath` when no `destinationPath` is given. */
  destinationSuffix: '-realm',
  /** Where Keycloak lives in its image; the export runs a copy of it, which Keycloak may re-build for PostgreSQL. */
  keycloakHome: '/opt/keycloak',
  /** A missed run may start up to an hour late (the controller was down), then waits for the next day. */
  startingDeadlineSeconds: 3600,
  /** Pods retried after a failure (a database failover, a store that did not answer), then the Job fails. */
  backoffLimit: 2,
  /** The whole Job, retries included: Keycloak's re-build takes a minute or two, the export and upload seconds. */
  activeDeadlineSeconds: 1800,
  successfulJobsHistoryLimit: 3,
  failedJobsHistoryLimit: 3,
  /** The export: a Keycloak JVM (70 % of the memory limit as heap) plus the re-build; the copy of Keycloak on disk. */
  resources: {
    requests: { cpu: '250m', memory: '1Gi', ephemeralStorage: '512Mi' },
    limits: { cpu: '2', memory: '1536Mi', ephemeralStorage: '1Gi' },
  } satisfies ContainerResources,
  /** Copying Keycloak into the scratch volume: `cp` only. */
  copyResources: {
    requests: { cpu: '50m', memory: '32Mi', ephemeralStorage: '512Mi' },
    limits: { cpu: '500m', memory: '64Mi', ephemeralStorage: '1Gi' },
  } satisfies ContainerResources,
  /** The upload: curl. */
  uploadResources: {
    requests: { cpu: '10m', memory: '32Mi', ephemeralStorage: '16Mi' },
    limits: { cpu: '200m', memory: '64Mi', ephemeralStorage: '64Mi' },
  } satisfies ContainerResources,
  /**
   * The export's JDBC URL properties: TLS or nothing (the cluster refuses connections without TLS, `hostnossl ...
   * reject`; `require` makes the driver fail instead of trying without), and every transaction REPEATABLE READ, so the
   * export (one transaction for a single-file export of one realm) reads one consistent snapshot while the servers
   * keep writing. PostgreSQL reads `options` like a command line: a space inside a value is escaped with a backslash.
   */
  jdbcProperties: `?sslmode=require&options=${encodeURIComponent('-c default_transaction_isolation=repeatable\\ read')}`,
});

/** Props of {@link RealmExport}. */
export interface RealmExportProps {
  /** The Keycloak whose realm is exported: its image, its database and the database's credentials. */
  readonly keycloak: Keycloak;
  /** The realm to export, e.g. `dvmm`. */
  readonly realm: string;
  /** Addresses of the object store: the job's egress to it. */
  readonly objectStore: ExternalEndpoint;
  /** Name of the CronJob and its pods' `app.kubernetes.io/name`. @default - `<keycloak name>-realm-export` */
  readonly name?: string;
  /** When it runs: a 5-field cron in UTC that runs at least daily. @default '0 3 * * *' */
  readonly schedule?: string;
  /**
   * Where the exports go, `s3://<bucket>/<path>`; each run writes `<path>/<realm>/<realm>-<YYYYMMDDTHHMMSSZ>.json`.
   * @default - the Keycloak database's backup `destinationPath` + `-realm`; required when the database has no backup
   */
  readonly destinationPath?: string;
  /** The S3 endpoint. @default - the Keycloak database's backup `endpointUrl`, else AWS S3 in `region` */
  readonly endpointUrl?: string;
  /**
   * Secret (by name) with the keys `ACCESS_KEY_ID` and `ACCESS_SECRET_KEY`, allowed to write under `destinationPath`.
   * @default - the Keycloak database's backup `credentialsSecret`; required when the database has no backup
   */
  readonly credentialsSecret?: string;
  /** The region the upload is signed for (SigV4). @default 'us-east-1' */
  readonly region?: string;
  /** The uploader: an image with `/bin/sh`, `date -r` and curl 7.75 or later, from an allowed registry. @default REALM_EXPORT_DEFAULTS.image */
  readonly image?: string;
  /** Requests and limits of the export (Keycloak's JVM). @default - 250m/1Gi requested, 2/1536Mi limit, 512Mi-1Gi disk */
  readonly resources?: ContainerResources;
}

/**
 * A daily export of one Keycloak realm to the object store, with Keycloak's own tool. A restricted CronJob runs three
 * containers in one pod, sharing emptyDir volumes:
 *
 * 1. `copy` copies Keycloak out of its image into a scratch volume. `kc.sh export` re-builds Keycloak for PostgreSQL
 *    when the image was not built for it (the operator's stock image), and that build writes into Keycloak's folder.
 *    The root filesystem stays read-only this way.
 * 2. `export` runs `kc.sh export --realm <realm> --file /export/<realm>-realm.json` (one file: the realm with its
 *    users) from the copy, in the image Keycloak runs, so the export matches the database schema. It reads Keycloak's
 *    database with Keycloak's own settings (credentials by reference), requires TLS, and uses a local cache
 *    (`KC_CACHE=local`), so it never joins the servers' cluster.
 * 3. `upload` PUTs the file to `<destinationPath>/<realm>/<realm>-<YYYYMMDDTHHMMSSZ>.json` (the time the export was
 *    written, UTC) with curl's SigV4 signing. The keys come from the credentials Secret by reference and never
 *    appear in the object name or the manifest.
 *
 * The servers keep running. Keycloak's guide (keycloak.org/server/importExport) recommends stopping every node before
 * an export, so that the result does not mix in changes made during it. Its earlier wording, still in the Red Hat
 * build of Keycloak 26.2 guide, says they must be stopped, also to avoid port conflicts on the same machine. Here the
 * export runs in its own pod, so it shares no port with a server. It also reads in one REPEATABLE READ transaction
 * (see `REALM_EXPORT_DEFAULTS.jdbcProperties`), so the file is one consistent snapshot. Its network edges (to the
 * database, like any database client's, and to the object store) are recorded, so the default-deny policies let
 * exactly these through.
 */
export class RealmExport extends Construct implements IPeer {
  public readonly peerName: string;
  public readonly podSelector: Record<string, string>;
  /** The realm exported. */
  public readonly realm: string;
  /** The 5-field cron it runs on (UTC). */
  public readonly schedule: string;
  /** Where the exports go: `s3://<bucket>/<path>`. */
  public readonly destinationPath: string;
  /** The S3 endpoint the upload goes to. */
  public readonly endpointUrl: string;
  /** The Secret with the object store's keys. */
  public readonly credentialsSecret: string;
  /** Each run's object: `<destinationPath>/<realm>/<realm>-<YYYYMMDDTHHMMSSZ>.json`, the time in UTC. */
  public readonly objectName: string;
  /** The arguments of `kc.sh`. */
  public readonly exportArgs: readonly string[];
  /** The upload's shell script: its arguments are the realm, the folder's URL and the signing region. */
  public readonly uploadScript: string;
  /** The CronJob. */
  public readonly cronJob: ApiObject;

  constructor(scope: Construct, id: string, props: RealmExportProps) {
    super(scope, id);
    const keycloak = props.keycloak;
    const name = props.name ?? `${keycloak.name}-realm-export`;
    const settings = resolveSettings(props);
    const { region, image, resources, destinationPath, endpointUrl, credentialsSecret } = settings;
    this.realm = props.realm;
    this.schedule = settings.schedule;
    validateRealmExport(this, props, settings);

    this.peerName = name;
    this.podSelector = { 'app.kubernetes.io/name': name };
    this.destinationPath = destinationPath!.replace(/\/+$/, '');
    this.endpointUrl = (endpointUrl ?? `https://s3.${region}.amazonaws.com`).replace(/\/+$/, '');
    this.credentialsSecret = credentialsSecret!;
    this.objectName = `${this.destinationPath}/${this.realm}/${this.realm}-<YYYYMMDDTHHMMSSZ>.json`;
    // A single-file export always holds the realm's users (Keycloak issue #8729); since Keycloak 26.0 `--users` beside
    // `--file` is refused unless it is `same_file` (PR #32126, issue #21923), so it is left out.
    this.exportArgs = ['export', '--realm', this.realm, '--file', `/export/${this.realm}-realm.json`];
    this.uploadScript = UPLOAD_SCRIPT;
    const folderUrl = `${this.endpointUrl}/${this.destinationPath.slice('s3://'.length)}/${this.realm}`;

    const {
      workload,
      container: uploader,
      apiObject,
    } = restrictedShellJob(this, 'Resource', {
      metadata: { name },
      schedule: {
        cron: Cron.schedule(cronOptions(this.schedule)),
        timeZone: REALM_EXPORT_DEFAULTS.timeZone,
        startingDeadline: Duration.seconds(REALM_EXPORT_DEFAULTS.startingDeadlineSeconds),
        successfulJobsRetained: REALM_EXPORT_DEFAULTS.successfulJobsHistoryLimit,
        failedJobsRetained: REALM_EXPORT_DEFAULTS.failedJobsHistoryLimit,
      },
      backoffLimit: REALM_EXPORT_DEFAULTS.backoffLimit,
      activeDeadline: Duration.seconds(REALM_EXPORT_DEFAULTS.activeDeadlineSeconds),
      podLabels: this.podSelector,
      shell: {
        name: 'upload',
        image,
        script: this.uploadScript,
        scriptName: 'realm-export',
        args: [this.realm, folderUrl, region],
        envVariables: {
          ACCESS_KEY_ID: envValue(this, { secret: { secretName: this.credentialsSecret, key: OBJECT_STORE_KEYS.accessKeyId } }),
          ACCESS_SECRET_KEY: envValue(this, { secret: { secretName: this.credentialsSecret, key: OBJECT_STORE_KEYS.secretAccessKey } }),
        },
      },
      resources: REALM_EXPORT_DEFAULTS.uploadResources,
      initContainerResources: [REALM_EXPORT_DEFAULTS.copyResources, resources],
    });
    this.cronJob = apiObject;
    this.addExport(keycloak, workload, uploader);

    Connections.of(this).addExternal({ from: this, name: 'object store', endpoint: props.objectStore, purpose: 'realm export upload' });
  }

  /**
   * The init containers before `uploader`: `copy` copies Keycloak into a scratch volume, `export` runs `kc.sh export`
   * from that copy against Keycloak's database and writes the file the uploader reads.
   */
  private addExport(keycloak: Keycloak, workload: kplus.Job | kplus.CronJob, uploader: kplus.Container): void {
    const volume = (volumeName: string) => kplus.Volume.fromEmptyDir(workload, `Volume-${volumeName}`, volumeName);
    const [home, exported, tmp] = [volume('keycloak'), volume('export'), volume('tmp')];
    const work = '/work/keycloak';
    const copy = workload.addInitContainer({
      name: 'copy',
      image: keycloak.image,
      command: ['cp', '-R', `${REALM_EXPORT_DEFAULTS.keycloakHome}/.`, `${work}/`],
      imagePullPolicy: kplus.ImagePullPolicy.ALWAYS,
      securityContext: RESTRICTED_CONTAINER,
    });
    copy.mount(work, home);
    const env: Record<string, kplus.EnvValue> = {
      ...Object.fromEntries(keycloak.bindDatabaseClient(this).map(([key, source]) => [key, envValue(this, source)])),
      KC_DB_URL_PROPERTIES: kplus.EnvValue.fromValue(REALM_EXPORT_DEFAULTS.jdbcProperties),
      // What Keycloak's own defaults for import and export set (its application.properties, profile `nonserver`),
      // written out: a local cache, no HTTPS key material needed, no hostname.
      KC_CACHE: kplus.EnvValue.fromValue('local'),
      KC_HTTP_ENABLED: kplus.EnvValue.fromValue('true'),
      KC_HOSTNAME_STRICT: kplus.EnvValue.fromValue('false'),
    };
    const exporter = workload.addInitContainer({
      name: 'export',
      image: keycloak.image,
      command: [`${work}/bin/kc.sh`],
      args: [...this.exportArgs],
      envVariables: env,
      imagePullPolicy: kplus.ImagePullPolicy.ALWAYS,
      securityContext: RESTRICTED_CONTAINER,
    });
    exporter.mount(work, home);
    exporter.mount('/export', exported);
    exporter.mount('/tmp', tmp);
    uploader.mount('/export', exported, { readOnly: true });
  }
}

/**
 * The upload, one line; $1 the realm, $2 the folder's URL (path style: <endpoint>/<bucket>/<path>/<realm>), $3 the
 * region. The object is named by the time the export was written; curl hides --user's value from the process list. S3
 * requires x-amz-content-sha256 on every SigV4 request. Only newer curls add it to an S3 upload by themselves (curl PR
 * #9995); given as a header, curl signs it and signs the request with its value (PR #9804; the tests check this against
 * a SigV4-verifying stand-in).
 */
const UPLOAD_SCRIPT = [
  'set -eu',
  'file="/export/$1-realm.json"',
  '[ -s "$file" ] || { echo "realm-export: FAILED: $file is missing or empty"; exit 1; }',
  'url="$2/$1-$(date -u -r "$file" +%Y%m%dT%H%M%SZ).json"',
  'curl --fail --silent --show-error --retry 3 --retry-delay 10 --retry-connrefused --max-time 300' +
    ' --aws-sigv4 "aws:amz:$3:s3" --user "$ACCESS_KEY_ID:$ACCESS_SECRET_KEY"' +
    ' --header "x-amz-content-sha256: UNSIGNED-PAYLOAD" --header "Content-Type: application/json"' +
    ' --upload-file "$file" "$url" || { echo "realm-export: FAILED: upload to $url"; exit 1; }',
  'echo "realm-export: $(wc -c < "$file") bytes to $url"',
].join('; ');

/** The settings of props, with the defaults: the platform's, or those of the Keycloak database's backup. */
function resolveSettings(props: RealmExportProps): RealmExportSettings {
  const backup = props.keycloak.database.backup;
  return {
    schedule: props.schedule ?? REALM_EXPORT_DEFAULTS.schedule,
    maxGapSeconds: REALM_EXPORT_DEFAULTS.maxGapSeconds,
    destinationPath: props.destinationPath ?? (backup && `${backup.destinationPath.replace(/\/+$/, '')}${REALM_EXPORT_DEFAULTS.destinationSuffix}`),
    endpointUrl: props.endpointUrl ?? backup?.endpointUrl,
    credentialsSecret: props.credentialsSecret ?? backup?.credentialsSecret,
    region: props.region ?? REALM_EXPORT_DEFAULTS.region,
    image: props.image ?? REALM_EXPORT_DEFAULTS.image,
    resources: props.resources ?? REALM_EXPORT_DEFAULTS.resources,
  };
}

/** The fields of a 5-field cron, as cdk8s takes them. */
function cronOptions(schedule: string) {
  const [minute, hour, day, month, weekDay] = schedule.trim().split(/\s+/);
  return { minute, hour, day, month, weekDay };
}
