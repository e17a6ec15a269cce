/**
 * `npm run bench -- --components 1,10,30,100`: how the synthesis of a product scales with its components and its
 * environments. Every point of the grid (components x environments) synthesises the generated product of
 * scripts/bench/components.ts through the gate (scripts/bench/component-synth.ts, the compiled runner, in a sandbox
 * copy of the working tree), as a whole process under GNU time, the points interleaved in rotating order after a
 * warm-up round that checks every output. Printed: the medians and peak RSS per point, the least-squares cost per
 * extra component (at each environment count) and per extra environment (at each component count), and whether each
 * stays linear: the slope over the second half of the points against the first half.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { componentEnvironment, componentProduct } from './components';
import { scaledEnvironmentFiles } from './environments';
import { machineLoad } from './load';
import { Command, hasGnuTime, runCommand, Sample, StepFailed } from './measure';
import { createSandbox, scriptCommand, synthScript } from './sandbox';
import { leastSquares, median, range, rotation } from './stats';

export interface ComponentOptions {
  components: number[];
  environments: number[];
  runs: number;
  json?: string;
  keep: boolean;
}

/** The slope over the later half of the points against the earlier half: about 1 when linear, above when it bends up. */
export const LINEAR_LIMIT = 1.25;

/** The options of the component series (every other bench option is refused with it). */
export function parseComponentArguments(argv: readonly string[]): ComponentOptions {
  const options: ComponentOptions = { components: [1, 10, 30, 100], environments: [1, 10, 30], runs: 3, keep: false };
  const list = (flag: string, value: string | undefined): number[] => {
    const values = (value ?? '').split(',').map(Number);
    if (value === undefined || value.startsWith('--') || values.some((n) => !Number.isInteger(n) || n < 1) || new Set(values).size < 2)
      throw new Error(`${flag} needs at least two different whole numbers of at least 1, comma-separated (got ${value ?? 'nothing'})`);
    return [...new Set(values)].sort((a, b) => a - b);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--components') options.components = list(arg, argv[++i]);
    else if (arg === '--component-environments') options.environments = list(arg, argv[++i]);
    else if (arg === '--scaling-runs') {
      options.runs = Number(argv[++i]);
      if (!Number.isInteger(options.runs) || options.runs < 1) throw new Error(`--scaling-runs needs a whole number of at least 1 (got ${argv[i]})`);
    } else if (arg === '--json' && argv[i + 1] !== undefined) options.json = path.resolve(argv[++i]);
    else if (arg === '--keep') options.keep = true;
    else throw new Error(`${arg} does not go with --components (it takes --component-environments, --scaling-runs, --json, --keep)`);
  }
  return options;
}

/** A point of the grid with its medians. */
export interface GridPoint {
  readonly components: number;
  readonly environments: number;
  readonly medianMs: number;
  readonly medianPeakMiB: number;
}

/** A least-squares cost along one axis, the other fixed, with the slopes of its two halves. */
export interface AxisCost {
  /** The value of the other axis. */
  readonly at: number;
  readonly msPerUnit: number;
  readonly mibPerUnit: number;
  /** Slope over the later half of the points / slope over the earlier half (time); undefined below three points. */
  readonly bend?: number;
}

/**
 * The costs along `axis` at every value of the other: least squares over the medians, and the bend (the later half's
 * slope over the earlier half's; with an odd count both halves hold the middle point).
 */
export function axisCosts(points: readonly GridPoint[], axis: 'components' | 'environments'): AxisCost[] {
  const other = axis === 'components' ? 'environments' : 'components';
  return [...new Set(points.map((p) => p[other]))].map((at) => {
    const line = points.filter((p) => p[other] === at).sort((a, b) => a[axis] - b[axis]);
    const time = line.map((p) => [p[axis], p.medianMs] as const);
    const half = (from: number, to?: number) => leastSquares(time.slice(from, to)).slope;
    return {
      at,
      msPerUnit: leastSquares(time).slope,
      mibPerUnit: leastSquares(line.map((p) => [p[axis], p.medianPeakMiB] as const)).slope,
      bend: line.length < 3 ? undefined : half(Math.floor(line.length / 2)) / half(0, Math.ceil(line.length / 2)),
    };
  });
}

function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

/** Runs the series; returns the exit code. */
export function componentBench(repo: string, argv: readonly string[], childEnv: NodeJS.ProcessEnv): number {
  let options: ComponentOptions;
  try {
    options = parseComponentArguments(argv);
  } catch (e) {
    console.error(`bench: ${(e as Error).message}`);
    return 2;
  }
  const gnuTime = hasGnuTime();
  if (!gnuTime) log('warning: GNU time (/usr/bin/time) is missing: wall times only, no peak memory');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'eaf-bench-components-'));
  try {
    const sandbox = path.join(work, 'sandbox');
    log('copying the working tree into a sandbox');
    createSandbox(repo, sandbox);
    const commands = gridCommands(options, work, sandbox);
    const loadBefore = machineLoad();
    const samples = runRounds(commands, options.runs, childEnv, path.join(work, 'time.txt'), gnuTime);
    const loadAfter = machineLoad();
    const report = printReport(options, commands, samples, loadBefore.text, loadAfter.text);
    if (options.json !== undefined) fs.writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
    return 0;
  } catch (e) {
    if (!(e instanceof StepFailed)) throw e;
    console.error(`bench: ${e.message}\nThe bench stopped.`);
    return 1;
  } finally {
    if (options.keep) log(`kept ${work}`);
    else fs.rmSync(work, { recursive: true, force: true });
  }
}

