// The rule on egress to every address: in a critical environment a NetworkPolicy may let pods out to the whole
// internet only on named ports, and only where OpenShift's EgressFirewall narrows that to named hosts.
import { fieldPath, Yaml } from '../finding';
import { RawFinding, RuleCheck } from '../rule-context';
import { asArray, isMap } from '../workloads';
import { parseCidr } from './cidr';
import { EGRESS_FIX, egressCidrFindings, isEverything } from './egress-cidrs';

/** OVN-Kubernetes reads only the EgressFirewall of this name in a namespace (its CRD admits no other). */
const FIREWALL_NAME = 'default';
const IPV4_EVERYWHERE = '0.0.0.0/0';
const FIX = EGRESS_FIX;

/**
 * The TCP ports on which a namespace's EgressFirewall `default` allows a host by name, when its last rule denies every
 * IPv4 address; undefined when there is no such firewall (then nothing narrows an egress to the internet).
 */
function hostPorts(firewall: Record<string, Yaml> | undefined): Set<number> | undefined {
  const rules = asArray(firewall?.spec?.egress);
  const last = rules[rules.length - 1];
  if (last?.type !== 'Deny' || last?.to?.cidrSelector !== IPV4_EVERYWHERE) return undefined;
  const ports = rules.filter((r) => r?.type === 'Allow' && typeof r?.to?.dnsName === 'string').flatMap((r) => asArray(r.ports));
  return new Set(ports.filter((p) => (p?.protocol ?? 'TCP') === 'TCP').map((p) => p?.port));
}

export const egressInternet: RuleCheck = (ctx) => {
  if (!ctx.set.critical) return [];
  const firewalls = new Map(
    ctx
      .objectsOf('k8s.ovn.org', 'EgressFirewall')
      .filter((f) => f.object.metadata?.name === FIREWALL_NAME)
      .map((f) => [f.namespace, f.object] as const),
  );
  const everywhere = ctx.objectsOf('networking.k8s.io', 'NetworkPolicy').flatMap(({ object, index, namespace }) =>
    asArray(object.spec?.egress).flatMap((rule, i): RawFinding[] => {
      const finding = (path: Array<string | number>, message: string, value: unknown): RawFinding => ({
        index,
        rule: 'egress-internet',
        message: `${fieldPath(['spec', 'egress', i, ...path])}: ${message}`,
        value,
        fix: FIX,
      });
      const to = asArray(rule?.to);
      if (to.length === 0) return [finding(['to'], 'is empty: the selected pods may reach every address, in the cluster and outside it', to)];
      const ports = asArray(rule?.ports);
      const allowed = hostPorts(firewalls.get(namespace));
      return to.flatMap((peer, j): RawFinding[] => {
        const cidr = isMap(peer?.ipBlock) ? peer.ipBlock.cidr : undefined;
        const block = parseCidr(cidr);
        const path = ['to', j, 'ipBlock', 'cidr'];
        if (block === undefined || !isEverything(block)) return []; // egress-cidrs.ts judges named blocks
        if (block.family === 6) return [finding(path, 'lets the selected pods reach every IPv6 address; no EgressFirewall rule narrows it', cidr)];
        if (allowed === undefined)
          return [
            finding(
              path,
              `lets the selected pods reach every IPv4 address, and no EgressFirewall of namespace ${namespace || '(none)'} narrows it ` +
                `(one named ${FIREWALL_NAME} whose last rule denies ${IPV4_EVERYWHERE})`,
              cidr,
            ),
          ];
        const open = ports.length === 0 ? ['every port'] : ports.filter((p) => !allowed.has(p?.port)).map((p) => `port ${p?.port}`);
        return open.length === 0
          ? []
          : [finding(path, `lets the selected pods reach every IPv4 address on ${open.join(', ')}, which no host of the EgressFirewall uses`, cidr)];
      });
    }),
  );
  return [...everywhere, ...egressCidrFindings(ctx)];
};
