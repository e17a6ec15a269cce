/**
 * `npm run bench`: the DVMM synth (every environment, the validation gate included) against peers that produce the
 * same objects, timed as whole processes in paired, interleaved rounds; then how synth scales with the number of
 * environments. See `--help` and the README's "Performance" section.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fileURLToPath } from 'url';
import { scaledEnvironmentFiles } from './environments';
import { compareObjects, Json, readEnvironments } from './manifests';
import { Command, hasGnuTime, runCommand, Sample, Step, StepFailed } from './measure';
import { EnvironmentObjects, Files, helmChart, kustomizeTree, mainNamespace } from './peers';
import { createSandbox, createWorktree, folderFingerprint, removeWorktree, scriptCommand, synthScript } from './sandbox';
import { bundleSources, CpuProfile, perExtraEnvironment, selfTimeBySource, sideOf } from './profile';
import { leastSquares, median, range, ratios, rotation } from './stats';
import { installedCli } from './installed';
import { anyBusy, Load, loadSummary, markedTime, ratioIfQuiet, settledLoad } from './load';
import { DELIVERY_FOLDER } from '../../lib/product/delivery-charts';
import { componentBench } from './component-series';

const REPO = path.resolve(__dirname, '..', '..');
const TOOLS_BIN = process.env.EAF_TOOLS_DIR !== undefined ? path.join(process.env.EAF_TOOLS_DIR, 'bin') : path.join(REPO, '.tools', 'bin');

const USAGE = `usage: npm run bench -- [options]

Times the DVMM synth (all environments, validation gate included) against helm and kustomize producing the same
objects: whole processes, N rounds in rotating order after one warm-up round, medians and paired ratios to helm.
Then the scaling series: synth of 1, 3, 10, 30, 100 copies of environments/dev.yaml.

  --runs N              timed rounds of the comparison (default 9)
  --scaling-runs N      timed rounds of the scaling series (default 5)
  --points a,b,...      environment counts of the scaling series (default 1,3,10,30,100)
  --no-scaling          skip the scaling series
  --scaling-only        only the scaling series
  --baseline <git-ref>  also time that ref's synth (a temporary git worktree) in the same rounds
  --gate-cost           also time one library synthesis with and without the validation gate (tsx)
  --profile             only where one more environment goes: CPU profiles of the synth of 1 and of the largest
                        --points count of environments (readable bundle, samples every 100 us), self time by
                        source per extra environment; --scaling-runs rounds, medians
  --settle S            before each load reading, wait up to S seconds for the 1-minute load average to fall to the
                        core count (the bench's own rounds keep a 2-core machine near it; default 0: no wait)
  --json <file>         write every sample and figure as JSON
  --keep                keep the temporary folder (sandboxes, generated chart and overlays, outputs)
  --help                this text

  --components 1,10,30,100    instead: the generated product of that many components (scripts/bench/components.ts)
                              over --component-environments 1,10,30 copies of its environment, --scaling-runs
                              rounds (default 3): the cost per extra component and environment, and whether it
                              stays linear (--json and --keep apply)`;

interface Options {
  runs: number;
  scalingRuns: number;
  points: number[];
  comparison: boolean;
  scaling: boolean;
  baseline?: string;
  gateCost: boolean;
  profile: boolean;
  json?: string;
  keep: boolean;
  /** Seconds to wait, at most, for the load to settle before each reading (`settledLoad`). */
  settle: number;
}

class UsageError extends Error {}

