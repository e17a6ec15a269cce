import * as fs from 'fs';
import * as path from 'path';
import { ALERT_DEFAULTS } from '../../lib/observability/alerts';
import { alertGroups, find, Manifest, productChart, settingProblems, synth, synthProduct, testEnvironment } from '../util';

/** Every alert of the platform's catalogue that DVMM-shaped production renders (an API with a database, Keycloak, two backed-up databases of 3 instances). */
const EVERY_ALERT = [
  'ApiErrorBudgetBurnFast',
  'ApiErrorBudgetBurnSlow',
  'ApiAvailabilityLow',
  'ApiErrorRateHigh',
  'ApiLatencyP95High',
  'ApiLatencyP99High',
  'ApiConnectionPoolExhausted',
  'ApiRequestRateSpike',
  'ContainerCpuHigh',
  'ContainerMemoryHigh',
  'PostgresInstanceDown',
  'PostgresHALost',
  'PostgresConnectionsHigh',
  'PostgresReplicationLag',
  'PostgresDiskFilling',
  'PostgresWalArchivingFailing',
  'PostgresWalArchiveTooOld',
  'PostgresBackupTooOld',
  'KeycloakDown',
  'KeycloakLoginFailuresHigh',
];

const production = () =>
  testEnvironment({ databases: { db: { instances: 3, backup: { destinationPath: 's3://backups/app', credentialsSecret: 'backup-s3' } } } });
const rulesOf = (manifests: Manifest[]) => alertGroups(manifests, 'dvmm-alerts').flatMap((g: any) => g.rules);
const alertRule = (manifests: Manifest[], alert: string, component: string) =>
  rulesOf(manifests).find((r: any) => r.alert === alert && r.labels.component === component);

