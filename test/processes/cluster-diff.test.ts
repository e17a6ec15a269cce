import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from '../../lib/program/cli';
import { testIo } from '../program/cli-io';

/**
 * `eaf-cdk8s diff --cluster` against a real kube-apiserver: the cluster tier's harness (`scripts/cluster.sh up`, etcd
 * and the newest pinned kube-apiserver on loopback, the upstream CRDs installed) and the kubectl pinned beside it.
 */

const REPO = path.join(__dirname, '..', '..');
const CONTEXT = 'eaf-test'; // the context of the harness's kubeconfig

let cluster: ChildProcess;
let kubeconfig: string;
let kubectl: string;
let tmp: string;

beforeAll(async () => {
  // GIVEN a running cluster: the harness says where its kubeconfig and kubectl are once it is up
  cluster = spawn('bash', [path.join(REPO, 'scripts', 'cluster.sh'), 'up'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    cluster.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      const config = /export KUBECONFIG=(\S+)/.exec(log);
      const binary = /kubectl: (\S+); logs in/.exec(log);
      if (config !== null && binary !== null) {
        [kubeconfig, kubectl] = [config[1], binary[1]];
        resolve();
      }
    });
    cluster.on('exit', (code) => reject(new Error(`scripts/cluster.sh up exited ${code}:\n${log}`)));
  });
}, 600_000);

afterAll(async () => {
  // The harness stops etcd and the API server on TERM (its EXIT trap).
  if (cluster?.exitCode === null) {
    const exited = new Promise((resolve) => cluster.on('exit', resolve));
    cluster.kill('SIGTERM');
    await exited;
  }
}, 120_000);

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cluster-diff-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** An output folder `dist/shop/` with the namespace and a ConfigMap holding `greeting`. */
function output(greeting: string, namespace = 'shop'): string {
  const folder = path.join(tmp, 'dist', 'shop');
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(
    path.join(folder, 'shop.k8s.yaml'),
    `apiVersion: v1\nkind: Namespace\nmetadata: { name: ${namespace} }\n---\n` +
      `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings, namespace: ${namespace} }\ndata: { greeting: ${greeting} }\n`,
  );
  return folder;
}

function diff(lines: string[], outs: string[]): number {
  return runCli(['diff', '--cluster', CONTEXT], {
    ...testIo(tmp, lines, outs),
    env: { KUBECONFIG: kubeconfig, EAF_KUBECTL: kubectl, PATH: process.env.PATH },
  });
}

test('previews an environment against the live cluster: nothing to change, then the changed field, and kubectl failures', () => {
  // GIVEN the environment applied to the cluster as it is
  const folder = output('hello');
  const apply = ['--kubeconfig', kubeconfig, 'apply', '--server-side', '--field-manager=eaf-cdk8s', '-f', folder];
  execFileSync(kubectl, apply, { stdio: 'pipe' });
  // WHEN the unchanged output is diffed THEN nothing would change
  let lines: string[] = [];
  let outs: string[] = [];
  expect(diff(lines, outs)).toBe(0);
  expect(outs).toEqual([]);
  expect(lines.at(-1)).toBe(`diff: dist/shop against context ${CONTEXT}: no differences; applying it would change nothing`);

  // WHEN the ConfigMap changes THEN the server's dry run shows the field, old and new, and the cluster is untouched
  output('bonjour');
  [lines, outs] = [[], []];
  expect(diff(lines, outs)).toBe(0);
  expect(outs.join('')).toMatch(/^-\s+greeting: hello$/m);
  expect(outs.join('')).toMatch(/^\+\s+greeting: bonjour$/m);
  expect(lines.at(-1)).toBe(`diff: dist/shop against context ${CONTEXT}: 1 objects would change (above)`);
  const live = execFileSync(kubectl, ['--kubeconfig', kubeconfig, 'get', 'configmap', 'settings', '-n', 'shop', '-o', 'jsonpath={.data.greeting}']);
  expect(live.toString()).toBe('hello');

  // WHEN the environment's namespace does not exist yet THEN the error says why the preview cannot run
  fs.rmSync(path.join(tmp, 'dist'), { recursive: true });
  output('hello', 'shop-new');
  [lines, outs] = [[], []];
  expect(diff(lines, outs)).toBe(1);
  expect(lines.at(-1)).toMatch(/^error: namespace shop-new does not exist in the cluster yet/);

  // WHEN the context is unknown THEN kubectl's error, exit 1
  [lines, outs] = [[], []];
  const code = runCli(['diff', '--cluster', 'nope'], { ...testIo(tmp, lines, outs), env: { KUBECONFIG: kubeconfig, EAF_KUBECTL: kubectl } });
  expect(code).toBe(1);
  expect(lines).toContain('kubectl: error: context "nope" does not exist');
  expect(lines.at(-1)).toMatch(/^error: kubectl diff failed \(exit \d+\); see its lines above$/);
}, 300_000);
