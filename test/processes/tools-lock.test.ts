import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * scripts/tools.sh run twice at once (.ci/run's background build and a tier asking for its tool): each tool is built
 * once, the second run waits for the first and takes its binary; tools are built in the order asked. The Go compiler
 * is a stand-in here (GO=<script>): what is under test is the script's locking and order, not Go; the real builds run
 * in CI's tiers.
 */

const REPO = path.join(__dirname, '..', '..');
const TOOLS_SH = path.join(REPO, 'scripts', 'tools.sh');
const pin = (name: string): string => {
  const m = new RegExp(`^${name}=(\\S+)`, 'm').exec(fs.readFileSync(TOOLS_SH, 'utf8'));
  if (!m) throw new Error(`scripts/tools.sh pins no ${name}`);
  return m[1];
};

// The newest server of the matrix: its minor and release.
const [NEWEST, RELEASE] = spawnSync('bash', [TOOLS_SH, '--matrix'], { encoding: 'utf8' }).stdout.trim().split('\n').pop()!.split(' ');

let tmp: string;
let env: NodeJS.ProcessEnv;
let builds: string;

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tools-lock-'));
  builds = path.join(tmp, 'builds.log');
  // Every binary it "builds" answers every smoke test of tools.sh's verify that these tools need.
  const answer = [`kube-score version: ${pin('KUBE_SCORE_VERSION')}`, `Kubernetes ${RELEASE}`, `Client Version: ${RELEASE}`].join('\\n');
  const fakeGo = path.join(tmp, 'go');
  fs.writeFileSync(
    fakeGo,
    `#!/usr/bin/env bash
case "$1" in
  env) echo go-stand-in ;;
  build)
    shift; out=; pkgs=()
    while [[ $# -gt 0 ]]; do case "$1" in -o) out=$2; shift 2 ;; -tags | -ldflags) shift 2 ;; -*) shift ;; *) pkgs+=("$1"); shift ;; esac; done
    echo "start \${pkgs[*]##*/}" >> "${builds}"
    sleep 3
    if [[ $out == */ ]]; then targets=(); for p in "\${pkgs[@]}"; do targets+=("$out\${p##*/}"); done; else targets=("$out"); fi
    for t in "\${targets[@]}"; do printf '#!/bin/sh\\nprintf "${answer}\\\\n"\\n' > "$t"; chmod +x "$t"; done
    echo "end \${pkgs[*]##*/}" >> "${builds}" ;;
  *) exit 3 ;;
esac
`,
    { mode: 0o755 },
  );
  env = { ...process.env, GO: fakeGo, EAF_TOOLS_DIR: path.join(tmp, 'tools') };
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

const run = (...tools: string[]): Promise<{ status: number | null; stderr: string }> =>
  new Promise((resolve) => {
    const child = spawn('bash', [TOOLS_SH, ...tools], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stderr }));
  });

const waitFor = async (file: string, text: string): Promise<void> => {
  const deadline = Date.now() + 60_000;
  while (!(fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes(text))) {
    if (Date.now() > deadline) throw new Error(`${file} never said ${text}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

test('a tool being built by another run is waited for and taken, not built twice', async () => {
  // GIVEN a run building kube-score
  const first = run('kube-score');
  await waitFor(builds, 'start kube-score');

  // WHEN a second run asks for it meanwhile
  const second = await run('kube-score');

  // THEN the second waited and took the first's binary; the compiler ran once; both succeed
  const firstDone = await first;
  expect([firstDone.status, second.status]).toEqual([0, 0]);
  expect(second.stderr).toContain('another run is building from scripts/tools/kube-score; waiting for it');
  expect(second.stderr).toContain('kube-score: built by another run meanwhile');
  expect(fs.readFileSync(builds, 'utf8')).toBe('start kube-score\nend kube-score\n');
  expect(fs.readFileSync(path.join(tmp, 'tools', 'stamps', 'kube-score'), 'utf8')).toContain('built ');
}, 120_000);

test('tools are built in the order asked, the Kubernetes binaries of one release in one build at the first of them', async () => {
  // WHEN kube-score, one server's apiserver, then that server's kubectl are asked for
  const done = await run('kube-score', `kube-apiserver-${NEWEST}`, `kubectl-${NEWEST}`);

  // THEN kube-score first, then both Kubernetes binaries in one build; both stamped
  expect(done.status).toBe(0);
  expect(fs.readFileSync(builds, 'utf8')).toBe('start kube-score\nend kube-score\nstart kube-apiserver kubectl\nend kube-apiserver kubectl\n');
  for (const bin of [`kube-apiserver-${NEWEST}`, `kubectl-${NEWEST}`]) {
    expect(fs.existsSync(path.join(tmp, 'tools', 'stamps', bin))).toBe(true);
  }
}, 120_000);
