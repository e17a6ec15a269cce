import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { Connections, IPeer } from '../core/connections';
import { PropertyProblems } from '../core/errors';
import { deepFreeze } from '../core/freeze';
import { IMAGE_REFERENCE, URL_PATH } from '../core/formats';
import { ContainerResources, PLATFORM_CURL_IMAGE } from '../pods/pod-template';
import { restrictedShellJob } from '../pods/shell-job';
import { HOOK_ANNOTATION } from './sync-waves';

/** One component a smoke test calls. */
export interface SmokeTarget {
  /** The component, which the test's network edge leads to. */
  readonly peer: IPeer;
  /** The Service to call: the idle colour's preview Service in blue-green, else the component's Service. */
  readonly serviceName: string;
  /** The Service's port. */
  readonly port: number;
  /** The health path, e.g. `/actuator/health/readiness`. */
  readonly path: string;
}

/** Props of {@link SmokeTest}. */
export interface SmokeTestProps {
  /** Name of the Job, e.g. `dvmm-smoke-test`. */
  readonly name: string;
  /** What to call. */
  readonly targets: readonly SmokeTarget[];
  /** An image with `/bin/sh` and `curl`, pinned, from a registry the environment allows. @default SMOKE_TEST_DEFAULTS.image */
  readonly image?: string;
  /** How long the whole test may take, retries included. @default 300 */
  readonly timeoutSeconds?: number;
  /** How often a call that fails is retried, 5 s apart (a pod may still be starting). @default 12 */
  readonly retries?: number;
  /**
   * Render the Job as an Argo CD `PostSync` hook. `false` renders no Job: an Argo Rollouts analysis runs its spec
   * instead ({@link SmokeTest.jobSpecFor}), one component at a time.
   * @default true
   */
  readonly hook?: boolean;
}

/** The platform's smoke-test defaults. */
export const SMOKE_TEST_DEFAULTS = deepFreeze({
  /** The platform registry's mirror of curlimages/curl (`PLATFORM_CURL_IMAGE`: `/bin/sh` and curl, any non-root UID). */
  image: PLATFORM_CURL_IMAGE,
  timeoutSeconds: 300,
  /** curl's needs, with room. */
  resources: {
    requests: { cpu: '10m', memory: '32Mi', ephemeralStorage: '16Mi' },
    limits: { cpu: '100m', memory: '64Mi', ephemeralStorage: '64Mi' },
  } satisfies ContainerResources,
  /** Per call: 5 s, then retried every 5 s (for a minute by default: pods that are still starting). */
  curl: '--fail --silent --show-error --max-time 5 --retry-delay 5 --retry-all-errors --output /dev/null',
  retries: 12,
});

/**
 * A smoke test as an Argo CD `PostSync` hook: once every wave of a sync is applied and healthy, a restricted Job calls
 * each component's health endpoint through the Service of the colour that is about to get traffic (the preview
 * Service in blue-green), so a broken idle colour is seen before anyone switches to it. A failing call fails the Job,
 * which marks the sync failed. The Job is replaced at the next sync (`BeforeHookCreation`), so a failed one stays
 * for its logs. Its network edges (to each component's port) are recorded like any other, so the default-deny
 * policies let exactly these calls through. The PostSync hook runs after every wave, so after a switch moved the
 * Services: what gates a switch is {@link SmokeTest.addSwitchGate}, one `Sync` hook per blue-green component.
 */
export class SmokeTest extends Construct implements IPeer {
  public readonly peerName: string;
  public readonly podSelector: Record<string, string>;
  /** The Job. */
  public readonly job: ApiObject;
  /** The shell script the Job runs: one `curl` per argument. */
  public readonly script: string;
  /** Its arguments, `<component>=<url>`, in order. */
  public readonly targets: readonly string[];
  /** Whether the Job is rendered as a `PostSync` hook. */
  public readonly hook: boolean;
  private readonly peers: readonly IPeer[];
  private readonly jobOptions: { readonly image: string; readonly timeout: number; readonly name: string };

