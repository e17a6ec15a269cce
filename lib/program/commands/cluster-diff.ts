import { spawnSync } from 'child_process';
import * as path from 'path';
import { describeValue } from '../../core/errors';
import { CliIo, CommandValues, UsageError } from './command';
import { environmentFolders } from './outputs';

/**
 * `eaf-cdk8s diff --cluster <context>`: what applying one environment's folder would change in a live cluster, from
 * the API server's own dry run. kubectl does the work (`kubectl diff --server-side`): it sends each object as a
 * server-side apply dry run, so admission, defaulting and field ownership are the cluster's, and diffs the live
 * objects against the results. Writing that again would mean a Kubernetes client, its auth plugins and kubeconfig
 * handling; kubectl is what a platform engineer already has configured for the context.
 */

/** The field manager the cluster tier applies with (scripts/cluster.sh), so the dry run merges as a real apply would. */
const FIELD_MANAGER = 'eaf-cdk8s';

/** kubectl's exit codes for `diff`: 0 no differences, 1 differences found, anything else kubectl or diff failed. */
const KUBECTL_DIFF_FOUND = 1;

/** Runs the live diff of the one environment `values` names (or the only one) of `outdir`; returns the exit code. */
export function clusterDiff(values: CommandValues, io: CliIo, outdir: string): number {
  const context = values.cluster as string;
  if (context === '' || context.startsWith('-')) {
    throw new UsageError(`--cluster takes a kubeconfig context, as kubectl config get-contexts lists them (got ${describeValue(context)})`);
  }
  if (values.base !== undefined) throw new UsageError('give --base (a git ref) or --cluster (a live cluster), not both');
  const folders = environmentFolders(outdir);
  const names = folders.map((f) => path.basename(f));
  if (folders.length === 0) {
    io.log(`error: ${outdir} holds no environment's manifests; run eaf-cdk8s synth first`);
    return 1;
  }
  const wanted = values.environment as string | undefined;
  if (wanted === undefined && folders.length > 1) {
    throw new UsageError(`--cluster diffs one environment: add --environment <name>, one of: ${names.join(', ')}`);
  }
  const folder = wanted === undefined ? folders[0] : folders.find((f) => path.basename(f) === wanted);
  if (folder === undefined) {
    io.log(`error: --environment ${wanted}: ${outdir} has no such environment; use one of: ${names.join(', ')}`);
    return 1;
  }
  return runKubectlDiff(folder, context, io);
}

/** `kubectl diff --server-side` of one folder against one context: its diff on stdout, a summary line, exit 0 or 1. */
function runKubectlDiff(folder: string, context: string, io: CliIo): number {
  const kubectl = io.env.EAF_KUBECTL ?? 'kubectl';
  const args = ['diff', '--server-side', '--force-conflicts', `--field-manager=${FIELD_MANAGER}`, '--context', context, '-f', folder];
  const where = `${path.relative(io.cwd, folder) || folder} against context ${context}`;
  io.log(`diff: ${where} (${kubectl} ${args.join(' ')})`);
  const run = spawnSync(kubectl, args, { cwd: io.cwd, env: { ...io.env }, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  if (run.error !== undefined) {
    const code = (run.error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'EACCES') throw run.error;
    io.log(`error: cannot run ${kubectl} (${code}); install kubectl, or set EAF_KUBECTL to its path`);
    return 1;
  }
  if (run.status === 0) {
    io.log(`diff: ${where}: no differences; applying it would change nothing`);
    return 0;
  }
  if (run.status === KUBECTL_DIFF_FOUND) {
    (io.out ?? io.log)(run.stdout);
    const objects = run.stdout.split('\n').filter((line) => line.startsWith('diff ')).length;
    io.log(`diff: ${where}: ${objects} objects would change (above)`);
    return 0;
  }
  for (const line of run.stderr
    .trimEnd()
    .split('\n')
    .filter((l) => l !== ''))
    io.log(`kubectl: ${line}`);
  const missingNamespace = /namespaces? "([^"]+)" not found/.exec(run.stderr);
  if (missingNamespace !== null) {
    io.log(
      `error: namespace ${missingNamespace[1]} does not exist in the cluster yet, and a dry run cannot create it; ` +
        'everything of the environment would be new: apply its Namespace first (kubectl apply -f on it) to preview the rest',
    );
  } else {
    io.log(`error: kubectl diff failed (${run.signal === null ? `exit ${run.status}` : `signal ${run.signal}`}); see its lines above`);
  }
  return 1;
}
