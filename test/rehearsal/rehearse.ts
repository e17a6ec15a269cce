// The rehearsal (npm run test:rehearsal; scripts/rehearse.sh starts the control plane and runs this): DVMM's staging and
// production applied to a cluster whose controllers run (pods scheduled to kwok's fake nodes, Ready after a delay),
// then released the way the CLI releases them, on a copy of the product folder. It asserts what users care about:
// - live equals desired: every object read back equals what was rendered (lib/program/rehearsal/live-equals-desired.ts),
//   under client-side apply (`kubectl apply`, what `oc apply` does) and server-side apply;
// - during a switch the active Services' EndpointSlices never hold fewer ready endpoints than before the step
//   (polled while `kubectl apply` runs and until every Deployment has settled and the Services select one colour);
// - the self-test: a switch that moves the Services before the target colour is scaled (`switch --step route` from a
//   smaller idle colour, the one-apply switch only Argo CD's sync waves make safe) must fail that assertion;
// - the examples (node-web, api-only): what `eaf-cdk8s verify --rehearse` plays for any product
//   (lib/program/rehearsal/main.ts): every environment applied, live equals desired both ways, a blue-green one
//   released as its delivery releases it, without a dip.
// What a step does (apply, poll, judge) is the library's (lib/program/rehearsal/session.ts); this file holds DVMM's
// own flows and the self-tests.
import * as fs from 'fs';
import { SyncOptions } from '../../lib/program/rehearsal/argo-sync';
import { placementOf, Placement, rehearseEnvironments } from '../../lib/program/rehearsal/main';
import { Mode, noDip, play, playAll, Rehearsal, RehearsedProduct, seconds, Step, applyEnvironment } from '../../lib/program/rehearsal/session';
import { log, productCopy, rehearsal, rehearsed } from './product';

let placement: Placement | undefined;

/** ` (why)` after a server that is not the target's own; nothing for the target's own. */
const because = (reason: string): string => (reason ? ` (${reason})` : '');

/** Whether an environment is rehearsed on this run's control plane. */
const runsHere = (product: RehearsedProduct, env: string): boolean => placementOf(product.outdir, env, placement!).server === placement!.server;

/** The environments of a product copy (its dist/ folders, but Argo CD's). */
const environmentsOf = (product: RehearsedProduct): string[] =>
  fs.readdirSync(product.outdir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() && e.name !== 'argocd' ? [e.name] : []));

/** DVMM and the examples, synthesised once into `products` (the plan), then reused by each control plane's run. */
const PRODUCTS = ['dvmm', 'node-web', 'api-only'];

/** `--plan`: every environment's server (and why) on stderr, the servers to start on stdout, one a line. */
function plan(products: string): void {
  const servers = new Set<string>();
  for (const name of PRODUCTS) {
    const product = rehearsed(productCopy(products, name, true));
    for (const env of environmentsOf(product)) {
      const c = placementOf(product.outdir, env, placement!);
      servers.add(c.server);
      log(`${product.label}${env}: targets Kubernetes ${c.target ?? '(no record)'}; rehearsed on ${c.server}${because(c.reason)}`);
    }
  }
  process.stdout.write([...servers].sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1])).join('\n') + '\n');
}

/** An environment of DVMM applied `mode` first, with the line saying which server it runs on and why. */
async function environment(r: Rehearsal, product: RehearsedProduct, env: string, mode: Mode): Promise<void> {
  const c = placementOf(product.outdir, env, placement!);
  r.report.push(`${product.label}${env}: targets Kubernetes ${c.target ?? '(no record)'}, runs on kube-apiserver ${c.server}${because(c.reason)}`);
  await applyEnvironment(r, product, env, mode);
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
  const r = rehearsal({ kubeconfig, kubectl: kubectlBin }, work);
  const start = Date.now();
  const product = rehearsed(productCopy(products, 'dvmm', true));
  r.report.push(`product copy ready in ${seconds(start)}`);
  if (runsHere(product, 'staging')) await environment(r, product, 'staging', 'client-side');
  if (runsHere(product, 'production')) await environment(r, product, 'production', 'server-side');
  await releaseFlow(r, product);
  if (runsHere(product, 'staging')) await selfTest(r, product);
  await gateFlow(r, product);
  await examples(r, products);
  for (const line of r.report) log(line);
  for (const line of r.failures) log(`FAIL ${line}`);
  log(`${r.failures.length === 0 ? 'PASSED' : `FAILED (${r.failures.length})`} on ${server} in ${seconds(start)}`);
  process.exitCode = r.failures.length === 0 ? 0 : 1;
}

