import { AlertCatalogueOptions, AlertTargets, RuleGroup } from './alert-model';
import { apiAlerts } from './api-alerts';
import { databaseAlerts } from './database-alerts';
import { keycloakAlerts } from './identity-alerts';
import { sloRules } from './slo-alerts';
import { uptimeAlerts } from './uptime-probes';
import { containerAlerts } from './workload-alerts';

/**
 * The alert catalogue of an EAF product: which alerts exist, their expressions, thresholds and severities, and for
 * every alert the synthetic series that make it fire (just above its threshold, after its `for`) and stay silent (just
 * below). The rules and their promtool unit tests come from the same definition, so a changed threshold changes both.
 * One module per concern: the objectives' burn rates (slo-alerts), the request metrics' thresholds (api-alerts), the
 * containers (workload-alerts), the databases (database-alerts) and Keycloak (identity-alerts).
 *
 * Each alert has one name whatever component it watches (the runbook is `docs/runbooks/<alert>.md`); the static
 * labels `product`, `environment`, `namespace` and `component` tell the instances apart.
 */

export { ALERT_DEFAULTS, isAlert } from './alert-model';
export type {
  AlertCatalogueOptions,
  AlertRule,
  AlertTargets,
  AlertTest,
  AlertThresholds,
  ApiAlertTarget,
  DatabaseAlertTarget,
  InputSeries,
  LatencySlo,
  RecordingRule,
  RuleGroup,
  Severity,
  SloSettings,
} from './alert-model';
export { errorRatio, latencyQuantile, SHORT_WINDOW } from './api-alerts';
export { BURN_RATE_WINDOWS, errorRatioRecord, requestsRecord, slowRatioRecord } from './slo-alerts';

/**
 * Every rule group of one product environment: the objectives' recording rules and burn alerts, the request metrics',
 * the containers', the databases' and Keycloak's alerts. Groups without rules are left out.
 */
export function productAlertGroups(targets: AlertTargets, options: AlertCatalogueOptions): RuleGroup[] {
  const base = { product: targets.product, environment: targets.environment, namespace: targets.namespace };
  const t = options.thresholds;
  const prefix = `${targets.product}-${targets.environment}`;
  const groups: RuleGroup[] = [
    { name: `${prefix}.slo`, rules: targets.apis.flatMap((api) => sloRules(api, { ...base, component: api.name }, options.slo)) },
    { name: `${prefix}.api`, rules: targets.apis.flatMap((api) => apiAlerts(api, { ...base, component: api.name }, t)) },
    { name: `${prefix}.containers`, rules: targets.containers.flatMap((c) => containerAlerts(c, { ...base, component: c.name }, t)) },
    { name: `${prefix}.databases`, rules: targets.databases.flatMap((db) => databaseAlerts(db, { ...base, component: db.name }, t)) },
    {
      name: `${prefix}.identity`,
      rules: targets.keycloak ? keycloakAlerts(targets.keycloak.metrics, { ...base, component: targets.keycloak.name }, t) : [],
    },
    { name: `${prefix}.uptime`, rules: targets.probes ? uptimeAlerts({ ...targets.probes, namespace: targets.namespace }, base) : [] },
  ];
  return groups.filter((g) => g.rules.length > 0);
}
