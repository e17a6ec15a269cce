import { describeValue, ValueErrors } from '../core/errors';
import { COMPONENT_NAME, DNS_LABEL, ENVIRONMENT_NAME } from '../core/formats';
import { build } from './dashboard-builder';
import { DashboardInput, DashboardModel, RowSpec } from './dashboard-model';
import { apiPanels, keycloakPanels, postgresPanels } from './dashboard-panels';

export { GRAFANA_FOLDER_ANNOTATION, PRODUCT_DASHBOARDS_DEFAULTS, ProductDashboards } from './dashboard-delivery';
export type { ProductDashboardsProps } from './dashboard-delivery';
export { dashboardUid, DATASOURCE_VARIABLE, MAX_DASHBOARD_UID_LENGTH } from './dashboard-model';
export type { DashboardApi, DashboardInput, DashboardModel, Selector } from './dashboard-model';

/**
 * The most rows (APIs or databases) one dashboard shows. A row is 6 to 9 KB of JSON, so a dashboard stays below about
 * 90 KB, far from the API server's 262,144 bytes for the object that carries it, however many components a product
 * has; a product with more rows gets further dashboards of the same kind (see {@link productDashboards}).
 */
export const MAX_DASHBOARD_ROWS = 10;

/**
 * The dashboards of one product environment, built with the Grafana Foundation SDK: an API dashboard (golden
 * signals, a row per API) when there are APIs, a PostgreSQL dashboard (CloudNativePG, a row per cluster) when there
 * are databases, and a Keycloak dashboard when the product has its own. Same input, same JSON: no timestamps,
 * no generated ids.
 *
 * Past ten (`MAX_DASHBOARD_ROWS`) APIs or databases, the rows go to several dashboards of that kind in their order,
 * ten each: the first keeps the kind's uid (`<product>-<environment>-api`), the next ones end in `-2`, `-3`, ... and
 * every title says which part of how many it is (`API (2 of 3)`).
 *
 * @throws Error naming every bad field of `input` at once
 */
export function productDashboards(input: DashboardInput): DashboardModel[] {
  validateInput(input);
  const apis = input.apis.map((api) => ({ title: api.name, panels: apiPanels(api) }));
  const databases = input.databases.map((db) => ({ title: db.name, panels: postgresPanels(db.name, db.metrics, db.volumes) }));
  return [
    ...parts(input, 'api', 'API', apis),
    ...parts(input, 'postgresql', 'PostgreSQL', databases),
    ...(input.keycloak === undefined
      ? []
      : [
          build(input, 'keycloak', 'Keycloak', [{ title: input.keycloak.name, panels: keycloakPanels(input.keycloak.name, input.keycloak.metrics) }]),
        ]),
  ];
}

/** The dashboards of one kind: none without rows, else one per `MAX_DASHBOARD_ROWS` rows, in order. */
function parts(input: DashboardInput, kind: string, kindTitle: string, rows: readonly RowSpec[]): DashboardModel[] {
  const count = Math.ceil(rows.length / MAX_DASHBOARD_ROWS);
  return Array.from({ length: count }, (_, i) =>
    build(
      input,
      i === 0 ? kind : `${kind}-${i + 1}`,
      count === 1 ? kindTitle : `${kindTitle} (${i + 1} of ${count})`,
      rows.slice(i * MAX_DASHBOARD_ROWS, (i + 1) * MAX_DASHBOARD_ROWS),
    ),
  );
}

/** Every PromQL expression of a dashboard, in panel order (panels of collapsed rows after their row). */
export function dashboardQueries(dashboard: DashboardModel): string[] {
  // Grafana's JSON as stored: whatever is missing or of another type is skipped.
  const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
  const field = (value: unknown, key: string): unknown =>
    typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  const queries: string[] = [];
  const visit = (panel: unknown): void => {
    for (const target of list(field(panel, 'targets'))) {
      const expr = field(target, 'expr');
      if (typeof expr === 'string') queries.push(expr);
    }
    list(field(panel, 'panels')).forEach(visit);
  };
  list(dashboard.json.panels).forEach(visit);
  return queries;
}

// ---------------------------------------------------------------------------------------------------------------
// Validation: every bad field reported at once, in the house format.

function validateInput(input: DashboardInput): void {
  const problems: string[] = [];
  const at = (field: string, problem: string, value: unknown, fix: string) =>
    problems.push(`${field} ${problem} (got ${describeValue(value)}); ${fix}`);
  if (!COMPONENT_NAME.test(input.product)) at('product', 'is not a valid product name', input.product, COMPONENT_NAME.fix);
  if (!ENVIRONMENT_NAME.test(input.environment)) at('environment', 'is not a valid environment name', input.environment, ENVIRONMENT_NAME.fix);
  if (!DNS_LABEL.test(input.namespace)) at('namespace', 'is not a valid namespace', input.namespace, DNS_LABEL.fix);
  const selector = (field: string, value: unknown) => {
    if (typeof value !== 'string' || value.trim() === '') {
      at(
        field,
        'must name at least one label matcher',
        value,
        'select the component\'s series, e.g. namespace="dvmm-production", job="api" (an empty selector would show every workload of the cluster)',
      );
    } else if (/[{}]/.test(value) || /^\s*,|,\s*$/.test(value)) {
      at(field, 'must be label matchers without braces', value, 'write the matchers alone, e.g. namespace="dvmm-production", job="api"');
    }
  };
  const names = (field: string, list: ReadonlyArray<{ readonly name: string }>) => {
    const seen = new Set<string>();
    list.forEach((item, i) => {
      if (!DNS_LABEL.test(item.name)) at(`${field}[${i}].name`, 'is not a valid name', item.name, DNS_LABEL.fix);
      else if (seen.has(item.name))
        at(`${field}[${i}].name`, 'is used twice', item.name, 'give each its own name: rows and panel titles are named after it');
      seen.add(item.name);
    });
  };
  names('apis', input.apis);
  input.apis.forEach((api, i) => {
    selector(`apis[${i}].metrics`, api.metrics);
    selector(`apis[${i}].containers`, api.containers);
  });
  names('databases', input.databases);
  input.databases.forEach((db, i) => {
    selector(`databases[${i}].metrics`, db.metrics);
    selector(`databases[${i}].volumes`, db.volumes);
  });
  if (input.keycloak !== undefined) {
    if (!DNS_LABEL.test(input.keycloak.name)) at('keycloak.name', 'is not a valid name', input.keycloak.name, DNS_LABEL.fix);
    selector('keycloak.metrics', input.keycloak.metrics);
  }
  if (problems.length > 0) {
    throw new ValueErrors(problems.map((p) => `dashboards of ${input.product}/${input.environment}: ${p}`));
  }
}
