import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { propertyError } from '../core/errors';
import { COLOR_LABEL, PREVIEW_LABEL } from '../core/labels';
import { createService } from '../pods/pod-template';

/** The two colours of a blue-green release. */
export type Color = 'blue' | 'green';

/** Every colour, in output order. */
export const COLORS: readonly Color[] = Object.freeze(['blue', 'green'] as const);

/** What a workload's `renderDeployment` needs to render one Deployment. */
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
  /** Renders one Deployment of the workload into `scope`. @internal */
  renderDeployment(scope: Construct, id: string, options: DeploymentRenderOptions): kplus.Deployment;
}

/** Props of {@link BlueGreenService}. */
export interface BlueGreenServiceProps {
  /** Name of the Service; the Deployments are `<name>-blue` and `<name>-green`, the idle Service `<name>-preview`. */
  readonly name: string;
  /** The workload rendered once per colour. */
  readonly workload: IDeploymentTemplate;
  /** The colour that receives traffic. Switching and rolling back are a change of this value. */
  readonly activeColor: Color;
  /** Image tag (or digest) per colour. */
  readonly tags: Record<Color, string>;
  /**
   * Replicas of the active colour.
   * @default - not set: an autoscaler owns the count
   */
  readonly replicas?: number;
  /**
   * Replicas of the idle colour; 0 scales it down once a release is trusted.
   * @default - the same as `replicas`, so a rollback is instant
   */
  readonly idleReplicas?: number;
}

/**
 * Blue-green release of a workload: one Deployment per colour, each with its own image tag.
 * The Service `<name>` selects the active colour, `<name>-preview` (labelled `eaf.io/preview: "true"`) the idle one.
 */
export class BlueGreenService extends Construct {
  /** The active colour. */
  public readonly activeColor: Color;
  /** The colour that does not receive traffic. */
  public readonly idleColor: Color;
  /** The Deployment of each colour. @internal */
  public readonly deployments: Record<Color, kplus.Deployment>;
  /** The Service selecting the active colour. @internal */
  public readonly service: kplus.Service;
  /** The Service selecting the idle colour. @internal */
  public readonly previewService: kplus.Service;

  constructor(scope: Construct, id: string, props: BlueGreenServiceProps) {
    super(scope, id);
    if (!COLORS.includes(props.activeColor)) {
      throw propertyError(this, 'activeColor', 'must be blue or green', props.activeColor, 'set activeColor to blue or green');
    }
    this.activeColor = props.activeColor;
    this.idleColor = props.activeColor === 'blue' ? 'green' : 'blue';
    const replicas: Record<Color, number | undefined> = {
      [this.activeColor]: props.replicas,
      [this.idleColor]: props.idleReplicas ?? props.replicas,
    } as Record<Color, number | undefined>;

    const render = (color: Color) =>
      props.workload.renderDeployment(this, capitalize(color), {
        name: `${props.name}-${color}`,
        tag: props.tags[color],
        replicas: replicas[color],
        selectorLabels: { [COLOR_LABEL]: color },
      });
    this.deployments = { blue: render('blue'), green: render('green') };

    const select = (color: Color) => ({ ...props.workload.podSelector, [COLOR_LABEL]: color });
    this.service = createService(this, 'Service', props.name, props.workload.port, select(this.activeColor));
    this.previewService = createService(this, 'PreviewService', `${props.name}-preview`, props.workload.port, select(this.idleColor), {
      [PREVIEW_LABEL]: 'true',
    });
  }

  /** The Deployment that receives traffic. @internal */
  public get activeDeployment(): kplus.Deployment {
    return this.deployments[this.activeColor];
  }
}

function capitalize(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}
