import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { main } from '../../synth';
import { readTree } from '../tree';

const REPO = path.join(__dirname, '..', '..');
const ENVIRONMENTS = path.join(REPO, 'environments');

describe('main (the DVMM program)', () => {
  let tmp: string;
  let lines: string[];
  const log = (line: string) => lines.push(line);
  // One synth of the committed environments that the tests read, and copy as "the previous output" (a synth is ~0.5 s).
  let shared: string;
  let sharedLines: string[];
  let sharedCode: number;
  beforeAll(() => {
    shared = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dvmm-shared-')), 'dist');
    sharedLines = [];
    sharedCode = main({ environmentsDir: ENVIRONMENTS, outdir: shared, log: (line) => sharedLines.push(line) });
  });
  afterAll(() => fs.rmSync(path.dirname(shared), { recursive: true, force: true }));
  /** The shared output copied to `<tmp>/dist`, as a previous run would have left it. */
  const previousOutput = () => {
    const outdir = path.join(tmp, 'dist');
    fs.cpSync(shared, outdir, { recursive: true });
    return outdir;
  };
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dvmm-'));
    lines = [];
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('writes one folder per environment file, each a plain manifest with the namespace first', () => {
    expect({ code: sharedCode, errors: sharedLines.filter((l) => l.startsWith('error')) }).toEqual({ code: 0, errors: [] });
    const tree = readTree(shared);
    // THEN the manifests, each admission policy file, flow record and target record beside (never inside) its environment's folder
    expect(Object.keys(tree).sort()).toEqual([
      'argocd/dvmm-apps.k8s.yaml',
      'argocd/dvmm-root.k8s.yaml',
      'dev.admission.yaml',
      'dev.alert-tests.json',
      'dev.flows.json',
      'dev.target.json',
      'dev/dvmm.k8s.yaml',
      'production.admission.yaml',
      'production.alert-tests.json',
      'production.flows.json',
      'production.target.json',
      'production/dvmm.k8s.yaml',
      'staging.admission.yaml',
      'staging.alert-tests.json',
      'staging.flows.json',
      'staging.target.json',
      'staging/dvmm.k8s.yaml',
    ]);
    // AND the target record of each environment, which `eaf-cdk8s validate dist` checks it against
    expect(JSON.parse(tree['production.target.json'])).toEqual({ environment: 'production', kubernetes: '1.33', openshift: '4.20' });
    expect(JSON.parse(tree['dev.target.json'])).toEqual({ environment: 'dev', kubernetes: '1.33' });
    for (const [file, text] of Object.entries(tree).filter(([f]) => f.endsWith('.yaml'))) {
      const docs = parseAllDocuments(text).map((d) => d.toJS());
      // an environment's folder starts with its Namespace; the admission policies beside it are cluster-scoped
      if (file.includes('/') && !file.startsWith('argocd/')) expect({ file, first: docs[0].kind }).toEqual({ file, first: 'Namespace' });
      // THEN the snapshot shows every manifest change in review
      expect(text).toMatchSnapshot(file);
    }
  });

  test('production runs both API colours, 3 active replicas, actuator probes and platform sizes', () => {
    const docs = parseAllDocuments(fs.readFileSync(path.join(shared, 'production/dvmm.k8s.yaml'), 'utf8')).map((d) => d.toJS());
    const get = (kind: string, name: string) => docs.find((d) => d.kind === kind && d.metadata.name === name);
    const active = get('Service', 'api').spec.selector['eaf.io/color'];
    const idle = get('Service', 'api-preview').spec.selector['eaf.io/color'];
    expect([active, idle].sort()).toEqual(['blue', 'green']);
    const api = get('Deployment', `api-${active}`);
    // The idle colour runs the other tag at the environment's idleReplicas (3), ready for the switch.
    expect(get('Deployment', `api-${idle}`).spec.replicas).toBe(3);
    expect(api.spec.replicas).toBe(3);
    const container = api.spec.template.spec.containers[0];
    expect(container.livenessProbe.httpGet).toMatchObject({ path: '/actuator/health/liveness', port: 8080 });
    expect(container.readinessProbe.httpGet).toMatchObject({ path: '/actuator/health/readiness', port: 8080 });
    expect(container.resources).toEqual({
      requests: { 'cpu': '250m', 'memory': '512Mi', 'ephemeral-storage': '256Mi' },
      limits: { 'cpu': '1', 'memory': '1Gi', 'ephemeral-storage': '1Gi' },
    });
    const frontend = get('Deployment', `frontend-${active}`);
    expect(frontend.spec.replicas).toBe(3);
    expect(frontend.spec.template.spec.containers[0].resources).toEqual({
      requests: { 'cpu': '50m', 'memory': '64Mi', 'ephemeral-storage': '64Mi' },
      limits: { 'cpu': '200m', 'memory': '128Mi', 'ephemeral-storage': '256Mi' },
    });
  });

  test('delivers every environment by Argo CD: a project, three Applications and a root; dev syncs by itself, staging and production wait', () => {
    expect(sharedCode).toBe(0);
    const read = (file: string) => parseAllDocuments(fs.readFileSync(path.join(shared, file), 'utf8')).map((d) => d.toJS());
    const apps = read('argocd/dvmm-apps.k8s.yaml');
    expect(apps.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'AppProject/dvmm',
      'Application/dvmm-dev',
      'Application/dvmm-production',
      'Application/dvmm-staging',
    ]);
    const sync = Object.fromEntries(
      apps.filter((o) => o.kind === 'Application').map((o) => [o.metadata.name, o.spec.syncPolicy.automated ?? 'manual']),
    );
    expect(sync).toEqual({ 'dvmm-dev': { prune: true, selfHeal: true }, 'dvmm-staging': 'manual', 'dvmm-production': 'manual' });
    // Production: no automated sync over the weekend; manual syncs (rollbacks) always pass.
    expect(apps[0].spec.syncWindows).toEqual([
      { kind: 'deny', schedule: '0 18 * * 5', duration: '62h', manualSync: true, timeZone: 'Europe/Berlin', applications: ['dvmm-production'] },
    ]);
    expect(read('argocd/dvmm-root.k8s.yaml').map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['AppProject/dvmm-root', 'Application/dvmm-root']);
  });

  test('each environment syncs database -> Keycloak -> API -> frontend -> exposure, then smoke-tests the colour about to get traffic', () => {
    for (const env of ['dev', 'staging', 'production']) {
      const docs = parseAllDocuments(fs.readFileSync(path.join(shared, env, 'dvmm.k8s.yaml'), 'utf8')).map((d) => d.toJS());
      const wave = (kind: string, name: string) =>
        Number(docs.find((d) => d.kind === kind && d.metadata.name.startsWith(name)).metadata.annotations['argocd.argoproj.io/sync-wave']);
      const order = [
        wave('Cluster', 'dvmm-db'),
        wave('Keycloak', 'keycloak'),
        wave('Deployment', 'api'),
        wave('Deployment', 'frontend'),
        wave(env === 'dev' ? 'Ingress' : 'Route', 'frontend'),
      ];
      // A blue-green component (staging, production) takes a wave for its Deployments, one for its switch gate and one
      // for its Services, so that a switch is tested before the Services move; staging's idle colour is smaller
      // (idleReplicas: 1), so it takes a fourth, after the Services. The first Deployment of each component is blue,
      // staging's idle colour (the last of its four waves) and production's idle colour (its first wave).
      const expected: Record<string, number[]> = { dev: [1, 2, 3, 4, 5], staging: [1, 2, 6, 10, 11], production: [1, 2, 3, 6, 9] };
      expect({ env, order }).toEqual({ env, order: expected[env] });
      const gates = docs.filter((d) => d.kind === 'Job' && d.metadata.annotations['argocd.argoproj.io/hook'] === 'Sync');
      expect({ env, gates: gates.map((g) => `${g.metadata.name} ${g.metadata.annotations['argocd.argoproj.io/sync-wave']}`) }).toEqual({
        env,
        gates: env === 'dev' ? [] : ['dvmm-smoke-test-api 4', `dvmm-smoke-test-frontend ${env === 'staging' ? 8 : 7}`],
      });
      const smoke = docs.find((d) => d.kind === 'Job' && d.metadata.name === 'dvmm-smoke-test');
      expect(smoke.metadata.annotations['argocd.argoproj.io/hook']).toBe('PostSync');
      const calls = smoke.spec.template.spec.containers[0].args;
      expect({ env, calls }).toEqual({
        env,
        calls:
          env === 'dev'
            ? ['api=http://api:8080/actuator/health/readiness', 'frontend=http://frontend:8080/']
            : ['api=http://api-preview:8080/actuator/health/readiness', 'frontend=http://frontend-preview:8080/'],
      });
    }
  });

  test('two synths are byte-identical', () => {
    expect(main({ environmentsDir: ENVIRONMENTS, outdir: path.join(tmp, 'b'), log })).toBe(0);
    expect(readTree(path.join(tmp, 'b'))).toEqual(readTree(shared));
  });

  test('fails on a bad environment file with exit code 1, naming file, field and value, and leaves the output as it was', () => {
    // GIVEN a previous output and an environment with negative replicas
    const outdir = previousOutput();
    const before = readTree(outdir);
    const envs = path.join(tmp, 'environments');
    fs.cpSync(ENVIRONMENTS, envs, { recursive: true });
    const file = path.join(envs, 'production.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/replicas: 3/, 'replicas: -1'));
    // WHEN
    lines = [];
    const code = main({ environmentsDir: envs, outdir, log });
    // THEN
    expect(code).toBe(1);
    expect(lines).toContain(`error: synthesis failed:\n  ${file}: components.api.replicas: must be >= 1 (got -1); use a whole number from 1 to 1000`);
    expect(readTree(outdir)).toEqual(before);
    expect(fs.readdirSync(tmp).sort()).toEqual(['dist', 'environments']);
  });

  test('fails without the CRD folder the gate needs, and leaves the output as it was', () => {
    const outdir = previousOutput();
    const before = readTree(outdir);
    lines = [];
    expect(main({ environmentsDir: ENVIRONMENTS, outdir, crdDirectory: path.join(tmp, 'no-crds'), log })).toBe(1);
    expect(lines[0]).toBe(
      `error: the CRD folder ${path.join(tmp, 'no-crds')} does not exist; it holds the CustomResourceDefinitions the gate validates custom resources against (crds/ in this repository)`,
    );
    expect(readTree(outdir)).toEqual(before);
  });

  test('fails on an error raised while composing, and leaves the output as it was', () => {
    const outdir = previousOutput();
    const before = readTree(outdir);
    const envs = path.join(tmp, 'environments');
    fs.cpSync(ENVIRONMENTS, envs, { recursive: true });
    const file = path.join(envs, 'staging.yaml');
    // limits below requests pass the schema and are caught by the construct
    fs.writeFileSync(
      file,
      fs.readFileSync(file, 'utf8').replace('replicas: 2\n  frontend', 'replicas: 2\n    resources: { limits: { memory: 256Mi } }\n  frontend'),
    );
    lines = [];
    expect(main({ environmentsDir: envs, outdir, log })).toBe(1);
    expect(lines[0]).toBe(
      `error: synthesis failed:\n  ${file}: components.api.resources.limits.memory: is below its request 512Mi (got "256Mi"); raise the limit to at least 512Mi`,
    );
    expect(readTree(outdir)).toEqual(before);
  });
});
