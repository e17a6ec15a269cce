// The rehearsal (npm run test:rehearsal; scripts/rehearse.sh starts the control plane and runs this): DVMM's staging and
// production applied to a cluster whose controllers run (pods scheduled to kwok's fake nodes, Ready after a delay),
// then released the way the CLI releases them, on a copy of the product folder. It asserts what users care about:
// - live equals desired: every object read back equals what was rendered (./live-equals-desired.ts), under
//   client-side apply (`kubectl apply`, what `oc apply` does) and server-side apply;
// - during a switch the active Services' EndpointSlices never hold fewer ready endpoints than before the step
//   (polled while `kubectl apply` runs and until every Deployment has settled and the Services select one colour);
// - the self-test: a switch that moves the Services before the target colour is scaled (`switch --step route` from a
//   smaller idle colour, the one-apply switch only Argo CD's sync waves make safe) must fail that assertion;
// - the examples (node-web, api-only): every environment applied, live equals desired both ways, a blue-green one
//   switched in two steps without a dip.
import * as fs from 'fs';
import * as path from 'path';
import { argoSync, jobState, SyncOptions, SyncResult } from './argo-sync';
import { GateExpectation, gateVerdict } from './gate-judge';
import { readTargetRecord } from '../../lib/program/target-record';
import { deploymentsSettled, getItems, Kube, sampleServices, ServiceSample, waitFor } from './kube';
import {
  activeServices,
  apply,
  cli,
  failures,
  liveEqualsDesired,
  log,
  Mode,
  productCopy,
  rendered,
  report,
  seconds,
  workloadNamespace,
} from './product';
import { serverFor, ServerChoice } from './servers';

/** One release step: a CLI command, then its output applied while the active Services are polled. */
interface Step {
  readonly env: string;
  readonly args: readonly string[];
  readonly mode: Mode;
  /** The fewest ready endpoints an active Service may have, given how many it had before the step. */
  readonly minimum: (before: number) => number;
  /** Synced the way Argo CD syncs (./argo-sync.ts: phases, waves, hooks) rather than applied at once. */
  readonly sync?: SyncOptions;
  /** What the switch gate must do, judged by ./gate-judge.ts. @default - not judged */
  readonly gate?: GateExpectation;
}