export function parseArguments(argv: readonly string[]): Options {
  const options: Options = {
    runs: 9,
    scalingRuns: 5,
    points: [1, 3, 10, 30, 100],
    comparison: true,
    scaling: true,
    gateCost: false,
    profile: false,
    keep: false,
    settle: 0,
  };
  const count = (flag: string, value: string | undefined, min: number): number => {
    const n = Number(value);
    if (value === undefined || !Number.isInteger(n) || n < min)
      throw new UsageError(`${flag} needs a whole number of at least ${min} (got ${value ?? 'nothing'})`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case '--runs':
        options.runs = count(arg, argv[++i], 1);
        break;
      case '--scaling-runs':
        options.scalingRuns = count(arg, argv[++i], 1);
        break;
      case '--points': {
        options.points = value()
          .split(',')
          .map((p) => count(arg, p, 1));
        if (new Set(options.points).size < 2) throw new UsageError('--points needs at least two different environment counts');
        break;
      }
      case '--no-scaling':
        options.scaling = false;
        break;
      case '--scaling-only':
        options.comparison = false;
        break;
      case '--baseline':
        options.baseline = value();
        break;
      case '--gate-cost':
        options.gateCost = true;
        break;
      case '--profile':
        options.profile = true;
        break;
      case '--json':
        options.json = path.resolve(value());
        break;
      case '--settle':
        options.settle = count(arg, argv[++i], 0);
        break;
      case '--keep':
        options.keep = true;
        break;
      case '--help':
      case '-h':
        throw new UsageError('');
      default:
        throw new UsageError(`unknown option ${arg}`);
    }
  }
  if (!options.comparison && !options.scaling) throw new UsageError('--scaling-only and --no-scaling leave nothing to time');
  if (options.profile) {
    options.comparison = false;
    options.scaling = false;
  }
  return options;
}

function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

/** The environment for every timed process: no npm variables of this run (they would point npm at this repository). */
function childEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) || key === 'INIT_CWD' || key === 'CDK8S_OUTDIR') continue;
    env[key] = value;
  }
  // npm run puts the repository's node_modules/.bin first; the sandboxes have their own.
  env.PATH = (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter((p) => p !== '' && !path.resolve(p).startsWith(`${REPO}${path.sep}`))
    .join(path.delimiter);
  env.NO_UPDATE_NOTIFIER = '1';
  env.npm_config_update_notifier = 'false';
  return env;
}

function writeFiles(root: string, files: Files): void {
  for (const [file, text] of files) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
}

/** Every problem of an output folder against the expected environments. */
function outputProblems(expected: Map<string, Json[]>, outdir: string): string[] {
  if (!fs.existsSync(outdir)) return [`${outdir}: was not written`];
  const actual = readEnvironments(outdir);
  const problems: string[] = [];
  for (const name of new Set([...expected.keys(), ...actual.keys()])) {
    if (!actual.has(name)) problems.push(`${name}: no such environment in the output`);
    else if (!expected.has(name)) problems.push(`${name}: an environment that dist/ does not have`);
    else problems.push(...compareObjects(expected.get(name)!, actual.get(name)!).map((p) => `${name}: ${p}`));
  }
  return problems;
}

function toolVersion(argv: string[], pattern: RegExp): string {
  const out = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
  return pattern.exec(`${out.stdout}\n${out.stderr}`)?.[1] ?? 'unknown';
}

/**
 * Runs `rounds` timed rounds (plus a warm-up round, which also runs every check) in rotating order; the load is read
 * before every timed round and after the last into `loads`.
 */
function runRounds(
  title: string,
  commands: readonly Command[],
  rounds: number,
  work: string,
  gnuTime: boolean,
  settle: number,
  loads: Load[] = [],
): Map<string, Sample[]> {
  const env = childEnvironment();
  const timeFile = path.join(work, 'time.txt');
  const samples = new Map<string, Sample[]>(commands.map((c) => [c.id, []]));
  for (let round = 0; round <= rounds; round++) {
    const order = rotation(commands, round);
    if (round > 0) loads.push(settledLoad(settle));
    const which = round === 0 ? 'warm-up round' : `round ${round}/${rounds}, ${loads[loads.length - 1].text}`;
    log(`${title}: ${which} (${order.map((c) => c.id).join(', ')})`);
    for (const command of order) {
      if (round === 0) command.beforeCheckedRun?.();
      const sample = runCommand(command, env, timeFile, gnuTime);
      if (round === 0) {
        const problems = command.check?.() ?? [];
        if (problems.length > 0) throw new OutputDiffers(command.label, problems);
      } else {
        samples.get(command.id)!.push(sample);
      }
    }
  }
  loads.push(settledLoad(settle));
  return samples;
}

