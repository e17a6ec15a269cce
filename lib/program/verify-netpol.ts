import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { FlowRecord } from '../network/network-policies';
import { noObjectsProblem, readManifestFolder } from './manifest-folder';
import { AddressSegment, addressSegments, canonicalIp } from './address-segments';

export { canonicalIp };

/**
 * The network-policy tier for any product: np-guard's netpol-analyzer computes which pods the rendered
 * NetworkPolicies let talk to which; the expectation is the product's own flow record (`<outdir>/<env>.flows.json`,
 * written by synth), evaluated over the same pods. Equal sets pass: every declared flow open, every other pair
 * closed. Pods that operators create (CloudNativePG instances, Keycloak, jobs) stand in as two pods per selector
 * the record names and no manifest matches (so flows between members show); every namespace the record names gets
 * a pod of its own, and an unrelated namespace `other` one too.
 */

type Labels = Record<string, string>;

/** A pod of the analysis, named as the analyser names it: `<namespace>/<name>[<Kind>]`. */
export interface AnalysisPod {
  readonly peer: string;
  readonly namespace: string;
  readonly labels: Labels;
  readonly namespaceLabels: Labels;
}

/** One connection: `src => dst : TCP 443; UDP 53`. */
export interface AnalysedConnection {
  readonly src: string;
  readonly dst: string;
  readonly conn: string;
}

/** The result for one environment. */
export interface NetpolResult {
  readonly environment: string;
  readonly ok: boolean;
  /** Declared by the record, not allowed by the policies. */
  readonly missing: string[];
  /** Allowed by the policies, not declared by the record. */
  readonly unexpected: string[];
  /** Other problems (default-deny, unreadable input). */
  readonly problems: string[];
  /** Connections compared. */
  readonly connections: number;
  readonly pods: number;
  /** Set when the folder holds no pods, no pod templates and no network policies (Argo CD's objects, say): nothing to analyse. */
  readonly skipped?: boolean;
}

/** Options of {@link verifyNetworkPolicies}. */
export interface VerifyNetpolOptions {
  /** The output folder: `<outdir>/<env>/` manifests and `<outdir>/<env>.flows.json`. */
  readonly outdir: string;
  /** The netpol-analyzer binary (`netpolicy`). */
  readonly netpolicy: string;
  /** A scratch folder for the analysis. */
  readonly work: string;
  /** Only these environments. @default - every `<env>.flows.json` */
  readonly environments?: string[];
}

/** Checks every environment of `outdir`; never throws on bad input (it becomes a problem). */
export function verifyNetworkPolicies(options: VerifyNetpolOptions): NetpolResult[] {
  const environments =
    options.environments ??
    fs
      .readdirSync(options.outdir)
      .filter((f) => f.endsWith('.flows.json'))
      .map((f) => f.slice(0, -'.flows.json'.length))
      .sort();
  return environments.map((environment) => {
    try {
      return verifyEnvironment(environment, options);
    } catch (e) {
      return { environment, ok: false, missing: [], unexpected: [], problems: [(e as Error).message], connections: 0, pods: 0 };
    }
  });
}

/** One line per environment, and the differences on failure. */
export function formatNetpolResult(r: NetpolResult): string[] {
  if (r.skipped) return [`PASS ${r.environment}: no pods and no network policies, nothing to analyse`];
  const analysed = r.ok || r.pods > 0 || r.problems.length === 0;
  const verdict = analysed
    ? `${r.connections} allowed connections ${r.ok ? 'equal' : 'differ from'} the flow record (${r.pods} pods analysed)`
    : 'not analysed';
  return [
    `${r.ok ? 'PASS' : 'FAIL'} ${r.environment}: ${verdict}`,
    ...r.problems.map((p) => `  ! ${p}`),
    ...r.missing.map((m) => `  - declared, not allowed: ${m}`),
    ...r.unexpected.map((u) => `  + allowed, not declared: ${u}`),
  ];
}

