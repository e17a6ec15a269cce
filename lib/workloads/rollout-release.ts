import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Rollout } from '../../imports/argo-rollout-argoproj.io';
import type { RolloutSpecStrategyBlueGreen, RolloutSpecStrategyCanary } from '../../imports/argo-rollout-argoproj.io';
import { propertyError } from '../core/errors';
import { deepFreeze } from '../core/freeze';
import { PREVIEW_LABEL } from '../core/labels';
import { createService } from '../pods/pod-template';
import type { IDeploymentTemplate } from './blue-green-service';

/** The platform's Argo Rollouts defaults. Frozen: override through props. */
export const ROLLOUT_DEFAULTS = deepFreeze({
  /** Blue-green: promote by itself once the analysis passed, in a non-critical environment. */
  autoPromotion: true,
  /** The same in a critical environment: wait for someone to promote (`kubectl argo rollouts promote`). */
  criticalAutoPromotion: false,
  /**
   * Seconds the previous version keeps running after a promotion in a non-critical environment (Argo Rollouts'
   * default): a rollback in that time is a Service switch, later it starts pods again.
   */
  scaleDownDelaySeconds: 30,
  /**
   * The same in a critical environment: one hour, in which most rollbacks happen, so that flipping `activeColor`
   * back after a promotion still finds the previous pods running (as the services engine's idle colour does).
   */
  criticalScaleDownDelaySeconds: 3600,
  /** A canary's traffic weights, with an analysis after each but the last. */
  canarySteps: [20, 50, 100],
  /** How long a canary stays at each weight before its analysis. */
  canaryPause: '2m',
  /** The label Argo Rollouts puts on the pods of each ReplicaSet (and adds to the Services' selectors). */
  podTemplateHashLabel: 'rollouts-pod-template-hash',
  /** The argument of the analysis templates that carries the pod-template hash of the new pods. */
  hashArgument: 'pod-template-hash',
  /** The Argo Rollouts traffic router plugin for OpenShift Routes (argoproj-labs/rollouts-plugin-trafficrouter-openshift). */
  openshiftPlugin: 'argoproj-labs/openshift',
});

/** The analysis a Rollout runs on its new pods: an AnalysisTemplate of the same namespace. */
export interface RolloutAnalysisReference {
  /** Name of the AnalysisTemplate. */
  readonly templateName: string;
}

/** Blue-green with Argo Rollouts: the active Service, the preview Service, promotion after the analysis. */
export interface RolloutBlueGreenOptions {
  readonly kind: 'blue-green';
  /**
   * Promote by itself once the analysis passed; `false` waits for someone (`kubectl argo rollouts promote`).
   * @default true
   */
  readonly autoPromotion?: boolean;
  /** Seconds the previous version keeps running after a promotion. @default 30 */
  readonly scaleDownDelaySeconds?: number;
  /** Replicas of the new version before its promotion. @default - the full replica count */
  readonly previewReplicas?: number;
}

/** Canary with Argo Rollouts: traffic weights, a pause and an analysis between them. */
export interface RolloutCanaryOptions {
  readonly kind: 'canary';
  /** Traffic weights in percent, rising; the last is usually 100. @default [20, 50, 100] */
  readonly steps?: readonly number[];
  /** How long each weight holds before its analysis, as a duration (`2m`). @default '2m' */
  readonly pause?: string;
}

/** Props of {@link RolloutRelease}. */
export interface RolloutReleaseProps {
  /** Name of the Rollout and of the stable/active Service; the preview (or canary) Service is `<name>-preview`. */
  readonly name: string;
  /** The workload whose Deployment pod template the Rollout runs. */
  readonly workload: IDeploymentTemplate;
  /** Image tag (or digest) the Rollout runs. */
  readonly tag: string;
  /**
   * Replicas.
   * @default - not set: an autoscaler owns the count
   */
  readonly replicas?: number;
  /** Blue-green or canary. */
  readonly strategy: RolloutBlueGreenOptions | RolloutCanaryOptions;
  /**
   * The analysis of the new pods: blue-green before the promotion, canary after each pause.
   * @default - none: blue-green promotes on readiness alone, a canary only pauses
   */
  readonly analysis?: RolloutAnalysisReference;
}

/**
 * One Argo Rollout releasing a workload, in place of Deployments: its pod template is the workload's Deployment pod
 * template, rendered by the same code (`renderDeployment`) and copied at synthesis, so environment variables added by
 * later wiring are in it and the gate's pod rules see it as they see a Deployment's. The Service `<name>` is the
 * active (blue-green) or stable (canary) one, `<name>-preview` (labelled `eaf.io/preview: "true"`) the preview or
 * canary one; both select the workload's pods by its labels only, and Argo Rollouts adds `rollouts-pod-template-hash`
 * to their selectors itself.
 */
export class RolloutRelease extends Construct {
  /** The Rollout. */
  public readonly resource: ApiObject;
  /** The active (blue-green) or stable (canary) Service. @internal */
  public readonly service: kplus.Service;
  /** The preview (blue-green) or canary Service. @internal */
  public readonly previewService: kplus.Service;
  /** The Deployment the pod template is rendered from; not part of the output. @internal */
  public readonly template: kplus.Deployment;
  /** The strategy. */
  public readonly strategy: RolloutBlueGreenOptions | RolloutCanaryOptions;
  /** The analysis of the new pods. @default - none */
  public readonly analysis?: RolloutAnalysisReference;

