/**
 * Regenerates the README's generated sections: the allowed network flows per environment (from the
 * same connection record the NetworkPolicies are derived from), the validation gate's rules and the alerts with
 * their thresholds (from the same catalogue the PrometheusRules are rendered from).
 * `npm run docs`; CI fails when the README is stale.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { ALERT_DEFAULTS, EafProductChart, loadEnvironmentDirectory, validationRulesTable } from '../lib';
import { dvmm } from '../main';

const root = path.join(__dirname, '..');
const readme = path.join(root, 'README.md');

/** Replaces the text between `<!-- <name>:start ... -->` and `<!-- <name>:end -->`. */
function fill(text: string, name: string, content: string): string {
  const start = text.indexOf(`<!-- ${name}:start`);
  const startEnd = text.indexOf('-->', start) + 3;
  const end = text.indexOf(`<!-- ${name}:end -->`);
  if (start < 0 || end < startEnd) throw new Error(`README.md lacks the markers <!-- ${name}:start --> ... <!-- ${name}:end -->`);
  return `${text.slice(0, startEnd)}\n${content}\n${text.slice(end)}`;
}

const environments = loadEnvironmentDirectory(path.join(root, 'environments'), dvmm).map((f) => f.environment);
const charts = environments.map((environment) => new EafProductChart(new App(), dvmm.name, { product: dvmm, environment }));
const sections = charts.map((chart) => {
  const environment = chart.environment;
  const rows = chart.networkPolicies.flows.map((f) => `| ${f.from} | ${f.to} | ${f.ports} | ${f.reason} |`);
  return [`#### ${environment.name}`, '', '| from | to | ports | why |', '| --- | --- | --- | --- |', ...rows].join('\n');
});

/** Every alert once (as DVMM's production renders it, the fullest environment), with the thresholds in force. */
function alertTable(): string {
  const chart = charts.find((c) => c.environment.name === 'production') ?? charts[0];
  const seen = new Set<string>();
  const rows: string[] = [];
  for (const group of chart.alerts!.groups) {
    for (const rule of group.rules) {
      if (!('alert' in rule) || seen.has(rule.alert)) continue;
      seen.add(rule.alert);
      const summary = rule.summary.replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, label: string) => rule.labels[label] ?? `<${label}>`);
      rows.push(`| [${rule.alert}](docs/runbooks/${rule.alert}.md) | ${rule.severity} | ${rule.for} | ${summary.replace(/\|/g, '\\|')} |`);
    }
  }
  const thresholds = Object.entries(ALERT_DEFAULTS.thresholds).map(([key, value]) => `| \`observability.thresholds.${key}\` | ${value} |`);
  return [
    '| alert (runbook) | severity | for | fires when (DVMM production) |', '| --- | --- | --- | --- |', ...rows, '',
    '| setting | default |', '| --- | --- |', ...thresholds,
    `| \`observability.slo.availabilityPercent\` | ${ALERT_DEFAULTS.slo.availabilityPercent} |`,
    `| \`databases.<db>.rpo\` (and \`identity.database.rpo\`) | ${ALERT_DEFAULTS.rpo} |`,
  ].join('\n');
}

let text = fs.readFileSync(readme, 'utf8');
text = fill(text, 'alerts', alertTable());
text = fill(text, 'network-flows', sections.join('\n\n'));
text = fill(text, 'validation-rules', validationRulesTable());
fs.writeFileSync(readme, text);
console.log(`README.md: network flows of ${sections.length} environments, validation rules, alerts`);
