import * as kplus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
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
  /**
   * The first step of a switch to the idle colour: it runs at full size (`replicas`; without `replicas`, as an
   * autoscaler owns the active colour's count, `idleReplicas`) while the Services stay on
   * `activeColor`; the second step (`activeColor` set to it) moves them. Only the idle colour is accepted.
   * @default - none: the idle colour runs `idleReplicas`
   */
  readonly switchTo?: Color;
}

/**
 * Blue-green release of a workload: one Deployment per colour, each with its own image tag.
 * The Service `<name>` selects the active colour, `<name>-preview` (labelled `eaf.io/preview: "true"`) the idle one.
 *
 * A switch never leaves the live Service short of pods: `syncStages` orders an Argo CD sync so that the active
 * colour is at full size and healthy before the Services move, and the idle colour shrinks only after they moved;
 * for a delivery without waves (`oc apply`), `switchTo` is the first of two steps (both colours at full size, the
 * Services unchanged), and the flip of `activeColor` the second.
 */
export class BlueGreenService extends Construct {
  /** The active colour. */
  public readonly activeColor: Color;
  /** The colour that does not receive traffic. */
  public readonly idleColor: Color;
  /** The colour a two-step switch is under way to (at full size, not yet selected). @default - none */
  public readonly switchTo?: Color;
  /** The Deployment of each colour. @internal */
  public readonly deployments: Record<Color, kplus.Deployment>;
  /** The Service selecting the active colour. @internal */
  public readonly service: kplus.Service;
  /** The Service selecting the idle colour. @internal */
  public readonly previewService: kplus.Service;
  /**
   * The Service `<name>-next` selecting the active colour, for the switch gate (see {@link gateSwitch}).
   * @default - none: no gate @internal
   */
  public nextService?: kplus.Service;
  /** Whether the idle colour runs fewer pods than the active one, so that a switch must grow it first. */
  private readonly idleShrinks: boolean;
  /** The switch gate: a sync stage of its own before the Services. */
  private gate?: IConstruct;
  private readonly workload: IDeploymentTemplate;

  constructor(scope: Construct, id: string, props: BlueGreenServiceProps) {
    super(scope, id);
    if (!COLORS.includes(props.activeColor)) {
      throw propertyError(this, 'activeColor', 'must be blue or green', props.activeColor, 'set activeColor to blue or green');
    }
    this.activeColor = props.activeColor;
    this.idleColor = props.activeColor === 'blue' ? 'green' : 'blue';
    if (props.switchTo !== undefined && props.switchTo !== this.idleColor) {
      throw propertyError(
        this,
        'switchTo',
        `must be the idle colour ${this.idleColor}, as activeColor is ${this.activeColor}`,
        props.switchTo,
        `remove switchTo (the switch to ${props.switchTo} is done), or set it to ${this.idleColor}`,
      );
    }
    this.switchTo = props.switchTo;
    this.workload = props.workload;
    // An autoscaler's count (no replicas) is never the idle colour's fixed one.
    this.idleShrinks = props.replicas === undefined || (props.idleReplicas ?? props.replicas) !== props.replicas;
    const replicas: Record<Color, number | undefined> = {
      [this.activeColor]: props.replicas,
      // Switching: the full size; with an autoscaler (no replicas) the caller gives that size as idleReplicas.
      [this.idleColor]: props.switchTo === undefined ? (props.idleReplicas ?? props.replicas) : (props.replicas ?? props.idleReplicas),
    } as Record<Color, number | undefined>;

    // The Services come first in the output: `oc apply` (and `kubectl apply -f`) applies objects in file order, one
    // after the other, and so moves them before it touches a Deployment. The route step of a two-step switch flips
    // their selectors to the colour that is at full size and ready already, and shrinks the old colour to
    // idleReplicas; Deployments first, the old colour lost its pods while the Services still selected it (the dip the
    // rehearsal tier measured: 1 ready endpoint of 2). Argo CD orders by sync waves (syncStages), not by file order.
    const select = (color: Color) => ({ ...props.workload.podSelector, [COLOR_LABEL]: color });
    this.service = createService(this, 'Service', props.name, props.workload.port, select(this.activeColor));
    this.previewService = createService(this, 'PreviewService', `${props.name}-preview`, props.workload.port, select(this.idleColor), {
      [PREVIEW_LABEL]: 'true',
    });

    const render = (color: Color) =>
      props.workload.renderDeployment(this, capitalize(color), {
        name: `${props.name}-${color}`,
        tag: props.tags[color],
        replicas: replicas[color],
        selectorLabels: { [COLOR_LABEL]: color },
      });
    this.deployments = { blue: render('blue'), green: render('green') };
  }

  /** The Deployment that receives traffic. @internal */
  public get activeDeployment(): kplus.Deployment {
    return this.deployments[this.activeColor];
  }

  /**
   * Gates a switch on a test of the colour about to get traffic: renders the Service `<name>-next`, which selects the
   * active colour (the one the Services select once a sync is done) and carries no traffic, and puts what `render`
   * makes of that Service's name (an Argo CD `Sync` hook calling it, e.g. `SmokeTest.addSwitchGate`) in a sync stage
   * of its own between the active colour and the Services. At a switch the new colour is at full size and healthy, the gate calls it, and
   * only when the gate succeeds do the Services move; a failed gate stops the sync with the Services on the old
   * colour. At any other sync it calls the colour that is live already.
   */
  public gateSwitch(render: (nextServiceName: string) => IConstruct): void {
    if (this.gate !== undefined) throw new Error(`${this.node.path}: the switch is gated already`);
    const select = { ...this.workload.podSelector, [COLOR_LABEL]: this.activeColor };
    this.nextService = createService(this, 'NextService', `${this.service.name}-next`, this.workload.port, select);
    this.gate = render(this.nextService.name);
  }

  /**
   * The Argo CD sync stages after the workload's own wave (which holds the active colour): the switch gate (if any),
   * then the Services, then the idle colour. Argo CD applies a wave and waits for it to be healthy (a hook: to
   * succeed) before the next, so at a switch the new active colour is at full size and ready, and has passed the
   * gate, before the Services select it, and the old one shrinks to `idleReplicas` only after they left it. Without
   * a gate, none when the idle colour keeps the full size (a switch then changes the Services' selectors only, and has
   * nothing to wait for).
   */
  public get syncStages(): ReadonlyArray<readonly IConstruct[]> {
    const services = [this.service, this.previewService];
    const idle = this.idleShrinks ? [[this.deployments[this.idleColor]]] : [];
    if (this.gate !== undefined) return [[this.gate], services, ...idle];
    return this.idleShrinks ? [services, ...idle] : [];
  }
}

function capitalize(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}
