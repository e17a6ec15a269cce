/**
 * The network-policy tier's checker, run by `scripts/netpol.sh` (see test/netpol/README.md).
 *
 * Per environment it builds an analysis folder (the environment's manifests + stand-ins for what the
 * manifests do not contain: the pods operators create, and the namespaces around the product), runs
 * np-guard's netpol-analyzer (`netpolicy list`) on it, normalises the report and compares it with the
 * committed matrix `test/netpol/expected/<env>.txt`; then asserts key denials and that a default-deny
 * policy selects every pod for ingress and egress.
 *
 *   node --import tsx test/netpol/check.ts --netpolicy <bin> --work <dir> [--update] <env>=<manifest dir> ...
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { canonicalConnection, canonicalIp } from '../../lib/program/verify-netpol';
import { cidrRange, ipToInt } from '../../lib/program/address-segments';

export const REPO = path.resolve(__dirname, '..', '..');
const HERE = path.join(REPO, 'test', 'netpol');
const ROLE_ANNOTATION = 'netpol.eaf.io/role';

type Labels = Record<string, string>;
interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Labels; annotations?: Labels };
  spec?: any;
}

/** A pod (or a workload's pod template) as the analyser names it, with what the checks need. */
interface PodInfo {
  /** The analyser's name: `<namespace>/<name>[<Kind>]`. */
  peer: string;
  namespace: string;
  labels: Labels;
  /** api, frontend, database, identity, realm-import, dns, ingress-controller, monitoring, database-operator, other. */
  role: string;
  /** For database pods: the CloudNativePG cluster. */
  cluster?: string;
  /** Where it comes from: the manifests, a stand-in, or a platform fixture. */
  origin: 'manifest' | 'stand-in' | 'fixture';
}

/** What an environment file says that the checks need. */
interface EnvironmentFacts {
  platform: 'kubernetes' | 'openshift';
  /** CIDRs the database instances may reach (API server, object store). */
  databaseCidrs: string[];
}

/** One environment's result. */
export interface EnvironmentResult {
  env: string;
  ok: boolean;
  /** The normalised allowed connections that touch the product namespace. */
  actual: string[];
  /** In the report, not in the expected matrix. */
  unexpected: string[];
  /** In the expected matrix, not in the report. */
  missing: string[];
  /** Violated denials and default-deny problems. */
  problems: string[];
  /** Human-readable details (platform, pods, ...). */
  notes: string[];
  podCount: number;
  denialCount: number;
  /** Lines of the pod table: peer -> role. */
  pods: PodInfo[];
  seconds: number;
}

// ---------------------------------------------------------------------------------------------------
// Manifests and environment facts

function readManifests(dir: string): KubeObject[] {
  const files = fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  if (files.length === 0) throw new Error(`${dir} holds no *.yaml manifests`);
  return files.flatMap((f) => readYamlFile(path.join(dir, f)));
}

function readYamlFile(file: string): KubeObject[] {
  return parseAllDocuments(fs.readFileSync(file, 'utf8'))
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
      return doc.toJS() as KubeObject | null;
    })
    .filter((o): o is KubeObject => !!o && typeof o === 'object');
}

function environmentFacts(env: string): EnvironmentFacts {
  const file = path.join(REPO, 'environments', `${env}.yaml`);
  if (!fs.existsSync(file))
    throw new Error(`no environment file ${path.relative(REPO, file)}: the platform (kubernetes/openshift) and the configured CIDRs come from it`);
  const doc = parse(fs.readFileSync(file, 'utf8')) ?? {};
  const network = doc.network ?? {};
  // The chart's rule (lib/eaf-product-chart.ts): network.platform, else OpenShift when exposed by Route.
  const platform = network.platform ?? (doc.exposure?.kind === 'route' ? 'openshift' : 'kubernetes');
  if (platform !== 'kubernetes' && platform !== 'openshift') throw new Error(`${path.relative(REPO, file)}: unknown network.platform ${platform}`);
  const databaseCidrs = [network.apiServer, network.objectStore].flatMap((e) => (e?.cidrs ?? []) as string[]);
  return { platform, databaseCidrs };
}

// ---------------------------------------------------------------------------------------------------
// Pods: from the manifests' pod templates, stand-ins for operator-managed workloads, platform fixtures

const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'ReplicationController'];

