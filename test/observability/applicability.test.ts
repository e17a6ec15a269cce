import { AlertTargets } from '../../lib/observability/alerts';
import { unusedAlertSettings } from '../../lib/observability/applicability';
import { resolveSli } from '../../lib/observability/sli-promql';
import { SHOP_TARGETS } from './fixtures';

const REQUESTS_FIX =
  "declare where a component's request metrics are (components.<c>.requests of a spring-boot component, metrics.requests of an http one: " +
  '"opentelemetry", "prometheus", "spring-boot" or PromQL), or remove it';

/** Every threshold of the catalogue, each set. */
const EVERY_THRESHOLD = {
  availabilityPercent: 99,
  errorRatePercent: 5,
  requestSpikePercent: 100,
  latencyP95Seconds: 1,
  latencyP99Seconds: 2,
  connectionPoolPercent: 90,
  cpuPercent: 90,
  memoryPercent: 90,
  databaseConnectionsPercent: 80,
  replicationLagSeconds: 30,
  diskPercent: 80,
  backupGraceMinutes: 60,
  loginFailuresPerMinute: 10,
};

/** The shop with its own Keycloak: every threshold acts on something. */
const FULL: AlertTargets = { ...SHOP_TARGETS, keycloak: { name: 'keycloak', metrics: { namespace: 'shop-prod', job: 'keycloak' } } };
const EMPTY: AlertTargets = { ...SHOP_TARGETS, apis: [], containers: [], databases: [] };
/** An API whose PromQL indicator has no latency histogram. */
const NO_HISTOGRAM = resolveSli({ total: 'rpc_total', errors: 'rpc_errors_total' }).sli!;

const fields = (targets: AlertTargets, settings: Parameters<typeof unusedAlertSettings>[1]) =>
  unusedAlertSettings(targets, settings).map((u) => u.field);

describe('unusedAlertSettings', () => {
  test('finds nothing unused when the environment has what every setting watches', () => {
    // GIVEN every threshold and both objectives, and a product with all the catalogue watches
    const settings = { thresholds: EVERY_THRESHOLD, slo: { latency: { percent: 99, thresholdSeconds: 0.5 } } };
    // WHEN checked THEN nothing is unused
    expect(unusedAlertSettings(FULL, settings)).toEqual([]);
    // and no settings at all are nothing unused, on any product
    expect(unusedAlertSettings(EMPTY, {})).toEqual([]);
  });

  test('names each threshold that changes nothing on an empty environment, with why and the fix, in the order given', () => {
    // GIVEN an environment with no API, container, database or Keycloak
    // WHEN every threshold is set
    const unused = unusedAlertSettings(EMPTY, { thresholds: EVERY_THRESHOLD });
    // THEN each is refused with the reason of its own kind
    const requests = { reason: 'changes nothing: no component has request metrics', fix: REQUESTS_FIX };
    const histogram = { reason: "changes nothing: no component's request metrics have a latency histogram", fix: REQUESTS_FIX };
    const container = { reason: 'changes nothing: there is no container', fix: 'remove it' };
    const database = { reason: 'changes nothing: there is no database', fix: 'remove it' };
    expect(unused).toEqual([
      { field: 'thresholds.availabilityPercent', ...requests },
      { field: 'thresholds.errorRatePercent', ...requests },
      { field: 'thresholds.requestSpikePercent', ...requests },
      { field: 'thresholds.latencyP95Seconds', ...histogram },
      { field: 'thresholds.latencyP99Seconds', ...histogram },
      {
        field: 'thresholds.connectionPoolPercent',
        reason: 'changes nothing: no spring-boot component with request metrics uses a database (the HikariCP pool it watches)',
        fix: 'remove it',
      },
      { field: 'thresholds.cpuPercent', ...container },
      { field: 'thresholds.memoryPercent', ...container },
      { field: 'thresholds.databaseConnectionsPercent', ...database },
      { field: 'thresholds.replicationLagSeconds', ...database },
      { field: 'thresholds.diskPercent', ...database },
      {
        field: 'thresholds.backupGraceMinutes',
        reason: 'changes nothing: no database is backed up',
        fix: 'give a database backup settings, or remove it',
      },
      {
        field: 'thresholds.loginFailuresPerMinute',
        reason: 'changes nothing: the product runs no Keycloak of its own',
        fix: "remove it (an external issuer's logins are not watched here)",
      },
    ]);
  });

  test('leaves a threshold it does not know to the schema', () => {
    expect(unusedAlertSettings(EMPTY, { thresholds: { somethingElse: 1 } })).toEqual([]);
  });

  test('refuses the latency settings when no indicator has a histogram, and keeps them when one of several has', () => {
    // GIVEN an API whose PromQL indicator has no histogram
    const withoutHistogram: AlertTargets = { ...FULL, apis: [{ ...FULL.apis[0], sli: NO_HISTOGRAM }] };
    const settings = { thresholds: { latencyP95Seconds: 1, latencyP99Seconds: 2, errorRatePercent: 5 }, slo: { latency: {} } };
    // THEN both latency thresholds and the latency objective change nothing; the error rate does
    expect(fields(withoutHistogram, settings)).toEqual(['thresholds.latencyP95Seconds', 'thresholds.latencyP99Seconds', 'slo.latency']);
    expect(unusedAlertSettings(withoutHistogram, { slo: { latency: {} } })).toEqual([
      { field: 'slo.latency', reason: "changes nothing: no component's request metrics have a latency histogram", fix: REQUESTS_FIX },
    ]);
    // WHEN a second API has the Spring Boot preset (no declared indicator: a histogram) THEN nothing is unused
    const mixed: AlertTargets = { ...withoutHistogram, apis: [...withoutHistogram.apis, { ...FULL.apis[0], name: 'billing' }] };
    expect(fields(mixed, settings)).toEqual([]);
    // and an objective without latency is kept on the API without a histogram
    expect(fields(withoutHistogram, { slo: {} })).toEqual([]);
  });

  test('refuses an objective without request metrics as a whole, not its latency part again', () => {
    expect(unusedAlertSettings(EMPTY, { slo: { latency: { percent: 99 } } })).toEqual([
      { field: 'slo', reason: 'changes nothing: no component has request metrics to set objectives on', fix: REQUESTS_FIX },
    ]);
  });

  test('refuses the pool threshold without a pool, and the backup grace without a backed-up database', () => {
    // GIVEN an API without a HikariCP pool and a database without backups
    const targets: AlertTargets = {
      ...FULL,
      apis: [{ ...FULL.apis[0], connectionPool: false }],
      databases: [{ ...FULL.databases[0], backup: undefined }],
    };
    const settings = { thresholds: { connectionPoolPercent: 90, backupGraceMinutes: 60, diskPercent: 80 } };
    expect(fields(targets, settings)).toEqual(['thresholds.connectionPoolPercent', 'thresholds.backupGraceMinutes']);
    // WHEN a second API has a pool and a second database backups THEN both act
    const more: AlertTargets = { ...targets, apis: [...targets.apis, FULL.apis[0]], databases: [...targets.databases, FULL.databases[0]] };
    expect(fields(more, settings)).toEqual([]);
  });
});
