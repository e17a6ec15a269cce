/**
 * Small, exact building blocks of PromQL text: selectors, numbers and durations. Expressions are written in the
 * alert and dashboard modules; this module only makes sure every number and label matcher is printed one way.
 */

/** Exact label matchers, e.g. `{ namespace: 'dvmm-production', job: 'api' }`. */
export type Labels = Readonly<Record<string, string>>;

/** `metric{a="x", b="y"}` with the labels in the order given (deterministic), plus extra matchers such as `outcome="SERVER_ERROR"`. */
export function series(metric: string, labels: Labels, ...extra: string[]): string {
  return `${metric}{${matchers(labels, ...extra)}}`;
}

/** `a="x", b="y"`: the matchers of a selector without braces. */
export function matchers(labels: Labels, ...extra: string[]): string {
  return [...Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`), ...extra].join(', ');
}

/** A number as PromQL and promtool print it: shortest exact form, no binary noise (`0.072`, not `0.07200000000000001`). */
export function num(value: number): string {
  return String(Number(value.toPrecision(12)));
}

/** Users' requests of a Spring Boot component: the kubelet's probes and Prometheus's scrapes hit the actuator, and are not traffic. */
export const USER_REQUESTS = 'uri!~"/actuator/.*"';

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** Pattern of a Prometheus duration with one unit, as the environment files write them (`30s`, `15m`, `1h`, `7d`). */
export const DURATION_PATTERN = '^[1-9][0-9]*(s|m|h|d|w)$';

/** Seconds of a one-unit Prometheus duration such as `15m`. */
export function seconds(duration: string): number {
  const match = /^([0-9]+)(s|m|h|d|w)$/.exec(duration);
  if (!match) throw new Error(`not a Prometheus duration: ${duration}`);
  return Number(match[1]) * UNITS[match[2]];
}

/** The largest whole unit that expresses `value` seconds exactly: 3600 is `1h`, 5400 is `90m`. */
export function duration(value: number): string {
  const whole = Math.ceil(value);
  for (const unit of ['w', 'd', 'h', 'm'] as const) {
    if (whole % UNITS[unit] === 0) return `${whole / UNITS[unit]}${unit}`;
  }
  return `${whole}s`;
}
