import { JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { assertSameChart, Connections, IPeer } from '../core/connections';
import { propertyError } from '../core/errors';
import { deepFreeze } from '../core/freeze';
import { EnvSource, envValue } from '../core/secrets';
import type { PostgresCluster } from '../data/postgres-cluster';
import type { IdentityClientOptions, IIdentityProvider } from '../identity/identity-provider';
import {
  ContainerResources,
  createDisruptionBudget,
  finishPodTemplate,
  httpProbe,
  imageReference,
  RESTRICTED_CONTAINER,
  spreadConstraints,
  volumeName,
} from '../pods/pod-template';
import { MetricsAuth, PodMetrics } from '../observability/pod-metrics';
import { BlueGreenService, Color, DeploymentRenderOptions, IDeploymentTemplate } from './blue-green-service';
import { BlueGreenOptions, renderRelease, RolloutEngineOptions } from './eaf-workload-release';
import { AutoscalingOptions, autoscalingMetrics } from './autoscaling';
import { validateEafWorkload } from './eaf-workload-validation';
import { appendReferencingEnv, checkEnvReferences, referencingEnv } from './env-references';
import { ROLLOUT_DEFAULTS, RolloutRelease } from './rollout-release';

export type { BlueGreenOptions, RolloutEngineOptions } from './eaf-workload-release';

/**
 * The defaults every workload shares, whatever its preset. The presets own their sizes (replicas, port, resources,
 * paths) in their own `*_DEFAULTS`; the base has none of them. Frozen: override through props.
 */
export const EAF_WORKLOAD_DEFAULTS = deepFreeze({
  /** Topology spread across nodes and zones. */
  spread: true,
  /** The autoscaler's average CPU utilisation target, in percent of the request. */
  targetCpuUtilization: 70,
  /** Failures in a row before a probe fails (Kubernetes' own default, passed explicitly). */
  failureThreshold: 3,
});

export type { AutoscalingOptions } from './autoscaling';

/** Props every EAF workload shares: what a product team sets per environment. */
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
   * Image tag (or digest) per colour; required with `blueGreen`.
   * @default - none
   */
  readonly tags?: Readonly<Record<Color, string>>;
  /**
   * Release this workload blue-green: two Deployments, `<name>-blue` and `<name>-green`.
   * @default - one Deployment updated by a rolling update
   */
  readonly blueGreen?: BlueGreenOptions;
  /**
   * Release with an Argo Rollout instead of Deployments.
   * @default - Deployments: one updated by a rolling update, or two colours and a Service switch with `blueGreen`
   */
  readonly rollout?: RolloutEngineOptions;
  /**
   * Replicas of the (active) Deployment.
   * @default - the preset's (`EAF_API_DEFAULTS`, `EAF_FRONTEND_DEFAULTS`, `EAF_HTTP_WORKLOAD_DEFAULTS`)
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
  /**
   * Further plain environment variables (never secrets: use `secretEnv`).
   * @default - none
   */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Environment variables read from Secrets by reference.
   * @default - none
   */
  readonly secretEnv?: Readonly<Record<string, { readonly secretName: string; readonly key: string }>>;
}

/** An HTTP probe: a path on the container's port. */
export interface HttpProbeOptions {
  /** Absolute path, e.g. `/health/ready`. */
  readonly path: string;
  /** Seconds before the first probe. @default - none */
  readonly initialDelaySeconds?: number;
  /** Seconds between probes. */
  readonly periodSeconds: number;
  /** Failures in a row before the probe fails. @default 3 */
  readonly failureThreshold?: number;
}

/** A long-running container: what differs between the API, the frontend and other workloads. */
export interface EafContainerSpec {
  /** The container's HTTP port. */
  readonly port: number;
  /** Requests and limits. */
  readonly resources: ContainerResources;
  /** Startup probe. @default - none */
  readonly startup?: HttpProbeOptions;
  /** Liveness probe. */
  readonly liveness: HttpProbeOptions;
  /** Readiness probe. */
  readonly readiness: HttpProbeOptions;
  /** Paths that get a writable emptyDir, since the root filesystem is read-only. */
  readonly writablePaths: readonly string[];
  /** Where monitoring scrapes metrics: a PodMonitor and the monitoring namespace's network edge follow. @default - not scraped */
  readonly metrics?: {
    readonly port: number;
    readonly path: string;
    /** Credentials of a secured endpoint. @default - none */
    readonly auth?: MetricsAuth;
  };
}

/** Props of {@link EafWorkload}. */
export interface EafWorkloadProps extends EafWorkloadOptions {
  /** The container this workload runs. */
  readonly container: EafContainerSpec;
  /** `app.kubernetes.io/component` of the pods and the container's name, e.g. `api`. */
  readonly component: string;
  /** Replicas of the (active) Deployment: the preset passes the environment's, or its own default. */
  readonly replicas: number;
  /** Environment variables set by the preset before `env` and `secretEnv`, e.g. the Spring profile. @default - none */
  readonly presetEnv?: Readonly<Record<string, EnvSource>>;
}

