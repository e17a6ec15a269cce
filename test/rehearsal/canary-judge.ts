// What the canary rehearsal asserts about one release, from what it read back once the Rollout settled: pure, so the
// unit tier proves that a bad canary promoted, or a release without analysis, fails the rehearsal.
import type { Quality } from './canary-target';

type Json = Record<string, any>;

/** One release as the rehearsal saw it end. */
export interface ReleaseOutcome {
  /** How the rendered objects were applied, e.g. `client-side`. */
  readonly mode: string;
  /** The quality the test scripted for the release's pods. */
  readonly quality: Quality;
  /** The new pods' hash (`status.currentPodHash` after the apply). */
  readonly hash: string;
  /** The Rollout as read back (its status). */
  readonly rollout: Json;
  /** The AnalysisRuns of the Rollout. */
  readonly analysisRuns: readonly Json[];
  /** The stable Service's `rollouts-pod-template-hash` selector. */
  readonly stableSelector: string | undefined;
  /** Ready pods per pod-template hash of the Rollout's ReplicaSets. */
  readonly readyByHash: Readonly<Record<string, number>>;
}

/** The hash an AnalysisRun judged (the template's `pod-template-hash` argument). */
export const analysedHash = (run: Json): string | undefined =>
  (run.spec?.args as Json[] | undefined)?.find((a) => a.name === 'pod-template-hash')?.value;

/** What is wrong with a release's outcome: empty when it went the way its metrics say it must. */
export function judgeRelease(o: ReleaseOutcome): string[] {
  const label = `${o.mode} ${o.quality} release ${o.hash}`;
  const status = o.rollout.status ?? {};
  const runs = o.analysisRuns.filter((r) => analysedHash(r) === o.hash);
  const problems: string[] = [];
  if (runs.length === 0) problems.push(`${label}: analysis skipped: no AnalysisRun judged the new pods`);
  const promoted = status.stableRS === o.hash;
  if (o.quality === 'good') {
    if (!promoted) problems.push(`${label}: a good canary did not reach 100 % (stable ${status.stableRS}, phase ${status.phase})`);
    const unsuccessful = runs.filter((r) => r.status?.phase !== 'Successful');
    if (unsuccessful.length > 0) problems.push(`${label}: analysis not successful: ${unsuccessful.map((r) => r.status?.phase).join(', ')}`);
    return problems;
  }
  if (promoted) problems.push(`${label}: a bad canary was promoted to stable`);
  if (!runs.some((r) => r.status?.phase === 'Failed')) problems.push(`${label}: no analysis failed the bad metrics`);
  if (status.abort !== true) problems.push(`${label}: the Rollout was not aborted (phase ${status.phase})`);
  if (o.stableSelector !== status.stableRS)
    problems.push(`${label}: the stable Service selects ${o.stableSelector}, not the stable pods ${status.stableRS}`);
  if ((o.readyByHash[o.hash] ?? 0) > 0) problems.push(`${label}: ${o.readyByHash[o.hash]} canary pods still ready after the abort`);
  return problems;
}