class OutputDiffers extends Error {
  constructor(
    label: string,
    public readonly problems: string[],
  ) {
    super(`${label}: its output is not the objects of dist/:\n  ${problems.join('\n  ')}`);
    this.name = 'OutputDiffers';
  }
}

interface Figures {
  readonly id: string;
  readonly label: string;
  readonly commandLines: string[];
  readonly samples: Sample[];
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly medianPeakMiB: number;
  readonly toHelm?: { paired: number; ofMedians: number };
}

function figures(command: Command, samples: Sample[], helm?: Sample[]): Figures {
  const wall = samples.map((s) => s.wallMs);
  const { min, max } = range(wall);
  return {
    id: command.id,
    label: command.label,
    commandLines: command.steps.map((s) => s.argv.join(' ')),
    samples,
    medianMs: median(wall),
    minMs: min,
    maxMs: max,
    medianPeakMiB: median(samples.map((s) => s.maxRssKiB)) / 1024,
    toHelm:
      helm === undefined
        ? undefined
        : ratios(
            wall,
            helm.map((s) => s.wallMs),
          ),
  };
}

function table(header: string[], rows: string[][], rightFrom = 1): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i < rightFrom ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3);
const mib = (m: number): string => (Number.isNaN(m) ? 'n/a' : m.toFixed(1));
const times = (r: number | undefined): string => (r === undefined ? '' : `${r.toFixed(2)}x`);

