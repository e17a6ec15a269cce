// One rehearsal on one control plane: applying an environment, proving live equals desired, and playing release steps
// while the active Services are polled. The repository's rehearsal (test/rehearsal/) and `eaf-cdk8s verify --rehearse`
// (./main.ts) both play their steps through this module.
import * as fs from 'fs';
import * as path from 'path';
import { argoSync, jobState, SyncOptions, SyncResult } from './argo-sync';
import { GateExpectation, gateVerdict } from './gate-judge';
import { deploymentsSettled, getItems, Kube, kubectl, sampleServices, ServiceSample, waitFor } from './kube';
import { compareObjects } from './live-equals-desired';
import { activeServices, rendered, workloadNamespace } from './manifests';

/** How an environment is applied: `kubectl apply` (what `oc apply` does) or a server-side apply (Argo CD's `ServerSideApply=true`). */
export type Mode = 'client-side' | 'server-side';

/** The state of one rehearsal: its control plane, scratch folder, the report and the failures it collects. */
export interface Rehearsal {
  readonly kube: Kube;
  /** A scratch folder for the files kubectl reads. */
  readonly work: string;
  readonly log: (line: string) => void;
  /** What was done and seen, a line each; printed at the end. */
  readonly report: string[];
  /** What users would suffer (a dip, a drift, a gate not honoured), a line each: the rehearsal fails when any. */
  readonly failures: string[];
  /** Runs an eaf-cdk8s command (`switch staging --step scale`) in a product folder; throws when it fails. */
  readonly cli: (product: string, args: readonly string[]) => void;
}

/** A product folder being rehearsed: where its environments' output is, and how report lines name it. */
export interface RehearsedProduct {
  readonly dir: string;
  /** The output folder (holding `<env>/`). */
  readonly outdir: string;
  /** Before an environment in a report line: `` for the main product, `node-web/` for another. */
  readonly label: string;
}

/** One release step: a CLI command, then its output applied (or synced) while the active Services are polled. */
export interface Step {
  readonly env: string;
  readonly args: readonly string[];
  readonly mode: Mode;
  /** The fewest ready endpoints an active Service may have, given how many it had before the step. */
  readonly minimum: (before: number) => number;
  /** Synced the way Argo CD syncs (./argo-sync.ts: phases, waves, hooks) rather than applied at once. */
  readonly sync?: Omit<SyncOptions, 'log'>;
  /** What the switch gate must do, judged by ./gate-judge.ts. @default - not judged */
  readonly gate?: GateExpectation;
}

/** No fewer ready endpoints than before the step. */
export const noDip = (before: number): number => before;