function verifyEnvironment(environment: string, options: VerifyNetpolOptions): NetpolResult {
  const manifestsDir = path.join(options.outdir, environment);
  const recordFile = path.join(options.outdir, `${environment}.flows.json`);
  const objects = readManifestFolder<ManifestObject>(manifestsDir);
  if (objects === undefined) throw new Error(`${manifestsDir} does not exist; run synth first`);
  if (objects.length === 0)
    return { environment, ok: false, missing: [], unexpected: [], problems: [noObjectsProblem(manifestsDir)], connections: 0, pods: 0 };
  const { stringify } = require('yaml') as typeof import('yaml');
  if (!fs.existsSync(recordFile)) {
    const networked = objects.some((o) => o.kind === 'Pod' || o.kind === 'NetworkPolicy' || POD_TEMPLATES[o.kind ?? ''] !== undefined);
    if (!networked) return { environment, ok: true, missing: [], unexpected: [], problems: [], connections: 0, pods: 0, skipped: true };
    throw new Error(`${recordFile} is missing; synthesise with eaf-cdk8s synth (it writes the flow record beside the environment folder)`);
  }
  const { policies } = JSON.parse(fs.readFileSync(recordFile, 'utf8')) as { policies: FlowRecord[] };
  const { pods, extra } = analysisPods(objects, policies);
  const work = path.join(options.work, environment);
  fs.mkdirSync(work, { recursive: true });
  fs.cpSync(manifestsDir, path.join(work, 'manifests'), { recursive: true });
  fs.writeFileSync(path.join(work, 'stand-ins.yaml'), extra.map((o) => stringify(o)).join('---\n'));
  const run = spawnSync(options.netpolicy, ['list', '--dirpath', work], { encoding: 'utf8' });
  if (run.status !== 0)
    throw new Error(`netpolicy list failed (exit ${run.status}): ${(run.stderr || run.stdout).trim().split('\n').slice(-3).join(' | ')}`);
  const namespaces = new Set(policies.map((p) => p.namespace));
  const actual = analysedConnections(run.stdout, namespaces);
  const expected = expectedConnections(pods, policies);
  const key = (c: AnalysedConnection) => `${c.src} => ${c.dst} : ${c.conn}`;
  const actualKeys = new Set(actual.map(key));
  const expectedKeys = new Set(expected.map(key));
  const problems = defaultDenyProblems(objects, policies);
  const missing = [...expectedKeys].filter((k) => !actualKeys.has(k)).sort();
  const unexpected = [...actualKeys].filter((k) => !expectedKeys.has(k)).sort();
  return {
    environment,
    ok: missing.length === 0 && unexpected.length === 0 && problems.length === 0,
    missing,
    unexpected,
    problems,
    connections: actualKeys.size,
    pods: pods.length,
  };
}

const POD_TEMPLATES: Record<string, string[]> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
  Rollout: ['spec', 'template'],
};

/** Workload kinds the analyser does not read: each is analysed as a stand-in Pod of its name with its pod template's labels. */
const STAND_IN_KINDS = new Set(['Rollout']);

/** An object of the output, as far as the analysis reads it. */
export interface ManifestObject {
  readonly kind?: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string; readonly labels?: Labels };
  readonly spec?: {
    readonly podSelector?: object;
    readonly policyTypes?: readonly string[];
    readonly ingress?: readonly unknown[];
    readonly egress?: readonly unknown[];
    readonly template?: unknown;
    readonly jobTemplate?: unknown;
  };
}

/** The pods of the analysis and the stand-in objects written for it, as they are gathered. */
class AnalysisUniverse {
  public readonly pods: AnalysisPod[] = [];
  public readonly extra: Array<Record<string, unknown>> = [];
  /** Each namespace's labels, by name. */
  public readonly nsLabels = new Map<string, Labels>();

  /** A pod to analyse, by its peer name. */
  public addPeer(peer: string, namespace: string, labels: Labels): void {
    this.pods.push({ peer, namespace, labels, namespaceLabels: this.nsLabels.get(namespace) ?? { 'kubernetes.io/metadata.name': namespace } });
  }

  /** A stand-in Pod, written for the analyser and analysed. */
  public addPod(namespace: string, name: string, labels: Labels): void {
    const spec = { containers: [{ name: 'stand-in', image: 'stand-in' }] };
    this.extra.push({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels }, spec });
    this.addPeer(`${namespace}/${name}[Pod]`, namespace, labels);
  }
}

/**
 * The pods of the analysis: the manifests' pod templates, two stand-ins per pod selector of the record that no
 * manifest pod matches, and a namespace with a pod per namespace selector (with each pod selector it is paired with).
 */
export function analysisPods(
  objects: readonly ManifestObject[],
  policies: readonly FlowRecord[],
): { pods: AnalysisPod[]; extra: Array<Record<string, unknown>> } {
  const universe = new AnalysisUniverse();
  for (const { metadata: { name = '', labels = {} } = {} } of objects.filter((x) => x.kind === 'Namespace'))
    universe.nsLabels.set(name, { 'kubernetes.io/metadata.name': name, ...labels });
  addManifestPods(universe, objects);
  for (const record of policies) addStandIns(universe, record);
  addOutsideNamespaces(universe, policies);
  return { pods: universe.pods, extra: universe.extra };
}

/** The pod template of a workload object (its labels are what the policies select), or undefined for another kind. */
function podTemplate(o: ManifestObject): { readonly metadata?: { readonly labels?: Labels } } | undefined {
  const keys = POD_TEMPLATES[o.kind ?? ''];
  if (keys === undefined) return undefined;
  return keys.reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], o) as { metadata?: { labels?: Labels } } | undefined;
}

