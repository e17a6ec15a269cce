import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { Manifest } from '../gate/finding';
import { noObjectsProblem, readManifestFolder } from './manifest-folder';
import { KUBE_SCORE_LIBRARY_EXCEPTIONS, KUBE_SCORE_OPTIONAL_TESTS, kubeScoreView } from './kube-score-view';

/**
 * The kube-score tier: an independent second opinion next to the gate, for any product. Every environment folder
 * is shown to kube-score as {@link kubeScoreView} renders it (Rollouts as Deployments, the gate's waivers as
 * kube-score ignores on the same objects), with the library's exceptions switched off by name and reason. Zero
 * findings (critical or warning) pass. No file outside the output folder is read.
 */

/** One kube-score finding. */
export interface LintFinding {
  /** `<Kind>/<namespace>/<name>`, the object as it is in the output (a Rollout stays a Rollout). */
  readonly object: string;
  readonly test: string;
  readonly grade: 'CRITICAL' | 'WARNING';
  readonly message: string;
}

/** The result for one environment. */
export interface LintResult {
  readonly environment: string;
  readonly ok: boolean;
  /** Objects scored. */
  readonly objects: number;
  /** Rollouts scored through their Deployment view. */
  readonly rollouts: number;
  /** Checks that passed. */
  readonly passed: number;
  readonly findings: LintFinding[];
  /** What kept the tier from scoring: unreadable input, no objects, kube-score failing. */
  readonly problems: string[];
}

/** Options of {@link verifyLint}. */
export interface VerifyLintOptions {
  /** The output folder: `<outdir>/<env>/` manifests. */
  readonly outdir: string;
  /** The kube-score binary. */
  readonly kubeScore: string;
  /** A scratch folder. */
  readonly work: string;
  /** Only these environments. @default - every folder of `outdir` */
  readonly environments?: string[];
}

/** kube-score's JSON output (`--output-format json`, v2), what the tier reads of it. */
interface ScoredObject {
  readonly type_meta: { readonly kind: string };
  readonly object_meta: { readonly name: string; readonly namespace?: string };
  readonly checks: ReadonlyArray<{
    readonly check: { readonly id: string };
    readonly grade: number;
    readonly skipped: boolean;
    readonly comments: ReadonlyArray<{ readonly path: string; readonly summary: string }> | null;
  }>;
}

/** kube-score's grades (scorecard.Grade): critical and warning fail the tier. */
const GRADES: Record<number, LintFinding['grade'] | undefined> = { 1: 'CRITICAL', 5: 'WARNING' };

/** Scores each environment of `outdir`. */
export function verifyLint(options: VerifyLintOptions): LintResult[] {
  const environments =
    options.environments ??
    fs
      .readdirSync(options.outdir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
  return environments.map((environment) => scoreEnvironment(environment, options));
}

function scoreEnvironment(environment: string, options: VerifyLintOptions): LintResult {
  const empty = { environment, ok: false, objects: 0, rollouts: 0, passed: 0, findings: [] };
  const dir = path.join(options.outdir, environment);
  const objects = readManifestFolder<Manifest>(dir) ?? [];
  if (objects.length === 0) return { ...empty, problems: [noObjectsProblem(dir)] };
  const rollouts = new Set(objects.filter((o) => o.kind === 'Rollout').map((o) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name}`));
  const file = path.join(options.work, `${environment}.yaml`);
  const { stringify } = require('yaml') as typeof import('yaml');
  fs.writeFileSync(
    file,
    kubeScoreView(objects)
      .map((o) => `---\n${stringify(o)}`)
      .join(''),
  );
  const args = ['score', '--output-format', 'json', '--exit-one-on-warning'];
  for (const { test } of KUBE_SCORE_LIBRARY_EXCEPTIONS) args.push('--ignore-test', test);
  for (const test of KUBE_SCORE_OPTIONAL_TESTS) args.push('--enable-optional-test', test);
  const run = spawnSync(options.kubeScore, [...args, file], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  let scored: ScoredObject[];
  try {
    scored = (JSON.parse(run.stdout) as ScoredObject[] | null) ?? []; // null: nothing kube-score knows (Argo CD Applications)
  } catch {
    // kube-score did not score (a parse error of its own, a crash): its own words are the problem.
    return { ...empty, problems: [`kube-score exited ${run.status}: ${(run.stderr || run.stdout || String(run.error)).trim()}`] };
  }
  const findings = scored.flatMap((o) => findingsOf(o, rollouts));
  const passed = scored.flatMap((o) => o.checks).filter((c) => !c.skipped && GRADES[c.grade] === undefined).length;
  return { environment, ok: findings.length === 0, objects: scored.length, rollouts: rollouts.size, passed, findings, problems: [] };
}

function findingsOf(scored: ScoredObject, rollouts: ReadonlySet<string>): LintFinding[] {
  const { name, namespace = '' } = scored.object_meta;
  const kind = scored.type_meta.kind === 'Deployment' && rollouts.has(`${namespace}/${name}`) ? 'Rollout' : scored.type_meta.kind;
  const object = `${kind}/${namespace === '' ? '' : `${namespace}/`}${name}`;
  return scored.checks.flatMap((check) => {
    const grade = GRADES[check.grade];
    if (check.skipped || grade === undefined) return [];
    const comments = check.comments ?? [];
    const messages = comments.length === 0 ? [check.check.id] : comments.map((c) => (c.path === '' ? c.summary : `(${c.path}) ${c.summary}`));
    return messages.map((message) => ({ object, test: check.check.id, grade, message }));
  });
}

/** The lines the CLI prints for one environment. */
export function formatLintResult(r: LintResult): string[] {
  const status = r.ok ? 'PASS' : 'FAIL';
  const scored = r.rollouts > 0 ? ` (${r.rollouts} Rollouts scored as Deployments)` : '';
  const head =
    r.problems.length > 0
      ? `${status} ${r.environment}: kube-score could not score it`
      : `${status} ${r.environment}: kube-score ${r.objects} objects${scored}, ${r.passed} checks OK, ${r.findings.length} findings ` +
        `(${KUBE_SCORE_LIBRARY_EXCEPTIONS.length} tests switched off by the library, each with its reason in docs/explanation/real-tools.md)`;
  return [head, ...r.problems.map((p) => `  ! ${p}`), ...r.findings.map((f) => `  [${f.grade}] ${f.object}: ${f.test}: ${f.message}`)];
}
