// The alert tier on DVMM's dist/ (CI): promtool checks every environment's rules, runs each alert's tests (written by
// synth beside the environment) and parses every dashboard query; the same code as `eaf-cdk8s verify dist --alerts`.
// Then a self-test proves the tier fails when it should, on a copy of dist/: an alert without its test, a shipped
// threshold that no longer matches its test, and a dashboard query that does not parse.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
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
  process.exitCode = failed === 0 ? 0 : 1;
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}
