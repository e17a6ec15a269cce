import fc from 'fast-check';
import { AddressRange, covers, intersect, IPV4_NOT_PUBLIC, parseCidr, PUBLIC, size, subtract, union } from '../../lib/gate/checks/cidr';

/** Ranges in a small universe (0..63), where membership can be checked address by address. */
const UNIVERSE = 64;
const range = fc
  .tuple(fc.integer({ min: 0, max: UNIVERSE - 1 }), fc.integer({ min: 0, max: UNIVERSE - 1 }))
  .map(([a, b]): AddressRange => ({ start: BigInt(Math.min(a, b)), end: BigInt(Math.max(a, b)) }));
const ranges = fc.array(range, { maxLength: 6 });

const member = (rs: readonly AddressRange[], x: bigint) => rs.some((r) => r.start <= x && x <= r.end);
const addresses = Array.from({ length: UNIVERSE }, (_, i) => BigInt(i));

/** The ranges are sorted, disjoint and not touching: union's normal form. */
function normal(rs: readonly AddressRange[]): boolean {
  return rs.every((r, i) => r.start <= r.end && (i === 0 || rs[i - 1].end + 1n < r.start));
}

describe('CIDR arithmetic', () => {
  test('union, subtract, intersect, size and covers agree with address-by-address sets', () => {
    fc.assert(
      fc.property(ranges, ranges, (a, b) => {
        const u = union([...a, ...b]);
        const d = subtract(a, b);
        const i = intersect(a, b);
        expect(normal(u) && normal(d) && normal(i)).toBe(true);
        for (const x of addresses) {
          expect(member(u, x)).toBe(member(a, x) || member(b, x));
          expect(member(d, x)).toBe(member(a, x) && !member(b, x));
          expect(member(i, x)).toBe(member(a, x) && member(b, x));
        }
        expect(size(a)).toBe(BigInt(addresses.filter((x) => member(a, x)).length));
        expect(covers(a, b)).toBe(addresses.every((x) => !member(b, x) || member(a, x)));
      }),
    );
  });

  test('touching ranges merge into one, and nothing is empty', () => {
    expect(
      union([
        { start: 5n, end: 9n },
        { start: 0n, end: 4n },
      ]),
    ).toEqual([{ start: 0n, end: 9n }]);
    expect(
      union([
        { start: 0n, end: 3n },
        { start: 5n, end: 9n },
      ]),
    ).toEqual([
      { start: 0n, end: 3n },
      { start: 5n, end: 9n },
    ]);
    expect(
      union([
        { start: 0n, end: 9n },
        { start: 2n, end: 3n },
      ]),
    ).toEqual([{ start: 0n, end: 9n }]);
    expect(subtract([{ start: 0n, end: 9n }], [{ start: 0n, end: 9n }])).toEqual([]);
    expect(size([])).toBe(0n);
  });

  test('a prefix of any IPv4 address is the block from the masked address, 2^(32-prefix) long', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 32 }), (n, prefix) => {
        const dotted = [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
        const length = 2n ** BigInt(32 - prefix);
        const start = (BigInt(n) / length) * length;
        expect(parseCidr(`${dotted}/${prefix}`)).toEqual({ family: 4, start, end: start + length - 1n });
      }),
    );
  });

  test('reads IPv6 in compressed form, and refuses what is no block', () => {
    expect(parseCidr('2001:db8::/32')).toEqual({
      family: 6,
      start: 0x20010db8n << 96n,
      end: (0x20010db8n << 96n) + (1n << 96n) - 1n,
    });
    expect(parseCidr('::/0')).toEqual({ family: 6, start: 0n, end: (1n << 128n) - 1n });
    for (const bad of ['10.0.0.1', '10.0.0.0/33', 'example.com/8', '', 42, undefined, '::/129']) expect(parseCidr(bad)).toBeUndefined();
  });

  test('any partition of 0.0.0.0/0 into blocks covers the public internet; leaving out any public block does not', () => {
    // a random split: halve blocks at random down to /8 at most
    const split = (prefix: number, base: number, choices: boolean[]): string[] => {
      if (prefix === 8 || !(choices.shift() ?? false)) return [`${[24, 16, 8, 0].map((s) => (base >>> s) & 255).join('.')}/${prefix}`];
      const half = 2 ** (32 - prefix - 1);
      return [...split(prefix + 1, base, choices), ...split(prefix + 1, base + half, choices)];
    };
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }), (choices) => {
        const blocks = split(0, 0, [true, ...choices]).map((c) => parseCidr(c)!);
        expect(covers(blocks, PUBLIC[4])).toBe(true);
        const publicBlocks = blocks.filter((b) => intersect([b], PUBLIC[4]).length > 0);
        expect(
          covers(
            blocks.filter((b) => b !== publicBlocks[0]),
            PUBLIC[4],
          ),
        ).toBe(false);
      }),
    );
  });

  test('public IPv4 space is everything but the special-purpose blocks', () => {
    expect(covers([parseCidr('0.0.0.0/1')!, parseCidr('128.0.0.0/1')!], PUBLIC[4])).toBe(true);
    // the private, loopback, CGNAT, ... blocks are not needed to cover it
    expect(
      covers(
        subtract(
          [parseCidr('0.0.0.0/0')!],
          IPV4_NOT_PUBLIC.map((c) => parseCidr(c)!),
        ),
        PUBLIC[4],
      ),
    ).toBe(true);
    for (const c of ['10.0.0.0/8', '192.168.1.0/24', '100.64.0.0/10', '224.0.0.0/4']) expect(intersect([parseCidr(c)!], PUBLIC[4])).toEqual([]);
    for (const c of ['8.8.8.8/32', '1.0.0.0/8', '203.0.114.0/24']) expect(intersect([parseCidr(c)!], PUBLIC[4])).not.toEqual([]);
    expect(size(PUBLIC[4])).toBe(3_702_258_688n); // 2^32 − 592,708,608 in the special-purpose blocks (no overlaps among them)
    expect(covers([parseCidr('2000::/3')!], PUBLIC[6])).toBe(true);
    expect(covers([parseCidr('2000::/4')!], PUBLIC[6])).toBe(false);
    expect(intersect([parseCidr('2001:db8::/32')!], PUBLIC[6])).toEqual([]);
  });
});
