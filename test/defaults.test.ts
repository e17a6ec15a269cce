import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ALERT_DEFAULTS,
  ARGO_CD_DEFAULTS,
  EAF_API_DEFAULTS,
  EAF_FRONTEND_DEFAULTS,
  EAF_HTTP_WORKLOAD_DEFAULTS,
  EafApi,
  EafFrontend,
  EafHttpWorkload,
  EXTERNAL_SECRETS_DEFAULTS,
  Keycloak,
  KEYCLOAK_DEFAULTS,
  POSTGRES_DEFAULTS,
  PRODUCT_DASHBOARDS_DEFAULTS,
  ProductDashboards,
  ProductNamespace,
  REALM_EXPORT_DEFAULTS,
  RECOVERY_DEFAULTS,
  ROLLOUT_ANALYSIS_DEFAULTS,
  ROLLOUT_DEFAULTS,
  SMOKE_TEST_DEFAULTS,
  SmokeTest,
  RESTORE_DRILL_DEFAULTS,
  SNAPSHOT_PRUNER_DEFAULTS,
} from '../lib';
import { POSTGRES_POOLER_DEFAULTS } from '../lib/data/postgres-cluster';
import { EXPOSURE_DEFAULTS } from '../lib/network/exposure';
import { NETWORK_POLICIES_DEFAULTS } from '../lib/network/network-policies';
import { PRODUCT_NAMESPACE_DEFAULTS } from '../lib/network/product-namespace';
import { ALERT_ROUTING_DEFAULTS } from '../lib/observability/alert-routing';
import { OWN_ALERT_DEFAULTS } from '../lib/observability/own-alerts';
import { UPTIME_PROBES_DEFAULTS } from '../lib/observability/uptime-probes';
import { EAF_WORKLOAD_DEFAULTS } from '../lib/workloads/eaf-workload';
import { checkDocDefaults, readLiteral, RuntimeDefaults, SourceText } from './doc-defaults';
import { testChart } from './util';

/**
 * The construct folders: every props interface of theirs is checked. Not here: lib/product (the product model, whose
 * defaults are the presets' through the chart), lib/program and lib/gate (options of the program and the gate, no
 * construct's props).
 */
const FOLDERS = ['workloads', 'delivery', 'observability', 'secrets', 'network', 'data', 'identity', 'pods', 'core'];

function constructSources(): SourceText[] {
  return FOLDERS.flatMap((folder) =>
    readdirSync(join('lib', folder))
      .filter((f) => f.endsWith('.ts'))
      .sort()
      .map((f) => ({ fileName: `lib/${folder}/${f}`, text: readFileSync(join('lib', folder, f), 'utf8') })),
  );
}

const image = 'registry.example.com/dvmm/app';
const api = () => new EafApi(testChart(), 'api', { image, tag: '1.0.0' });

