import * as kplus from 'cdk8s-plus-28';
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Connection, Connections, ExternalEndpoint, IPeer, validateEndpoint } from '../core/connections';
import { PropertyProblems } from '../core/errors';
import { deepFreeze } from '../core/freeze';
import { EgressFirewall, EgressFirewallAllow, firewallAllows, HostEgress, hostRules, validateHostEgress } from './egress-firewall';
import { PLATFORM_DNS, PLATFORM_INGRESS, PLATFORM_MONITORING } from './platform-defaults';

/** Where the platform runs: decides where DNS and the ingress controller live. */
export type NetworkPlatform = 'kubernetes' | 'openshift';

/** Defaults of {@link NetworkPolicies}. Frozen. */
export const NETWORK_POLICIES_DEFAULTS = deepFreeze({
  /** A port's protocol when none is given (Kubernetes' own default, written out). */
  protocol: 'TCP',
  /** The namespace of a chart that sets none, in the flow record: Kubernetes' `default`. */
  namespace: 'default',
} as const);

/** A TCP or UDP port. */
export interface NetworkPort {
  readonly port: number;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP';
}

/** Pods in other namespaces, picked by namespace labels (and optionally pod labels). */
export interface NamespacePeer {
  /** Labels of the namespaces, e.g. `{ 'kubernetes.io/metadata.name': 'cnpg-system' }`. */
  readonly namespaceSelector: Record<string, string>;
  /** Labels of the pods in those namespaces. @default - every pod of the namespaces */
  readonly podSelector?: Record<string, string>;
}

/** A peer's port that a namespace outside the product may reach (ingress controller, monitoring). */
export interface PeerPort {
  readonly peer: IPeer;
  readonly port: number;
}

/** A database cluster as the operators see it. */
export interface OperatedDatabase extends IPeer {
  /** Instances: with more than one, instances replicate to each other. */
  readonly instances: number;
  /** Set when the cluster archives to the object store, which then must be reachable. */
  readonly backup?: unknown;
  /** Set when the cluster restores from an object store, which then must be reachable. */
  readonly recovery?: unknown;
}

/** Props of {@link NetworkPolicies}. */
export interface NetworkPoliciesProps {
  /** Kubernetes or OpenShift: sets the DNS and ingress-controller defaults. */
  readonly platform: NetworkPlatform;
  /**
   * Where cluster DNS runs.
   * @default - kube-system's kube-dns pods on 53 (Kubernetes); the openshift-dns namespace on 5353 (OpenShift)
   */
  readonly dns?: NamespacePeer & { readonly ports: NetworkPort[] };
  /**
   * The ingress controller's namespaces.
   * @default - `ingress-nginx` (Kubernetes); namespaces labelled `policy-group.network.openshift.io/ingress` (OpenShift)
   */
  readonly ingressController?: NamespacePeer;
  /** What the ingress controller may reach: the HTTP ports of frontend, API and Keycloak. */
  readonly ingressTargets: PeerPort[];
  /**
   * The monitoring namespace.
   * @default - `monitoring` (Kubernetes); namespaces labelled `network.openshift.io/policy-group: monitoring` (OpenShift)
   */
  readonly monitoring?: NamespacePeer;
  /** What monitoring may scrape: metrics ports. @default - nothing */
  readonly metricsTargets?: PeerPort[];
  /** The CloudNativePG operator's namespace. @default - `cnpg-system` */
  readonly databaseOperator?: NamespacePeer;
  /** Database clusters the operator manages. @default - none */
  readonly databases?: OperatedDatabase[];
  /** The Kubernetes API server, which database instances call. @default - not reachable */
  readonly apiServer?: ExternalEndpoint;
  /** The backup object store, which database instances write to. @default - not reachable */
  readonly objectStore?: ExternalEndpoint;
  /** Further egress of a peer to addresses outside the cluster (vSphere, SMTP, ...), by name. @default - none */
  readonly externalEgress?: Array<{ readonly name: string; readonly peer: IPeer; readonly endpoint: ExternalEndpoint }>;
  /**
   * Egress of peers to hosts by name (OpenShift only): each peer may leave to every IPv4 address on the ports, and the
   * namespace's {@link EgressFirewall} (rendered when any is given) narrows that to the hosts. @default - none
   */
  readonly hostEgress?: HostEgress[];
}

