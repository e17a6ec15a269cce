import { Testing } from 'cdk8s';
import {
  dashboardQueries,
  DashboardInput,
  DashboardModel,
  dashboardUid,
  MAX_DASHBOARD_UID_LENGTH,
  productDashboards,
  ProductDashboards,
} from '../../lib/observability/dashboards';

type Panel = {
  type: string;
  id: number;
  title: string;
  datasource?: { type: string; uid: string };
  targets?: Array<{ expr: string; refId: string; datasource?: { type: string; uid: string } }>;
  gridPos: { x: number; y: number; w: number; h: number };
};

const API = { name: 'api', metrics: 'namespace="dvmm-production", job="api"', containers: 'namespace="dvmm-production", container="api"' };
const DB = {
  name: 'dvmm-db',
  metrics: 'namespace="dvmm-production", cnpg_io_cluster="dvmm-db"',
  volumes: 'namespace="dvmm-production", persistentvolumeclaim=~"dvmm-db-[0-9]+"',
};
const KEYCLOAK = { name: 'keycloak', metrics: 'namespace="dvmm-production", job="keycloak"' };
const DVMM: DashboardInput = {
  product: 'dvmm',
  environment: 'production',
  namespace: 'dvmm-production',
  apis: [API],
  databases: [DB],
  keycloak: KEYCLOAK,
};

function panelsOf(dashboard: DashboardModel): Panel[] {
  return dashboard.json.panels as Panel[];
}

function byKind(dashboards: DashboardModel[], kind: string): DashboardModel {
  const found = dashboards.find((d) => d.uid.endsWith(`-${kind}`));
  if (!found) throw new Error(`no ${kind} dashboard among ${dashboards.map((d) => d.uid).join(', ')}`);
  return found;
}

