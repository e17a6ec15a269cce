import { Construct } from 'constructs';
import * as rules from '../../imports/monitoring-prometheusrule-monitoring.coreos.com';
import { PropertyProblems } from '../core/errors';
import { ALERT_DEFAULTS, AlertTargets, AlertThresholds, isAlert, productAlertGroups, RuleGroup, SloSettings } from './alerts';
import { validateFor, withFor } from './alert-for';
import { DURATION_PATTERN, seconds } from './promql';
import { promtoolTests, PromtoolTestFile, renderRuleGroups } from './rule-files';

/** Props of {@link ProductAlerts}. */
export interface ProductAlertsProps {
  /** What the alerts watch: the product environment's APIs, containers, databases and Keycloak, with their selectors. */
  readonly targets: AlertTargets;
  /** Overrides of the platform's thresholds. @default - ALERT_DEFAULTS.thresholds */
  readonly thresholds?: Partial<AlertThresholds>;
  /** Overrides of the objectives (availability, window, latency, low-traffic guard). @default - ALERT_DEFAULTS.slo */
  readonly slo?: Partial<SloSettings>;
  /** Where the runbooks are: each alert's `runbook_url` is `<runbookBaseUrl>/<alert>.md`. */
  readonly runbookBaseUrl: string;
  /** Name of the PrometheusRules, each followed by `-<component>`. @default `<product>-alerts` */
  readonly name?: string;
  /**
   * Static labels every alert carries besides its own, for the platform's routing (e.g. `{ routing: Sev2 }`); the
   * labels the library sets (`product`, `environment`, `namespace`, `component`, `severity`) cannot be replaced.
   * @default - none
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * How long each named alert's condition must hold before it fires, replacing its own `for` (e.g.
   * `{ ContainerCpuHigh: '30m' }`); its promtool test is checked that much later. A name this catalogue does not
   * render is left alone (the product's own alerts take the same map).
   * @default - each alert's own `for`
   */
  readonly for?: Readonly<Record<string, string>>;
}

/** The labels each alert sets itself, which {@link ProductAlertsProps.labels} may not replace. */
const OWN_LABELS = ['product', 'environment', 'namespace', 'component', 'severity'];

/**
 * The alerts of one product environment, one PrometheusRule per component watched (`<product>-alerts-<component>`): the
 * platform's alert table, the availability objective's burn-rate alerts with their recording rules, the databases' and
 * Keycloak's alerts. Every alert carries `severity`, `summary`, `description` and `runbook_url`, and comes with a
 * promtool unit test ({@link ProductAlerts.tests}).
 */
export class ProductAlerts extends Construct {
  /** The thresholds in force (the platform's, under the overrides). */
  public readonly thresholds: AlertThresholds;
  /** The objective in force. */
  public readonly slo: SloSettings;
  /** The rule groups, each of one component's rules (`<product>-<environment>.<component>.<kind>`), with each alert's test. */
  public readonly groups: readonly RuleGroup[];
  /** Where the runbooks are. */
  public readonly runbookBaseUrl: string;
  /** The rendered PrometheusRules, by the component whose rules each holds. */
  public readonly resources: Readonly<Record<string, rules.PrometheusRule>>;

  constructor(scope: Construct, id: string, props: ProductAlertsProps) {
    super(scope, id);
    this.thresholds = { ...ALERT_DEFAULTS.thresholds, ...props.thresholds };
    this.slo = { ...ALERT_DEFAULTS.slo, ...props.slo };
    this.runbookBaseUrl = props.runbookBaseUrl;
    validate(this, this.thresholds, this.slo);
    validateLabels(this, props.labels ?? {});
    validateFor(this, props.for ?? {});
    const groups = productAlertGroups(props.targets, { thresholds: this.thresholds, slo: this.slo });
    const split = byComponent(withLabels(overrideFor(groups, props.for ?? {}), props.labels ?? {}));
    this.groups = [...split.values()].flat();
    const name = props.name ?? `${props.targets.product}-alerts`;
    const resources: Record<string, rules.PrometheusRule> = {};
    for (const [component, componentGroups] of split) {
      resources[component] = new rules.PrometheusRule(this, component, {
        metadata: { name: `${name}-${component}` },
        spec: {
          groups: renderRuleGroups(componentGroups, this.runbookBaseUrl).map((group) => ({
            name: group.name,
            rules: group.rules.map((rule) => ({ ...rule, expr: rules.PrometheusRuleSpecGroupsRulesExpr.fromString(rule.expr) })),
          })),
        },
      });
    }
    this.resources = resources;
  }

  /** Names of the alerts, once each, in rule order. */
  public get alertNames(): string[] {
    return [...new Set(this.groups.flatMap((g) => g.rules.filter(isAlert).map((r) => r.alert)))];
  }

  /** The promtool unit tests of every alert, reading the rendered groups from `ruleFile` (relative to the test files). */
  public tests(ruleFile: string): PromtoolTestFile[] {
    return promtoolTests(this.groups, this.runbookBaseUrl, ruleFile);
  }
}

