import { Construct } from 'constructs';
import * as rules from '../../imports/monitoring-prometheusrule-monitoring.coreos.com';
import { PropertyProblems } from '../core/errors';
import { deepFreeze } from '../core/freeze';
import { delayCase, durationSeconds, PROMETHEUS_DURATION, validateFor } from './alert-for';
import { AlertRule, InputSeries, RuleGroup, Severity } from './alerts';
import { Labels } from './promql';
import { expectedAlert, PromtoolTestFile, renderRuleGroups } from './rule-files';

/**
 * A product's own alerts, declared with their promtool test cases (`defineProduct({ alerts })`). They go the way the
 * library's alerts go: the same labels (`product`, `environment`, `namespace`, `component`, `severity`, which the
 * routing matches), the same runbook link (`<runbookBaseUrl>/<alert>.md`), the same rendering and the same promtool
 * tests in `dist/<env>.alert-tests.json`, which `eaf-cdk8s verify --alerts` runs against the rules that ship.
 */

/** One promtool test case of an own alert: input series and when the alert is checked. */
export interface OwnAlertCase {
  /**
   * What the case shows, e.g. `fires when the backlog stays above 1000`.
   * @default - `<alert> fires (case <n>)` or `<alert> stays silent (case <n>)`
   */
  readonly name?: string;
  /** Sample interval of the input series. @default '1m' */
  readonly interval?: string;
  /** When the alert is checked, relative to the first sample, e.g. `20m` (after its `for`). */
  readonly evalTime: string;
  /** The input series, in promtool's expanding notation (`series: 'orders_backlog{queue="in"}'`, `values: '0+100x30'`). */
  readonly series: readonly InputSeries[];
  /** Labels of the expression's result that the firing alert carries besides its own (e.g. `pod`). @default - none */
  readonly outputLabels?: Labels;
}

/** A product's own alert with its test cases. */
export interface OwnAlert {
  /** Its name, e.g. `OrdersBacklogHigh` (letters and digits, starting with a capital): the runbook is `<runbookBaseUrl>/<alert>.md`. */
  readonly alert: string;
  /** The PromQL expression; the alert fires while it returns a series for `for`. */
  readonly expr: string;
  /** How long the expression must hold before the alert fires. @default '5m' */
  readonly for?: string;
  /** `critical` pages (the routing's paging receiver), `warning` goes to chat. */
  readonly severity: Severity;
  /** One line; may use `{{ $labels.<name> }}` and no other template. */
  readonly summary: string;
  /** What it means and what to do; may use `{{ $labels.<name> }}` and no other template. */
  readonly description: string;
  /** The component (or database) it is about: its `component` label. @default - no `component` label */
  readonly component?: string;
  /**
   * Further static labels, e.g. a routing label `{ priority: 'Sev2' }`; never `product`, `environment`, `namespace`,
   * `component` or `severity`.
   * @default - none
   */
  readonly labels?: Labels;
  /** Its promtool cases: at least one that fires (with exactly the rendered labels and annotations) and one that stays silent. */
  readonly tests: { readonly firing: readonly OwnAlertCase[]; readonly silent: readonly OwnAlertCase[] };
}

/** Where an own alert is rendered: what the product's environment gives it. */
export interface OwnAlertScope {
  /** The product. */
  readonly product: string;
  /** The environment. */
  readonly environment: string;
  /** The product's namespace in it (for the expressions' selectors). */
  readonly namespace: string;
  /** Whether the environment holds production data. */
  readonly critical: boolean;
}

/** Props of {@link ProductOwnAlerts}. */
export interface ProductOwnAlertsProps {
  /** The alerts. */
  readonly alerts: readonly OwnAlert[];
  /** The environment they are rendered for. */
  readonly scope: OwnAlertScope;
  /** Where the runbooks are: each alert's `runbook_url` is `<runbookBaseUrl>/<alert>.md`. */
  readonly runbookBaseUrl: string;
  /** Library alerts of the environment, whose names an own alert may not take. @default - none */
  readonly reservedNames?: readonly string[];
  /** Name of the PrometheusRule. @default `<product>-own-alerts` */
  readonly name?: string;
  /**
   * The environment's `for` of named alerts, replacing an alert's own; each of its cases is then checked that much
   * later (when longer), its series continued at their last step. Names of no alert here are left alone.
   * @default - each alert's own `for`
   */
  readonly for?: Readonly<Record<string, string>>;
}

