/**
 * Regenerates the generated sections of the docs (between `<!-- <name>:start -->` and `<!-- <name>:end -->`): the
 * allowed network flows per environment (from the same connection record the NetworkPolicies are derived from), the
 * validation gate's rules and the alerts with their thresholds (from the same catalogue the PrometheusRules are rendered
 * from), the Secrets each environment references with how each is provided (from the same inventory the ExternalSecrets
 * are rendered from); the layer table of docs/explanation/layers.md and CONTRIBUTING.md (from the layers
 * .dependency-cruiser.cjs enforces); the CLI reference (from the CLI's command table); the environment-file settings
 * (from the JSON Schema `eaf-cdk8s schema` prints for DVMM); and the package's figures (from `npm pack --dry-run --json`
 * after a build from scratch). `npm run docs`; CI fails when a file is stale (`npm run check:docs`).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { ALERT_DEFAULTS, EafProductChart, environmentSecrets, RECOVERY_DEFAULTS } from '../lib';
import { CLI_JSON_SCHEMAS, loadEnvironmentDirectory } from '../lib/program';
import { schemaFileText } from '../lib/program/schema-file';
import { validationRulesTable } from '../lib/gate';
import { dvmm } from '../main';
import { cliReference } from './cli-reference';
import { layerTable } from './layer-table';
import { settingsTable } from './settings-table';

const root = path.join(__dirname, '..');

/** Replaces the text between `<!-- <name>:start ... -->` and `<!-- <name>:end -->` (of `file`, for the message). */
function fill(text: string, name: string, content: string, file = 'README.md'): string {
  const start = text.indexOf(`<!-- ${name}:start`);
  const startEnd = text.indexOf('-->', start) + 3;
  const end = text.indexOf(`<!-- ${name}:end -->`);
  if (start < 0 || end < startEnd) throw new Error(`${file} lacks the markers <!-- ${name}:start --> ... <!-- ${name}:end -->`);
  return `${text.slice(0, startEnd)}\n${content}\n${text.slice(end)}`;
}

const environments = loadEnvironmentDirectory(path.join(root, 'environments'), dvmm).map((f) => f.environment);
const charts = environments.map((environment) => new EafProductChart(new App(), dvmm.name, { product: dvmm, environment, environments }));
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
      rows.push(`| [${rule.alert}](../runbooks/${rule.alert}.md) | ${rule.severity} | ${rule.for} | ${summary.replace(/\|/g, '\\|')} |`);
    }
  }
  const thresholds = Object.entries(ALERT_DEFAULTS.thresholds).map(([key, value]) => `| \`observability.thresholds.${key}\` | ${value} |`);
  return [
    '| alert (runbook) | severity | for | fires when (DVMM production) |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    '| setting | default |',
    '| --- | --- |',
    ...thresholds,
    `| \`observability.slo.availabilityPercent\` | ${ALERT_DEFAULTS.slo.availabilityPercent} |`,
    `| \`observability.slo.window\` | ${ALERT_DEFAULTS.slo.window} |`,
    `| \`observability.slo.minimumRequests\` (the low-traffic guard) | ${ALERT_DEFAULTS.slo.minimumRequests} |`,
    '| `observability.slo.latency` (`percent`, `thresholdSeconds`, `window`) | none |',
    `| \`databases.<db>.rpo\` (and \`identity.database.rpo\`) | ${RECOVERY_DEFAULTS.rpo} |`,
  ].join('\n');
}

