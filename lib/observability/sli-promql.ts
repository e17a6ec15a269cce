import { PromqlRequestMetrics, RequestMetrics, Sli, SLI_PRESET_DEFINITIONS, SLI_PRESETS, SliSelector } from './sli';

/**
 * Reading a component's declared request metrics into an {@link Sli}: a preset by name, or PromQL selectors, checked
 * and given the example series the alerts' promtool tests need (one successful request and one failure).
 */

/** A problem of a declared indicator: the field below the declaration, what is wrong, the value and the fix. */
export interface SliProblem {
  readonly field: string;
  readonly problem: string;
  readonly value: unknown;
  readonly fix: string;
}

/** The indicator of `source`, or the problems that keep it from being one. */
export function resolveSli(source: RequestMetrics): { readonly sli?: Sli; readonly problems: readonly SliProblem[] } {
  if (typeof source === 'string') {
    return (SLI_PRESETS as readonly string[]).includes(source)
      ? { sli: SLI_PRESET_DEFINITIONS[source], problems: [] }
      : {
          problems: [
            {
              field: '',
              problem: 'is not a preset',
              value: source,
              fix: `use one of ${SLI_PRESETS.join(', ')}, or PromQL selectors { total, errors, latency }`,
            },
          ],
        };
  }
  return promqlSli(source);
}

// A metric name, then optionally `{...}`; each matcher `name op "value"`.
const SELECTOR = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?:\{(.*)\})?\s*$/s;
const MATCHER = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*")\s*$/s;
/** Labels the component's own selector sets. */
const RESERVED = ['namespace', 'job'];

interface Matcher {
  readonly name: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
  readonly text: string;
}

function promqlSli(source: PromqlRequestMetrics): { readonly sli?: Sli; readonly problems: readonly SliProblem[] } {
  const problems: SliProblem[] = [];
  const parse = (field: 'total' | 'errors' | 'latency', text: unknown) => {
    const parsed = typeof text === 'string' ? parseSelector(text) : undefined;
    if (parsed === undefined) {
      problems.push({
        field,
        problem: 'is not a PromQL series selector',
        value: text,
        fix: 'write metric{label="value", ...} with double-quoted values, e.g. http_requests_total{code=~"5.."}',
      });
    } else {
      for (const m of parsed.matchers.filter((x) => RESERVED.includes(x.name)))
        problems.push({ field, problem: `sets ${m.name}, which the component's scrape sets`, value: text, fix: `remove ${m.text}` });
    }
    return parsed;
  };
  const total = parse('total', source.total);
  const errors = parse('errors', source.errors);
  const latency = source.latency === undefined ? undefined : parse('latency', source.latency);
  if (!total || !errors || problems.length > 0) return { problems };
  const requests = exampleSeries(total, errors, problems);
  if (!requests) return { problems };
  const buckets = latency && exampleLabels(latency);
  if (latency && buckets && !matchesAll(buckets, latency.matchers))
    problems.push({ field: 'latency', problem: 'has no example series the tests can write', value: text(latency), fix: PATTERN_FIX });
  if (problems.length > 0) return { problems };
  const examples = { ...requests, ...(buckets ? { latency: asMatchers(buckets) } : {}) };
  const selector = (s: ParsedSelector): SliSelector => ({ metric: s.metric, matchers: s.matchers.map((m) => m.text) });
  return {
    problems,
    sli: {
      source: 'promql',
      total: selector(total),
      errors: selector(errors),
      ...(latency ? { latency: selector(latency) } : {}),
      examples,
      latencyNote: `needs the ${latency?.metric ?? ''} histogram`,
      errorsNote: `the series ${text(errors)}`,
    },
  };
}

interface ParsedSelector {
  readonly metric: string;
  readonly matchers: readonly Matcher[];
}

