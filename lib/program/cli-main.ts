import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PrecompiledValidators, registerPrecompiledValidators } from '../gate/precompiled';
import { CliIo, runCli } from './cli';
import { reportInternalError } from './internal-error';
import { terminalText } from './terminal-text';
import { PACKAGE_CRD_DIRECTORY, PACKAGE_ROOT } from './package-paths';
import { formatAlertsResult, verifyAlerts } from './verify-alerts';
import { formatLintResult, verifyLint } from './verify-lint';
import { formatNetpolResult, verifyNetworkPolicies } from './verify-netpol';

/**
 * The `eaf-cdk8s` process: wires {@link runCli} to the real process, file system and tier scripts (shipped with
 * the package under `scripts/`). The pinned tools are cached in `$EAF_TOOLS_DIR`, else `<package>/.tools`.
 */
export function main(argv: readonly string[]): number {
  registerPrecompiledValidators(shippedValidators);
  const version = (JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const io: CliIo = {
    log: (line) => process.stderr.write(`${terminalText(line)}\n`),
    progress: (line) => process.stderr.write(`${terminalText(line)}\n`),
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    cwd: process.cwd(),
    env: process.env,
    crdDirectory: PACKAGE_CRD_DIRECTORY,
    version,
    runTier: (tier, dirs, options) => {
      const quiet = options?.quiet === true;
      if (tier === 'netpol') return netpolTier(dirs, quiet);
      if (tier === 'alerts') return alertsTier(dirs, quiet);
      if (tier === 'lint') return lintTier(dirs, quiet);
      if (tier === 'rehearse') return rehearseTier(dirs, quiet);
      return script('cluster.sh', ['test', ...dirs], quiet);
    },
  };
  try {
    return runCli(argv, io);
  } catch (e) {
    // runCli reports every error it models (usage 2, input 1); what reaches here is a bug of the library.
    return reportInternalError(e, io.log);
  }
}

/**
 * The validators the package ships (`generated/validators.js`, `npm run validators`): the ajv standalone code of the
 * schemas DVMM's synth compiles, most of them the gate's pieces of the Kubernetes and CRD schemas that every product's
 * Deployments, Services and custom resources use. Looked up by the schema's content (lib/gate/precompiled.ts), so a
 * schema they do not hold, such as another product's environment schema, is compiled as before: faster, never
 * different. Loaded on the first schema compiled, so commands that validate nothing do not load its 2 MB.
 */
function shippedValidators(): PrecompiledValidators {
  return (require(path.join(PACKAGE_ROOT, 'generated', 'validators.js')) as { validators: PrecompiledValidators }).validators;
}

/** The tools' cache: `$EAF_TOOLS_DIR`, else `<package>/.tools` (scripts/tools.sh builds them there). */
function toolsDir(): string {
  return process.env.EAF_TOOLS_DIR ?? path.join(PACKAGE_ROOT, '.tools');
}

/**
 * Runs one of the package's scripts (`scripts/<name>`) with its output on stderr, so stdout holds only the command's
 * result (`verify --json`); with `quiet`, its output is kept and printed only when it fails. Returns its exit code.
 */
function script(name: string, args: string[], quiet: boolean): number {
  const command = ['bash', [path.join(PACKAGE_ROOT, 'scripts', name), ...args]] as const;
  // EAF_NODE: the Node of this command, for what a script runs with node (the rehearsal's driver).
  const env = { ...process.env, EAF_NODE: process.execPath };
  if (!quiet) return spawnSync(...command, { stdio: ['inherit', 2, 2], env }).status ?? 1;
  const run = spawnSync(...command, { stdio: ['ignore', 'pipe', 'pipe'], env, maxBuffer: 256 * 1024 * 1024 });
  if (run.status !== 0) process.stderr.write(Buffer.concat([run.stdout ?? Buffer.alloc(0), run.stderr ?? Buffer.alloc(0)]));
  return run.status ?? 1;
}

/** Where the output folders are, as every tier takes them: the output folder and its environments' names. */
interface TierTarget {
  readonly outdir: string;
  readonly environments: string[];
  /** A scratch folder, removed after the tier. */
  readonly work: string;
}

/**
 * Runs one real-tool tier: builds its pinned tool (scripts/tools.sh), runs `verify` on the folders in a scratch folder,
 * prints each environment's lines and returns 0 when every environment passed.
 */
function toolTier<R extends { readonly ok: boolean }>(
  tool: string,
  dirs: string[],
  verify: (target: TierTarget) => R[],
  format: (result: R) => string[],
  quiet: boolean,
): number {
  if (script('tools.sh', [tool], quiet) !== 0) return 1;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `eaf-${tool}-`));
  try {
    const results = verify({ outdir: path.dirname(dirs[0]), environments: dirs.map((d) => path.basename(d)), work });
    for (const r of results.filter((result) => !quiet || !result.ok)) for (const line of format(r)) process.stderr.write(`${terminalText(line)}\n`);
    return results.every((r) => r.ok) ? 0 : 1;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The rehearsal tier (scripts/rehearse.sh `verify`, which starts a control plane per server needed and runs
 * ./rehearsal/main.ts on it): the environments of one output folder, released on a copy of the product folder, the
 * output folder's parent.
 */
function rehearseTier(dirs: string[], quiet: boolean): number {
  const outdir = path.dirname(dirs[0]);
  return script('rehearse.sh', ['verify', path.dirname(outdir), outdir, ...dirs.map((d) => path.basename(d))], quiet);
}

/** The network-policy tier: the analyser's matrix of each environment against the flow record beside it. */
function netpolTier(dirs: string[], quiet: boolean): number {
  const netpolicy = path.join(toolsDir(), 'bin', 'netpolicy');
  return toolTier('netpol-analyzer', dirs, (t) => verifyNetworkPolicies({ ...t, netpolicy }), formatNetpolResult, quiet);
}

/** The kube-score tier: each environment scored as kube-score is shown it (kube-score-view.ts), no exceptions file. */
function lintTier(dirs: string[], quiet: boolean): number {
  const kubeScore = path.join(toolsDir(), 'bin', 'kube-score');
  return toolTier('kube-score', dirs, (t) => verifyLint({ ...t, kubeScore }), formatLintResult, quiet);
}

/** The alert tier: promtool checks each environment's rules, runs the alert tests synth wrote beside it, parses the dashboards' queries. */
function alertsTier(dirs: string[], quiet: boolean): number {
  const promtool = path.join(toolsDir(), 'bin', 'promtool');
  return toolTier('promtool', dirs, (t) => verifyAlerts({ ...t, promtool }), formatAlertsResult, quiet);
}