/** Every pod and pod template of the manifests; a kind the analyser does not read as a stand-in Pod of its name. */
function addManifestPods(universe: AnalysisUniverse, objects: readonly ManifestObject[]): void {
  for (const o of objects) {
    const template = podTemplate(o);
    if (template === undefined && o.kind !== 'Pod') continue;
    const namespace = o.metadata?.namespace ?? 'default';
    const name = o.metadata?.name ?? '';
    const labels = (o.kind === 'Pod' ? o.metadata?.labels : template?.metadata?.labels) ?? {};
    if (STAND_IN_KINDS.has(o.kind ?? '')) universe.addPod(namespace, name, labels);
    else universe.addPeer(`${namespace}/${name}[${o.kind}]`, namespace, labels);
  }
}

/** Two stand-ins for each pod selector of a namespace's record that no manifest pod matches. */
function addStandIns(universe: AnalysisUniverse, record: FlowRecord): void {
  universe.nsLabels.set(record.namespace, universe.nsLabels.get(record.namespace) ?? { 'kubernetes.io/metadata.name': record.namespace });
  const selectors = new Map<string, Labels>();
  for (const rule of record.rules) {
    selectors.set(JSON.stringify(rule.podSelector), rule.podSelector);
    for (const peer of rule.peers) {
      const sel = matchLabels(peer.podSelector);
      if (peer.namespaceSelector === undefined && sel !== undefined) selectors.set(JSON.stringify(sel), sel);
    }
  }
  let n = 0;
  for (const selector of selectors.values()) {
    if (universe.pods.some((p) => p.namespace === record.namespace && matches(selector, p.labels))) continue;
    n += 1;
    for (const member of [1, 2]) universe.addPod(record.namespace, `stand-in-${n}-${member}`, selector);
  }
}

/** Outside namespaces: one per namespace selector, named by kubernetes.io/metadata.name when it says, and `other`. */
function addOutsideNamespaces(universe: AnalysisUniverse, policies: readonly FlowRecord[]): void {
  const outside = new Map<string, { labels: Labels; pods: Map<string, Labels> }>();
  const peersOf = (record: FlowRecord) => [record.dns.peer, ...record.rules.flatMap((r) => r.peers)];
  for (const peer of policies.flatMap(peersOf)) {
    const nsSel = matchLabels(peer.namespaceSelector);
    if (nsSel === undefined) continue;
    const entry = outside.get(JSON.stringify(nsSel)) ?? { labels: nsSel, pods: new Map<string, Labels>() };
    const podSel = matchLabels(peer.podSelector) ?? {};
    entry.pods.set(JSON.stringify(podSel), podSel);
    outside.set(JSON.stringify(nsSel), entry);
  }
  outside.set('other', { labels: { 'kubernetes.io/metadata.name': 'other' }, pods: new Map([['{}', {}]]) });
  let i = 0;
  for (const { labels, pods: podSelectors } of outside.values()) {
    i += 1;
    const name = labels['kubernetes.io/metadata.name'] ?? `outside-${i}`;
    if (universe.nsLabels.has(name) && policies.some((p) => p.namespace === name)) continue;
    universe.nsLabels.set(name, { 'kubernetes.io/metadata.name': name, ...labels });
    universe.extra.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: universe.nsLabels.get(name) } });
    let j = 0;
    for (const selector of podSelectors.values())
      universe.addPod(name, `pod-${++j}`, Object.keys(selector).length > 0 ? selector : { 'eaf.io/analysis': 'outside' });
  }
}

/** The connections the record declares, evaluated over `pods` (pairs that touch a product namespace). */
export function expectedConnections(pods: readonly AnalysisPod[], policies: readonly FlowRecord[]): AnalysedConnection[] {
  const byNamespace = new Map(policies.map((p) => [p.namespace, p]));
  const segments = addressSegments(
    policies.flatMap((p) =>
      p.rules
        .flatMap((r) => r.peers.map((peer) => (peer.ipBlock as { cidr?: string } | undefined)?.cidr))
        .filter((c): c is string => c !== undefined),
    ),
  );
  const blockCovers = (peer: Record<string, unknown>, segment: AddressSegment) => {
    const cidr = (peer.ipBlock as { cidr?: string } | undefined)?.cidr;
    return cidr !== undefined && segment.within(cidr);
  };
  const ALL = null;
  /** Ports a side allows: `null` for a pod outside every product namespace (no policy restricts it). */
  const allowed = (pod: AnalysisPod, direction: 'ingress' | 'egress', other: AnalysisPod | AddressSegment): Set<string> | null => {
    const record = byNamespace.get(pod.namespace);
    if (record === undefined) return ALL;
    const out = new Set<string>();
    const add = (ports: FlowRecord['dns']['ports']) => ports.forEach((p) => out.add(`${p.protocol} ${p.port}`));
    const external = 'within' in other;
    if (direction === 'egress' && !external && peerMatches(record.dns.peer, record.namespace, other)) add(record.dns.ports);
    for (const rule of record.rules) {
      if (rule.direction !== direction || !matches(rule.podSelector, pod.labels)) continue;
      if (rule.peers.some((peer) => (external ? blockCovers(peer, other) : peerMatches(peer, record.namespace, other)))) add(rule.ports);
    }
    return out;
  };
  const out: AnalysedConnection[] = [];
  const push = (src: string, dst: string, ports: Set<string> | null) => {
    if (ports !== null && ports.size > 0) out.push({ src, dst, conn: formatPorts(ports) });
  };
  for (const src of pods) {
    for (const dst of pods) {
      if (src === dst || (!byNamespace.has(src.namespace) && !byNamespace.has(dst.namespace))) continue;
      const egress = allowed(src, 'egress', dst);
      const ingress = allowed(dst, 'ingress', src);
      push(src.peer, dst.peer, egress === null ? ingress : ingress === null ? egress : new Set([...egress].filter((p) => ingress.has(p))));
    }
    if (byNamespace.has(src.namespace)) for (const segment of segments) push(src.peer, segment.name, allowed(src, 'egress', segment));
  }
  return out;
}

