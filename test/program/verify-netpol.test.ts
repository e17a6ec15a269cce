import { analysedConnections, analysisPods, expectedConnections } from '../../lib/program/verify-netpol';
import { defineProduct } from '../../lib';
import { productChart, synth } from '../util';

/** A small product: a public API on a database, calling out to SMTP. */
const mail = defineProduct({
  name: 'mail',
  components: { api: { kind: 'spring-boot', image: 'registry.example.com/mail/api', public: true, databases: ['db'] } },
  databases: { db: {} },
});
const environment = {
  name: 'dev',
  hosts: { api: 'mail.example.com' },
  exposure: { kind: 'ingress' as const, clusterIssuer: 'letsencrypt' },
  release: { strategy: 'rolling' as const },
  egress: { smtp: { from: ['api'], cidrs: ['198.51.100.25/32'], ports: [587] } },
  components: { api: { tag: '1.0.0', replicas: 1 } },
};

describe('the flow record', () => {
  test('lists every rule as rendered: subject, direction, peers, ports, reason', () => {
    const chart = productChart(environment, mail);
    const record = chart.networkPolicies.flowRecord;
    expect(record.namespace).toBe('mail-dev');
    expect(record.dns).toEqual({
      peer: {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
        podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
      },
      ports: [
        { port: 53, protocol: 'UDP' },
        { port: 53, protocol: 'TCP' },
      ],
    });
    expect(record.rules.map((r) => `${r.subject} ${r.direction} ${r.remote} ${r.ports.map((p) => p.port).join(',')}`)).toEqual([
      'api ingress ingress controller 8080',
      'api egress mail-db 5432',
      'mail-db ingress api 5432',
      'mail-db ingress CloudNativePG operator 8000,5432',
      'api ingress monitoring 8080',
      'mail-db ingress monitoring 9187',
      'api egress smtp 587',
    ]);
    expect(record.rules[6].peers).toEqual([{ ipBlock: { cidr: '198.51.100.25/32' } }]);
  });
});

describe('the comparison', () => {
  const chart = productChart(environment, mail);
  const objects = synth(chart);
  const policies = [chart.networkPolicies.flowRecord];
  const { pods, extra } = analysisPods(objects, policies);

  test('stands in two pods per selector no manifest matches, and one pod per outside namespace', () => {
    expect(pods.map((p) => p.peer)).toEqual([
      'mail-dev/api[Deployment]',
      'mail-dev/stand-in-1-1[Pod]',
      'mail-dev/stand-in-1-2[Pod]',
      'kube-system/pod-1[Pod]',
      'ingress-nginx/pod-1[Pod]',
      'cnpg-system/pod-1[Pod]',
      'monitoring/pod-1[Pod]',
      'other/pod-1[Pod]',
    ]);
    expect(extra.filter((o) => o.kind === 'Namespace')).toHaveLength(5);
  });

  test('analyses an Argo Rollout, which the analyser does not read, as a stand-in Pod of its name with its pod labels', () => {
    const rollout = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'api', namespace: 'mail-dev' },
      spec: { template: { metadata: { labels: { 'app.kubernetes.io/name': 'api' } } } },
    };
    const analysed = analysisPods([...objects.filter((o) => o.kind !== 'Deployment'), rollout], policies);
    expect(analysed.pods[0]).toMatchObject({ peer: 'mail-dev/api[Pod]', labels: { 'app.kubernetes.io/name': 'api' } });
    expect(analysed.extra[0]).toMatchObject({
      kind: 'Pod',
      metadata: { name: 'api', namespace: 'mail-dev', labels: { 'app.kubernetes.io/name': 'api' } },
    });
  });

  test('evaluates the record over the pods: exactly the declared connections', () => {
    const expected = expectedConnections(pods, policies)
      .map((c) => `${c.src} => ${c.dst} : ${c.conn}`)
      .sort();
    expect(expected).toEqual([
      'cnpg-system/pod-1[Pod] => mail-dev/stand-in-1-1[Pod] : TCP 5432,8000',
      'cnpg-system/pod-1[Pod] => mail-dev/stand-in-1-2[Pod] : TCP 5432,8000',
      'ingress-nginx/pod-1[Pod] => mail-dev/api[Deployment] : TCP 8080',
      'mail-dev/api[Deployment] => 198.51.100.25/32 : TCP 587',
      'mail-dev/api[Deployment] => kube-system/pod-1[Pod] : TCP 53; UDP 53',
      'mail-dev/api[Deployment] => mail-dev/stand-in-1-1[Pod] : TCP 5432',
      'mail-dev/api[Deployment] => mail-dev/stand-in-1-2[Pod] : TCP 5432',
      'mail-dev/stand-in-1-1[Pod] => kube-system/pod-1[Pod] : TCP 53; UDP 53',
      'mail-dev/stand-in-1-2[Pod] => kube-system/pod-1[Pod] : TCP 53; UDP 53',
      'monitoring/pod-1[Pod] => mail-dev/api[Deployment] : TCP 8080',
      'monitoring/pod-1[Pod] => mail-dev/stand-in-1-1[Pod] : TCP 9187',
      'monitoring/pod-1[Pod] => mail-dev/stand-in-1-2[Pod] : TCP 9187',
    ]);
  });

  test("reads the analyser's report: only what touches the product namespace, IP ranges as CIDRs, ports sorted", () => {
    const report = [
      'mail-dev/api[Deployment] => 198.51.100.25-198.51.100.25 : TCP 587',
      'cnpg-system/pod-1[Pod] => mail-dev/stand-in-1-1[Pod] : TCP 8000,5432',
      'mail-dev/api[Deployment] => kube-system/pod-1[Pod] : UDP 53,TCP 53',
      'other/pod-1[Pod] => kube-system/pod-1[Pod] : All Connections',
    ].join('\n');
    expect(analysedConnections(report, new Set(['mail-dev'])).map((c) => `${c.src} => ${c.dst} : ${c.conn}`)).toEqual([
      'mail-dev/api[Deployment] => 198.51.100.25/32 : TCP 587',
      'cnpg-system/pod-1[Pod] => mail-dev/stand-in-1-1[Pod] : TCP 5432,8000',
      'mail-dev/api[Deployment] => kube-system/pod-1[Pod] : TCP 53; UDP 53',
    ]);
  });
});
