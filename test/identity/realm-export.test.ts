import { spawn } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Connections, defineProduct, Keycloak, REALM_EXPORT_DEFAULTS, RealmExport, RealmExportProps } from '../../lib';
import { findings } from '../gate/fixtures';
import { containersOf, find, Manifest, productChart, settingProblems, synth, testChart, testEnvironment, WEB_PRODUCT } from '../util';

const OBJECT_STORE = { cidrs: ['198.51.100.10/32'], ports: [443] };
const BACKUP = {
  destinationPath: 's3://eaf-backups/dvmm/production-keycloak/',
  endpointUrl: 'https://s3.eaf.example.com',
  credentialsSecret: 'dvmm-backup-s3',
};

/** A Keycloak whose database is backed up, and its realm export with `props`. */
function exported(props: Partial<RealmExportProps> = {}, backup: typeof BACKUP | null = BACKUP) {
  const chart = testChart();
  const keycloak = new Keycloak(chart, 'keycloak', { hostname: 'auth.example.com', databaseOptions: { backup: backup ?? undefined } });
  const realmExport = new RealmExport(chart, 'realm-export', { keycloak, realm: 'dvmm', objectStore: OBJECT_STORE, ...props });
  return { chart, keycloak, realmExport, manifests: synth(chart) };
}

const podOf = (cronJob: Manifest) => cronJob.spec.jobTemplate.spec.template;
const containerNamed = (cronJob: Manifest, name: string) => {
  const pod = podOf(cronJob).spec;
  return [...pod.initContainers, ...pod.containers].find((c: any) => c.name === name);
};
const envOf = (container: any): Record<string, unknown> => Object.fromEntries(container.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));

/** DVMM-shaped product importing the `dvmm` realm, with the realm export switched on in production. */
const PRODUCT = defineProduct({ ...WEB_PRODUCT, identity: { kind: 'keycloak', realm: { realm: 'dvmm' } } });
function productEnvironment(realmExport: Record<string, unknown> = {}, overrides: Parameters<typeof testEnvironment>[0] = {}) {
  return testEnvironment({
    identity: { database: { backup: BACKUP }, realmExport },
    network: { objectStore: OBJECT_STORE },
    ...overrides,
  });
}