  private readonly routes: string[] = [];
  private readonly props: RolloutReleaseProps;

  constructor(scope: Construct, id: string, props: RolloutReleaseProps) {
    super(scope, id);
    this.props = props;
    this.strategy = props.strategy;
    this.analysis = props.analysis;
    if (props.strategy.kind === 'canary') {
      const steps = props.strategy.steps ?? ROLLOUT_DEFAULTS.canarySteps;
      if (steps.length === 0 || steps.some((w, i) => !Number.isInteger(w) || w < 1 || w > 100 || (i > 0 && w <= steps[i - 1]))) {
        throw propertyError(
          this,
          'steps',
          'must be rising whole traffic weights from 1 to 100',
          steps,
          'list rising weights in percent, e.g. [20, 50, 100]',
        );
      }
    }
    // Rendered through the workload's own Deployment code, then taken out of the tree: only its pod template is used.
    this.template = props.workload.renderDeployment(this, 'Template', {
      name: props.name,
      tag: props.tag,
      replicas: props.replicas,
      selectorLabels: {},
    });
    this.node.tryRemoveChild('Template');
    this.resource = new ApiObject(this, 'Resource', {
      apiVersion: Rollout.GVK.apiVersion,
      kind: Rollout.GVK.kind,
      metadata: { name: props.name, labels: ApiObject.of(this.template).metadata.toJson().labels },
      // Resolved at synthesis, when every wiring (environment variables, routes) is known.
      spec: { resolve: () => this.renderSpec() },
    });
    this.service = createService(this, 'Service', props.name, props.workload.port, props.workload.podSelector);
    this.previewService = createService(this, 'PreviewService', `${props.name}-preview`, props.workload.port, props.workload.podSelector, {
      [PREVIEW_LABEL]: 'true',
    });
  }

  /** Sends a canary's share of traffic through these OpenShift Routes (the argoproj-labs/openshift plugin). */
  public routeTrafficThrough(...routes: string[]): void {
    this.routes.push(...routes);
  }

  private renderSpec(): Record<string, unknown> {
    const deployment = ApiObject.of(this.template).toJson();
    const template = structuredClone(deployment.spec.template);
    // Pods of a Rollout carry rollouts-pod-template-hash, not the Deployment controller's pod-template-hash.
    for (const constraint of template.spec.topologySpreadConstraints ?? []) {
      constraint.matchLabelKeys = (constraint.matchLabelKeys ?? []).map((k: string) =>
        k === 'pod-template-hash' ? ROLLOUT_DEFAULTS.podTemplateHashLabel : k,
      );
    }
    return {
      ...(this.props.replicas === undefined ? {} : { replicas: this.props.replicas }),
      selector: deployment.spec.selector,
      template,
      strategy:
        this.props.strategy.kind === 'blue-green' ? { blueGreen: this.blueGreen(this.props.strategy) } : { canary: this.canary(this.props.strategy) },
    };
  }

  private analysisArgs() {
    return [{ name: ROLLOUT_DEFAULTS.hashArgument, valueFrom: { podTemplateHashValue: 'Latest' } }];
  }

  private blueGreen(options: RolloutBlueGreenOptions): RolloutSpecStrategyBlueGreen {
    return {
      activeService: this.service.name,
      previewService: this.previewService.name,
      autoPromotionEnabled: options.autoPromotion ?? ROLLOUT_DEFAULTS.autoPromotion,
      scaleDownDelaySeconds: options.scaleDownDelaySeconds ?? ROLLOUT_DEFAULTS.scaleDownDelaySeconds,
      ...(options.previewReplicas === undefined ? {} : { previewReplicaCount: options.previewReplicas }),
      ...(this.analysis ? { prePromotionAnalysis: { templates: [{ templateName: this.analysis.templateName }], args: this.analysisArgs() } } : {}),
    };
  }

  private canary(options: RolloutCanaryOptions): RolloutSpecStrategyCanary {
    const weights = options.steps ?? ROLLOUT_DEFAULTS.canarySteps;
    const pause = options.pause ?? ROLLOUT_DEFAULTS.canaryPause;
    const steps = weights.flatMap((weight, i) => {
      const last = i === weights.length - 1;
      return [
        { setWeight: weight },
        ...(last ? [] : [{ pause: { duration: pause } }]),
        ...(last || !this.analysis ? [] : [{ analysis: { templates: [{ templateName: this.analysis.templateName }], args: this.analysisArgs() } }]),
      ];
    });
    return {
      canaryService: this.previewService.name,
      stableService: this.service.name,
      ...(this.routes.length > 0 ? { trafficRouting: { plugins: { [ROLLOUT_DEFAULTS.openshiftPlugin]: { routes: [...this.routes] } } } } : {}),
      steps: steps as RolloutSpecStrategyCanary['steps'],
    };
  }
}
