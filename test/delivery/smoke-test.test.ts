import { defineProduct } from '../../lib/product/product';
import { SmokeTest, SMOKE_TEST_DEFAULTS } from '../../lib/delivery/smoke-test';
import { find, productChart, settingProblems, synth, testChart, testEnvironment, WEB_PRODUCT } from '../util';
import { spawn } from 'child_process';
import { PodPeer } from '../../lib/core/connections';

const DELIVERED = defineProduct({ ...WEB_PRODUCT, delivery: { repoURL: 'https://git.example.com/eaf/dvmm.git' } });
const script = (job: any): string => job.spec.template.spec.containers[0].command[2];
const targets = (job: any): string[] => job.spec.template.spec.containers[0].args;

describe('SmokeTest', () => {
  test('is an Argo CD PostSync hook Job, replaced at the next sync, that calls each component through the preview Service of a blue-green release', () => {
    // GIVEN blue-green production whose idle colour runs
    const manifests = synth(productChart(testEnvironment({ release: { strategy: 'blue-green', activeColor: 'blue', idleReplicas: 1 } }), DELIVERED));
    const job = find(manifests, 'Job', 'dvmm-smoke-test');
    expect(job.metadata.annotations).toEqual({
      'argocd.argoproj.io/hook': 'PostSync',
      'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
    });
    expect(job.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 300 });
    expect(job.spec.template.spec.containers[0].command.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(targets(job)).toEqual(['api=http://api-preview:8080/actuator/health/readiness', 'frontend=http://frontend-preview:8080/']);
    // THEN a failed call fails the Job (and so the sync)
    expect(script(job)).toContain('|| { echo "smoke: FAILED: $name did not answer $url"; exit 1; }');
  });

  test('gates the switch: per blue-green component a Sync hook, after the active colour and before the Services, calls what they will select', () => {
    const wave = (m: any): number => Number(m.metadata.annotations['argocd.argoproj.io/sync-wave']);
    const staging = (activeColor: 'blue' | 'green', idleReplicas: number) =>
      synth(productChart(testEnvironment({ release: { strategy: 'blue-green', activeColor, idleReplicas } }), DELIVERED));
    for (const idleReplicas of [1, 3]) {
      // GIVEN blue-green with a smaller idle colour (three sync stages) and with a full-size one (none before the gate)
      const blue = staging('blue', idleReplicas);
      // WHEN the switch to green is rendered
      const green = staging('green', idleReplicas);
      for (const [manifests, color] of [
        [blue, 'blue'],
        [green, 'green'],
      ] as const) {
        const gate = find(manifests, 'Job', 'dvmm-smoke-test-api');
        // THEN the gate is a Sync hook (Argo CD waits for it and stops the sync when it fails), replaced at each sync
        expect(gate.metadata.annotations).toMatchObject({
          'argocd.argoproj.io/hook': 'Sync',
          'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
        });
        expect(targets(gate)).toEqual(['api=http://api-next:8080/actuator/health/readiness']);
        // AND api-next selects the colour the Services select after the sync, and is applied before the gate
        const next = find(manifests, 'Service', 'api-next');
        expect(next.spec.selector).toEqual({ ...find(manifests, 'Service', 'api').spec.selector, 'eaf.io/color': color });
        expect(wave(next)).toBe(wave(find(manifests, 'Deployment', `api-${color}`)));
        expect(wave(gate)).toBe(wave(next) + 1);
        // AND the Services move only in the wave after the gate
        expect([wave(find(manifests, 'Service', 'api')), wave(find(manifests, 'Service', 'api-preview'))]).toEqual([wave(gate) + 1, wave(gate) + 1]);
      }
    }
    // AND the PostSync test of the idle colour stays as it was
    expect(find(staging('blue', 1), 'Job', 'dvmm-smoke-test').metadata.annotations['argocd.argoproj.io/hook']).toBe('PostSync');
  });

  test('calls the active Service when the idle colour is scaled to 0, and the only Service of a rolling release', () => {
    const idleZero = find(synth(productChart(testEnvironment(), DELIVERED)), 'Job', 'dvmm-smoke-test');
    expect(targets(idleZero)).toContain('api=http://api:8080/actuator/health/readiness');
    const rolling = find(
      synth(
        productChart(
          testEnvironment({
            name: 'dev',
            critical: false,
            release: { strategy: 'rolling' },
            components: { api: { tag: '1.0.0' }, frontend: { tag: '1.0.0' } },
          }),
          DELIVERED,
        ),
      ),
      'Job',
      'dvmm-smoke-test',
    );
    expect(targets(rolling)).toContain('frontend=http://frontend:8080/');
  });

  test('runs restricted, pinned, sized, without a service-account token, and its network edge to each component comes from the record', () => {
    const manifests = synth(productChart(testEnvironment({ release: { strategy: 'blue-green', activeColor: 'blue', idleReplicas: 1 } }), DELIVERED));
    const pod = find(manifests, 'Job', 'dvmm-smoke-test').spec.template;
    expect(pod.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'dvmm-smoke-test' });
    expect(pod.spec).toMatchObject({ automountServiceAccountToken: false, restartPolicy: 'Never', securityContext: { runAsNonRoot: true } });
    expect(pod.spec.containers[0]).toMatchObject({
      image: SMOKE_TEST_DEFAULTS.image,
      securityContext: {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      },
      resources: {
        requests: { 'cpu': '10m', 'memory': '32Mi', 'ephemeral-storage': '16Mi' },
        limits: { 'cpu': '100m', 'memory': '64Mi', 'ephemeral-storage': '64Mi' },
      },
    });
    const egress = find(manifests, 'NetworkPolicy', 'smoke-test-egress');
    expect(egress.spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'dvmm-smoke-test' } });
    expect(egress.spec.egress.map((r: any) => [r.to[0].podSelector.matchLabels['app.kubernetes.io/name'], r.ports[0].port])).toEqual([
      ['api', 8080],
      ['frontend', 8080],
    ]);
    const apiIngress = find(manifests, 'NetworkPolicy', 'api-ingress').spec.ingress;
    expect(apiIngress.some((r: any) => r.from[0].podSelector?.matchLabels['app.kubernetes.io/name'] === 'dvmm-smoke-test')).toBe(true);
  });

  test('takes its image and timeout from the environment file, and is left out with enabled: false', () => {
    const env = testEnvironment({ delivery: { smokeTest: { image: 'registry.example.com/tools/curl:8.11.1', timeoutSeconds: 120 } } });
    const job = find(synth(productChart(env, DELIVERED)), 'Job', 'dvmm-smoke-test');
    expect([job.spec.template.spec.containers[0].image, job.spec.activeDeadlineSeconds]).toEqual(['registry.example.com/tools/curl:8.11.1', 120]);
    const off = synth(productChart(testEnvironment({ delivery: { smokeTest: { enabled: false } } }), DELIVERED));
    expect(off.filter((m) => m.kind === 'Job' || m.metadata.name === 'smoke-test-egress')).toEqual([]);
  });

  test('is not rendered for a product that Argo CD does not deliver (a Job re-applied by oc apply would be refused as immutable)', () => {
    expect(synth(productChart(testEnvironment())).filter((m) => m.kind === 'Job')).toEqual([]);
  });

  test('fails on an image without a tag, a relative path and no target, naming each', () => {
    const chart = testChart();
    const peer = new PodPeer(chart, 'Peer', { peerName: 'api', podSelector: { app: 'api' } });
    expect(
      () => new SmokeTest(chart, 'bad', { name: 'x', image: 'curl', targets: [{ peer, serviceName: 'api', port: 80, path: 'health' }] }),
    ).toThrow(
      /image is not an image reference with a tag or digest \(got "curl"\)[\s\S]*targets\[0\]\.path is not an absolute URL path \(got "health"\)/,
    );
    expect(() => new SmokeTest(chart, 'none', { name: 'y', targets: [] })).toThrow(/targets is empty/);
  });

  test("fails on a smoke-test image that is not a reference, against the environment file's field", () => {
    expect(settingProblems(() => productChart(testEnvironment({ delivery: { smokeTest: { image: 'Not An Image' } } }), DELIVERED))).toEqual([
      expect.stringMatching(/^delivery\.smokeTest\.image: is not an image reference with a tag or digest \(got "Not An Image"\)/),
    ]);
  });
});

