import { deepFreeze } from '../core/freeze';
import { ABOVE, AlertRule, AlertTest, ApiAlertTarget, BELOW, counter, InputSeries, RecordingRule, SloSettings, VOLUME } from './alert-model';
import { requestSeries } from './api-alerts';
import { duration, Labels, num, seconds, series } from './promql';
import { leMatcher, Sli, sliErrorRatio, sliRequests, sliSlowRatio, SPRING_BOOT_SLI } from './sli';

/**
 * The objectives of a component with request metrics, as Sloth and Pyrra render them: per objective a recording rule
 * of its error ratio over every window, and multi-window, multi-burn-rate alerts (a page for a fast burn, a ticket for
 * a slow one) that read the recorded ratios. Unlike either, each burn clause also needs enough requests in its long
 * window (the low-traffic guard, `minimumRequests`), recorded as `eaf:api_requests:increase<window>`.
 */

/**
 * Burn-rate windows of a 30-day objective (the SRE workbook): page at 14.4x over 1 h and 5 min and at 6x over 6 h
 * and 30 min; ticket at 3x over 1 d and 2 h and at 1x over 3 d and 6 h. Another window scales them (as Pyrra does).
 */
export const BURN_RATE_WINDOWS = deepFreeze({
  page: [
    { factor: 14.4, long: '1h', short: '5m' },
    { factor: 6, long: '6h', short: '30m' },
  ],
  ticket: [
    { factor: 3, long: '1d', short: '2h' },
    { factor: 1, long: '3d', short: '6h' },
  ],
});

/** The name of the recording rule of the error ratio over one window. */
export function errorRatioRecord(window: string): string {
  return `eaf:api_server_errors:ratio_rate${window}`;
}

/** The name of the recording rule of the share of requests slower than the latency objective over one window. */
export function slowRatioRecord(window: string): string {
  return `eaf:api_slow_requests:ratio_rate${window}`;
}

/** The name of the recording rule of the requests over one window (the low-traffic guard's count). */
export function requestsRecord(window: string): string {
  return `eaf:api_requests:increase${window}`;
}

/** The burn alerts' name (before `Fast` / `Slow`) and the budget their texts name, per kind of objective. */
const BURN_ALERT_NAMES = deepFreeze({
  availability: { alert: 'ApiErrorBudgetBurn', budget: 'error budget' },
  latency: { alert: 'ApiLatencyBudgetBurn', budget: 'latency budget' },
});

interface BurnWindow {
  readonly factor: number;
  readonly long: string;
  readonly short: string;
}

/** One objective as the burn alerts see it. */
interface Objective {
  readonly kind: 'availability' | 'latency';
  /** Its error budget: the share of requests allowed to fail. */
  readonly budget: number;
  /** `99.5 % availability`, `99 % of requests within 0.5 s`. */
  readonly text: string;
  readonly window: string;
  /** The recording rule of its error ratio over a window, and that ratio's PromQL. */
  readonly record: (window: string) => string;
  readonly ratio: (window: string) => string;
  /** Input series of a test in which `ratio` of the requests are bad, `volume` requests a sample. */
  readonly series: (ratio: number, samples: number, volume: number) => InputSeries[];
}

/** The recording rules and burn alerts of one component's objectives. */
export function sloRules(api: ApiAlertTarget, labels: Labels, slo: SloSettings): Array<RecordingRule | AlertRule> {
  const sli = api.sli ?? SPRING_BOOT_SLI;
  const objectives = [availability(sli, api.metrics, slo), ...(slo.latency && sli.latency ? [latency(sli, api.metrics, slo)] : [])];
  const records: RecordingRule[] = objectives.flatMap((o) =>
    [...new Set(all(scaled(o.window)).flatMap((w) => [w.short, w.long]))].map((w) => ({ record: o.record(w), expr: o.ratio(w), labels })),
  );
  const guarded = slo.minimumRequests > 0;
  const guardWindows = [...new Set(objectives.flatMap((o) => all(scaled(o.window)).map((w) => w.long)))];
  const guards: RecordingRule[] = guarded
    ? guardWindows.map((w) => ({ record: requestsRecord(w), expr: sliRequests(sli, api.metrics, w), labels }))
    : [];
  const alerts = objectives.flatMap((o) => burnAlerts(o, labels, slo.minimumRequests));
  return [...records, ...guards, ...alerts];
}

function availability(sli: Sli, metrics: Labels, slo: SloSettings): Objective {
  return {
    kind: 'availability',
    budget: 1 - slo.availabilityPercent / 100,
    text: `${num(slo.availabilityPercent)} % availability`,
    window: slo.window,
    record: errorRatioRecord,
    ratio: (w) => sliErrorRatio(sli, metrics, w),
    series: (ratio, samples, volume) => requestSeries(sli, metrics, ratio, samples, volume),
  };
}

function latency(sli: Sli, metrics: Labels, slo: SloSettings): Objective {
  const { percent, thresholdSeconds: threshold } = slo.latency!;
  const bucket = (le: string) => series(sli.latency!.metric, metrics, ...(sli.examples.latency ?? []), le);
  // A test's fast requests fall in the threshold's bucket: its `le` as a Go client prints it (the rule matches both forms).
  const at = Number.isInteger(threshold) ? `le="${num(threshold)}"` : leMatcher(threshold);
  return {
    kind: 'latency',
    budget: 1 - percent / 100,
    text: `${num(percent)} % of requests within ${num(threshold)} s`,
    window: slo.latency!.window ?? slo.window,
    record: slowRatioRecord,
    ratio: (w) => sliSlowRatio(sli, threshold, metrics, w),
    // The requests' counters too, without failures: the low-traffic guard counts them.
    series: (ratio, samples, volume) => [
      { series: bucket(at), values: counter(volume * (1 - ratio), samples) },
      { series: bucket('le="+Inf"'), values: counter(volume, samples) },
      ...requestSeries(sli, metrics, 0, samples, volume),
    ],
  };
}