describe('RealmExport', () => {
  test('runs daily at 03:00 UTC, never twice at once, with bounded history, a starting deadline, retries and a deadline', () => {
    const { manifests, realmExport } = exported();
    const cronJob = find(manifests, 'CronJob', 'keycloak-realm-export');
    expect(cronJob.spec).toMatchObject({
      schedule: '0 3 * * *',
      timeZone: 'Etc/UTC',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 3600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      suspend: false,
      jobTemplate: { spec: { backoffLimit: 2, activeDeadlineSeconds: 1800 } },
    });
    expect(realmExport.schedule).toBe('0 3 * * *');
    // another daily time is taken as written
    expect(find(exported({ schedule: '30 1 * * *' }).manifests, 'CronJob', 'keycloak-realm-export').spec.schedule).toBe('30 1 * * *');
  });

  test("exports the realm with kc.sh, in the image Keycloak runs, from a writable copy of Keycloak, into one file with the realm's users", () => {
    const { manifests, keycloak, realmExport } = exported();
    const cronJob = find(manifests, 'CronJob', 'keycloak-realm-export');
    expect(podOf(cronJob).spec.initContainers.map((c: any) => c.name)).toEqual(['copy', 'export']);
    const copy = containerNamed(cronJob, 'copy');
    expect([copy.image, copy.command]).toEqual([keycloak.image, ['cp', '-R', '/opt/keycloak/.', '/work/keycloak/']]);
    const exporter = containerNamed(cronJob, 'export');
    expect(exporter.image).toBe('quay.io/keycloak/keycloak:26.0.7');
    expect(exporter.command).toEqual(['/work/keycloak/bin/kc.sh']);
    // one file, the realm with its users: Keycloak 26 refuses --users beside --file (but same_file), and always writes the users
    expect(exporter.args).toEqual(['export', '--realm', 'dvmm', '--file', '/export/dvmm-realm.json']);
    expect(realmExport.exportArgs).toEqual(exporter.args);
    expect(exporter.volumeMounts).toEqual([
      { name: 'keycloak', mountPath: '/work/keycloak' },
      { name: 'export', mountPath: '/export' },
      { name: 'tmp', mountPath: '/tmp' },
    ]);
    // the image a workload-backend Keycloak runs is the image its export runs
    const chart = testChart();
    const optimized = new Keycloak(chart, 'keycloak', {
      hostname: 'auth.example.com',
      backend: 'workload',
      image: 'registry.example.com/keycloak-optimized:26.0.7',
    });
    new RealmExport(chart, 'realm-export', {
      keycloak: optimized,
      realm: 'dvmm',
      objectStore: OBJECT_STORE,
      destinationPath: 's3://realm-exports/dvmm',
      credentialsSecret: 'realm-export-s3',
    });
    const workloadExport = find(synth(chart), 'CronJob', 'keycloak-realm-export');
    expect(['copy', 'export'].map((name) => containerNamed(workloadExport, name).image)).toEqual([
      'registry.example.com/keycloak-optimized:26.0.7',
      'registry.example.com/keycloak-optimized:26.0.7',
    ]);
  });

  test("reads Keycloak's database with Keycloak's own settings and credentials by reference, over TLS only, in one consistent snapshot, with a local cache", () => {
    // GIVEN a workload-backend Keycloak, whose StatefulSet shows the settings it starts with
    const chart = testChart();
    const keycloak = new Keycloak(chart, 'keycloak', {
      hostname: 'auth.example.com',
      backend: 'workload',
      image: 'registry.example.com/keycloak-optimized:26.0.7',
    });
    new RealmExport(chart, 'realm-export', {
      keycloak,
      realm: 'dvmm',
      objectStore: OBJECT_STORE,
      destinationPath: 's3://realm-exports/dvmm',
      credentialsSecret: 'realm-export-s3',
    });
    const manifests = synth(chart);
    const env = envOf(containerNamed(find(manifests, 'CronJob', 'keycloak-realm-export'), 'export'));
    const server = envOf(containersOf(manifests.filter((m) => m.kind === 'StatefulSet'))[0].container);
    // THEN the database settings are the server's, one for one
    const database = ['KC_DB', 'KC_DB_URL_HOST', 'KC_DB_URL_PORT', 'KC_DB_URL_DATABASE', 'KC_DB_USERNAME', 'KC_DB_PASSWORD'];
    expect(Object.fromEntries(database.map((k) => [k, env[k]]))).toEqual(Object.fromEntries(database.map((k) => [k, server[k]])));
    expect(env).toMatchObject({
      KC_DB: 'postgres',
      KC_DB_URL_HOST: 'keycloak-db-rw',
      KC_DB_URL_PORT: '5432',
      KC_DB_URL_DATABASE: 'keycloak',
      KC_DB_USERNAME: { secretKeyRef: { name: 'keycloak-db-credentials', key: 'username' } },
      KC_DB_PASSWORD: { secretKeyRef: { name: 'keycloak-db-credentials', key: 'password' } },
      KC_CACHE: 'local',
      KC_HTTP_ENABLED: 'true',
      KC_HOSTNAME_STRICT: 'false',
    });
    // AND the JDBC URL requires TLS and makes every transaction REPEATABLE READ (a space in the value escaped for PostgreSQL)
    const properties = new URLSearchParams(String(env.KC_DB_URL_PROPERTIES).replace(/^\?/, ''));
    expect(properties.get('sslmode')).toBe('require');
    expect(properties.get('options')).toBe('-c default_transaction_isolation=repeatable\\ read');
    expect(String(env.KC_DB_URL_PROPERTIES)).toBe('?sslmode=require&options=-c%20default_transaction_isolation%3Drepeatable%5C%20read');
  });

  test("writes to a dated object under <destinationPath>/<realm>/, by default next to the Keycloak database's backups, with their endpoint and keys by reference", () => {
    const { manifests, realmExport } = exported();
    const upload = containerNamed(find(manifests, 'CronJob', 'keycloak-realm-export'), 'upload');
    expect(realmExport.destinationPath).toBe('s3://eaf-backups/dvmm/production-keycloak-realm');
    expect(realmExport.objectName).toBe('s3://eaf-backups/dvmm/production-keycloak-realm/dvmm/dvmm-<YYYYMMDDTHHMMSSZ>.json');
    expect([realmExport.endpointUrl, realmExport.credentialsSecret]).toEqual(['https://s3.eaf.example.com', 'dvmm-backup-s3']);
    expect(upload.image).toBe('registry.eaf.example.com/platform/curl:8.11.1');
    expect(upload.command).toEqual(['/bin/sh', '-c', realmExport.uploadScript, 'realm-export']);
    // realm, the folder's URL (path style), the signing region
    expect(upload.args).toEqual(['dvmm', 'https://s3.eaf.example.com/eaf-backups/dvmm/production-keycloak-realm/dvmm', 'us-east-1']);
    expect(realmExport.uploadScript).toContain('url="$2/$1-$(date -u -r "$file" +%Y%m%dT%H%M%SZ).json"');
    expect(realmExport.uploadScript).toContain('--aws-sigv4 "aws:amz:$3:s3"');
    expect(envOf(upload)).toEqual({
      ACCESS_KEY_ID: { secretKeyRef: { name: 'dvmm-backup-s3', key: 'ACCESS_KEY_ID' } },
      ACCESS_SECRET_KEY: { secretKeyRef: { name: 'dvmm-backup-s3', key: 'ACCESS_SECRET_KEY' } },
    });
    expect(upload.volumeMounts).toEqual([{ name: 'export', mountPath: '/export', readOnly: true }]);
  });

  test('takes a destination, endpoint, keys, region and uploader of its own; without an endpoint it signs for AWS S3 in the region', () => {
    const { manifests, realmExport } = exported(
      {
        destinationPath: 's3://realm-exports/dvmm',
        credentialsSecret: 'realm-export-s3',
        region: 'eu-central-1',
        image: 'registry.eaf.example.com/tools/curl:8.12.0',
      },
      null,
    );
    const upload = containerNamed(find(manifests, 'CronJob', 'keycloak-realm-export'), 'upload');
    expect(upload.args).toEqual(['dvmm', 'https://s3.eu-central-1.amazonaws.com/realm-exports/dvmm/dvmm', 'eu-central-1']);
    expect(upload.image).toBe('registry.eaf.example.com/tools/curl:8.12.0');
    expect(envOf(upload).ACCESS_SECRET_KEY).toEqual({ secretKeyRef: { name: 'realm-export-s3', key: 'ACCESS_SECRET_KEY' } });
    expect(realmExport.objectName).toBe('s3://realm-exports/dvmm/dvmm/dvmm-<YYYYMMDDTHHMMSSZ>.json');
  });

  test('runs restricted: non-root without a fixed UID, read-only root with emptyDir scratch, nothing escalated, no capability, RuntimeDefault seccomp, no token, every container sized', () => {
    const { manifests } = exported();
    const pod = podOf(find(manifests, 'CronJob', 'keycloak-realm-export'));
    expect(pod.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'keycloak-realm-export' });
    expect(pod.spec).toMatchObject({ automountServiceAccountToken: false, restartPolicy: 'Never', securityContext: { runAsNonRoot: true } });
    expect(pod.spec.securityContext.runAsUser).toBeUndefined();
    expect(pod.spec.volumes).toEqual([
      { name: 'export', emptyDir: {} },
      { name: 'keycloak', emptyDir: {} },
      { name: 'tmp', emptyDir: {} },
    ]);
    const containers = [...pod.spec.initContainers, ...pod.spec.containers];
    expect(containers).toHaveLength(3);
    for (const container of containers) {
      expect(container.securityContext).toEqual({
        runAsNonRoot: true,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        privileged: false,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(container.imagePullPolicy).toBe('Always');
    }
    expect(Object.fromEntries(containers.map((c: any) => [c.name, c.resources]))).toEqual({
      copy: {
        requests: { 'cpu': '50m', 'memory': '32Mi', 'ephemeral-storage': '512Mi' },
        limits: { 'cpu': '500m', 'memory': '64Mi', 'ephemeral-storage': '1Gi' },
      },
      export: {
        requests: { 'cpu': '250m', 'memory': '1Gi', 'ephemeral-storage': '512Mi' },
        limits: { 'cpu': '2', 'memory': '1536Mi', 'ephemeral-storage': '1Gi' },
      },
      upload: {
        requests: { 'cpu': '10m', 'memory': '32Mi', 'ephemeral-storage': '16Mi' },
        limits: { 'cpu': '200m', 'memory': '64Mi', 'ephemeral-storage': '64Mi' },
      },
    });
    // the export's size is given exactly as written
    const sized = exported({ resources: { requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '2', memory: '2Gi' } } });
    expect(containerNamed(find(sized.manifests, 'CronJob', 'keycloak-realm-export'), 'export').resources).toEqual({
      requests: { cpu: '500m', memory: '2Gi' },
      limits: { cpu: '2', memory: '2Gi' },
    });
  });

  test('holds no secret value: every key and password comes from a Secret by reference, and no Secret is rendered', () => {
    const { manifests } = exported();
    const cronJob = find(manifests, 'CronJob', 'keycloak-realm-export');
    const pod = podOf(cronJob).spec;
    const variables = [...pod.initContainers, ...pod.containers].flatMap((c: any) => c.env ?? []);
    const sensitive = variables.filter((e: any) => /KEY|SECRET|PASSWORD|USERNAME/.test(e.name));
    expect(sensitive.map((e: any) => e.name)).toEqual(['KC_DB_USERNAME', 'KC_DB_PASSWORD', 'ACCESS_KEY_ID', 'ACCESS_SECRET_KEY']);
    expect(sensitive.every((e: any) => e.value === undefined && e.valueFrom.secretKeyRef !== undefined)).toBe(true);
    expect(manifests.filter((m) => m.kind === 'Secret')).toEqual([]);
  });

  test("records its edges: to Keycloak's database like a database client, and to the object store; it is a peer selected by its pod labels", () => {
    const { chart, realmExport } = exported();
    const record = Connections.of(chart);
    expect(record.edges.filter((e) => e.from === realmExport).map((e) => `${e.from.peerName}->${e.to.peerName}:${e.port}/${e.purpose}`)).toEqual([
      'keycloak-realm-export->keycloak-db:5432/database',
    ]);
    expect(record.externalEdges.filter((e) => e.from === realmExport).map((e) => [e.name, e.endpoint, e.purpose])).toEqual([
      ['object store', OBJECT_STORE, 'realm export upload'],
    ]);
    expect([realmExport.peerName, realmExport.podSelector]).toEqual(['keycloak-realm-export', { 'app.kubernetes.io/name': 'keycloak-realm-export' }]);
  });

  test("connects through Keycloak's database pooler when it has one", () => {
    const chart = testChart();
    const keycloak = new Keycloak(chart, 'keycloak', { hostname: 'auth.example.com', databaseOptions: { pooler: {}, backup: BACKUP } });
    const realmExport = new RealmExport(chart, 'realm-export', { keycloak, realm: 'dvmm', objectStore: OBJECT_STORE });
    expect(envOf(containerNamed(find(synth(chart), 'CronJob', 'keycloak-realm-export'), 'export')).KC_DB_URL_HOST).toBe('keycloak-db-pooler-rw');
    expect(
      Connections.of(chart)
        .edges.filter((e) => e.from === realmExport)
        .map((e) => e.to.peerName),
    ).toEqual(['keycloak-db-pooler-rw']);
  });

  test('fails on a schedule that is not a 5-field cron or runs less often than daily, naming each', () => {
    expect(() => exported({ schedule: '0 0 3 * * *' })).toThrow(
      'test/realm-export: schedule is not a 5-field cron (got "0 0 3 * * *"); use minute hour day month weekday (UTC), e.g. \'0 3 * * *\'',
    );
    expect(() => exported({ schedule: '0 3 * * 99' })).toThrow('test/realm-export: schedule is not a 5-field cron (got "0 3 * * 99")');
    expect(() => exported({ schedule: '0 3 * * 1' })).toThrow(
      'test/realm-export: schedule runs less often than daily (up to 7 days apart) (got "0 3 * * 1"); the platform exports the realm daily: use a schedule that runs every day, e.g. \'0 3 * * *\'',
    );
    expect(() => exported({ schedule: '0 */6 * * *' })).not.toThrow();
  });

  test('fails without a destination or keys when the Keycloak database has no backup to take them from', () => {
    expect(() => exported({}, null)).toThrow(
      [
        'test/realm-export: destinationPath is required: the Keycloak database has no backup to derive it from (got nothing); give destinationPath (s3://<bucket>/<path>), or configure a backup of the Keycloak database',
        'test/realm-export: credentialsSecret is required: the Keycloak database has no backup to take it from (got nothing); name the Secret holding ACCESS_KEY_ID and ACCESS_SECRET_KEY',
      ].join('\n'),
    );
  });

  test('fails on a bad realm, destination, endpoint, keys, region, image, size and object store, reporting them all at once', () => {
    const run = () =>
      exported({
        realm: 'my realm',
        destinationPath: 'eaf-backups/realm',
        endpointUrl: 'http://s3.example.com',
        credentialsSecret: 'Backup_S3',
        region: 'EU Central',
        image: 'curl',
        resources: { requests: { cpu: '2', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } },
        objectStore: { cidrs: ['198.51.100.300/32'], ports: [443] },
      });
    expect(run).toThrow(
      [
        'test/realm-export: realm is not a realm name the export can use as a file and object name (got "my realm"); use letters, digits, ., _ and -, starting with a letter or digit',
        'test/realm-export: destinationPath is not an s3:// URL (got "eaf-backups/realm"); use s3://<bucket>/<path>',
        'test/realm-export: endpointUrl is not an https:// URL (got "http://s3.example.com"); use the https:// endpoint of the object store',
        'test/realm-export: credentialsSecret is not a Secret name (got "Backup_S3"); use a lower-case DNS name such as app.example.com',
        'test/realm-export: region is not a region name (got "EU Central"); use a region such as us-east-1',
        'test/realm-export: image is not an image reference with a tag or digest (got "curl"); use an image with tag or digest, e.g. ghcr.io/cloudnative-pg/postgresql:17.6 or ...@sha256:<digest>',
        'test/realm-export: resources.limits.cpu is below its request 2 (got "1"); raise the limit to at least 2',
        'test/realm-export: objectStore.cidrs[0] is not a CIDR (got "198.51.100.300/32"); use a CIDR such as 10.0.0.0/24 or 192.0.2.10/32 (IPv4 prefixes up to /32, IPv6 up to /128)',
      ].join('\n'),
    );
    expect(() => exported({ destinationPath: 's3://eaf-backups/realm exports' })).toThrow(
      'test/realm-export: destinationPath has characters an object name cannot carry unencoded (got "s3://eaf-backups/realm exports"); use letters, digits, ., _, - and / in the path',
    );
  });
});

