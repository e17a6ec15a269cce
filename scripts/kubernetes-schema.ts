import { execFileSync } from 'child_process';
import * as path from 'path';
import type { KubernetesSchemaBundle } from '../lib/gate/kubernetes-schema';

/**
 * Generates the schemas of one Kubernetes release for `lib/gate/kubernetes-schema.json`, the vendored JSON schemas
 * of the built-in kinds the {@link ManifestValidator} checks core objects against (scripts/kubernetes-schema-history.ts
 * folds the releases into that one file). A build-time generator (it starts `go`), so it lives in scripts/, not in
 * the gate, which does no I/O.
 *
 * Source: `api/openapi-spec/swagger.json` of the Go module `k8s.io/kubernetes` at each tag of KUBERNETES_RELEASES
 * (lib/core/cluster-version.ts). `kubectl get --raw /openapi/v2` of that release's apiserver prints the same
 * document. The transformation:
 * - keeps every definition reachable from a resource kind (`x-kubernetes-group-version-kind`),
 *   minus lists and the `meta/v1` envelope kinds, and drops descriptions and patch/list hints;
 * - accepts any `status` without checking it (manifests carry none; the API server ignores it);
 * - makes every object with `properties` strict (`additionalProperties: false`), so an unknown
 *   field is an error, as with `kubectl apply --validate=strict`;
 * - writes the apimachinery scalar types as the API server decodes them: IntOrString is an
 *   integer or a string, a Quantity a string (format `quantity`) or a number, Time a date-time;
 * - adds {@link SUPPLEMENTS}: the enums of `+enum` types and a few bounds the API server's validation enforces
 *   but the OpenAPI v2 document does not publish (still true of 1.37).
 *
 * Run: `node --import tsx scripts/generate-kubernetes-schema.ts` (the documents come from the Go module cache,
 * downloaded with `go mod download`).
 */

/** Where the generated bundle lives: beside the gate that reads it. */
export const KUBERNETES_SCHEMA_FILE = path.join(__dirname, '..', 'lib', 'gate', 'kubernetes-schema.json');

const LABEL_SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];
const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
const PORT = { minimum: 1, maximum: 65535 };

/**
 * What the OpenAPI v2 document leaves out but the API server enforces: the values of `+enum`
 * types (listed in k8s.io/api v0.28 `types.go`; the v2 documents of 1.29 to 1.37 still publish no enums) and the
 * bounds of a few numbers. Keyed by `<definition>.<property>`; `items` applies to array elements.
 */
