// The part of egress-internet that judges named egress CIDRs by the addresses they reach: a policy (or the policies
// selecting one workload's pods together) must not reach the whole public internet through several blocks that each
// look harmless (0.0.0.0/1 + 128.0.0.0/1), and each block must be narrow. Blocks of every address (0.0.0.0/0, ::/0)
// are network.ts's: there an EgressFirewall may narrow them.
import { fieldPath, Yaml } from '../finding';
import { ObjectRef, RawFinding, RuleContext } from '../rule-context';
import { asArray, isMap, selectorMatches } from '../workloads';
import { AddressRange, covers, Family, intersect, parseCidr, PUBLIC, size, subtract, union } from './cidr';

/**
 * The most public addresses one named egress block may reach: a /16 of IPv4 (65,536 addresses), about what one
 * organisation or one cloud service region publishes as a range; a /32 of IPv6, the smallest allocation to a provider.
 * Anything wider reaches many organisations, so it is egress to "the internet" under another name.
 */
export const NARROW_PREFIX: Readonly<Record<Family, number>> = { 4: 16, 6: 32 };
const BITS: Readonly<Record<Family, number>> = { 4: 32, 6: 128 };
const NARROW_SIZE = (family: Family): bigint => 1n << BigInt(BITS[family] - NARROW_PREFIX[family]);

export const EGRESS_FIX =
  'name the addresses (egress.<name>.cidrs); on OpenShift name the hosts (egress.<name>.hosts), which renders the ' +
  "namespace's EgressFirewall; or waive the rule with the reason";
const NARROW_FIX =
  `name only the addresses the pods need, each block at most a /${NARROW_PREFIX[4]} (IPv4) ` + `or /${NARROW_PREFIX[6]} (IPv6) of public space`;

/** Whether a block holds every address of its family (0.0.0.0/0, ::/0 however written). */
export function isEverything(block: AddressRange & { family: Family }): boolean {
  return block.start === 0n && block.end === (1n << BigInt(BITS[block.family])) - 1n;
}

/** One egress ipBlock peer with the addresses it allows (its cidr minus its excepts). */
interface Reach {
  readonly family: Family;
  readonly cidr: string;
  readonly path: Array<string | number>;
  readonly ranges: AddressRange[];
}

function reachesOf(policy: Yaml): { reaches: Reach[]; invalid: Array<{ path: Array<string | number>; cidr: unknown }> } {
  const reaches: Reach[] = [];
  const invalid: Array<{ path: Array<string | number>; cidr: unknown }> = [];
  asArray(policy.spec?.egress).forEach((rule, i) =>
    asArray(rule?.to).forEach((peer, j) => {
      if (!isMap(peer?.ipBlock)) return;
      const path = ['spec', 'egress', i, 'to', j, 'ipBlock', 'cidr'];
      const block = parseCidr(peer.ipBlock.cidr);
      if (block === undefined) invalid.push({ path, cidr: peer.ipBlock.cidr });
      else if (!isEverything(block)) {
        const excepts = asArray(peer.ipBlock.except)
          .map(parseCidr)
          .filter((b) => b?.family === block.family) as AddressRange[];
        reaches.push({ family: block.family, cidr: peer.ipBlock.cidr, path, ranges: subtract([block], excepts) });
      }
    }),
  );
  return { reaches, invalid };
}

/** The families whose whole public internet these reaches cover together. */
function coveredFamilies(reaches: readonly Reach[]): Family[] {
  return ([4, 6] as const).filter((f) => covers(union(reaches.filter((r) => r.family === f).flatMap((r) => r.ranges)), PUBLIC[f]));
}

function policyFindings({ index }: ObjectRef, reaches: Reach[], invalid: ReturnType<typeof reachesOf>['invalid']): RawFinding[] {
  const finding = (path: Array<string | number>, message: string, value: unknown, fix: string): RawFinding => ({
    index,
    rule: 'egress-internet',
    message: `${fieldPath(path)}: ${message}`,
    value,
    fix,
  });
  const out = invalid.map((b) =>
    finding(b.path, 'is not an IPv4 or IPv6 CIDR (address/prefix)', b.cidr, 'write the block as address/prefix, e.g. 192.0.2.0/24'),
  );
  const covered = coveredFamilies(reaches);
  for (const f of covered) {
    const cidrs = reaches.filter((r) => r.family === f).map((r) => r.cidr);
    out.push(
      finding(
        ['spec', 'egress'],
        `its ipBlocks together reach every public IPv${f} address: the selected pods may reach the whole internet`,
        cidrs,
        EGRESS_FIX,
      ),
    );
  }
  for (const r of reaches.filter((x) => !covered.includes(x.family))) {
    const reached = size(intersect(r.ranges, PUBLIC[r.family]));
    if (reached > NARROW_SIZE(r.family))
      out.push(
        finding(
          r.path,
          `reaches ${reached} public IPv${r.family} addresses, more than a /${NARROW_PREFIX[r.family]} ` +
            `(${NARROW_SIZE(r.family)}): a named egress must be narrow`,
          r.cidr,
          NARROW_FIX,
        ),
      );
  }
  return out;
}

/**
 * The findings on named egress CIDRs in a critical environment: invalid blocks, policies whose blocks together cover
 * the public internet, blocks that are not narrow, and workloads whose policies together cover it while none alone does.
 */
export function egressCidrFindings(ctx: RuleContext): RawFinding[] {
  const policies = ctx.objectsOf('networking.k8s.io', 'NetworkPolicy').map((ref) => ({ ref, ...reachesOf(ref.object) }));
  const out = policies.flatMap((p) => policyFindings(p.ref, p.reaches, p.invalid));
  for (const pod of ctx.templates) {
    const selecting = policies.filter(
      (p) => p.ref.namespace === pod.namespace && p.reaches.length > 0 && selectorMatches(p.ref.object.spec?.podSelector, pod.labels),
    );
    const alone = new Set(selecting.flatMap((p) => coveredFamilies(p.reaches)));
    for (const f of coveredFamilies(selecting.flatMap((p) => p.reaches)).filter((x) => !alone.has(x))) {
      const names = selecting.filter((p) => p.reaches.some((r) => r.family === f)).map((p) => p.ref.object.metadata?.name);
      out.push({
        index: pod.index,
        rule: 'egress-internet',
        message:
          `${fieldPath([...pod.metadataPath, 'labels'])}: the NetworkPolicies ${names.join(', ')} select these pods and their ipBlocks ` +
          `together reach every public IPv${f} address: the pods may reach the whole internet`,
        value: pod.labels,
        fix: EGRESS_FIX,
      });
    }
  }
  return out;
}
