import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { formatAlertsResult, verifyAlerts } from '../../lib/program/verify-alerts';

// The tier's own checks, apart from promtool's verdict (CI runs the real promtool: npm run test:alerts). `true` stands
// for a promtool that accepts every file, `false` for one that rejects them.
const REPO = path.join(__dirname, '..', '..');

describe('verifyAlerts', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-alerts-'));
    fs.cpSync(path.join(REPO, 'dist'), path.join(tmp, 'dist'), { recursive: true });
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const run = (promtool = 'true') =>
    verifyAlerts({ outdir: path.join(tmp, 'dist'), promtool, work: path.join(tmp, 'work'), environments: ['production'] })[0];

  test('counts the shipped alerts, recording rules, test cases and dashboard queries of an environment', () => {
    const result = run();
    expect(result).toEqual({
      environment: 'production',
      ok: true,
      // 3 of them the uptime alert, one per probed URL
      alerts: 33,
      // 7 error ratios and 4 counts of requests (the burn alerts' low-traffic guard)
      records: 11,
      firingCases: 33,
      // one more silent case for each burn alert: the firing ratio with too few requests
      silentCases: 35,
      dashboardQueries: 33,
      problems: [],
    });
    // One rule file per group, each test reading its alert's group only.
    // (the alerts come in one PrometheusRule per component: 10 groups in production)
    const rules = path.join(tmp, 'work', 'production', 'rules');
    expect(fs.readdirSync(rules).sort((a, b) => parseInt(a) - parseInt(b))).toEqual(Array.from({ length: 10 }, (_, i) => `${i + 1}.yaml`));
    const test = JSON.parse(fs.readFileSync(path.join(tmp, 'work', 'production', 'tests', 'KeycloakDown--keycloak.test.yaml'), 'utf8'));
    expect(test.rule_files).toHaveLength(1);
    const group = fs.readFileSync(path.join(rules, path.basename(test.rule_files[0])), 'utf8');
    expect(group).toContain('"alert": "KeycloakDown"');
    expect(group).not.toContain('"alert": "ApiAvailabilityLow"');
  });

  test('fails on a shipped alert without a test and on a test of an alert that does not ship', () => {
    const file = path.join(tmp, 'dist', 'production.alert-tests.json');
    const record = JSON.parse(fs.readFileSync(file, 'utf8'));
    const dropped = record.tests.find((t: { name: string }) => t.name === 'KeycloakDown--keycloak.test.yaml');
    record.tests = [...record.tests.filter((t: unknown) => t !== dropped), { ...dropped, name: 'KeycloakDown--other.test.yaml' }];
    fs.writeFileSync(file, JSON.stringify(record));
    expect(run().problems).toEqual([
      'production: KeycloakDown--other.test.yaml tests an alert that does not ship in production/',
      'production: alert KeycloakDown (component keycloak) has no test in production.alert-tests.json; every alert needs a case that fires and one that stays silent',
    ]);
  });

  test('reports what promtool rejects, with the step, and a missing promtool with the command that builds it', () => {
    const rejected = run('false');
    expect(rejected.ok).toBe(false);
    expect(rejected.problems.map((p) => p.split(' (exit')[0])).toEqual([
      'production: promtool check rules failed',
      'production: promtool test rules failed',
      'production: dashboard queries failed',
    ]);
    const missing = run(path.join(tmp, 'no-promtool'));
    expect(missing.problems[0]).toBe(
      `production: promtool check rules: cannot run ${path.join(tmp, 'no-promtool')}: spawnSync ${path.join(tmp, 'no-promtool')} ENOENT; build it with bash scripts/tools.sh promtool`,
    );
    expect(formatAlertsResult(missing)[0]).toBe(
      'FAIL production: 33 alerts and 11 recording rules checked; 33 firing and 35 silent test cases; 33 dashboard queries parsed',
    );
  });

  test('reports an environment folder that does not exist', () => {
    const [result] = verifyAlerts({ outdir: path.join(tmp, 'dist'), promtool: 'true', work: path.join(tmp, 'work'), environments: ['qa'] });
    expect(result.problems).toEqual([`${path.join(tmp, 'dist', 'qa')} does not exist; run synth first`]);
  });
});
