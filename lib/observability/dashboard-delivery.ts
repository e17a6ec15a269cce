import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { GrafanaDashboard } from '../../imports/grafana-dashboard-grafana.integreatly.org';
import { PropertyProblems } from '../core/errors';
import { DNS_LABEL, LABEL_VALUE, QUALIFIED_NAME } from '../core/formats';
import { deepFreeze } from '../core/freeze';
import { DashboardModel, MAX_DASHBOARD_UID_LENGTH } from './dashboard-model';

// ---------------------------------------------------------------------------------------------------------------
// Delivery.

/** Defaults of {@link ProductDashboards}. Frozen: override through props. */
export const PRODUCT_DASHBOARDS_DEFAULTS = deepFreeze({
  delivery: 'configmap' as 'configmap' | 'grafana-operator',
  /** The label the Grafana Helm chart's dashboard sidecar watches by default. */
  sidecarLabels: { grafana_dashboard: '1' } as Readonly<Record<string, string>>,
  instanceSelector: { dashboards: 'grafana' } as Readonly<Record<string, string>>,
});

/** The annotation the Grafana dashboard sidecar takes the folder from (its `folderAnnotation` setting). */
export const GRAFANA_FOLDER_ANNOTATION = 'grafana_folder';

/** Props of {@link ProductDashboards}. */
export interface ProductDashboardsProps {
  /** The dashboards, e.g. from {@link productDashboards}. */
  readonly dashboards: readonly DashboardModel[];
  /**
   * 'configmap': one ConfigMap per dashboard labelled for the Grafana sidecar; 'grafana-operator': one GrafanaDashboard
   * (grafana.integreatly.org/v1beta1).
   * @default 'configmap'
   */
  readonly delivery?: 'configmap' | 'grafana-operator';
  /** Sidecar label (configmap delivery). @default { grafana_dashboard: '1' } */
  readonly sidecarLabels?: Readonly<Record<string, string>>;
  /** Which Grafana instances pick it up (grafana-operator delivery). @default { dashboards: 'grafana' } (as matchLabels) */
  readonly instanceSelector?: Readonly<Record<string, string>>;
  /** Folder in Grafana. @default - the product name (the first tag the dashboards share) */
  readonly folder?: string;
}

/**
 * Delivers dashboards to Grafana: one ConfigMap per dashboard for the Grafana sidecar (`<uid>.json`, the folder in
 * the `grafana_folder` annotation), or one `GrafanaDashboard` per dashboard for the Grafana Operator. Objects are
 * named after the dashboard uid. The JSON is compact (`JSON.stringify` without indentation): the manifest YAML prints
 * a string on one line either way, so indentation would only double its size (about 8 KB per dashboard compact).
 */
export class ProductDashboards extends Construct {
  /** How the dashboards reach Grafana. */
  public readonly delivery: 'configmap' | 'grafana-operator';
  /** Labels of the ConfigMaps (configmap delivery). */
  public readonly sidecarLabels: Readonly<Record<string, string>>;
  /** matchLabels of the Grafana instances (grafana-operator delivery). */
  public readonly instanceSelector: Readonly<Record<string, string>>;
  /** The Grafana folder. @default - none when there are no dashboards */
  public readonly folder?: string;
  /** One object per dashboard, in the order given: ConfigMaps or GrafanaDashboards. */
  public readonly resources: readonly ApiObject[];

  constructor(scope: Construct, id: string, props: ProductDashboardsProps) {
    super(scope, id);
    this.delivery = props.delivery ?? PRODUCT_DASHBOARDS_DEFAULTS.delivery;
    this.sidecarLabels = props.sidecarLabels ?? PRODUCT_DASHBOARDS_DEFAULTS.sidecarLabels;
    this.instanceSelector = props.instanceSelector ?? PRODUCT_DASHBOARDS_DEFAULTS.instanceSelector;
    this.folder = props.folder ?? sharedFirstTag(props.dashboards);

    const problems = new PropertyProblems(this);
    if (this.delivery !== 'configmap' && this.delivery !== 'grafana-operator') {
      problems.add('delivery', 'is not a delivery', this.delivery, "use 'configmap' or 'grafana-operator'");
    }
    const uids = new Set<string>();
    props.dashboards.forEach((d, i) => {
      if (!DNS_LABEL.test(d.uid) || d.uid.length > MAX_DASHBOARD_UID_LENGTH) {
        problems.add(
          `dashboards[${i}].uid`,
          `must be a DNS label of at most ${MAX_DASHBOARD_UID_LENGTH} characters`,
          d.uid,
          'use lower-case letters, digits and hyphens (it names the object and is the Grafana uid)',
        );
      } else if (uids.has(d.uid)) {
        problems.add(`dashboards[${i}].uid`, 'is used twice', d.uid, 'give each dashboard its own uid');
      }
      uids.add(d.uid);
      if (d.json.uid !== d.uid)
        problems.add(`dashboards[${i}].json.uid`, 'differs from the dashboard uid', d.json.uid, `set json.uid to ${JSON.stringify(d.uid)}`);
    });
    if (props.folder !== undefined && props.folder.trim() === '') {
      problems.add('folder', 'must not be blank', props.folder, 'name the folder, or leave it out to use the product name');
    } else if (props.dashboards.length > 0 && this.folder === undefined) {
      problems.add('folder', 'cannot be derived: the dashboards share no first tag', props.folder, 'set folder');
    }
    const labels = (field: string, map: Readonly<Record<string, string>>) => {
      if (Object.keys(map).length === 0)
        problems.add(field, 'must hold at least one label', map, 'name the label Grafana selects by, e.g. { grafana_dashboard: "1" }');
      for (const [key, value] of Object.entries(map)) {
        if (!QUALIFIED_NAME.test(key)) problems.add(`${field}.${key}`, 'is not a valid label key', key, QUALIFIED_NAME.fix);
        if (!LABEL_VALUE.test(value)) problems.add(`${field}.${key}`, 'is not a valid label value', value, LABEL_VALUE.fix);
      }
    };
    if (this.delivery === 'configmap') labels('sidecarLabels', this.sidecarLabels);
    else labels('instanceSelector', this.instanceSelector);
    problems.throwIfAny();

    this.resources = props.dashboards.map((d) => {
      const json = JSON.stringify(d.json);
      if (this.delivery === 'grafana-operator') {
        return new GrafanaDashboard(this, d.uid, {
          metadata: { name: d.uid },
          spec: { instanceSelector: { matchLabels: { ...this.instanceSelector } }, folder: this.folder, json },
        });
      }
      return new kplus.k8s.KubeConfigMap(this, d.uid, {
        metadata: { name: d.uid, labels: { ...this.sidecarLabels }, annotations: { [GRAFANA_FOLDER_ANNOTATION]: this.folder as string } },
        data: { [`${d.uid}.json`]: json },
      });
    });
  }
}

/** The first tag every dashboard carries (productDashboards tags them `[product, environment, 'eaf']`). */
function sharedFirstTag(dashboards: readonly DashboardModel[]): string | undefined {
  const firsts = new Set(dashboards.map((d) => (Array.isArray(d.json.tags) ? d.json.tags[0] : undefined)));
  const [only] = firsts;
  return firsts.size === 1 && typeof only === 'string' ? only : undefined;
}
