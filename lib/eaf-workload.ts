import { ApiObject, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { BlueGreenService, Color } from './blue-green-service';
import { IPeer } from './connections';
import { propertyError } from './errors';
import { IMAGE_DIGEST_PATTERN, IMAGE_TAG_PATTERN } from './patterns';
import { parseQuantity } from './quantity';

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

/** How a workload is released. */
export interface BlueGreenOptions {
  /** The colour the main Service sends traffic to. Switching is changing this value. */
  readonly activeColor: Color;
  /** Image tag (or `sha256:` digest) of the blue Deployment. */
  readonly blueTag: string;
  /** Image tag (or `sha256:` digest) of the green Deployment. */
  readonly greenTag: string;
  /**
   * Replicas of the idle colour. `0` scales it down once a release is trusted.
   * @default - the same as `replicas`, so a rollback is instant
   */
  readonly idleReplicas?: number;
}

/** Horizontal pod autoscaling on CPU utilisation. */
export interface AutoscalingOptions {
  /** Fewest replicas. */
  readonly minReplicas: number;
  /** Most replicas. */
  readonly maxReplicas: number;
  /**
   * Average CPU utilisation (percent of the request) the autoscaler aims for.
   * @default 70
   */
  readonly targetCpuUtilization?: number;
}

/** Props every EAF workload shares. */
export interface EafWorkloadOptions {
  /**
   * Name of the workload: the Service, ServiceAccount and Deployments are named after it.
   * @default - the construct id
   */
  readonly name?: string;
  /** Image repository without tag, e.g. `registry.example.com/dvmm/api`. */
  readonly image: string;
  /**
   * Image tag (or `sha256:` digest) of the rolling Deployment.
   * @default - none; required unless `blueGreen` is set
   */
  readonly tag?: string;
  /**
   * Release this workload blue-green: two Deployments, `<name>-blue` and `<name>-green`.
   * @default - one Deployment updated by a rolling update
   */
  readonly blueGreen?: BlueGreenOptions;
  /**
   * Replicas of the (active) Deployment.
   * @default 2
   */
  readonly replicas?: number;
  /**
   * Scale the (active) Deployment on CPU with a HorizontalPodAutoscaler.
   * @default - no autoscaler; `replicas` is fixed
   */
  readonly autoscaling?: AutoscalingOptions;
  /**
   * Spread pods across nodes (required) and zones (best effort) with topology spread constraints.
   * @default true
   */
  readonly spread?: boolean;
}

/** A long-running container: what differs between the API, the frontend and later workloads. */
export interface EafContainerSpec {
  /** The container's HTTP port. */
  readonly port: number;
  /** Requests and limits. */
  readonly resources: ContainerResources;
  /** Environment variables; Secrets only by reference. */
  readonly env: Record<string, kplus.EnvValue>;
  /** Startup probe. @default - none */
  readonly startup?: kplus.Probe;
  /** Liveness probe. */
  readonly liveness: kplus.Probe;
  /** Readiness probe. */
  readonly readiness: kplus.Probe;
  /** Paths that get a writable emptyDir, since the root filesystem is read-only. */
  readonly writablePaths: string[];
}

/** Props of {@link EafWorkload}. */
export interface EafWorkloadProps extends EafWorkloadOptions {
  /** The container this workload runs. */
  readonly container: EafContainerSpec;
  /** `app.kubernetes.io/component` of the pods, e.g. `api`. */
  readonly component: string;
}

/** What {@link EafWorkload.renderDeployment} needs to render one Deployment. */
export interface DeploymentRenderOptions {
  /** Deployment name. */
  readonly name: string;
  /** Image tag or digest. */
  readonly tag: string;
  /** Replicas; `undefined` when an autoscaler owns the count. */
  readonly replicas?: number;
  /** Labels added to the selector and the pods, e.g. the colour. */
  readonly selectorLabels: Record<string, string>;
}

/** Something that renders a Deployment on request: what {@link BlueGreenService} wraps. */
export interface IDeploymentTemplate {
  /** Labels that select every pod of the workload, whatever its colour. */
  readonly podSelector: Record<string, string>;
  /** The HTTP port the pods serve. */
  readonly port: number;
  /** Renders one Deployment of the workload into `scope`. */
  renderDeployment(scope: Construct, id: string, options: DeploymentRenderOptions): kplus.Deployment;
}

/**
 * The restricted Pod Security Standard and OpenShift's restricted-v2 SCC for one container: non-root
 * with no fixed UID (OpenShift assigns one), no privilege escalation, every capability dropped,
 * RuntimeDefault seccomp, read-only root filesystem.
 */
export const RESTRICTED_CONTAINER: kplus.ContainerSecurityContextProps = {
  ensureNonRoot: true,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
  privileged: false,
  capabilities: { drop: [kplus.Capability.ALL] },
  seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
};

/** Label that carries a pod's colour in blue-green releases. */
export const COLOR_LABEL = 'eaf.io/color';

/**
 * One EAF workload: a secure Deployment (or two colours of it), its Service, ServiceAccount,
 * PodDisruptionBudget and optional autoscaler. {@link EafApi} and {@link EafFrontend} are workloads
 * with the platform's container defaults.
 */
export class EafWorkload extends Construct implements IDeploymentTemplate, IPeer {
  /** Name of the workload. */
  public readonly name: string;
  /** The container port. */
  public readonly port: number;
  /** Replicas of the active Deployment. */
  public readonly replicas: number;
  /** Labels selecting every pod of the workload, whatever its colour. */
  public readonly podSelector: Record<string, string>;
  /** Name for reports and policies: the workload name. */
  public readonly peerName: string;
  /** The Service that receives the workload's traffic (the active colour's, in blue-green). */
  public readonly service: kplus.Service;
  /** The Service of the idle colour, for smoke tests before the switch. @default - none (rolling) */
  public readonly previewService?: kplus.Service;
  /** The pods' ServiceAccount (no token mounted). */
  public readonly serviceAccount: kplus.ServiceAccount;
  /** The Deployments: one when rolling; blue then green in blue-green. */
  public readonly deployments: kplus.Deployment[];
  /** The blue-green pair. @default - none (rolling) */
  public readonly blueGreen?: BlueGreenService;

  private readonly props: EafWorkloadProps;

  constructor(scope: Construct, id: string, props: EafWorkloadProps) {
    super(scope, id);
    this.props = props;
    this.name = props.name ?? id;
    this.port = props.container.port;
    this.replicas = props.replicas ?? 2;
    this.podSelector = { 'app.kubernetes.io/name': this.name };
    this.peerName = this.name;
    this.validate(props);

    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.name },
      automountToken: false,
    });

    if (props.blueGreen) {
      this.blueGreen = new BlueGreenService(this, 'BlueGreen', {
        name: this.name,
        workload: this,
        activeColor: props.blueGreen.activeColor,
        tags: { blue: props.blueGreen.blueTag, green: props.blueGreen.greenTag },
        replicas: props.autoscaling ? undefined : this.replicas,
        idleReplicas: props.blueGreen.idleReplicas ?? this.replicas,
      });
      this.service = this.blueGreen.service;
      this.previewService = this.blueGreen.previewService;
      this.deployments = [this.blueGreen.deployments.blue, this.blueGreen.deployments.green];
      this.addAutoscaler(this.blueGreen.activeDeployment);
    } else {
      const deployment = this.renderDeployment(this, 'Deployment', {
        name: this.name,
        tag: props.tag!,
        replicas: props.autoscaling ? undefined : this.replicas,
        selectorLabels: {},
      });
      this.deployments = [deployment];
      this.service = createService(this, 'Service', this.name, this.port, this.podSelector);
      this.addAutoscaler(deployment);
    }
  }

  public renderDeployment(scope: Construct, id: string, options: DeploymentRenderOptions): kplus.Deployment {
    const spec = this.props.container;
    const labels = { ...this.podSelector, ...options.selectorLabels };
    const deployment = new kplus.Deployment(scope, id, {
      metadata: { name: options.name, labels: { 'app.kubernetes.io/component': this.props.component } },
      replicas: options.replicas,
      select: false,
      serviceAccount: this.serviceAccount,
      automountServiceAccountToken: false,
      podMetadata: { labels: { ...labels, 'app.kubernetes.io/component': this.props.component } },
      securityContext: { ensureNonRoot: true },
      strategy: kplus.DeploymentStrategy.rollingUpdate({
        maxSurge: kplus.PercentOrAbsolute.absolute(1),
        maxUnavailable: kplus.PercentOrAbsolute.absolute(0),
      }),
    });
    deployment.select(kplus.LabelSelector.of({ labels }));
    const container = deployment.addContainer({
      name: this.props.component,
      image: imageReference(this.props.image, options.tag),
      ports: [{ number: spec.port, name: 'http' }],
      envVariables: spec.env,
      startup: spec.startup,
      liveness: spec.liveness,
      readiness: spec.readiness,
      // Always: the kubelet re-checks the pull secret, so a pod can never start another tenant's cached image.
      imagePullPolicy: kplus.ImagePullPolicy.ALWAYS,
      securityContext: RESTRICTED_CONTAINER,
    });
    for (const path of spec.writablePaths) {
      const volume = kplus.Volume.fromEmptyDir(deployment, `Volume${path}`, volumeName(path), {
        sizeLimit: Size.mebibytes(64),
      });
      container.mount(path, volume);
    }

    const resource = finishPodTemplate(deployment, spec.resources);
    if (this.props.spread ?? true) {
      resource.addJsonPatch(JsonPatch.add('/spec/template/spec/topologySpreadConstraints', spreadConstraints(labels)));
    }
    // A budget per Deployment whenever the workload runs 2+ replicas, the idle colour's too (maxUnavailable
    // is harmless at 0 pods), so switching colours changes selectors and replica counts only.
    if ((this.props.autoscaling?.minReplicas ?? this.replicas) >= 2) {
      createDisruptionBudget(scope, `${id}Budget`, options.name, labels);
    }
    return deployment;
  }

  /** Adds an environment variable to the container of every Deployment (both colours). */
  protected addEnvironment(name: string, value: kplus.EnvValue): void {
    for (const deployment of this.deployments) deployment.containers[0].env.addVariable(name, value);
  }

  private addAutoscaler(target: kplus.Deployment): void {
    const scaling = this.props.autoscaling;
    if (!scaling) return;
    new kplus.HorizontalPodAutoscaler(this, 'Autoscaler', {
      metadata: { name: this.name },
      target,
      minReplicas: scaling.minReplicas,
      maxReplicas: scaling.maxReplicas,
      metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(scaling.targetCpuUtilization ?? 70))],
    });
  }

  private validate(props: EafWorkloadProps): void {
    if (!Number.isInteger(this.replicas) || this.replicas < 1) {
      throw propertyError(this, 'replicas', 'must be a whole number of at least 1', props.replicas, 'set replicas to 1 or more');
    }
    if (!props.blueGreen && props.tag === undefined) {
      throw propertyError(this, 'tag', 'is required for a rolling Deployment', props.tag, 'set tag to the image version to run, or configure blueGreen');
    }
    const idle = props.blueGreen?.idleReplicas;
    if (idle !== undefined && (!Number.isInteger(idle) || idle < 0)) {
      throw propertyError(this, 'blueGreen.idleReplicas', 'must be a whole number of at least 0', idle, 'set idleReplicas to 0 (scaled down) or more');
    }
    const scaling = props.autoscaling;
    if (scaling && !(scaling.minReplicas >= 1 && scaling.maxReplicas >= scaling.minReplicas)) {
      throw propertyError(this, 'autoscaling', 'needs 1 <= minReplicas <= maxReplicas', scaling, 'raise maxReplicas to at least minReplicas');
    }
    for (const tag of [props.tag, props.blueGreen?.blueTag, props.blueGreen?.greenTag]) {
      if (tag !== undefined && !IMAGE_TAG.test(tag) && !IMAGE_DIGEST.test(tag)) {
        throw propertyError(this, 'tag', 'is not an image tag or sha256 digest', tag, 'use a tag such as 1.4.2 or a digest sha256:<64 hex>');
      }
    }
    validateResources(this, props.container.resources);
  }
}

