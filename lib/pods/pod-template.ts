import { ApiObject, Duration, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PropertyProblems } from '../core/errors';
import { IMAGE_DIGEST } from '../core/formats';
import { parseQuantity } from '../core/quantity';

/**
 * Pod helpers shared by every construct that renders pods (EAF workloads, the Keycloak StatefulSet) or
 * sizes them (PostgreSQL): the restricted security context, resources written exactly as given, probes,
 * disruption budgets and Services.
 */

/** CPU and memory as Kubernetes quantities, e.g. `{ cpu: '250m', memory: '512Mi' }`. */
export interface ResourceQuantities {
  /** CPU quantity, e.g. `250m` or `1`. */
  readonly cpu: string;
  /** Memory quantity, e.g. `512Mi` or `1Gi`. */
  readonly memory: string;
  /** Ephemeral storage (logs, emptyDirs, writable layer), e.g. `256Mi`. @default - not set */
  readonly ephemeralStorage?: string;
}

/** Requests and limits of a container. Written to the manifest exactly as given. */
export interface ContainerResources {
  /** What the scheduler reserves. */
  readonly requests: ResourceQuantities;
  /** The most the container may use. Every limit must be at least its request. */
  readonly limits: ResourceQuantities;
}

/** Size overrides, merged over defaults. */
export interface ResourceOverrides {
  /** Requests to override. @default - the defaults */
  readonly requests?: Partial<ResourceQuantities>;
  /** Limits to override. @default - the defaults */
  readonly limits?: Partial<ResourceQuantities>;
}

/** Merges size overrides over defaults. */
export function mergeResources(defaults: ContainerResources, overrides: ResourceOverrides | undefined): ContainerResources {
  return {
    requests: { ...defaults.requests, ...overrides?.requests },
    limits: { ...defaults.limits, ...overrides?.limits },
  };
}

/**
 * The restricted Pod Security Standard and OpenShift's restricted-v2 SCC for one container: non-root
 * with no fixed UID (OpenShift assigns one), no privilege escalation, every capability dropped,
 * RuntimeDefault seccomp, read-only root filesystem.
 */
export const RESTRICTED_CONTAINER: kplus.ContainerSecurityContextProps = Object.freeze({
  ensureNonRoot: true,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
  privileged: false,
  capabilities: Object.freeze({ drop: [kplus.Capability.ALL] }),
  seccompProfile: Object.freeze({ type: kplus.SeccompProfileType.RUNTIME_DEFAULT }),
});

/**
 * The platform registry's mirror of curlimages/curl 8.11.1 (Alpine: `/bin/sh`, busybox and curl with `--aws-sigv4`;
 * runs as a non-root user and as any UID OpenShift assigns): the image of the library's small restricted jobs (the smoke
 * test, the realm export's upload).
 */
export const PLATFORM_CURL_IMAGE = 'registry.eaf.example.com/platform/curl:8.11.1';

/** `repo:tag`, or `repo@sha256:...` for a digest. */
export function imageReference(repository: string, tag: string): string {
  return IMAGE_DIGEST.test(tag) ? `${repository}@${tag}` : `${repository}:${tag}`;
}

/**
 * The least of each resource a container can sensibly ask for: less is a unit mistake (`1m` of memory is a thousandth
 * of a byte; `0.0001` CPU is below the millicore Kubernetes counts in), with the spelling that was probably meant.
 */
const SMALLEST: Record<keyof ResourceQuantities, { readonly value: number; readonly fix: string }> = {
  cpu: { value: 0.001, fix: 'use at least 1m (a thousandth of a core), e.g. 250m' },
  memory: { value: 1024 * 1024, fix: 'use at least 1Mi: m means a thousandth of a byte, Mi a mebibyte, e.g. 512Mi' },
  ephemeralStorage: { value: 1024 * 1024, fix: 'use at least 1Mi: m means a thousandth of a byte, Mi a mebibyte, e.g. 256Mi' },
};

/** Checks that every quantity parses, none is below the least a container can use, and no limit is below its request. */
export function validateResources(scope: Construct, resources: ContainerResources): void {
  const problems = new PropertyProblems(scope);
  for (const kind of ['cpu', 'memory', 'ephemeralStorage'] as const) {
    if (kind === 'ephemeralStorage' && resources.requests[kind] === undefined && resources.limits[kind] === undefined) continue;
    const request = parseQuantity(resources.requests[kind] ?? '');
    const limit = parseQuantity(resources.limits[kind] ?? '');
    for (const [field, value] of [
      ['requests', request],
      ['limits', limit],
    ] as const) {
      if (value === undefined || value <= 0 || value >= SMALLEST[kind].value) continue;
      problems.add(
        `resources.${field}.${kind}`,
        `is below ${kind === 'cpu' ? '1m' : '1Mi'}, a likely unit mistake`,
        resources[field][kind],
        SMALLEST[kind].fix,
      );
    }
    if (request === undefined || request < 0) {
      problems.add(
        `resources.requests.${kind}`,
        request === undefined ? 'is not a Kubernetes quantity' : 'must not be negative',
        resources.requests[kind],
        'use a value such as 250m, 1, 512Mi or 1Gi',
      );
    }
    if (limit === undefined || limit < 0) {
      problems.add(
        `resources.limits.${kind}`,
        limit === undefined ? 'is not a Kubernetes quantity' : 'must not be negative',
        resources.limits[kind],
        'use a value such as 250m, 1, 512Mi or 1Gi',
      );
    } else if (request !== undefined && limit < request) {
      problems.add(
        `resources.limits.${kind}`,
        `is below its request ${resources.requests[kind]}`,
        resources.limits[kind],
        `raise the limit to at least ${resources.requests[kind]}`,
      );
    }
  }
  problems.throwIfAny();
}

