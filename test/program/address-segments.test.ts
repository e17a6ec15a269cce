import { addressSegments, canonicalIp } from '../../lib/program/address-segments';

describe('addressSegments', () => {
  test('cuts 0.0.0.0/0 at the boundaries of the blocks inside it, as the analyser reports them', () => {
    // GIVEN an egress to every IPv4 address beside a /28 and a /32 (a host-named egress beside the API server and an IdP)
    const segments = addressSegments(['0.0.0.0/0', '192.0.2.0/28', '203.0.113.10/32']);
    // THEN the pieces cover the space once, each named as a CIDR when it is exactly one
    expect(segments.map((s) => s.name)).toEqual([
      '0.0.0.0-192.0.1.255',
      '192.0.2.0/28',
      '192.0.2.16-203.0.113.9',
      '203.0.113.10/32',
      '203.0.113.11-255.255.255.255',
    ]);
    // AND a piece is within the blocks that cover it, and no other
    const inside = segments.find((s) => s.name === '192.0.2.0/28')!;
    expect([inside.within('0.0.0.0/0'), inside.within('192.0.2.0/28'), inside.within('203.0.113.10/32')]).toEqual([true, true, false]);
    expect(segments[0].within('192.0.2.0/28')).toBe(false);
  });

  test('leaves blocks that do not overlap as they are, and IPv6 blocks whole', () => {
    expect(addressSegments(['198.51.100.10/32', '192.0.2.0/28', '2001:db8::/32', '192.0.2.0/28']).map((s) => s.name)).toEqual([
      '192.0.2.0/28',
      '198.51.100.10/32',
      '2001:db8::/32',
    ]);
  });

  test('canonicalIp names a range that is exactly one CIDR as that CIDR, and leaves any other range', () => {
    expect(canonicalIp('198.51.100.20-198.51.100.20')).toBe('198.51.100.20/32');
    expect(canonicalIp('0.0.0.0-255.255.255.255')).toBe('0.0.0.0/0');
    expect(canonicalIp('192.0.2.16-192.0.2.47')).toBe('192.0.2.16-192.0.2.47');
  });
});