/** Defaults of an own alert: its `for`, and the sample interval of its cases. Frozen: override per alert. */
export const OWN_ALERT_DEFAULTS = deepFreeze({ for: '5m', interval: '1m' });

/** A product's own alerts in one environment: a PrometheusRule of one group `<product>-<environment>.own`, and their promtool tests. */
export class ProductOwnAlerts extends Construct {
  /** The rule group, in the catalogue's shape. */
  public readonly group: RuleGroup;
  /** Where the runbooks are. */
  public readonly runbookBaseUrl: string;
  /** The rendered PrometheusRule. */
  public readonly resource: rules.PrometheusRule;
  private readonly alerts: readonly OwnAlert[];

  constructor(scope: Construct, id: string, props: ProductOwnAlertsProps) {
    super(scope, id);
    validateOwnAlerts(this, props.alerts, props.reservedNames ?? []);
    validateFor(this, props.for ?? {});
    this.alerts = props.alerts.map((a) => overrideFor(a, props.for?.[a.alert]));
    this.runbookBaseUrl = props.runbookBaseUrl;
    const base = { product: props.scope.product, environment: props.scope.environment, namespace: props.scope.namespace };
    this.group = { name: `${props.scope.product}-${props.scope.environment}.own`, rules: this.alerts.map((a) => alertRule(a, base)) };
    this.resource = new rules.PrometheusRule(this, 'Resource', {
      metadata: { name: props.name ?? `${props.scope.product}-own-alerts` },
      spec: {
        groups: renderRuleGroups([this.group], this.runbookBaseUrl).map((group) => ({
          name: group.name,
          rules: group.rules.map((rule) => ({ ...rule, expr: rules.PrometheusRuleSpecGroupsRulesExpr.fromString(rule.expr) })),
        })),
      },
    });
  }

  /** Names of the alerts, in rule order. */
  public get alertNames(): string[] {
    return this.alerts.map((a) => a.alert);
  }

  /** One promtool test file per alert, with every declared case, reading the rendered group from `ruleFile`. */
  public tests(ruleFile: string): PromtoolTestFile[] {
    return this.group.rules.map((rule, i) => {
      const own = this.alerts[i];
      const alert = rule as AlertRule;
      const cases = [
        ...own.tests.firing.map((c, n) => testCase(alert, c, true, n, this.runbookBaseUrl)),
        ...own.tests.silent.map((c, n) => testCase(alert, c, false, n, this.runbookBaseUrl)),
      ];
      return {
        name: `${own.alert}--${own.component ?? 'all'}.test.yaml`,
        content: { rule_files: [ruleFile], evaluation_interval: cases[0].interval, tests: cases },
      };
    });
  }
}

/** The alert with the environment's `for`, each case delayed by as much as it is longer than the alert's own. */
function overrideFor(own: OwnAlert, forDuration: string | undefined): OwnAlert {
  if (forDuration === undefined) return own;
  const delay = durationSeconds(forDuration) - durationSeconds(own.for ?? OWN_ALERT_DEFAULTS.for);
  const later = (c: OwnAlertCase): OwnAlertCase => ({ ...c, ...delayCase({ ...c, interval: c.interval ?? OWN_ALERT_DEFAULTS.interval }, delay) });
  return { ...own, for: forDuration, tests: { firing: own.tests.firing.map(later), silent: own.tests.silent.map(later) } };
}

/** The alert in the catalogue's shape: the environment's labels, its component, its own labels. */
function alertRule(own: OwnAlert, base: Labels): AlertRule {
  const firing = own.tests.firing[0];
  return {
    alert: own.alert,
    expr: own.expr,
    for: own.for ?? OWN_ALERT_DEFAULTS.for,
    severity: own.severity,
    summary: own.summary,
    description: own.description,
    labels: { ...base, ...(own.component === undefined ? {} : { component: own.component }), ...own.labels },
    test: {
      interval: firing.interval ?? OWN_ALERT_DEFAULTS.interval,
      evalTime: firing.evalTime,
      firing: firing.series,
      silent: own.tests.silent[0].series,
      outputLabels: firing.outputLabels ?? {},
    },
  };
}

function testCase(rule: AlertRule, c: OwnAlertCase, firing: boolean, n: number, runbookBaseUrl: string): Record<string, unknown> {
  const interval = c.interval ?? OWN_ALERT_DEFAULTS.interval;
  return {
    name: c.name ?? `${rule.alert} ${firing ? 'fires' : 'stays silent'} (case ${n + 1})`,
    interval,
    input_series: c.series,
    alert_rule_test: [
      {
        eval_time: c.evalTime,
        alertname: rule.alert,
        exp_alerts: firing ? [expectedAlert(rule, runbookBaseUrl, c.outputLabels ?? {})] : [],
      },
    ],
  };
}