describe('the realm export in a product', () => {
  test('is off unless the environment sets identity.realmExport', () => {
    const chart = productChart(testEnvironment(), PRODUCT);
    expect(chart.realmExport).toBeUndefined();
    expect(synth(chart).filter((m) => m.kind === 'CronJob')).toEqual([]);
  });

  test("is switched on by identity.realmExport: the product's realm, next to the Keycloak database's backups, in the wave after that database", () => {
    const chart = productChart(productEnvironment({ resources: { limits: { memory: '2Gi' } } }), PRODUCT);
    const manifests = synth(chart);
    const cronJob = find(manifests, 'CronJob', 'keycloak-realm-export');
    expect(containerNamed(cronJob, 'export').args).toContain('dvmm');
    expect(chart.realmExport!.objectName).toBe('s3://eaf-backups/dvmm/production-keycloak-realm/dvmm/dvmm-<YYYYMMDDTHHMMSSZ>.json');
    // the environment's size overrides are merged over the defaults
    expect(containerNamed(cronJob, 'export').resources.limits).toEqual({ 'cpu': '2', 'memory': '2Gi', 'ephemeral-storage': '1Gi' });
    // its wave follows from its database edge: after Keycloak's database
    const waves = chart.syncWaves.peerWaves;
    expect(waves.get('keycloak-realm-export')).toBe(waves.get('keycloak-db')! + 1);
    expect(cronJob.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe(String(waves.get('keycloak-realm-export')));
  });

  test("the default-deny policies let exactly its flows through: Keycloak's database, the object store, DNS", () => {
    const chart = productChart(productEnvironment(), PRODUCT);
    const manifests = synth(chart);
    const egress = find(manifests, 'NetworkPolicy', 'keycloak-realm-export-egress');
    expect(egress.spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'keycloak-realm-export' } },
      policyTypes: ['Egress'],
      egress: [
        { to: [{ podSelector: { matchLabels: { 'cnpg.io/cluster': 'keycloak-db' } } }], ports: [{ port: 5432, protocol: 'TCP' }] },
        { to: [{ ipBlock: { cidr: '198.51.100.10/32' } }], ports: [{ port: 443, protocol: 'TCP' }] },
      ],
    });
    const dbIngress = find(manifests, 'NetworkPolicy', 'keycloak-db-ingress').spec.ingress;
    expect(dbIngress).toContainEqual({
      from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'keycloak-realm-export' } } }],
      ports: [{ port: 5432, protocol: 'TCP' }],
    });
    expect(find(manifests, 'NetworkPolicy', 'allow-dns').spec.podSelector).toEqual({});
    expect(chart.networkPolicies.flows.filter((f) => f.from === 'keycloak-realm-export')).toEqual([
      { from: 'keycloak-realm-export', to: 'keycloak-db', ports: 'TCP 5432', reason: 'database' },
      { from: 'keycloak-realm-export', to: 'object store', ports: 'TCP 443', reason: 'realm export upload' },
    ]);
  });

  test('passes the gate in a critical environment that allows only the platform registries', () => {
    const manifests = synth(productChart(productEnvironment(), PRODUCT));
    const registries = ['registry.eaf.example.com/', 'quay.io/keycloak/', 'ghcr.io/cloudnative-pg/', 'registry.example.com/'];
    expect(findings(manifests, { allowedRegistries: registries })).toEqual([]);
    // an uploader from elsewhere is refused by the gate
    const elsewhere = synth(productChart(productEnvironment({ image: 'docker.io/curlimages/curl:8.11.1' }), PRODUCT));
    expect(findings(elsewhere, { allowedRegistries: registries }).filter((f) => f.includes('keycloak-realm-export'))).toEqual([
      expect.stringContaining('image-registry-allowed'),
    ]);
  });

  test('fails without the object store to upload to, and without a realm to export, naming the settings', () => {
    const product = defineProduct({ ...WEB_PRODUCT, identity: { kind: 'keycloak' } });
    expect(settingProblems(() => productChart(productEnvironment({}, { network: {} }), product))).toEqual([
      'identity.realmExport.realm: is required: the product imports no realm to take its name from (got nothing); name the realm to export, e.g. realm: dvmm',
      'network.objectStore: is required by identity.realmExport: the export is uploaded to the object store (got nothing); give network.objectStore (the cidrs and ports of the object store)',
    ]);
    // a realm named in the environment is enough
    expect(productChart(productEnvironment({ realm: 'staff' }), product).realmExport!.realm).toBe('staff');
  });

  test("reports the construct's problems against the environment's settings", () => {
    expect(settingProblems(() => productChart(productEnvironment({ schedule: '0 3 * * 1', endpointUrl: 'http://s3.example.com' }), PRODUCT))).toEqual(
      [
        'identity.realmExport.schedule: runs less often than daily (up to 7 days apart) (got "0 3 * * 1"); the platform exports the realm daily: use a schedule that runs every day, e.g. \'0 3 * * *\'',
        'identity.realmExport.endpointUrl: is not an https:// URL (got "http://s3.example.com"); use the https:// endpoint of the object store',
      ],
    );
  });
});

