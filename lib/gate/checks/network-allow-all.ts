// network-policy-allow-all: a NetworkPolicy that lets everything in or out undoes the namespace's default-deny for the
// pods it selects. What counts as "everything" (in every environment):
// - a rule with no peers and no ports (`{}`): every source or destination on every port, either direction;
// - an ingress rule with ports but no peers: every source, in the cluster and outside it, on those ports (an egress
//   rule without peers is egress-internet's, which a critical environment refuses and others allow for development);
// - a peer with an empty namespaceSelector and no or an empty podSelector: every pod of every namespace (other
//   tenants included), either direction;
// - ingress ipBlocks that together (minus their excepts) admit every public address of a family: 0.0.0.0/0, ::/0, or
//   0.0.0.0/1 + 128.0.0.0/1. Egress ipBlocks are egress-internet's.
// A peer `{ podSelector: {} }` alone is every pod of the policy's own namespace: the product's own pods, allowed.
import { fieldPath, Yaml } from '../finding';
import { RawFinding, RuleCheck } from '../rule-context';
import { asArray, isMap } from '../workloads';
import { AddressRange, covers, Family, parseCidr, PUBLIC, subtract, union } from './cidr';

const FIX = 'name the peers (a podSelector or a namespaceSelector with labels, or ipBlocks of the addresses needed) and the ports';

const DIRECTIONS = [
  { list: 'ingress', peers: 'from', who: 'source' },
  { list: 'egress', peers: 'to', who: 'destination' },
] as const;

/** A label selector that selects everything: `{}`, empty matchLabels and no matchExpressions. */
function selectsAll(selector: Yaml): boolean {
  return (
    isMap(selector) &&
    (!isMap(selector.matchLabels) || Object.keys(selector.matchLabels).length === 0) &&
    asArray(selector.matchExpressions).length === 0
  );
}

/** Every pod of every namespace: an empty namespaceSelector with no or an empty podSelector. */
function everyPod(peer: Yaml): boolean {
  return selectsAll(peer?.namespaceSelector) && (peer.podSelector === undefined || selectsAll(peer.podSelector));
}

function describePorts(ports: Yaml[]): string {
  return ports.map((p) => `${p?.protocol ?? 'TCP'} ${p?.port ?? '(every port)'}${p?.endPort !== undefined ? `-${p.endPort}` : ''}`).join(', ');
}

/** The families whose public internet the ingress ipBlocks of a policy admit together, with the blocks. */
function publicIngress(ingress: Yaml[]): Array<{ family: Family; cidrs: string[] }> {
  const blocks = ingress.flatMap((rule) =>
    asArray(rule?.from).flatMap((peer) => {
      const block = isMap(peer?.ipBlock) ? parseCidr(peer.ipBlock.cidr) : undefined;
      if (block === undefined) return [];
      const excepts = asArray(peer.ipBlock.except)
        .map(parseCidr)
        .filter((b) => b?.family === block.family) as AddressRange[];
      return [{ family: block.family, cidr: String(peer.ipBlock.cidr), ranges: subtract([block], excepts) }];
    }),
  );
  return ([4, 6] as const)
    .map((family) => ({ family, mine: blocks.filter((b) => b.family === family) }))
    .filter(({ family, mine }) => mine.length > 0 && covers(union(mine.flatMap((b) => b.ranges)), PUBLIC[family]))
    .map(({ family, mine }) => ({ family, cidrs: mine.map((b) => b.cidr) }));
}

export const networkPolicyAllowAll: RuleCheck = (ctx) =>
  ctx.objectsOf('networking.k8s.io', 'NetworkPolicy').flatMap(({ object, index }) => {
    const finding = (path: Array<string | number>, message: string, value: unknown): RawFinding => ({
      index,
      rule: 'network-policy-allow-all',
      message: `${fieldPath(path)}: ${message}`,
      value,
      fix: FIX,
    });
    const out: RawFinding[] = [];
    for (const { list, peers, who } of DIRECTIONS) {
      asArray(object.spec?.[list]).forEach((rule, i) => {
        const to = asArray(rule?.[peers]);
        const ports = asArray(rule?.ports);
        if (to.length === 0 && ports.length === 0)
          out.push(finding(['spec', list, i], `has no ${peers} and no ports: every ${who}, in the cluster and outside it, on every port`, rule));
        else if (to.length === 0 && list === 'ingress')
          out.push(finding(['spec', list, i], `has no from: every source, in the cluster and outside it, may reach ${describePorts(ports)}`, rule));
        to.forEach((peer, j) => {
          if (everyPod(peer))
            out.push(finding(['spec', list, i, peers, j], `selects every pod of every namespace (empty namespaceSelector and podSelector)`, peer));
        });
      });
    }
    for (const { family, cidrs } of publicIngress(asArray(object.spec?.ingress)))
      out.push(finding(['spec', 'ingress'], `its ipBlocks together admit every public IPv${family} address`, cidrs));
    return out;
  });
