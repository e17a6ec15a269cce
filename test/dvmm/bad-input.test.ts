import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../synth';
import { readTree } from '../tree';

/**
 * The bad-input catalogue: each case breaks one environment file the way people do, runs the real
 * program, and asserts the exact problem it prints, exit code 1, and a byte-identical dist/.
 */

const ENVIRONMENTS = path.join(__dirname, '..', '..', 'environments');

interface Case {
  /** What is wrong. */
  readonly name: string;
  /** The file to break. @default 'production.yaml' */
  readonly file?: string;
  /** How to break it: a function of the file's text, or the new text. */
  readonly edit: ((text: string) => string) | string;
  /** The edit's result is bytes as Latin-1 (to write a file that is not UTF-8). @default false */
  readonly latin1?: boolean;
  /** A line the program must print (`<file>` stands for the broken file's path, `<dir>` for the folder's). */
  readonly expected: string;
  /** More lines it must print in the same run (every problem at once). @default - none */
  readonly alsoExpected?: readonly string[];
  /** The other environment files of environments/ the case needs beside the broken one. @default - none */
  readonly beside?: readonly string[];
  /** Changes the folder beyond the one file: extra files, links, folders. @default - none */
  readonly setup?: (dir: string) => void;
}

/** Replaces exactly one occurrence, so a case fails loudly when the fixture changes. */
function replaceOnce(from: string | RegExp, to: string): (text: string) => string {
  return (text) => {
    const count = typeof from === 'string' ? text.split(from).length - 1 : (text.match(new RegExp(from, 'g')) ?? []).length;
    if (count !== 1) throw new Error(`fixture edit expects exactly one ${from}, found ${count}`);
    return text.replace(from, to);
  };
}