/** Each props interface's runtime defaults: the construct built with minimal props, then its `*_DEFAULTS`. */
const RUNTIME: Record<string, RuntimeDefaults> = {
  EafApiProps: { sources: [api, EAF_API_DEFAULTS, EAF_WORKLOAD_DEFAULTS] },
  EafFrontendProps: { sources: [() => new EafFrontend(testChart(), 'web', { image, tag: '1.0.0' }), EAF_FRONTEND_DEFAULTS, EAF_WORKLOAD_DEFAULTS] },
  EafHttpWorkloadProps: {
    sources: [
      () => new EafHttpWorkload(testChart(), 'app', { image, tag: '1.0.0', livenessPath: '/live', readinessPath: '/ready' }),
      EAF_HTTP_WORKLOAD_DEFAULTS,
      EAF_WORKLOAD_DEFAULTS,
    ],
  },
  EafWorkloadProps: { sources: [EAF_WORKLOAD_DEFAULTS] },
  AutoscalingOptions: { sources: [EAF_WORKLOAD_DEFAULTS] },
  HttpProbeOptions: { sources: [EAF_WORKLOAD_DEFAULTS] },
  RolloutBlueGreenOptions: { sources: [ROLLOUT_DEFAULTS] },
  RolloutCanaryOptions: { sources: [ROLLOUT_DEFAULTS], keys: { steps: 'canarySteps', pause: 'canaryPause' } },
  SyncWindow: { sources: [ARGO_CD_DEFAULTS] },
  DeliveredEnvironment: { sources: [ARGO_CD_DEFAULTS] },
  ArgoCdDeliveryProps: { sources: [ARGO_CD_DEFAULTS] },
  SmokeTestProps: {
    sources: [
      () => new SmokeTest(testChart(), 'smoke', { name: 'smoke', targets: [{ peer: api(), serviceName: 'api', port: 8080, path: '/ready' }] }),
      SMOKE_TEST_DEFAULTS,
    ],
  },
  RolloutAnalysisProps: { sources: [ROLLOUT_ANALYSIS_DEFAULTS] },
  AlertThresholds: { sources: [ALERT_DEFAULTS.thresholds] },
  SloSettings: { sources: [ALERT_DEFAULTS.slo] },
  UptimeProbesProps: { sources: [UPTIME_PROBES_DEFAULTS] },
  AlertRoutingProps: { sources: [ALERT_ROUTING_DEFAULTS] },
  OwnAlert: { sources: [OWN_ALERT_DEFAULTS] },
  OwnAlertCase: { sources: [OWN_ALERT_DEFAULTS] },
  ProductDashboardsProps: { sources: [() => new ProductDashboards(testChart(), 'dashboards', { dashboards: [] }), PRODUCT_DASHBOARDS_DEFAULTS] },
  SecretStoreReference: { sources: [EXTERNAL_SECRETS_DEFAULTS], keys: { kind: 'storeKind' } },
  ExternalSecretsProps: { sources: [EXTERNAL_SECRETS_DEFAULTS] },
  RouteExposureOptions: { sources: [EXPOSURE_DEFAULTS] },
  ProductNamespaceProps: { sources: [() => new ProductNamespace(testChart(), 'ns', { name: 'dvmm-dev' }), PRODUCT_NAMESPACE_DEFAULTS] },
  NetworkPort: { sources: [NETWORK_POLICIES_DEFAULTS] },
  PostgresClusterProps: { sources: [POSTGRES_DEFAULTS, RECOVERY_DEFAULTS] },
  PostgresBackupOptions: { sources: [POSTGRES_DEFAULTS, SNAPSHOT_PRUNER_DEFAULTS], keys: { schedule: 'backupSchedule', pruneImage: 'image' } },
  PostgresBackupTier: { sources: [POSTGRES_DEFAULTS], keys: { method: 'backupMethod' } },
  PostgresPoolerProps: { sources: [POSTGRES_POOLER_DEFAULTS] },
  SnapshotBackupPrunerProps: { sources: [SNAPSHOT_PRUNER_DEFAULTS] },
  PostgresRestoreDrillOptions: { sources: [RESTORE_DRILL_DEFAULTS] },
  KeycloakProps: { sources: [() => new Keycloak(testChart(), 'keycloak', { hostname: 'id.example.com' }), KEYCLOAK_DEFAULTS] },
  RealmExportProps: { sources: [REALM_EXPORT_DEFAULTS] },
};

/** Literal `@default`s the test cannot compare with a runtime value, and why. Keep it short. */
const UNCHECKED: Record<string, string> = {};

/** Every exported `*_DEFAULTS` of the construct folders, by name. */
async function exportedDefaults(): Promise<Record<string, object>> {
  const found: Record<string, object> = {};
  for (const source of constructSources()) {
    const module: Record<string, unknown> = await import(/* @vite-ignore */ join(process.cwd(), source.fileName));
    for (const [name, value] of Object.entries(module)) {
      if (/_DEFAULTS$/.test(name) && value !== null && typeof value === 'object') found[name] = value;
    }
  }
  return found;
}

