import { Construct } from 'constructs';
import { Connections, IPeer } from '../../lib/core/connections';
import { defineProduct } from '../../lib/product/product';
import { SYNC_WAVE_ANNOTATION, SyncWaves } from '../../lib/delivery/sync-waves';
import { Manifest, productChart, synth, testChart, WEB_PRODUCT, testEnvironment } from '../util';
import { ApiObject } from 'cdk8s';

/** A peer with one ConfigMap of its own, so that its wave shows on an object. */
class Peer extends Construct implements IPeer {
  public readonly podSelector: Record<string, string>;
  constructor(
    scope: Construct,
    public readonly peerName: string,
  ) {
    super(scope, peerName);
    this.podSelector = { app: peerName };
    new ApiObject(this, 'Resource', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: peerName } });
  }
}

const waveOf = (manifests: Manifest[], kind: string, name: string) =>
  manifests.find((m) => m.kind === kind && m.metadata.name === name)?.metadata.annotations?.[SYNC_WAVE_ANNOTATION];
const wavesByKind = (manifests: Manifest[], ...kinds: string[]) =>
  Object.fromEntries(
    manifests.filter((m) => kinds.includes(m.kind)).map((m) => [`${m.kind}/${m.metadata.name}`, m.metadata.annotations?.[SYNC_WAVE_ANNOTATION]]),
  );

