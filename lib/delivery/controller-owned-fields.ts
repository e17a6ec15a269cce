import { isObject, valueAt } from '../core/json';
import { ROLLOUT_DEFAULTS } from '../workloads/rollout-release';

/** One rule of an Argo CD Application's `ignoreDifferences`: these fields of this object are not compared. */
export interface IgnoredDifference {
  /** API group (`''` for the core group). */
  readonly group: string;
  /** The object's kind, e.g. `Service`. */
  readonly kind: string;
  /** The object's name (in the Application's namespace). */
  readonly name: string;
  /** RFC 6901 pointers to the fields. */
  readonly jsonPointers: readonly string[];
}

/**
 * The fields of an environment's objects that a controller owns once they are live, so that Argo CD neither shows
 * them as drift nor (with `RespectIgnoreDifferences=true`) resets them at a sync, derived from the rendered objects
 * (only what the output uses):
 *
 * - the Services a Rollout manages (active and preview, stable and canary): the Argo Rollouts controller adds
 *   `rollouts-pod-template-hash` to their selectors. A selector is an atomic map under server-side apply, so a sync
 *   that does not carry the hash resets it, and the controller then treats the next release as an initial deploy
 *   and promotes it with no analysis at all;
 * - the OpenShift Routes a canary's traffic goes through (the argoproj-labs/openshift plugin): the controller sets
 *   `spec.to.weight` and `spec.alternateBackends` at each step; a sync in between would send all traffic back;
 * - the target of a HorizontalPodAutoscaler: the autoscaler owns `spec.replicas`.
 *
 * JSON pointers rather than `managedFieldsManagers`: they do not depend on the name a controller's client reports,
 * and they name exactly the fields, so a hand edit anywhere else still shows as drift.
 */
export function controllerOwnedFields(objects: readonly unknown[]): IgnoredDifference[] {
  const rules: IgnoredDifference[] = [];
  for (const object of objects) {
    const kind = valueAt(object, 'kind');
    if (kind === 'Rollout' && groupOf(object) === 'argoproj.io') rules.push(...rolloutRules(object));
    if (kind === 'HorizontalPodAutoscaler') {
      const target = valueAt(object, 'spec', 'scaleTargetRef');
      const name = valueAt(target, 'name');
      if (typeof name === 'string') {
        rules.push({ group: groupOf(target), kind: String(valueAt(target, 'kind')), name, jsonPointers: ['/spec/replicas'] });
      }
    }
  }
  return rules;
}

/**
 * Of one object, the fields {@link controllerOwnedFields} reads beyond its `apiVersion` and `kind` (a Rollout's
 * strategy, an autoscaler's target; nothing for other kinds): the answer is the same for objects reduced to these.
 */
export function controllerOwnedSource(object: unknown): { spec?: Record<string, unknown> } {
  const kind = valueAt(object, 'kind');
  if (kind === 'Rollout' && groupOf(object) === 'argoproj.io') return { spec: { strategy: valueAt(object, 'spec', 'strategy') } };
  if (kind === 'HorizontalPodAutoscaler') return { spec: { scaleTargetRef: valueAt(object, 'spec', 'scaleTargetRef') } };
  return {};
}

function rolloutRules(rollout: unknown): IgnoredDifference[] {
  const strategy = valueAt(rollout, 'spec', 'strategy');
  const services = [
    valueAt(strategy, 'blueGreen', 'activeService'),
    valueAt(strategy, 'blueGreen', 'previewService'),
    valueAt(strategy, 'canary', 'stableService'),
    valueAt(strategy, 'canary', 'canaryService'),
  ].filter((s): s is string => typeof s === 'string');
  const plugin = valueAt(strategy, 'canary', 'trafficRouting', 'plugins', ROLLOUT_DEFAULTS.openshiftPlugin);
  const routes = valueAt(plugin, 'routes');
  return [
    ...services.map((name) => ({
      group: '',
      kind: 'Service',
      name,
      jsonPointers: [`/spec/selector/${ROLLOUT_DEFAULTS.podTemplateHashLabel}`],
    })),
    ...(Array.isArray(routes) ? routes : [])
      .filter((r): r is string => typeof r === 'string')
      .map((name) => ({ group: 'route.openshift.io', kind: 'Route', name, jsonPointers: ['/spec/to/weight', '/spec/alternateBackends'] })),
  ];
}

/** The API group of an object or reference (`apiVersion`), `''` for the core group. */
function groupOf(object: unknown): string {
  const apiVersion = isObject(object) ? object.apiVersion : undefined;
  return typeof apiVersion === 'string' && apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}
