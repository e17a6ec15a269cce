import { findingsOf, NS } from './fixtures';

/** A NetworkPolicy of the API's pods with this spec (podSelector given). */
function policy(spec: Record<string, unknown>, name = 'api') {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: NS },
    spec: { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'api' } }, ...spec },
  };
}

const RULE = 'network-policy-allow-all';
const P = `production: NetworkPolicy/${NS}/api: [${RULE}]`;
const DEV = { environment: 'dev', critical: false };
const FIX = 'fix: name the peers (a podSelector or a namespaceSelector with labels, or ipBlocks of the addresses needed) and the ports';

describe('network-policy-allow-all', () => {
  test("accepts the library's own shapes: default-deny, DNS to one namespace, flows to labelled pods and namespaces, own-namespace pods", () => {
    const objects = [
      policy({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] }, 'default-deny'),
      policy({
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'openshift-dns' } } }],
            ports: [{ port: 5353, protocol: 'UDP' }],
          },
        ],
      }),
      policy({
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          { from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'web' } } }], ports: [{ port: 8080 }] },
          { from: [{ podSelector: {} }] },
          { from: [{ namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'In', values: ['shop'] }] } }] },
          { from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'prometheus' } } }] },
          { from: [{ ipBlock: { cidr: '10.0.0.0/8' } }, { ipBlock: { cidr: '0.0.0.0/1' } }] },
        ],
        egress: [{ to: [{ ipBlock: { cidr: '192.0.2.0/28' } }], ports: [{ port: 443 }] }],
      }),
    ];
    expect(findingsOf(RULE, objects)).toEqual([]);
    expect(findingsOf(RULE, objects, DEV)).toEqual([]);
  });

  test('fails on a rule without peers and ports, either direction, in every environment', () => {
    const lines = [
      `${P} spec.ingress[0]: has no from and no ports: every source, in the cluster and outside it, on every port (got {}); ${FIX}`,
      `${P} spec.egress[0]: has no to and no ports: every destination, in the cluster and outside it, on every port ` +
        `(got {"to":[],"ports":[]}); ${FIX}`,
    ];
    const objects = [policy({ ingress: [{}], egress: [{ to: [], ports: [] }] })];
    expect(findingsOf(RULE, objects)).toEqual(lines);
    expect(findingsOf(RULE, objects, DEV)).toEqual(lines.map((l) => l.replace('production:', 'dev:')));
  });

  test('fails on an ingress rule with ports but no from; an egress one is egress-internet’s', () => {
    const ingress = [{ ports: [{ port: 8080 }, { port: 9000, endPort: 9100, protocol: 'UDP' }, {}] }];
    expect(findingsOf(RULE, [policy({ ingress, egress: [{ ports: [{ port: 443 }] }] })])).toEqual([
      `${P} spec.ingress[0]: has no from: every source, in the cluster and outside it, may reach TCP 8080, UDP 9000-9100, TCP (every port) ` +
        `(got {"ports":[{"port":8080},{"port":9000,"endPort":9100,"protocol":"UDP"},{}]}); ${FIX}`,
    ]);
  });

  test('fails on a peer of every pod of every namespace: empty namespaceSelector, no or an empty podSelector', () => {
    const every = [
      { namespaceSelector: {} },
      { namespaceSelector: { matchLabels: {} }, podSelector: {} },
      { namespaceSelector: {}, podSelector: { matchLabels: {} } },
    ];
    expect(findingsOf(RULE, [policy({ ingress: [{ from: every, ports: [{ port: 8080 }] }], egress: [{ to: [every[0]] }] })])).toEqual([
      `${P} spec.ingress[0].from[0]: selects every pod of every namespace (empty namespaceSelector and podSelector) ` +
        `(got {"namespaceSelector":{}}); ${FIX}`,
      `${P} spec.ingress[0].from[1]: selects every pod of every namespace (empty namespaceSelector and podSelector) ` +
        `(got {"namespaceSelector":{"matchLabels":{}},"podSelector":{}}); ${FIX}`,
      `${P} spec.ingress[0].from[2]: selects every pod of every namespace (empty namespaceSelector and podSelector) ` +
        `(got {"namespaceSelector":{},"podSelector":{"matchLabels":{}}}); ${FIX}`,
      `${P} spec.egress[0].to[0]: selects every pod of every namespace (empty namespaceSelector and podSelector) ` +
        `(got {"namespaceSelector":{}}); ${FIX}`,
    ]);
  });

  test('fails on ingress ipBlocks that together admit every public address: 0.0.0.0/0 with excepts, two halves, ::/0', () => {
    const from = (...cidrs: Array<string | { cidr: string; except: string[] }>) => ({
      from: cidrs.map((c) => ({ ipBlock: typeof c === 'string' ? { cidr: c } : c })),
    });
    expect(findingsOf(RULE, [policy({ ingress: [from({ cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '2001:db8::/32'] }), from('::/0')] })])).toEqual([
      `${P} spec.ingress: its ipBlocks together admit every public IPv4 address (got ["0.0.0.0/0"]); ${FIX}`,
      `${P} spec.ingress: its ipBlocks together admit every public IPv6 address (got ["::/0"]); ${FIX}`,
    ]);
    expect(findingsOf(RULE, [policy({ ingress: [from('0.0.0.0/1'), from('128.0.0.0/1', 'not-a-cidr')] })])).toEqual([
      `${P} spec.ingress: its ipBlocks together admit every public IPv4 address (got ["0.0.0.0/1","128.0.0.0/1"]); ${FIX}`,
    ]);
    // THEN an except that takes out public addresses leaves a policy that no longer admits all of them
    expect(findingsOf(RULE, [policy({ ingress: [from({ cidr: '0.0.0.0/0', except: ['8.8.8.0/24'] })] })])).toEqual([]);
  });

  test('ignores what is no list or no map: the schema rule reports it', () => {
    expect(findingsOf(RULE, [policy({ ingress: 'all', egress: [null, { to: 'x', ports: [{ port: 1 }] }] })])).toEqual([
      `${P} spec.egress[0]: has no to and no ports: every destination, in the cluster and outside it, on every port (got null); ${FIX}`,
    ]);
  });
});