interface StepResult {
  /** The fewest ready endpoints seen per Service, and the colours it selected before and after. */
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

/** The Services select one colour each, all of its pods ready: what the step converges to. */
async function servicesSettled(kube: Kube, namespace: string, services: readonly string[]): Promise<string[]> {
  const [samples, live, deployments] = await Promise.all([
    sampleServices(kube, namespace, services),
    getItems(kube, ['services', '-n', namespace]),
    getItems(kube, ['deployments', '-n', namespace]),
  ]);
  return services.flatMap((name) => {
    const color = live.find((s) => s.metadata.name === name)?.spec.selector['eaf.io/color'];
    const size = deployments.find((d) => d.metadata.name === `${name}-${color}`)?.spec.replicas;
    const sample = samples.get(name);
    const ok = sample !== undefined && sample.colors.join() === color && sample.ready === size;
    return ok ? [] : [`${name} (${sample?.ready} ready of ${size}, colours ${sample?.colors.join('+')}, selects ${color})`];
  });
}

/** Applies the product's output of an environment while polling its active Services until everything settled. */
async function applyWatched(kube: Kube, dir: string, mode: Mode, work: string, sync?: SyncOptions): Promise<StepResult> {
  const namespace = workloadNamespace(dir);
  const services = activeServices(dir);
  const start = Date.now();
  const before = await sampleServices(kube, namespace, services);
  const lowest = new Map([...before].map(([name, s]) => [name, s.ready]));
  const seen = new Map([...before].map(([name, s]) => [name, new Set(s.colors)]));
  let applied = false;
  const applying = (sync ? argoSync(kube, dir, work, sync) : apply(kube, dir, mode, work)).finally(() => (applied = true));
  applying.catch(() => undefined); // awaited below; the poll must not die of an unhandled rejection meanwhile
  let polls = 0;
  let settledPolls = 0;
  // After everything settled, two more polls: a dip right at the end is still seen.
  while (settledPolls < 3) {
    const sample = await sampleServices(kube, namespace, services);
    polls++;
    for (const [name, s] of sample) {
      lowest.set(name, Math.min(lowest.get(name) ?? Infinity, s.ready));
      for (const color of s.colors) seen.get(name)?.add(color);
    }
    const pending = applied ? [...(await deploymentsSettled(kube, namespace)), ...(await servicesSettled(kube, namespace, services))] : ['apply'];
    settledPolls = pending.length === 0 ? settledPolls + 1 : 0;
    // A synced step waits wave by wave (each up to 240 s, ./argo-sync.ts): a longer bound.
    const limit = sync ? 900 : 300;
    if (Date.now() - start > limit * 1000) throw new Error(`${dir}: not settled ${limit} s after the apply: ${pending.join(', ')}`);
  }
  const outcome = await applying;
  const after = await sampleServices(kube, namespace, services);
  return { lowest, before, after, seen, sync: outcome || undefined, polls, seconds: (Date.now() - start) / 1000 };
}

/** A release step: the CLI command, the apply, and the assertion on the ready endpoints. Returns the shortfalls. */
async function play(kube: Kube, product: string, step: Step, work: string): Promise<string[]> {
  const label = `${productLabel(product)}${step.env}: eaf-cdk8s ${step.args.join(' ')}`;
  log(label);
  cli(product, step.args);
  const dir = path.join(product, 'dist', step.env);
  const r = await applyWatched(kube, dir, step.mode, work, step.sync);
  const shortfalls: string[] = step.gate ? await judgeGate(kube, dir, label, r, step.gate) : [];
  const seen = [...r.lowest].map(([name, low]) => {
    const before = r.before.get(name)!;
    const min = step.minimum(before.ready);
    if (low < min) shortfalls.push(`${label}: Service ${name} had ${low} ready endpoints, fewer than its minimum ${min}`);
    return `${name} ${before.colors.join('+')} -> ${r.after.get(name)!.colors.join('+')}, lowest ${low} ready (minimum ${min})`;
  });
  const how = r.sync
    ? `Argo CD sync ${r.sync.failedHook ? `stopped at the failed hook ${r.sync.failedHook}` : `of ${r.sync.applied.join(' ')}`}`
    : `${step.mode} apply`;
  report.push(`${label} (${how}, settled in ${r.seconds.toFixed(1)}s, ${r.polls} polls): ${seen.join('; ')}`);
  return shortfalls;
}

/** The gate's verdict on a step: its Sync hooks awaited to their end (the bypass does not wait), then judged. */
async function judgeGate(kube: Kube, dir: string, label: string, r: StepResult, expect: GateExpectation): Promise<string[]> {
  const namespace = workloadNamespace(dir);
  const hooks = r.sync?.hooks ?? [];
  const states = new Map<string, string>();
  await waitFor(`${label}: gate hooks finished`, 300, async () => {
    for (const hook of hooks) states.set(hook, jobState((await getItems(kube, ['job', hook, '-n', namespace]))[0]));
    return hooks.filter((h) => states.get(h) === 'Running');
  });
  const failed = hooks.filter((h) => states.get(h) === 'Failed');
  const colors = new Map(
    [...r.before].map(([name, b]) => [name, { before: b.colors, seen: [...(r.seen.get(name) ?? [])], after: r.after.get(name)!.colors }]),
  );
  report.push(`${label}: gate hooks ${hooks.map((h) => `${h} ${states.get(h)}`).join(', ') || 'none'}`);
  return gateVerdict(label, failed, colors, expect);
}

/** No fewer ready endpoints than before the step. */
const noDip = (before: number): number => before;

/** The product's name in a report line: nothing for DVMM, `<example>/` for an example. */
const productLabel = (product: string): string => (path.basename(product) === 'dvmm' ? '' : `${path.basename(product)}/`);

async function environment(kube: Kube, product: string, env: string, mode: Mode, work: string): Promise<void> {
  const dir = path.join(product, 'dist', env);
  const label = `${productLabel(product)}${env}`;
  const namespace = workloadNamespace(dir);
  const c = choice(product, env);
  report.push(`${label}: targets Kubernetes ${c.target ?? '(no record)'}, runs on kube-apiserver ${c.server}${because(c.reason)}`);
  let t = Date.now();
  await apply(kube, dir, mode, work);
  // Without the Argo Rollouts controller a Rollout runs no pods: only Deployments are waited for.
  const ready = await waitFor(`${label}: Deployments ready`, 300, () => deploymentsSettled(kube, namespace));
  report.push(`${label}: applied (${mode}) and every Deployment ready in ${seconds(t)} (${ready.toFixed(1)}s waiting)`);
  await liveEqualsDesired(kube, dir, `${label} (${mode} apply)`);
  const other: Mode = mode === 'client-side' ? 'server-side' : 'client-side';
  t = Date.now();
  await apply(kube, dir, other, work);
  await liveEqualsDesired(kube, dir, `${label} (then ${other} apply, ${seconds(t)})`);
}

/** Where this run is: the server its control plane runs, the matrix, and the servers whose controllers are built. */
interface Placement {
  readonly server: string;
  readonly matrix: readonly string[];
  readonly controllers: readonly string[];
}
let placement: Placement | undefined;

/** The server an environment is rehearsed on, from its target record (`<env>.target.json`), and why. */
function choice(product: string, env: string): ServerChoice & { target?: string } {
  const p = placement!;
  const target = readTargetRecord(path.join(product, 'dist', env))?.target.kubernetes;
  return { ...serverFor(target, p.matrix, p.controllers), target };
}

/** ` (why)` after a server that is not the target's own; nothing for the target's own. */
const because = (reason: string): string => (reason ? ` (${reason})` : '');

/** Whether an environment is rehearsed on this run's control plane. */
const runsHere = (product: string, env: string): boolean => choice(product, env).server === placement!.server;

/** The environments of a product copy (its dist/ folders, but Argo CD's). */
const environmentsOf = (product: string): string[] =>
  fs.readdirSync(path.join(product, 'dist'), { withFileTypes: true }).flatMap((e) => (e.isDirectory() && e.name !== 'argocd' ? [e.name] : []));

/** DVMM and the examples, synthesised once into `products` (the plan), then reused by each control plane's run. */
const PRODUCTS = ['dvmm', 'node-web', 'api-only'];

/** `--plan`: every environment's server (and why) on stderr, the servers to start on stdout, one a line. */
function plan(products: string): void {
  const servers = new Set<string>();
  for (const name of PRODUCTS) {
    const product = productCopy(products, name, true);
    for (const env of environmentsOf(product)) {
      const c = choice(product, env);
      servers.add(c.server);
      log(`${productLabel(product)}${env}: targets Kubernetes ${c.target ?? '(no record)'}; rehearsed on ${c.server}${because(c.reason)}`);
    }
  }
  process.stdout.write([...servers].sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1])).join('\n') + '\n');
}