function parseSelector(text: string): ParsedSelector | undefined {
  const match = SELECTOR.exec(text);
  if (!match) return undefined;
  const parts = match[2] === undefined || match[2].trim() === '' ? [] : splitMatchers(match[2]);
  const matchers: Matcher[] = [];
  for (const part of parts) {
    const m = MATCHER.exec(part);
    if (!m) return undefined;
    const value = JSON.parse(m[3]) as string;
    if (m[2].includes('~') && !compiles(value)) return undefined;
    matchers.push({ name: m[1], op: m[2] as Matcher['op'], value, text: `${m[1]}${m[2]}${m[3]}` });
  }
  return { metric: match[1], matchers };
}

/** Splits `a="x", b=~"y,z"` at the commas outside quotes. */
function splitMatchers(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && quoted) {
      current += ch + (text[++i] ?? '');
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  if (current.trim() !== '') parts.push(current);
  return parts;
}

/**
 * Labels of one successful and one failed request, for the alerts' tests: each matcher's value (`=`), a value its
 * pattern matches (`=~`, from the pattern's first alternative), nothing for negative matchers; then checked against
 * both selectors, since a test whose series the rule does not select would prove nothing.
 */
function exampleSeries(total: ParsedSelector, errors: ParsedSelector, problems: SliProblem[]): Sli['examples'] | undefined {
  const good = exampleLabels(total);
  const bad = { ...(errors.metric === total.metric ? good : {}), ...exampleLabels(errors) };
  const fix = PATTERN_FIX;
  if (!matchesAll(good, total.matchers))
    problems.push({ field: 'total', problem: 'has no example series the tests can write', value: text(total), fix });
  else if (!matchesAll(bad, errors.matchers))
    problems.push({ field: 'errors', problem: 'has no example series the tests can write', value: text(errors), fix });
  else if (errors.metric === total.metric && (!matchesAll(bad, total.matchers) || matchesAll(good, errors.matchers)))
    problems.push({
      field: 'errors',
      problem: 'must select a part of total: its matchers add a label condition that successful requests do not meet',
      value: text(errors),
      fix: 'repeat the matchers of total and add the failure condition, e.g. code=~"5.."',
    });
  if (problems.length > 0) return undefined;
  return { good: asMatchers(good), bad: asMatchers(bad) };
}

const PATTERN_FIX = 'write its matchers with = or a simple pattern such as 5.. or Internal|Unavailable';

function asMatchers(labels: Record<string, string>): string[] {
  return Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
}

function exampleLabels(selector: ParsedSelector): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const m of selector.matchers) {
    if (m.op === '=') labels[m.name] = m.value;
    if (m.op === '=~') labels[m.name] = patternExample(m.value);
  }
  return labels;
}

/** A value of a simple pattern: its first alternative, with `.` as 0 and quantifiers dropped (`5..` gives `500`). */
function patternExample(pattern: string): string {
  const first = pattern.replace(/^\((.*)\)$/, '$1').split('|')[0];
  return first
    .replace(/\\d/g, '0')
    .replace(/\.[*+]/g, 'x')
    .replace(/[()^$?*+]/g, '')
    .replace(/\\(.)/g, '$1')
    .replace(/\./g, '0');
}

/** Whether labels meet every matcher (RE2 and JavaScript agree on the simple patterns the examples come from). */
function matchesAll(labels: Record<string, string>, matchers: readonly Matcher[]): boolean {
  return matchers.every((m) => {
    const value = labels[m.name] ?? '';
    const regex = () => new RegExp(`^(?:${m.value})$`).test(value);
    switch (m.op) {
      case '=':
        return value === m.value;
      case '!=':
        return value !== m.value;
      case '=~':
        return regex();
      case '!~':
        return !regex();
    }
  });
}

function text(selector: ParsedSelector): string {
  return `${selector.metric}{${selector.matchers.map((m) => m.text).join(', ')}}`;
}

/** Whether a pattern is a regular expression at all (a syntax error is the one exception expected here: bad input). */
function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch (e) {
    if (e instanceof SyntaxError) return false;
    throw e;
  }
}