export const SUPPLEMENTS: Record<string, Record<string, unknown>> = {
  'io.k8s.api.core.v1.Container.imagePullPolicy': { enum: ['Always', 'Never', 'IfNotPresent'] },
  'io.k8s.api.core.v1.Container.terminationMessagePolicy': { enum: ['File', 'FallbackToLogsOnError'] },
  'io.k8s.api.core.v1.EphemeralContainer.imagePullPolicy': { enum: ['Always', 'Never', 'IfNotPresent'] },
  'io.k8s.api.core.v1.ContainerPort.protocol': { enum: PROTOCOLS },
  'io.k8s.api.core.v1.ContainerPort.containerPort': PORT,
  'io.k8s.api.core.v1.ContainerPort.hostPort': { minimum: 0, maximum: 65535 },
  'io.k8s.api.core.v1.ServicePort.protocol': { enum: PROTOCOLS },
  'io.k8s.api.core.v1.ServicePort.port': PORT,
  'io.k8s.api.core.v1.ServiceSpec.type': { enum: ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'] },
  'io.k8s.api.core.v1.ServiceSpec.sessionAffinity': { enum: ['ClientIP', 'None'] },
  'io.k8s.api.core.v1.ServiceSpec.externalTrafficPolicy': { enum: ['Cluster', 'Local'] },
  'io.k8s.api.core.v1.ServiceSpec.internalTrafficPolicy': { enum: ['Cluster', 'Local'] },
  'io.k8s.api.core.v1.ServiceSpec.ipFamilyPolicy': { enum: ['SingleStack', 'PreferDualStack', 'RequireDualStack'] },
  'io.k8s.api.core.v1.PodSpec.restartPolicy': { enum: ['Always', 'OnFailure', 'Never'] },
  'io.k8s.api.core.v1.PodSpec.dnsPolicy': { enum: ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'] },
  'io.k8s.api.core.v1.PodSpec.preemptionPolicy': { enum: ['PreemptLowerPriority', 'Never'] },
  'io.k8s.api.core.v1.PodSecurityContext.fsGroupChangePolicy': { enum: ['OnRootMismatch', 'Always'] },
  'io.k8s.api.core.v1.SeccompProfile.type': { enum: ['Localhost', 'RuntimeDefault', 'Unconfined'] },
  'io.k8s.api.core.v1.SecurityContext.procMount': { enum: ['Default', 'Unmasked'] },
  'io.k8s.api.core.v1.HTTPGetAction.scheme': { enum: ['HTTP', 'HTTPS'] },
  'io.k8s.api.core.v1.VolumeMount.mountPropagation': { enum: ['None', 'HostToContainer', 'Bidirectional'] },
  'io.k8s.api.core.v1.TopologySpreadConstraint.whenUnsatisfiable': { enum: ['DoNotSchedule', 'ScheduleAnyway'] },
  'io.k8s.api.core.v1.TopologySpreadConstraint.nodeAffinityPolicy': { enum: ['Honor', 'Ignore'] },
  'io.k8s.api.core.v1.TopologySpreadConstraint.nodeTaintsPolicy': { enum: ['Honor', 'Ignore'] },
  'io.k8s.api.core.v1.TopologySpreadConstraint.maxSkew': { minimum: 1 },
  'io.k8s.api.core.v1.Toleration.operator': { enum: ['Exists', 'Equal'] },
  'io.k8s.api.core.v1.Toleration.effect': { enum: ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] },
  'io.k8s.api.core.v1.NodeSelectorRequirement.operator': { enum: ['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'] },
  'io.k8s.api.core.v1.PersistentVolumeClaimSpec.volumeMode': { enum: ['Filesystem', 'Block'] },
  'io.k8s.api.apps.v1.DeploymentSpec.replicas': { minimum: 0 },
  'io.k8s.api.apps.v1.DeploymentStrategy.type': { enum: ['Recreate', 'RollingUpdate'] },
  'io.k8s.api.apps.v1.StatefulSetSpec.replicas': { minimum: 0 },
  'io.k8s.api.apps.v1.StatefulSetSpec.podManagementPolicy': { enum: ['OrderedReady', 'Parallel'] },
  'io.k8s.api.apps.v1.StatefulSetUpdateStrategy.type': { enum: ['RollingUpdate', 'OnDelete'] },
  'io.k8s.api.apps.v1.DaemonSetUpdateStrategy.type': { enum: ['RollingUpdate', 'OnDelete'] },
  'io.k8s.api.batch.v1.JobSpec.completionMode': { enum: ['NonIndexed', 'Indexed'] },
  'io.k8s.api.batch.v1.JobSpec.podReplacementPolicy': { enum: ['TerminatingOrFailed', 'Failed'] },
  'io.k8s.api.batch.v1.CronJobSpec.concurrencyPolicy': { enum: ['Allow', 'Forbid', 'Replace'] },
  'io.k8s.api.policy.v1.PodDisruptionBudgetSpec.unhealthyPodEvictionPolicy': { enum: ['IfHealthyBudget', 'AlwaysAllow'] },
  'io.k8s.api.networking.v1.HTTPIngressPath.pathType': { enum: ['Exact', 'Prefix', 'ImplementationSpecific'] },
  'io.k8s.api.networking.v1.NetworkPolicySpec.policyTypes': { items: { enum: ['Ingress', 'Egress'] } },
  'io.k8s.api.networking.v1.NetworkPolicyPort.protocol': { enum: PROTOCOLS },
  'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec.minReplicas': { minimum: 1 },
  'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec.maxReplicas': { minimum: 1 },
  'io.k8s.api.autoscaling.v2.MetricSpec.type': { enum: ['Object', 'Pods', 'Resource', 'ContainerResource', 'External'] },
  'io.k8s.api.autoscaling.v2.MetricTarget.type': { enum: ['Utilization', 'Value', 'AverageValue'] },
  'io.k8s.api.autoscaling.v2.HPAScalingRules.selectPolicy': { enum: ['Max', 'Min', 'Disabled'] },
  'io.k8s.api.autoscaling.v2.HPAScalingPolicy.type': { enum: ['Pods', 'Percent'] },
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement.operator': { enum: LABEL_SELECTOR_OPERATORS },
};

/** Hints the validator has no use for; dropped to keep the bundle small. */
const DROPPED_KEYS = new Set([
  'description',
  'x-kubernetes-patch-merge-key',
  'x-kubernetes-patch-strategy',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-list-type',
  'x-kubernetes-map-type',
  'x-kubernetes-unions',
  'x-kubernetes-group-version-kind',
  'default',
]);

/** The apimachinery scalar types, as the API server decodes them from JSON. */
const SCALARS: Record<string, any> = {
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { type: ['integer', 'string'] },
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { type: ['string', 'number'], format: 'quantity' },
  'io.k8s.apimachinery.pkg.apis.meta.v1.Time': { type: 'string', format: 'date-time' },
  'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime': { type: 'string', format: 'date-time' },
};

const REF_PREFIX = '#/definitions/';

/** Builds the bundle of one release from its OpenAPI v2 (swagger) document. Deterministic: keys are sorted. */
export function buildKubernetesSchemaBundle(
  swagger: { definitions: Record<string, any> },
  source: string,
  version: string,
  supplements: Record<string, Record<string, unknown>> = SUPPLEMENTS,
): KubernetesSchemaBundle {
  const all = swagger.definitions;
  const kinds = kindsOf(swagger);

  const definitions: Record<string, any> = {};
  const unused = new Set(Object.keys(supplements));
  const roots = new Set(Object.values(kinds).flatMap((byKind) => Object.values(byKind)));
  const pending = [...roots];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (definitions[name] !== undefined) continue;
    if (all[name] === undefined) throw new Error(`definition ${name} is referenced but missing from the OpenAPI document`);
    // Manifests never carry status (the API server ignores it on apply): accept any, check nothing, compile less.
    const source =
      roots.has(name) && all[name].properties?.status !== undefined
        ? { ...all[name], properties: { ...all[name].properties, status: { type: 'object' } } }
        : all[name];
    definitions[name] = SCALARS[name] ?? transform(source, name, (ref) => pending.push(ref), supplements, unused);
  }
  if (unused.size > 0) throw new Error(`SUPPLEMENTS name properties the OpenAPI document does not have: ${[...unused].join(', ')}`);
  return { kubernetesVersion: version, source, kinds: sortKeys(kinds), definitions: sortKeys(definitions) };
}

