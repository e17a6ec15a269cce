import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { CliIo, runCli } from '../../lib/program/cli';
import { verifyAlerts } from '../../lib/program/verify-alerts';

/**
 * A product's own additions (defineProduct's extend and alerts) as a team meets them: declared once in its main.ts, kept
 * by every command that writes the output.
 */

const REPO = path.join(__dirname, '..', '..');
const PROMTOOL = path.join(REPO, '.tools', 'bin', 'promtool');

/** The api-only example with a PrometheusRule of its own (extend), a JSON patch and an alert of its own with its cases. */
const PRODUCT = `
import { ApiObject, JsonPatch } from ${JSON.stringify(path.join(REPO, 'node_modules', 'cdk8s'))};
import { defineProduct } from ${JSON.stringify(path.join(REPO, 'lib'))};

export const orders = defineProduct({
  name: 'orders',
  components: { app: { kind: 'spring-boot', image: 'registry.eaf.example.com/orders/app', public: true, databases: ['db'] } },
  databases: { db: { version: '17.6' } },
  extend: (chart, environment) => {
    new ApiObject(chart, 'team-rules', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: 'orders-team-rules' },
      spec: { groups: [{ name: 'orders-team', rules: [{ record: 'orders:backlog:sum', expr: 'sum(orders_backlog)' }] }] },
    });
    for (const rule of Object.values(chart.alerts!.resources)) {
      ApiObject.of(rule).addJsonPatch(JsonPatch.add('/metadata/annotations', { 'orders.example.com/env': environment.name }));
    }
  },
  alerts: ({ namespace }) => [
    {
      alert: 'OrdersBacklogHigh',
      expr: \`sum(orders_backlog{namespace="\${namespace}"}) > 1000\`,
      for: '10m',
      severity: 'warning',
      summary: 'The order backlog of {{ $labels.component }} is above 1000',
      description: 'Orders wait in {{ $labels.namespace }}; see the queue dashboard.',
      component: 'app',
      labels: { priority: 'Sev2' },
      tests: {
        firing: [{ evalTime: '15m', series: [{ series: \`orders_backlog{namespace="\${namespace}"}\`, values: '1500x20' }] }],
        silent: [{ evalTime: '15m', series: [{ series: \`orders_backlog{namespace="\${namespace}"}\`, values: '900x20' }] }],
      },
    },
  ],
});
`;