describe("the upload script, run by a real shell and curl against a local S3 stand-in that checks the request's SigV4 signature", () => {
  const http = require('http') as typeof import('http');
  const KEYS = { ACCESS_KEY_ID: 'AKIDEXAMPLE', ACCESS_SECRET_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
  let server: import('http').Server;
  let port: number;
  const received: Array<{ method?: string; url?: string; body: string; verified: boolean; headers: Record<string, unknown> }> = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => {
        body += d.toString();
      });
      req.on('end', () => {
        const verified = verifySigV4(req.method!, req.url!, req.headers, KEYS.ACCESS_SECRET_KEY);
        received.push({ method: req.method, url: req.url, body, verified, headers: req.headers });
        res.statusCode = verified ? 200 : 403;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as import('net').AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** Runs the upload container's command with `/export` moved to a temporary folder holding `content` (none when undefined). */
  const run = (content: string | undefined, secret = KEYS.ACCESS_SECRET_KEY) => {
    const { manifests } = exported();
    const upload = containerNamed(find(manifests, 'CronJob', 'keycloak-realm-export'), 'upload');
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'realm-export-'));
    if (content !== undefined) {
      fs.writeFileSync(path.join(folder, 'dvmm-realm.json'), content);
      fs.utimesSync(path.join(folder, 'dvmm-realm.json'), new Date('2026-11-01T03:00:42Z'), new Date('2026-11-01T03:00:42Z'));
    }
    const script = (upload.command[2] as string).split('/export/').join(`${folder}/`);
    const args = [upload.args[0], `http://127.0.0.1:${port}/eaf-backups/dvmm/production-keycloak-realm/dvmm`, upload.args[2]];
    return new Promise<{ status: number | null; stdout: string }>((resolve) => {
      const child = spawn(upload.command[0], [upload.command[1], script, upload.command[3], ...args], {
        env: { PATH: process.env.PATH, ...KEYS, ACCESS_SECRET_KEY: secret },
      });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
      });
      child.stderr.on('data', (d: Buffer) => {
        stdout += d.toString();
      });
      child.on('close', (status: number | null) => {
        fs.rmSync(folder, { recursive: true, force: true });
        resolve({ status, stdout });
      });
    });
  };

  test('PUTs the file to <folder>/<realm>-<the time it was written, UTC>.json, signed for S3 with the keys from the environment', async () => {
    received.length = 0;
    const result = await run('{"realm":"dvmm","users":[]}');
    expect(result.status).toBe(0);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      method: 'PUT',
      url: '/eaf-backups/dvmm/production-keycloak-realm/dvmm/dvmm-20261101T030042Z.json',
      body: '{"realm":"dvmm","users":[]}',
      verified: true,
    });
    expect(String(received[0].headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/s3\/aws4_request, /);
    expect(result.stdout).toContain(
      `realm-export: 27 bytes to http://127.0.0.1:${port}/eaf-backups/dvmm/production-keycloak-realm/dvmm/dvmm-20261101T030042Z.json`,
    );
    expect(result.stdout).not.toContain(KEYS.ACCESS_SECRET_KEY);
  });

  test('fails (exit 1) when the store refuses the upload, naming the object', async () => {
    const result = await run('{"realm":"dvmm"}', 'not-the-key');
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(
      `realm-export: FAILED: upload to http://127.0.0.1:${port}/eaf-backups/dvmm/production-keycloak-realm/dvmm/dvmm-20261101T030042Z.json`,
    );
    expect(result.stdout).not.toContain('not-the-key');
  });

  test('fails (exit 1) without uploading when the export wrote nothing', async () => {
    received.length = 0;
    const missing = await run(undefined);
    const empty = await run('');
    expect([missing.status, empty.status]).toEqual([1, 1]);
    expect(missing.stdout).toMatch(/realm-export: FAILED: .*\/dvmm-realm\.json is missing or empty/);
    expect(empty.stdout).toMatch(/realm-export: FAILED: .*\/dvmm-realm\.json is missing or empty/);
    expect(received).toEqual([]);
  });
});