/** Every Secret of every environment (from the same inventory the ExternalSecrets are rendered from): keys, readers, how it is provided. */
function secretsTable(): string {
  return environments
    .map((environment) => {
      const found = environmentSecrets(dvmm, environment, { environments });
      const settings = found.settings;
      const provider =
        settings.provider === 'external-secrets'
          ? `\`external-secrets\`: ${settings.store.kind} \`${settings.store.name}\`, read again every ${settings.refreshInterval}`
          : settings.provider === 'sealed-secrets'
            ? '`sealed-secrets`: committed SealedSecret files'
            : '`none`: created out of band';
      const rows = found.secrets.map(({ secret, provided }) => {
        const keys = `${secret.keys.map((k) => `\`${k}\``).join(', ')}${secret.wholeSecret ? ' (read whole)' : ''}`;
        const readers = [...new Set(secret.readers.map((r) => (r.container === undefined ? r.object : `${r.object} (${r.container})`)))].join(', ');
        return `| \`${secret.name}\`${secret.type === undefined ? '' : ` (${secret.type})`} | ${keys} | ${readers} | ${provided} |`;
      });
      return [
        `#### ${environment.name} (\`${found.namespace}\`), provider ${provider}`,
        '',
        '| Secret | keys | read by | provided by |',
        '| --- | --- | --- | --- |',
        ...rows,
      ].join('\n');
    })
    .join('\n\n');
}

/** What the tarball holds (`npm pack --dry-run --json` of a fresh build): files, sizes, the largest parts. */
function packageFigures(): string {
  execFileSync('bash', [path.join(root, 'scripts', 'build.sh')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const [pack] = JSON.parse(out) as Array<{ entryCount: number; size: number; unpackedSize: number; files: Array<{ path: string; size: number }> }>;
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;
  const parts = new Map<string, number>();
  for (const file of pack.files) {
    const part = file.path
      .split('/')
      .slice(0, file.path.startsWith('build/') || file.path.startsWith('scripts/') ? 2 : 1)
      .join('/');
    parts.set(part, (parts.get(part) ?? 0) + file.size);
  }
  const largest = [...parts.entries()]
    .sort(([, a], [, b]) => b - a)
    .slice(0, 3)
    .map(([part, size]) => `\`${part}\` ${mb(size)}`);
  return (
    `The tarball (\`npm pack --dry-run --json\`): ${pack.entryCount} files, ${mb(pack.size)} packed, ${mb(pack.unpackedSize)} unpacked; ` +
    `the largest parts unpacked: ${largest.join(', ')}.`
  );
}

/** The JSON Schema of each command's `--json` output (lib/program/cli-json.ts), as docs/reference/cli.md shows it. */
function cliJsonShapes(): string {
  return Object.entries(CLI_JSON_SCHEMAS)
    .map(([command, schema]) =>
      [`<details><summary><code>${command} --json</code></summary>`, '', '```json', JSON.stringify(schema, null, 2), '```', '', '</details>'].join(
        '\n',
      ),
    )
    .join('\n\n');
}

/** Fills one generated section of a Markdown file of the repository. */
function fillFile(file: string, name: string, content: string): void {
  const full = path.join(root, file);
  fs.writeFileSync(full, fill(fs.readFileSync(full, 'utf8'), name, content, file));
}

fillFile('docs/package.md', 'package-figures', packageFigures());
fillFile('docs/reference/alerts.md', 'alerts', alertTable());
fillFile('docs/explanation/network-policies.md', 'network-flows', sections.join('\n\n'));
fillFile('docs/reference/gate-rules.md', 'validation-rules', validationRulesTable({ admission: true }));
fillFile('docs/explanation/secrets.md', 'secrets', secretsTable());
fillFile('docs/explanation/layers.md', 'layers', layerTable());
fillFile('docs/reference/cli.md', 'json-shapes', cliJsonShapes());
fillFile('CONTRIBUTING.md', 'layers', layerTable());
fillFile('docs/reference/cli.md', 'cli-help', cliReference());
fillFile('docs/reference/environment-settings.md', 'environment-settings', settingsTable(JSON.parse(schemaFileText(dvmm))));
console.log(
  `docs: network flows of ${sections.length} environments, validation rules, alerts, secrets, package figures, CLI help, ` +
    'CLI JSON shapes, environment settings; docs/explanation/layers.md and CONTRIBUTING.md: layers',
);
