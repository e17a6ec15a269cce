import { EafApi, NetworkPolicies } from '../../lib';
import { EgressFirewall } from '../../lib/network/egress-firewall';
import { find, synth, testChart } from '../util';

describe('NetworkPolicies host-named egress (OpenShift EgressFirewall)', () => {
  function shop(platform: 'kubernetes' | 'openshift', hosts = ['api.payments.example.com']) {
    const chart = testChart('shop');
    const api = new EafApi(chart, 'api', { image: 'r/api', tag: '1' });
    const worker = new EafApi(chart, 'worker', { image: 'r/worker', tag: '1' });
    new NetworkPolicies(chart, 'net', {
      platform,
      ingressTargets: [],
      apiServer: { cidrs: ['192.0.2.0/28'], ports: [6443] },
      objectStore: { cidrs: ['198.51.100.10/32'], ports: [443] },
      externalEgress: [{ name: 'smtp', peer: worker, endpoint: { cidrs: ['203.0.113.25/32'], ports: [587] } }],
      hostEgress: [{ name: 'payments', peers: [api], hosts, ports: [443] }],
    });
    return chart;
  }

  test('lets only the calling pods out to every IPv4 address on the egress ports, and renders the firewall that narrows it', () => {
    // GIVEN an OpenShift namespace whose API calls a host by name, beside an SMTP egress by CIDR and the platform endpoints
    const manifests = synth(shop('openshift'));
    // THEN the API's policy opens 0.0.0.0/0 on 443 only, and the worker's policy has no such rule
    expect(find(manifests, 'NetworkPolicy', 'api-egress').spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443, protocol: 'TCP' }] },
    ]);
    expect(JSON.stringify(find(manifests, 'NetworkPolicy', 'worker-egress').spec)).not.toContain('0.0.0.0/0');
    // AND the namespace's firewall is named default, allows every CIDR the policies allow and the host, and denies the rest last
    const firewall = find(manifests, 'EgressFirewall', 'default');
    expect(firewall.apiVersion).toBe('k8s.ovn.org/v1');
    expect(firewall.metadata.namespace).toBe('shop');
    expect(firewall.spec.egress).toEqual([
      { type: 'Allow', to: { cidrSelector: '203.0.113.25/32' }, ports: [{ port: 587, protocol: 'TCP' }] },
      { type: 'Allow', to: { cidrSelector: '192.0.2.0/28' }, ports: [{ port: 6443, protocol: 'TCP' }] },
      { type: 'Allow', to: { cidrSelector: '198.51.100.10/32' }, ports: [{ port: 443, protocol: 'TCP' }] },
      { type: 'Allow', to: { dnsName: 'api.payments.example.com' }, ports: [{ port: 443, protocol: 'TCP' }] },
      { type: 'Deny', to: { cidrSelector: '0.0.0.0/0' } },
    ]);
  });

  test('renders no firewall when no egress names a host', () => {
    const chart = testChart('shop');
    const api = new EafApi(chart, 'api', { image: 'r/api', tag: '1' });
    const policies = new NetworkPolicies(chart, 'net', {
      platform: 'openshift',
      ingressTargets: [],
      externalEgress: [{ name: 'smtp', peer: api, endpoint: { cidrs: ['203.0.113.25/32'], ports: [587] } }],
    });
    expect(policies.egressFirewall).toBeUndefined();
    expect(synth(chart).filter((m) => m.kind === 'EgressFirewall')).toEqual([]);
  });

  test('records the host-named flow in the flow record, to 0.0.0.0/0 on its ports, for the network-policy tier', () => {
    const chart = shop('openshift');
    const policies = chart.node.findChild('net') as NetworkPolicies;
    expect(policies.flowRecord.rules.filter((r) => r.reason === 'payments')).toEqual([
      {
        subject: 'api',
        podSelector: { 'app.kubernetes.io/name': 'api' },
        direction: 'egress',
        remote: 'api.payments.example.com (narrowed by the EgressFirewall)',
        peers: [{ ipBlock: { cidr: '0.0.0.0/0' } }],
        ports: [{ port: 443, protocol: 'TCP' }],
        reason: 'payments',
      },
    ]);
  });

  test('fails on a host-named egress where the platform is kubernetes, with the reason and the fix', () => {
    expect(() => shop('kubernetes')).toThrow(
      "test/net: hostEgress[0].hosts needs OpenShift's EgressFirewall, but this environment's network platform is kubernetes: " +
        'a NetworkPolicy cannot name a host (got ["api.payments.example.com"]); give cidrs instead, or send the traffic through ' +
        'an egress gateway or proxy and allow that (by cidrs)',
    );
  });

  test('fails on a wildcard host, which OpenShift resolves only with a Technology Preview', () => {
    expect(() => shop('openshift', ['*.payments.example.com'])).toThrow(
      'test/net: hostEgress[0].hosts[0] is not a host name (wildcards are refused) (got "*.payments.example.com"); use a lower-case ' +
        'host name such as api.example.com; a wildcard (*.example.com) is refused, since OpenShift resolves it only with the ' +
        'DNSNameResolver Technology Preview (4.16 on): list each host',
    );
  });
});

describe('EgressFirewall', () => {
  test('fails on a rule with both a CIDR and a host, and on a bad port', () => {
    expect(() => new EgressFirewall(testChart(), 'fw', { allow: [{ cidr: '192.0.2.1/32', host: 'a.example.com', ports: [0] }] })).toThrow(
      /allow\[0\] must name exactly one of cidr and host[\s\S]*allow\[0\]\.ports\[0\] is not a TCP port from 1 to 65535 \(got 0\)/,
    );
  });
});