function main(): number {
  // The component series has options and a report of its own (scripts/bench/component-series.ts).
  if (process.argv.includes('--components')) return componentBench(REPO, process.argv.slice(2), childEnvironment());
  let options: Options;
  try {
    options = parseArguments(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    if (e.message === '') {
      console.log(USAGE);
      return 0;
    }
    console.error(`bench: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  const gnuTime = hasGnuTime();
  if (!gnuTime) log('warning: GNU time (/usr/bin/time) is missing: wall times only, no peak memory');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'eaf-bench-'));
  const worktrees: string[] = [];
  const cleanup = (): void => {
    for (const w of worktrees.splice(0)) removeWorktree(REPO, w);
    if (!options.keep) fs.rmSync(work, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  const distBefore = folderFingerprint(path.join(REPO, 'dist'));
  try {
    const report: { [key: string]: unknown } = {
      date: new Date().toISOString(),
      host: { node: process.version, cpus: os.cpus().length, loadAverage: os.loadavg() },
      git: { head: git(['rev-parse', 'HEAD']), dirty: git(['status', '--porcelain']) !== '' },
      gnuTime,
    };
    if (options.comparison) report.comparison = compareWithPeers(options, work, worktrees, gnuTime);
    if (options.scaling) report.scaling = scalingSeries(options, work, gnuTime);
    if (options.profile) report.profile = environmentProfile(options, work);
    if (options.json !== undefined) {
      fs.mkdirSync(path.dirname(options.json), { recursive: true });
      fs.writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
      log(`figures written to ${options.json}`);
    }
    if (options.keep) log(`kept ${work}`);
    return 0;
  } catch (e) {
    if (e instanceof OutputDiffers) {
      console.error(
        `bench: ${e.message}\nNothing was timed: every command must produce the objects of dist/ first (the peers are generated from dist/; after an intended change of the output, run npm run synth).`,
      );
      return 1;
    }
    if (e instanceof StepFailed) {
      console.error(`bench: ${e.message}\nThe bench stopped.`);
      return 1;
    }
    throw e;
  } finally {
    cleanup();
    if (folderFingerprint(path.join(REPO, 'dist')) !== distBefore) {
      log("warning: the repository's dist/ changed while the bench ran (the bench never writes it: did another process?)");
    }
  }
}

function git(args: string[]): string {
  return execFileSync('git', args, { cwd: REPO, encoding: 'utf8' }).trim();
}

/** The comparison: synth (the script, npm run synth, cdk8s synth, a baseline) against helm and kustomize. */
function compareWithPeers(options: Options, work: string, worktrees: string[], gnuTime: boolean): unknown {
  // The kubectl of the newest server of the matrix (the last line of scripts/tools.sh --matrix).
  const tools = path.join(REPO, 'scripts', 'tools.sh');
  const kubectl = `kubectl-${execFileSync('bash', [tools, '--matrix'], { encoding: 'utf8' }).trim().split('\n').at(-1)?.split(' ')[0]}`;
  // The peers are timed where they are built (bash scripts/tools.sh helm <kubectl>); the bench builds nothing itself.
  const helmBin = path.join(TOOLS_BIN, 'helm');
  const kubectlBin = path.join(TOOLS_BIN, kubectl);
  for (const missing of [helmBin, kubectlBin].filter((bin) => !fs.existsSync(bin))) {
    log(`skipping ${path.basename(missing)}: ${missing} is not built (bash scripts/tools.sh helm ${kubectl} builds it); no ratio to it`);
  }
  const helmVersion = toolVersion([helmBin, 'version', '--template', '{{.Version}}'], /(v\S+)/);
  const kubectlVersion = toolVersion([kubectlBin, 'version', '--client'], /Client Version: (\S+)/);
  // kubectl 1.28 names its kustomize by a pseudo-version (v5.0.4-0.20230601165947-6ce0bf390ce3).
  const kustomizeVersion = toolVersion([kubectlBin, 'version', '--client'], /Kustomize Version: (v\d+\.\d+\.\d+)/);

  // The expected objects, and the peers' inputs generated from them.
  const expected = readEnvironments(path.join(REPO, 'dist'));
  if (expected.size === 0) throw new OutputDiffers('dist/', ['holds no environment; run npm run synth first']);
  const environments: EnvironmentObjects[] = [...expected].map(([name, objects]) => ({ name, namespace: mainNamespace(objects), objects }));
  const chartName = fs
    .readdirSync(path.join(REPO, 'dist', environments[0].name))
    .find((f) => f.endsWith('.yaml'))!
    .replace(/(\.k8s)?\.yaml$/, '');
  const helm = helmChart(environments, chartName);
  const kustomize = kustomizeTree(environments);
  const peers = path.join(work, 'peers');
  writeFiles(path.join(peers, 'helm'), helm.files);
  writeFiles(path.join(peers, 'kustomize'), kustomize.files);
  const out = path.join(work, 'out');
  fs.mkdirSync(out, { recursive: true });
  const helmSteps: Step[] = helm.environments.map((e) => ({
    argv: [
      helmBin,
      'template',
      chartName,
      path.join(peers, 'helm', 'chart'),
      '--namespace',
      e.namespace,
      '-f',
      path.join(peers, 'helm', e.valuesFile),
    ],
    cwd: work,
    stdout: path.join(out, 'helm', e.name, `${chartName}.yaml`),
  }));
  const kustomizeSteps: Step[] = kustomize.environments.map((e) => ({
    argv: [kubectlBin, 'kustomize', path.join(peers, 'kustomize', e.overlay)],
    cwd: work,
    stdout: path.join(out, 'kustomize', e.name, `${chartName}.yaml`),
  }));
  for (const s of [...helmSteps, ...kustomizeSteps]) fs.mkdirSync(path.dirname(s.stdout!), { recursive: true });

  // Equality first: the peers, then (in the warm-up round) every synth command's output.
  const env = childEnvironment();
  const peerCommands: Command[] = [
    {
      id: 'helm',
      label: `helm template x${helmSteps.length} (helm ${helmVersion})`,
      steps: helmSteps,
      check: () => outputProblems(expected, path.join(out, 'helm')),
    },
    {
      id: 'kustomize',
      label: `kubectl kustomize x${kustomizeSteps.length} (kubectl ${kubectlVersion}, kustomize ${kustomizeVersion})`,
      steps: kustomizeSteps,
      check: () => outputProblems(expected, path.join(out, 'kustomize')),
    },
  ];
  const peersPresent = peerCommands.filter((c) => fs.existsSync(c.steps[0].argv[0]));
  peerCommands.splice(0, peerCommands.length, ...peersPresent);
  for (const peer of peerCommands) {
    runCommand(peer, env, path.join(work, 'time.txt'), false);
    const problems = peer.check!();
    if (problems.length > 0) throw new OutputDiffers(peer.label, problems);
  }
  const objectCount = environments.reduce((n, e) => n + e.objects.length, 0);
  const peerNames = peerCommands.map((c) => c.id).join(', ') || 'no peer';
  log(`peers checked (${peerNames}): the ${objectCount} objects of dist/ (${environments.map((e) => e.name).join(', ')})`);

  log('copying the working tree into a sandbox (synth runs there and writes its own dist/)');
  const sandbox = path.join(work, 'sandbox');
  createSandbox(REPO, sandbox);
  const script = synthScript(sandbox);
  const synthCheck = (): string[] => outputProblems(expected, path.join(sandbox, 'dist'));
  // Before its checked (warm-up) run each synth command starts without dist/, so its check reads what it wrote.
  const removeDist = (): void => fs.rmSync(path.join(sandbox, 'dist'), { recursive: true, force: true });
  const commands: Command[] = [
    {
      id: 'synth',
      label: `${script} (the synth script, run directly)`,
      steps: [{ argv: scriptCommand(script), cwd: sandbox }],
      check: synthCheck,
      beforeCheckedRun: removeDist,
    },
    {
      id: 'npm-run-synth',
      label: 'npm run synth',
      steps: [{ argv: ['npm', 'run', 'synth'], cwd: sandbox }],
      check: synthCheck,
      beforeCheckedRun: removeDist,
    },
    {
      id: 'cdk8s-synth',
      label: 'npx cdk8s synth --no-check-upgrade',
      steps: [{ argv: ['npx', 'cdk8s', 'synth', '--no-check-upgrade'], cwd: sandbox }],
      check: synthCheck,
      beforeCheckedRun: removeDist,
    },
    ...peerCommands,
  ];
  const installed = installedCli(REPO, work, log);
  commands.push({ ...installed.command, check: () => outputProblems(expected, installed.outdir) });
  let baseline: { ref: string; commit: string; script: string; sameObjects?: boolean } | undefined;
  if (options.baseline !== undefined) {
    const dir = path.join(work, 'baseline');
    log(`checking out ${options.baseline} into a temporary worktree`);
    worktrees.push(dir);
    const commit = createWorktree(REPO, options.baseline, dir);
    const baselineScript = synthScript(dir);
    baseline = { ref: options.baseline, commit, script: baselineScript };
    const record = baseline;
    commands.push({
      id: 'baseline',
      label: `baseline ${options.baseline}${commit.startsWith(options.baseline) ? '' : ` (${commit.slice(0, 7)})`}: ${baselineScript}`,
      steps: [{ argv: scriptCommand(baselineScript), cwd: dir }],
      beforeCheckedRun: () => fs.rmSync(path.join(dir, 'dist'), { recursive: true, force: true }),
      check: () => {
        const problems = outputProblems(expected, path.join(dir, 'dist'));
        record.sameObjects = problems.length === 0;
        if (problems.length > 0) log(`note: the baseline's output differs from dist/ (${problems.length} differences, first: ${problems[0]})`);
        return [];
      },
    });
  }
  if (options.gateCost) {
    for (const gate of ['--no-gate', '--gate']) {
      commands.push({
        id: `library-synth${gate.replace('--', '-')}`,
        label: `library synthesis via tsx, ${gate === '--gate' ? 'with' : 'without'} the gate`,
        steps: [{ argv: ['node', '--import', 'tsx', path.join('scripts', 'bench', 'library-synth.ts'), gate], cwd: sandbox }],
      });
    }
  }

  const loads: Load[] = [];
  const samples = runRounds('comparison', commands, options.runs, work, gnuTime, options.settle, loads);
  const busy = anyBusy(loads);
  // A ratio is only reported on a machine not busier than its cores (the ratio to helm grew with the load).
  const helmSamples = ratioIfQuiet(loads, () => samples.get('helm'));
  const results = commands.map((c) => figures(c, samples.get(c.id)!, helmSamples));
  const synthSamples = samples.get('synth')!.map((s) => s.wallMs);
  const baselineRatio =
    baseline === undefined
      ? undefined
      : ratioIfQuiet(loads, () =>
          ratios(
            synthSamples,
            samples.get('baseline')!.map((s) => s.wallMs),
          ),
        );

  console.log(
    `\nDVMM synth against peers producing the same objects: ${environments.length} environments (${environments.map((e) => e.name).join(', ')}), ${objectCount} objects, validation gate included`,
  );
  console.log(
    `${options.runs} rounds after a warm-up round, commands in rotating order; whole processes (synth in a sandbox copy of the working tree): wall time, peak RSS (largest process)`,
  );
  console.log(`${loadSummary(loads)}; node ${process.version}`);
  if (!busy && helmSamples === undefined) console.log('no ratios: helm is not built (bash scripts/tools.sh helm)');
  console.log('');
  console.log(
    table(
      ['command', 'median s', 'min s', 'max s', 'peak MiB', 'x helm (paired)', 'x helm (medians)'],
      results.map((r) => [
        r.label,
        markedTime(seconds(r.medianMs), loads),
        markedTime(seconds(r.minMs), loads),
        markedTime(seconds(r.maxMs), loads),
        mib(r.medianPeakMiB),
        times(r.toHelm?.paired),
        times(r.toHelm?.ofMedians),
      ]),
    ),
  );
  if (baselineRatio !== undefined) {
    console.log(
      `\nsynth / baseline ${options.baseline}: ${baselineRatio.paired.toFixed(3)} (paired), ${baselineRatio.ofMedians.toFixed(3)} (medians)${baseline!.sameObjects === false ? '; the baseline writes other objects than dist/' : ''}`,
    );
  }
  if (options.gateCost && !busy) {
    const gate = ratios(
      samples.get('library-synth-gate')!.map((s) => s.wallMs),
      samples.get('library-synth-no-gate')!.map((s) => s.wallMs),
    );
    const cost = median(samples.get('library-synth-gate')!.map((s, i) => s.wallMs - samples.get('library-synth-no-gate')![i].wallMs));
    console.log(
      `\nthe gate: +${seconds(cost)} s per synthesis (paired median difference); with it ${gate.paired.toFixed(2)}x the time without it (paired)`,
    );
  }
  return {
    environments: environments.map((e) => ({ name: e.name, namespace: e.namespace, objects: e.objects.length })),
    rounds: options.runs,
    tools: { helm: helmVersion, kubectl: kubectlVersion, kustomize: kustomizeVersion },
    synthScript: script,
    commands: results,
    baseline: baseline === undefined ? undefined : { ...baseline, synthToBaseline: baselineRatio },
    loads,
    ratiosRefused: busy,
  };
}