describe('documented @default values', () => {
  test('match the runtime defaults, for every props interface of the construct folders', async () => {
    const report = checkDocDefaults(constructSources(), RUNTIME, UNCHECKED, await exportedDefaults());
    expect(report.problems).toEqual([]);
    // Figures for the issue-26 note: how many literal tags there are and how many comparisons (inherited ones included).
    expect(report.literals.length).toBeGreaterThan(60);
    expect(report.checked.length).toBeGreaterThanOrEqual(report.literals.length);
  });

  test('cover every construct that has a *_DEFAULTS', async () => {
    const mapped = new Set(Object.values(RUNTIME).flatMap((r) => r.sources));
    const defaults = await exportedDefaults();
    // ALERT_DEFAULTS is reached through its parts (thresholds, slo), the interfaces that document them.
    const missing = Object.entries(defaults)
      .filter(([name, value]) => !mapped.has(value) && name !== 'ALERT_DEFAULTS')
      .map(([name]) => name);
    expect(missing).toEqual([]);
    expect(Object.keys(defaults).length).toBeGreaterThanOrEqual(20);
  });

  test("fails on a wrong literal: a preset documenting the base's old replicas", () => {
    const doctored = constructSources().map((s) =>
      s.fileName !== 'lib/workloads/eaf-api.ts'
        ? s
        : { ...s, text: s.text.replace(/(Replicas of the \(active\) Deployment\.\n {3}\* @default) 3/, '$1 2') },
    );
    expect(checkDocDefaults(doctored, RUNTIME, UNCHECKED).problems).toEqual([
      'EafApiProps.replicas: documented @default 2, runtime default 3 (lib/workloads/eaf-api.ts)',
    ]);
  });

  test("fails on a wrong inherited literal: the base's doc is seen through every preset that does not redeclare it", () => {
    const doctored = constructSources().map((s) =>
      s.fileName !== 'lib/workloads/eaf-workload.ts'
        ? s
        : { ...s, text: s.text.replace(/@default true(\n {3}\*\/\n {2}readonly spread)/, '@default false$1') },
    );
    const presets = ['EafApiProps', 'EafFrontendProps', 'EafHttpWorkloadProps', 'EafWorkloadProps'];
    expect(checkDocDefaults(doctored, RUNTIME, UNCHECKED).problems).toEqual(
      presets.map((name) => `${name}.spread: documented @default false, runtime default true (lib/workloads/eaf-workload.ts)`),
    );
  });

  test('fails on a literal no runtime default answers: the base documenting a replicas default it does not have', () => {
    const doctored = constructSources().map((s) =>
      s.fileName !== 'lib/workloads/eaf-workload.ts' ? s : { ...s, text: s.text.replace(/@default - the preset's \(.*\)$/m, '@default 2') },
    );
    expect(checkDocDefaults(doctored, RUNTIME, UNCHECKED).problems).toEqual([
      'EafWorkloadOptions.replicas: @default 2 is not checked: give its interface runtime defaults, or list it as unchecked with a reason' +
        ' (lib/workloads/eaf-workload.ts)',
    ]);
  });

  test('fails on a documented default whose key the runtime defaults lack, and on a stale unchecked entry', () => {
    const doctored: SourceText[] = [{ fileName: 'x.ts', text: 'export interface XProps {\n  /** @default 5 */\n  readonly retries?: number;\n}\n' }];
    expect(checkDocDefaults(doctored, { XProps: { sources: [{}] }, YProps: { sources: [] } }, { 'XProps.port': 'gone' }).problems).toEqual([
      'XProps.retries: documented @default 5, but no runtime default was found (x.ts)',
      'YProps: has runtime defaults but is not an interface of the sources',
      'XProps.port: is listed as unchecked but documents no literal @default',
    ]);
  });
});

describe('readLiteral', () => {
  test.each([
    ['3', 3],
    ['-1', -1],
    ['99.5', 99.5],
    ["'edge'", 'edge'],
    ['true', true],
    ['false', false],
    ["['/tmp', '/var/run']", ['/tmp', '/var/run']],
    ["{ grafana_dashboard: '1' }", { grafana_dashboard: '1' }],
    ["'16.10' (POSTGRES_DEFAULTS.version)", '16.10'],
    ['20 (the API holds up to 20 per pod)', 20],
    ['X_DEFAULTS.a.b', 7],
  ])('reads %s', (text, value) => {
    expect(readLiteral(text, { X_DEFAULTS: { a: { b: 7 } } })).toEqual({ value });
  });

  const prose = ["- the preset's", '- 1 instance', '`<product>-alerts`', 'DATABASE_ENV', 'none', 'X_DEFAULTS.missing', "'a'b", '3x'];
  test.each(prose)('leaves %s (not a literal)', (text) => {
    expect(readLiteral(text, { X_DEFAULTS: {} })).toBeUndefined();
  });
});