/** `apiVersion` → `kind` → definition name of the resource kinds of a document (no lists, no meta envelopes). */
export function kindsOf(swagger: { definitions: Record<string, any> }): Record<string, Record<string, string>> {
  const kinds: Record<string, Record<string, string>> = {};
  for (const [name, definition] of Object.entries(swagger.definitions)) {
    const gvks: Array<{ group: string; version: string; kind: string }> | undefined = definition['x-kubernetes-group-version-kind'];
    if (!gvks || gvks.length !== 1 || name.startsWith('io.k8s.apimachinery.pkg.apis.meta.') || gvks[0].kind.endsWith('List')) continue;
    const { group, version: v, kind } = gvks[0];
    const apiVersion = group === '' ? v : `${group}/${v}`;
    (kinds[apiVersion] ??= {})[kind] = name;
  }
  return kinds;
}

function transform(
  schema: any,
  definitionName: string | undefined,
  onRef: (name: string) => void,
  supplements: Record<string, Record<string, unknown>>,
  unused: Set<string>,
): any {
  if (Array.isArray(schema)) return schema.map((s) => transform(s, undefined, onRef, supplements, unused));
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, any> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DROPPED_KEYS.has(key)) continue;
    if (key === '$ref') {
      const target = (value as string).slice(REF_PREFIX.length);
      onRef(target);
      out.$ref = value;
    } else if (key === 'properties') {
      const properties: Record<string, any> = {};
      for (const [prop, propSchema] of Object.entries(value as Record<string, any>)) {
        properties[prop] = transform(propSchema, undefined, onRef, supplements, unused);
        const key = `${definitionName}.${prop}`;
        if (definitionName !== undefined && supplements[key] !== undefined) {
          properties[prop] = mergeSupplement(properties[prop], supplements[key]);
          unused.delete(key);
        }
      }
      out.properties = properties;
    } else if (typeof value === 'object') {
      out[key] = transform(value, undefined, onRef, supplements, unused);
    } else {
      out[key] = value;
    }
  }
  if (out.properties !== undefined && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

function mergeSupplement(schema: any, supplement: Record<string, unknown>): any {
  const merged = { ...schema };
  for (const [key, value] of Object.entries(supplement)) {
    merged[key] = key === 'items' ? { ...schema.items, ...(value as object) } : value;
  }
  return merged;
}

function sortKeys<T extends Record<string, any>>(value: T): T {
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, value[k]]),
  ) as T;
}

/** The path of k8s.io/kubernetes's swagger.json in the Go module cache (downloaded if missing). */
export function swaggerFromGoModuleCache(version: string): string {
  const info = JSON.parse(execFileSync('go', ['mod', 'download', '-json', `k8s.io/kubernetes@${version}`], { encoding: 'utf8' }));
  return path.join(info.Dir, 'api', 'openapi-spec', 'swagger.json');
}

/** Serialises a bundle the way it is committed: one definition per line, so a diff shows what changed. */
export function serializeBundle(bundle: KubernetesSchemaBundle): string {
  const lines = Object.entries(bundle.definitions).map(([name, schema]) => `    ${JSON.stringify(name)}: ${JSON.stringify(schema)}`);
  return [
    '{',
    `  "kubernetesVersion": ${JSON.stringify(bundle.kubernetesVersion)},`,
    `  "source": ${JSON.stringify(bundle.source)},`,
    `  "kinds": ${JSON.stringify(bundle.kinds)},`,
    '  "definitions": {',
    lines.join(',\n'),
    '  }',
    '}',
    '',
  ].join('\n');
}
