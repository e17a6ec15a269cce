import { Construct } from 'constructs';
import * as rules from '../../imports/monitoring-prometheusrule-monitoring.coreos.com';
import { PropertyProblems } from '../core/errors';
import { ALERT_DEFAULTS, AlertTargets, AlertThresholds, isAlert, productAlertGroups, RuleGroup, SloSettings } from './alerts';
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
  /** Name of the PrometheusRule. @default `<product>-alerts` */
  readonly name?: string;
}

/**
 * The alerts of one product environment as one PrometheusRule: the platform's alert table, the availability
 * objective's burn-rate alerts with their recording rules, the databases' and Keycloak's alerts. Every alert carries
 * `severity`, `summary`, `description` and `runbook_url`, and comes with a promtool unit test ({@link ProductAlerts.tests}).
 */
export class ProductAlerts extends Construct {
  /** The thresholds in force (the platform's, under the overrides). */
  public readonly thresholds: AlertThresholds;
  /** The objective in force. */
  public readonly slo: SloSettings;
  /** The rule groups, with each alert's test. */
  public readonly groups: readonly RuleGroup[];
  /** Where the runbooks are. */
  public readonly runbookBaseUrl: string;
  /** The rendered PrometheusRule. */
  public readonly resource: rules.PrometheusRule;

  constructor(scope: Construct, id: string, props: ProductAlertsProps) {
    super(scope, id);
    this.thresholds = { ...ALERT_DEFAULTS.thresholds, ...props.thresholds };
    this.slo = { ...ALERT_DEFAULTS.slo, ...props.slo };
    this.runbookBaseUrl = props.runbookBaseUrl;
    validate(this, this.thresholds, this.slo);
    this.groups = productAlertGroups(props.targets, { thresholds: this.thresholds, slo: this.slo });
    this.resource = new rules.PrometheusRule(this, 'Resource', {
      metadata: { name: props.name ?? `${props.targets.product}-alerts` },
      spec: {
        groups: renderRuleGroups(this.groups, this.runbookBaseUrl).map((group) => ({
          name: group.name,
          rules: group.rules.map((rule) => ({ ...rule, expr: rules.PrometheusRuleSpecGroupsRulesExpr.fromString(rule.expr) })),
        })),
      },
    });
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