describe('productDashboards', () => {
  test("renders DVMM's dashboards as reviewed (the snapshot shows every change of a panel, a query, a unit or a text)", () => {
    expect(productDashboards(DVMM).map((d) => d.json)).toMatchSnapshot();
  });

  test('gives DVMM an API, a PostgreSQL and a Keycloak dashboard, titled, tagged and timed', () => {
    // WHEN
    const dashboards = productDashboards(DVMM);
    // THEN
    expect(dashboards.map((d) => [d.uid, d.title])).toEqual([
      ['dvmm-production-api', 'DVMM production - API'],
      ['dvmm-production-postgresql', 'DVMM production - PostgreSQL'],
      ['dvmm-production-keycloak', 'DVMM production - Keycloak'],
    ]);
    for (const d of dashboards) {
      expect(d.json).toMatchObject({
        uid: d.uid,
        title: d.title,
        tags: ['dvmm', 'production', 'eaf'],
        time: { from: 'now-6h', to: 'now' },
        refresh: '1m',
        editable: false,
      });
      // Grafana assigns the numeric id of its own database; a generated model carries none.
      expect(d.json.id).toBeUndefined();
      expect(d.json.version).toBeUndefined();
    }
  });

  test('the API dashboard shows the golden signals, saturation and the connection pool of the API', () => {
    // WHEN
    const api = byKind(productDashboards(DVMM), 'api');
    // THEN
    const m = API.metrics;
    const c = API.containers;
    expect(panelsOf(api).map((p) => p.title)).toEqual([
      'api',
      'api - Traffic',
      'api - Errors',
      'api - Latency',
      'api - CPU of limit',
      'api - Memory of limit',
      'api - Connection pool',
    ]);
    expect(dashboardQueries(api)).toEqual([
      `sum(rate(http_server_requests_seconds_count{${m}, uri!~"/actuator/.*"}[$__rate_interval]))`,
      `(sum(rate(http_server_requests_seconds_count{${m}, uri!~"/actuator/.*", outcome="SERVER_ERROR"}[$__rate_interval])) or vector(0)) / sum(rate(http_server_requests_seconds_count{${m}, uri!~"/actuator/.*"}[$__rate_interval]))`,
      `histogram_quantile(0.5, sum by (le) (rate(http_server_requests_seconds_bucket{${m}, uri!~"/actuator/.*"}[$__rate_interval])))`,
      `histogram_quantile(0.95, sum by (le) (rate(http_server_requests_seconds_bucket{${m}, uri!~"/actuator/.*"}[$__rate_interval])))`,
      `histogram_quantile(0.99, sum by (le) (rate(http_server_requests_seconds_bucket{${m}, uri!~"/actuator/.*"}[$__rate_interval])))`,
      `sum by (pod) (rate(container_cpu_usage_seconds_total{${c}}[$__rate_interval])) / sum by (pod) (kube_pod_container_resource_limits{${c}, resource="cpu"})`,
      `sum by (pod) (container_memory_working_set_bytes{${c}}) / sum by (pod) (kube_pod_container_resource_limits{${c}, resource="memory"})`,
      `sum by (pod) (hikaricp_connections_active{${m}}) / sum by (pod) (hikaricp_connections_max{${m}})`,
    ]);
    const latency = panelsOf(api).find((p) => p.title === 'api - Latency');
    expect(latency?.targets?.map((t) => t.refId)).toEqual(['A', 'B', 'C']);
  });

  test('the PostgreSQL dashboard shows CloudNativePG connections, replication, archiving, backups, disk and instances', () => {
    // WHEN
    const postgres = byKind(productDashboards(DVMM), 'postgresql');
    // THEN
    const m = DB.metrics;
    const v = DB.volumes;
    expect(dashboardQueries(postgres)).toEqual([
      `cnpg_collector_up{${m}}`,
      `sum by (pod) (cnpg_backends_total{${m}})`,
      `max(cnpg_pg_settings_setting{${m}, name="max_connections"})`,
      `max by (pod) (cnpg_pg_replication_lag{${m}})`,
      `sum(rate(cnpg_pg_stat_archiver_archived_count{${m}}[$__rate_interval]))`,
      `sum(rate(cnpg_pg_stat_archiver_failed_count{${m}}[$__rate_interval]))`,
      `cnpg_pg_stat_archiver_seconds_since_last_archival{${m}}`,
      `time() - max(barman_cloud_cloudnative_pg_io_last_available_backup_timestamp{${m}} > 0)`,
      `time() - max(barman_cloud_cloudnative_pg_io_last_failed_backup_timestamp{${m}} > 0)`,
      `sum by (persistentvolumeclaim) (kubelet_volume_stats_used_bytes{${v}}) / sum by (persistentvolumeclaim) (kubelet_volume_stats_capacity_bytes{${v}})`,
    ]);
    expect(panelsOf(postgres).find((p) => p.title === 'dvmm-db - Instances up')?.type).toBe('stat');
  });

  test('the Keycloak dashboard shows up, requests, 5xx ratio, login failures and heap', () => {
    // WHEN
    const keycloak = byKind(productDashboards(DVMM), 'keycloak');
    // THEN
    const m = KEYCLOAK.metrics;
    expect(dashboardQueries(keycloak)).toEqual([
      `up{${m}}`,
      `sum(rate(http_server_requests_seconds_count{${m}}[$__rate_interval]))`,
      `(sum(rate(http_server_requests_seconds_count{${m}, status=~"5.."}[$__rate_interval])) or vector(0)) / sum(rate(http_server_requests_seconds_count{${m}}[$__rate_interval]))`,
      `sum(rate(keycloak_credentials_password_hashing_validations_total{${m}, outcome="invalid"}[$__rate_interval]))`,
      `sum by (pod) (jvm_memory_used_bytes{${m}, area="heap"})`,
    ]);
  });

  test("every query selects its component: no query of one dashboard reads another component's series", () => {
    // GIVEN
    const selectors: Record<string, string[]> = {
      api: [API.metrics, API.containers],
      postgresql: [DB.metrics, DB.volumes],
      keycloak: [KEYCLOAK.metrics],
    };
    // WHEN
    const dashboards = productDashboards(DVMM);
    // THEN
    for (const [kind, own] of Object.entries(selectors)) {
      const queries = dashboardQueries(byKind(dashboards, kind));
      expect(queries.length).toBeGreaterThan(0);
      for (const query of queries) {
        const braces = [...query.matchAll(/\{([^}]*)\}/g)].map((match) => match[1]);
        expect(braces.length).toBeGreaterThan(0);
        for (const inside of braces) expect(own.some((s) => inside.startsWith(s))).toBe(true);
      }
    }
  });

  test('takes its data source from a Prometheus data-source variable, in every panel and every target', () => {
    // WHEN
    const dashboards = productDashboards(DVMM);
    // THEN
    for (const d of dashboards) {
      expect((d.json.templating as { list: unknown[] }).list).toEqual([
        expect.objectContaining({ type: 'datasource', name: 'datasource', query: 'prometheus' }),
      ]);
      const panels = panelsOf(d).filter((p) => p.type !== 'row');
      expect(panels.length).toBeGreaterThan(0);
      for (const panel of panels) {
        expect(panel.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
        expect(panel.targets?.length).toBeGreaterThan(0);
        for (const target of panel.targets ?? []) expect(target.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      }
    }
  });

  test('a product with two APIs gets a row for each, with its own panels below it', () => {
    // GIVEN
    const worker = {
      name: 'worker',
      metrics: 'namespace="dvmm-production", job="worker"',
      containers: 'namespace="dvmm-production", container="worker"',
    };
    // WHEN
    const api = byKind(productDashboards({ ...DVMM, apis: [API, worker] }), 'api');
    // THEN
    const panels = panelsOf(api);
    const rows = panels.filter((p) => p.type === 'row');
    expect(rows.map((r) => r.title)).toEqual(['api', 'worker']);
    const workerRow = panels.indexOf(rows[1]);
    expect(panels.slice(1, workerRow).every((p) => p.title.startsWith('api - '))).toBe(true);
    expect(panels.slice(workerRow + 1).map((p) => p.title)).toEqual([
      'worker - Traffic',
      'worker - Errors',
      'worker - Latency',
      'worker - CPU of limit',
      'worker - Memory of limit',
      'worker - Connection pool',
    ]);
    for (const panel of panels.slice(workerRow + 1)) {
      for (const target of panel.targets ?? []) expect(target.expr).toMatch(/job="worker"|container="worker"/);
      expect(panel.gridPos.y).toBeGreaterThan(rows[1].gridPos.y);
    }
    // Rows follow each other down the grid; panel ids are unique and numbered in order.
    expect(rows[1].gridPos.y).toBeGreaterThan(rows[0].gridPos.y);
    expect(panels.map((p) => p.id)).toEqual(panels.map((_, i) => i + 1));
  });

  test('leaves out the API dashboard without APIs, PostgreSQL without databases and Keycloak without Keycloak', () => {
    // WHEN
    const withoutApis = productDashboards({ ...DVMM, apis: [] });
    const withoutKeycloak = productDashboards({ ...DVMM, keycloak: undefined });
    const withoutDatabases = productDashboards({ ...DVMM, databases: [] });
    const nothing = productDashboards({ ...DVMM, apis: [], databases: [], keycloak: undefined });
    // THEN
    expect(withoutApis.map((d) => d.uid)).toEqual(['dvmm-production-postgresql', 'dvmm-production-keycloak']);
    expect(withoutKeycloak.map((d) => d.uid)).toEqual(['dvmm-production-api', 'dvmm-production-postgresql']);
    expect(withoutDatabases.map((d) => d.uid)).toEqual(['dvmm-production-api', 'dvmm-production-keycloak']);
    expect(nothing).toEqual([]);
  });

  test('shows at most ten APIs or databases per dashboard: the rows go on to further dashboards of the kind, in order', () => {
    // GIVEN 23 APIs and 11 databases
    const apis = Array.from({ length: 23 }, (_, i) => ({ ...API, name: `api${i + 1}` }));
    const databases = Array.from({ length: 11 }, (_, i) => ({ ...DB, name: `db${i + 1}` }));
    // WHEN
    const dashboards = productDashboards({ ...DVMM, apis, databases });
    // THEN the first keeps the kind's uid; every title says which part it is
    expect(dashboards.map((d) => [d.uid, d.title])).toEqual([
      ['dvmm-production-api', 'DVMM production - API (1 of 3)'],
      ['dvmm-production-api-2', 'DVMM production - API (2 of 3)'],
      ['dvmm-production-api-3', 'DVMM production - API (3 of 3)'],
      ['dvmm-production-postgresql', 'DVMM production - PostgreSQL (1 of 2)'],
      ['dvmm-production-postgresql-2', 'DVMM production - PostgreSQL (2 of 2)'],
      ['dvmm-production-keycloak', 'DVMM production - Keycloak'],
    ]);
    const rows = (d: DashboardModel) =>
      panelsOf(d)
        .filter((p) => p.type === 'row')
        .map((r) => r.title);
    expect(rows(dashboards[0])).toEqual(apis.slice(0, 10).map((a) => a.name));
    expect(rows(dashboards[2])).toEqual(['api21', 'api22', 'api23']);
    expect(rows(dashboards[4])).toEqual(['db11']);
    // Each part numbers its panels from 1, and stays far below the 262,144 bytes of the object that carries it.
    expect(panelsOf(dashboards[1])[0].id).toBe(1);
    for (const d of dashboards) expect(JSON.stringify(d.json).length).toBeLessThan(100_000);
  });

  test('is deterministic: the same input gives identical JSON, whatever was built in between', () => {
    // WHEN
    const first = JSON.stringify(productDashboards(DVMM));
    productDashboards({ ...DVMM, environment: 'staging', apis: [API, { ...API, name: 'other' }] });
    const second = JSON.stringify(productDashboards(DVMM));
    // THEN
    expect(second).toBe(first);
  });

  test('uids are unique per product, environment and kind, and never longer than 40 characters', () => {
    // GIVEN
    const longProduct = 'a-very-long-product-name-for-the-limits';
    const longEnvironment = 'long-environment-two';
    // WHEN
    const uids = [
      ...productDashboards(DVMM).map((d) => d.uid),
      ...productDashboards({ ...DVMM, environment: 'staging', namespace: 'dvmm-staging' }).map((d) => d.uid),
      ...productDashboards({ ...DVMM, product: longProduct, environment: longEnvironment, namespace: 'long' }).map((d) => d.uid),
      ...productDashboards({ ...DVMM, product: `${longProduct}s`, environment: longEnvironment, namespace: 'long' }).map((d) => d.uid),
    ];
    // THEN
    expect(new Set(uids).size).toBe(uids.length);
    for (const uid of uids) {
      expect(uid.length).toBeLessThanOrEqual(MAX_DASHBOARD_UID_LENGTH);
      expect(uid).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    }
    const long = dashboardUid(longProduct, longEnvironment, 'postgresql');
    expect(long).toMatch(/^a-very-long-product-[0-9a-f]{8}-postgresql$/);
    // The head is cut at a hyphen boundary: no double hyphen before the hash.
    expect(long).not.toContain('--');
    expect(dashboardUid(longProduct, longEnvironment, 'postgresql')).toBe(long);
    expect(dashboardUid('dvmm', 'production', 'postgresql')).toBe('dvmm-production-postgresql');
  });

  test('fails on a selector with braces, an empty selector and an API name used twice, naming each', () => {
    // GIVEN
    const input: DashboardInput = {
      ...DVMM,
      apis: [API, { ...API, metrics: '{job="api"}', containers: ' ' }],
    };
    // WHEN / THEN
    expect(() => productDashboards(input)).toThrow(
      expect.objectContaining({
        message: [
          'dashboards of dvmm/production: apis[1].name is used twice (got "api"); give each its own name: rows and panel titles are named after it',
          'dashboards of dvmm/production: apis[1].metrics must be label matchers without braces (got "{job=\\"api\\"}"); write the matchers alone, e.g. namespace="dvmm-production", job="api"',
          'dashboards of dvmm/production: apis[1].containers must name at least one label matcher (got " "); select the component\'s series, e.g. namespace="dvmm-production", job="api" (an empty selector would show every workload of the cluster)',
        ].join('\n'),
      }),
    );
  });

  test('keeps a uid of exactly 40 characters whole, and cuts the head of a longer one at its last hyphens', () => {
    const p31 = 'p'.repeat(31);
    expect(dashboardUid(p31, 'prod', 'api')).toBe(`${p31}-prod-api`);
    expect(dashboardUid(`${p31}q`, 'prod', 'api')).toMatch(/^p{27}-[0-9a-f]{8}-api$/);
    // the head's 27 characters end in two hyphens: both go, so the hash follows one hyphen
    expect(dashboardUid(`${'x'.repeat(25)}--yy`, 'production', 'api')).toMatch(/^x{25}-[0-9a-f]{8}-api$/);
  });

  test('takes selectors with spaces around them, and fails on a selector that is not a string or a bad name, naming each', () => {
    for (const stray of ['  ,job="api"', 'job="api",  ']) {
      expect(() => productDashboards({ ...DVMM, apis: [{ ...API, metrics: stray }] })).toThrow(
        'apis[0].metrics must be label matchers without braces',
      );
    }
    const spaced = productDashboards({ ...DVMM, apis: [{ ...API, metrics: ' job="api" ' }], databases: [], keycloak: undefined });
    expect(dashboardQueries(spaced[0])[0]).toBe('sum(rate(http_server_requests_seconds_count{job="api", uri!~"/actuator/.*"}[$__rate_interval]))');
    const input: DashboardInput = {
      ...DVMM,
      apis: [{ ...API, name: 'API', containers: undefined as unknown as string }],
      databases: [{ ...DB, name: 'db_1', metrics: '{cnpg_io_cluster="db"}' }],
    };
    expect(() => productDashboards(input)).toThrow(
      expect.objectContaining({
        message: [
          'dashboards of dvmm/production: apis[0].name is not a valid name (got "API"); use a DNS label: at most 63 lower-case letters, digits and hyphens, starting and ending with a letter or digit',
          'dashboards of dvmm/production: apis[0].containers must name at least one label matcher (got nothing); select the component\'s series, e.g. namespace="dvmm-production", job="api" (an empty selector would show every workload of the cluster)',
          'dashboards of dvmm/production: databases[0].name is not a valid name (got "db_1"); use a DNS label: at most 63 lower-case letters, digits and hyphens, starting and ending with a letter or digit',
          'dashboards of dvmm/production: databases[0].metrics must be label matchers without braces (got "{cnpg_io_cluster=\\"db\\"}"); write the matchers alone, e.g. namespace="dvmm-production", job="api"',
        ].join('\n'),
      }),
    );
  });

  test('fails on a product or environment name that cannot make a uid', () => {
    expect(() => productDashboards({ ...DVMM, product: 'DVMM', environment: 'prod_1' })).toThrow(
      expect.objectContaining({
        message: [
          'dashboards of DVMM/prod_1: product is not a valid product name (got "DVMM"); use a lower-case name of letters, digits and hyphens starting with a letter, at most 40 characters, e.g. api',
          'dashboards of DVMM/prod_1: environment is not a valid environment name (got "prod_1"); use a lower-case DNS label of at most 20 characters starting with a letter, e.g. staging',
        ].join('\n'),
      }),
    );
  });
  test('fails on bad database and Keycloak fields and a bad namespace, naming each', () => {
    // GIVEN
    const input: DashboardInput = {
      ...DVMM,
      namespace: 'Dvmm Production',
      databases: [DB, { ...DB, volumes: 'namespace="dvmm-production",' }],
      keycloak: { name: 'Keycloak', metrics: '' },
    };
    // WHEN / THEN
    expect(() => productDashboards(input)).toThrow(
      expect.objectContaining({
        message: [
          'dashboards of dvmm/production: namespace is not a valid namespace (got "Dvmm Production"); use a DNS label: at most 63 lower-case letters, digits and hyphens, starting and ending with a letter or digit',
          'dashboards of dvmm/production: databases[1].name is used twice (got "dvmm-db"); give each its own name: rows and panel titles are named after it',
          'dashboards of dvmm/production: databases[1].volumes must be label matchers without braces (got "namespace=\\"dvmm-production\\","); write the matchers alone, e.g. namespace="dvmm-production", job="api"',
          'dashboards of dvmm/production: keycloak.name is not a valid name (got "Keycloak"); use a DNS label: at most 63 lower-case letters, digits and hyphens, starting and ending with a letter or digit',
          'dashboards of dvmm/production: keycloak.metrics must name at least one label matcher (got ""); select the component\'s series, e.g. namespace="dvmm-production", job="api" (an empty selector would show every workload of the cluster)',
        ].join('\n'),
      }),
    );
  });
});

describe('dashboardQueries', () => {
  test('reads the queries of panels inside collapsed rows too, in panel order', () => {
    // GIVEN
    const model: DashboardModel = {
      uid: 'x',
      title: 'x',
      json: {
        panels: [
          { type: 'timeseries', targets: [{ expr: 'a' }, { expr: 'b' }] },
          { type: 'row', collapsed: true, panels: [{ type: 'stat', targets: [{ expr: 'c' }] }] },
          { type: 'text' },
        ],
      },
    };
    // WHEN / THEN
    expect(dashboardQueries(model)).toEqual(['a', 'b', 'c']);
  });

  test('skips what is not a panel or a query: null, text, a target without a string expression, panels that are not a list', () => {
    const model: DashboardModel = {
      uid: 'x',
      title: 'x',
      json: {
        panels: [
          null,
          'text',
          { targets: [null, { expr: 5 }, { refId: 'A' }, { expr: 'up' }], panels: 'none' },
          { targets: 'none', panels: [{ targets: [{ expr: 'down' }] }] },
        ],
      },
    };
    expect(dashboardQueries(model)).toEqual(['up', 'down']);
    expect(dashboardQueries({ uid: 'x', title: 'x', json: { panels: {} } })).toEqual([]);
  });
});

describe('ProductDashboards', () => {
  const dashboards = productDashboards(DVMM);

  test('delivers each dashboard as a ConfigMap for the Grafana sidecar, in the product folder, and the JSON reads back as the model', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    const delivered = new ProductDashboards(chart, 'dashboards', { dashboards });
    const manifests = Testing.synth(chart);
    // THEN
    expect(delivered.delivery).toBe('configmap');
    expect(delivered.folder).toBe('dvmm');
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([
      'ConfigMap/dvmm-production-api',
      'ConfigMap/dvmm-production-postgresql',
      'ConfigMap/dvmm-production-keycloak',
    ]);
    manifests.forEach((m, i) => {
      expect(m.apiVersion).toBe('v1');
      expect(m.metadata.labels).toEqual({ grafana_dashboard: '1' });
      expect(m.metadata.annotations).toEqual({ grafana_folder: 'dvmm' });
      expect(Object.keys(m.data)).toEqual([`${dashboards[i].uid}.json`]);
      expect(JSON.parse(m.data[`${dashboards[i].uid}.json`])).toEqual(dashboards[i].json);
    });
  });

  test('writes the JSON compact, on one line, deterministically', () => {
    // GIVEN
    const render = () => {
      const chart = Testing.chart();
      new ProductDashboards(chart, 'dashboards', { dashboards: productDashboards(DVMM) });
      return Testing.synth(chart);
    };
    // WHEN
    const text: string = render()[0].data['dvmm-production-api.json'];
    // THEN
    expect(text).toBe(JSON.stringify(dashboards[0].json));
    expect(text).not.toContain('\n');
    expect(text).toContain('"title":"DVMM production - API"');
    expect(render()).toEqual(render());
  });

  test('takes other sidecar labels and a folder', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    new ProductDashboards(chart, 'dashboards', { dashboards, sidecarLabels: { 'grafana.example.com/dashboard': 'yes' }, folder: 'DVMM Production' });
    // THEN
    for (const m of Testing.synth(chart)) {
      expect(m.metadata.labels).toEqual({ 'grafana.example.com/dashboard': 'yes' });
      expect(m.metadata.annotations).toEqual({ grafana_folder: 'DVMM Production' });
    }
  });

  test('delivers GrafanaDashboards to the Grafana Operator, selecting the Grafana instances', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    new ProductDashboards(chart, 'dashboards', { dashboards, delivery: 'grafana-operator' });
    const manifests = Testing.synth(chart);
    // THEN
    expect(manifests).toHaveLength(3);
    manifests.forEach((m, i) => {
      expect(m.apiVersion).toBe('grafana.integreatly.org/v1beta1');
      expect(m.kind).toBe('GrafanaDashboard');
      expect(m.metadata.name).toBe(dashboards[i].uid);
      expect(m.spec.instanceSelector).toEqual({ matchLabels: { dashboards: 'grafana' } });
      expect(m.spec.folder).toBe('dvmm');
      expect(m.spec.resyncPeriod).toBeUndefined();
      expect(JSON.parse(m.spec.json)).toEqual(dashboards[i].json);
    });
  });

  test('takes another instance selector for the Grafana Operator', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    new ProductDashboards(chart, 'dashboards', {
      dashboards: dashboards.slice(0, 1),
      delivery: 'grafana-operator',
      instanceSelector: { app: 'grafana', team: 'platform' },
    });
    // THEN
    expect(Testing.synth(chart)[0].spec.instanceSelector).toEqual({ matchLabels: { app: 'grafana', team: 'platform' } });
  });

  test('renders nothing without dashboards', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    const delivered = new ProductDashboards(chart, 'dashboards', { dashboards: [] });
    // THEN
    expect(Testing.synth(chart)).toEqual([]);
    expect(delivered.folder).toBeUndefined();
  });

  test('fails on a uid used twice, a uid Grafana or Kubernetes refuses, and a JSON uid that differs, naming each', () => {
    // GIVEN
    const chart = Testing.chart();
    const [api] = dashboards;
    const bad: DashboardModel[] = [api, api, { ...api, uid: 'Not_A_Name' }, { ...api, uid: 'other' }];
    // WHEN / THEN
    expect(() => new ProductDashboards(chart, 'dashboards', { dashboards: bad })).toThrow(
      expect.objectContaining({
        message: [
          'test/dashboards: dashboards[1].uid is used twice (got "dvmm-production-api"); give each dashboard its own uid',
          'test/dashboards: dashboards[2].uid must be a DNS label of at most 40 characters (got "Not_A_Name"); use lower-case letters, digits and hyphens (it names the object and is the Grafana uid)',
          'test/dashboards: dashboards[2].json.uid differs from the dashboard uid (got "dvmm-production-api"); set json.uid to "Not_A_Name"',
          'test/dashboards: dashboards[3].json.uid differs from the dashboard uid (got "dvmm-production-api"); set json.uid to "other"',
        ].join('\n'),
      }),
    );
  });

  test('fails on a uid longer than 40 characters, and derives no folder from first tags that differ or are not names', () => {
    const model = (uid: string, tags: unknown): DashboardModel => ({ uid, title: uid, json: { uid, tags } });
    const long = 'a'.repeat(41);
    expect(() => new ProductDashboards(Testing.chart(), 'dashboards', { dashboards: [model(long, ['shop'])] })).toThrow(
      expect.objectContaining({
        message: `test/dashboards: dashboards[0].uid must be a DNS label of at most 40 characters (got "${long}"); use lower-case letters, digits and hyphens (it names the object and is the Grafana uid)`,
      }),
    );
    expect(new ProductDashboards(Testing.chart(), 'dashboards', { dashboards: [model('a'.repeat(40), ['shop'])] }).resources).toHaveLength(1);
    const folder = (dashboards: DashboardModel[]) => new ProductDashboards(Testing.chart(), 'dashboards', { dashboards, folder: 'f' });
    expect(folder([model('a', ['shop', 'x']), model('b', ['shop'])]).folder).toBe('f');
    expect(new ProductDashboards(Testing.chart(), 'dashboards', { dashboards: [model('a', ['shop', 'x']), model('b', ['shop'])] }).folder).toBe(
      'shop',
    );
    for (const dashboards of [[model('a', ['shop']), model('b', ['cart'])], [model('a', [5])], [model('a', 'shop')]]) {
      expect(() => new ProductDashboards(Testing.chart(), 'dashboards', { dashboards })).toThrow(
        expect.objectContaining({
          message: 'test/dashboards: folder cannot be derived: the dashboards share no first tag (got nothing); set folder',
        }),
      );
    }
  });

  test('fails when the folder cannot be derived and when the sidecar label is missing', () => {
    // GIVEN
    const chart = Testing.chart();
    const untagged: DashboardModel = { uid: 'plain', title: 'Plain', json: { uid: 'plain', title: 'Plain' } };
    // WHEN / THEN
    expect(() => new ProductDashboards(chart, 'dashboards', { dashboards: [untagged], sidecarLabels: {} })).toThrow(
      expect.objectContaining({
        message: [
          'test/dashboards: folder cannot be derived: the dashboards share no first tag (got nothing); set folder',
          'test/dashboards: sidecarLabels must hold at least one label (got {}); name the label Grafana selects by, e.g. { grafana_dashboard: "1" }',
        ].join('\n'),
      }),
    );
  });

  test('fails on an unknown delivery and a blank folder', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN / THEN
    expect(() => new ProductDashboards(chart, 'dashboards', { dashboards, delivery: 'helm' as 'configmap', folder: ' ' })).toThrow(
      expect.objectContaining({
        message: [
          "test/dashboards: delivery is not a delivery (got \"helm\"); use 'configmap' or 'grafana-operator'",
          'test/dashboards: folder must not be blank (got " "); name the folder, or leave it out to use the product name',
        ].join('\n'),
      }),
    );
  });

  test('fails on Grafana instance labels Kubernetes refuses', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN / THEN
    expect(
      () => new ProductDashboards(chart, 'dashboards', { dashboards, delivery: 'grafana-operator', instanceSelector: { 'bad key!': 'a b' } }),
    ).toThrow(
      expect.objectContaining({
        message: [
          'test/dashboards: instanceSelector.bad key! is not a valid label key (got "bad key!"); use [prefix/]name: a DNS-subdomain prefix, and a name of at most 63 letters, digits, -, _ and .',
          'test/dashboards: instanceSelector.bad key! is not a valid label value (got "a b"); use at most 63 letters, digits, -, _ and ., starting and ending with a letter or digit',
        ].join('\n'),
      }),
    );
  });
});