const IMAGE_TAG = new RegExp(IMAGE_TAG_PATTERN);
const IMAGE_DIGEST = new RegExp(IMAGE_DIGEST_PATTERN);

/** `repo:tag`, or `repo@sha256:...` for a digest. */
export function imageReference(repository: string, tag: string): string {
  return IMAGE_DIGEST.test(tag) ? `${repository}@${tag}` : `${repository}:${tag}`;
}

/** Checks that every quantity parses and no limit is below its request. */
export function validateResources(scope: Construct, resources: ContainerResources): void {
  for (const kind of ['cpu', 'memory', 'ephemeralStorage'] as const) {
    if (kind === 'ephemeralStorage' && resources.requests[kind] === undefined && resources.limits[kind] === undefined) continue;
    const request = parseQuantity(resources.requests[kind] ?? '');
    const limit = parseQuantity(resources.limits[kind] ?? '');
    if (request === undefined) {
      throw propertyError(scope, `resources.requests.${kind}`, 'is not a Kubernetes quantity', resources.requests[kind], 'use a value such as 250m, 1, 512Mi or 1Gi');
    }
    if (limit === undefined) {
      throw propertyError(scope, `resources.limits.${kind}`, 'is not a Kubernetes quantity', resources.limits[kind], 'use a value such as 250m, 1, 512Mi or 1Gi');
    }
    if (limit < request) {
      throw propertyError(scope, `resources.limits.${kind}`, `is below its request ${resources.requests[kind]}`, resources.limits[kind], `raise the limit to at least ${resources.requests[kind]}`);
    }
  }
}