/**
 * A PodDisruptionBudget allowing one pod of `selector` down at a time; unhealthy pods may always be
 * evicted, so a crash-looping pod never blocks a node drain.
 */
export function createDisruptionBudget(
  scope: Construct,
  id: string,
  name: string,
  selector: Record<string, string>,
): kplus.k8s.KubePodDisruptionBudget {
  return new kplus.k8s.KubePodDisruptionBudget(scope, id, {
    metadata: { name },
    spec: {
      maxUnavailable: kplus.k8s.IntOrString.fromNumber(1),
      selector: { matchLabels: selector },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    },
  });
}

/** Creates a ClusterIP Service named `name` on `port` selecting `selector`, with optional labels of its own. */
export function createService(
  scope: Construct,
  id: string,
  name: string,
  port: number,
  selector: Record<string, string>,
  labels?: Record<string, string>,
): kplus.Service {
  const service = new kplus.Service(scope, id, {
    metadata: { name, labels },
    type: kplus.ServiceType.CLUSTER_IP,
    ports: [{ name: 'http', port, targetPort: port }],
  });
  for (const [key, value] of Object.entries(selector)) service.selectLabel(key, value);
  return withoutEmptyExternalIps(service);
}

/**
 * Drops the empty `externalIPs` list cdk8s-plus writes on every Service: the API server does not
 * store an empty list, so it would show up as a change on every apply.
 */
export function withoutEmptyExternalIps(service: kplus.Service): kplus.Service {
  ApiObject.of(service).addJsonPatch(JsonPatch.remove('/spec/externalIPs'));
  return service;
}

/** Spreads pods across nodes (required) and zones (best effort). */
export function spreadConstraints(labels: Record<string, string>) {
  const constraint = (topologyKey: string, whenUnsatisfiable: string) => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable,
    labelSelector: { matchLabels: labels },
    matchLabelKeys: ['pod-template-hash'],
  });
  return [constraint('kubernetes.io/hostname', 'DoNotSchedule'), constraint('topology.kubernetes.io/zone', 'ScheduleAnyway')];
}

/**
 * Finishes the pod template of a cdk8s-plus workload or job with explicit selectors: writes the first container's
 * resources (and each init container's, in order) exactly as configured (cdk8s-plus renders memory in Mi, so 1Gi would
 * become 1024Mi, and ephemeral storage in whole gibibytes) and drops the label cdk8s-plus derives from a hash of the
 * construct path, and the zero values cdk8s-plus always writes but the API server drops (`hostNetwork: false`,
 * `minReadySeconds: 0`: Go `omitempty` fields), so what the cluster stores equals what was rendered (no standing drift
 * in Argo CD; proven by the rehearsal tier's live-equals-desired check).
 */
export function finishPodTemplate(
  workload: kplus.Deployment | kplus.StatefulSet | kplus.Job | kplus.CronJob,
  resources: ContainerResources,
  initContainers: readonly ContainerResources[] = [],
): ApiObject {
  const resource = ApiObject.of(workload);
  const pod = workload instanceof kplus.CronJob ? '/spec/jobTemplate/spec/template' : '/spec/template';
  initContainers.forEach((r, i) => resource.addJsonPatch(JsonPatch.add(`${pod}/spec/initContainers/${i}/resources`, resourceRequirements(r))));
  resource.addJsonPatch(JsonPatch.add(`${pod}/spec/containers/0/resources`, resourceRequirements(resources)));
  resource.addJsonPatch(JsonPatch.remove(`${pod}/metadata/labels/cdk8s.io~1metadata.addr`));
  if (workload.hostNetwork !== true) resource.addJsonPatch(JsonPatch.remove(`${pod}/spec/hostNetwork`));
  if ((workload instanceof kplus.Deployment || workload instanceof kplus.StatefulSet) && workload.minReady.toSeconds() === 0) {
    resource.addJsonPatch(JsonPatch.remove('/spec/minReadySeconds'));
  }
  return resource;
}

/**
 * A container's `resources` exactly as configured, for a JSON patch (cdk8s-plus would render memory in Mi, so 1Gi would
 * become 1024Mi, and ephemeral storage in whole gibibytes).
 */
export function resourceRequirements(resources: ContainerResources): {
  requests: Record<string, kplus.k8s.Quantity>;
  limits: Record<string, kplus.k8s.Quantity>;
} {
  // The binding serialises quantities from `k8s.Quantity` objects, not from plain strings.
  const quantities = (values: ResourceQuantities) => ({
    'cpu': kplus.k8s.Quantity.fromString(values.cpu),
    'memory': kplus.k8s.Quantity.fromString(values.memory),
    ...(values.ephemeralStorage === undefined ? {} : { 'ephemeral-storage': kplus.k8s.Quantity.fromString(values.ephemeralStorage) }),
  });
  return { requests: quantities(resources.requests), limits: quantities(resources.limits) };
}

/** The name of the emptyDir volume mounted at `path`: `/var/cache/nginx` → `var-cache-nginx`. */
export function volumeName(path: string): string {
  return (
    path
      .replace(/^\/+/, '')
      .replace(/[^a-z0-9]+/gi, '-')
      .toLowerCase() || 'root'
  );
}

/** Probe helper: an HTTP GET probe on `path` and `port`. */
export function httpProbe(
  path: string,
  port: number,
  options: { initialDelaySeconds?: number; periodSeconds: number; failureThreshold?: number },
): kplus.Probe {
  return kplus.Probe.fromHttpGet(path, {
    port,
    initialDelaySeconds: options.initialDelaySeconds === undefined ? undefined : Duration.seconds(options.initialDelaySeconds),
    periodSeconds: Duration.seconds(options.periodSeconds),
    failureThreshold: options.failureThreshold,
  });
}
