import { Construct, IConstruct } from 'constructs';
import * as ovn from '../../imports/ovn-egressfirewall-k8s.ovn.org';
import { ExternalEndpoint, IPeer } from '../core/connections';
import { PropertyProblems } from '../core/errors';
import { DNS_NAME, isPort } from '../core/formats';
import { deepFreeze } from '../core/freeze';
import type { NetworkPlatform, NetworkRule } from './network-policies';

/** What OVN-Kubernetes fixes of an EgressFirewall (not defaults: nothing overrides them). Frozen. */
export const OVN_EGRESS_FIREWALL = deepFreeze({
  /** OVN-Kubernetes reads only the EgressFirewall named `default` of a namespace (its CRD allows no other name). */
  name: 'default',
  /** What the last rule denies, and what a NetworkPolicy opens for a host-named egress: every IPv4 address. */
  internet: '0.0.0.0/0',
} as const);

/** What one rule of an EgressFirewall lets through: a CIDR or a host name, on TCP ports. */
export interface EgressFirewallAllow {
  /** An IPv4/IPv6 CIDR, e.g. `192.0.2.10/32`. Exactly one of `cidr` and `host`. */
  readonly cidr?: string;
  /** A host name, e.g. `api.example.com` (no wildcard). Exactly one of `cidr` and `host`. */
  readonly host?: string;
  /** TCP ports. */
  readonly ports: readonly number[];
}

/** Props of {@link EgressFirewall}. */
export interface EgressFirewallProps {
  /** What the namespace's pods may reach outside the cluster, in order; everything else (IPv4) is denied. */
  readonly allow: readonly EgressFirewallAllow[];
}

/**
 * OpenShift OVN-Kubernetes' per-namespace egress firewall (`k8s.ovn.org/v1` EgressFirewall, always named `default`):
 * allows each listed CIDR or host name on its ports, in order, and denies `0.0.0.0/0` last.
 *
 * A NetworkPolicy cannot name a host, so an egress to a host name is two objects: a NetworkPolicy that lets only the
 * calling pods out to every address on exactly the egress's ports, and this firewall, which narrows what leaves the
 * namespace to the named hosts (OVN-Kubernetes resolves them and follows their DNS answers). The firewall covers every
 * pod of the namespace, so it also allows every CIDR the NetworkPolicies allow (API server, object store, declared
 * egress); what a pod may reach is what both allow. It applies to traffic leaving the cluster only.
 */
export class EgressFirewall extends Construct {
  /** The rendered EgressFirewall. */
  public readonly resource: ovn.EgressFirewall;

  constructor(scope: Construct, id: string, props: EgressFirewallProps) {
    super(scope, id);
    const problems = new PropertyProblems(this);
    props.allow.forEach((allow, i) => {
      if ((allow.cidr === undefined) === (allow.host === undefined))
        problems.add(`allow[${i}]`, 'must name exactly one of cidr and host', allow, 'give cidr or host');
      if (allow.host !== undefined && !DNS_NAME.test(allow.host)) problems.add(`allow[${i}].host`, 'is not a host name', allow.host, DNS_NAME.fix);
      allow.ports.forEach((port, j) => {
        if (!isPort(port)) problems.add(`allow[${i}].ports[${j}]`, 'is not a TCP port from 1 to 65535', port, 'use a TCP port number, e.g. 443');
      });
    });
    problems.throwIfAny();
    this.resource = new ovn.EgressFirewall(this, 'Resource', {
      metadata: { name: OVN_EGRESS_FIREWALL.name },
      spec: {
        egress: [
          ...props.allow.map((allow) => ({
            type: 'Allow',
            to: allow.host !== undefined ? { dnsName: allow.host } : { cidrSelector: allow.cidr },
            ports: allow.ports.map((port) => ({ port, protocol: 'TCP' })),
          })),
          { type: 'Deny', to: { cidrSelector: OVN_EGRESS_FIREWALL.internet } },
        ],
      },
    });
  }
}

/** Egress of some peers to hosts outside the cluster, by name: OpenShift only (an {@link EgressFirewall} narrows it). */
export interface HostEgress {
  /** The egress's name, for reports. */
  readonly name: string;
  /** The pods that call the hosts. */
  readonly peers: readonly IPeer[];
  /** Host names, e.g. `api.example.com`; no wildcard. */
  readonly hosts: readonly string[];
  /** TCP ports. */
  readonly ports: readonly number[];
}

/** The NetworkPolicy side of a host-named egress: each peer may open TCP connections to every IPv4 address on the ports. */
export function hostRules(egress: HostEgress): NetworkRule[] {
  return egress.peers.map((peer) => ({
    subject: peer,
    direction: 'egress',
    remote: `${egress.hosts.join(', ')} (narrowed by the EgressFirewall)`,
    ports: egress.ports.map((port) => ({ port })),
    reason: egress.name,
    peers: [{ ipBlock: { cidr: OVN_EGRESS_FIREWALL.internet } }],
  }));
}

/** Refuses a host-named egress off OpenShift, a wildcard or malformed host, and a bad port, at `<property>.hosts[i]` / `.ports[i]`. */
export function validateHostEgress(scope: IConstruct, property: string, egress: HostEgress, platform: NetworkPlatform): void {
  const problems = new PropertyProblems(scope);
  if (platform !== 'openshift') {
    problems.add(
      `${property}.hosts`,
      `needs OpenShift's EgressFirewall, but this environment's network platform is ${platform}: a NetworkPolicy cannot name a host`,
      egress.hosts,
      'give cidrs instead, or send the traffic through an egress gateway or proxy and allow that (by cidrs)',
    );
  }
  egress.hosts.forEach((host, i) => {
    if (!DNS_NAME.test(host)) problems.add(`${property}.hosts[${i}]`, 'is not a host name (wildcards are refused)', host, HOST_FIX);
  });
  egress.ports.forEach((port, i) => {
    if (!isPort(port)) problems.add(`${property}.ports[${i}]`, 'is not a TCP port from 1 to 65535', port, 'use a TCP port number, e.g. 443');
  });
  problems.throwIfAny();
}

/** How to name a host of an egress: the one fix, for the environment schema and the constructs alike. */
export const HOST_FIX =
  'use a lower-case host name such as api.example.com; a wildcard (*.example.com) is refused, since OpenShift resolves it ' +
  'only with the DNSNameResolver Technology Preview (4.16 on): list each host';

/**
 * What a namespace's firewall must allow so that it cuts nothing the NetworkPolicies allow: every CIDR of their egress
 * rules (declared egress, API server, object store, and the API server and object store endpoints even where no rule
 * uses them yet), then each host, on its ports; each once, in that order.
 */
export function firewallAllows(
  cidrRules: readonly Pick<NetworkRule, 'direction' | 'ports' | 'peers'>[],
  endpoints: readonly ExternalEndpoint[],
  hostEgress: readonly HostEgress[],
): EgressFirewallAllow[] {
  const out = new Map<string, EgressFirewallAllow>();
  const add = (allow: EgressFirewallAllow) => out.set(JSON.stringify(allow), allow);
  for (const rule of cidrRules.filter((r) => r.direction === 'egress')) {
    for (const peer of rule.peers) {
      const cidr = (peer.ipBlock as { cidr?: string } | undefined)?.cidr;
      if (cidr !== undefined) add({ cidr, ports: rule.ports.map((p) => p.port) });
    }
  }
  for (const endpoint of endpoints) for (const cidr of endpoint.cidrs) add({ cidr, ports: [...endpoint.ports] });
  for (const egress of hostEgress) for (const host of egress.hosts) add({ host, ports: [...egress.ports] });
  return [...out.values()];
}
