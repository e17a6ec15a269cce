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

/** One release step: a CLI command, then its output applied while the active Services are polled. */
interface Step {
  readonly env: string;
  readonly args: readonly string[];
  readonly mode: Mode;
  /** The fewest ready endpoints an active Service may have, given how many it had before the step. */
  readonly minimum: (before: number) => number;
}

interface StepResult {
  /** The fewest ready endpoints seen per Service, and the colours it selected before and after. */
  readonly lowest: Map<string, number>;
  readonly before: Map<string, ServiceSample>;
  readonly after: Map<string, ServiceSample>;
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
async function applyWatched(kube: Kube, dir: string, mode: Mode, work: string): Promise<StepResult> {
  const namespace = workloadNamespace(dir);
  const services = activeServices(dir);
  const start = Date.now();
  const before = await sampleServices(kube, namespace, services);
  const lowest = new Map([...before].map(([name, s]) => [name, s.ready]));
  let applied = false;
  const applying = apply(kube, dir, mode, work).finally(() => (applied = true));
  applying.catch(() => undefined); // awaited below; the poll must not die of an unhandled rejection meanwhile
  let polls = 0;
  let settledPolls = 0;
  // After everything settled, two more polls: a dip right at the end is still seen.
  while (settledPolls < 3) {
    const sample = await sampleServices(kube, namespace, services);
    polls++;
    for (const [name, s] of sample) lowest.set(name, Math.min(lowest.get(name) ?? Infinity, s.ready));
    const pending = applied ? [...(await deploymentsSettled(kube, namespace)), ...(await servicesSettled(kube, namespace, services))] : ['apply'];
    settledPolls = pending.length === 0 ? settledPolls + 1 : 0;
    if (Date.now() - start > 300_000) throw new Error(`${dir}: not settled 300 s after the apply: ${pending.join(', ')}`);
  }
  await applying;
  const after = await sampleServices(kube, namespace, services);
  return { lowest, before, after, polls, seconds: (Date.now() - start) / 1000 };
}

/** A release step: the CLI command, the apply, and the assertion on the ready endpoints. Returns the shortfalls. */
async function play(kube: Kube, product: string, step: Step, work: string): Promise<string[]> {
  const label = `${productLabel(product)}${step.env}: eaf-cdk8s ${step.args.join(' ')}`;
  log(label);
  cli(product, step.args);
  const r = await applyWatched(kube, path.join(product, 'dist', step.env), step.mode, work);
  const shortfalls: string[] = [];
  const seen = [...r.lowest].map(([name, low]) => {
    const before = r.before.get(name)!;
    const min = step.minimum(before.ready);
    if (low < min) shortfalls.push(`${label}: Service ${name} had ${low} ready endpoints, fewer than its minimum ${min}`);
    return `${name} ${before.colors.join('+')} -> ${r.after.get(name)!.colors.join('+')}, lowest ${low} ready (minimum ${min})`;
  });
  report.push(`${label} (${step.mode} apply, settled in ${r.seconds.toFixed(1)}s, ${r.polls} polls): ${seen.join('; ')}`);
  return shortfalls;
}

/** No fewer ready endpoints than before the step. */
const noDip = (before: number): number => before;

/** The product's name in a report line: nothing for DVMM, `<example>/` for an example. */
const productLabel = (product: string): string => (path.basename(product) === 'dvmm' ? '' : `${path.basename(product)}/`);

async function environment(kube: Kube, product: string, env: string, mode: Mode, work: string): Promise<void> {
  const dir = path.join(product, 'dist', env);
  const label = `${productLabel(product)}${env}`;
  const namespace = workloadNamespace(dir);
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

async function main(): Promise<void> {
  const args = new Map<string, string>();
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) args.set(argv[i], argv[i + 1]);
  const [kubeconfig, kubectlBin, work] = ['--kubeconfig', '--kubectl', '--work'].map((a) => args.get(a));
  if (!kubeconfig || !kubectlBin || !work) throw new Error('usage: rehearse.ts --kubeconfig <file> --kubectl <binary> --work <folder>');
  const kube: Kube = { kubeconfig, kubectl: kubectlBin };
  const start = Date.now();
  const product = productCopy(work);
  report.push(`product copy synthesised in ${seconds(start)}`);
  await environment(kube, product, 'staging', 'client-side', work);
  await environment(kube, product, 'production', 'server-side', work);
  await releaseFlow(kube, product, work);
  await selfTest(kube, product, work);
  await examples(kube, work);
  for (const line of report) log(line);
  for (const line of failures) log(`FAIL ${line}`);
  log(`${failures.length === 0 ? 'PASSED' : `FAILED (${failures.length})`} in ${seconds(start)}`);
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
  for (const step of steps) {
    failures.push(...(await play(kube, product, step, work)));
    await liveEqualsDesired(kube, path.join(product, 'dist', step.env), `${step.env} after ${step.args.join(' ')}`);
  }
}

/** The examples beside DVMM (their dist/ is not committed: synthesised here, as a product folder of their own). */
const EXAMPLES = ['node-web', 'api-only'];

/**
 * Every environment of every example applied (client-side first, half of them; server-side first, the others), its
 * Deployments ready, live equal to rendered under both applies; a blue-green environment switched in two steps.
 */
async function examples(kube: Kube, work: string): Promise<void> {
  for (const name of EXAMPLES) {
    const t = Date.now();
    const product = productCopy(work, name);
    const envs = fs
      .readdirSync(path.join(product, 'dist'), { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() && e.name !== 'argocd' ? [e.name] : []));
    report.push(`${name}: product copy synthesised in ${seconds(t)}: ${envs.join(', ')}`);
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

main().catch((e: unknown) => {
  log(`FAILED: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