export const seconds = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)}s`;

/** Applies a folder (its Namespaces first, as an empty cluster needs), the way `oc apply` or a server-side apply does. */
export async function apply(r: Rehearsal, dir: string, mode: Mode): Promise<void> {
  const namespaces = path.join(r.work, 'namespaces.json');
  const items = rendered(dir).filter((o) => o.kind === 'Namespace');
  fs.writeFileSync(namespaces, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  const how = mode === 'server-side' ? ['--server-side', '--field-manager', 'eaf-cdk8s'] : [];
  for (const file of items.length > 0 ? [namespaces, dir] : [dir]) {
    const { stderr } = await kubectl(r.kube, ['apply', ...how, '-f', file]);
    // A client-side apply after a server-side one warns once per object that it adds its last-applied annotation: expected, counted.
    const lines = stderr.split('\n').filter((l) => l.trim() !== '');
    const annotated = lines.filter((l) => l.includes('missing the kubectl.kubernetes.io/last-applied-configuration annotation'));
    if (annotated.length > 0)
      r.log(`  kubectl apply ${mode} ${path.basename(file)}: ${annotated.length} objects given their last-applied annotation`);
    const other = lines.filter((l) => !annotated.includes(l));
    if (other.length > 0) r.log(`  kubectl apply ${mode} ${path.basename(file)}: ${other.join('\n')}`);
  }
}

/** Live equals desired: every object of the folder read back and compared with what was rendered. */
export async function liveEqualsDesired(r: Rehearsal, dir: string, label: string): Promise<void> {
  const objects = rendered(dir);
  const live = await getItems(r.kube, ['-f', dir]);
  const differences = compareObjects(objects, live);
  for (const d of differences) r.failures.push(`${label}: live differs from rendered: ${d}`);
  r.report.push(`${label}: live equals desired: ${objects.length} objects, ${differences.length} differences`);
}

/**
 * An environment applied (`mode`), its Deployments ready, live equal to rendered; then applied the other way and
 * compared again (client-side after server-side apply, or the reverse: both must leave no drift).
 */
export async function applyEnvironment(r: Rehearsal, product: RehearsedProduct, env: string, mode: Mode): Promise<void> {
  const dir = path.join(product.outdir, env);
  const label = `${product.label}${env}`;
  const namespace = workloadNamespace(rendered(dir));
  let t = Date.now();
  await apply(r, dir, mode);
  // Without the Argo Rollouts controller a Rollout runs no pods: only Deployments are waited for.
  const ready = namespace === undefined ? 0 : await waitFor(`${label}: Deployments ready`, 300, () => deploymentsSettled(r.kube, namespace));
  r.report.push(`${label}: applied (${mode}) and every Deployment ready in ${seconds(t)} (${ready.toFixed(1)}s waiting)`);
  await liveEqualsDesired(r, dir, `${label} (${mode} apply)`);
  const other: Mode = mode === 'client-side' ? 'server-side' : 'client-side';
  t = Date.now();
  await apply(r, dir, other);
  await liveEqualsDesired(r, dir, `${label} (then ${other} apply, ${seconds(t)})`);
}

/** What a step saw. */
interface StepResult {
  /** The fewest ready endpoints seen per Service, and what it selected before and after. */
  readonly lowest: Map<string, number>;
  readonly before: Map<string, ServiceSample>;
  readonly after: Map<string, ServiceSample>;
  /** Every colour a Service's ready endpoints belonged to at any poll. */
  readonly seen: Map<string, Set<string>>;
  /** The Argo CD sync's outcome, for a synced step. */
  readonly sync?: SyncResult;
  readonly polls: number;
  readonly seconds: number;
}

/** The Services select one colour each, all of its pods ready: what a step converges to. */
async function servicesSettled(kube: Kube, namespace: string, services: readonly string[]): Promise<string[]> {
  const [samples, live, deployments] = await Promise.all([
    sampleServices(kube, namespace, services),
    getItems(kube, ['services', '-n', namespace]),
    getItems(kube, ['deployments', '-n', namespace]),
  ]);
  return services.flatMap((name) => {
    const color = String(live.find((s) => s.metadata.name === name)?.spec?.selector?.['eaf.io/color']);
    const size = deployments.find((d) => d.metadata.name === `${name}-${color}`)?.spec?.replicas;
    const sample = samples.get(name);
    const ok = sample !== undefined && sample.colors.join() === color && sample.ready === size;
    return ok ? [] : [`${name} (${sample?.ready} ready of ${size}, colours ${sample?.colors.join('+')}, selects ${color})`];
  });
}

/** Applies (or syncs) an environment's output while polling its active Services until everything settled. */
async function applyWatched(r: Rehearsal, dir: string, step: Step, label: string): Promise<StepResult> {
  const objects = rendered(dir);
  const namespace = workloadNamespace(objects) ?? 'default';
  const services = activeServices(objects);
  const start = Date.now();
  const before = await sampleServices(r.kube, namespace, services);
  const lowest = new Map([...before].map(([name, s]) => [name, s.ready]));
  const seen = new Map([...before].map(([name, s]) => [name, new Set<string>(s.colors)]));
  let applied = false;
  const applying = (step.sync ? argoSync(r.kube, objects, label, r.work, { ...step.sync, log: r.log }) : apply(r, dir, step.mode)).finally(
    () => (applied = true),
  );
  applying.catch(() => undefined); // awaited below; the poll must not die of an unhandled rejection meanwhile
  let polls = 0;
  let settledPolls = 0;
  // A synced step waits wave by wave (each up to 240 s, ./argo-sync.ts): a longer bound.
  const limit = step.sync ? 900 : 300;
  // After everything settled, two more polls: a dip right at the end is still seen.
  while (settledPolls < 3) {
    const sample = await sampleServices(r.kube, namespace, services);
    polls++;
    for (const [name, s] of sample) {
      lowest.set(name, Math.min(lowest.get(name) ?? Infinity, s.ready));
      for (const color of s.colors) seen.get(name)?.add(color);
    }
    const pending = applied ? [...(await deploymentsSettled(r.kube, namespace)), ...(await servicesSettled(r.kube, namespace, services))] : ['apply'];
    settledPolls = pending.length === 0 ? settledPolls + 1 : 0;
    if (Date.now() - start > limit * 1000) throw new Error(`${label}: not settled ${limit} s after the apply: ${pending.join(', ')}`);
  }
  const outcome = await applying;
  const after = await sampleServices(r.kube, namespace, services);
  return { lowest, before, after, seen, sync: outcome || undefined, polls, seconds: (Date.now() - start) / 1000 };
}

/** A release step: the CLI command, the apply, the assertion on the ready endpoints (and the gate). Returns the shortfalls. */
export async function play(r: Rehearsal, product: RehearsedProduct, step: Step): Promise<string[]> {
  const label = `${product.label}${step.env}: eaf-cdk8s ${step.args.join(' ')}`;
  r.log(label);
  r.cli(product.dir, step.args);
  const dir = path.join(product.outdir, step.env);
  const result = await applyWatched(r, dir, step, label);
  const shortfalls: string[] = step.gate ? await judgeGate(r, dir, label, result, step.gate) : [];
  const seen = [...result.lowest].map(([name, low]) => {
    const before = result.before.get(name)!;
    const min = step.minimum(before.ready);
    if (low < min) shortfalls.push(`${label}: Service ${name} had ${low} ready endpoints, fewer than its minimum ${min}`);
    return `${name} ${before.colors.join('+')} -> ${result.after.get(name)!.colors.join('+')}, lowest ${low} ready (minimum ${min})`;
  });
  const sync = result.sync;
  const how = sync
    ? `Argo CD sync ${sync.failedHook ? `stopped at the failed hook ${sync.failedHook}` : `of ${sync.applied.join(' ')}`}`
    : `${step.mode} apply`;
  r.report.push(`${label} (${how}, settled in ${result.seconds.toFixed(1)}s, ${result.polls} polls): ${seen.join('; ')}`);
  return shortfalls;
}

/** The gate's verdict on a step: its Sync hooks awaited to their end (the bypass does not wait), then judged. */
async function judgeGate(r: Rehearsal, dir: string, label: string, result: StepResult, expect: GateExpectation): Promise<string[]> {
  const namespace = workloadNamespace(rendered(dir)) ?? 'default';
  const hooks = result.sync?.hooks ?? [];
  const states = new Map<string, string>();
  await waitFor(`${label}: gate hooks finished`, 300, async () => {
    for (const hook of hooks) states.set(hook, jobState((await getItems(r.kube, ['job', hook, '-n', namespace]))[0]));
    return hooks.filter((h) => states.get(h) === 'Running');
  });
  const failed = hooks.filter((h) => states.get(h) === 'Failed');
  const colors = new Map(
    [...result.before].map(([name, b]) => [
      name,
      { before: b.colors, seen: [...(result.seen.get(name) ?? [])], after: result.after.get(name)!.colors },
    ]),
  );
  r.report.push(`${label}: gate hooks ${hooks.map((h) => `${h} ${states.get(h)}`).join(', ') || 'none'}`);
  return gateVerdict(label, failed, colors, expect);
}

/** Plays the steps in order, each followed by live equals desired (but after a failed gate: Argo CD shows that OutOfSync by design). */
export async function playAll(r: Rehearsal, product: RehearsedProduct, steps: readonly Step[]): Promise<void> {
  for (const step of steps) {
    r.failures.push(...(await play(r, product, step)));
    if (step.gate?.gate !== 'fail') {
      await liveEqualsDesired(
        r,
        path.join(product.outdir, step.env),
        `${product.label}${step.env} after ${step.args.join(' ')}${step.sync ? ' (synced)' : ''}`,
      );
    }
  }
}
