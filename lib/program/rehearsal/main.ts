// `eaf-cdk8s verify <folder> --rehearse`: the rehearsal of any product, run by scripts/rehearse.sh (`verify`) once per
// control plane it starts. Each environment of the output folder on the server of its target minor (or the nearest one
// whose controllers are built, ./servers.ts): applied and compared with what the server holds under client- and
// server-side apply; then, for a blue-green environment with Deployments, its release played on a copy of the product
// folder with the CLI's own commands while the active Services are polled:
// - with switch gates (Argo CD delivery: `Sync` hook Jobs), the one-commit switch and the rollback, each synced the way
//   Argo CD syncs them (./argo-sync.ts): the gates pass, the traffic moves, no Service dips below its ready endpoints;
// - without, the two-step switch as `oc apply` plays it (`--step scale`, `--step route`), there and back: no dip.
// An environment of Argo Rollouts is applied and compared only: its release is the Rollouts controller's.
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { runCli } from '../cli';
import { PACKAGE_CRD_DIRECTORY, PACKAGE_ROOT } from '../package-paths';
import { readTargetRecord } from '../target-record';
import { argoCdOnly, blueGreenDeployments, rendered, switchGates, usesRollouts } from './manifests';
import { applyEnvironment, noDip, playAll, Rehearsal, RehearsedProduct, seconds, Step } from './session';
import { serverFor, ServerChoice } from './servers';

/** Where a run is: the server its control plane runs, the matrix, and the servers whose controllers are built. */
export interface Placement {
  readonly server: string;
  readonly matrix: readonly string[];
  readonly controllers: readonly string[];
}

/** The server an environment of `outdir` is rehearsed on, from its target record (`<env>.target.json`), and why. */
export function placementOf(outdir: string, env: string, p: Placement): ServerChoice & { readonly target?: string } {
  const target = readTargetRecord(path.join(outdir, env))?.target.kubernetes;
  return { ...serverFor(target, p.matrix, p.controllers), target };
}

/** The release steps of one environment, from what its output holds; none when the CLI does not release it. */
export function releaseSteps(env: string, objects: ReturnType<typeof rendered>): { steps: Step[]; why: string } {
  if (usesRollouts(objects)) return { steps: [], why: "Argo Rollouts: its release is the Rollouts controller's, not played here" };
  if (!blueGreenDeployments(objects)) return { steps: [], why: 'no blue-green component: no switch to play' };
  if (switchGates(objects).length > 0) {
    const synced = { sync: {}, gate: { gate: 'pass', traffic: 'moved' } } as const;
    return {
      steps: [
        { env, args: ['switch', env], mode: 'client-side', minimum: noDip, ...synced },
        { env, args: ['rollback', env], mode: 'client-side', minimum: noDip, ...synced },
      ],
      why: 'switch gates: the one-commit switch and the rollback, synced as Argo CD syncs them',
    };
  }
  // There and back, each in two steps: under `oc apply` a one-step rollback moves the Services to a colour still at
  // idleReplicas (none at 0), so the way back is a switch too (docs/explanation/delivery.md).
  const twoSteps = (['scale', 'route'] as const).map((step): Step => ({
    env,
    args: ['switch', env, '--step', step],
    mode: 'client-side',
    minimum: noDip,
  }));
  return {
    steps: [...twoSteps, ...twoSteps],
    why: 'no switch gate: the two-step switch and back, applied as oc apply applies them',
  };
}

/**
 * Every environment of `envs` applied (client-side first, half of them; server-side first, the others) and compared
 * both ways, then its release steps played ({@link releaseSteps}).
 */
export async function rehearseEnvironments(r: Rehearsal, product: RehearsedProduct, envs: readonly string[]): Promise<void> {
  for (const [i, env] of envs.entries()) {
    await applyEnvironment(r, product, env, i % 2 === 0 ? 'client-side' : 'server-side');
    const { steps, why } = releaseSteps(env, rendered(path.join(product.outdir, env)));
    r.report.push(`${product.label}${env}: ${why}`);
    await playAll(r, product, steps);
  }
}

