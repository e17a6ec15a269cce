import { CIDR, DNS_LABEL, imageTagProblem, isPort, systemNamespaceProblem } from '../../lib/core/formats';

describe('format', () => {
  test('accepts only strings, even when a number would print as a match', () => {
    // GIVEN 123 prints as "123", a valid DNS label
    expect(DNS_LABEL.test('123')).toBe(true);
    // WHEN / THEN
    expect(DNS_LABEL.test(123)).toBe(false);
  });
});

describe('imageTagProblem', () => {
  test('accepts a digest in a critical environment', () => {
    // GIVEN
    const digest = `sha256:${'a1'.repeat(32)}`;
    // WHEN / THEN
    expect(imageTagProblem(digest, { critical: true })).toBeUndefined();
    expect(imageTagProblem(digest, { critical: true, scheme: 'major.minor' })).toBeUndefined();
  });
});

describe('CIDR', () => {
  test.each([
    ['::/0', 'the whole IPv6 space'],
    ['2001:db8::/32', 'groups before ::'],
    ['::1/128', 'a group after ::'],
    ['1:2:3:4:5:6:7:8/128', 'eight groups without ::'],
    ['1:2:3:4:5:6::7/128', 'seven groups with ::'],
    ['::ffff:192.0.2.1/128', 'an IPv4 tail after ::'],
    ['64:ff9b::192.0.2.1/96', 'groups and an IPv4 tail with ::'],
    ['0:0:0:0:0:ffff:192.0.2.1/128', 'six groups and an IPv4 tail without ::'],
  ])('accepts %s (%s)', (cidr) => {
    expect(CIDR.test(cidr)).toBe(true);
  });

  test.each([
    ['1:2::3:4::5:6:7:8/64', 'two ::'],
    ['1:2::3::4/64', 'two :: and few groups'],
    ['2001:db8:12345::/48', 'a group of five digits'],
    ['12345::/64', 'a lone group of five digits'],
    ['1:2:3:4:5:6:7::8/64', 'eight groups with ::'],
    ['1:2:3:4:5:6:7/128', 'seven groups without ::'],
    ['1:2:3:4:5:6:7:8:9/128', 'nine groups'],
    ['::ffff:192.0.2.256/128', 'an IPv4 tail with an octet above 255'],
    ['::ffff:192.0.2/128', 'an IPv4 tail of three octets'],
    ['0:0:0:0:0:0:ffff:192.0.2.1/128', 'seven groups and an IPv4 tail without ::'],
  ])('rejects %s (%s)', (cidr) => {
    expect(CIDR.test(cidr)).toBe(false);
  });
});

describe('systemNamespaceProblem', () => {
  test("without a reserved list, allows every namespace that is not the cluster's own", () => {
    expect(systemNamespaceProblem('dvmm-production')).toBeUndefined();
  });

  test('fails a reserved namespace as reserved by the platform', () => {
    expect(systemNamespaceProblem('platform-tools', ['platform-tools'])).toEqual({
      problem: 'is reserved by the platform',
      fix: "use a namespace of the product's own, e.g. <product>-<environment> (leave namespace out for that default)",
    });
  });
});

describe('isPort', () => {
  test.each([1, 443, 65535])('accepts %p', (port) => {
    expect(isPort(port)).toBe(true);
  });

  test.each([0, 65536, 80.5, '443', Number.NaN, undefined])('rejects %p', (port) => {
    expect(isPort(port)).toBe(false);
  });
});
