import { findings, findingsOf, NS } from './fixtures';

/** A NetworkPolicy of the API's pods with these egress rules. */
function policy(egress: unknown[]) {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'api-egress', namespace: NS },
    spec: { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'api' } }, policyTypes: ['Egress'], egress },
  };
}

/** The namespace's EgressFirewall with these rules. */
function firewall(egress: unknown[], name = 'default') {
  return { apiVersion: 'k8s.ovn.org/v1', kind: 'EgressFirewall', metadata: { name, namespace: NS }, spec: { egress } };
}

const INTERNET_443 = { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443, protocol: 'TCP' }] };
const HOST_443 = { type: 'Allow', to: { dnsName: 'api.payments.example.com' }, ports: [{ port: 443, protocol: 'TCP' }] };
const DENY_ALL = { type: 'Deny', to: { cidrSelector: '0.0.0.0/0' } };
const P = `production: NetworkPolicy/${NS}/api-egress: [egress-internet]`;
const FIX =
  "fix: name the addresses (egress.<name>.cidrs); on OpenShift name the hosts (egress.<name>.hosts), which renders the namespace's " +
  'EgressFirewall; or waive the rule with the reason';

describe('egress-internet', () => {
  test('accepts 0.0.0.0/0 on named ports in a critical environment where the EgressFirewall allows a host on them, denying 0.0.0.0/0 last', () => {
    expect(findings([policy([INTERNET_443]), firewall([HOST_443, DENY_ALL])])).toEqual([]);
  });

  test('accepts anything in a non-critical environment, and named CIDRs everywhere', () => {
    expect(findingsOf('egress-internet', [policy([INTERNET_443, { to: [] }])], { environment: 'dev', critical: false })).toEqual([]);
    expect(findingsOf('egress-internet', [policy([{ to: [{ ipBlock: { cidr: '192.0.2.0/28' } }], ports: [{ port: 6443 }] }])])).toEqual([]);
  });

  test('fails on 0.0.0.0/0 in a critical environment without a firewall, or with one that does not deny 0.0.0.0/0 last or is misnamed', () => {
    const message = (namespace: string) =>
      `${P} spec.egress[0].to[0].ipBlock.cidr: lets the selected pods reach every IPv4 address, and no EgressFirewall of namespace ` +
      `${namespace} narrows it (one named default whose last rule denies 0.0.0.0/0) (got "0.0.0.0/0"); ${FIX}`;
    expect(findingsOf('egress-internet', [policy([INTERNET_443])])).toEqual([message(NS)]);
    expect(findingsOf('egress-internet', [policy([INTERNET_443]), firewall([DENY_ALL, HOST_443])])).toEqual([message(NS)]);
    expect(findingsOf('egress-internet', [policy([INTERNET_443]), firewall([HOST_443, DENY_ALL], 'other')])).toEqual([message(NS)]);
    // THEN a firewall of another namespace narrows nothing here
    const elsewhere = { ...firewall([HOST_443, DENY_ALL]), metadata: { name: 'default', namespace: 'other' } };
    expect(findingsOf('egress-internet', [policy([INTERNET_443]), elsewhere])).toEqual([message(NS)]);
  });

  test('fails on 0.0.0.0/0 on every port, or on a port that no host of the firewall uses', () => {
    const firewalled = firewall([
      { type: 'Allow', to: { cidrSelector: '192.0.2.0/28' }, ports: [{ port: 8443, protocol: 'TCP' }] },
      HOST_443,
      DENY_ALL,
    ]);
    const anyPort = { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] };
    const otherPort = { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443 }, { port: 8443 }] };
    expect(findingsOf('egress-internet', [policy([anyPort, otherPort]), firewalled])).toEqual([
      `${P} spec.egress[0].to[0].ipBlock.cidr: lets the selected pods reach every IPv4 address on every port, which no host of the ` +
        `EgressFirewall uses (got "0.0.0.0/0"); ${FIX}`,
      `${P} spec.egress[1].to[0].ipBlock.cidr: lets the selected pods reach every IPv4 address on port 8443, which no host of the ` +
        `EgressFirewall uses (got "0.0.0.0/0"); ${FIX}`,
    ]);
  });

  test('fails on ::/0 and on an empty to, which no EgressFirewall narrows', () => {
    const everyIpv6 = { to: [{ ipBlock: { cidr: '::/0' } }], ports: [{ port: 443 }] };
    expect(findingsOf('egress-internet', [policy([everyIpv6, { ports: [{ port: 443 }] }]), firewall([HOST_443, DENY_ALL])])).toEqual([
      `${P} spec.egress[0].to[0].ipBlock.cidr: lets the selected pods reach every IPv6 address; no EgressFirewall rule narrows it ` +
        `(got "::/0"); ${FIX}`,
      `${P} spec.egress[1].to: is empty: the selected pods may reach every address, in the cluster and outside it (got []); ${FIX}`,
    ]);
  });

  test('the EgressFirewall itself is checked against its CRD: it must be named default', () => {
    expect(findingsOf('schema-crd', [firewall([HOST_443, DENY_ALL], 'allow-payments')])).toEqual([
      `production: EgressFirewall/${NS}/allow-payments: [schema-crd] metadata.name: must match pattern "^default$" (got "allow-payments"); ` +
        'fix: correct metadata.name (see the k8s.ovn.org/v1 EgressFirewall schema)',
    ]);
  });
});
