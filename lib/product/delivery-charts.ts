import { App, Chart } from 'cdk8s';
import { valueAt } from '../core/json';
import { controllerOwnedFields, controllerOwnedSource } from '../delivery/controller-owned-fields';
import { ARGO_CD_DEFAULTS, ArgoCdApplications, argoCdChartIds, ArgoCdRoot, DeliveredEnvironment, GroupKind } from '../delivery/argo-cd';
import { ProductDefinition, productNamespaceName } from './product';
import { EnvironmentConfig } from './settings';

/** One environment as it was rendered, for the charts that deliver every environment. */
export interface RenderedEnvironment {
  readonly environment: EnvironmentConfig;
  /**
   * Its objects, as written, or only what the shared charts read of them: {@link composeDeliveryCharts} renders the
   * same from each object's outline (`deliveryOutline`), which is what `synthesizeEnvironments` keeps for it.
   */
  readonly objects: readonly unknown[];
}

/** The name of the output folder of a product's Argo CD objects (`<outdir>/argocd/`). */
export const DELIVERY_FOLDER = ARGO_CD_DEFAULTS.folder;

/**
 * A product's Argo CD objects, from its declaration (`delivery`), each environment's `delivery` settings and what each
 * environment rendered (the kinds its project allows): the chart `<product>-root` (applied once by hand) and the chart
 * `<product>-apps` (synced by the root). Nothing when the product is not delivered by Argo CD.
 */
export function composeDeliveryCharts(app: App, product: ProductDefinition, rendered: readonly RenderedEnvironment[]): void {
  const delivery = product.delivery;
  if (delivery === undefined) return;
  const ids = argoCdChartIds(product.name);
  const common = {
    product: product.name,
    repoURL: delivery.repoURL,
    path: delivery.path,
    targetRevision: delivery.targetRevision,
    argocdNamespace: delivery.argocdNamespace,
  };
  new ArgoCdRoot(new Chart(app, ids.root), 'root', common);
  new ArgoCdApplications(new Chart(app, ids.apps), 'applications', {
    ...common,
    environments: rendered.map(({ environment, objects }): DeliveredEnvironment => {
      const namespace = productNamespaceName(product, environment);
      const namespaces = objects.map((o) => valueAt(o, 'metadata', 'namespace')).filter((n): n is string => typeof n === 'string' && n !== namespace);
      return {
        ...environment.delivery,
        name: environment.name,
        namespace,
        otherNamespaces: [...new Set(namespaces)].sort(),
        critical: environment.critical === true,
        clusterKinds: kindsOf(objects.filter((o) => valueAt(o, 'metadata', 'namespace') === undefined)),
        namespacedKinds: kindsOf(objects.filter((o) => valueAt(o, 'metadata', 'namespace') !== undefined)),
        ignoreDifferences: controllerOwnedFields(objects),
      };
    }),
  });
}

/**
 * Of an environment's objects, what {@link composeDeliveryCharts} reads: each object's `apiVersion`, `kind` and
 * `metadata.namespace`, and the fields a controller owns are derived from (a Rollout's strategy, an autoscaler's
 * target). The charts are the same from these as from the whole objects; a program keeps only these of each
 * environment until every environment is composed, so that its memory does not grow with every environment's objects.
 */
export function deliveryOutline(objects: readonly unknown[]): unknown[] {
  return objects.map((object) => {
    const namespace = valueAt(object, 'metadata', 'namespace');
    return {
      apiVersion: valueAt(object, 'apiVersion'),
      kind: valueAt(object, 'kind'),
      ...(namespace === undefined ? {} : { metadata: { namespace } }),
      ...controllerOwnedSource(object),
    };
  });
}

function kindsOf(objects: readonly unknown[]): GroupKind[] {
  return objects.map((o) => {
    const apiVersion = String(valueAt(o, 'apiVersion'));
    return { group: apiVersion.includes('/') ? apiVersion.split('/')[0] : '', kind: String(valueAt(o, 'kind')) };
  });
}
