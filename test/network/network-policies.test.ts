import { Connections, EafApi, NetworkPolicies, PostgresCluster } from '../../lib';
import { find, Manifest, productChart, synth, synthProduct, testChart, testEnvironment } from '../util';

/** `policy: direction peer ports` lines, one per rule, for compact assertions. */
function flows(manifests: Manifest[]): string[] {
  return manifests
    .filter((m) => m.kind === 'NetworkPolicy')
    .flatMap((m) => {
      const rules = [
        ...(m.spec.ingress ?? []).map((r: any) => ['from', r.from, r.ports]),
        ...(m.spec.egress ?? []).map((r: any) => ['to', r.to, r.ports]),
      ];
      if (rules.length === 0) return [`${m.metadata.name}: deny ${m.spec.policyTypes.join('+')}`];
      return rules.map(
        ([dir, peers, ports]: any) =>
          `${m.metadata.name}: ${dir} ${JSON.stringify(peers)} ${ports.map((p: any) => `${p.protocol}/${p.port}`).join(',')}`,
      );
    });
}

describe('NetworkPolicies', () => {
  test('denies all ingress and egress of every pod by default and allows DNS (Kubernetes)', () => {
    const chart = testChart();
    new NetworkPolicies(chart, 'net', { platform: 'kubernetes', ingressTargets: [] });
    const manifests = synth(chart);
    expect(find(manifests, 'NetworkPolicy', 'default-deny').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(flows(manifests)).toEqual([
      'default-deny: deny Ingress+Egress',
      'allow-dns: to [{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"kube-system"}},"podSelector":{"matchLabels":{"k8s-app":"kube-dns"}}}] UDP/53,TCP/53',
    ]);
  });

  test('allows DNS through the OpenShift DNS operator namespace on 5353', () => {
    const chart = testChart();
    new NetworkPolicies(chart, 'net', { platform: 'openshift', ingressTargets: [] });
    expect(find(synth(chart), 'NetworkPolicy', 'allow-dns').spec.egress).toEqual([
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'openshift-dns' } } }],
        ports: [
          { port: 5353, protocol: 'UDP' },
          { port: 5353, protocol: 'TCP' },
        ],
      },
    ]);
  });

  test('turns every recorded connection into an egress rule on the client and an ingress rule on the server', () => {
    // GIVEN
    const chart = testChart();
    const db = new PostgresCluster(chart, 'db', { database: 'x', credentialsSecret: 'c', monitoring: false });
    const api = new EafApi(chart, 'api', { image: 'r/api', tag: '1' });
    new NetworkPolicies(chart, 'net', { platform: 'kubernetes', ingressTargets: [] });
    // WHEN the connection is made after the policies were declared
    api.connectToDatabase(db);
    // THEN
    const manifests = synth(chart);
    expect(flows(manifests).slice(2)).toEqual([
      'api-egress: to [{"podSelector":{"matchLabels":{"cnpg.io/cluster":"db"}}}] TCP/5432',
      'db-ingress: from [{"podSelector":{"matchLabels":{"app.kubernetes.io/name":"api"}}}] TCP/5432',
    ]);
    expect(find(manifests, 'NetworkPolicy', 'api-egress').spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'api' } });
  });

  test('removing a connection removes its policy', () => {
    const chart = testChart();
    new PostgresCluster(chart, 'db', { database: 'x', credentialsSecret: 'c', monitoring: false });
    new EafApi(chart, 'api', { image: 'r/api', tag: '1' });
    new NetworkPolicies(chart, 'net', { platform: 'kubernetes', ingressTargets: [] });
    expect(
      synth(chart)
        .filter((m) => m.kind === 'NetworkPolicy')
        .map((m) => m.metadata.name),
    ).toEqual(['default-deny', 'allow-dns']);
  });

  test('lets the CloudNativePG operator, the replicas, the API server and the object store reach the instances', () => {
    const chart = testChart();
    const db = new PostgresCluster(chart, 'db', {
      database: 'x',
      credentialsSecret: 'c',
      instances: 3,
      backup: { destinationPath: 's3://backups/db', credentialsSecret: 's3' },
    });
    new NetworkPolicies(chart, 'net', {
      platform: 'kubernetes',
      ingressTargets: [],
      databases: [db],
      apiServer: { cidrs: ['192.0.2.0/28'], ports: [6443] },
      objectStore: { cidrs: ['198.51.100.10/32'], ports: [443] },
    });
    expect(flows(synth(chart)).slice(2)).toEqual([
      'db-ingress: from [{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"cnpg-system"}}}] TCP/8000,TCP/5432',
      'db-ingress: from [{"podSelector":{"matchLabels":{"cnpg.io/cluster":"db"}}}] TCP/5432',
      'db-egress: to [{"podSelector":{"matchLabels":{"cnpg.io/cluster":"db"}}}] TCP/5432',
      'db-egress: to [{"ipBlock":{"cidr":"192.0.2.0/28"}}] TCP/6443',
      'db-egress: to [{"ipBlock":{"cidr":"198.51.100.10/32"}}] TCP/443',
    ]);
  });

  test("records each database flow with who is on the other side and why (the flow record's words)", () => {
    const chart = testChart();
    const db = new PostgresCluster(chart, 'db', {
      database: 'x',
      credentialsSecret: 'c',
      instances: 2,
      backup: { destinationPath: 's3://backups/db', credentialsSecret: 's3' },
    });
    const net = new NetworkPolicies(chart, 'net', {
      platform: 'kubernetes',
      ingressTargets: [],
      databases: [db],
      apiServer: { cidrs: ['192.0.2.0/28'], ports: [6443] },
      objectStore: { cidrs: ['198.51.100.10/32'], ports: [443] },
    });
    expect(net.flowRecord.rules.map((r) => `${r.subject} ${r.direction} ${r.remote}: ${r.reason}`)).toEqual([
      'db ingress CloudNativePG operator: operator status and management',
      'db ingress db: replication',
      'db egress db: replication',
      'db egress Kubernetes API server: instance manager',
      'db egress object store: WAL archiving and backups',
    ]);
  });

  test('fails on an address that is not a CIDR, and on a bad port', () => {
    expect(
      () =>
        new NetworkPolicies(testChart(), 'net', {
          platform: 'kubernetes',
          ingressTargets: [],
          apiServer: { cidrs: ['api.example.com'], ports: [443] },
        }),
    ).toThrow('test/net: apiServer.cidrs[0] is not a CIDR (got "api.example.com"); use a CIDR such as 10.0.0.0/24 or 192.0.2.10/32');
    expect(
      () =>
        new NetworkPolicies(testChart(), 'net', {
          platform: 'kubernetes',
          ingressTargets: [],
          objectStore: { cidrs: ['192.0.2.1/32'], ports: [70000] },
        }),
    ).toThrow('test/net: objectStore.ports[0] is not a TCP port from 1 to 65535 (got 70000); use a TCP port number');
  });

  test('takes extra rules', () => {
    const chart = testChart();
    const api = new EafApi(chart, 'api', { image: 'r/api', tag: '1' });
    const net = new NetworkPolicies(chart, 'net', { platform: 'kubernetes', ingressTargets: [] });
    net.addRule({
      subject: api,
      direction: 'egress',
      remote: 'payments',
      ports: [{ port: 443 }],
      reason: 'payments',
      peers: [{ ipBlock: { cidr: '203.0.113.0/24' } }],
    });
    expect(flows(synth(chart)).slice(2)).toEqual(['api-egress: to [{"ipBlock":{"cidr":"203.0.113.0/24"}}] TCP/443']);
  });
});

