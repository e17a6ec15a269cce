import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { shop } from '../../examples/node-web/main';
import { synthesizeProduct } from '../../lib/program';
import { alertGroups } from '../util';

const EXAMPLE = path.join(__dirname, '..', '..', 'examples', 'node-web');

/** The objects of one environment folder. */
function objects(dist: string, environment: string): any[] {
  const dir = path.join(dist, environment);
  return fs.readdirSync(dir).flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJS()));
}

describe('the Node API + nginx example (examples/node-web): external OIDC, SLOs, canary by metrics, auto-sync, a DR replica', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'node-web-'));
  const dist = path.join(tmp, 'dist');
  const lines: string[] = [];
  const code = synthesizeProduct(shop, {
    environmentsDir: path.join(EXAMPLE, 'environments'),
    outdir: dist,
    crdDirectory: path.join(__dirname, '..', '..', 'crds'),
    log: (l) => lines.push(l),
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const find = (env: string, kind: string, name: string) => objects(dist, env).find((o) => o.kind === kind && o.metadata.name === name);

  test('synthesises its four environments through the gate', () => {
    expect(code).toBe(0);
    expect(
      fs
        .readdirSync(dist)
        .filter((f) => !f.includes('.'))
        .sort(),
    ).toEqual(['argocd', 'dev', 'dr', 'production', 'staging']);
  });

  test("production's rules page on the http API's error and latency budgets, read from OpenTelemetry's metrics", () => {
    const groups = alertGroups(objects(dist, 'production'), 'shop-alerts');
    const alerts = groups.flatMap((g: any) => g.rules).filter((r: any) => r.alert !== undefined);
    const burn = alerts.filter((r: any) => /BudgetBurn/.test(r.alert) && r.labels.component === 'api');
    expect(burn.map((r: any) => r.alert).sort()).toEqual([
      'ApiErrorBudgetBurnFast',
      'ApiErrorBudgetBurnSlow',
      'ApiLatencyBudgetBurnFast',
      'ApiLatencyBudgetBurnSlow',
    ]);
    const records = groups.flatMap((g: any) => g.rules).filter((r: any) => r.record !== undefined);
    expect(records.some((r: any) => r.expr.includes('http_server_request_duration_seconds_count'))).toBe(true);
  });

  test("each canary step of the API is analysed by its new pods' error ratio and P95 latency", () => {
    const rollout = find('production', 'Rollout', 'api');
    const steps = rollout.spec.strategy.canary.steps;
    expect(steps.some((s: any) => s.analysis !== undefined)).toBe(true);
    const template = find(
      'production',
      'AnalysisTemplate',
      rollout.spec.strategy.canary.steps.find((s: any) => s.analysis).analysis.templates[0].templateName,
    );
    const queries = template.spec.metrics.filter((m: any) => m.provider.prometheus !== undefined);
    expect(queries.map((m: any) => m.successCondition)).toEqual(['result[0] <= 0.01', 'result[0] <= 0.5']);
    for (const m of queries) expect(m.provider.prometheus.query).toContain('rollouts_pod_template_hash="{{args.pod-template-hash}}"');
  });

  test("dr's database follows production's archive as a replica, and Argo CD syncs every environment by itself", () => {
    const cluster = find('dr', 'Cluster', 'shop-db');
    expect(cluster.spec.replica).toMatchObject({ enabled: true });
    const apps = objects(dist, 'argocd').filter((o) => o.kind === 'Application' && o.metadata.labels?.['eaf.io/environment'] !== undefined);
    expect(apps.map((a) => [a.metadata.name, a.spec.syncPolicy.automated !== undefined])).toEqual([
      ['shop-dev', true],
      ['shop-dr', true],
      ['shop-production', true],
      ['shop-staging', true],
    ]);
    expect(lines.filter((l) => l.startsWith('waived: argocd:')).length).toBe(2);
  });

  test("production and dr call the payment provider by host name: the API's pods leave on 443, OpenShift's EgressFirewall narrows it", () => {
    for (const env of ['production', 'dr']) {
      const rules = find(env, 'EgressFirewall', 'default').spec.egress;
      expect(rules).toContainEqual({ type: 'Allow', to: { dnsName: 'api.payments.example.com' }, ports: [{ port: 443, protocol: 'TCP' }] });
      expect(rules[rules.length - 1]).toEqual({ type: 'Deny', to: { cidrSelector: '0.0.0.0/0' } });
      expect(find(env, 'NetworkPolicy', 'api-egress').spec.egress).toContainEqual({
        to: [{ ipBlock: { cidr: '0.0.0.0/0' } }],
        ports: [{ port: 443, protocol: 'TCP' }],
      });
    }
    // THEN staging (OpenShift, no host-named egress) and dev (Kubernetes) have no firewall
    expect(objects(dist, 'staging').filter((o) => o.kind === 'EgressFirewall')).toEqual([]);
    expect(objects(dist, 'dev').filter((o) => o.kind === 'EgressFirewall')).toEqual([]);
  });
});