/** Kinds that create no pods of their own (their pods are stand-ins below, or they have none). */
const NO_POD_KINDS = new Set([
  'Namespace',
  'Service',
  'ServiceAccount',
  'ConfigMap',
  'Secret',
  'PersistentVolumeClaim',
  'NetworkPolicy',
  'PodDisruptionBudget',
  'HorizontalPodAutoscaler',
  'Ingress',
  'Route',
  'Role',
  'RoleBinding',
  'PodMonitor',
  'ServiceMonitor',
  'PrometheusRule',
  'AlertmanagerConfig',
  'Probe',
  'GrafanaDashboard',
  'ObjectStore',
  'ScheduledBackup',
  'Backup',
  'Certificate',
  'Issuer',
  'SealedSecret',
  'ExternalSecret',
]);

/** Kinds whose pods an operator creates: a stand-in Pod per instance is generated for each. */
const OPERATED_KINDS = new Set(['Cluster', 'Pooler', 'Keycloak', 'KeycloakRealmImport']);

function roleOfTemplate(labels: Labels): string {
  return labels['app.kubernetes.io/component'] ?? labels['app.kubernetes.io/name'] ?? labels.app ?? 'workload';
}

function manifestPods(objects: KubeObject[]): PodInfo[] {
  const pods: PodInfo[] = [];
  for (const o of objects) {
    const kind = o.kind ?? '';
    let labels: Labels | undefined;
    if (WORKLOAD_KINDS.includes(kind)) labels = o.spec?.template?.metadata?.labels;
    else if (kind === 'CronJob') labels = o.spec?.jobTemplate?.spec?.template?.metadata?.labels;
    else if (kind === 'Pod') labels = o.metadata?.labels;
    else continue;
    const ns = o.metadata?.namespace ?? 'default';
    pods.push({
      peer: `${ns}/${o.metadata?.name}[${kind}]`,
      namespace: ns,
      labels: labels ?? {},
      role: roleOfTemplate(labels ?? {}),
      origin: 'manifest',
    });
  }
  return pods;
}

function podObject(
  name: string,
  namespace: string,
  labels: Labels,
  role: string,
  ports: Array<[string, number]>,
): KubeObject & Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels, annotations: { [ROLE_ANNOTATION]: role } },
    spec: { containers: [{ name: role, image: 'stand-in', ports: ports.map(([n, p]) => ({ name: n, containerPort: p, protocol: 'TCP' })) }] },
  };
}

/**
 * Stand-ins for the pods operators create from the manifests' custom resources, with the operators'
 * labels and the containers' ports. A replicated resource gets two pods (enough to show the traffic
 * between instances), a single one gets one.
 */
function standIns(objects: KubeObject[]): KubeObject[] {
  const out: KubeObject[] = [];
  const keycloaks = objects.filter((o) => o.kind === 'Keycloak');
  for (const o of objects) {
    const ns = o.metadata?.namespace ?? 'default';
    const name = o.metadata?.name ?? '';
    const instances = Math.min(Number(o.spec?.instances ?? 1), 2);
    switch (o.kind) {
      case 'Cluster': // CloudNativePG instance pods: postgres, instance manager status, metrics exporter
        for (let i = 1; i <= instances; i++) {
          out.push(
            podObject(
              `${name}-${i}`,
              ns,
              { 'cnpg.io/cluster': name, 'cnpg.io/instanceName': `${name}-${i}`, 'cnpg.io/podRole': 'instance' },
              'database',
              [
                ['postgresql', 5432],
                ['status', 8000],
                ['metrics', 9187],
              ],
            ),
          );
        }
        break;
      case 'Pooler': // CloudNativePG PgBouncer pods
        for (let i = 1; i <= Math.min(Number(o.spec?.instances ?? 1), 2); i++) {
          out.push(
            podObject(`${name}-${i}`, ns, { 'cnpg.io/poolerName': name, 'cnpg.io/podRole': 'pooler' }, 'pooler', [
              ['pgbouncer', 5432],
              ['metrics', 9127],
            ]),
          );
        }
        break;
      case 'Keycloak': // Keycloak operator StatefulSet pods: HTTP, management, JGroups data and failure detection
        for (let i = 0; i < instances; i++) {
          out.push(
            podObject(
              `${name}-${i}`,
              ns,
              {
                'app': 'keycloak',
                'app.kubernetes.io/instance': name,
                'app.kubernetes.io/managed-by': 'keycloak-operator',
                'app.kubernetes.io/component': 'server',
              },
              'identity',
              [
                ['http', Number(o.spec?.http?.httpPort ?? 8080)],
                ['management', Number(o.spec?.httpManagement?.port ?? 9000)],
                ['jgroups', 7800],
                ['jgroups-fd', 57800],
              ],
            ),
          );
        }
        // The operator's Service, so the analyser resolves the Route/Ingress to Keycloak.
        out.push({
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: `${name}-service`, namespace: ns },
          spec: {
            selector: { 'app': 'keycloak', 'app.kubernetes.io/instance': name },
            ports: [{ name: 'http', port: Number(o.spec?.http?.httpPort ?? 8080) }],
          },
        });
        break;
      case 'KeycloakRealmImport': {
        // the import Job's pod: the Keycloak pod template relabelled app=keycloak-realm-import
        const keycloak = o.spec?.keycloakCRName ?? keycloaks[0]?.metadata?.name ?? 'keycloak';
        out.push(
          podObject(
            name,
            ns,
            {
              'app': 'keycloak-realm-import',
              'app.kubernetes.io/instance': keycloak,
              'app.kubernetes.io/managed-by': 'keycloak-operator',
              'app.kubernetes.io/component': 'server',
            },
            'realm-import',
            [],
          ),
        );
        break;
      }
      default:
        break;
    }
  }
  return out;
}

