import * as os from 'os';

/**
 * The machine's load, for `npm run bench`: a ratio of two timings means little when more runs than the machine has
 * cores (the ratio to helm grew from 1.3-1.6x at a load of 5 to 2.1-2.7x at 10-12 on 2 cores), so the bench reads the
 * load before every round and reports no ratio when the 1-minute load average was above the core count in any of
 * them. It still prints the times, marked as taken under load.
 */

/** One reading of the load. */
export interface Load {
  readonly cores: number;
  /** 1, 5 and 15 minutes, as `os.loadavg()`. */
  readonly loadAverage: readonly number[];
  /** The 1-minute load average is above the number of cores. */
  readonly busy: boolean;
  readonly text: string;
}

/** A reading of `loadAverage` on a machine of `cores` cores. */
export function describeLoad(loadAverage: readonly number[], cores: number): Load {
  return {
    cores,
    loadAverage,
    busy: loadAverage[0] > cores,
    text: `load average ${loadAverage.map((l) => l.toFixed(2)).join(' ')} on ${cores} cores`,
  };
}

/** This machine's load now. */
export function machineLoad(): Load {
  return describeLoad(os.loadavg(), os.cpus().length);
}

/**
 * The load once it has settled: read again every `pollSeconds` while busy, for at most `maxSeconds` (0: read once).
 * On a 2-core machine the bench's own rounds keep the 1-minute average near 2, so without a pause between rounds a
 * quiet machine reads as busy; `--settle` gives the average time to fall. What it returns is the reading taken last,
 * busy or not, so a machine that stays busy is still reported as such.
 */
export function settledLoad(
  maxSeconds: number,
  read: () => Load = machineLoad,
  sleep: (seconds: number) => void = sleepSeconds,
  pollSeconds = 2,
): Load {
  let load = read();
  for (let waited = 0; load.busy && waited < maxSeconds; waited += pollSeconds) {
    sleep(Math.min(pollSeconds, maxSeconds - waited));
    load = read();
  }
  return load;
}

/** Blocks the thread (the rounds run synchronously, one whole process after another). */
function sleepSeconds(seconds: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, seconds * 1000);
}

/** Whether any reading was busy: then no ratio is reported. */
export function anyBusy(loads: readonly Load[]): boolean {
  return loads.some((l) => l.busy);
}

/** `ratio()` when no reading was busy, else undefined (a ratio refused). */
export function ratioIfQuiet<T>(loads: readonly Load[], ratio: () => T): T | undefined {
  return anyBusy(loads) ? undefined : ratio();
}

/** A printed time, marked `*` when it was taken under load (the table's note says what the mark means). */
export function markedTime(text: string, loads: readonly Load[]): string {
  return anyBusy(loads) ? `${text}*` : text;
}

/** The line the bench prints about the load of a series of rounds: the busiest reading, and whether ratios are refused. */
export function loadSummary(loads: readonly Load[]): string {
  if (loads.length === 0) throw new Error('no load was read');
  const busiest = loads.reduce((a, b) => (b.loadAverage[0] > a.loadAverage[0] ? b : a));
  const range = `${loads[0].text} at the start, ${loads[loads.length - 1].text} at the end, ${busiest.loadAverage[0].toFixed(2)} at the busiest`;
  return anyBusy(loads)
    ? `${range}: NO RATIOS, the 1-minute load average was above ${busiest.cores} cores in ${loads.filter((l) => l.busy).length} of ` +
        `${loads.length} readings, where ratios grow with the load; times taken under load are marked *; run again when the machine is quieter`
    : `${range}: never above the core count`;
}
