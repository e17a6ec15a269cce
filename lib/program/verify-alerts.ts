import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { noObjectsProblem, readManifestFolder } from './manifest-folder';

/**
 * The alert tier for any product: promtool checks the rules that ship (every PrometheusRule of `<outdir>/<env>/`),
 * runs the unit tests synth wrote beside each environment (`<outdir>/<env>.alert-tests.json`: for every alert a case
 * just above its threshold that must fire with its exact labels and annotations, and one just below that must stay
 * silent), fails on any shipped alert without both cases, and parses every PromQL query of the shipped dashboards.
 */

/** The result for one environment. */
export interface AlertsResult {
  readonly environment: string;
  readonly ok: boolean;
  /** Alerting rules that ship. */
  readonly alerts: number;
  /** Recording rules that ship. */
  readonly records: number;
  /** Test cases run: firing and silent. */
  readonly firingCases: number;
  readonly silentCases: number;
  /** Dashboard queries parsed. */
  readonly dashboardQueries: number;
  /** What failed: promtool's output, alerts without tests, unreadable input. */
  readonly problems: string[];
}

/** Options of {@link verifyAlerts}. */
export interface VerifyAlertsOptions {
  /** The output folder: `<outdir>/<env>/` manifests and `<outdir>/<env>.alert-tests.json`. */
  readonly outdir: string;
  /** The promtool binary. */
  readonly promtool: string;
  /** A scratch folder. */
  readonly work: string;
  /** Only these environments. @default - every folder of `outdir` */
  readonly environments?: string[];
}

/** A promtool test file as synth writes it. */
interface TestFile {
  readonly name: string;
  readonly content: {
    readonly tests: ReadonlyArray<{
      readonly alert_rule_test: ReadonlyArray<{
        readonly alertname: string;
        readonly exp_alerts: ReadonlyArray<{ readonly exp_labels: Record<string, string> }>;
      }>;
    }>;
  };
}

/** Grafana's built-in variables, replaced by a legal value so that promtool can parse the query. */
const GRAFANA_VARIABLES: ReadonlyArray<[RegExp, string]> = [
  [/\$__rate_interval|\$\{__rate_interval\}/g, '5m'],
  [/\$__interval|\$\{__interval\}/g, '1m'],
  [/\$__range|\$\{__range\}/g, '1h'],
];