/** A copy of the product folder (its output too; not node_modules, nor dot-entries), where the release commands run; made once per run. */
function productCopy(product: string, outdir: string, copy: string): RehearsedProduct {
  const relative = path.relative(product, outdir);
  if (!fs.existsSync(copy) || fs.readdirSync(copy).length === 0) {
    // Not node_modules (linked below) nor dot-entries (.git, caches, a synth's scratch folders).
    const wanted = (f: string): boolean => f === product || !(path.basename(f) === 'node_modules' || path.basename(f).startsWith('.'));
    fs.cpSync(product, copy, { recursive: true, filter: wanted });
    // The product's packages where Node looks for them from the copy: the nearest node_modules above the product.
    for (let dir = product; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
      if (fs.existsSync(path.join(dir, 'node_modules'))) {
        fs.symlinkSync(path.join(dir, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
        break;
      }
    }
  }
  return { dir: copy, outdir: path.join(copy, relative), label: '' };
}

/**
 * The CLI's own commands, in this process, with this package's CRDs and version; their progress lines to `log`
 * (`shown` rewrites each first). `env` is the commands' environment (`CDK8S_OUTDIR` names the output folder).
 */
export function inProcessCli(
  log: (line: string) => void,
  env: Readonly<Record<string, string | undefined>>,
  shown: (line: string, product: string) => string = (line) => line,
): Rehearsal['cli'] {
  const version = (JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  return (product, args) => {
    const lines: string[] = [];
    const io = { log: (l: string) => lines.push(l), out: () => undefined, cwd: product, env, crdDirectory: PACKAGE_CRD_DIRECTORY, version };
    const code = runCli([...args, '--dir', product], io);
    for (const line of lines.filter((l) => !l.startsWith('wrote '))) log(`  ${shown(line, product)}`);
    if (code !== 0) throw new Error(`eaf-cdk8s ${args.join(' ')} exited ${code}`);
  };
}

/** The items that meet `test`, and the others. */
function partition<T>(items: readonly T[], test: (item: T) => boolean): [T[], T[]] {
  return [items.filter(test), items.filter((i) => !test(i))];
}

const OPTIONS = {
  plan: { type: 'boolean' },
  product: { type: 'string' },
  outdir: { type: 'string' },
  envs: { type: 'string' },
  copy: { type: 'string' },
  server: { type: 'string' },
  matrix: { type: 'string' },
  controllers: { type: 'string' },
  kubeconfig: { type: 'string' },
  kubectl: { type: 'string' },
  work: { type: 'string' },
} as const;

async function main(argv: readonly string[]): Promise<number> {
  const { values: v } = parseArgs({ args: [...argv], options: OPTIONS, strict: true });
  const log = (line: string): void => void process.stderr.write(`[rehearsal] ${line}\n`);
  if (!v.product || !v.outdir || !v.envs || !v.server || !v.matrix || !v.controllers) throw new Error(`usage: ${USAGE}`);
  const placement: Placement = { server: v.server, matrix: v.matrix.split(' '), controllers: v.controllers.split(' ') };
  // Argo CD's folder holds no environment: its Applications need Argo CD, and the cluster tier checks them.
  const [apps, envs] = partition(v.envs.split(' '), (env) => argoCdOnly(rendered(path.join(v.outdir!, env))));
  for (const folder of apps) log(`${folder}: Argo CD's Applications and projects, no environment: not rehearsed (verify --cluster applies them)`);
  const choices = new Map(envs.map((env) => [env, placementOf(v.outdir!, env, placement)]));
  const because = (c: ServerChoice): string => (c.reason ? ` (${c.reason})` : '');
  if (v.plan) {
    for (const [env, c] of choices) log(`${env}: targets Kubernetes ${c.target ?? '(no record)'}; rehearsed on ${c.server}${because(c)}`);
    const servers = [...new Set([...choices.values()].map((c) => c.server))];
    process.stdout.write(`${servers.sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1])).join('\n')}\n`);
    return 0;
  }
  if (!v.kubeconfig || !v.kubectl || !v.work || !v.copy) throw new Error(`usage: ${USAGE}`);
  const start = Date.now();
  const product = productCopy(v.product, v.outdir, v.copy);
  const r: Rehearsal = {
    kube: { kubeconfig: v.kubeconfig, kubectl: v.kubectl },
    work: v.work,
    log,
    report: [],
    failures: [],
    cli: inProcessCli(log, { ...process.env, CDK8S_OUTDIR: product.outdir }),
  };
  const here = envs.filter((env) => choices.get(env)!.server === placement.server);
  for (const env of here) {
    const c = choices.get(env)!;
    r.report.push(`${env}: targets Kubernetes ${c.target ?? '(no record)'}, runs on kube-apiserver ${c.server}${because(c)}`);
  }
  await rehearseEnvironments(r, product, here);
  for (const line of r.report) log(line);
  for (const line of r.failures) log(`FAIL ${line}`);
  log(`${r.failures.length === 0 ? 'PASSED' : `FAILED (${r.failures.length})`}: ${here.join(', ')} on ${placement.server} in ${seconds(start)}`);
  return r.failures.length === 0 ? 0 : 1;
}

const USAGE =
  'main.js --product <folder> --outdir <folder> --envs "<env> ..." --server <minor> --matrix "<minor> ..." --controllers "<minor> ..." ' +
  '(--plan | --copy <folder> --kubeconfig <file> --kubectl <binary> --work <folder>)';

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    // A control plane that does not converge, kubectl failing, a release command refusing: the rehearsal failed.
    (e: unknown) => {
      process.stderr.write(`[rehearsal] FAILED: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