function podsOf(objects: KubeObject[], origin: 'stand-in' | 'fixture', clusterOfDatabase = true): PodInfo[] {
  return objects
    .filter((o) => o.kind === 'Pod')
    .map((o) => {
      const labels = o.metadata?.labels ?? {};
      const ns = o.metadata?.namespace ?? 'default';
      return {
        peer: `${ns}/${o.metadata?.name}[Pod]`,
        namespace: ns,
        labels,
        role: o.metadata?.annotations?.[ROLE_ANNOTATION] ?? roleOfTemplate(labels),
        ...(clusterOfDatabase && labels['cnpg.io/cluster'] ? { cluster: labels['cnpg.io/cluster'] } : {}),
        origin,
      };
    });
}

// ---------------------------------------------------------------------------------------------------
// Default deny: every pod of the product namespace is selected by a deny-all policy, both directions

function selects(selector: any, labels: Labels): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries((selector.matchLabels ?? {}) as Labels)) if (labels[k] !== v) return false;
  for (const e of (selector.matchExpressions ?? []) as Array<{ key: string; operator: string; values?: string[] }>) {
    const has = e.key in labels;
    const ok =
      e.operator === 'In'
        ? has && (e.values ?? []).includes(labels[e.key])
        : e.operator === 'NotIn'
          ? !has || !(e.values ?? []).includes(labels[e.key])
          : e.operator === 'Exists'
            ? has
            : e.operator === 'DoesNotExist'
              ? !has
              : false;
    if (!ok) return false;
  }
  return true;
}

function policyTypes(spec: any): string[] {
  return spec?.policyTypes ?? ['Ingress', ...(spec?.egress ? ['Egress'] : [])];
}

