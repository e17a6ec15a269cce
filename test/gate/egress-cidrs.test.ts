import { deployment, findingsOf, NS } from './fixtures';

/** A NetworkPolicy with these egress rules, selecting the pods labelled app.kubernetes.io/name=api. */
function policy(name: string, egress: unknown[], podSelector: unknown = { matchLabels: { 'app.kubernetes.io/name': 'api' } }) {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: NS },
    spec: { podSelector, policyTypes: ['Egress'], egress },
  };
}
const to = (...blocks: Array<string | { cidr: string; except?: string[] }>) => ({
  to: blocks.map((b) => ({ ipBlock: typeof b === 'string' ? { cidr: b } : b })),
  ports: [{ port: 443 }],
});

const RULE = 'egress-internet';
const P = (name: string) => `production: NetworkPolicy/${NS}/${name}: [${RULE}]`;
const FIX =
  "fix: name the addresses (egress.<name>.cidrs); on OpenShift name the hosts (egress.<name>.hosts), which renders the namespace's " +
  'EgressFirewall; or waive the rule with the reason';
const NARROW_FIX = 'fix: name only the addresses the pods need, each block at most a /16 (IPv4) or /32 (IPv6) of public space';

describe('egress-internet on named CIDRs', () => {
  test('accepts narrow public blocks, and wide private ones (10.0.0.0/8, CGNAT, documentation)', () => {
    const narrow = policy('api-egress', [to('192.0.2.0/28', '198.51.100.10/32', '8.8.0.0/16', '2001:4860::/32', '10.0.0.0/8', '100.64.0.0/10')]);
    expect(findingsOf(RULE, [narrow, deployment()])).toEqual([]);
    // THEN a wide block whose excepts leave a /16 of public addresses is narrow too
    expect(findingsOf(RULE, [policy('api-egress', [to({ cidr: '8.8.0.0/15', except: ['8.9.0.0/16'] })])])).toEqual([]);
  });

  test('fails on blocks of one policy that together reach every public address: 0.0.0.0/1 + 128.0.0.0/1, and a /1../8 set', () => {
    expect(findingsOf(RULE, [policy('halves', [to('0.0.0.0/1'), to('128.0.0.0/1')])])).toEqual([
      `${P('halves')} spec.egress: its ipBlocks together reach every public IPv4 address: the selected pods may reach the whole ` +
        `internet (got ["0.0.0.0/1","128.0.0.0/1"]); ${FIX}`,
    ]);
    // a /1 + /2 + /3 + ... + /8 staircase, the private and reserved blocks left out where they fall
    const stairs = ['128.0.0.0/1', '64.0.0.0/2', '32.0.0.0/3', '16.0.0.0/4', '8.0.0.0/5', '4.0.0.0/6', '2.0.0.0/7', '1.0.0.0/8'];
    expect(findingsOf(RULE, [policy('stairs', [to(...stairs)])])).toEqual([
      `${P('stairs')} spec.egress: its ipBlocks together reach every public IPv4 address: the selected pods may reach the whole ` +
        `internet (got ${JSON.stringify(stairs)}); ${FIX}`,
    ]);
    expect(findingsOf(RULE, [policy('v6', [to('2000::/4', '3000::/4')])])).toEqual([
      `${P('v6')} spec.egress: its ipBlocks together reach every public IPv6 address: the selected pods may reach the whole ` +
        `internet (got ["2000::/4","3000::/4"]); ${FIX}`,
    ]);
  });

  test('fails on a block that reaches more than a /16 of public IPv4 or a /32 of IPv6, but only in a critical environment', () => {
    const wide = policy('wide', [to('52.0.0.0/11', { cidr: '8.8.0.0/15', except: ['8.8.0.0/24'] }, '2001:4860::/31', '172.16.0.0/12')]);
    expect(findingsOf(RULE, [wide])).toEqual([
      `${P('wide')} spec.egress[0].to[0].ipBlock.cidr: reaches 2097152 public IPv4 addresses, more than a /16 (65536): a named ` +
        `egress must be narrow (got "52.0.0.0/11"); ${NARROW_FIX}`,
      `${P('wide')} spec.egress[0].to[1].ipBlock.cidr: reaches 130816 public IPv4 addresses, more than a /16 (65536): a named ` +
        `egress must be narrow (got "8.8.0.0/15"); ${NARROW_FIX}`,
      `${P('wide')} spec.egress[0].to[2].ipBlock.cidr: reaches 158456325028528675187087900672 public IPv6 addresses, more than a /32 ` +
        `(79228162514264337593543950336): a named egress must be narrow (got "2001:4860::/31"); ${NARROW_FIX}`,
    ]);
    expect(findingsOf(RULE, [wide], { environment: 'dev', critical: false })).toEqual([]);
  });

  test('fails on a CIDR that is no CIDR, and finds 0.0.0.0/0 and ::/0 however they are written', () => {
    expect(findingsOf(RULE, [policy('odd', [to('10.0.0.0/33', '0::/0', '8.8.8.8/0')])])).toEqual([
      `${P('odd')} spec.egress[0].to[1].ipBlock.cidr: lets the selected pods reach every IPv6 address; no EgressFirewall rule narrows it ` +
        `(got "0::/0"); ${FIX}`,
      `${P('odd')} spec.egress[0].to[2].ipBlock.cidr: lets the selected pods reach every IPv4 address, and no EgressFirewall of namespace ` +
        `${NS} narrows it (one named default whose last rule denies 0.0.0.0/0) (got "8.8.8.8/0"); ${FIX}`,
      `${P('odd')} spec.egress[0].to[0].ipBlock.cidr: is not an IPv4 or IPv6 CIDR (address/prefix) (got "10.0.0.0/33"); ` +
        'fix: write the block as address/prefix, e.g. 192.0.2.0/24',
    ]);
  });

  test('fails on the policies selecting one workload when their blocks together cover the internet, on the workload', () => {
    const low = policy('low', [to('0.0.0.0/1')]);
    const high = policy('high', [to('128.0.0.0/1')], { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'Exists' }] });
    const other = { ...policy('elsewhere', [to('128.0.0.0/1')]), metadata: { name: 'elsewhere', namespace: 'other' } };
    const lines = findingsOf(RULE, [low, high, other, deployment('api'), deployment('web')]);
    expect(lines.filter((l) => l.includes('Deployment/'))).toEqual([
      `production: Deployment/${NS}/api: [${RULE}] spec.template.metadata.labels: the NetworkPolicies low, high select these pods and ` +
        `their ipBlocks together reach every public IPv4 address: the pods may reach the whole internet ` +
        `(got {"app.kubernetes.io/name":"api"}); ${FIX}`,
    ]);
    // THEN each policy alone is only not narrow
    expect(lines.filter((l) => l.includes('NetworkPolicy/')).map((l) => l.split(': ')[1])).toEqual([
      `NetworkPolicy/${NS}/low`,
      `NetworkPolicy/${NS}/high`,
      'NetworkPolicy/other/elsewhere',
    ]);
  });

  test('a workload whose one policy covers the internet is reported on the policy only', () => {
    const lines = findingsOf(RULE, [policy('halves', [to('0.0.0.0/1', '128.0.0.0/1')]), policy('narrow', [to('192.0.2.0/28')]), deployment('api')]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`${P('halves')} spec.egress: its ipBlocks together reach every public IPv4 address`);
  });
});