/** The release flow the CLI offers, on staging (two-step switch) and production (idle colour at full size). */
async function releaseFlow(r: Rehearsal, product: RehearsedProduct): Promise<void> {
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
  await playAll(
    r,
    product,
    steps.filter((s) => runsHere(product, s.env)),
  );
}

/**
 * Every environment of every example on this control plane, rehearsed as `eaf-cdk8s verify --rehearse` rehearses any
 * product's. Their dist/ is not committed: the plan synthesised them, as product folders of their own.
 */
async function examples(r: Rehearsal, products: string): Promise<void> {
  for (const name of PRODUCTS.filter((p) => p !== 'dvmm')) {
    const product = rehearsed(productCopy(products, name, true));
    const envs = environmentsOf(product).filter((e) => runsHere(product, e));
    r.report.push(`${name}: ${envs.join(', ') || 'no environment'} on ${placement!.server}`);
    await rehearseEnvironments(r, product, envs);
  }
}

/** The assertion can fail: a switch that moves the Services in the same apply that scales the target colour. */
async function selfTest(r: Rehearsal, product: RehearsedProduct): Promise<void> {
  const step: Step = { env: 'staging', args: ['switch', 'staging', '--step', 'route'], mode: 'client-side', minimum: noDip };
  const shortfalls = await play(r, product, step);
  if (shortfalls.length === 0) r.failures.push('self-test: a switch that moves the Services before scaling the target colour was not caught');
  else r.report.push(`self-test: the bad switch was caught (${shortfalls.join('; ')})`);
}

/** The switch gate's hooks (`dvmm-smoke-test-<component>`) made to pass or to fail; the PostSync test always passes. */
const gated = (gate: 'pass' | 'fail', awaitHooks = true): Omit<SyncOptions, 'log'> => ({
  awaitHooks,
  failing: gate === 'fail' ? (job: string) => /^dvmm-smoke-test-.+/.test(job) : undefined,
});

/**
 * The smoke test gates the switch (docs/delivery.md, Smoke tests before the switch), each step synced as Argo CD
 * syncs it (lib/program/rehearsal/argo-sync.ts): a one-commit switch whose gate passes moves the traffic without a dip
 * (the waves grow the new colour first); one whose gate fails leaves every active Service on the old colour; the
 * rollback that follows (the file back to the live colour) changes no Service. The self-test: the same failing switch
 * applied without awaiting the hooks must be reported by the judge.
 */
async function gateFlow(r: Rehearsal, product: RehearsedProduct): Promise<void> {
  const route = (env: string): string[] => (env === 'staging' ? ['switch', env, '--step', 'route'] : ['switch', env]);
  for (const env of ['staging', 'production'].filter((e) => runsHere(product, e))) {
    await playAll(r, product, [
      { env, args: route(env), mode: 'client-side', minimum: noDip, sync: gated('pass'), gate: { gate: 'pass', traffic: 'moved' } },
      { env, args: route(env), mode: 'client-side', minimum: noDip, sync: gated('fail'), gate: { gate: 'fail', traffic: 'held' } },
      { env, args: ['rollback', env], mode: 'client-side', minimum: noDip, sync: gated('pass'), gate: { gate: 'pass', traffic: 'held' } },
    ]);
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
  const caught = await play(r, product, bypass);
  if (caught.length === 0) r.failures.push('self-test: a switch applied without awaiting its failing gate was not caught');
  else r.report.push(`self-test: the bypassed gate was caught (${caught.join('; ')})`);
}

main().catch((e: unknown) => {
  log(`FAILED: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