/** Checks every environment of `outdir`; never throws on bad input (it becomes a problem). */
export function verifyAlerts(options: VerifyAlertsOptions): AlertsResult[] {
  const environments =
    options.environments ??
    fs
      .readdirSync(options.outdir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
  return environments.map((environment) => verifyEnvironment(environment, options));
}

/** A rule of a PrometheusRule as read from the output. */
interface ShippedRule {
  readonly alert?: string;
  readonly record?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/** A rule group of a PrometheusRule as read from the output. */
interface ShippedGroup {
  readonly name: string;
  readonly rules: ShippedRule[];
}

/** An object of the output, as far as this tier reads it. */
interface ShippedObject {
  readonly kind?: string;
  readonly spec?: { readonly groups?: ShippedGroup[]; readonly json?: unknown };
  readonly data?: Readonly<Record<string, unknown>>;
}

/** The test cases counted: in all, and by `<alert>|<test file>`. */
interface CaseCount {
  firingCases: number;
  silentCases: number;
  readonly byAlert: Map<string, { firing: number; silent: number }>;
}

function verifyEnvironment(environment: string, options: VerifyAlertsOptions): AlertsResult {
  const problems: string[] = [];
  const work = path.join(options.work, environment);
  fs.mkdirSync(path.join(work, 'tests'), { recursive: true });
  const dir = path.join(options.outdir, environment);
  const objects = readManifestFolder<ShippedObject>(dir) ?? [];
  if (!fs.existsSync(dir)) problems.push(`${dir} does not exist; run synth first`);
  else if (objects.length === 0) problems.push(noObjectsProblem(dir));
  const groups = objects.filter((o) => o.kind === 'PrometheusRule').flatMap((o) => o.spec?.groups ?? []);
  const rules = groups.flatMap((g) => g.rules);
  const alerts = rules.filter((r) => r.alert !== undefined);
  const count: CaseCount = { firingCases: 0, silentCases: 0, byAlert: new Map() };
  if (groups.length > 0) {
    const groupFile = writeRuleFiles(groups, work);
    const rulesFiles = groups.map((_, i) => path.join('rules', `${i + 1}.yaml`));
    promtool(options.promtool, ['check', 'rules', ...rulesFiles], work, `${environment}: promtool check rules`, problems);
    const testsFile = path.join(options.outdir, `${environment}.alert-tests.json`);
    const tests: TestFile[] = fs.existsSync(testsFile) ? (JSON.parse(fs.readFileSync(testsFile, 'utf8')) as { tests: TestFile[] }).tests : [];
    const written = writeTestFiles(environment, tests, groupFile, work, count, problems);
    problems.push(...untested(environment, alerts, count, path.basename(testsFile)));
    if (written.length > 0)
      promtool(
        options.promtool,
        ['test', 'rules', ...written.map((t) => path.join('tests', t.name))],
        work,
        `${environment}: promtool test rules`,
        problems,
      );
  }
  const queries = checkDashboardQueries(environment, objects, work, options.promtool, problems);
  return {
    environment,
    ok: problems.length === 0,
    alerts: alerts.length,
    records: rules.length - alerts.length,
    firingCases: count.firingCases,
    silentCases: count.silentCases,
    dashboardQueries: queries,
    problems,
  };
}

/**
 * One rule file per group, and each test reads only its alert's group: promtool evaluates every rule of the files a
 * test names at every step, and some tests span days. Returns the rule file of each alert's test file name.
 */
function writeRuleFiles(groups: readonly ShippedGroup[], work: string): Map<string, string> {
  const groupFile = new Map<string, string>();
  const seen = new Map<string, number>();
  fs.mkdirSync(path.join(work, 'rules'), { recursive: true });
  groups.forEach((group, i) => {
    const file = path.join('rules', `${i + 1}.yaml`);
    fs.writeFileSync(path.join(work, file), `${JSON.stringify({ groups: [group] }, null, 2)}\n`);
    for (const rule of group.rules) {
      if (rule.alert === undefined) continue;
      // Named as promtoolTests names them: the second rule of an alert and component (one per uptime URL) gets `--2`.
      const base = `${rule.alert}--${rule.labels?.component ?? 'all'}`;
      const nth = (seen.get(base) ?? 0) + 1;
      seen.set(base, nth);
      groupFile.set(`${base}${nth > 1 ? `--${nth}` : ''}.test.yaml`, file);
    }
  });
  return groupFile;
}

/** Writes the tests of alerts that ship, each reading its alert's rule file, and counts their cases; returns them. */
function writeTestFiles(
  environment: string,
  tests: readonly TestFile[],
  groupFile: ReadonlyMap<string, string>,
  work: string,
  count: CaseCount,
  problems: string[],
): TestFile[] {
  for (const test of tests) {
    const rules = groupFile.get(test.name);
    if (rules === undefined) {
      problems.push(`${environment}: ${test.name} tests an alert that does not ship in ${environment}/`);
      continue;
    }
    fs.writeFileSync(path.join(work, 'tests', test.name), `${JSON.stringify({ ...test.content, rule_files: [path.join('..', rules)] }, null, 2)}\n`);
    for (const check of test.content.tests.flatMap((group) => group.alert_rule_test)) {
      const firing = check.exp_alerts.length > 0;
      if (firing) count.firingCases++;
      else count.silentCases++;
      const key = `${check.alertname}|${test.name}`;
      const entry = count.byAlert.get(key) ?? { firing: 0, silent: 0 };
      count.byAlert.set(key, { firing: entry.firing + (firing ? 1 : 0), silent: entry.silent + (firing ? 0 : 1) });
    }
  }
  return tests.filter((t) => groupFile.has(t.name));
}

/** Every shipped alert without a case that fires and one that stays silent. */
function untested(environment: string, alerts: readonly ShippedRule[], count: CaseCount, testsFile: string): string[] {
  return alerts.flatMap((alert) => {
    const component = alert.labels?.component ?? 'all';
    const entry = count.byAlert.get(`${alert.alert}|${alert.alert}--${component}.test.yaml`);
    if (entry !== undefined && entry.firing > 0 && entry.silent > 0) return [];
    const missing = entry === undefined ? 'test' : entry.firing === 0 ? 'firing case' : 'silent case';
    return [
      `${environment}: alert ${alert.alert} (component ${component}) has no ${missing} in ${testsFile}; ` +
        'every alert needs a case that fires and one that stays silent',
    ];
  });
}

/** Parses every PromQL query of the shipped dashboards with promtool; returns how many there are. */
function checkDashboardQueries(environment: string, objects: readonly ShippedObject[], work: string, binary: string, problems: string[]): number {
  const queries = objects.flatMap(dashboardJson).flatMap((json) => collectExpressions(json));
  if (queries.length === 0) return 0;
  const records = queries.map((expr, i) => ({
    record: `dashboard:query_${i + 1}`,
    expr: GRAFANA_VARIABLES.reduce((q, [pattern, value]) => q.replace(pattern, value), expr),
  }));
  fs.writeFileSync(
    path.join(work, 'dashboard-queries.yaml'),
    `${JSON.stringify({ groups: [{ name: 'dashboard-queries', rules: records }] }, null, 2)}\n`,
  );
  promtool(binary, ['check', 'rules', 'dashboard-queries.yaml'], work, `${environment}: dashboard queries`, problems);
  return queries.length;
}

/** The dashboard models an object ships: a GrafanaDashboard's `spec.json`, or a sidecar ConfigMap's `*.json` entries. */
function dashboardJson(object: ShippedObject): unknown[] {
  const parse = (text: unknown) => {
    try {
      return typeof text === 'string' ? [JSON.parse(text)] : [];
    } catch {
      return [];
    }
  };
  if (object.kind === 'GrafanaDashboard') return parse(object.spec?.json);
  if (object.kind === 'ConfigMap')
    return Object.entries(object.data ?? {})
      .filter(([key]) => key.endsWith('.json'))
      .flatMap(([, text]) => parse(text));
  return [];
}

/** Every `expr` string in a dashboard model, in document order. */
function collectExpressions(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(collectExpressions);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, v]) =>
    key === 'expr' && typeof v === 'string' ? [v] : collectExpressions(v),
  );
}

function promtool(binary: string, args: string[], cwd: string, what: string, problems: string[]): void {
  const run = spawnSync(binary, args, { cwd, encoding: 'utf8' });
  if (run.error) {
    problems.push(`${what}: cannot run ${binary}: ${run.error.message}; build it with bash scripts/tools.sh promtool`);
  } else if (run.status !== 0) {
    problems.push(
      `${what} failed (exit ${run.status}):\n${`${run.stdout}${run.stderr}`
        .trim()
        .split('\n')
        .map((l) => `    ${l}`)
        .join('\n')}`,
    );
  }
}

/** The report lines of one environment. */
export function formatAlertsResult(r: AlertsResult): string[] {
  const head =
    `${r.ok ? 'PASS' : 'FAIL'} ${r.environment}: ${r.alerts} alerts and ${r.records} recording rules checked; ` +
    `${r.firingCases} firing and ${r.silentCases} silent test cases; ${r.dashboardQueries} dashboard queries parsed`;
  return [head, ...r.problems.map((p) => `  ${p}`)];
}