/** One allowed flow as the policies implement it, in the machine-readable flow record. */
export interface FlowRecordRule {
  /** The peer the rule is attached to. */
  readonly subject: string;
  /** Labels that select the subject's pods (in the product namespace). */
  readonly podSelector: Record<string, string>;
  /** Traffic into the subject, or out of it. */
  readonly direction: 'ingress' | 'egress';
  /** The other side, in words. */
  readonly remote: string;
  /** The other side as rendered: `{ podSelector }` (same namespace), `{ namespaceSelector, podSelector? }`, or `{ ipBlock: { cidr } }`. */
  readonly peers: ReadonlyArray<Record<string, unknown>>;
  /** Ports on the server side. */
  readonly ports: ReadonlyArray<{ readonly port: number; readonly protocol: 'TCP' | 'UDP' }>;
  /** Why the flow exists. */
  readonly reason: string;
}

/**
 * Every flow a product namespace allows, machine-readable: what the network-policy tier compares an analyser's
 * view of the rendered policies with. Written by synth beside (never inside) `dist/<env>/`.
 */
export interface FlowRecord {
  /** The product namespace. */
  readonly namespace: string;
  /** Every pod is under default-deny for ingress and egress. */
  readonly defaultDeny: true;
  /** DNS egress, allowed for every pod. */
  readonly dns: {
    readonly peer: Record<string, unknown>;
    readonly ports: ReadonlyArray<{ readonly port: number; readonly protocol: 'TCP' | 'UDP' }>;
  };
  /** Every other allowed flow, one entry per rule, in rule order. */
  readonly rules: readonly FlowRecordRule[];
}

/** One allowed flow, from the point of view of the pods it applies to. */
export interface NetworkRule {
  /** The pods the rule is attached to. */
  readonly subject: IPeer;
  /** Traffic into the subject, or out of it. */
  readonly direction: 'ingress' | 'egress';
  /** The other side, in words (for reports). */
  readonly remote: string;
  /** Ports on the server side. */
  readonly ports: NetworkPort[];
  /** Why this flow exists. */
  readonly reason: string;
  /** The Kubernetes peers of the rule. */
  readonly peers: Array<Record<string, unknown>>;
}

/**
 * Default-deny networking for one product namespace, with every allowed flow derived from the
 * chart's {@link Connections} record plus what the platform needs (DNS, ingress controller,
 * operators, monitoring, named external endpoints). Renders `default-deny`, `allow-dns`, and one
 * ingress and one egress policy per peer that needs them: adding a connection in code adds its policy.
 */
export class NetworkPolicies extends Construct {
  private readonly props: NetworkPoliciesProps;
  private readonly extraRules: NetworkRule[] = [];

