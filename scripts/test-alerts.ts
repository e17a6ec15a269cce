// The alert tier on DVMM's dist/ (CI): promtool checks every environment's rules, runs each alert's tests (written by
// synth beside the environment) and parses every dashboard query; the same code as `eaf-cdk8s verify dist --alerts`.
// Then a self-test proves the tier fails when it should, on a copy of dist/: an alert without its test, a shipped
// threshold that no longer matches its test, and a dashboard query that does not parse.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ALERT_DEFAULTS, ApiAlertTarget, productAlertGroups } from '../lib/observability/alerts';
import { promtoolTests, renderRuleGroups } from '../lib/observability/rule-files';
import { Sli, SLI_PRESET_DEFINITIONS } from '../lib/observability/sli';
import { resolveSli } from '../lib/observability/sli-promql';
import { main } from '../lib/program/cli-main';
import { formatAlertsResult, verifyAlerts } from '../lib/program/verify-alerts';

const root = path.join(__dirname, '..');
const code = main(['verify', path.join(root, 'dist'), '--alerts']);
if (code !== 0) process.exit(code);

const promtool = path.join(process.env.EAF_TOOLS_DIR ?? path.join(root, '.tools'), 'bin', 'promtool');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'eaf-alerts-self-test-'));
try {
  const cases: Array<[string, (dist: string) => void, RegExp]> = [
    [
      'an alert without its test',
      (dist) => {
        const file = path.join(dist, 'production.alert-tests.json');
        const record = JSON.parse(fs.readFileSync(file, 'utf8'));
        record.tests = record.tests.filter((t: { name: string }) => t.name !== 'PostgresHALost--dvmm-db.test.yaml');
        fs.writeFileSync(file, JSON.stringify(record));
      },
      /alert PostgresHALost \(component dvmm-db\) has no test/,
    ],
    [
      'a shipped threshold its test does not expect',
      (dist) => {
        const file = path.join(dist, 'production', 'dvmm.k8s.yaml');
        fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/(http_server_requests_seconds_bucket\{[^}]*\}\[5m\]\)\)\) > )1\n/, '$1100\n'));
      },
      /ApiLatencyP95High \(api\) fires just above its threshold/,
    ],
    [
      'a dashboard query that does not parse',
      (dist) => {
        const file = path.join(dist, 'production', 'dvmm.k8s.yaml');
        fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('[$__rate_interval]', '[$__rate_interval'));
      },
      /dashboard queries failed/,
    ],
  ];
  let failed = 0;
  for (const [name, breakIt, expected] of cases) {
    const dist = path.join(scratch, name.replace(/\W+/g, '-'));
    fs.cpSync(path.join(root, 'dist'), dist, { recursive: true });
    breakIt(dist);
    const [result] = verifyAlerts({ outdir: dist, promtool, work: path.join(dist, '.work'), environments: ['production'] });
    const text = formatAlertsResult(result).join('\n');
    const ok = !result.ok && expected.test(text);
    if (!ok) failed++;
    console.error(`${ok ? 'PASS' : 'FAIL'} self-test: ${name} ${ok ? 'fails the tier' : `was not caught as expected (${expected}):\n${text}`}`);
  }
  failed += presetsFail(scratch) ? 1 : 0;
  process.exitCode = failed === 0 ? 0 : 1;
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}

/**
 * DVMM reads Spring Boot's metrics only: the objectives and request alerts of the other request-metrics presets and of
 * PromQL selectors (a counter split by a label, and two counters) are checked here with promtool, each with a latency
 * objective over its own window and the low-traffic guard, one component per rule file so each test evaluates only its own.
 */
function presetsFail(scratch: string): boolean {
  const promql = (metrics: Parameters<typeof resolveSli>[0]): Sli => resolveSli(metrics).sli!;
  const slis: Record<string, Sli> = {
    otel: SLI_PRESET_DEFINITIONS.opentelemetry,
    prom: SLI_PRESET_DEFINITIONS.prometheus,
    grpc: promql({
      total: 'grpc_server_handled_total{grpc_type="unary"}',
      errors: 'grpc_server_handled_total{grpc_type="unary", grpc_code=~"Internal|Unavailable"}',
      latency: 'grpc_server_handling_seconds_bucket{grpc_type="unary"}',
    }),
    jobs: promql({ total: 'jobs_requests_total', errors: 'jobs_failures_total' }),
  };
  const slo = { ...ALERT_DEFAULTS.slo, latency: { percent: 99, thresholdSeconds: 1, window: '7d' } };
  let failed = false;
  for (const [name, sli] of Object.entries(slis)) {
    const dir = path.join(scratch, `preset-${name}`);
    fs.mkdirSync(dir, { recursive: true });
    const api: ApiAlertTarget = {
      name,
      metrics: { namespace: 'shop-prod', job: name },
      containers: { namespace: 'shop-prod', container: name },
      connectionPool: false,
      sli,
    };
    const targets = { product: 'shop', environment: 'prod', namespace: 'shop-prod', apis: [api], containers: [], databases: [] };
    const groups = productAlertGroups(targets, { thresholds: ALERT_DEFAULTS.thresholds, slo });
    fs.writeFileSync(path.join(dir, 'rules.yaml'), JSON.stringify({ groups: renderRuleGroups(groups, 'https://r') }));
    const tests = promtoolTests(groups, 'https://r', 'rules.yaml');
    for (const test of tests) fs.writeFileSync(path.join(dir, test.name), JSON.stringify(test.content));
    try {
      execFileSync(promtool, ['check', 'rules', 'rules.yaml'], { cwd: dir, stdio: 'pipe' });
      execFileSync(promtool, ['test', 'rules', ...tests.map((t) => t.name)], { cwd: dir, stdio: 'pipe' });
      console.error(`PASS preset ${sli.source} (${name}): ${tests.length} alerts tested with promtool`);
    } catch (e) {
      // promtool's verdict (a non-zero exit) is expected; anything else (no promtool) is not.
      if (!(e instanceof Error && typeof (e as { status?: unknown }).status === 'number')) throw e;
      failed = true;
      const out = e as { stdout?: Buffer; stderr?: Buffer };
      console.error(`FAIL preset ${sli.source} (${name}):\n${out.stdout?.toString() ?? ''}${out.stderr?.toString() ?? ''}`);
    }
  }
  return failed;
}
