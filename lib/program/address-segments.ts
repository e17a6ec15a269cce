/**
 * The addresses outside the cluster as the network-policy analyser reports them: it cuts the IPv4 space at the
 * boundaries of every ipBlock of the policies and reports a connection per piece (`0.0.0.0-192.0.1.255`, or a CIDR
 * when the piece is exactly one). The flow record's expectations are cut the same way, so that overlapping blocks (an
 * egress to 0.0.0.0/0 beside one to 192.0.2.0/28) compare piece by piece. IPv6 blocks are kept whole.
 */

/** One piece: its name as the analyser prints it, and whether a rule's block covers it. */
export interface AddressSegment {
  readonly name: string;
  readonly within: (cidr: string) => boolean;
}

/** An IPv4 address as a number. */
export const ipToInt = (ip: string): number => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
const intToIp = (n: number) => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');

/** An IPv4 CIDR as its first and last address; undefined for anything else. */
export function cidrRange(cidr: string): [number, number] | undefined {
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(cidr);
  if (!m) return undefined;
  const size = 2 ** (32 - Number(m[2]));
  const first = Math.floor(ipToInt(m[1]) / size) * size;
  return [first, first + size - 1];
}

/** `198.51.100.20-198.51.100.20` -> `198.51.100.20/32` when the range is exactly one CIDR. */
export function canonicalIp(peer: string): string {
  const m = /^(\d+\.\d+\.\d+\.\d+)-(\d+\.\d+\.\d+\.\d+)$/.exec(peer);
  if (!m) return peer;
  const [a, b] = [ipToInt(m[1]), ipToInt(m[2])];
  const size = b - a + 1;
  const bits = Math.log2(size);
  return Number.isInteger(bits) && a % size === 0 ? `${m[1]}/${32 - bits}` : peer;
}

/** The pieces that `cidrs` cut the address space into, each inside at least one of them, in address order. */
export function addressSegments(cidrs: readonly string[]): AddressSegment[] {
  const ranges = cidrs.map(cidrRange).filter((r): r is [number, number] => r !== undefined);
  const cuts = [...new Set(ranges.flatMap(([first, last]) => [first, last + 1]))].sort((a, b) => a - b);
  const pieces = cuts.slice(0, -1).map((first, i): [number, number] => [first, cuts[i + 1] - 1]);
  const ipv4 = pieces
    .filter(([first, last]) => ranges.some(([a, b]) => a <= first && last <= b))
    .map(([first, last]) => ({
      name: canonicalIp(`${intToIp(first)}-${intToIp(last)}`),
      within: (cidr: string) => {
        const range = cidrRange(cidr);
        return range !== undefined && range[0] <= first && last <= range[1];
      },
    }));
  const other = [...new Set(cidrs.filter((c) => cidrRange(c) === undefined))].map((name) => ({ name, within: (cidr: string) => cidr === name }));
  return [...ipv4, ...other];
}