/** The analyser's report: the connections that touch a product namespace, in the comparison's form. */
export function analysedConnections(report: string, namespaces: ReadonlySet<string>): AnalysedConnection[] {
  const out: AnalysedConnection[] = [];
  for (const line of report.split('\n')) {
    const m = /^(.+?) => (.+?) : (.+)$/.exec(line.trim());
    if (!m) continue;
    const [src, dst] = [canonicalIp(m[1]), canonicalIp(m[2])];
    const inside = (peer: string) => namespaces.has(peer.split('/')[0]) && peer.includes('[');
    if (!inside(src) && !inside(dst)) continue;
    out.push({ src, dst, conn: canonicalConnection(m[3]) });
  }
  return out;
}

function defaultDenyProblems(objects: readonly ManifestObject[], policies: readonly FlowRecord[]): string[] {
  return policies.flatMap((record) => {
    const denies = objects.filter(
      (o) =>
        o.kind === 'NetworkPolicy' &&
        (o.metadata?.namespace ?? 'default') === record.namespace &&
        Object.keys(o.spec?.podSelector ?? {}).length === 0 &&
        (o.spec?.policyTypes ?? []).includes('Ingress') &&
        (o.spec?.policyTypes ?? []).includes('Egress') &&
        (o.spec?.ingress ?? []).length === 0 &&
        (o.spec?.egress ?? []).length === 0,
    );
    return denies.length > 0
      ? []
      : [`namespace ${record.namespace}: no default-deny policy (empty podSelector, Ingress and Egress, no rules) selects every pod`];
  });
}

function peerMatches(peer: Record<string, unknown>, namespace: string, pod: AnalysisPod): boolean {
  if (peer.ipBlock !== undefined) return false;
  const nsSel = matchLabels(peer.namespaceSelector);
  const podSel = matchLabels(peer.podSelector);
  if (nsSel === undefined) return pod.namespace === namespace && podSel !== undefined && matches(podSel, pod.labels);
  return matches(nsSel, pod.namespaceLabels) && (podSel === undefined || matches(podSel, pod.labels));
}

function matchLabels(selector: unknown): Labels | undefined {
  if (selector === undefined || selector === null) return undefined;
  return (selector as { matchLabels?: Labels }).matchLabels ?? {};
}

function matches(selector: Labels, labels: Labels): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** `TCP 443`, `UDP 53`, `TCP 8000-8010` as `TCP 443,8000-8010; UDP 53`: protocols by name, ports by their first number. */
function formatPorts(ports: Set<string>): string {
  const byProtocol = new Map<string, string[]>();
  for (const p of ports) {
    const [protocol, port] = p.split(' ');
    byProtocol.set(protocol, [...(byProtocol.get(protocol) ?? []), port]);
  }
  const first = (port: string) => Number.parseInt(port, 10);
  return [...byProtocol.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([p, list]) => `${p} ${list.sort((a, b) => first(a) - first(b)).join(',')}`)
    .join('; ');
}

/** `TCP 8000,5432,UDP 53` -> `TCP 5432,8000; UDP 53`. */
export function canonicalConnection(conn: string): string {
  if (!/^(TCP|UDP|SCTP) /.test(conn)) return conn;
  const ports = new Set<string>();
  let protocol = '';
  for (const token of conn.split(',')) {
    const m = /^(TCP|UDP|SCTP) (.+)$/.exec(token.trim());
    if (m) protocol = m[1];
    ports.add(`${protocol} ${m ? m[2] : token.trim()}`);
  }
  return formatPorts(ports);
}