/** The environment file the scaling series copies: environments/dev.yaml, else the first. */
function scalingBase(): { file: string; text: string } {
  const file = fs.existsSync(path.join(REPO, 'environments', 'dev.yaml'))
    ? 'dev.yaml'
    : fs
        .readdirSync(path.join(REPO, 'environments'))
        .filter((f) => f.endsWith('.yaml'))
        .sort()[0];
  return { file, text: fs.readFileSync(path.join(REPO, 'environments', file), 'utf8') };
}

/** A sandbox whose environments folder holds `count` copies of the base environment, and nothing else. */
function scalingSandbox(work: string, base: { file: string; text: string }, count: number, title: string): string {
  log(`${title}: a sandbox with ${count} environment${count === 1 ? '' : 's'}`);
  const sandbox = path.join(work, `${title}-${count}`);
  createSandbox(REPO, sandbox);
  const environmentsDir = path.join(sandbox, 'environments');
  for (const f of fs.readdirSync(environmentsDir)) if (f.endsWith('.yaml')) fs.rmSync(path.join(environmentsDir, f));
  writeFiles(environmentsDir, scaledEnvironmentFiles(base.text, base.file.replace(/\.yaml$/, ''), count));
  return sandbox;
}

/** The scaling series: the synth script over N copies of environments/dev.yaml, points interleaved in rotating order. */
function scalingSeries(options: Options, work: string, gnuTime: boolean): unknown {
  const base = scalingBase();
  const commands: Command[] = [];
  for (const count of [...new Set(options.points)].sort((a, b) => a - b)) {
    const sandbox = scalingSandbox(work, base, count, 'scaling');
    commands.push({
      id: String(count),
      label: String(count),
      steps: [{ argv: scriptCommand(synthScript(sandbox)), cwd: sandbox }],
      beforeCheckedRun: () => fs.rmSync(path.join(sandbox, 'dist'), { recursive: true, force: true }),
      check: () => {
        // dist/argocd/ holds the Argo CD objects of every environment, not an environment.
        const written = [...readEnvironments(path.join(sandbox, 'dist')).keys()].filter((name) => name !== DELIVERY_FOLDER).length;
        return written === count ? [] : [`wrote ${written} environments, not ${count}`];
      },
    });
  }
  const loads: Load[] = [];
  const samples = runRounds('scaling', commands, options.scalingRuns, work, gnuTime, options.settle, loads);
  const points = commands.map((c) => {
    const f = figures(c, samples.get(c.id)!);
    return { environments: Number(c.id), medianMs: f.medianMs, minMs: f.minMs, maxMs: f.maxMs, medianPeakMiB: f.medianPeakMiB, samples: f.samples };
  });
  const time = leastSquares(points.map((p) => [p.environments, p.medianMs] as const));
  const memory = gnuTime ? leastSquares(points.map((p) => [p.environments, p.medianPeakMiB] as const)) : undefined;
  console.log(
    `\nScaling: the synth script over N copies of environments/${base.file} (distinct names, namespaces, hosts), gate included; ${options.scalingRuns} rounds after a warm-up round`,
  );
  console.log(`${loadSummary(loads)}\n`);
  console.log(
    table(
      ['environments', 'median s', 'min s', 'max s', 'peak MiB'],
      points.map((p) => [
        String(p.environments),
        ...[p.medianMs, p.minMs, p.maxMs].map((ms) => markedTime(seconds(ms), loads)),
        mib(p.medianPeakMiB),
      ]),
      0,
    ),
  );
  console.log(
    `\ncost per extra environment (least squares over the medians): ${time.slope.toFixed(1)} ms${memory === undefined ? '' : `, ${memory.slope.toFixed(2)} MiB`}; fixed cost ${seconds(time.intercept)} s`,
  );
  return {
    base: `environments/${base.file}`,
    rounds: options.scalingRuns,
    points,
    msPerEnvironment: time.slope,
    fixedMs: time.intercept,
    mibPerEnvironment: memory?.slope,
    loads,
  };
}

