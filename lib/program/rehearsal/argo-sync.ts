// Argo CD's sync order, emulated for a rehearsal (no Argo CD runs here): what an environment's output declares with
// `argocd.argoproj.io/hook` and `argocd.argoproj.io/sync-wave` is applied the way Argo CD's sync does it
// (https://argo-cd.readthedocs.io/en/stable/user-guide/sync-waves/ and .../resource_hooks/):
// - phases in order: PreSync hooks, then the Sync phase (the resources and the `Sync` hooks), then PostSync hooks;
// - within a phase, waves in order (lower first; a missing annotation is wave 0): a wave's resources are applied
//   and its hooks created (a hook with `BeforeHookCreation` replaces the previous one), then the sync waits until the
//   wave is healthy (its Deployments rolled out, its hook Jobs complete) before the next wave;
// - a hook that fails stops the sync there, marked failed: no later wave, no later phase.
// Health: Deployments and Jobs are waited for; every other kind counts as healthy once applied (no operator runs
// for CloudNativePG clusters or Keycloak here, and Argo CD has no health check for the rest).
// `awaitHooks: false` is the bypass the rehearsal's self-test needs: everything applied at once, hooks not awaited,
// as a sync that ignored its hooks would; the judge must then see the Services move past a failed gate.
import * as fs from 'fs';
import * as path from 'path';
import { deploymentsSettled, getItems, Kube, kubectl, KubeObject } from './kube';
import { HOOK } from './manifests';

const WAVE = 'argocd.argoproj.io/sync-wave';
const PHASES = ['PreSync', 'Sync', 'PostSync'] as const;

/** kwok's own chaos stage (pod/chaos/pod-container-running-failed, loaded by scripts/rehearse.sh): a pod so labelled fails. */
export const FAIL_LABEL = 'pod-container-running-failed.stage.kwok.x-k8s.io';

export interface SyncOptions {
  /** Where the sync's progress goes (a line per wave). */
  readonly log: (line: string) => void;
  /** The hook Jobs whose pod fails (kwok's chaos stage through {@link FAIL_LABEL}); the others succeed (kwok's pod-complete). */
  readonly failing?: (job: string) => boolean;
  /** Wait for each wave and hook, and stop at a failed hook, as Argo CD does. `false`: the bypass. @default true */
  readonly awaitHooks?: boolean;
}

export interface SyncResult {
  /** The hook that failed and stopped the sync; none when the sync succeeded (or hooks were not awaited). */
  readonly failedHook?: string;
  /** The waves applied, phase:wave, in order. */
  readonly applied: readonly string[];
  /** The Sync-phase hook Jobs the sync created (all of them, unless it stopped at a failed one). */
  readonly hooks: readonly string[];
}

