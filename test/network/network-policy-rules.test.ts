import { Chart, Testing } from 'cdk8s';
import { Connections, EafApi, EafFrontend, Keycloak, NetworkPolicies, PostgresCluster, PropertyErrors } from '../../lib';
import { find, synth, testChart } from '../util';

/** A rule as one line: `subject direction remote ports (reason) peers`. */
function ruleLines(net: NetworkPolicies): string[] {
  return net.rules.map(
    (r) =>
      `${r.subject.peerName} ${r.direction} ${r.remote} ${r.ports.map((p) => `${p.protocol ?? 'TCP'}/${p.port}`).join(',')} (${r.reason}) ${JSON.stringify(r.peers)}`,
  );
}

describe('NetworkPolicies rules', () => {
  test('lets the ingress controller reach the public ports and monitoring scrape the metrics ports (Kubernetes defaults)', () => {
    // GIVEN
    const chart = testChart();
    const web = new EafFrontend(chart, 'web', { image: 'r/web', tag: '1' });
    const api = new EafApi(chart, 'api', { image: 'r/api', tag: '1' });
    // WHEN
    const net = new NetworkPolicies(chart, 'net', {
      platform: 'kubernetes',
      ingressTargets: [{ peer: web, port: 8080 }],
      metricsTargets: [{ peer: api, port: 8080 }],
    });
    // THEN
    expect(ruleLines(net)).toEqual([
      'web ingress ingress controller TCP/8080 (public HTTPS traffic) [{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"ingress-nginx"}}}]',
      'api ingress monitoring TCP/8080 (metrics scraping) [{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"monitoring"}}}]',
    ]);
    const manifests = synth(chart);
    expect(find(manifests, 'NetworkPolicy', 'web-ingress').spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'web' } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }],
          ports: [{ port: 8080, protocol: 'TCP' }],
        },
      ],
    });
  });

  test('uses the OpenShift router and monitoring policy groups on OpenShift', () => {
    const chart = testChart();
    const web = new EafFrontend(chart, 'web', { image: 'r/web', tag: '1' });
    const net = new NetworkPolicies(chart, 'net', {
      platform: 'openshift',
      ingressTargets: [{ peer: web, port: 8080 }],
      metricsTargets: [{ peer: web, port: 9113 }],
    });
    expect(net.rules.map((r) => r.peers)).toEqual([
      [{ namespaceSelector: { matchLabels: { 'policy-group.network.openshift.io/ingress': '' } } }],
      [{ namespaceSelector: { matchLabels: { 'network.openshift.io/policy-group': 'monitoring' } } }],
    ]);
  });

  test('takes its own DNS, ingress controller, monitoring and operator namespaces', () => {
    const chart = testChart();
    const web = new EafFrontend(chart, 'web', { image: 'r/web', tag: '1' });
    const db = new PostgresCluster(chart, 'db', { database: 'x', credentialsSecret: 'c', monitoring: false });
    const net = new NetworkPolicies(chart, 'net', {
      platform: 'kubernetes',
      dns: { namespaceSelector: { name: 'dns' }, podSelector: { app: 'coredns' }, ports: [{ port: 5353 }] },
      ingressController: { namespaceSelector: { name: 'traefik' }, podSelector: { app: 'traefik' } },
      ingressTargets: [{ peer: web, port: 8080 }],
      monitoring: { namespaceSelector: { name: 'observability' } },
      metricsTargets: [{ peer: web, port: 9113 }],
      databaseOperator: { namespaceSelector: { name: 'postgres-operator' } },
      databases: [db],
    });
    expect(ruleLines(net)).toEqual([
      'web ingress ingress controller TCP/8080 (public HTTPS traffic) [{"namespaceSelector":{"matchLabels":{"name":"traefik"}},"podSelector":{"matchLabels":{"app":"traefik"}}}]',
      'db ingress CloudNativePG operator TCP/8000,TCP/5432 (operator status and management) [{"namespaceSelector":{"matchLabels":{"name":"postgres-operator"}}}]',
      'web ingress monitoring TCP/9113 (metrics scraping) [{"namespaceSelector":{"matchLabels":{"name":"observability"}}}]',
    ]);
    expect(find(synth(chart), 'NetworkPolicy', 'allow-dns').spec).toEqual({
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{ namespaceSelector: { matchLabels: { name: 'dns' } }, podSelector: { matchLabels: { app: 'coredns' } } }],
          ports: [{ port: 5353, protocol: 'TCP' }],
        },
      ],
    });
    expect(net.flows[0]).toEqual({ from: 'every pod', to: 'cluster DNS', ports: 'TCP 5353', reason: 'name resolution' });
  });

  test('gives a single-instance database no replication, and no object store egress without backups', () => {
    const chart = testChart();
    const db = new PostgresCluster(chart, 'db', { database: 'x', credentialsSecret: 'c', monitoring: false });
    const net = new NetworkPolicies(chart, 'net', {
      platform: 'kubernetes',
      ingressTargets: [],
      databases: [db],
      objectStore: { cidrs: ['198.51.100.10/32'], ports: [443] },
    });
    expect(ruleLines(net)).toEqual([
      'db ingress CloudNativePG operator TCP/8000,TCP/5432 (operator status and management) [{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"cnpg-system"}}}]',
    ]);
  });

  test('turns recorded external connections and named external egress into ipBlock rules', () => {
    const chart = testChart();
    const api = new EafApi(chart, 'api', { image: 'r/api', tag: '1' });
    Connections.of(chart).addExternal({
      from: api,
      name: 'payments',
      endpoint: { cidrs: ['203.0.113.0/24', '2001:db8::/32'], ports: [443, 8443] },
      purpose: 'card payments',
    });
    Connections.of(chart).addExternal({ from: api, name: 'ldap', endpoint: { cidrs: ['192.0.2.5/32'], ports: [636] } });
    const net = new NetworkPolicies(chart, 'net', {
      platform: 'kubernetes',
      ingressTargets: [],
      externalEgress: [{ name: 'smtp', peer: api, endpoint: { cidrs: ['198.51.100.25/32'], ports: [587] } }],
    });
    expect(ruleLines(net)).toEqual([
      'api egress payments TCP/443,TCP/8443 (card payments) [{"ipBlock":{"cidr":"203.0.113.0/24"}},{"ipBlock":{"cidr":"2001:db8::/32"}}]',
      'api egress ldap TCP/636 (ldap) [{"ipBlock":{"cidr":"192.0.2.5/32"}}]',
      'api egress smtp TCP/587 (smtp) [{"ipBlock":{"cidr":"198.51.100.25/32"}}]',
    ]);
    expect(find(synth(chart), 'NetworkPolicy', 'api-egress').spec.egress).toEqual([
      {
        to: [{ ipBlock: { cidr: '203.0.113.0/24' } }, { ipBlock: { cidr: '2001:db8::/32' } }],
        ports: [
          { port: 443, protocol: 'TCP' },
          { port: 8443, protocol: 'TCP' },
        ],
      },
      { to: [{ ipBlock: { cidr: '192.0.2.5/32' } }], ports: [{ port: 636, protocol: 'TCP' }] },
      { to: [{ ipBlock: { cidr: '198.51.100.25/32' } }], ports: [{ port: 587, protocol: 'TCP' }] },
    ]);
  });

  test('fails on a bad named egress endpoint, reporting every bad value at once', () => {
    const chart = testChart();
    const api = new EafApi(chart, 'api', { image: 'r/api', tag: '1' });
    let error: unknown;
    try {
      new NetworkPolicies(chart, 'net', {
        platform: 'kubernetes',
        ingressTargets: [],
        apiServer: { cidrs: ['10.0.0.1'], ports: [6443] },
        externalEgress: [
          { name: 'ok', peer: api, endpoint: { cidrs: ['10.0.0.0/8'], ports: [443] } },
          { name: 'smtp', peer: api, endpoint: { cidrs: ['10.0.0.0/8'], ports: [0] } },
        ],
      });
    } catch (e) {
      error = e;
    }
    expect((error as PropertyErrors).errors.map((e) => e.message)).toEqual([
      'test/net: apiServer.cidrs[0] is not a CIDR (got "10.0.0.1"); use a CIDR such as 10.0.0.0/24 or 192.0.2.10/32 (IPv4 prefixes up to /32, IPv6 up to /128)',
      'test/net: externalEgress[1].ports[0] is not a TCP port from 1 to 65535 (got 0); use a TCP port number, e.g. 443',
    ]);
  });

  test('lists every flow once, connections as one flow from client to server, with DNS first', () => {
    const chart = testChart();
    const db = new PostgresCluster(chart, 'db', { database: 'x', credentialsSecret: 'c', monitoring: false });
    const api = new EafApi(chart, 'api', { image: 'r/api', tag: '1', database: db });
    const net = new NetworkPolicies(chart, 'net', { platform: 'openshift', ingressTargets: [{ peer: api, port: 8080 }] });
    net.addRule({ subject: api, direction: 'ingress', remote: 'ingress controller', ports: [{ port: 8080 }], reason: 'again', peers: [] });
    expect(net.flows).toEqual([
      { from: 'every pod', to: 'cluster DNS', ports: 'UDP 5353, TCP 5353', reason: 'name resolution' },
      { from: 'ingress controller', to: 'api', ports: 'TCP 8080', reason: 'public HTTPS traffic' },
      { from: 'api', to: 'db', ports: 'TCP 5432', reason: 'database' },
    ]);
  });

  test('records every flow machine-readably, with the chart namespace and TCP as the default protocol', () => {
    const chart = testChart('shop-dev');
    const db = new PostgresCluster(chart, 'db', { database: 'x', credentialsSecret: 'c', monitoring: false });
    new EafApi(chart, 'api', { image: 'r/api', tag: '1', database: db });
    const net = new NetworkPolicies(chart, 'net', { platform: 'kubernetes', ingressTargets: [] });
    expect(net.flowRecord).toEqual({
      namespace: 'shop-dev',
      defaultDeny: true,
      dns: {
        peer: {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
          podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
        },
        ports: [
          { port: 53, protocol: 'UDP' },
          { port: 53, protocol: 'TCP' },
        ],
      },
      rules: [
        {
          subject: 'api',
          podSelector: { 'app.kubernetes.io/name': 'api' },
          direction: 'egress',
          remote: 'db',
          peers: [{ podSelector: { matchLabels: { 'cnpg.io/cluster': 'db' } } }],
          ports: [{ port: 5432, protocol: 'TCP' }],
          reason: 'database',
        },
        {
          subject: 'db',
          podSelector: { 'cnpg.io/cluster': 'db' },
          direction: 'ingress',
          remote: 'api',
          peers: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'api' } } }],
          ports: [{ port: 5432, protocol: 'TCP' }],
          reason: 'database',
        },
      ],
    });
    const unnamespaced = new Chart(Testing.app(), 'bare');
    expect(new NetworkPolicies(unnamespaced, 'net', { platform: 'kubernetes', ingressTargets: [] }).flowRecord.namespace).toBe('default');
  });

  test('renders its policies once, however often the chart is synthesised', () => {
    const chart = testChart();
    const db = new PostgresCluster(chart, 'db', { database: 'x', credentialsSecret: 'c', monitoring: false });
    new EafApi(chart, 'api', { image: 'r/api', tag: '1', database: db });
    new NetworkPolicies(chart, 'net', { platform: 'kubernetes', ingressTargets: [] });
    const names = () =>
      synth(chart)
        .filter((m) => m.kind === 'NetworkPolicy')
        .map((m) => m.metadata.name);
    expect(names()).toEqual(['default-deny', 'allow-dns', 'api-egress', 'db-ingress']);
    expect(names()).toEqual(['default-deny', 'allow-dns', 'api-egress', 'db-ingress']);
  });

  test('lets Keycloak members reach each other on the JGroups ports', () => {
    const chart = testChart();
    new Keycloak(chart, 'keycloak', { hostname: 'auth.example.com', instances: 2 });
    new NetworkPolicies(chart, 'net', { platform: 'kubernetes', ingressTargets: [] });
    const selector = { matchLabels: { 'app': 'keycloak', 'app.kubernetes.io/instance': 'keycloak' } };
    expect(find(synth(chart), 'NetworkPolicy', 'keycloak-ingress').spec.ingress).toEqual([
      { from: [{ podSelector: selector }], ports: [{ port: 7800, protocol: 'TCP' }] },
      { from: [{ podSelector: selector }], ports: [{ port: 57800, protocol: 'TCP' }] },
    ]);
  });
});