/**
 * `--profile`: where one more environment goes. The synth script of a 1-environment and an N-environment sandbox runs
 * under V8's CPU profiler from a readable bundle, in rotating order; each profile's self time is charged to its
 * sources, and the difference spread over the N - 1 extra environments (median of the rounds, per source).
 */
function environmentProfile(options: Options, work: string): unknown {
  const base = scalingBase();
  const many = Math.max(...options.points);
  const sandboxes = [1, many].map((count) => ({ count, dir: scalingSandbox(work, base, count, 'profile') }));
  const env = { ...childEnvironment(), EAF_COMPILED_READABLE: '1' };
  const rounds: Array<Map<string, number>> = [];
  for (let round = 0; round <= options.scalingRuns; round++) {
    log(`profile: ${round === 0 ? 'warm-up round (builds the readable bundle)' : `round ${round}/${options.scalingRuns}`}`);
    const totals = new Map<number, Map<string, number>>();
    for (const { count, dir } of rotation(sandboxes, round)) {
      const argv = scriptCommand(synthScript(dir));
      if (argv[0] !== 'node') throw new StepFailed({ argv, cwd: dir }, 'the profile needs a synth script that runs node (node <runner> <entry>)');
      const profiles = path.join(work, `profiles-${count}-${round}`);
      const flags = round === 0 ? [] : ['--cpu-prof', '--cpu-prof-interval', '100', '--cpu-prof-dir', profiles];
      const run = spawnSync(process.execPath, [...flags, ...argv.slice(1)], { cwd: dir, env, encoding: 'utf8' });
      if (run.status !== 0) throw new StepFailed({ argv, cwd: dir }, `exit ${run.status}: ${(run.stderr ?? '').slice(-2000)}`);
      if (round === 0) continue;
      const files = fs.readdirSync(profiles).filter((f) => f.endsWith('.cpuprofile'));
      if (files.length !== 1) throw new StepFailed({ argv, cwd: dir }, `wrote ${files.length} CPU profiles, not 1`);
      const profile = JSON.parse(fs.readFileSync(path.join(profiles, files[0]), 'utf8')) as CpuProfile;
      const bundle = bundleOf(profile);
      totals.set(
        count,
        selfTimeBySource(profile, bundle, bundleSources(fs.readFileSync(bundle.startsWith('file:') ? fileURLToPath(bundle) : bundle, 'utf8'))),
      );
    }
    if (round > 0) rounds.push(perExtraEnvironment(totals.get(many)!, totals.get(1)!, many));
  }
  const sources = [...new Set(rounds.flatMap((r) => [...r.keys()]))];
  const perSource = sources
    .map((source) => ({ source, side: sideOf(source), ms: median(rounds.map((r) => r.get(source) ?? 0)) }))
    .sort((a, b) => b.ms - a.ms);
  const total = perSource.reduce((n, s) => n + s.ms, 0);
  const sides = (['packages', 'this repository', 'runtime'] as const).map((side) => ({
    side,
    ms: perSource.filter((s) => s.side === side).reduce((n, s) => n + s.ms, 0),
  }));
  console.log(
    `\nProfile: CPU self time per extra environment by source (synth of ${many} against 1 environment, copies of environments/${base.file}; samples every 100 us; median of ${options.scalingRuns} rounds; the profiler itself adds time)\n`,
  );
  const shown = perSource.filter((s) => Math.abs(s.ms) >= 0.05);
  console.log(
    table(
      ['source', 'side', 'ms/env', 'share'],
      shown.map((s) => [s.source, s.side, s.ms.toFixed(2), `${((100 * s.ms) / total).toFixed(0)}%`]),
      2,
    ),
  );
  console.log(
    `\n${sides.map((s) => `${s.side} ${s.ms.toFixed(2)} ms (${((100 * s.ms) / total).toFixed(0)}%)`).join(', ')}; in all ${total.toFixed(2)} ms per extra environment (${perSource.length - shown.length} sources under 0.05 ms not shown)`,
  );
  return { environments: many, rounds: options.scalingRuns, msPerEnvironment: total, sides, sources: perSource };
}

/** The bundle a profile ran: the `.compiled.js` file with the most samples. */
function bundleOf(profile: CpuProfile): string {
  const counts = new Map<string, number>();
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame.url]));
  for (const id of profile.samples) {
    const url = byId.get(id) ?? '';
    if (url.endsWith('.compiled.js')) counts.set(url, (counts.get(url) ?? 0) + 1);
  }
  const [bundle] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? [];
  if (bundle === undefined) throw new Error('the profile ran no compiled bundle (scripts/run-compiled.mjs)');
  return bundle;
}

if (require.main === module) process.exitCode = main();