const ALERT_NAME = /^[A-Z][A-Za-z0-9]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const RESERVED_LABELS = ['product', 'environment', 'namespace', 'component', 'severity', 'alertname'];
/** Any Go template action, and the one form whose expansion the tests can predict. */
const TEMPLATE = /\{\{.*?\}\}/g;
const LABEL_TEMPLATE = /^\{\{ \$labels\.[a-zA-Z_][a-zA-Z0-9_]* \}\}$/;

/** Every problem of the alerts at once, each naming the alert and the field. */
function validateOwnAlerts(scope: Construct, alerts: readonly OwnAlert[], reserved: readonly string[]): void {
  const problems = new PropertyProblems(scope);
  const seen = new Map<string, number>();
  alerts.forEach((a, i) => {
    const at = ALERT_NAME.test(a.alert ?? '') ? `alerts.${a.alert}` : `alerts[${i}]`;
    const add = (field: string, problem: string, value: unknown, fix: string) => problems.add(`${at}.${field}`, problem, value, fix);
    if (!ALERT_NAME.test(a.alert ?? ''))
      add('alert', 'is not an alert name', a.alert, 'use letters and digits starting with a capital, e.g. OrdersBacklogHigh');
    else if (reserved.includes(a.alert)) add('alert', "is the name of one of the library's alerts", a.alert, 'give your alert a name of its own');
    const key = `${a.alert}--${a.component ?? 'all'}`;
    if (seen.has(key))
      add('alert', `is declared twice for the same component (also alerts[${seen.get(key)}])`, a.alert, 'merge them or set component');
    seen.set(key, i);
    if (typeof a.expr !== 'string' || a.expr.trim() === '')
      add('expr', 'is empty', a.expr, 'give the PromQL expression that returns a series while the alert should fire');
    if (a.for !== undefined && !PROMETHEUS_DURATION.test(a.for))
      add('for', 'is not a Prometheus duration', a.for, "use a duration such as '5m' or '1h30m'");
    if (a.severity !== 'critical' && a.severity !== 'warning')
      add('severity', 'is not a severity', a.severity, "use 'critical' (pages) or 'warning' (chat)");
    for (const field of ['summary', 'description'] as const) checkText(a[field], (problem, fix) => add(field, problem, a[field], fix));
    for (const label of Object.keys(a.labels ?? {})) {
      if (!LABEL_NAME.test(label) || RESERVED_LABELS.includes(label))
        add(`labels.${label}`, 'is not a label an alert may set', label, `use a label name other than ${RESERVED_LABELS.join(', ')}`);
    }
    checkCases(a, add);
  });
  problems.throwIfAny();
}

function checkText(text: string | undefined, add: (problem: string, fix: string) => void): void {
  if (typeof text !== 'string' || text.trim() === '') add('is empty', 'say in one line what is wrong');
  else if ((text.match(TEMPLATE) ?? []).some((t) => !LABEL_TEMPLATE.test(t)))
    add('uses a template other than {{ $labels.<name> }}', 'write the value in, or use {{ $labels.<name> }} (its test then expects the expansion)');
}

function checkCases(a: OwnAlert, add: (field: string, problem: string, value: unknown, fix: string) => void): void {
  for (const kind of ['firing', 'silent'] as const) {
    const cases = a.tests?.[kind] ?? [];
    if (cases.length === 0)
      add(`tests.${kind}`, `needs at least one case`, cases, `add a case whose series ${kind === 'firing' ? 'make it fire' : 'keep it silent'}`);
    cases.forEach((c, n) => {
      const field = `tests.${kind}[${n}]`;
      if (!PROMETHEUS_DURATION.test(c.evalTime ?? ''))
        add(`${field}.evalTime`, 'is not a Prometheus duration', c.evalTime, "use a duration such as '20m'");
      if (c.interval !== undefined && !PROMETHEUS_DURATION.test(c.interval))
        add(`${field}.interval`, 'is not a Prometheus duration', c.interval, "use a duration such as '1m'");
      if ((c.series ?? []).length === 0) add(`${field}.series`, 'is empty', c.series, 'give the input series of the case');
    });
  }
}