const CASES: Case[] = [
  {
    name: 'negative replicas',
    edit: replaceOnce(
      '    tags: { blue: 1.4.2, green: 1.5.0 }\n    replicas: 3\n  frontend',
      '    tags: { blue: 1.4.2, green: 1.5.0 }\n    replicas: -1\n  frontend',
    ),
    expected: '<file>: components.api.replicas: must be >= 1 (got -1); use a whole number from 1 to 1000',
  },
  {
    name: 'zero replicas in production',
    edit: replaceOnce(/replicas: 3\n$/, 'replicas: 0\n'),
    expected: '<file>: components.frontend.replicas: must be >= 1 (got 0); use a whole number from 1 to 1000',
  },
  {
    name: 'replicas of the wrong type',
    edit: replaceOnce(/replicas: 3\n$/, 'replicas: three\n'),
    expected: '<file>: components.frontend.replicas: must be integer (got "three"); use a whole number from 1 to 1000',
  },
  {
    name: 'the moving tag latest',
    edit: replaceOnce('  api:\n    tags: { blue: 1.4.2,', '  api:\n    tags: { blue: latest,'),
    expected: '<file>: components.api.tags.blue: is a moving tag (got "latest"); pin an immutable version such as 1.4.2, or a sha256 digest',
  },
  {
    name: 'a branch name as tag in production',
    edit: replaceOnce('  frontend:\n    tags: { blue: 1.4.2, green: 1.5.0 }', '  frontend:\n    tags: { blue: 1.4.2, green: main }'),
    expected:
      '<file>: components.frontend.tags.green: must be a released version or a digest in a critical environment ' +
      '(got "main"); use a version such as 1.4.2, or a sha256 digest',
  },
  {
    name: 'a tag-less blue-green component',
    edit: replaceOnce('  api:\n    tags: { blue: 1.4.2, green: 1.5.0 }\n', '  api:\n'),
    expected: '<file>: components.api.tags: is required for a blue-green release (got nothing); set tags: { blue: <version>, green: <version> }',
  },
  {
    name: 'a tag with a space',
    edit: replaceOnce('  api:\n    tags: { blue: 1.4.2,', '  api:\n    tags: { blue: "1.4 2",'),
    expected:
      '<file>: components.api.tags.blue: has the wrong form (got "1.4 2"); use an image tag such as 1.4.2, or a digest sha256:<64 hex digits>',
  },
  {
    name: 'an image with its tag in the repository',
    edit: replaceOnce('  api:\n', '  api:\n    image: "Registry.example.com/dvmm/api:1.0"\n'),
    expected:
      '<file>: components.api.image: has the wrong form (got "Registry.example.com/dvmm/api:1.0"); use an image ' +
      'repository without tag, e.g. registry.example.com/dvmm/api',
  },
  {
    name: 'a missing component',
    edit: replaceOnce(/ {2}frontend:\n {4}tags: \{ blue: 1.4.2, green: 1.5.0 \}\n {4}replicas: 3\n$/, ''),
    expected: '<file>: components.frontend: is required (got nothing); give settings for api, frontend',
  },
  {
    name: 'an unknown key',
    edit: (t) => `${t}replica: 3\n`,
    expected:
      '<file>: replica: is not a known setting; remove it or use one of: namespace, critical, kubernetes, openshift, hosts, exposure, ' +
      'release, registries, databases, identity, network, egress, observability, delivery, components, secrets, ' +
      'waivers',
  },
  {
    name: 'an unknown key in a component',
    edit: replaceOnce(/replicas: 3\n$/, 'replicas: 3\n    replica: 2\n'),
    expected:
      '<file>: components.frontend.replica: is not a known setting; remove it or use one of: image, tag, tags, replicas, resources, autoscaling',
  },
  {
    name: 'a bad CPU quantity',
    edit: replaceOnce(/replicas: 3\n$/, 'replicas: 3\n    resources: { requests: { cpu: 2 cores } }\n'),
    expected:
      '<file>: components.frontend.resources.requests.cpu: has the wrong form (got "2 cores"); use a Kubernetes ' +
      'quantity such as 250m, 1, 512Mi or 1Gi',
  },
  {
    name: 'a bad memory quantity',
    edit: replaceOnce(/replicas: 3\n$/, 'replicas: 3\n    resources: { limits: { memory: 1GB } }\n'),
    expected:
      '<file>: components.frontend.resources.limits.memory: has the wrong form (got "1GB"); use a Kubernetes quantity such as 250m, 1, 512Mi or 1Gi',
  },
  {
    name: 'a memory of 1m (a thousandth of a byte), a likely unit mistake',
    edit: replaceOnce(/replicas: 3\n$/, 'replicas: 3\n    resources: { requests: { memory: 1m } }\n'),
    expected:
      '<file>: components.frontend.resources.requests.memory: is below 1Mi, a likely unit mistake (got "1m"); ' +
      'use at least 1Mi: m means a thousandth of a byte, Mi a mebibyte, e.g. 512Mi',
  },
  {
    name: 'a CPU below a millicore',
    edit: replaceOnce(/replicas: 3\n$/, 'replicas: 3\n    resources: { limits: { cpu: "0.0001" } }\n'),
    expected:
      '<file>: components.frontend.resources.limits.cpu: is below 1m, a likely unit mistake (got "0.0001"); ' +
      'use at least 1m (a thousandth of a core), e.g. 250m',
  },
  {
    name: 'a billion replicas',
    edit: replaceOnce(/replicas: 3\n$/, 'replicas: 1e9\n'),
    expected: '<file>: components.frontend.replicas: must be <= 1000 (got 1000000000); use a whole number from 1 to 1000',
  },
  {
    name: 'a backup cron that never fires (February 31st)',
    edit: replaceOnce('schedule: "0 0 2 * * *"', 'schedule: "0 0 2 31 2 *"'),
    expected:
      '<file>: databases.db.backup.schedule: never runs: no month it names (FEB) has day 31 (got "0 0 2 31 2 *"); ' +
      "use a day every month has (1 to 28), e.g. '0 0 2 1 * *' for 02:00 on the 1st",
  },
  {
    name: 'a realm export that never runs (April 31st)',
    edit: replaceOnce('schedule: "0 3 * * *"', 'schedule: "0 3 31 4,6 *"'),
    expected:
      '<file>: identity.realmExport.schedule: never runs: no month it names (APR, JUN) has day 31 (got "0 3 31 4,6 *"); ' +
      "use a day every month has (1 to 28), e.g. '0 3 * * *' for 03:00 daily",
  },
  {
    name: 'a limit below its request',
    edit: replaceOnce(/replicas: 3\n$/, 'replicas: 3\n    resources: { limits: { memory: 32Mi } }\n'),
    expected: '<file>: components.frontend.resources.limits.memory: is below its request 64Mi (got "32Mi"); raise the limit to at least 64Mi',
  },
  {
    name: 'a bad hostname',
    edit: replaceOnce('api: api.dvmm.eaf.example.com', 'api: API_dvmm'),
    expected: '<file>: hosts.api: has the wrong form (got "API_dvmm"); use a lower-case DNS name such as app.example.com',
  },
  {
    name: 'a hostname of 254 characters (253 at most), with its own length named',
    edit: replaceOnce('api: api.dvmm.eaf.example.com', `api: ${'a'.repeat(63)}.${'a'.repeat(63)}.${'a'.repeat(63)}.${'b'.repeat(58)}.com`),
    expected:
      `<file>: hosts.api: has the wrong form (got "${'a'.repeat(63)}.${'a'.repeat(63)}.${'a'.repeat(63)}.${'b'.repeat(7)}… ` +
      '(254 characters)); use a lower-case DNS name such as app.example.com',
  },
  {
    name: 'a missing hostname',
    edit: replaceOnce('  identity: auth.dvmm.eaf.example.com\n', ''),
    expected: '<file>: hosts.identity: is required (got nothing); give the hostnames for api, frontend, identity',
  },
  {
    name: 'a 5-field backup cron',
    edit: replaceOnce('schedule: "0 0 2 * * *"', 'schedule: "0 2 * * *"'),
    expected:
      '<file>: databases.db.backup.schedule: is not a 6-field CloudNativePG cron expression: it has 5 fields ' +
      '(got "0 2 * * *"); use seconds minutes hours day-of-month month day-of-week, e.g. \'0 0 2 * * *\' for ' +
      '02:00 daily',
  },
  {
    name: 'an RPO laxer than the platform allows in a critical environment',
    edit: replaceOnce('    rpo: 1h\n', '    rpo: 2h\n'),
    expected:
      '<file>: databases.db.rpo: is laxer than the platform allows in a critical environment (at most 1h) (got ' +
      '"2h"); use 1h or less, or set critical: false if this environment holds no production data',
  },
  {
    name: 'an archive timeout that cannot meet the RPO',
    edit: (t) =>
      replaceOnce('      retention: 30d\n', '      retention: 30d\n      archiveTimeout: 10min\n')(replaceOnce('    rpo: 1h\n', '    rpo: 15m\n')(t)),
    expected:
      '<file>: databases.db.backup.archiveTimeout: cannot meet the RPO of 15m: a WAL segment may wait this ' +
      'long before it is archived, and the upload needs the rest (got "10min"); use at most 450s (half the ' +
      'RPO), or leave it out to derive it from the RPO',
  },
  {
    name: 'two object-store backup tiers with different retentions',
    edit: replaceOnce(
      '      schedule: "0 0 2 * * *"   # CloudNativePG cron, seconds first: 02:00 daily\n      retention: 30d\n',
      '      tiers: [{ name: nightly, schedule: "0 0 1 * * *", retention: 14d }, { name: monthly, schedule: "0 0 3 1 * *", retention: 12m }]\n',
    ),
    expected:
      '<file>: databases.db.backup.tiers: keep object-store backups for different times (14d, 12m), which the ' +
      'barman-cloud plugin cannot do: it sends every backup of a cluster to its one ObjectStore and keeps them ' +
      'by one recovery window (plugin issues #611, #677) (got ["nightly: 14d","monthly: 12m"]); give the object-store ' +
      'tiers one retention, and make the longer-kept tier method: volume-snapshot',
  },
  {
    name: 'a bad retention',
    edit: replaceOnce('retention: 30d', 'retention: 30 days'),
    expected: '<file>: databases.db.backup.retention: is not a CloudNativePG retention policy (got "30 days"); use <number><d|w|m>, e.g. \'30d\'',
  },
  {
    name: 'an unknown colour',
    edit: replaceOnce('activeColor: blue', 'activeColor: red'),
    expected: '<file>: release.activeColor: must be equal to one of the allowed values (got "red"); use blue or green',
  },
  {
    name: 'negative idle replicas',
    edit: replaceOnce('idleReplicas: 3', 'idleReplicas: -1'),
    expected: '<file>: release.idleReplicas: must be >= 0 (got -1); use a whole number of at least 0',
  },
  {
    name: 'an unknown release strategy',
    edit: replaceOnce('strategy: blue-green', 'strategy: recreate'),
    expected: '<file>: release.strategy: must be equal to one of the allowed values (got "recreate"); use rolling, blue-green or canary',
  },
  {
    name: 'an unknown exposure kind',
    edit: replaceOnce('kind: route', 'kind: gateway'),
    expected: '<file>: exposure.kind: must be equal to one of the allowed values (got "gateway"); use ingress (Kubernetes) or route (OpenShift)',
  },
  {
    name: 'an ingress without a certificate issuer',
    file: 'dev.yaml',
    edit: replaceOnce('  clusterIssuer: letsencrypt-staging\n', ''),
    expected: '<file>: exposure.clusterIssuer: is required (got nothing); an ingress exposure takes clusterIssuer and optionally className',
  },
  {
    name: 'a rolling environment with blue-green tags',
    file: 'dev.yaml',
    edit: replaceOnce('  api:\n    tag: 1.5.0', '  api:\n    tags: { blue: 1.5.0, green: 1.5.0 }'),
    expected: '<file>: components.api.tag: is required for a rolling release (got nothing); set tag to the image version to run',
  },
  {
    name: 'production without backups',
    edit: replaceOnce(/ {4}backup:\n {6}destinationPath: s3:\/\/eaf-backups\/dvmm\/production\n( {6}.*\n){4}/, ''),
    expected:
      '<file>: databases.db.backup: is required in a critical environment (got nothing); configure databases.db.backup ' +
      '(destinationPath, credentialsSecret) so WAL is archived and backups are kept',
  },
  {
    name: 'a backup destination that is not S3',
    edit: replaceOnce('destinationPath: s3://eaf-backups/dvmm/production\n', 'destinationPath: /backups\n'),
    expected: '<file>: databases.db.backup.destinationPath: has the wrong form (got "/backups"); use s3://<bucket>/<path>',
  },
  {
    name: 'zero database instances',
    edit: replaceOnce('db:\n    instances: 3', 'db:\n    instances: 0'),
    expected: '<file>: databases.db.instances: must be >= 1 (got 0); use a whole number from 1 to 1000',
  },
  {
    name: 'an address that is no CIDR',
    edit: replaceOnce('smtp: { from: [api], cidrs: [198.51.100.25/32]', 'smtp: { from: [api], cidrs: [smtp.example.com]'),
    expected:
      '<file>: egress.smtp.cidrs.0: has the wrong form (got "smtp.example.com"); use a CIDR such as 10.0.0.0/24 ' +
      'or 192.0.2.10/32 (IPv4 prefixes up to /32, IPv6 up to /128)',
  },
  {
    name: 'a port out of range',
    edit: replaceOnce('ports: [587]', 'ports: [70000]'),
    expected: '<file>: egress.smtp.ports.0: must be <= 65535 (got 70000); use a TCP port from 1 to 65535',
  },
  {
    name: 'an autoscaler whose maximum is below its minimum',
    edit: replaceOnce(/replicas: 3\n$/, 'replicas: 3\n    autoscaling: { minReplicas: 4, maxReplicas: 2 }\n'),
    expected: '<file>: components.frontend.autoscaling.maxReplicas: must be at least minReplicas 4 (got 2); raise maxReplicas',
  },
  {
    name: 'a single replica in production (the gate)',
    edit: (t) => replaceOnce('idleReplicas: 3', 'idleReplicas: 1')(replaceOnce(/replicas: 3\n$/, 'replicas: 1\n')(t)),
    expected:
      'production: Deployment/dvmm-production/frontend-blue: [production-replicas] spec.replicas: must be at ' +
      'least 2 in a critical environment (got 1); fix: set spec.replicas to 2 or more, or scale it with a HorizontalPodAutoscaler ' +
      'whose minReplicas is at least 2',
  },
  {
    name: 'an image from a registry the environment does not allow (the gate)',
    edit: replaceOnce('  api:\n', '  api:\n    image: docker.io/someone/api\n'),
    expected:
      'production: Deployment/dvmm-production/api-blue: [image-registry-allowed] spec.template.spec.containers[0].image: ' +
      'is not from a registry allowed in production (got "docker.io/someone/api:1.4.2"); fix: use an image ' +
      'under registry.eaf.example.com/ or quay.io/keycloak/ or ghcr.io/cloudnative-pg/ (mirror it there first)',
  },
  {
    name: 'a waiver of an object the environment does not have',
    edit: (t) => `${t}waivers:\n  - { rule: production-replicas, object: Deployment/apii-blue, reason: the idle colour is scaled down on purpose }\n`,
    expected:
      '<file>: waivers.0.object: names no object of the environment (got "Deployment/apii-blue"); use one of: ' +
      'Deployment/api-blue, Deployment/api-green, Deployment/frontend-blue, Deployment/frontend-green',
  },
  {
    name: 'a waiver of a rule that cannot be waived',
    edit: (t) => `${t}waivers:\n  - { rule: schema-core, object: Deployment/api-blue, reason: the schema is wrong about this }\n`,
    expected:
      '<file>: waivers.0.rule: must be equal to one of the allowed values (got "schema-core"); name a waivable ' +
      'rule of the gate: openshift-restricted-v2, read-only-root-filesystem, resources-required, probes-required, image-tag-pinned, ' +
      'image-registry-allowed, production-replicas, network-policy-coverage, egress-internet, network-policy-allow-all, no-secret-data, ' +
      'secrets-in-plain-sight, service-selects-pods, ' +
      'dns-hostname, tls-required, apply-size, critical-sync-approval, rollout-analysis-required',
  },
  {
    name: 'an egress from a component DVMM does not have',
    edit: replaceOnce('smtp: { from: [api]', 'smtp: { from: [mailer]'),
    expected: '<file>: egress.smtp.from.0: must be equal to one of the allowed values (got "mailer"); name components of the product: api, frontend',
  },
  {
    name: 'a host for a component DVMM does not have',
    edit: replaceOnce('  api: api.dvmm.eaf.example.com\n', '  api: api.dvmm.eaf.example.com\n  admin: admin.dvmm.eaf.example.com\n'),
    expected: '<file>: hosts.admin: is not a known setting; remove it or use one of: api, frontend, identity',
  },
  { name: 'an empty file', edit: '', expected: '<file>: the file is empty; give at least hosts, exposure, release and components' },
  {
    name: 'a YAML syntax error',
    edit: replaceOnce('frontend: dvmm.eaf.example.com', 'frontend: "dvmm.eaf.example.com'),
    expected: '<file>: YAML error: Missing closing "quote at line 7, column 34; fix the YAML syntax',
  },
  {
    name: 'duplicate keys',
    edit: (t) => `${t}critical: false\n`,
    // the appended key is on the line after the file's last
    expected:
      `<file>: YAML error: Map keys must be unique at line ${fs.readFileSync(path.join(ENVIRONMENTS, 'production.yaml'), 'utf8').split('\n').length}, ` +
      `column 1; fix the YAML syntax`,
  },
  {
    name: 'a file for an environment with an invalid name',
    file: 'Prod_EU.yaml',
    edit: (t) => t,
    expected:
      '<file>: "Prod_EU" is not a valid environment name; rename the file to a lower-case DNS label of at most 20 characters, e.g. staging.yaml',
  },
  // ---- the folder: what it may hold ----
  {
    name: 'dev.yml beside dev.yaml',
    file: 'dev.yml',
    edit: (t) => t,
    beside: ['dev.yaml'],
    expected: '<file>: is a second file for the environment of dev.yaml; keep one of them (environment files end in .yaml)',
  },
  {
    name: 'an upper-case extension',
    file: 'qa.YAML',
    edit: (t) => t,
    expected: '<file>: environment files end in .yaml (lower case); rename it to qa.yaml',
  },
  {
    name: 'a dangling symbolic link',
    edit: (t) => t,
    setup: (dir) => fs.symlinkSync(path.join(dir, 'gone.yaml'), path.join(dir, 'qa.yaml')),
    expected: '<dir>/qa.yaml: is a symbolic link; environment files are regular files in this folder (copy the file instead of linking it)',
  },
  {
    name: 'a symbolic link to a folder',
    edit: (t) => t,
    setup: (dir) => fs.symlinkSync(os.tmpdir(), path.join(dir, 'tmp.yaml')),
    expected: '<dir>/tmp.yaml: is a symbolic link; environment files are regular files in this folder (copy the file instead of linking it)',
  },
  {
    name: 'a symbolic link to another environment file',
    edit: (t) => t,
    beside: ['staging.yaml'],
    setup: (dir) => fs.symlinkSync(path.join(dir, 'staging.yaml'), path.join(dir, 'qa.yaml')),
    expected: '<dir>/qa.yaml: is a symbolic link; environment files are regular files in this folder (copy the file instead of linking it)',
  },
  {
    name: 'a folder among the environment files',
    edit: (t) => t,
    setup: (dir) => fs.mkdirSync(path.join(dir, 'old.yaml')),
    expected: '<dir>/old.yaml: is a folder; the environments folder holds only <name>.yaml files (move it out)',
  },
  {
    name: 'a file that is not an environment file (its contents are never printed)',
    edit: (t) => t,
    setup: (dir) => fs.writeFileSync(path.join(dir, 'id_rsa'), '-----BEGIN OPENSSH PRIVATE KEY-----\n'),
    expected:
      '<dir>/id_rsa: is not an environment file; the environments folder holds only <name>.yaml files, *.md notes and hidden files (move it out)',
  },
  {
    name: 'a file above 1 MiB',
    file: 'qa.yaml',
    edit: (t) => `${t}\n#${'x'.repeat(1024 * 1024)}\n`,
    expected:
      `<file>: is ${Buffer.byteLength(fs.readFileSync(path.join(ENVIRONMENTS, 'production.yaml'), 'utf8')) + 1024 * 1024 + 3} ` +
      `bytes, above the 1048576-byte limit of an environment file; an environment file holds settings, not ` +
      `data`,
  },
  {
    name: 'a file that is not UTF-8',
    edit: (t) => Buffer.concat([Buffer.from(t.replace('# ', '# caf')), Buffer.from([0xe9, 0x0a])]).toString('latin1'),
    latin1: true,
    expected: '<file>: is not UTF-8 text; save it as UTF-8',
  },
  {
    name: 'a file with a NUL byte',
    edit: (t) => `${t}\u0000`,
    expected:
      `<file>: has a NUL byte at offset ${Buffer.byteLength(fs.readFileSync(path.join(ENVIRONMENTS, 'production.yaml'), 'utf8'))}, ` +
      `so it is not a text file; save the environment as UTF-8 YAML`,
  },
  {
    name: 'a YAML alias bomb',
    edit: (t) =>
      `${t}x-bomb:\n  a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n ` +
      ` c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n ` +
      ` e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n`,
    expected:
      '<file>: YAML error: Excessive alias count indicates a resource exhaustion attack; expand the aliases (*name) or share less through anchors',
  },
  // ---- identity across files, namespaces, hosts ----
  {
    name: 'two environments in one namespace',
    file: 'staging.yaml',
    edit: (t) => `namespace: dvmm-production\n${t}`,
    beside: ['production.yaml'],
    expected:
      '<file>: namespace: is also the namespace of <dir>/production.yaml (got "dvmm-production"); give each environment a namespace of its own',
    alsoExpected: [
      '<dir>/production.yaml: namespace: is also the namespace of <file> (got "dvmm-production", the default); ' +
        'give each environment a namespace of its own',
    ],
  },
  {
    name: "a verbatim copy of staging.yaml as qa.yaml: hosts, backup folders and secret-store prefix are staging's",
    file: 'qa.yaml',
    edit: () => fs.readFileSync(path.join(ENVIRONMENTS, 'staging.yaml'), 'utf8'),
    beside: ['staging.yaml'],
    expected:
      '<file>: hosts.api: is also a public host of <dir>/staging.yaml (got "api.dvmm.staging.eaf.example.com"); ' +
      "give each environment host names of its own: two environments behind one name would take each other's traffic",
    alsoExpected: [
      '<dir>/staging.yaml: hosts.api: is also a public host of <file> (got "api.dvmm.staging.eaf.example.com"); ' +
        "give each environment host names of its own: two environments behind one name would take each other's traffic",
      '<file>: databases.db.backup.destinationPath: is also the backup folder of <dir>/staging.yaml (got "s3://eaf-backups/dvmm/staging"); ' +
        "give each environment's backups a destinationPath of their own: two environments archiving into one folder overwrite each other's archive",
      '<file>: identity.realmExport.destinationPath: is also the backup folder of <dir>/staging.yaml ' +
        '(got "s3://eaf-backups/dvmm/staging-keycloak-realm"); ' +
        "give each environment's backups a destinationPath of their own: two environments archiving into one folder overwrite each other's archive",
      '<file>: secrets.remoteKeyPrefix: is also the secret-store prefix of <dir>/staging.yaml (got "dvmm/staging"); ' +
        "give each environment a remoteKeyPrefix of its own, e.g. <product>/<environment>: two environments would read each other's Secrets",
    ],
  },
  {
    name: 'a system namespace',
    edit: (t) => t.replace('critical:', 'namespace: kube-system\ncritical:'),
    expected:
      '<file>: namespace: is a system namespace (got "kube-system"); use a namespace of the product\'s own, ' +
      'e.g. <product>-<environment> (leave namespace out for that default)',
  },
  {
    name: 'an OpenShift namespace',
    edit: (t) => t.replace('critical:', 'namespace: openshift-monitoring\ncritical:'),
    expected:
      '<file>: namespace: is a system namespace (got "openshift-monitoring"); use a namespace of the product\'s ' +
      'own, e.g. <product>-<environment> (leave namespace out for that default)',
  },
  {
    name: 'the default namespace',
    edit: (t) => t.replace('critical:', 'namespace: default\ncritical:'),
    expected:
      '<file>: namespace: is a system namespace (got "default"); use a namespace of the product\'s own, e.g. ' +
      '<product>-<environment> (leave namespace out for that default)',
  },
  {
    name: 'the API and the frontend on the same host',
    edit: replaceOnce('api: api.dvmm.eaf.example.com', 'api: dvmm.eaf.example.com'),
    expected:
      '<file>: hosts.api: is already the host of frontend (got "dvmm.eaf.example.com"); give api a host of its own: one host routes to one service',
  },
  // ---- values the API server would reject ----
  {
    name: 'an IPv4 prefix above /32',
    edit: replaceOnce('cidrs: [198.51.100.25/32]', 'cidrs: [10.0.0.0/33]'),
    expected:
      '<file>: egress.smtp.cidrs.0: has the wrong form (got "10.0.0.0/33"); use a CIDR such as 10.0.0.0/24 ' +
      'or 192.0.2.10/32 (IPv4 prefixes up to /32, IPv6 up to /128)',
  },
  {
    name: 'an octet above 255',
    edit: replaceOnce('cidrs: [198.51.100.25/32]', 'cidrs: [198.51.100.256/32]'),
    expected:
      '<file>: egress.smtp.cidrs.0: has the wrong form (got "198.51.100.256/32"); use a CIDR such as 10.0.0.0/24 ' +
      'or 192.0.2.10/32 (IPv4 prefixes up to /32, IPv6 up to /128)',
  },
  {
    name: 'an IPv6 address with nine groups',
    edit: replaceOnce('cidrs: [198.51.100.25/32]', 'cidrs: ["1:2:3:4:5:6:7:8:9/64"]'),
    expected:
      '<file>: egress.smtp.cidrs.0: is not a CIDR (got "1:2:3:4:5:6:7:8:9/64"); use a CIDR such as 10.0.0.0/24 ' +
      'or 192.0.2.10/32 (IPv4 prefixes up to /32, IPv6 up to /128)',
  },
  {
    name: 'a database volume of size 0',
    edit: replaceOnce('storageSize: 50Gi', 'storageSize: "0"'),
    expected: '<file>: databases.db.storageSize: must be more than 0 (the API server refuses an empty volume) (got "0"); use a size such as 10Gi',
  },
  {
    name: 'idle replicas above the active ones',
    edit: replaceOnce('idleReplicas: 3', 'idleReplicas: 5'),
    expected:
      "<file>: release.idleReplicas: is above the api component's replicas 3 (got 5); set idleReplicas to at most 3, or raise the component's replicas",
    alsoExpected: [
      "<file>: release.idleReplicas: is above the frontend component's replicas 3 (got 5); set idleReplicas to at most 3, or raise the component's replicas",
    ],
  },
  // ---- every problem at once ----
  {
    name: 'three bad values of one component',
    edit: replaceOnce(
      '    tags: { blue: 1.4.2, green: 1.5.0 }\n    replicas: 3\n  frontend',
      '    tags: { blue: latest, green: main }\n    replicas: 3\n    resources: { limits: { memory: 1Mi } }\n  frontend',
    ),
    expected: '<file>: components.api.resources.limits.memory: is below its request 512Mi (got "1Mi"); raise the limit to at least 512Mi',
    alsoExpected: [
      '<file>: components.api.tags.blue: is a moving tag (got "latest"); pin an immutable version such as 1.4.2, or a sha256 digest',
      '<file>: components.api.tags.green: must be a released version or a digest in a critical environment ' +
        '(got "main"); use a version such as 1.4.2, or a sha256 digest',
    ],
  },
  {
    name: 'a file-level problem in one file and a construct problem in another',
    file: 'staging.yaml',
    edit: (t) => `${t}replica: 3\n`,
    beside: ['production.yaml'],
    setup: (dir) =>
      fs.writeFileSync(
        path.join(dir, 'production.yaml'),
        fs.readFileSync(path.join(dir, 'production.yaml'), 'utf8').replace('storageSize: 50Gi', 'storageSize: "0"'),
      ),
    expected:
      '<file>: replica: is not a known setting; remove it or use one of: namespace, critical, kubernetes, openshift, hosts, exposure, ' +
      'release, registries, databases, identity, network, egress, observability, delivery, components, secrets, ' +
      'waivers',
    alsoExpected: [
      '<dir>/production.yaml: databases.db.storageSize: must be more than 0 (the API server refuses an empty ' +
        'volume) (got "0"); use a size such as 10Gi',
    ],
  },
];