describe("a product environment's observability", () => {
  test('scrapes the API, Keycloak and both databases, each with a PodMonitor whose job is its name', () => {
    const manifests = synthProduct(production());
    const monitors = manifests.filter((m) => m.kind === 'PodMonitor');
    expect(monitors.map((m) => [m.metadata.name, m.spec.jobLabel, m.spec.selector.matchLabels, m.spec.podMetricsEndpoints])).toEqual([
      ['dvmm-db', 'cnpg.io/cluster', { 'cnpg.io/cluster': 'dvmm-db' }, [{ port: 'metrics' }]],
      ['keycloak-db', 'cnpg.io/cluster', { 'cnpg.io/cluster': 'keycloak-db' }, [{ port: 'metrics' }]],
      [
        'keycloak',
        'app.kubernetes.io/instance',
        { 'app': 'keycloak', 'app.kubernetes.io/instance': 'keycloak' },
        [{ portNumber: 9000, path: '/metrics' }],
      ],
      // Both colours: the selector has no colour label.
      ['api', 'app.kubernetes.io/name', { 'app.kubernetes.io/name': 'api' }, [{ portNumber: 8080, path: '/actuator/prometheus' }]],
    ]);
  });

  test('opens the monitoring namespace to exactly the scraped ports', () => {
    const chart = productChart(production());
    const ingress = synth(chart)
      .filter((m) => m.kind === 'NetworkPolicy')
      .flatMap((p) =>
        (p.spec.ingress ?? [])
          .filter((r: any) => JSON.stringify(r.from).includes('"monitoring"'))
          .map((r: any) => `${p.metadata.name}:${r.ports.map((x: any) => x.port).join(',')}`),
      );
    expect(ingress.sort()).toEqual(['api-ingress:8080', 'dvmm-db-ingress:9187', 'keycloak-db-ingress:9187', 'keycloak-ingress:9000']);
  });

  test('renders one PrometheusRule per component, with every alert of the catalogue, each with severity, summary, description, runbook', () => {
    const rules = rulesOf(synthProduct(production()));
    const alerts = rules.filter((r: any) => r.alert);
    expect([...new Set(alerts.map((r: any) => r.alert))].sort()).toEqual([...EVERY_ALERT].sort());
    for (const rule of alerts) {
      expect(['critical', 'warning']).toContain(rule.labels.severity);
      expect(rule.labels).toMatchObject({ product: 'dvmm', environment: 'production', namespace: 'dvmm-production' });
      expect(rule.annotations.summary.length).toBeGreaterThan(10);
      expect(rule.annotations.description.length).toBeGreaterThan(20);
      expect(rule.annotations.runbook_url).toBe(`${ALERT_DEFAULTS.runbookBaseUrl}/${rule.alert}.md`);
      // Prometheus templates see only the expression's labels: the rule's own are written in.
      expect(`${rule.annotations.summary} ${rule.annotations.description}`).not.toMatch(/\$labels\.(component|namespace|product|environment)/);
    }
  });

  test('has a runbook in docs/runbooks for every alert, with the sections an on-call engineer needs', () => {
    for (const alert of EVERY_ALERT) {
      const text = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'runbooks', `${alert}.md`), 'utf8');
      expect(text.startsWith(`# ${alert}\n`)).toBe(true);
      for (const section of ['## What it means', '## First checks', '## Mitigate']) expect(text).toContain(section);
    }
  });

  test("uses the platform's thresholds by default", () => {
    const manifests = synthProduct(production());
    // Users' requests only: the kubelet's probes and Prometheus's scrapes hit the actuator.
    expect(alertRule(manifests, 'ApiLatencyP95High', 'api').expr).toBe(
      'histogram_quantile(0.95, sum by (le) (rate(http_server_requests_seconds_bucket{namespace="dvmm-production", job="api", uri!~"/actuator/.*"}[5m]))) > 1',
    );
    expect(alertRule(manifests, 'ApiLatencyP99High', 'api').expr).toMatch(/^histogram_quantile\(0\.99, .*\) > 2$/);
    expect(alertRule(manifests, 'ApiErrorRateHigh', 'api').expr).toMatch(/ > 0\.05$/);
    expect(alertRule(manifests, 'ApiAvailabilityLow', 'api').expr).toMatch(/ < 0\.99$/);
    expect(alertRule(manifests, 'ContainerCpuHigh', 'api').expr).toMatch(/ > 0\.85$/);
    expect(alertRule(manifests, 'ContainerMemoryHigh', 'frontend').expr).toMatch(/ > 0\.9$/);
    expect(alertRule(manifests, 'ApiConnectionPoolExhausted', 'api').expr).toMatch(/ > 0\.9$/);
    expect(alertRule(manifests, 'ApiRequestRateSpike', 'api').expr).toContain(' > 1.5 * sum(rate(');
    expect(alertRule(manifests, 'PostgresWalArchiveTooOld', 'dvmm-db').expr).toMatch(
      / > 3600 and on \(\) max\(cnpg_collector_pg_wal_archive_status\{namespace="dvmm-production", job="dvmm-db", value="ready"\}\) > 0$/,
    );
    // The daily 02:00 schedule plus an hour of grace.
    expect(alertRule(manifests, 'PostgresBackupTooOld', 'dvmm-db').expr).toMatch(/ > 90000$/);
  });

  test('alerts on the 99.5 % objective at the four burn rates over their two windows each', () => {
    const manifests = synthProduct(production());
    const sel = '{namespace="dvmm-production", component="api"}';
    expect(alertRule(manifests, 'ApiErrorBudgetBurnFast', 'api').expr).toBe(
      `(eaf:api_server_errors:ratio_rate1h${sel} > 0.072 and eaf:api_server_errors:ratio_rate5m${sel} > 0.072 and eaf:api_requests:increase1h${sel} >= 100) or (eaf:api_server_errors:ratio_rate6h${sel} > 0.03 and eaf:api_server_errors:ratio_rate30m${sel} > 0.03 and eaf:api_requests:increase6h${sel} >= 100)`,
    );
    expect(alertRule(manifests, 'ApiErrorBudgetBurnSlow', 'api').expr).toBe(
      `(eaf:api_server_errors:ratio_rate1d${sel} > 0.015 and eaf:api_server_errors:ratio_rate2h${sel} > 0.015 and eaf:api_requests:increase1d${sel} >= 100) or (eaf:api_server_errors:ratio_rate3d${sel} > 0.005 and eaf:api_server_errors:ratio_rate6h${sel} > 0.005 and eaf:api_requests:increase3d${sel} >= 100)`,
    );
    const records = rulesOf(manifests).filter((r: any) => r.record);
    expect(records.map((r: any) => r.record)).toEqual([
      ...['5m', '1h', '30m', '6h', '2h', '1d', '3d'].map((w) => `eaf:api_server_errors:ratio_rate${w}`),
      ...['1h', '6h', '1d', '3d'].map((w) => `eaf:api_requests:increase${w}`),
    ]);
    expect(records[0].expr).toBe(
      'sum(rate(http_server_requests_seconds_count{namespace="dvmm-production", job="api", uri!~"/actuator/.*", outcome="SERVER_ERROR"}[5m])) / sum(rate(http_server_requests_seconds_count{namespace="dvmm-production", job="api", uri!~"/actuator/.*"}[5m]))',
    );
  });

  test('an overridden P95 threshold changes only that rule', () => {
    const before = rulesOf(synthProduct(production()));
    const after = rulesOf(synthProduct({ ...production(), observability: { thresholds: { latencyP95Seconds: 0.5 } } }));
    const changed = after.map((rule: any, i: number) => [rule, before[i]]).filter(([a, b]: any[]) => JSON.stringify(a) !== JSON.stringify(b));
    expect(changed.map(([a]: any[]) => a.alert)).toEqual(['ApiLatencyP95High']);
    expect(changed[0][0].expr).toBe(changed[0][1].expr.replace(/ > 1$/, ' > 0.5'));
  });

  test("alerts on the database's RPO and scales the objective from the environment", () => {
    const env = production();
    const manifests = synthProduct({
      ...env,
      databases: { db: { ...env.databases!.db, rpo: '15m' } },
      observability: { slo: { availabilityPercent: 99.9 } },
    });
    expect(alertRule(manifests, 'PostgresWalArchiveTooOld', 'dvmm-db').expr).toContain(') > 900 and on () ');
    expect(alertRule(manifests, 'PostgresWalArchiveTooOld', 'keycloak-db').expr).toContain(') > 3600 and on () ');
    expect(alertRule(manifests, 'ApiErrorBudgetBurnFast', 'api').expr).toContain(' > 0.0144 and ');
  });

  test('leaves out what a small environment does not have: HA with one instance, backups without a backup', () => {
    const manifests = synthProduct(
      testEnvironment({
        name: 'dev',
        critical: false,
        databases: {},
        identity: {},
        release: { strategy: 'rolling' },
        components: { api: { tag: '1.0.0' }, frontend: { tag: '1.0.0' } },
      }),
    );
    const alerts = rulesOf(manifests).filter((r: any) => r.alert);
    expect(alerts.filter((r: any) => r.labels.component === 'dvmm-db').map((r: any) => r.alert)).toEqual([
      'PostgresInstanceDown',
      'PostgresConnectionsHigh',
      'PostgresReplicationLag',
      'PostgresDiskFilling',
    ]);
    // Rolling pods are <name>-<hash>-<suffix>.
    expect(alertRule(manifests, 'ContainerCpuHigh', 'api').expr).toContain('pod=~"api-(blue-|green-)?[a-z0-9]{5,10}-[a-z0-9]{5}"');
  });

  test('routes critical alerts to the paging receiver and the rest to chat, by Secret reference', () => {
    const manifests = synthProduct({
      ...production(),
      observability: {
        alerting: {
          paging: { kind: 'pagerduty', routingKey: { secretName: 'alerting', key: 'pd' } },
          chat: { kind: 'webhook', url: { secretName: 'alerting', key: 'hook' } },
        },
      },
    });
    const config = find(manifests, 'AlertmanagerConfig', 'dvmm-alerts');
    expect(config.spec).toEqual({
      route: {
        receiver: 'chat',
        groupBy: ['alertname', 'environment'],
        groupWait: '30s',
        groupInterval: '5m',
        repeatInterval: '4h',
        routes: [{ receiver: 'paging', matchers: [{ name: 'severity', value: 'critical', matchType: '=' }] }],
      },
      receivers: [
        { name: 'paging', pagerdutyConfigs: [{ routingKey: { name: 'alerting', key: 'pd' }, sendResolved: true }] },
        { name: 'chat', webhookConfigs: [{ urlSecret: { name: 'alerting', key: 'hook' }, sendResolved: true }] },
      ],
    });
    expect(synthProduct(production()).filter((m) => m.kind === 'AlertmanagerConfig')).toEqual([]);
  });

  test('probes every public host through the blackbox exporter when the environment names it', () => {
    const manifests = synthProduct({ ...production(), observability: { probes: { proberUrl: 'blackbox.monitoring.svc:9115', interval: '1m' } } });
    expect(find(manifests, 'Probe', 'dvmm-uptime').spec).toEqual({
      jobName: 'dvmm-uptime',
      prober: { url: 'blackbox.monitoring.svc:9115' },
      module: 'http_2xx',
      interval: '1m',
      targets: { staticConfig: { static: ['https://app.example.com/', 'https://api.example.com/', 'https://auth.example.com/'] } },
    });
    expect(synthProduct(production()).filter((m) => m.kind === 'Probe')).toEqual([]);
  });

  test("labels every monitor, rule and probe for the platform's Prometheus, and moves the monitoring edge to its namespace", () => {
    const manifests = synthProduct({
      ...production(),
      observability: {
        monitoring: { namespace: 'observability', labels: { release: 'prometheus' } },
        probes: { proberUrl: 'blackbox.observability.svc:9115' },
      },
    });
    const labelled = manifests.filter((m) => m.metadata.labels?.release === 'prometheus').map((m) => m.kind);
    expect([...new Set(labelled)].sort()).toEqual(['PodMonitor', 'Probe', 'PrometheusRule']);
    expect(labelled.filter((k) => k === 'PodMonitor')).toHaveLength(4);
    const apiIngress = find(manifests, 'NetworkPolicy', 'api-ingress').spec.ingress;
    expect(apiIngress).toContainEqual({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } } }],
      ports: [{ port: 8080, protocol: 'TCP' }],
    });
  });

  test('delivers dashboards for the API, PostgreSQL and Keycloak as sidecar ConfigMaps, or as GrafanaDashboards', () => {
    const configMaps = synthProduct(production()).filter((m) => m.kind === 'ConfigMap' && m.metadata.labels?.grafana_dashboard === '1');
    expect(configMaps.map((m) => m.metadata.name)).toEqual(['dvmm-production-api', 'dvmm-production-postgresql', 'dvmm-production-keycloak']);
    const operator = synthProduct({ ...production(), observability: { dashboards: { delivery: 'grafana-operator', folder: 'EAF' } } }).filter(
      (m) => m.kind === 'GrafanaDashboard',
    );
    expect(operator.map((m) => [m.metadata.name, m.spec.folder])).toEqual([
      ['dvmm-production-api', 'EAF'],
      ['dvmm-production-postgresql', 'EAF'],
      ['dvmm-production-keycloak', 'EAF'],
    ]);
  });

  test('fails on a threshold the schema lets through but the alert cannot use, naming the setting', () => {
    expect(
      settingProblems(() => productChart({ ...production(), observability: { thresholds: { cpuPercent: 120 }, slo: { availabilityPercent: 100 } } })),
    ).toEqual([
      'observability.thresholds.cpuPercent: must be a percentage above 0 and at most 100 (got 120); use a number such as 85',
      'observability.slo.availabilityPercent: must be above 0 and below 100 (100 % leaves no error budget to burn) (got 100); use an objective such as 99.5',
    ]);
  });
});