describe("the smoke test's script, run by a real shell and curl", () => {
  const http = require('http') as typeof import('http');
  let server: import('http').Server;
  let port: number;
  beforeAll(async () => {
    // /ok answers 200, /broken 500.
    server = http.createServer((req, res) => {
      res.statusCode = req.url === '/ok' ? 200 : 500;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as import('net').AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const run = (paths: string[]) => {
    const chart = testChart();
    const targets = paths.map((p, i) => ({
      peer: new PodPeer(chart, `Peer${i}`, { peerName: `c${i}`, podSelector: { app: `c${i}` } }),
      serviceName: '127.0.0.1',
      port,
      path: p,
    }));
    new SmokeTest(chart, 'smoke', { name: 'smoke', targets, retries: 0 });
    const job = synth(chart).find((m) => m.kind === 'Job')!;
    const container = job.spec.template.spec.containers[0];
    // async: the server answers on this process's event loop
    return new Promise<{ status: number | null; stdout: string }>((resolve) => {
      const child = spawn(container.command[0], [...container.command.slice(1), ...container.args]);
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
      });
      child.stderr.on('data', (d: Buffer) => {
        stdout += d.toString();
      });
      child.on('close', (status: number | null) => resolve({ status, stdout }));
    });
  };

  test('passes when every component answers', async () => {
    const result = await run(['/ok', '/ok']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('smoke: 2 of 2 components answered');
  });

  test('fails (exit 1) at the first component that does not answer, naming it', async () => {
    const result = await run(['/ok', '/broken', '/ok']);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(`smoke: FAILED: c1 did not answer http://127.0.0.1:${port}/broken`);
    expect(result.stdout).not.toContain('c2 http');
  });
});
