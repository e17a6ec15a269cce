import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from '../../lib/program/cli';
import { testIo } from './cli-io';

/**
 * `eaf-cdk8s diff --cluster <context>` with a stand-in kubectl (a script that records its arguments and answers with
 * a given exit code), for each of kubectl diff's outcomes. test/processes/cluster-diff.test.ts runs the real kubectl
 * against a real kube-apiserver.
 */
describe('eaf-cdk8s diff --cluster', () => {
  let tmp: string;
  let lines: string[];
  let outs: string[];
  let kubectl: string;
  /** The stand-in kubectl: prints `stdout`, `stderr` and exits `code`, recording its arguments one a line. */
  function standIn(code: number, stdout = '', stderr = ''): void {
    fs.writeFileSync(path.join(tmp, 'stdout'), stdout);
    fs.writeFileSync(path.join(tmp, 'stderr'), stderr);
    fs.writeFileSync(
      kubectl,
      `#!/bin/sh\nfor a in "$@"; do echo "$a"; done > "${tmp}/args"\ncat "${tmp}/stdout"\ncat "${tmp}/stderr" >&2\nexit ${code}\n`,
      { mode: 0o755 },
    );
  }
  const io = (env: Record<string, string | undefined> = { EAF_KUBECTL: kubectl, PATH: process.env.PATH }) => ({
    ...testIo(tmp, lines, outs),
    env,
  });
  const args = () => fs.readFileSync(path.join(tmp, 'args'), 'utf8').trimEnd().split('\n');
  /** An output folder with the given environments, each with one manifest. */
  function output(...environments: string[]): void {
    for (const env of environments) {
      fs.mkdirSync(path.join(tmp, 'dist', env), { recursive: true });
      fs.writeFileSync(path.join(tmp, 'dist', env, 'shop.k8s.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, namespace: shop }\n');
    }
  }
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cluster-diff-'));
    lines = [];
    outs = [];
    kubectl = path.join(tmp, 'kubectl');
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const DIFF = 'diff -u -N /tmp/LIVE-1/v1.ConfigMap.shop.c /tmp/MERGED-1/v1.ConfigMap.shop.c\n--- a\n+++ b\n@@ -1 +1 @@\n-a: 1\n+a: 2\n';

  test('runs kubectl diff --server-side on the folder with the context, prints its diff and exits 0 (kubectl exit 1: differences)', () => {
    // GIVEN an output with one environment and a kubectl that finds differences
    output('production');
    standIn(1, DIFF);
    // WHEN eaf-cdk8s diff --cluster runs
    const code = runCli(['diff', '--cluster', 'prod-east'], io());
    // THEN kubectl got a server-side diff of the folder with that context, and its diff is the output
    expect(code).toBe(0);
    expect(args()).toEqual([
      'diff',
      '--server-side',
      '--force-conflicts',
      '--field-manager=eaf-cdk8s',
      '--context',
      'prod-east',
      '-f',
      path.join(tmp, 'dist', 'production'),
    ]);
    expect(outs).toEqual([DIFF]);
    expect(lines.at(-1)).toBe('diff: dist/production against context prod-east: 1 objects would change (above)');
  });

  test('says nothing would change when kubectl finds no differences (exit 0)', () => {
    output('production');
    standIn(0);
    expect(runCli(['diff', '--cluster', 'prod-east'], io())).toBe(0);
    expect(outs).toEqual([]);
    expect(lines.at(-1)).toBe('diff: dist/production against context prod-east: no differences; applying it would change nothing');
  });

  test("fails with kubectl's own lines when kubectl fails (exit > 1)", () => {
    // GIVEN a kubectl that cannot reach the context
    output('production');
    standIn(2, '', 'error: context "nope" does not exist\n');
    // WHEN / THEN exit 1 with kubectl's line and the exit code
    expect(runCli(['diff', '--cluster', 'nope'], io())).toBe(1);
    expect(outs).toEqual([]);
    expect(lines.slice(-2)).toEqual(['kubectl: error: context "nope" does not exist', 'error: kubectl diff failed (exit 2); see its lines above']);
  });

  test("explains a namespace the cluster does not have yet (an environment's first preview)", () => {
    output('production');
    standIn(2, '', 'Error from server (NotFound): namespaces "shop" not found\n');
    expect(runCli(['diff', '--cluster', 'prod-east'], io())).toBe(1);
    expect(lines.at(-1)).toBe(
      'error: namespace shop does not exist in the cluster yet, and a dry run cannot create it; everything of the environment would be new: ' +
        'apply its Namespace first (kubectl apply -f on it) to preview the rest',
    );
  });

  test('picks the environment --environment names; fails naming them when there are several and none is named', () => {
    output('dev', 'production');
    standIn(0);
    expect(runCli(['diff', '--cluster', 'c', '--environment', 'dev'], io())).toBe(0);
    expect(args().at(-1)).toBe(path.join(tmp, 'dist', 'dev'));
    expect(runCli(['diff', '--cluster', 'c'], io())).toBe(2);
    expect(lines).toContain('error: --cluster diffs one environment: add --environment <name>, one of: dev, production');
    expect(runCli(['diff', '--cluster', 'c', '--environment', 'qa'], io())).toBe(1);
    expect(lines.at(-1)).toBe(`error: --environment qa: ${path.join(tmp, 'dist')} has no such environment; use one of: dev, production`);
  });

  test('fails on --base with --cluster, on --environment without it, and on an empty output', () => {
    standIn(0);
    expect(runCli(['diff', '--cluster', 'c'], io())).toBe(1);
    expect(lines.at(-1)).toBe(`error: ${path.join(tmp, 'dist')} holds no environment's manifests; run eaf-cdk8s synth first`);
    output('dev');
    expect(runCli(['diff', '--cluster', 'c', '--base', 'HEAD'], io())).toBe(2);
    expect(lines).toContain('error: give --base (a git ref) or --cluster (a live cluster), not both');
    expect(runCli(['diff', '--environment', 'dev'], io())).toBe(2);
    expect(lines).toContain('error: --environment goes with --cluster; diff against a git ref covers every environment');
  });

  test('fails naming EAF_KUBECTL when there is no kubectl', () => {
    output('dev');
    expect(runCli(['diff', '--cluster', 'c'], io({ EAF_KUBECTL: path.join(tmp, 'missing'), PATH: process.env.PATH }))).toBe(1);
    expect(lines.at(-1)).toBe(`error: cannot run ${path.join(tmp, 'missing')} (ENOENT); install kubectl, or set EAF_KUBECTL to its path`);
  });
});