const phasesOf = (o: KubeObject): string[] => {
  const hook = o.metadata.annotations?.[HOOK];
  return hook === undefined ? ['Sync'] : hook.split(',').map((h) => h.trim());
};
const waveOf = (o: KubeObject): number => Number(o.metadata.annotations?.[WAVE] ?? 0);
const isHook = (o: KubeObject): boolean => o.metadata.annotations?.[HOOK] !== undefined;
const seconds = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)}s`;

/** One Argo CD sync of an environment's objects (`label` names it); resolves when it succeeded or stopped at a failed hook. */
export async function argoSync(kube: Kube, rendered: readonly KubeObject[], label: string, work: string, options: SyncOptions): Promise<SyncResult> {
  const { log } = options;
  const objects = rendered.filter((o) => o.kind !== 'Namespace'); // the environment exists already
  const syncHooks = objects.filter((o) => isHook(o) && phasesOf(o).includes('Sync')).map((o) => o.metadata.name);
  // The Sync hooks this sync created: a sync stopped at a failed gate leaves the later gates of the last sync as they were.
  const created: string[] = [];
  // A batch's resources applied, then its hooks created (each replacing the previous one of its name).
  const applyWithHooks = async (batch: readonly KubeObject[]): Promise<void> => {
    await applyBatch(
      kube,
      work,
      batch.filter((o) => !isHook(o)),
      log,
    );
    for (const hook of batch.filter(isHook)) await createHook(kube, work, withFailure(hook, options.failing));
  };
  if (options.awaitHooks === false) {
    // The bypass: the resources at once, then every hook, nothing awaited.
    await applyWithHooks(objects);
    return { applied: ['all at once'], hooks: syncHooks };
  }
  const applied: string[] = [];
  for (const phase of PHASES) {
    const inPhase = objects.filter((o) => phasesOf(o).includes(phase));
    for (const wave of [...new Set(inPhase.map(waveOf))].sort((a, b) => a - b)) {
      const batch = inPhase.filter((o) => waveOf(o) === wave);
      await applyWithHooks(batch);
      if (phase === 'Sync') created.push(...batch.filter(isHook).map((o) => o.metadata.name));
      applied.push(`${phase}:${wave}`);
      const t = Date.now();
      const failed = await waitHealthy(kube, batch, `${label} ${phase} wave ${wave}`);
      log(`  sync ${phase} wave ${wave}: ${batch.length} objects, ${failed ? `hook ${failed} FAILED` : 'healthy'} after ${seconds(t)}`);
      if (failed !== undefined) return { failedHook: failed, applied, hooks: created };
    }
  }
  return { applied, hooks: created };
}

/** The Job with the fail label on its pods when `failing` names it. */
function withFailure(job: KubeObject, failing: SyncOptions['failing']): KubeObject {
  if (job.kind !== 'Job' || !failing?.(job.metadata.name)) return job;
  const template = job.spec?.template ?? {};
  const meta = template.metadata ?? {};
  const labels = { ...meta.labels, [FAIL_LABEL]: 'true' };
  const annotations = { ...meta.annotations, [`${FAIL_LABEL}/message`]: 'the rehearsal fails the smoke test' };
  return { ...job, spec: { ...job.spec, template: { ...template, metadata: { ...meta, labels, annotations } } } };
}

async function applyBatch(kube: Kube, work: string, batch: readonly KubeObject[], log: (line: string) => void): Promise<void> {
  if (batch.length === 0) return;
  const file = path.join(work, 'sync-batch.json');
  fs.writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: batch }));
  const { stderr } = await kubectl(kube, ['apply', '-f', file]);
  if (stderr.trim() !== '') log(`  kubectl apply (sync wave): ${stderr.trim()}`);
}

/** A hook: the previous one of its name deleted first (`BeforeHookCreation`, every hook of DVMM's), then created. */
async function createHook(kube: Kube, work: string, hook: KubeObject): Promise<void> {
  const ns = hook.metadata.namespace ?? 'default';
  await kubectl(kube, ['delete', hook.kind.toLowerCase(), hook.metadata.name, '-n', ns, '--ignore-not-found', '--wait=true']);
  const file = path.join(work, 'sync-hook.json');
  fs.writeFileSync(file, JSON.stringify(hook));
  await kubectl(kube, ['create', '-f', file]);
}

/** The state of a Job: done, failed, or running. */
export const jobState = (job: KubeObject): 'Complete' | 'Failed' | 'Running' => {
  const done = (job.status?.conditions ?? []).find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
  return (done?.type as 'Complete' | 'Failed' | undefined) ?? 'Running';
};

/** Waits until the batch is healthy; returns the name of a hook Job that failed, if one did. */
async function waitHealthy(kube: Kube, batch: readonly KubeObject[], label: string): Promise<string | undefined> {
  const deployments = new Set(batch.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name));
  const jobs = batch.filter((o) => o.kind === 'Job').map((o) => ({ name: o.metadata.name, namespace: o.metadata.namespace ?? 'default' }));
  const namespaces = [...new Set(batch.flatMap((o) => (o.metadata.namespace === undefined ? [] : [o.metadata.namespace])))];
  const start = Date.now();
  for (;;) {
    const pending: string[] = [];
    for (const ns of namespaces) pending.push(...(await deploymentsSettled(kube, ns)).filter((d) => deployments.has(d.split(' ')[0])));
    for (const job of jobs) {
      const [live] = await getItems(kube, ['job', job.name, '-n', job.namespace]);
      const state = jobState(live);
      if (state === 'Failed') return job.name;
      if (state === 'Running') pending.push(`job ${job.name}`);
    }
    if (pending.length === 0) return undefined;
    if (Date.now() - start > 240_000) throw new Error(`${label}: not healthy after 240 s: ${pending.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