/**
 * A PodDisruptionBudget allowing one pod of `selector` down at a time; unhealthy pods may always be
 * evicted, so a crash-looping pod never blocks a node drain.
 */
export function createDisruptionBudget(scope: Construct, id: string, name: string, selector: Record<string, string>): kplus.k8s.KubePodDisruptionBudget {
  return new kplus.k8s.KubePodDisruptionBudget(scope, id, {
    metadata: { name },
    spec: {
      maxUnavailable: kplus.k8s.IntOrString.fromNumber(1),
      selector: { matchLabels: selector },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    },
  });
}

/** Creates a ClusterIP Service named `name` on `port` selecting `selector`. */
export function createService(scope: Construct, id: string, name: string, port: number, selector: Record<string, string>): kplus.Service {
  const service = new kplus.Service(scope, id, {
    metadata: { name },
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

function spreadConstraints(labels: Record<string, string>) {
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
 * Finishes the pod template of a cdk8s-plus workload with explicit selectors: writes the first
 * container's resources exactly as configured (cdk8s-plus renders memory in Mi, so 1Gi would become
 * 1024Mi) and drops the label cdk8s-plus derives from a hash of the construct path.
 */
export function finishPodTemplate(workload: kplus.Deployment | kplus.StatefulSet, resources: ContainerResources): ApiObject {
  // The binding serialises quantities from `k8s.Quantity` objects, not from plain strings.
  const quantities = (values: ResourceQuantities) => ({
    'cpu': kplus.k8s.Quantity.fromString(values.cpu),
    'memory': kplus.k8s.Quantity.fromString(values.memory),
    ...(values.ephemeralStorage === undefined ? {} : { 'ephemeral-storage': kplus.k8s.Quantity.fromString(values.ephemeralStorage) }),
  });
  const resource = ApiObject.of(workload);
  resource.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/resources', { requests: quantities(resources.requests), limits: quantities(resources.limits) }));
  resource.addJsonPatch(JsonPatch.remove('/spec/template/metadata/labels/cdk8s.io~1metadata.addr'));
  return resource;
}

function volumeName(path: string): string {
  return path.replace(/^\/+/, '').replace(/[^a-z0-9]+/gi, '-').toLowerCase() || 'root';
}

/** Probe helper: an HTTP GET probe on `path` and `port`. */
export function httpProbe(path: string, port: number, options: { initialDelaySeconds?: number; periodSeconds: number; failureThreshold?: number }): kplus.Probe {
  return kplus.Probe.fromHttpGet(path, {
    port,
    initialDelaySeconds: options.initialDelaySeconds === undefined ? undefined : Duration.seconds(options.initialDelaySeconds),
    periodSeconds: Duration.seconds(options.periodSeconds),
    failureThreshold: options.failureThreshold,
  });
}