/** Extra labels: names Prometheus accepts, none of the alerts' own. */
function validateLabels(scope: Construct, labels: Readonly<Record<string, string>>): void {
  const problems = new PropertyProblems(scope);
  for (const name of Object.keys(labels)) {
    if (OWN_LABELS.includes(name))
      problems.add(`labels.${name}`, 'is a label every alert sets itself', name, `use another name, not one of ${OWN_LABELS.join(', ')}`);
    else if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name) || name.startsWith('__'))
      problems.add(`labels.${name}`, 'is not a Prometheus label name', name, 'use letters, digits and underscores, not starting with a digit or __');
  }
  problems.throwIfAny();
}

/**
 * The groups split by the component each rule watches (its `component` label), in catalogue order: one PrometheusRule
 * per component, so that no object grows with the number of components (all of a product's alerts in one object passed
 * the API server's 262,144-byte limit at about 30 components), and Prometheus evaluates each component's groups on
 * their own. A group `<prefix>.<kind>` becomes `<prefix>.<component>.<kind>`: group names stay unique in a rule file.
 */
function byComponent(groups: readonly RuleGroup[]): Map<string, RuleGroup[]> {
  const split = new Map<string, RuleGroup[]>();
  for (const group of groups) {
    const dot = group.name.lastIndexOf('.');
    const rulesBy = new Map<string, Array<RuleGroup['rules'][number]>>();
    for (const rule of group.rules) {
      const component = rule.labels.component;
      if (component === undefined) throw new Error(`bug: the rule ${JSON.stringify(rule)} of ${group.name} names no component`);
      const list = rulesBy.get(component) ?? [];
      list.push(rule);
      rulesBy.set(component, list);
    }
    for (const [component, componentRules] of rulesBy) {
      const name = `${group.name.slice(0, dot)}.${component}${group.name.slice(dot)}`;
      const list = split.get(component) ?? [];
      list.push({ name, rules: componentRules });
      split.set(component, list);
    }
  }
  return split;
}

/** Every alert named in `durations` with that `for`, its test following it. */
function overrideFor(groups: readonly RuleGroup[], durations: Readonly<Record<string, string>>): RuleGroup[] {
  return groups.map((group) => ({
    ...group,
    rules: group.rules.map((rule) => (isAlert(rule) && durations[rule.alert] !== undefined ? withFor(rule, durations[rule.alert]) : rule)),
  }));
}

/** Every alert of the groups with the extra labels under its own; recording rules as they are. */
function withLabels(groups: readonly RuleGroup[], labels: Readonly<Record<string, string>>): RuleGroup[] {
  if (Object.keys(labels).length === 0) return [...groups];
  return groups.map((group) => ({
    ...group,
    rules: group.rules.map((rule) => (isAlert(rule) ? { ...rule, labels: { ...labels, ...rule.labels } } : rule)),
  }));
}

/** Percentages within (0, 100], positive limits, and an objective that leaves an error budget. */
function validate(scope: Construct, thresholds: AlertThresholds, slo: SloSettings): void {
  const problems = new PropertyProblems(scope);
  for (const [key, value] of Object.entries(thresholds) as Array<[keyof AlertThresholds, number]>) {
    const percent = key.endsWith('Percent') && key !== 'requestSpikePercent';
    if (!Number.isFinite(value) || value <= 0 || (percent && value > 100)) {
      problems.add(
        `thresholds.${key}`,
        percent ? 'must be a percentage above 0 and at most 100' : 'must be above 0',
        value,
        `use a number such as ${ALERT_DEFAULTS.thresholds[key]}`,
      );
    }
  }
  if (!(slo.availabilityPercent > 0 && slo.availabilityPercent < 100)) {
    problems.add(
      'slo.availabilityPercent',
      'must be above 0 and below 100 (100 % leaves no error budget to burn)',
      slo.availabilityPercent,
      'use an objective such as 99.5',
    );
  }
  validateObjectives(problems, slo);
  problems.throwIfAny();
}

/** The windows, the latency objective and the low-traffic guard. */
function validateObjectives(problems: PropertyProblems, slo: SloSettings): void {
  const windows = { 'slo.window': slo.window, ...(slo.latency?.window !== undefined ? { 'slo.latency.window': slo.latency.window } : {}) };
  for (const [field, window] of Object.entries(windows)) {
    // Burn windows are scaled from 30 days: below a day the 5-minute window would shrink under a scrape interval.
    if (!new RegExp(DURATION_PATTERN).test(window) || seconds(window) < 86400)
      problems.add(field, 'is not a window of at least a day', window, "use a duration such as '30d', '28d' or '7d'");
  }
  if (slo.latency !== undefined && !(slo.latency.percent > 0 && slo.latency.percent < 100))
    problems.add('slo.latency.percent', 'must be above 0 and below 100', slo.latency.percent, 'use an objective such as 99');
  if (slo.latency !== undefined && !(slo.latency.thresholdSeconds > 0))
    problems.add('slo.latency.thresholdSeconds', 'must be above 0', slo.latency.thresholdSeconds, 'use a bucket boundary such as 0.5');
  if (!(Number.isInteger(slo.minimumRequests) && slo.minimumRequests >= 0))
    problems.add('slo.minimumRequests', 'must be a whole number of at least 0', slo.minimumRequests, 'use 100, or 0 for no guard');
}
