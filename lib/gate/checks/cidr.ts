// CIDR arithmetic for the egress rules. Parsing (IPv4, IPv6 in every written form, prefixes) comes from ip-address.
// The set operations on address ranges (union, difference, intersection, size) are written here: ip-address has
// none, and cidr-tools, which has them, ships only as an ES module, which this CommonJS library cannot require on
// every Node version it supports (>= 20.12). Ranges are inclusive [start, end] pairs of bigints, so both families
// share the code.
import { Address4, Address6 } from 'ip-address';

/** An IP family. */
export type Family = 4 | 6;

/** The inclusive range of addresses from start to end. */
export interface AddressRange {
  readonly start: bigint;
  readonly end: bigint;
}

/** A parsed CIDR block: its family and addresses. */
export interface Block extends AddressRange {
  readonly family: Family;
}

/** A block of this family and prefix length, or undefined when `text` is no CIDR (an address alone is no block). */
export function parseCidr(text: unknown): Block | undefined {
  if (typeof text !== 'string' || !text.includes('/')) return undefined;
  if (Address4.isValid(text)) {
    const a = new Address4(text);
    return { family: 4, start: a.startAddress().bigInt(), end: a.endAddress().bigInt() };
  }
  if (Address6.isValid(text)) {
    const a = new Address6(text);
    return { family: 6, start: a.startAddress().bigInt(), end: a.endAddress().bigInt() };
  }
  return undefined;
}

/** The ranges sorted and merged, touching ranges joined: the smallest list covering the same addresses. */
export function union(ranges: readonly AddressRange[]): AddressRange[] {
  const sorted = [...ranges].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const out: AddressRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && r.start <= last.end + 1n) out[out.length - 1] = { start: last.start, end: r.end > last.end ? r.end : last.end };
    else out.push({ start: r.start, end: r.end });
  }
  return out;
}

/** The addresses of `from` that are in none of `minus`. */
export function subtract(from: readonly AddressRange[], minus: readonly AddressRange[]): AddressRange[] {
  const cuts = union(minus);
  return union(from).flatMap((r) => {
    const pieces: AddressRange[] = [];
    let start = r.start;
    for (const c of cuts) {
      if (c.end < start || c.start > r.end) continue;
      if (c.start > start) pieces.push({ start, end: c.start - 1n });
      start = c.end + 1n;
    }
    if (start <= r.end) pieces.push({ start, end: r.end });
    return pieces;
  });
}

/** The addresses in both `a` and `b`. */
export function intersect(a: readonly AddressRange[], b: readonly AddressRange[]): AddressRange[] {
  return subtract(a, subtract(a, b));
}

/** How many addresses the ranges hold (each counted once). */
export function size(ranges: readonly AddressRange[]): bigint {
  return union(ranges).reduce((sum, r) => sum + (r.end - r.start + 1n), 0n);
}

/** Whether every address of `target` is in `ranges`. */
export function covers(ranges: readonly AddressRange[], target: readonly AddressRange[]): boolean {
  return subtract(target, ranges).length === 0;
}

function blocks(cidrs: readonly string[]): AddressRange[] {
  return cidrs.map((c) => parseCidr(c)!);
}

/**
 * The IPv4 blocks the IANA special-purpose registry marks as not globally reachable (RFC 6890 and successors), plus
 * multicast and the reserved 240.0.0.0/4: every other IPv4 address is the public internet.
 */
export const IPV4_NOT_PUBLIC: readonly string[] = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/4',
  '240.0.0.0/4',
];

/** The IPv6 public internet: global unicast (2000::/3) without the documentation blocks (2001:db8::/32, 3fff::/20). */
export const IPV6_PUBLIC_SPACE = '2000::/3';
export const IPV6_NOT_PUBLIC: readonly string[] = ['2001:db8::/32', '3fff::/20'];

/** The public internet of each family, as merged ranges. */
export const PUBLIC: Readonly<Record<Family, readonly AddressRange[]>> = {
  4: subtract(blocks(['0.0.0.0/0']), blocks(IPV4_NOT_PUBLIC)),
  6: subtract(blocks([IPV6_PUBLIC_SPACE]), blocks(IPV6_NOT_PUBLIC)),
};