describe('a product with its own additions', () => {
  let tmp: string;
  let lines: string[];
  const io = (): CliIo => ({
    log: (line) => lines.push(line),
    out: () => undefined,
    cwd: tmp,
    env: {},
    crdDirectory: path.join(REPO, 'crds'),
    version: '0.2.0',
  });
  /** The kind/name of every object of an environment's output. */
  const objects = (environment: string): Array<Record<string, any>> =>
    fs
      .readdirSync(path.join(tmp, 'dist', environment))
      .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(tmp, 'dist', environment, f), 'utf8')).map((d) => d.toJS()));
  const rule = (environment: string, name: string): Record<string, any> | undefined =>
    objects(environment).find((o) => o.kind === 'PrometheusRule' && o.metadata.name === name);
  const testNames = (environment: string): string[] =>
    JSON.parse(fs.readFileSync(path.join(tmp, 'dist', `${environment}.alert-tests.json`), 'utf8')).tests.map((t: { name: string }) => t.name);
  /** Every environment still has the team's rule, the own alert (and its test) and the patch. */
  const expectOwnAdditions = () => {
    for (const environment of ['dev', 'staging', 'production']) {
      expect(rule(environment, 'orders-team-rules')?.spec.groups[0].rules).toEqual([{ record: 'orders:backlog:sum', expr: 'sum(orders_backlog)' }]);
      expect(rule(environment, 'orders-own-alerts')?.spec.groups[0].rules.map((r: { alert: string }) => r.alert)).toEqual(['OrdersBacklogHigh']);
      expect(rule(environment, 'orders-alerts-app')?.metadata.annotations).toEqual({ 'orders.example.com/env': environment });
      expect(testNames(environment)).toContain('OrdersBacklogHigh--app.test.yaml');
    }
  };
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'extensions-'));
    lines = [];
    fs.cpSync(path.join(REPO, 'examples', 'api-only', 'environments'), path.join(tmp, 'environments'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'main.ts'), PRODUCT);
    expect(runCli(['synth'], io()), lines.join('\n')).toBe(0);
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('keeps them through synth, release, switch, rollback and promote', () => {
    // GIVEN the output of synth
    expectOwnAdditions();
    // WHEN each release command re-synthesises it THEN the team's additions are still there, in every environment
    for (const command of [
      ['release', 'staging', 'app', '1.1.0'],
      // staging's idle colour is smaller: the switch is two steps (grow it, then move the Services)
      ['switch', 'staging'],
      ['switch', 'staging'],
      // staging runs 1.1.0 now; after the rollback it would run 0.9.0, older than production's 1.0.0 (refused)
      ['promote', 'staging', 'production'],
      ['rollback', 'staging'],
    ]) {
      expect(runCli(command, io()), lines.join('\n')).toBe(0);
      expectOwnAdditions();
    }
  });

  test('renders the own alert with the library labels, runbook link and routing label', () => {
    const [own] = rule('staging', 'orders-own-alerts')!.spec.groups[0].rules;
    expect(own).toEqual({
      alert: 'OrdersBacklogHigh',
      expr: 'sum(orders_backlog{namespace="orders-staging"}) > 1000',
      for: '10m',
      labels: { product: 'orders', environment: 'staging', namespace: 'orders-staging', component: 'app', priority: 'Sev2', severity: 'warning' },
      annotations: {
        summary: 'The order backlog of app is above 1000',
        description: 'Orders wait in orders-staging; see the queue dashboard.',
        runbook_url: 'https://git.eaf.example.com/platform/eaf-cdk8s/-/blob/main/docs/runbooks/OrdersBacklogHigh.md',
      },
    });
    // the platform's monitoring labels reach it like the library's rule
    expect(rule('staging', 'orders-own-alerts')!.metadata.labels).toEqual(rule('staging', 'orders-alerts-app')!.metadata.labels);
  });

  test.skipIf(!fs.existsSync(PROMTOOL))(
    'passes the promtool tier: the own alert fires and stays silent as declared',
    () => {
      const [result] = verifyAlerts({ outdir: path.join(tmp, 'dist'), promtool: PROMTOOL, work: path.join(tmp, 'work'), environments: ['staging'] });
      expect(result.problems).toEqual([]);
      expect(result.ok).toBe(true);
      expect(fs.readdirSync(path.join(tmp, 'work', 'staging', 'tests'))).toContain('OrdersBacklogHigh--app.test.yaml');
    },
    120_000,
  );

  test('fails synth on a bad own alert, naming the alert and the field, and leaves the output as it was', () => {
    // GIVEN the product's alert with a `for` that is no duration
    const before = fs.readFileSync(path.join(tmp, 'dist', 'dev', 'orders.k8s.yaml'), 'utf8');
    // (a module of its own: this process has main.ts loaded already)
    fs.writeFileSync(path.join(tmp, 'bad.ts'), PRODUCT.replace("for: '10m'", "for: '10 minutes'"));
    lines = [];
    // WHEN synth runs THEN it refuses with the alert and the field, for every environment
    expect(runCli(['synth', '--product', 'bad.ts'], io())).toBe(1);
    const problem = (env: string) =>
      `environment ${env}: orders/${env}/own-alerts: alerts.OrdersBacklogHigh.for is not a Prometheus duration (got "10 minutes"); ` +
      "use a duration such as '5m' or '1h30m'";
    expect(lines).toContain(`error: synthesis failed:\n  ${['dev', 'production', 'staging'].map(problem).join('\n  ')}`);
    expect(fs.readFileSync(path.join(tmp, 'dist', 'dev', 'orders.k8s.yaml'), 'utf8')).toBe(before);
  });
});