  constructor(scope: Construct, id: string, props: SmokeTestProps) {
    super(scope, id);
    const image = props.image ?? SMOKE_TEST_DEFAULTS.image;
    const timeout = props.timeoutSeconds ?? SMOKE_TEST_DEFAULTS.timeoutSeconds;
    const problems = new PropertyProblems(this);
    if (!IMAGE_REFERENCE.test(image)) problems.add('image', 'is not an image reference with a tag or digest', image, IMAGE_REFERENCE.fix);
    props.targets.forEach((t, i) => {
      if (!URL_PATH.test(t.path)) problems.add(`targets[${i}].path`, 'is not an absolute URL path', t.path, URL_PATH.fix);
    });
    if (props.targets.length === 0) problems.add('targets', 'is empty', [], 'give at least one component to call');
    if (props.retries !== undefined && !(Number.isInteger(props.retries) && props.retries >= 0))
      problems.add('retries', 'is not a whole number of at least 0', props.retries, 'use 0 or more retries');
    problems.throwIfAny();
    this.peerName = 'smoke-test';
    this.podSelector = { 'app.kubernetes.io/name': props.name };
    // One line (a manifest stays on the fast YAML path); each target is an argument `<component>=<url>`.
    this.script = [
      'set -u',
      'for target in "$@"; do name=${target%%=*}; url=${target#*=}; echo "smoke: $name $url"',
      `curl ${SMOKE_TEST_DEFAULTS.curl} --retry ${props.retries ?? SMOKE_TEST_DEFAULTS.retries} "$url"` +
        ' || { echo "smoke: FAILED: $name did not answer $url"; exit 1; }',
      'done',
      'echo "smoke: $# of $# components answered"',
    ].join('; ');
    this.targets = props.targets.map((t) => `${t.peer.peerName}=http://${t.serviceName}:${t.port}${t.path}`);

    this.jobOptions = { image, timeout, name: props.name };
    this.job = this.renderJob('Resource', props.name, 'PostSync', this.targets);
    for (const t of props.targets) Connections.of(this).add({ from: this, to: t.peer, port: t.port, purpose: 'smoke-test' });
    this.peers = props.targets.map((t) => t.peer);
    this.hook = props.hook ?? true;
    if (!this.hook) this.node.tryRemoveChild('Resource');
  }

  /**
   * The switch gate of one blue-green component: the same test as an Argo CD `Sync` hook, `<name>-<component>`,
   * calling the component through `target.serviceName` (the Service of the colour the active Services select once
   * the sync is done, `<component>-next`). Ordered by the sync waves like any object (`BlueGreenService.gateSwitch`
   * puts it in a wave of its own between the new active colour and the Services), so Argo CD applies it, waits for it
   * to complete, and stops the sync if it fails: the Services stay on the old colour. The pods carry the smoke test's
   * labels, so the same network policies let the call through.
   */
  public addSwitchGate(target: SmokeTarget): ApiObject {
    if (!this.peers.includes(target.peer)) throw new Error(`${this.node.path}: ${target.peer.peerName} is not a target of the smoke test`);
    const arg = `${target.peer.peerName}=http://${target.serviceName}:${target.port}${target.path}`;
    return this.renderJob(`Gate-${target.peer.peerName}`, `${this.jobOptions.name}-${target.peer.peerName}`, 'Sync', [arg]);
  }

  private renderJob(id: string, name: string, phase: 'PostSync' | 'Sync', args: readonly string[]): ApiObject {
    return restrictedShellJob(this, id, {
      metadata: {
        name,
        annotations: { [HOOK_ANNOTATION]: phase, 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' },
      },
      podLabels: this.podSelector,
      backoffLimit: 0,
      activeDeadline: Duration.seconds(this.jobOptions.timeout),
      shell: { name: 'smoke-test', image: this.jobOptions.image, script: this.script, args },
      resources: SMOKE_TEST_DEFAULTS.resources,
    }).apiObject;
  }

  /**
   * The Job's spec calling one component only (its argument), e.g. for an Argo Rollouts `job` metric: the same pod,
   * image, script, resources and labels (so the same network policies let it through). Read it at synthesis, once
   * every wiring is known.
   */
  public jobSpecFor(peer: IPeer): Record<string, unknown> {
    const index = this.peers.indexOf(peer);
    if (index < 0) throw new Error(`${this.node.path}: ${peer.peerName} is not a target of the smoke test`);
    const spec = structuredClone(this.job.toJson().spec);
    spec.template.spec.containers[0].args = [this.targets[index]];
    return spec;
  }
}
