import { Construct } from 'constructs';
import { PropertyProblems } from '../core/errors';
import { AlertRule, InputSeries } from './alert-model';
import { duration } from './promql';

/**
 * An environment's `for` of an alert (`observability.alerting.for`), and the promtool test that follows it. Each alert
 * keeps its default `for` where it is defined; an override replaces it, and when it is longer every case of the alert's
 * test is checked that much later, its input series continued at their last step. The catalogue's cases end in a
 * steady state (constant rates and gauges, or a backup timestamp that keeps its age), so a case that fired still fires
 * once the condition has held for the longer `for`, and a case that stayed silent stays silent. A shorter `for` keeps
 * the test as it is: the condition held at least that long already.
 */

/** A Prometheus duration, compound or not (`5m`, `1h30m`, `0s`), as rules and promtool read it. */
export const PROMETHEUS_DURATION = /^([0-9]+(ms|s|m|h|d|w|y))+$/;

const UNIT_SECONDS: Readonly<Record<string, number>> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };

/** Seconds of a Prometheus duration such as `1h30m`. */
export function durationSeconds(text: string): number {
  if (!PROMETHEUS_DURATION.test(text)) throw new Error(`not a Prometheus duration: ${text}`);
  return [...text.matchAll(/([0-9]+)(ms|s|m|h|d|w|y)/g)].reduce((sum, [, value, unit]) => sum + Number(value) * UNIT_SECONDS[unit], 0);
}

/** One promtool case as the delay sees it: when it is checked, its sample interval and its series. */
export interface DelayedCase {
  readonly evalTime: string;
  readonly interval: string;
  readonly series: readonly InputSeries[];
}

/** The case checked `seconds` later (rounded up to whole samples), every series continued at its last step for as long. */
export function delayCase(c: DelayedCase, seconds: number): { readonly evalTime: string; readonly series: InputSeries[] } {
  if (seconds <= 0) return { evalTime: c.evalTime, series: [...c.series] };
  const step = durationSeconds(c.interval);
  const samples = Math.ceil(seconds / step);
  return {
    evalTime: duration(durationSeconds(c.evalTime) + samples * step),
    series: c.series.map((s) => ({ ...s, values: continued(s.values, samples) })),
  };
}

/** `0+100x30` continued by 5 samples is `0+100x35`; a last single value is repeated. */
function continued(values: string, samples: number): string {
  const tokens = values.trim().split(/\s+/);
  const last = tokens[tokens.length - 1];
  const repeated = /^(.*)x([0-9]+)$/.exec(last);
  if (repeated) return [...tokens.slice(0, -1), `${repeated[1]}x${Number(repeated[2]) + samples}`].join(' ');
  // `stale` ends a series on purpose: it stays ended.
  return last === 'stale' ? values : `${values} ${last}x${samples - 1}`;
}

/** The alert with its `for` replaced and its test delayed by how much longer the new `for` is. */
export function withFor(rule: AlertRule, forDuration: string): AlertRule {
  const delay = durationSeconds(forDuration) - durationSeconds(rule.for);
  const { test } = rule;
  const at = (series: readonly InputSeries[]) => delayCase({ evalTime: test.evalTime, interval: test.interval, series }, delay);
  return {
    ...rule,
    for: forDuration,
    test: {
      ...test,
      evalTime: at(test.firing).evalTime,
      firing: at(test.firing).series,
      silent: at(test.silent).series,
      ...(test.lowTraffic ? { lowTraffic: at(test.lowTraffic).series } : {}),
    },
  };
}

/** Refuses a `for` that is no Prometheus duration, naming the alert. */
export function validateFor(scope: Construct, durations: Readonly<Record<string, string>>): void {
  const problems = new PropertyProblems(scope);
  for (const [alert, value] of Object.entries(durations)) {
    if (typeof value !== 'string' || !PROMETHEUS_DURATION.test(value))
      problems.add(`for.${alert}`, 'is not a Prometheus duration', value, "use a duration such as '10m' or '1h'");
  }
  problems.throwIfAny();
}
