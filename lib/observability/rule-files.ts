import { AlertRule, isAlert, RuleGroup } from './alerts';

/**
 * The catalogue's rule groups in Prometheus's rule-file shape (what a PrometheusRule's `spec.groups` holds), and their
 * promtool unit tests. The PrometheusRule and the tests render a rule through the same function, so the tests check
 * exactly the labels and annotations that ship.
 */

/** One rule as Prometheus reads it. */
export interface RenderedRule {
  readonly alert?: string;
  readonly record?: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

/** One rule group as Prometheus reads it. */
export interface RenderedGroup {
  readonly name: string;
  readonly rules: RenderedRule[];
}

/** A promtool unit-test file: its name and its content. */
export interface PromtoolTestFile {
  readonly name: string;
  readonly content: Record<string, unknown>;
}

/** Renders the groups; every alert's `runbook_url` is `<runbookBaseUrl>/<alert>.md`. */
export function renderRuleGroups(groups: readonly RuleGroup[], runbookBaseUrl: string): RenderedGroup[] {
  return groups.map((group) => ({
    name: group.name,
    rules: group.rules.map((rule): RenderedRule =>
      isAlert(rule)
        ? { alert: rule.alert, expr: rule.expr, for: rule.for, labels: alertLabels(rule), annotations: annotations(rule, runbookBaseUrl) }
        : { record: rule.record, expr: rule.expr, labels: { ...rule.labels } },
    ),
  }));
}

/**
 * One promtool test file per alert instance (alert and component): a case just above the threshold that fires with
 * exactly the rendered labels and annotations, and a case just below that stays silent. `ruleFile` is the path of the
 * rendered groups, relative to the test file.
 */
export function promtoolTests(groups: readonly RuleGroup[], runbookBaseUrl: string, ruleFile: string): PromtoolTestFile[] {
  // An alert with several rules for one component (the uptime alert: one per URL) numbers its files from the second on.
  const seen = new Map<string, number>();
  return groups
    .flatMap((group) => group.rules.filter(isAlert))
    .map((rule) => {
      const base = `${rule.alert}--${rule.labels.component ?? 'all'}`;
      const nth = (seen.get(base) ?? 0) + 1;
      seen.set(base, nth);
      const labels = { ...alertLabels(rule), ...rule.test.outputLabels };
      const expanded = Object.fromEntries(
        Object.entries(annotations(rule, runbookBaseUrl)).map(([key, text]) => [key, expand(text, rule.test.outputLabels)]),
      );
      const check = (firing: boolean) => ({
        eval_time: rule.test.evalTime,
        alertname: rule.alert,
        exp_alerts: firing ? [{ exp_labels: sorted(labels), exp_annotations: expanded }] : [],
      });
      const component = rule.labels.component;
      // Each recorded value to six decimals: promtool compares floats exactly, and rates divide with rounding errors.
      const recorded = (rule.test.recorded ?? []).map((r) => ({
        expr: `round(${r.series}{component=${JSON.stringify(component)}} * 1e6)`,
        eval_time: rule.test.evalTime,
        exp_samples: [{ labels: labelText(rule.labels), value: Math.round(r.value * 1e6) }],
      }));
      const lowTraffic = rule.test.lowTraffic;
      return {
        name: `${base}${nth > 1 ? `--${nth}` : ''}.test.yaml`,
        content: {
          rule_files: [ruleFile],
          evaluation_interval: rule.test.interval,
          tests: [
            {
              name: `${rule.alert} (${component}) fires just above its threshold`,
              interval: rule.test.interval,
              input_series: rule.test.firing,
              alert_rule_test: [check(true)],
              ...(recorded.length > 0 ? { promql_expr_test: recorded } : {}),
            },
            {
              name: `${rule.alert} (${component}) stays silent just below its threshold`,
              interval: rule.test.interval,
              input_series: rule.test.silent,
              alert_rule_test: [check(false)],
            },
            ...(lowTraffic
              ? [
                  {
                    name: `${rule.alert} (${component}) stays silent above its threshold with too few requests`,
                    interval: rule.test.interval,
                    input_series: lowTraffic,
                    alert_rule_test: [check(false)],
                  },
                ]
              : []),
          ],
        },
      };
    });
}

/** What promtool must see of a firing alert: exactly the rendered labels (with the result's `outputLabels`) and annotations, expanded. */
export function expectedAlert(
  rule: AlertRule,
  runbookBaseUrl: string,
  outputLabels: Record<string, string>,
): { exp_labels: Record<string, string>; exp_annotations: Record<string, string> } {
  const expanded = Object.entries(annotations(rule, runbookBaseUrl)).map(([key, text]) => [key, expand(text, outputLabels)]);
  return { exp_labels: sorted({ ...alertLabels(rule), ...outputLabels }), exp_annotations: Object.fromEntries(expanded) };
}

function alertLabels(rule: AlertRule): Record<string, string> {
  return { ...rule.labels, severity: rule.severity };
}

/**
 * The rule's annotations. Prometheus gives a template only the labels of the expression's result (`$labels`), not the
 * rule's own labels, so the rule's static labels (component, namespace, ...) are written in here; the result's labels
 * (pod, persistentvolumeclaim) stay templates.
 */
function annotations(rule: AlertRule, runbookBaseUrl: string): Record<string, string> {
  const fixed = (text: string) => text.replace(LABEL_TEMPLATE, (template, name: string) => rule.labels[name] ?? template);
  return {
    summary: fixed(rule.summary),
    description: fixed(rule.description),
    runbook_url: `${runbookBaseUrl.replace(/\/+$/, '')}/${rule.alert}.md`,
  };
}

const LABEL_TEMPLATE = /\{\{ \$labels\.([a-zA-Z_][a-zA-Z0-9_]*) \}\}/g;

/** Expands `{{ $labels.name }}` as Prometheus's template does with the expression's result labels. */
function expand(text: string, labels: Record<string, string>): string {
  return text.replace(LABEL_TEMPLATE, (_, name: string) => labels[name] ?? '');
}

/** `{a="x", b="y"}` in label-name order, as promtool prints a sample's labels. */
function labelText(labels: Record<string, string>): string {
  return `{${Object.entries(sorted(labels))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ')}}`;
}

function sorted(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
}