describe('DVMM network policies', () => {
  test('select every pod template of every environment shape with default-deny for ingress and egress', () => {
    for (const env of [
      testEnvironment(),
      testEnvironment({
        name: 'dev',
        critical: false,
        release: { strategy: 'rolling' },
        exposure: { kind: 'ingress', clusterIssuer: 'x' },
        components: { api: { tag: '1' }, frontend: { tag: '1' } },
      }),
    ]) {
      const deny = find(synthProduct(env), 'NetworkPolicy', 'default-deny');
      expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    }
  });

  test('allow exactly the flows DVMM needs in production', () => {
    const manifests = synthProduct(
      testEnvironment({
        network: {
          apiServer: { cidrs: ['192.0.2.0/28'], ports: [6443] },
          objectStore: { cidrs: ['198.51.100.10/32'], ports: [443] },
        },
        egress: {
          vsphere: { from: ['api'], cidrs: ['198.51.100.20/32'], ports: [443] },
          smtp: { from: ['api'], cidrs: ['198.51.100.25/32'], ports: [587] },
        },
      }),
    );
    const summary = manifests
      .filter((m) => m.kind === 'NetworkPolicy')
      .map(
        (m) =>
          `${m.metadata.name} ${m.spec.policyTypes} ${(m.spec.ingress ?? m.spec.egress ?? []).flatMap((r: any) => r.ports.map((p: any) => p.port)).join(',')}`,
      );
    expect(summary).toEqual([
      'default-deny Ingress,Egress ',
      'allow-dns Egress 5353,5353',
      'frontend-ingress Ingress 8080',
      'api-ingress Ingress 8080,8080',
      'keycloak-ingress Ingress 8080,7800,57800,8080,9000',
      'keycloak-egress Egress 5432,7800,57800',
      'keycloak-db-ingress Ingress 5432,8000,5432,5432,9187',
      'api-egress Egress 5432,8080,443,587',
      'dvmm-db-ingress Ingress 5432,8000,5432,5432,9187',
      'dvmm-db-egress Egress 5432,6443,443',
      'keycloak-db-egress Egress 5432,6443,443',
    ]);
  });

  test('an environment without external endpoints lets the API reach only its database and Keycloak', () => {
    const chart = productChart(testEnvironment());
    const egress = chart.networkPolicies.rules
      .filter((r) => r.subject === chart.components.api && r.direction === 'egress')
      .map((r) => `${r.remote}:${r.ports[0].port}`);
    expect(egress).toEqual(['dvmm-db:5432', 'keycloak:8080']);
    expect(Connections.of(chart).edges).toHaveLength(5);
  });
});
