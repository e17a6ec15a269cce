import { createHash } from 'crypto';
import { Sli } from './sli';

/** The shape of the product dashboards: what they show (input), what they are (model), and their panels as data. */

/** One Prometheus label selector without braces, e.g. `namespace="dvmm-production", job="api"`. */
export type Selector = string;

/** What the dashboards of one product environment show. */
export interface DashboardInput {
  /** Product name, e.g. `dvmm`. */
  readonly product: string;
  /** Environment name, e.g. `production`. */
  readonly environment: string;
  /** The namespace the environment runs in, e.g. `dvmm-production`. */
  readonly namespace: string;
  /** Components with request metrics: their series, their containers' series (cAdvisor, kube-state-metrics), indicator and pool. */
  readonly apis: readonly DashboardApi[];
  /** CloudNativePG clusters: selector of their PostgreSQL exporter series, and of their PVCs' kubelet volume stats. */
  readonly databases: ReadonlyArray<{ readonly name: string; readonly metrics: Selector; readonly volumes: Selector }>;
  /** Keycloak, when the product has its own. */
  readonly keycloak?: { readonly name: string; readonly metrics: Selector };
}

/** A component with request metrics, as its dashboard row shows it. */
export interface DashboardApi {
  /** The component's name: its row's title. */
  readonly name: string;
  /** Its series, e.g. `namespace="dvmm-production", job="api"`. */
  readonly metrics: Selector;
  /** Its containers' series. */
  readonly containers: Selector;
  /** Where its request metrics come from. @default - the Spring Boot preset */
  readonly sli?: Sli;
  /** Whether to show its HikariCP connection pool. @default - shown */
  readonly connectionPool?: boolean;
}

/** A Grafana dashboard: its uid, its title and its JSON model (plain data, as Grafana stores it). */
export interface DashboardModel {
  readonly uid: string;
  readonly title: string;
  readonly json: Record<string, unknown>;
}

/** The longest dashboard uid Grafana accepts. */
export const MAX_DASHBOARD_UID_LENGTH = 40;

/** The dashboard variable every panel takes its Prometheus data source from. */
export const DATASOURCE_VARIABLE = 'datasource';

/**
 * The uid of a product environment's dashboard: `<product>-<environment>-<kind>`; when that is longer than Grafana
 * allows (40), its start, a hash of the whole and the kind, so it stays unique and readable.
 */
export function dashboardUid(product: string, environment: string, kind: string): string {
  const full = `${product}-${environment}-${kind}`;
  if (full.length <= MAX_DASHBOARD_UID_LENGTH) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  const head = `${product}-${environment}`.slice(0, MAX_DASHBOARD_UID_LENGTH - kind.length - hash.length - 2).replace(/-+$/, '');
  return `${head}-${hash}-${kind}`;
}

export interface Query {
  readonly expr: string;
  readonly legend: string;
}

export interface PanelSpec {
  readonly kind: 'timeseries' | 'stat';
  readonly title: string;
  readonly description: string;
  /** Grafana unit id, e.g. `reqps`, `percentunit`, `s`, `bytes`. */
  readonly unit: string;
  /** Grid columns of 24. */
  readonly width: number;
  readonly queries: readonly Query[];
  /** Values from 0 to 1 (ratios). */
  readonly ratio?: boolean;
  /** Colour steps: green below the first, then orange, then red. */
  readonly warnAt?: readonly [number, number];
  /** Stat panels: red below 1, green from 1 (up / down). */
  readonly upDown?: boolean;
}

export interface RowSpec {
  readonly title: string;
  readonly panels: readonly PanelSpec[];
}