async function main(): Promise<void> {
  const args = new Map<string, string>();
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) args.set(argv[i], argv[i + 1]);
  const [kubeconfig, kubectlBin, work, products, server, matrix, controllers] = [
    '--kubeconfig',
    '--kubectl',
    '--work',
    '--products',
    '--server',
    '--matrix',
    '--controllers',
  ].map((a) => args.get(a));
  if (!products || !server || !matrix || !controllers)
    throw new Error(
      'usage: rehearse.ts --products <folder> --server <minor> --matrix "<minor> ..." --controllers "<minor> ..." ' +
        '(--plan | --kubeconfig <file> --kubectl <binary> --work <folder>)',
    );
  placement = { server, matrix: matrix.split(' '), controllers: controllers.split(' ') };
  if (args.has('--plan')) return plan(products);
  if (!kubeconfig || !kubectlBin || !work) throw new Error('usage: rehearse.ts ... --kubeconfig <file> --kubectl <binary> --work <folder>');
  const kube: Kube = { kubeconfig, kubectl: kubectlBin };
  const start = Date.now();
  const product = productCopy(products, 'dvmm', true);
  report.push(`product copy ready in ${seconds(start)}`);
  if (runsHere(product, 'staging')) await environment(kube, product, 'staging', 'client-side', work);
  if (runsHere(product, 'production')) await environment(kube, product, 'production', 'server-side', work);
  await releaseFlow(kube, product, work);
  if (runsHere(product, 'staging')) await selfTest(kube, product, work);
  await gateFlow(kube, product, work);
  await examples(kube, products, work);
  for (const line of report) log(line);
  for (const line of failures) log(`FAIL ${line}`);
  log(`${failures.length === 0 ? 'PASSED' : `FAILED (${failures.length})`} on ${server} in ${seconds(start)}`);
  process.exitCode = failures.length === 0 ? 0 : 1;
}

/** The release flow the CLI offers, on staging (two-step switch) and production (idle colour at full size). */
async function releaseFlow(kube: Kube, product: string, work: string): Promise<void> {
  const steps: Step[] = [
    // The two-step switch (docs/delivery.md, Switch without a dip), each step applied on its own as `oc apply` would.
    { env: 'staging', args: ['switch', 'staging', '--step', 'scale'], mode: 'client-side', minimum: noDip },
    { env: 'staging', args: ['switch', 'staging', '--step', 'route'], mode: 'client-side', minimum: noDip },
    // A rollback in the middle of a switch cancels it: the Services never move.
    { env: 'staging', args: ['switch', 'staging', '--step', 'scale'], mode: 'client-side', minimum: noDip },
    { env: 'staging', args: ['rollback', 'staging'], mode: 'client-side', minimum: noDip },
    // A rollback after a completed switch is one route step to a colour at idleReplicas: under oc apply a dip, as
    // docs/delivery.md says ("keep idleReplicas at full size where rollbacks must be instant"); never empty, though.
    { env: 'staging', args: ['rollback', 'staging'], mode: 'client-side', minimum: () => 1 },
    // Production keeps its idle colour at full size: switch and rollback are single steps without a dip.
    { env: 'production', args: ['switch', 'production'], mode: 'server-side', minimum: noDip },
    { env: 'production', args: ['rollback', 'production'], mode: 'server-side', minimum: noDip },
  ];
  for (const step of steps.filter((s) => runsHere(product, s.env))) {
    failures.push(...(await play(kube, product, step, work)));
    await liveEqualsDesired(kube, path.join(product, 'dist', step.env), `${step.env} after ${step.args.join(' ')}`);
  }
}

