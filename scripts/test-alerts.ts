// The alert tier on DVMM's dist/ (CI): promtool checks every environment's rules, runs each alert's tests (written by
// synth beside the environment) and parses every dashboard query; the same code as `eaf-cdk8s verify dist --alerts`.
// Then a self-test proves the tier fails when it should, on a copy of dist/: an alert without its test, a shipped
// threshold that no longer matches its test, and a dashboard query that does not parse.
import { execFile } from 'child_process';
import { promisify } from 'util';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { ALERT_DEFAULTS, AlertTargets, ApiAlertTarget, productAlertGroups } from '../lib/observability/alerts';
import { ProductOwnAlerts } from '../lib/observability/own-alerts';
import { ProductAlerts } from '../lib/observability/product-alerts';
import { promtoolTests, renderRuleGroups } from '../lib/observability/rule-files';
import { Sli, SLI_PRESET_DEFINITIONS } from '../lib/observability/sli';
import { resolveSli } from '../lib/observability/sli-promql';
import { main } from '../lib/program/cli-main';
import { formatAlertsResult, verifyAlerts } from '../lib/program/verify-alerts';

const root = path.join(__dirname, '..');
const code = main(['verify', path.join(root, 'dist'), '--alerts']);
if (code !== 0) process.exit(code);

const execFileAsync = promisify(execFile);
const promtool = path.join(process.env.EAF_TOOLS_DIR ?? path.join(root, '.tools'), 'bin', 'promtool');
void selfTest();

async function selfTest(): Promise<void> {
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
          fs.writeFileSync(
            file,
            fs.readFileSync(file, 'utf8').replace(/(http_server_requests_seconds_bucket\{[^}]*\}\[5m\]\)\)\) > )1\n/, '$1100\n'),
          );
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
    // The longest promtool runs first (the overrides', about 24 s each here), two at a time: about 50 s instead of 100.
    const runs = await inPairs([...overrideRuns(scratch), ...presetRuns(scratch)]);
    failed += runs.filter((run) => !run).length;
    process.exitCode = failed === 0 ? 0 : 1;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** A promtool run of the self-test: prints its verdict, resolves to whether it passed. */
type PromtoolRun = () => Promise<boolean>;

/** Runs the promtool runs two at a time (they are CPU-bound, the machines have two cores), each printing as it ends. */
async function inPairs(runs: readonly PromtoolRun[]): Promise<boolean[]> {
  const results: boolean[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < runs.length) {
      const index = next++;
      results[index] = await runs[index]();
    }
  };
  await Promise.all([worker(), worker()]);
  return results;
}

/** A run of promtool's `check rules` and `test rules` in `dir`, printing its verdict; resolves to whether it passed. */
function promtoolRun(dir: string, label: string, files: ReadonlyArray<{ name: string; content: unknown }>): PromtoolRun {
  for (const file of files) fs.writeFileSync(path.join(dir, file.name), JSON.stringify(file.content));
  return async () => {
    try {
      await execFileAsync(promtool, ['check', 'rules', 'rules.yaml'], { cwd: dir });
      await execFileAsync(promtool, ['test', 'rules', ...files.map((t) => t.name)], { cwd: dir, maxBuffer: 64 << 20 });
      console.error(`PASS ${label}: ${files.length} alerts tested with promtool`);
      return true;
    } catch (e) {
      // promtool's verdict (a non-zero exit) is expected; anything else (no promtool) is not.
      if (!(e instanceof Error && typeof (e as { code?: unknown }).code === 'number')) throw e;
      const out = e as { stdout?: string; stderr?: string };
      console.error(`FAIL ${label}:\n${out.stdout ?? ''}${out.stderr ?? ''}`);
      return false;
    }
  };
}

/**
 * An environment's `for` (observability.alerting.for) replaces an alert's own and delays its test: every alert of the
 * catalogue (an API with a pool and a latency objective, a backed-up database with a replica, Keycloak) and an own
 * alert, each with a longer `for` (30m, so every test runs later) and with none (0s), through promtool.
 */
function overrideRuns(scratch: string): PromtoolRun[] {
  const ns = 'shop-prod';
  const targets: AlertTargets = {
    product: 'shop',
    environment: 'prod',
    namespace: ns,
    apis: [{ name: 'orders', metrics: { namespace: ns, job: 'orders' }, containers: { namespace: ns, container: 'api' }, connectionPool: true }],
    containers: [
      {
        name: 'orders',
        containers: { namespace: ns, container: 'api' },
        podPattern: 'orders-[a-z0-9]{5,10}-[a-z0-9]{5}',
        examplePod: 'orders-7d4b9c8f6-x2k9p',
      },
    ],
    databases: [
      {
        name: 'shop-db',
        metrics: { namespace: ns, job: 'shop-db' },
        instances: 2,
        volumes: { namespace: ns, claimPattern: 'shop-db-[0-9]+(-wal)?', exampleClaim: 'shop-db-1' },
        backup: { maxBackupAgeSeconds: 90000, rpoSeconds: 900 },
      },
    ],
    keycloak: { name: 'keycloak', metrics: { namespace: ns, job: 'keycloak' } },
  };
  const slo = { latency: { percent: 99, thresholdSeconds: 1 } };
  const backlog = {
    alert: 'OrdersBacklogHigh',
    expr: 'sum(orders_backlog) > 1000',
    severity: 'warning' as const,
    summary: 'The backlog is high',
    description: 'More than 1000 orders wait.',
    tests: {
      firing: [{ evalTime: '10m', series: [{ series: 'orders_backlog{queue="in"}', values: '1500x15' }] }],
      silent: [{ evalTime: '10m', series: [{ series: 'orders_backlog{queue="in"}', values: '900x15' }] }],
    },
  };
  const runs: PromtoolRun[] = [];
  for (const duration of ['30m', '0s']) {
    const names = new ProductAlerts(Testing.chart(), 'names', { targets, slo, runbookBaseUrl: 'https://r' }).alertNames;
    const durations = Object.fromEntries([...names, backlog.alert].map((name) => [name, duration]));
    const alerts = new ProductAlerts(Testing.chart(), 'alerts', { targets, slo, runbookBaseUrl: 'https://r', for: durations });
    const scope = { product: 'shop', environment: 'prod', namespace: ns, critical: true };
    const own = new ProductOwnAlerts(Testing.chart(), 'own', { alerts: [backlog], scope, runbookBaseUrl: 'https://r', for: durations });
    const dir = path.join(scratch, `for-${duration}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'rules.yaml'), JSON.stringify({ groups: renderRuleGroups([...alerts.groups, own.group], 'https://r') }));
    runs.push(promtoolRun(dir, `every alert with for ${duration}`, [...alerts.tests('rules.yaml'), ...own.tests('rules.yaml')]));
  }
  return runs;
}

/**
 * DVMM reads Spring Boot's metrics only: the objectives and request alerts of the other request-metrics presets and of
 * PromQL selectors (a counter split by a label, and two counters) are checked here with promtool, each with a latency
 * objective over its own window and the low-traffic guard, one component per rule file so each test evaluates only its own.
 */
function presetRuns(scratch: string): PromtoolRun[] {
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
  const runs: PromtoolRun[] = [];
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
    runs.push(promtoolRun(dir, `preset ${sli.source} (${name})`, promtoolTests(groups, 'https://r', 'rules.yaml')));
  }
  return runs;
}