describe('bad input', () => {
  let tmp: string;
  let outdir: string;
  let before: Record<string, string>;

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-input-'));
    outdir = path.join(tmp, 'dist');
    expect(main({ environmentsDir: ENVIRONMENTS, outdir, log: () => undefined })).toBe(0);
    before = readTree(outdir);
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('the catalogue holds at least 25 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(25);
  });

  test.each(CASES.map((c) => [c.name, c] as const))('fails on %s with the exact message and leaves dist/ unchanged', (_name, c) => {
    // GIVEN one broken DVMM environment file, and the others the case needs (composing the rest would say nothing more)
    const envs = fs.mkdtempSync(path.join(tmp, 'envs-'));
    for (const other of c.beside ?? []) fs.copyFileSync(path.join(ENVIRONMENTS, other), path.join(envs, other));
    const file = c.file ?? 'production.yaml';
    const source = path.join(ENVIRONMENTS, fs.existsSync(path.join(ENVIRONMENTS, file)) ? file : 'production.yaml');
    const text = fs.readFileSync(source, 'utf8');
    fs.writeFileSync(path.join(envs, file), typeof c.edit === 'string' ? c.edit : c.edit(text), c.latin1 ? 'latin1' : 'utf8');
    c.setup?.(envs);
    // WHEN
    const lines: string[] = [];
    const code = main({ environmentsDir: envs, outdir, log: (line) => lines.push(...line.split('\n')) });
    // THEN every expected line is printed in the same run, none is a stack trace, and dist/ is as it was
    const fill = (line: string) => line.replace(/<file>/g, path.join(envs, file)).replace(/<dir>/g, envs);
    expect(code).toBe(1);
    const printed = lines.map((l) => l.trim());
    for (const line of [c.expected, ...(c.alsoExpected ?? [])]) expect(printed).toContain(fill(line));
    expect(printed.filter((l) => /^at .+:\d+:\d+\)?$/.test(l))).toEqual([]);
    expect(readTree(outdir)).toEqual(before);
    expect(fs.readdirSync(tmp).filter((n) => n.startsWith('.dist'))).toEqual([]);
  });
});
