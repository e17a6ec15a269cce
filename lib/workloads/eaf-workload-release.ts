import * as kplus from 'cdk8s-plus-28';
import { CRITICAL_CONTEXT } from '../core/labels';
import { childPropsFrom } from '../core/provenance';
import { createService } from '../pods/pod-template';
import { BlueGreenService, Color } from './blue-green-service';
import type { EafWorkload, EafWorkloadProps } from './eaf-workload';
import { ROLLOUT_DEFAULTS, RolloutAnalysisReference, RolloutCanaryOptions, RolloutRelease } from './rollout-release';

/** Blue-green release settings: which colour is live and how big the idle one is. */
export interface BlueGreenOptions {
  /** The colour the main Service sends traffic to. Switching is changing this value. */
  readonly activeColor: Color;
  /**
   * Replicas of the idle colour. `0` scales it down once a release is trusted.
   * @default - the same as `replicas`, so a rollback is instant
   */
  readonly idleReplicas?: number;
  /**
   * The first step of a two-step switch: the idle colour, at full size while the Services stay on `activeColor`.
   * @default - none: the idle colour runs `idleReplicas`
   */
  readonly switchTo?: Color;
}

/**
 * Release with Argo Rollouts (one Rollout, `<name>`) instead of Deployments: blue-green with `blueGreen` and `tags`
 * (the Rollout runs the active colour's tag, so switching colours starts a Rollout update), or canary with `canary`
 * and `tag`.
 */
export interface RolloutEngineOptions {
  /**
   * Release canary: traffic weights and the pause at each.
   * @default - blue-green (then `blueGreen` is required)
   */
  readonly canary?: Omit<RolloutCanaryOptions, 'kind'>;
  /**
   * Blue-green: promote once the analysis passed, without waiting for someone.
   * @default - false in a critical environment, true elsewhere (ROLLOUT_DEFAULTS)
   */
  readonly autoPromotion?: boolean;
  /**
   * Blue-green: seconds the previous version keeps running after a promotion (a rollback in that time is instant).
   * @default - 3600 in a critical environment, 30 elsewhere (ROLLOUT_DEFAULTS)
   */
  readonly scaleDownDelaySeconds?: number;
  /**
   * The AnalysisTemplate run on the new pods (before promotion, or after each canary pause).
   * @default - none
   */
  readonly analysis?: RolloutAnalysisReference;
}

/** What releases a workload's pods, and the objects the workload exposes from it. */
export interface WorkloadRelease {
  /** The Service that receives the workload's traffic. */
  readonly service: kplus.Service;
  /** The idle colour's Service. */
  readonly previewService?: kplus.Service;
  /** The Deployments (none with Argo Rollouts). */
  readonly deployments: kplus.Deployment[];
  /** What renders the pods: the Deployments, or the Rollout's pod template. */
  readonly podTemplates: kplus.Deployment[];
  /** What an autoscaler scales: the (active) Deployment or the Rollout. */
  readonly scalingTarget: kplus.IScalable;
  readonly rollout?: RolloutRelease;
  readonly blueGreen?: BlueGreenService;
}

/**
 * Renders how `workload` is released, in it: an Argo Rollout (`Rollout`) with `rollout`, two colours of Deployments
 * behind a switching Service (`BlueGreen`) with `blueGreen`, else one Deployment updated in place (`Deployment`) and
 * its Service (`Service`). `replicas` is undefined when an autoscaler owns the count.
 */
export function renderRelease(workload: EafWorkload, props: EafWorkloadProps, replicas: number | undefined): WorkloadRelease {
  if (props.rollout) return renderRollout(workload, props, props.rollout, replicas);
  if (props.blueGreen) {
    const blueGreen = new BlueGreenService(workload, 'BlueGreen', {
      name: workload.name,
      workload,
      activeColor: props.blueGreen.activeColor,
      tags: props.tags!,
      replicas,
      // While switching, the idle colour runs at full size: with an autoscaler, its minimum.
      idleReplicas:
        props.blueGreen.switchTo !== undefined && replicas === undefined
          ? (props.autoscaling?.minReplicas ?? workload.replicas)
          : (props.blueGreen.idleReplicas ?? workload.replicas),
      switchTo: props.blueGreen.switchTo,
    });
    const deployments = [blueGreen.deployments.blue, blueGreen.deployments.green];
    const { service, previewService } = blueGreen;
    return { service, previewService, deployments, podTemplates: deployments, scalingTarget: blueGreen.activeDeployment, blueGreen };
  }
  const deployment = workload.renderDeployment(workload, 'Deployment', { name: workload.name, tag: props.tag!, replicas, selectorLabels: {} });
  const service = createService(workload, 'Service', workload.name, workload.port, workload.podSelector);
  return { service, deployments: [deployment], podTemplates: [deployment], scalingTarget: deployment };
}

function renderRollout(workload: EafWorkload, props: EafWorkloadProps, rollout: RolloutEngineOptions, replicas: number | undefined): WorkloadRelease {
  const critical = workload.node.tryGetContext(CRITICAL_CONTEXT) === true;
  const canary = rollout.canary;
  const blueGreen = props.blueGreen!;
  const idle = blueGreen?.idleReplicas;
  // The Rollout's canary steps are this workload's rollout.canary.steps.
  childPropsFrom(workload, 'Rollout', { steps: 'rollout.canary.steps' });
  const release = new RolloutRelease(workload, 'Rollout', {
    name: workload.name,
    workload,
    tag: canary ? props.tag! : props.tags![blueGreen.activeColor],
    replicas,
    strategy: canary
      ? { kind: 'canary', ...canary }
      : {
          kind: 'blue-green',
          autoPromotion: rollout.autoPromotion ?? (critical ? ROLLOUT_DEFAULTS.criticalAutoPromotion : ROLLOUT_DEFAULTS.autoPromotion),
          scaleDownDelaySeconds:
            rollout.scaleDownDelaySeconds ?? (critical ? ROLLOUT_DEFAULTS.criticalScaleDownDelaySeconds : ROLLOUT_DEFAULTS.scaleDownDelaySeconds),
          // The new version's size before promotion: idleReplicas when it runs pods (an analysis needs some).
          previewReplicas: idle !== undefined && idle >= 1 ? idle : undefined,
        },
    analysis: rollout.analysis,
  });
  return {
    service: release.service,
    previewService: release.previewService,
    deployments: [],
    podTemplates: [release.template],
    scalingTarget: rolloutScalingTarget(release),
    rollout: release,
  };
}

/** The Rollout as the target of a HorizontalPodAutoscaler: its template's containers, its kind and apiVersion. */
function rolloutScalingTarget(rollout: RolloutRelease): kplus.IScalable {
  return {
    hasAutoscaler: false,
    markHasAutoscaler() {
      this.hasAutoscaler = true;
    },
    toScalingTarget: () => ({
      ...rollout.template.toScalingTarget(),
      kind: rollout.resource.kind,
      apiVersion: rollout.resource.apiVersion,
      name: rollout.resource.name,
    }),
  };
}