  constructor(scope: Construct, id: string, props: NetworkPoliciesProps) {
    super(scope, id);
    this.props = props;
    const endpoints: Array<[string, ExternalEndpoint | undefined]> = [
      ['apiServer', props.apiServer],
      ['objectStore', props.objectStore],
      ...(props.externalEgress ?? []).map((e, i): [string, ExternalEndpoint] => [`externalEgress[${i}]`, e.endpoint]),
    ];
    const problems = new PropertyProblems(this);
    for (const [property, endpoint] of endpoints) {
      if (endpoint) problems.check(() => validateEndpoint(this, property, endpoint));
    }
    (props.hostEgress ?? []).forEach((egress, i) => problems.check(() => validateHostEgress(this, `hostEgress[${i}]`, egress, props.platform)));
    problems.throwIfAny();
    new kplus.k8s.KubeNetworkPolicy(this, 'DefaultDeny', {
      metadata: { name: 'default-deny' },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    const dns = props.dns ?? PLATFORM_DNS[props.platform];
    new kplus.k8s.KubeNetworkPolicy(this, 'AllowDns', {
      metadata: { name: 'allow-dns' },
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: [namespacePeer(dns) as kplus.k8s.NetworkPolicyPeer], ports: dns.ports.map(kubePort) }],
      },
    });
    // Rendered last, when every connection of the chart is recorded.
    this.node.addValidation({
      validate: () => {
        this.render();
        return [];
      },
    });
  }

  /** Allows one more flow that the connection record does not describe. */
  public addRule(rule: NetworkRule): void {
    this.extraRules.push(rule);
  }

  /** Every allowed flow, derived now from the connection record and the props. */
  public get rules(): NetworkRule[] {
    return this.collectRules().rules;
  }

  /** What the namespace's EgressFirewall allows, in order, or undefined when no egress names a host (no firewall). */
  public get egressFirewall(): EgressFirewallAllow[] | undefined {
    if ((this.props.hostEgress ?? []).length === 0) return undefined;
    const { rules, hosts } = this.collectRules();
    const endpoints = [this.props.apiServer, this.props.objectStore].flatMap((e) => (e ? [e] : []));
    return firewallAllows(
      rules.filter((r) => !hosts.includes(r)),
      endpoints,
      this.props.hostEgress ?? [],
    );
  }

  private collectRules(): { rules: NetworkRule[]; hosts: NetworkRule[] } {
    const p = this.props;
    const hosts = (p.hostEgress ?? []).flatMap(hostRules);
    const connections = Connections.of(this);
    const ingressController = namespacePeer(p.ingressController ?? PLATFORM_INGRESS[p.platform]);
    const monitoring = namespacePeer(p.monitoring ?? PLATFORM_MONITORING[p.platform]);
    const rules = [
      ...p.ingressTargets.map((target): NetworkRule => ({
        subject: target.peer,
        direction: 'ingress',
        remote: 'ingress controller',
        ports: [{ port: target.port }],
        reason: 'public HTTPS traffic',
        peers: [ingressController],
      })),
      ...connections.edges.flatMap(connectionRules),
      ...(p.databases ?? []).flatMap((db) => databaseRules(db, p)),
      ...(p.metricsTargets ?? []).map((target): NetworkRule => ({
        subject: target.peer,
        direction: 'ingress',
        remote: 'monitoring',
        ports: [{ port: target.port }],
        reason: 'metrics scraping',
        peers: [monitoring],
      })),
      ...connections.externalEdges.map((edge) => externalRule(edge.from, edge.name, edge.endpoint, edge.purpose ?? edge.name)),
      ...(p.externalEgress ?? []).map((egress) => externalRule(egress.peer, egress.name, egress.endpoint, egress.name)),
      ...hosts,
      ...this.extraRules,
    ];
    return { rules, hosts };
  }

  /**
   * Every allowed flow once, as `from -> to: ports (reason)`: a connection between two peers yields
   * an egress and an ingress rule, reported here as one flow. DNS is listed for every pod.
   */
  public get flows(): Array<{ from: string; to: string; ports: string; reason: string }> {
    const seen = new Set<string>();
    const out: Array<{ from: string; to: string; ports: string; reason: string }> = [];
    const dns = this.props.dns ?? PLATFORM_DNS[this.props.platform];
    out.push({ from: 'every pod', to: 'cluster DNS', ports: formatPorts(dns.ports), reason: 'name resolution' });
    for (const rule of this.rules) {
      const [from, to] = rule.direction === 'egress' ? [rule.subject.peerName, rule.remote] : [rule.remote, rule.subject.peerName];
      const flow = { from, to, ports: formatPorts(rule.ports), reason: rule.reason };
      const key = `${flow.from}|${flow.to}|${flow.ports}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(flow);
    }
    return out;
  }

  /** Every allowed flow, machine-readable (see {@link FlowRecord}). */
  public get flowRecord(): FlowRecord {
    const dns = this.props.dns ?? PLATFORM_DNS[this.props.platform];
    const ports = (list: NetworkPort[]) => list.map((p) => ({ port: p.port, protocol: p.protocol ?? NETWORK_POLICIES_DEFAULTS.protocol }));
    return {
      namespace: Chart.of(this).namespace ?? NETWORK_POLICIES_DEFAULTS.namespace,
      defaultDeny: true,
      dns: { peer: namespacePeer(dns), ports: ports(dns.ports) },
      rules: this.rules.map((r) => ({
        subject: r.subject.peerName,
        podSelector: { ...r.subject.podSelector },
        direction: r.direction,
        remote: r.remote,
        peers: r.peers,
        ports: ports(r.ports),
        reason: r.reason,
      })),
    };
  }

  private render(): void {
    if (this.node.tryFindChild('Rendered')) return;
    const scope = new Construct(this, 'Rendered');
    const firewall = this.egressFirewall;
    if (firewall) new EgressFirewall(scope, 'egress-firewall', { allow: firewall });
    const groups = new Map<string, { subject: IPeer; direction: 'ingress' | 'egress'; rules: NetworkRule[] }>();
    for (const rule of this.rules) {
      const key = `${rule.subject.peerName}-${rule.direction}`;
      const group = groups.get(key) ?? { subject: rule.subject, direction: rule.direction, rules: [] };
      group.rules.push(rule);
      groups.set(key, group);
    }
    for (const [name, group] of groups) {
      const rules = group.rules.map((r) =>
        group.direction === 'ingress'
          ? { from: r.peers as kplus.k8s.NetworkPolicyPeer[], ports: r.ports.map(kubePort) }
          : { to: r.peers as kplus.k8s.NetworkPolicyPeer[], ports: r.ports.map(kubePort) },
      );
      new kplus.k8s.KubeNetworkPolicy(scope, name, {
        metadata: { name },
        spec: {
          podSelector: { matchLabels: group.subject.podSelector },
          policyTypes: [group.direction === 'ingress' ? 'Ingress' : 'Egress'],
          ...(group.direction === 'ingress' ? { ingress: rules } : { egress: rules }),
        },
      });
    }
  }
}

/** Where cluster DNS runs on a platform, and its ports (a restore drill's namespace allows it too). */
export function clusterDns(platform: NetworkPlatform): NamespacePeer & { readonly ports: readonly NetworkPort[] } {
  return PLATFORM_DNS[platform];
}

function namespacePeer(peer: NamespacePeer): Record<string, unknown> {
  return {
    namespaceSelector: { matchLabels: peer.namespaceSelector },
    ...(peer.podSelector ? { podSelector: { matchLabels: peer.podSelector } } : {}),
  };
}

function kubePort(port: NetworkPort) {
  return { port: kplus.k8s.IntOrString.fromNumber(port.port), protocol: port.protocol ?? NETWORK_POLICIES_DEFAULTS.protocol };
}

function formatPorts(ports: NetworkPort[]): string {
  return ports.map((p) => `${p.protocol ?? NETWORK_POLICIES_DEFAULTS.protocol} ${p.port}`).join(', ');
}

/** A recorded connection: the client's egress to the server and the server's ingress from the client, on its port. */
function connectionRules(edge: Connection): NetworkRule[] {
  const ports = [{ port: edge.port }];
  return [
    {
      subject: edge.from,
      direction: 'egress',
      remote: edge.to.peerName,
      ports,
      reason: edge.purpose,
      peers: [{ podSelector: { matchLabels: edge.to.podSelector } }],
    },
    {
      subject: edge.to,
      direction: 'ingress',
      remote: edge.from.peerName,
      ports,
      reason: edge.purpose,
      peers: [{ podSelector: { matchLabels: edge.from.podSelector } }],
    },
  ];
}

/**
 * What a CloudNativePG cluster needs besides its clients: the operator's status and management calls, replication
 * between its instances, its instance manager's calls to the API server, and its archive in the object store.
 */
function databaseRules(db: OperatedDatabase, p: NetworkPoliciesProps): NetworkRule[] {
  const operator = p.databaseOperator ?? { namespaceSelector: { 'kubernetes.io/metadata.name': 'cnpg-system' } };
  const rules: NetworkRule[] = [
    {
      subject: db,
      direction: 'ingress',
      remote: 'CloudNativePG operator',
      ports: [{ port: 8000 }, { port: 5432 }],
      reason: 'operator status and management',
      peers: [namespacePeer(operator)],
    },
  ];
  if (db.instances > 1) {
    const instances = [{ podSelector: { matchLabels: db.podSelector } }];
    rules.push({ subject: db, direction: 'ingress', remote: db.peerName, ports: [{ port: 5432 }], reason: 'replication', peers: instances });
    rules.push({ subject: db, direction: 'egress', remote: db.peerName, ports: [{ port: 5432 }], reason: 'replication', peers: instances });
  }
  if (p.apiServer) rules.push(externalRule(db, 'Kubernetes API server', p.apiServer, 'instance manager'));
  if (p.objectStore && (db.backup || db.recovery))
    rules.push(externalRule(db, 'object store', p.objectStore, db.backup ? 'WAL archiving and backups' : 'restore from a backup'));
  return rules;
}

function externalRule(subject: IPeer, remote: string, endpoint: ExternalEndpoint, reason: string): NetworkRule {
  return {
    subject,
    direction: 'egress',
    remote,
    ports: endpoint.ports.map((port) => ({ port })),
    reason,
    peers: endpoint.cidrs.map((cidr) => ({ ipBlock: { cidr } })),
  };
}