/** Problems, one per pod and direction that no deny-all policy covers. */
function checkDefaultDeny(pods: PodInfo[], policies: KubeObject[]): string[] {
  const problems: string[] = [];
  for (const pod of pods) {
    const mine = policies.filter((p) => (p.metadata?.namespace ?? 'default') === pod.namespace && selects(p.spec?.podSelector, pod.labels));
    for (const [type, field] of [
      ['Ingress', 'ingress'],
      ['Egress', 'egress'],
    ] as const) {
      const denyAll = mine.filter((p) => policyTypes(p.spec).includes(type) && (p.spec?.[field] ?? []).length === 0);
      if (denyAll.length === 0) problems.push(`default-deny: ${pod.peer} (${pod.origin}) is not selected by a deny-all ${type} policy`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------
// The analyser's report, normalised

const IP_RANGE = /^(\d+\.\d+\.\d+\.\d+)-(\d+\.\d+\.\d+\.\d+)$/;

export interface Connection {
  src: string;
  dst: string;
  conn: string;
}

export function formatConnection(c: Connection): string {
  return `${c.src} => ${c.dst} : ${c.conn}`;
}

/** Keeps the connections that touch the product namespace, in a stable form and order. */
function normalise(report: string, namespace: string): Connection[] {
  const out: Connection[] = [];
  for (const line of report.split('\n')) {
    const m = /^(.+?) => (.+?) : (.+)$/.exec(line.trim());
    if (!m) continue;
    const [src, dst] = [canonicalIp(m[1]), canonicalIp(m[2])];
    if (!src.startsWith(`${namespace}/`) && !dst.startsWith(`${namespace}/`)) continue;
    out.push({ src, dst, conn: canonicalConnection(m[3]) });
  }
  return out.sort((a, b) => (formatConnection(a) < formatConnection(b) ? -1 : formatConnection(a) > formatConnection(b) ? 1 : 0));
}

export function parseConnection(line: string): Connection | undefined {
  const m = /^(.+?) => (.+?) : (.+)$/.exec(line);
  return m ? { src: m[1], dst: m[2], conn: m[3] } : undefined;
}

// ---------------------------------------------------------------------------------------------------
// Expected matrix

function expectedPath(env: string): string {
  return path.join(HERE, 'expected', `${env}.txt`);
}

/** The matrix's lines without comments and blank lines; undefined when the file does not exist. */
function readExpected(env: string): string[] | undefined {
  const file = expectedPath(env);
  if (!fs.existsSync(file)) return undefined;
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/** Rewrites the matrix: keeps its leading comment block, replaces the connections. */
function writeExpected(env: string, lines: string[]): void {
  const file = expectedPath(env);
  const header: string[] = [];
  if (fs.existsSync(file)) {
    for (const l of fs.readFileSync(file, 'utf8').split('\n')) {
      if (!l.startsWith('#') && l.trim() !== '') break;
      header.push(l);
    }
  }
  while (header.length > 0 && header[header.length - 1].trim() === '') header.pop();
  if (header.length === 0) header.push(`# Allowed connections in ${env} (normalised netpol-analyzer report); see test/netpol/README.md.`);
  fs.writeFileSync(file, `${header.join('\n')}\n\n${lines.join('\n')}\n`);
}

// ---------------------------------------------------------------------------------------------------
// Key denials: connections that must never be allowed, whatever the expected matrix says

interface Denial {
  name: string;
  violated: (c: Connection, role: (peer: string) => PodInfo | undefined) => boolean;
}

function denials(facts: EnvironmentFacts, namespace: string, keycloakDatabase: string | undefined): Denial[] {
  const isIp = (peer: string) => /^\d+\.\d+\.\d+\.\d+[-/]/.test(peer);
  const within = (peer: string) => {
    const m = IP_RANGE.exec(peer);
    const range: [number, number] | undefined = m ? [ipToInt(m[1]), ipToInt(m[2])] : cidrRange(peer);
    if (!range) return false;
    return facts.databaseCidrs.map(cidrRange).some((c) => !!c && c[0] <= range[0] && range[1] <= c[1]);
  };
  return [
    { name: 'frontend -> any database', violated: (c, r) => r(c.src)?.role === 'frontend' && ['database', 'pooler'].includes(r(c.dst)?.role ?? '') },
    {
      name: `namespace other -> API (or any pod of ${namespace})`,
      violated: (c, r) => r(c.src)?.role === 'other' && c.dst.startsWith(`${namespace}/`),
    },
    {
      name: `database -> internet (0.0.0.0/0 except the configured ${facts.databaseCidrs.join(', ') || 'none'})`,
      violated: (c, r) => r(c.src)?.role === 'database' && isIp(c.dst) && !within(c.dst),
    },
    {
      name: `API -> Keycloak database (${keycloakDatabase ?? 'none'})`,
      violated: (c, r) => r(c.src)?.role === 'api' && !!keycloakDatabase && r(c.dst)?.cluster === keycloakDatabase,
    },
    { name: 'frontend -> anything but DNS', violated: (c, r) => r(c.src)?.role === 'frontend' && r(c.dst)?.role !== 'dns' },
  ];
}

// ---------------------------------------------------------------------------------------------------
// One environment

export interface CheckOptions {
  env: string;
  /** Folder with the environment's manifests (`dist/<env>`). */
  manifests: string;
  /** The netpolicy binary. */
  netpolicy: string;
  /** Empty folder for the analysis. */
  work: string;
  /** Rewrite the expected matrix from the report instead of comparing. */
  update?: boolean;
}

export function checkEnvironment(o: CheckOptions): EnvironmentResult {
  const start = process.hrtime.bigint();
  const facts = environmentFacts(o.env);
  const objects = readManifests(o.manifests);
  // The product's namespace is the one its workloads run in; others (a restore drill's scratch namespace) hold no pods.
  const namespaces = objects
    .filter((x) => x.kind === 'Namespace')
    .map((x) => x.metadata?.name ?? '')
    .filter((name) => objects.some((x) => WORKLOAD_KINDS.includes(x.kind ?? '') && x.metadata?.namespace === name));
  if (namespaces.length !== 1) throw new Error(`${o.manifests}: expected exactly one Namespace with workloads, found ${namespaces.length}`);
  const namespace = namespaces[0];
  const unknown = [...new Set(objects.map((x) => x.kind ?? '?'))].filter(
    (k) => !NO_POD_KINDS.has(k) && !OPERATED_KINDS.has(k) && !WORKLOAD_KINDS.includes(k) && k !== 'CronJob' && k !== 'Pod',
  );
  if (unknown.length > 0) {
    throw new Error(
      `${o.manifests}: kind ${unknown.join(', ')} unknown to the network-policy tier; if it creates pods add stand-ins for them in test/netpol/check.ts (standIns), else list it in NO_POD_KINDS`,
    );
  }

  // The analysis folder: manifests + stand-ins + the platform's outside namespaces.
  fs.mkdirSync(o.work, { recursive: true });
  for (const f of fs.readdirSync(o.manifests).filter((x) => /\.ya?ml$/.test(x)))
    fs.copyFileSync(path.join(o.manifests, f), path.join(o.work, `manifest-${f}`));
  const stand = standIns(objects);
  fs.writeFileSync(path.join(o.work, 'stand-ins.yaml'), stand.map((x) => stringify(x)).join('---\n'));
  const fixtureFile = path.join(HERE, 'fixtures', `${facts.platform}.yaml`);
  fs.copyFileSync(fixtureFile, path.join(o.work, `platform-${facts.platform}.yaml`));
  const fixtures = readYamlFile(fixtureFile);

  const pods = [...manifestPods(objects), ...podsOf(stand, 'stand-in'), ...podsOf(fixtures, 'fixture', false)];
  const byPeer = new Map(pods.map((p) => [p.peer, p]));
  const productPods = pods.filter((p) => p.namespace === namespace);

  // The analyser.
  const run = spawnSync(o.netpolicy, ['list', '--dirpath', o.work, '-o', 'txt'], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`netpolicy list failed (exit ${run.status}):\n${run.stderr}${run.stdout}`);
  fs.writeFileSync(path.join(o.work, 'report.txt'), run.stdout);
  fs.writeFileSync(path.join(o.work, 'report.stderr.txt'), run.stderr);
  const connections = normalise(run.stdout, namespace);
  const actual = connections.map(formatConnection);
  fs.writeFileSync(path.join(o.work, 'actual.txt'), `${actual.join('\n')}\n`);

  const notes = [
    `platform ${facts.platform} (environments/${o.env}.yaml), fixtures test/netpol/fixtures/${facts.platform}.yaml`,
    `${productPods.length} pods in ${namespace}: ${productPods.map((p) => `${p.peer.replace(`${namespace}/`, '')} ${p.role}`).join(', ')}`,
  ];
  const problems: string[] = [];

  // Every analysed connection names known peers (else a fixture or a stand-in is missing).
  for (const c of connections) {
    for (const peer of [c.src, c.dst]) {
      // Addresses, the analyser's own {ingress-controller} (Route/Ingress analysis) and known pods.
      if (!/^\d/.test(peer) && !peer.startsWith('{') && !byPeer.has(peer))
        problems.push(`the report names ${peer}, which the checker does not know (update test/netpol/check.ts)`);
    }
    if (!/^(TCP|UDP|SCTP) /.test(c.conn)) problems.push(`unrestricted connection (${c.conn}): ${formatConnection(c)}`);
  }

  // Denials.
  const keycloakHost: string | undefined = objects.find((x) => x.kind === 'Keycloak')?.spec?.db?.host;
  const clusters = objects.filter((x) => x.kind === 'Cluster').map((x) => x.metadata?.name ?? '');
  const keycloakDatabase = keycloakHost ? clusters.find((c) => keycloakHost === c || keycloakHost.startsWith(`${c}-`)) : undefined;
  const rules = denials(facts, namespace, keycloakDatabase);
  for (const rule of rules) {
    for (const c of connections.filter((x) => rule.violated(x, (p) => byPeer.get(p))))
      problems.push(`denial "${rule.name}" violated: ${formatConnection(c)}`);
  }
  if (
    !productPods.some((p) => p.role === 'frontend') ||
    !productPods.some((p) => p.role === 'api') ||
    !productPods.some((p) => p.role === 'database')
  ) {
    problems.push(
      `the denials need api, frontend and database pods in ${namespace}; found roles ${[...new Set(productPods.map((p) => p.role))].join(', ')}`,
    );
  }

  // Default deny.
  const policies = objects.filter((x) => x.kind === 'NetworkPolicy');
  problems.push(...checkDefaultDeny(productPods, policies));

  // The matrix.
  let unexpected: string[] = [];
  let missing: string[] = [];
  if (o.update) {
    writeExpected(o.env, actual);
  } else {
    const expected = readExpected(o.env);
    if (expected === undefined) {
      problems.push(
        `no expected matrix ${path.relative(REPO, expectedPath(o.env))}; review ${path.join(o.work, 'actual.txt')} and create it with: bash scripts/netpol.sh --update ${o.env}`,
      );
    } else {
      const want = new Set(expected);
      const have = new Set(actual);
      unexpected = actual.filter((l) => !want.has(l));
      missing = expected.filter((l) => !have.has(l));
    }
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return {
    env: o.env,
    ok: problems.length === 0 && unexpected.length === 0 && missing.length === 0,
    actual,
    unexpected,
    missing,
    problems,
    notes,
    podCount: productPods.length,
    denialCount: rules.length,
    pods,
    seconds,
  };
}

/** The tier's report for one environment: a PASS/FAIL line, then what failed. */
export function report(r: EnvironmentResult, verbose = false): string[] {
  const rel = path.relative(REPO, expectedPath(r.env));
  const summary = `${r.actual.length} allowed connections vs ${rel}, ${r.denialCount} denials, default-deny on ${r.podCount} pods (in+out), ${r.seconds.toFixed(2)}s`;
  const out = [`${r.ok ? 'PASS' : 'FAIL'} ${r.env}: ${summary}`];
  if (verbose || !r.ok) out.push(...r.notes.map((n) => `  ${n}`));
  if (r.unexpected.length > 0 || r.missing.length > 0) {
    out.push(`  the allowed connections differ from ${rel} (+ allowed by the policies but not expected, - expected but not allowed):`);
    out.push(...r.unexpected.map((l) => `  + ${l}`), ...r.missing.map((l) => `  - ${l}`));
    out.push(`  if the change is intended, update the matrix with: bash scripts/netpol.sh --update ${r.env}   (then review git diff ${rel})`);
  }
  out.push(...r.problems.map((p) => `  ${p}`));
  return out;
}

// ---------------------------------------------------------------------------------------------------

function main(argv: string[]): number {
  let netpolicy = '';
  let work = '';
  let update = false;
  let verbose = false;
  const targets: Array<[string, string]> = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--netpolicy') netpolicy = argv[++i];
    else if (a === '--work') work = argv[++i];
    else if (a === '--update') update = true;
    else if (a === '--verbose') verbose = true;
    else if (a.includes('=')) targets.push([a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]);
    else throw new Error(`unknown argument ${a}`);
  }
  if (!netpolicy || !work || targets.length === 0)
    throw new Error('usage: check.ts --netpolicy <bin> --work <dir> [--update] [--verbose] <env>=<manifest dir> ...');
  let failed = 0;
  for (const [env, dir] of targets) {
    let result: EnvironmentResult;
    try {
      result = checkEnvironment({ env, manifests: dir, netpolicy, work: path.join(work, env), update });
    } catch (e) {
      console.log(`FAIL ${env}: ${(e as Error).message}`);
      failed++;
      continue;
    }
    if (update) {
      console.log(`wrote ${path.relative(REPO, expectedPath(env))} (${result.actual.length} allowed connections)`);
      for (const p of result.problems) console.log(`  ${p}`);
      if (result.problems.length > 0) failed++;
      continue;
    }
    for (const line of report(result, verbose)) console.log(line);
    if (!result.ok) failed++;
  }
  return failed === 0 ? 0 : 1;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    console.error(`error: ${(e as Error).message}`);
    process.exitCode = 2;
  }
}