/** Checks an S3 request's AWS Signature Version 4 (header form) as the store would: the canonical request, signed with the secret key. */
function verifySigV4(method: string, url: string, headers: import('http').IncomingHttpHeaders, secret: string): boolean {
  const match = /^AWS4-HMAC-SHA256 Credential=[^/]+\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
    String(headers.authorization ?? ''),
  );
  if (match === null) return false;
  const [, date, region, service, signedHeaders, signature] = match;
  const [pathPart, query = ''] = url.split('?');
  const canonicalHeaders = signedHeaders
    .split(';')
    .map((h) => `${h}:${String(headers[h]).trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const canonicalRequest = [method, pathPart, query, canonicalHeaders, signedHeaders, String(headers['x-amz-content-sha256'])].join('\n');
  const amzDate = String(headers['x-amz-date']);
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, crypto.createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  const hmac = (key: crypto.BinaryLike, data: string) => crypto.createHmac('sha256', key).update(data).digest();
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
  return crypto.createHmac('sha256', signingKey).update(stringToSign).digest('hex') === signature && service === 's3';
}

test('REALM_EXPORT_DEFAULTS is frozen', () => {
  expect(Object.isFrozen(REALM_EXPORT_DEFAULTS)).toBe(true);
  expect(Object.isFrozen(REALM_EXPORT_DEFAULTS.resources.limits)).toBe(true);
});