/** One command per point: its environments folder written, its output checked after the warm-up run. */
function gridCommands(options: ComponentOptions, work: string, sandbox: string): Array<Command & { point: [number, number] }> {
  const commands: Array<Command & { point: [number, number] }> = [];
  // The synth script's own command line (its Node options included), with the generated product's program as the entry.
  const synth = scriptCommand(synthScript(sandbox));
  if (synth.at(-1) !== 'synth.ts')
    throw new Error(`the synth script (${synth.join(' ')}) does not end in synth.ts; the bench cannot swap in the component program`);
  for (const components of options.components) {
    const definition = componentProduct(components);
    for (const environments of options.environments) {
      const id = `${components}x${environments}`;
      const environmentsDir = path.join(work, id, 'environments');
      const outdir = path.join(work, id, 'dist');
      fs.mkdirSync(environmentsDir, { recursive: true });
      for (const [file, text] of scaledEnvironmentFiles(componentEnvironment(definition), 'dev', environments))
        fs.writeFileSync(path.join(environmentsDir, file), text);
      commands.push({
        id,
        point: [components, environments],
        label: id,
        steps: [
          {
            argv: [...synth.slice(0, -1), path.join('scripts', 'bench', 'component-synth.ts'), String(components), environmentsDir, outdir],
            cwd: sandbox,
          },
        ],
        beforeCheckedRun: () => fs.rmSync(outdir, { recursive: true, force: true }),
        check: () => {
          const written = fs.readdirSync(outdir).filter((f) => f !== 'argocd' && fs.statSync(path.join(outdir, f)).isDirectory()).length;
          return written === environments ? [] : [`${id}: wrote ${written} environments, not ${environments}`];
        },
      });
    }
  }
  return commands;
}

function runRounds(commands: readonly Command[], rounds: number, env: NodeJS.ProcessEnv, timeFile: string, gnuTime: boolean): Map<string, Sample[]> {
  const samples = new Map<string, Sample[]>(commands.map((c) => [c.id, []]));
  for (let round = 0; round <= rounds; round++) {
    const order = rotation(commands, round);
    log(`components: ${round === 0 ? 'warm-up round' : `round ${round}/${rounds}`} (${order.map((c) => c.id).join(', ')})`);
    for (const command of order) {
      if (round === 0) command.beforeCheckedRun?.();
      const sample = runCommand(command, env, timeFile, gnuTime);
      if (round > 0) samples.get(command.id)!.push(sample);
      else {
        const problems = command.check?.() ?? [];
        if (problems.length > 0) throw new StepFailed(command.steps[0], problems.join('; '));
      }
    }
  }
  return samples;
}

function printReport(
  options: ComponentOptions,
  commands: ReadonlyArray<Command & { point: [number, number] }>,
  samples: Map<string, Sample[]>,
  loadBefore: string,
  loadAfter: string,
): unknown {
  const points = commands.map((c) => {
    const wall = samples.get(c.id)!.map((s) => s.wallMs);
    const { min, max } = range(wall);
    const [components, environments] = c.point;
    return {
      components,
      environments,
      medianMs: median(wall),
      minMs: min,
      maxMs: max,
      medianPeakMiB: median(samples.get(c.id)!.map((s) => s.maxRssKiB)) / 1024,
    };
  });
  const s = (ms: number) => (ms / 1000).toFixed(3);
  console.log(
    `\nComponents x environments: the generated product (scripts/bench/components.ts) through the gate, compiled runner, ` +
      `${options.runs} rounds after a warm-up round, points in rotating order`,
  );
  console.log(`before: ${loadBefore}; after: ${loadAfter}; node ${process.version}\n`);
  console.log('| components | environments | median s | min s | max s | peak MiB |\n| ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const p of points)
    console.log(`| ${p.components} | ${p.environments} | ${s(p.medianMs)} | ${s(p.minMs)} | ${s(p.maxMs)} | ${p.medianPeakMiB.toFixed(1)} |`);
  const perComponent = axisCosts(points, 'components');
  const perEnvironment = axisCosts(points, 'environments');
  const verdict = (bend?: number) =>
    bend === undefined
      ? 'n/a | (two points)'
      : `${bend.toFixed(2)} | ${bend < 0 ? 'noise (a later point came out faster; more rounds)' : bend <= LINEAR_LIMIT ? 'linear' : 'bends up'}`;
  console.log('\n| cost | at | ms each | MiB each | later half / earlier half | |\n| --- | ---: | ---: | ---: | ---: | --- |');
  for (const c of perComponent)
    console.log(`| per extra component | ${c.at} env. | ${c.msPerUnit.toFixed(1)} | ${c.mibPerUnit.toFixed(2)} | ${verdict(c.bend)} |`);
  for (const c of perEnvironment)
    console.log(`| per extra environment | ${c.at} comp. | ${c.msPerUnit.toFixed(1)} | ${c.mibPerUnit.toFixed(2)} | ${verdict(c.bend)} |`);
  return { date: new Date().toISOString(), loadBefore, loadAfter, rounds: options.runs, points, perComponent, perEnvironment };
}