interface Windows {
  readonly page: readonly BurnWindow[];
  readonly ticket: readonly BurnWindow[];
  /** Window over 30 days: how much every window and test interval is scaled. */
  readonly factor: number;
}

function all(windows: Windows): BurnWindow[] {
  return [...windows.page, ...windows.ticket];
}

/** The workbook's windows, scaled from 30 days to the objective's window. */
function scaled(window: string): Windows {
  const factor = seconds(window) / seconds('30d');
  const scale = (w: BurnWindow): BurnWindow => ({
    factor: w.factor,
    long: duration(seconds(w.long) * factor),
    short: duration(seconds(w.short) * factor),
  });
  return { page: BURN_RATE_WINDOWS.page.map(scale), ticket: BURN_RATE_WINDOWS.ticket.map(scale), factor };
}

function burnAlerts(o: Objective, labels: Labels, minimumRequests: number): AlertRule[] {
  const windows = scaled(o.window);
  const recorded = (record: string) => series(record, { namespace: labels.namespace, component: labels.component });
  const clause = (w: BurnWindow) => {
    const threshold = num(w.factor * o.budget);
    const guard = minimumRequests > 0 ? ` and ${recorded(requestsRecord(w.long))} >= ${num(minimumRequests)}` : '';
    return `(${recorded(o.record(w.long))} > ${threshold} and ${recorded(o.record(w.short))} > ${threshold}${guard})`;
  };
  const over = (ws: readonly BurnWindow[]) => ws.map((w) => `${num(w.factor)}x over ${words(w.long)} and ${words(w.short)}`).join(' or ');
  const { alert: name, budget } = BURN_ALERT_NAMES[o.kind];
  const spends = `{{ $labels.component }} in {{ $labels.namespace }} spends the ${budget} of its ${o.text} objective at`;
  const days = seconds(o.window) / 86400;
  return [
    {
      alert: `${name}Fast`,
      expr: windows.page.map(clause).join(' or '),
      for: '2m',
      severity: 'critical',
      summary: `{{ $labels.component }} burns its ${budget} fast`,
      description: `${spends} ${over(windows.page)}: at this pace a ${windowWords(o.window)} budget is gone in ${exhaustion(days, windows.page)}.`,
      labels,
      test: burnTest(o, windows.page, duration(120 * windows.factor), { minimumRequests, labels }),
    },
    {
      alert: `${name}Slow`,
      expr: windows.ticket.map(clause).join(' or '),
      for: '15m',
      severity: 'warning',
      summary: `{{ $labels.component }} burns its ${budget}`,
      description: `${spends} ${over(windows.ticket)}: the budget will not last the ${windowWords(o.window).replace('-day', ' days')}.`,
      labels,
      // The ticket windows start at 2 h: 10-minute samples are enough, and keep three days of test series short.
      test: burnTest(o, windows.ticket, duration(600 * windows.factor), { minimumRequests, labels }),
    },
  ];
}

/**
 * Fire just above the fastest clause's factor; stay silent just below the slowest one (below every clause); with the
 * guard, stay silent at the firing ratio when the longest window saw only half the minimum of requests. The firing
 * case also checks the value of every recording rule the alert reads.
 */
function burnTest(
  o: Objective,
  ws: readonly BurnWindow[],
  interval: string,
  context: { readonly minimumRequests: number; readonly labels: Labels },
): AlertTest {
  const step = seconds(interval);
  const longest = Math.max(...ws.map((w) => seconds(w.long)));
  const samples = Math.ceil((longest + 900) / step);
  const firingRatio = ws[0].factor * o.budget * ABOVE;
  const guarded = context.minimumRequests > 0;
  const ratios = [...new Set(ws.flatMap((w) => [w.long, w.short]))].map((w) => ({ series: o.record(w), value: firingRatio }));
  const requests = guarded ? ws.map((w) => ({ series: requestsRecord(w.long), value: (VOLUME * seconds(w.long)) / step })) : [];
  return {
    interval,
    evalTime: duration(samples * step),
    firing: o.series(firingRatio, samples, VOLUME),
    silent: o.series(ws[ws.length - 1].factor * o.budget * BELOW, samples, VOLUME),
    outputLabels: { component: context.labels.component, namespace: context.labels.namespace },
    recorded: [...ratios, ...requests],
    ...(guarded ? { lowTraffic: o.series(firingRatio, samples, context.minimumRequests / 2 / (longest / step)) } : {}),
  };
}

/** `1h` as `1 h`, `5m` as `5 min`, as the descriptions write windows (every window here is one of {@link duration}'s). */
function words(window: string): string {
  const unit = window.slice(-1) as 's' | 'm' | 'h' | 'd' | 'w';
  return `${window.slice(0, -1)} ${{ s: 's', m: 'min', h: 'h', d: 'd', w: 'w' }[unit]}`;
}

/** `30d` as `30-day`. */
function windowWords(window: string): string {
  const days = seconds(window) / 86400;
  return Number.isInteger(days) ? `${days}-day` : words(window);
}

/** How soon the page clauses' burn rates spend a budget of `days`: `2 to 5 days`, or in hours for short windows. */
function exhaustion(days: number, ws: readonly BurnWindow[]): string {
  const [fastest, slowest] = [days / ws[0].factor, days / ws[ws.length - 1].factor];
  return fastest >= 1 ? `${Math.floor(fastest)} to ${Math.floor(slowest)} days` : `${Math.round(fastest * 24)} to ${Math.round(slowest * 24)} hours`;
}