/**
 * Every environment of every example on this control plane applied (client-side first, half of them; server-side
 * first, the others), its Deployments ready, live equal to rendered under both applies; a blue-green environment
 * switched in two steps. Their dist/ is not committed: the plan synthesised them, as product folders of their own.
 */
async function examples(kube: Kube, products: string, work: string): Promise<void> {
  for (const name of PRODUCTS.filter((p) => p !== 'dvmm')) {
    const product = productCopy(products, name, true);
    const envs = environmentsOf(product).filter((e) => runsHere(product, e));
    report.push(`${name}: ${envs.join(', ') || 'no environment'} on ${placement!.server}`);
    for (const [i, env] of envs.entries()) await environment(kube, product, env, i % 2 === 0 ? 'client-side' : 'server-side', work);
    for (const env of envs.filter((e) => blueGreen(path.join(product, 'dist', e)))) {
      for (const step of ['scale', 'route']) {
        failures.push(...(await play(kube, product, { env, args: ['switch', env, '--step', step], mode: 'client-side', minimum: noDip }, work)));
        await liveEqualsDesired(kube, path.join(product, 'dist', env), `${name}/${env} after switch --step ${step}`);
      }
    }
  }
}

/** Whether an environment's output is blue-green with Deployments (its active Services select a colour). */
const blueGreen = (dir: string): boolean => activeServices(dir).length > 0 && rendered(dir).some((o) => o.kind === 'Deployment');

/** The assertion can fail: a switch that moves the Services in the same apply that scales the target colour. */
async function selfTest(kube: Kube, product: string, work: string): Promise<void> {
  const step: Step = { env: 'staging', args: ['switch', 'staging', '--step', 'route'], mode: 'client-side', minimum: noDip };
  const shortfalls = await play(kube, product, step, work);
  if (shortfalls.length === 0) failures.push('self-test: a switch that moves the Services before scaling the target colour was not caught');
  else report.push(`self-test: the bad switch was caught (${shortfalls.join('; ')})`);
}

/** The switch gate's hooks (`dvmm-smoke-test-<component>`) made to pass or to fail; the PostSync test always passes. */
const gated = (gate: 'pass' | 'fail', awaitHooks = true): SyncOptions => ({
  awaitHooks,
  failing: gate === 'fail' ? (job) => /^dvmm-smoke-test-.+/.test(job) : undefined,
});

/**
 * The smoke test gates the switch (docs/delivery.md, Smoke tests before the switch), each step synced as Argo CD
 * syncs it (./argo-sync.ts): a one-commit switch whose gate passes moves the traffic without a dip (the waves grow the
 * new colour first); one whose gate fails leaves every active Service on the old colour; the rollback that follows (the
 * file back to the live colour) changes no Service. The self-test: the same failing switch applied without awaiting
 * the hooks must be reported by the judge.
 */
async function gateFlow(kube: Kube, product: string, work: string): Promise<void> {
  const route = (env: string): string[] => (env === 'staging' ? ['switch', env, '--step', 'route'] : ['switch', env]);
  for (const env of ['staging', 'production'].filter((e) => runsHere(product, e))) {
    const steps: Step[] = [
      { env, args: route(env), mode: 'client-side', minimum: noDip, sync: gated('pass'), gate: { gate: 'pass', traffic: 'moved' } },
      { env, args: route(env), mode: 'client-side', minimum: noDip, sync: gated('fail'), gate: { gate: 'fail', traffic: 'held' } },
      { env, args: ['rollback', env], mode: 'client-side', minimum: noDip, sync: gated('pass'), gate: { gate: 'pass', traffic: 'held' } },
    ];
    for (const step of steps) {
      failures.push(...(await play(kube, product, step, work)));
      // After a failed sync live differs from rendered by design (Argo CD shows it OutOfSync): not compared.
      if (step.gate?.gate === 'pass')
        await liveEqualsDesired(kube, path.join(product, 'dist', env), `${env} after the synced ${step.args.join(' ')}`);
    }
  }
  const bypass: Step = {
    env: 'staging',
    args: route('staging'),
    mode: 'client-side',
    minimum: () => 0,
    sync: gated('fail', false),
    gate: { gate: 'fail', traffic: 'held' },
  };
  if (!runsHere(product, 'staging')) return;
  const caught = await play(kube, product, bypass, work);
  if (caught.length === 0) failures.push('self-test: a switch applied without awaiting its failing gate was not caught');
  else report.push(`self-test: the bypassed gate was caught (${caught.join('; ')})`);
}

main().catch((e: unknown) => {
  log(`FAILED: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
