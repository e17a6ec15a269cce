// One canary release on the rehearsal's control plane, the way the CLI makes it (`eaf-cdk8s release`), applied one way,
// its pods' metrics scripted good or bad, watched until the Rollout settles, and read back for the judge.
import { ReleaseOutcome } from './canary-judge';
import { ApplyMode, applyAs, NAMESPACE } from './canary-product';
import { MetricsTarget, Quality } from './canary-target';
import { getItems as getObjects, Kube, kubectl, waitFor } from '../../lib/program/rehearsal/kube';
import { cli, Json, log, seconds } from './product';

/** The items of `kubectl get`, untyped: the canary's judge reads Rollouts and AnalysisRuns field by field. */
const getItems = async (kube: Kube, args: readonly string[]): Promise<Json[]> => (await getObjects(kube, args)) as unknown as Json[];

/** The component whose releases the rehearsal plays (the one with request metrics), and its Rollout. */
export const COMPONENT = 'api';
const HASH_LABEL = 'rollouts-pod-template-hash';

/** What the flow needs: the control plane, the product folder, the scripted target, a work folder. */
export interface CanaryRig {
  readonly kube: Kube;
  readonly product: string;
  readonly target: MetricsTarget;
  readonly work: string;
}

export const rolloutOf = async (kube: Kube): Promise<Json> => (await getItems(kube, ['rollout', COMPONENT, '-n', NAMESPACE]))[0];

/** Settled: promoted (Healthy, stable = the new pods) or aborted with the canary scaled away; a paused or progressing canary is not. */
export function settled(rollout: Json, hash: string): boolean {
  const s = rollout.status ?? {};
  if (String(s.observedGeneration) !== String(rollout.metadata.generation) || s.currentPodHash !== hash) return false;
  return (s.abort === true && (s.updatedReplicas ?? 0) === 0) || (s.stableRS === hash && s.phase === 'Healthy');
}

/** The new pods' hash once the controller has seen the applied spec (it differs from `before`). */
async function newHash(kube: Kube, before: string | undefined): Promise<string> {
  let hash = '';
  await waitFor('the Rollout to take the new spec', 120, async () => {
    const s = (await rolloutOf(kube)).status ?? {};
    hash = s.currentPodHash ?? '';
    return hash !== '' && hash !== before ? [] : [`currentPodHash ${hash || 'none'}`];
  });
  return hash;
}

/** What the judge reads once the Rollout settled. */
async function outcome(kube: Kube, mode: string, quality: Quality, hash: string): Promise<ReleaseOutcome> {
  const rollout = await rolloutOf(kube);
  const analysisRuns = await getItems(kube, ['analysisruns', '-n', NAMESPACE]);
  const service = (await getItems(kube, ['service', rollout.spec.strategy.canary.stableService, '-n', NAMESPACE]))[0];
  const readyByHash: Record<string, number> = {};
  for (const rs of await getItems(kube, ['replicasets', '-n', NAMESPACE, '-l', `app.kubernetes.io/name=${COMPONENT}`]))
    readyByHash[rs.metadata.labels?.[HASH_LABEL]] = rs.status?.readyReplicas ?? 0;
  return { mode, quality, hash, rollout, analysisRuns, stableSelector: service.spec.selector?.[HASH_LABEL], readyByHash };
}

/**
 * Releases `tag` of the API (`eaf-cdk8s release production api <tag>`), applies it `mode`, scripts its pods' metrics
 * `quality`, and, unless `meddle` intervenes (a self-test's forced promotion), waits for the Rollout to settle.
 */
export async function playRelease(
  rig: CanaryRig,
  mode: ApplyMode,
  tag: string,
  quality: Quality,
  meddle?: (hash: string) => Promise<void>,
): Promise<ReleaseOutcome> {
  const t0 = Date.now();
  const before = (await rolloutOf(rig.kube)).status?.currentPodHash;
  cli(rig.product, ['release', 'production', COMPONENT, tag]);
  await applyAs(rig.kube, rig.product, mode, rig.work);
  const hash = await newHash(rig.kube, before);
  rig.target.serve(hash, quality);
  if (meddle) await meddle(hash);
  await waitFor(`${mode} ${quality} release ${tag} (${hash}) to settle`, 600, async () =>
    settled(await rolloutOf(rig.kube), hash) ? [] : [`phase ${(await rolloutOf(rig.kube)).status?.phase}`],
  );
  log(`${mode}: ${quality} release ${tag} (${hash}) settled in ${seconds(t0)}`);
  return outcome(rig.kube, mode, quality, hash);
}

/** The first release of the environment: applied client-side, its pods good, until the Rollout is Healthy. */
export async function initialDeploy(rig: CanaryRig): Promise<string> {
  const t0 = Date.now();
  await applyAs(rig.kube, rig.product, 'client-side', rig.work);
  const hash = await newHash(rig.kube, undefined);
  rig.target.serve(hash, 'good');
  await waitFor('the initial deploy', 600, async () => (settled(await rolloutOf(rig.kube), hash) ? [] : ['not Healthy']));
  log(`initial deploy (${hash}) Healthy in ${seconds(t0)}`);
  return hash;
}

/** A self-test's meddling: promotes the canary at once, past its steps and analyses (`kubectl argo rollouts promote --full`). */
export const promoteFull = (kube: Kube) => async (): Promise<void> => {
  await kubectl(kube, [
    'patch',
    'rollout',
    COMPONENT,
    '-n',
    NAMESPACE,
    '--subresource',
    'status',
    '--type',
    'merge',
    '-p',
    '{"status":{"promoteFull":true}}',
  ]);
};