/** Names of the environment variables a database connection sets. */
export interface DatabaseEnvNames {
  readonly host: string;
  readonly port: string;
  readonly name: string;
  readonly user: string;
  readonly password: string;
}

/** The variables {@link EafWorkload.connectToDatabase} sets by default (PLATFORM.md, API configuration). */
export const DATABASE_ENV: DatabaseEnvNames = Object.freeze({
  host: 'DB_HOST',
  port: 'DB_PORT',
  name: 'DB_NAME',
  user: 'DB_USER',
  password: 'DB_PASSWORD',
});

/**
 * One EAF workload: a secure Deployment (or two colours of it), its Service, ServiceAccount,
 * PodDisruptionBudget and optional autoscaler, wired to databases and an identity provider by type.
 * {@link EafApi}, {@link EafFrontend} and {@link EafHttpWorkload} are workloads with their presets.
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
  /** The port monitoring scrapes. @default - not scraped */
  public readonly metricsPort?: number;
  /** The path monitoring scrapes. @default - not scraped */
  public readonly metricsPath?: string;
  /** Name of the container (the preset's role, e.g. `api`). */
  public readonly containerName: string;
  /** The readiness path on the port: what a smoke test calls. */
  public readonly readinessPath: string;
  /** The PodMonitor of every pod of the workload (both colours). @default - none (not scraped) */
  public readonly podMetrics?: PodMetrics;
  /** The Service that receives the workload's traffic (the active colour's, in blue-green). @internal */
  public readonly service: kplus.Service;
  /** The Service of the idle colour, for smoke tests before the switch. @default - none (rolling) @internal */
  public readonly previewService?: kplus.Service;
  /** The pods' ServiceAccount (no token mounted). @internal */
  public readonly serviceAccount: kplus.ServiceAccount;
  /** The Deployments: one when rolling; blue then green in blue-green; none with Argo Rollouts. @internal */
  public readonly deployments: kplus.Deployment[];
  /** The blue-green pair. @default - none (rolling, or Argo Rollouts) */
  public readonly blueGreen?: BlueGreenService;
  /** The Argo Rollout that releases the workload. @default - none (Deployments) */
  public readonly rollout?: RolloutRelease;
  /** Environment variables of the container, by name, in order. @internal */
  public readonly env: Record<string, kplus.EnvValue> = {};

  private readonly props: EafWorkloadProps;
  /** What renders the pods: the Deployments, or the Rollout's pod template. */
  private readonly podTemplates: kplus.Deployment[];
  /** The product's variables that refer to others: rendered after every variable, the library's included. */
  private readonly referencingEnv: Record<string, string>;

  constructor(scope: Construct, id: string, props: EafWorkloadProps) {
    super(scope, id);
    this.props = props;
    this.name = props.name ?? id;
    this.port = props.container.port;
    this.replicas = props.replicas;
    this.podSelector = { 'app.kubernetes.io/name': this.name };
    this.peerName = this.name;
    this.containerName = props.component;
    this.readinessPath = props.container.readiness.path;
    this.metricsPort = props.container.metrics?.port;
    this.metricsPath = props.container.metrics?.path;
    validateEafWorkload(this, props);
    const sources: Array<[string, EnvSource]> = [
      ...Object.entries(props.presetEnv ?? {}),
      ...Object.entries(props.env ?? {}).map(([name, value]): [string, EnvSource] => [name, { value }]),
      ...Object.entries(props.secretEnv ?? {}).map(([name, secret]): [string, EnvSource] => [name, { secret }]),
    ];
    for (const [name, source] of sources) this.env[name] = envValue(this, source);
    this.referencingEnv = referencingEnv(props.env);
    checkEnvReferences(this, this.referencingEnv, () => Object.keys(this.env));

    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.name },
      automountToken: false,
    });

    const replicas = props.autoscaling ? undefined : this.replicas;
    const metrics = props.container.metrics;
    if (metrics) {
      this.podMetrics = new PodMetrics(this, 'Metrics', {
        name: this.name,
        podSelector: this.podSelector,
        jobLabel: 'app.kubernetes.io/name',
        port: metrics.port,
        path: metrics.path,
        auth: metrics.auth,
        // An analysis of a release looks at the new pods only, by the hash Argo Rollouts puts on them.
        podLabels: props.rollout ? [ROLLOUT_DEFAULTS.podTemplateHashLabel] : undefined,
      });
    }
    const release = renderRelease(this, props, replicas);
    this.service = release.service;
    this.previewService = release.previewService;
    this.deployments = release.deployments;
    this.podTemplates = release.podTemplates;
    this.rollout = release.rollout;
    this.blueGreen = release.blueGreen;
    this.addAutoscaler(release.scalingTarget);
  }

  /**
   * What Argo CD syncs after the workload's own wave, stage by stage: with blue-green Deployments the Services, then
   * the idle colour (see `BlueGreenService.syncStages`); else nothing.
   */
  public get syncStages(): ReadonlyArray<readonly IConstruct[]> {
    return this.blueGreen?.syncStages ?? [];
  }

  /**
   * Renders one Deployment of the workload. `options.replicas` is always a number unless an autoscaler owns the count
   * (cdk8s-plus then renders none): cdk8s-plus's own default is never relied on.
   * @internal
   */
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
    const probe = (options?: HttpProbeOptions) =>
      options &&
      httpProbe(options.path, spec.port, { ...options, failureThreshold: options.failureThreshold ?? EAF_WORKLOAD_DEFAULTS.failureThreshold });
    const container = deployment.addContainer({
      name: this.containerName,
      image: imageReference(this.props.image, options.tag),
      ports: [{ number: spec.port, name: 'http' }],
      envVariables: Object.fromEntries(Object.entries(this.env).filter(([name]) => !(name in this.referencingEnv))),
      startup: probe(spec.startup),
      liveness: probe(spec.liveness),
      readiness: probe(spec.readiness),
      // Always: the kubelet re-checks the pull secret, so a pod can never start another tenant's cached image.
      imagePullPolicy: kplus.ImagePullPolicy.ALWAYS,
      securityContext: RESTRICTED_CONTAINER,
    });
    for (const path of spec.writablePaths) {
      const volume = kplus.Volume.fromEmptyDir(deployment, `Volume${path}`, volumeName(path), { sizeLimit: Size.mebibytes(64) });
      container.mount(path, volume);
    }

    const resource = finishPodTemplate(deployment, spec.resources);
    appendReferencingEnv(resource, this.referencingEnv);
    if (this.props.spread ?? EAF_WORKLOAD_DEFAULTS.spread) {
      resource.addJsonPatch(JsonPatch.add('/spec/template/spec/topologySpreadConstraints', spreadConstraints(labels)));
    }
    // A budget per Deployment whenever the workload runs 2+ replicas, the idle colour's too (maxUnavailable
    // is harmless at 0 pods), so switching colours changes selectors and replica counts only.
    if ((this.props.autoscaling?.minReplicas ?? this.replicas) >= 2) {
      createDisruptionBudget(scope, `${id}Budget`, options.name, labels);
    }
    return deployment;
  }

  /**
   * Connects the workload to a database: `DB_HOST` is the cluster's read-write Service (or its pooler),
   * `DB_PORT`, `DB_NAME`, and `DB_USER`/`DB_PASSWORD` from the cluster's Secret by reference; the edge is
   * recorded once in the chart's connection record, so the NetworkPolicies follow.
   *
   * @param names the variable names, when the application reads others @default DATABASE_ENV
   */
  public connectToDatabase(database: PostgresCluster, names: DatabaseEnvNames = DATABASE_ENV): void {
    assertSameChart(this, 'database', database);
    const endpoint = database.connectClient(this);
    this.setEnv(names.host, { value: endpoint.host });
    this.setEnv(names.port, { value: String(endpoint.port) });
    this.setEnv(names.name, { value: database.databaseName });
    this.setEnv(names.user, { secret: { secretName: database.credentialsSecret, key: 'username' } });
    this.setEnv(names.password, { secret: { secretName: database.credentialsSecret, key: 'password' } });
  }

  /**
   * Makes the workload trust an identity provider: the provider records the network edge (in-cluster, or
   * egress to an external issuer) and names the environment variables (issuer, JWK set, client).
   */
  public connectToIdentity(provider: IIdentityProvider, options: IdentityClientOptions): void {
    assertSameChart(this, 'identity', provider);
    for (const [name, source] of provider.bindClient(this, options)) this.setEnv(name, source);
  }

  /** Records that this workload calls `target` over HTTP on its port (the NetworkPolicies follow). */
  public connectTo(target: EafWorkload): void {
    assertSameChart(this, 'target', target);
    Connections.of(this).add({ from: this, to: target, port: target.port, purpose: 'http' });
  }

  private setEnv(name: string, source: EnvSource): void {
    if (name in this.env) {
      throw propertyError(
        this,
        'env',
        `already sets ${name}`,
        name,
        'connect the workload to one database and one identity provider, or rename the variable',
      );
    }
    const value = envValue(this, source);
    this.env[name] = value;
    for (const deployment of this.podTemplates) deployment.containers[0].env.addVariable(name, value);
  }

  private addAutoscaler(target: kplus.IScalable): void {
    const scaling = this.props.autoscaling;
    if (!scaling) return;
    new kplus.HorizontalPodAutoscaler(this, 'Autoscaler', {
      metadata: { name: this.name },
      target,
      minReplicas: scaling.minReplicas,
      maxReplicas: scaling.maxReplicas,
      metrics: autoscalingMetrics(scaling, EAF_WORKLOAD_DEFAULTS.targetCpuUtilization),
    });
  }
}