describe('SyncWaves', () => {
  test('orders DVMM-shaped production database -> Keycloak -> API -> frontend -> exposure, with the namespace and policies first', () => {
    // GIVEN a frontend whose UI calls the API from the browser
    const product = defineProduct({
      ...WEB_PRODUCT,
      components: { ...WEB_PRODUCT.components, frontend: { ...WEB_PRODUCT.components.frontend, browserCalls: ['api'] } },
    });
    // GIVEN the idle colour at full size, as in DVMM's production (no stages: a switch moves selectors only)
    const chart = productChart(testEnvironment({ release: { strategy: 'blue-green', activeColor: 'blue' } }), product);
    const manifests = synth(chart);
    // THEN each object's wave follows what it needs
    expect(wavesByKind(manifests, 'Namespace', 'Cluster', 'Keycloak', 'Deployment', 'Route')).toEqual({
      'Namespace/dvmm-production': '0',
      'Cluster/dvmm-db': '1',
      'Cluster/keycloak-db': '1',
      'Keycloak/keycloak': '2',
      'Deployment/api-blue': '3',
      'Deployment/api-green': '3',
      'Deployment/frontend-blue': '4',
      'Deployment/frontend-green': '4',
      'Route/frontend': '5',
      'Route/api': '5',
      'Route/keycloak': '5',
    });
    expect(Object.fromEntries(chart.syncWaves.peerWaves)).toEqual({ 'dvmm-db': 1, 'keycloak-db': 1, 'keycloak': 2, 'api': 3, 'frontend': 4 });
    // THEN every network policy (rendered late, from the record) is in the first wave, with the namespace
    const policies = manifests.filter((m) => m.kind === 'NetworkPolicy');
    expect(policies.length).toBeGreaterThan(5);
    expect(new Set(policies.map((p) => p.metadata.annotations?.[SYNC_WAVE_ANNOTATION]))).toEqual(new Set(['0']));
    // THEN every object of a peer (its Services, PodMonitor, budgets) shares its wave
    expect(wavesByKind(manifests, 'Service', 'PodMonitor')).toMatchObject({
      'Service/api': '3',
      'Service/api-preview': '3',
      'PodMonitor/api': '3',
      'PodMonitor/keycloak': '2',
      'PodMonitor/dvmm-db': '1',
    });
  });

  test('without the browser dependency the frontend needs nothing and syncs with the databases', () => {
    const manifests = synth(productChart(testEnvironment({ release: { strategy: 'blue-green', activeColor: 'blue' } })));
    expect(waveOf(manifests, 'Deployment', 'frontend-blue')).toBe('1');
    expect(waveOf(manifests, 'Route', 'frontend')).toBe('4');
  });

  test('a component that calls another is put in a later wave than it, by the record alone', () => {
    // GIVEN a worker that calls the API (an in-cluster HTTP call)
    const product = defineProduct({
      ...WEB_PRODUCT,
      components: {
        ...WEB_PRODUCT.components,
        worker: { kind: 'http', image: 'registry.example.com/dvmm/worker', calls: ['api'], livenessPath: '/healthz', readinessPath: '/readyz' },
      },
    });
    const env = testEnvironment({
      release: { strategy: 'blue-green', activeColor: 'blue' },
      components: { ...testEnvironment().components, worker: { tags: { blue: '1.0.0', green: '1.0.0' }, replicas: 3 } },
    });
    const chart = productChart(env, product);
    const manifests = synth(chart);
    // THEN the worker comes after the API, and the exposures after the worker
    expect(chart.syncWaves.peerWaves.get('worker')).toBe(chart.syncWaves.peerWaves.get('api')! + 1);
    expect(waveOf(manifests, 'Deployment', 'worker-blue')).toBe('4');
    expect(waveOf(manifests, 'Route', 'api')).toBe('5');
  });

  test('a blue-green component whose idle colour is smaller syncs in three waves: active colour, Services, idle colour', () => {
    // GIVEN the idle colour scaled to 0 (testEnvironment), the frontend calling the API from the browser
    const product = defineProduct({
      ...WEB_PRODUCT,
      components: { ...WEB_PRODUCT.components, frontend: { ...WEB_PRODUCT.components.frontend, browserCalls: ['api'] } },
    });
    const chart = productChart(testEnvironment(), product);
    const manifests = synth(chart);
    // THEN Argo CD brings the active colour to full size and health before the Services move, and shrinks the idle
    // colour only after they left it; what needs the API comes after all three
    expect(wavesByKind(manifests, 'Deployment', 'Service', 'PodDisruptionBudget', 'Route')).toMatchObject({
      'Deployment/api-blue': '3',
      'PodDisruptionBudget/api-blue': '3',
      'Service/api': '4',
      'Service/api-preview': '4',
      'Deployment/api-green': '5',
      'Deployment/frontend-blue': '6',
      'Service/frontend': '7',
      'Deployment/frontend-green': '8',
      'Route/api': '9',
    });
    expect(chart.syncWaves.lastWave).toBe(9);
    expect(chart.syncWaves.peerWaves.get('frontend')).toBe(6);
  });

  test('after a switch the stages follow the colours: the new active colour first, the old one last', () => {
    const manifests = synth(productChart(testEnvironment({ release: { strategy: 'blue-green', activeColor: 'green', idleReplicas: 0 } })));
    expect(wavesByKind(manifests, 'Deployment')).toMatchObject({ 'Deployment/api-green': '3', 'Deployment/api-blue': '5' });
    expect(waveOf(manifests, 'Service', 'api')).toBe('4');
  });

  test('a peer with stages puts what needs it after its last stage (IStagedPeer)', () => {
    const chart = testChart();
    const db = new Peer(chart, 'db');
    const app = Object.assign(new Peer(chart, 'app'), { syncStages: [] as ApiObject[][] });
    const stage = (name: string) => new ApiObject(app, name, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } });
    app.syncStages.push([stage('first')], [stage('second')]);
    const user = new Peer(chart, 'user');
    Connections.of(chart).add({ from: app, to: db, port: 5432, purpose: 'database' });
    Connections.of(chart).add({ from: user, to: app, port: 80, purpose: 'http' });
    const waves = new SyncWaves(chart, 'SyncWaves', { foundation: [], peers: [db, app, user], last: [] });
    const manifests = synth(chart);
    expect(wavesByKind(manifests, 'ConfigMap')).toEqual({
      'ConfigMap/db': '1',
      'ConfigMap/app': '2',
      'ConfigMap/first': '3',
      'ConfigMap/second': '4',
      'ConfigMap/user': '5',
    });
    expect(waves.lastWave).toBe(6);
  });

  test('peers calling each other in a cycle share a wave, after what they need', () => {
    const chart = testChart();
    const db = new Peer(chart, 'db');
    const a = new Peer(chart, 'a');
    const b = new Peer(chart, 'b');
    const c = new Peer(chart, 'c');
    const record = Connections.of(chart);
    record.add({ from: a, to: b, port: 80, purpose: 'http' });
    record.add({ from: b, to: a, port: 80, purpose: 'http' });
    record.add({ from: b, to: db, port: 5432, purpose: 'database' });
    record.addDependency({ from: c, to: a, reason: 'test' });
    const last = new Construct(chart, 'last');
    new ApiObject(last, 'Resource', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'exposure' } });
    const waves = new SyncWaves(chart, 'SyncWaves', { foundation: [], peers: [db, a, b, c], last: [last] });
    const manifests = synth(chart);
    expect(Object.fromEntries(waves.peerWaves)).toEqual({ db: 1, a: 2, b: 2, c: 3 });
    expect(waves.lastWave).toBe(4);
    expect(wavesByKind(manifests, 'ConfigMap')).toEqual({
      'ConfigMap/db': '1',
      'ConfigMap/a': '2',
      'ConfigMap/b': '2',
      'ConfigMap/c': '3',
      'ConfigMap/exposure': '4',
    });
  });

  test('self-edges (replication) and edges to peers outside the list do not move a wave; hooks keep no wave', () => {
    const chart = testChart();
    const db = new Peer(chart, 'db');
    const outside = new Peer(chart, 'outside');
    const hook = new ApiObject(chart, 'Hook', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'hook', annotations: { 'argocd.argoproj.io/hook': 'PostSync' } },
    });
    Connections.of(chart).add({ from: db, to: db, port: 5432, purpose: 'replication' });
    Connections.of(chart).add({ from: db, to: outside, port: 80, purpose: 'http' });
    const waves = new SyncWaves(chart, 'SyncWaves', { foundation: [], peers: [db], last: [] });
    const manifests = synth(chart);
    expect(Object.fromEntries(waves.peerWaves)).toEqual({ db: 1 });
    expect(waveOf(manifests, 'ConfigMap', 'outside')).toBe('0');
    expect(waveOf(manifests, 'Job', hook.name)).toBeUndefined();
  });
});
