import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * The cluster tier's harness (scripts/cluster.sh) with real etcd and kube-apiserver (the newest of the matrix), in a
 * tools folder of this test whose binaries are the repository's:
 * - its seed: the first cluster of a server installs the CRDs and keeps etcd's data in the tools' cache; later clusters
 *   start from a copy of it and still serve every CRD; another set of CRDs gets a seed of its own;
 * - its pairs run two at a time: a failing folder fails the run, each result keeps its place and each log stays whole.
 */

const REPO = path.join(__dirname, '..', '..');
const CRD = 'snapshot.storage.k8s.io_volumesnapshotclasses.yaml';
let tmp: string;
let tools: string;
let crds: string;
let folder: string;

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cluster-seed-'));
  // A tools folder of its own (so the seeds are this test's), its binaries and stamps those of the repository's.
  const shared = process.env.EAF_TOOLS_DIR ?? path.join(REPO, '.tools');
  tools = path.join(tmp, 'tools');
  for (const sub of ['bin', 'stamps']) {
    fs.mkdirSync(path.join(shared, sub), { recursive: true });
    fs.mkdirSync(tools, { recursive: true });
    fs.symlinkSync(path.join(shared, sub), path.join(tools, sub));
  }
  crds = path.join(tmp, 'crds');
  fs.mkdirSync(crds);
  fs.copyFileSync(path.join(REPO, 'crds', CRD), path.join(crds, CRD));
  // An output that needs the CRD served: a VolumeSnapshotClass.
  folder = path.join(tmp, 'out');
  fs.mkdirSync(folder);
  const snapshotClass = 'apiVersion: snapshot.storage.k8s.io/v1\nkind: VolumeSnapshotClass\nmetadata: { name: fast }\n';
  fs.writeFileSync(path.join(folder, 'snapshots.yaml'), `${snapshotClass}driver: csi.example.com\ndeletionPolicy: Delete\n`);
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

function clusterTest(folders = [folder]): { status: number | null; log: string } {
  const run = spawnSync('bash', [path.join(REPO, 'scripts', 'cluster.sh'), 'test', ...folders], {
    encoding: 'utf8',
    env: { ...process.env, EAF_TOOLS_DIR: tools, CRDS_DIR: crds, KUBE_MINOR: '1.37' },
    timeout: 170_000,
  });
  return { status: run.status, log: run.stderr };
}

const seeds = (): string[] => fs.readdirSync(path.join(tools, 'cluster-seeds')).filter((name) => /^1\.\d+-[0-9a-f]{16}$/.test(name));

test('the first cluster saves the CRDs as a seed, the next starts from it, other CRDs get their own', () => {
  // WHEN the tier runs for the first time with these CRDs
  const first = clusterTest();
  // THEN it installs them, passes, and saves one seed for the server
  expect(first.status, first.log).toBe(0);
  expect(first.log).toContain('installed 1 CRDs from 1 files, all Established');
  expect(first.log).toMatch(/saved the CRDs' etcd data as a seed/);
  expect(seeds()).toEqual([expect.stringMatching(/^1\.37-[0-9a-f]{16}$/)]);
  const [seed] = seeds();

  // WHEN it runs again
  const second = clusterTest();
  // THEN the cluster starts from the seed, the custom resource applies as before, and no seed is added
  expect(second.status, second.log).toBe(0);
  expect(second.log).toContain('1 CRDs from the seed, all Established');
  expect(second.log).not.toContain('installed 1 CRDs');
  expect(second.log).toMatch(/out@1\.37: apply: PASS \(1\/1 objects/);
  expect(seeds()).toEqual([seed]);

  // WHEN a CRD changes
  const file = path.join(crds, CRD);
  fs.writeFileSync(
    file,
    fs.readFileSync(file, 'utf8').replace('  name: volumesnapshotclasses', '  labels: { eaf: seed }\n  name: volumesnapshotclasses'),
  );
  const third = clusterTest();
  // THEN the changed CRDs are installed and saved as a seed of their own
  expect(third.status, third.log).toBe(0);
  expect(third.log).toContain('installed 1 CRDs from 1 files, all Established');
  expect(seeds()).toHaveLength(2);
  expect(seeds()).toContain(seed);
});

test('folders run on clusters two at a time: a failing one fails the run, the table keeps their order, logs stay whole', () => {
  // GIVEN a folder the server refuses (an unknown field under strict validation) before a good one
  const bad = path.join(tmp, 'bad');
  fs.mkdirSync(bad);
  fs.writeFileSync(path.join(bad, 'settings.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings, namespace: default }\nbogus: 1\n');
  // WHEN both are tested
  const run = clusterTest([bad, folder]);
  // THEN the run fails, the bad folder is named FAIL and the good one PASS, in the order given
  expect(run.status, run.log).toBe(1);
  const table = run.log.split('\n').filter((line) => /^\[cluster\] {3}1\.37 /.test(line));
  expect(table).toEqual([expect.stringMatching(/ 1\.37 \S+\/bad FAIL \d+$/), expect.stringMatching(/ 1\.37 \S+\/out PASS \d+$/)]);
  expect(run.log).toContain('FAILED: 1 check(s) failed');
  // AND each folder's lines are together: none of the other folder's between its first and its last
  const lines = run.log.split('\n');
  for (const [name, other] of [
    ['bad@1.37', 'out@1.37'],
    ['out@1.37', 'bad@1.37'],
  ]) {
    const own = lines.flatMap((line, index) => (line.includes(`] ${name}: `) ? [index] : []));
    expect(own.length).toBeGreaterThan(3);
    expect(lines.slice(own[0], own[own.length - 1]).filter((line) => line.includes(`] ${other}: `))).toEqual([]);
  }
});
