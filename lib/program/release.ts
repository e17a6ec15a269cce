import type { Document } from 'yaml';
// The two functions, not the package's index: that loads all 47 of its modules on every run of the CLI (issue 32).
import semverLt from 'semver/functions/lt';
import semverValid from 'semver/functions/valid';
import { describeValue } from '../core/errors';
import { IMAGE_TAG_OR_DIGEST } from '../core/formats';
import { edit, EnvironmentEdit, EnvironmentText, toPlain, ValueEdit, yaml } from './environment-edit';
import { yamlErrorLine } from './environment-files';

export type { EnvironmentEdit, EnvironmentText, FieldChange } from './environment-edit';

/**
 * The release-time edits of an environment file, as pure functions of its text: put a tag on the idle colour,
 * switch or roll back the active colour, promote what one environment runs to another. Each returns the new text
 * and what changed; the `eaf-cdk8s` commands write it, re-synthesise and print the manifest diff.
 *
 * The file is edited through the `yaml` library's Document API, and only the edited values change: the Document
 * locates each value (`getIn`), its source range is replaced by the new value (written in the style of the old
 * one), and the result is checked to read back exactly as the Document edited with `setIn` does. Comments, blank
 * lines, flow maps and quoting elsewhere stay byte for byte. Only when a value does not exist yet (or is a block
 * scalar or an alias) is the file re-printed whole by `toString`, and the edit says so.
 */

/** A blue-green colour. */
export type Color = 'blue' | 'green';

/** Bad input for an edit: every line names the file, the field, the value received and the fix. */
export class ReleaseError extends Error {
  constructor(public readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'ReleaseError';
  }
}

/**
 * Puts `tag` on `component` where the next release goes: in a blue-green environment the idle colour
 * (`components.<component>.tags.<idle>`, idle being the colour that is not `release.activeColor`), so the live
 * Service is untouched until the switch; in a rolling one (`release.strategy: rolling`, or no `release`)
 * `components.<component>.tag`.
 * @throws ReleaseError for a tag that is no image tag or digest, a component the file does not hold, or a file
 * that does not parse or names no usable release
 */
export function releaseTag(environment: EnvironmentText, component: string, tag: string): EnvironmentEdit {
  const document = parse(environment);
  const release = releaseOf(environment, document);
  const field =
    release.strategy === 'blue-green' ? ['components', component, 'tags', otherColor(release.activeColor)] : ['components', component, 'tag'];
  const problems: string[] = [];
  if (!IMAGE_TAG_OR_DIGEST.test(tag))
    problems.push(`${environment.file}: ${field.join('.')}: is not an image tag or digest (got ${describeValue(tag)}); ${IMAGE_TAG_OR_DIGEST.fix}`);
  const known = componentsOf(document);
  if (!known.includes(component))
    problems.push(
      `${environment.file}: components.${component}: is not a component of this environment (got ${describeValue(component)}); ` +
        `use one of: ${known.join(', ') || '(none: the file has no components)'}`,
    );
  if (problems.length > 0) throw new ReleaseError(problems);
  const why =
    release.strategy === 'blue-green'
      ? `release: the idle colour ${otherColor(release.activeColor)} gets it; ${release.activeColor} stays live until eaf-cdk8s switch`
      : release.declared === 'canary'
        ? "release: a canary of it, through the Rollout's weights and analyses"
        : 'release: a rolling update to it';
  return edit(environment, document, [{ path: field, value: tag }], why);
}

/** A step of a two-step switch: grow the idle colour to full size (`scale`), then move the Services to it (`route`). */
export type SwitchStep = 'scale' | 'route';

/** Options of {@link switchColor}. */
export interface SwitchOptions {
  /**
   * The step to make.
   * @default - the next one: `scale` when the idle colour runs fewer pods (`release.idleReplicas` below a component's
   * replicas) and no switch is under way, else `route`
   */
  readonly step?: SwitchStep;
}

/**
 * Switches the Services to the other colour, without ever leaving them short of pods. When the idle colour runs
 * fewer pods than the active one (`release.idleReplicas`), in two steps, each a commit (or an `oc apply`) of its own:
 *
 * 1. `scale`: sets `release.switchTo: <idle colour>`: that colour runs at full size beside the active one, and the
 *    Services stay where they are;
 * 2. `route` (once its Deployments are ready): flips `release.activeColor` and removes `switchTo`: the Services move,
 *    and the old colour shrinks to `idleReplicas`.
 *
 * When the idle colour is at full size already, `route` is the only step. With Argo CD, `route` alone is safe too: the
 * sync waves grow the new colour, and wait for it to be healthy, before the Services move (a warning says so).
 * Warns when that colour runs no pods (`release.idleReplicas: 0`), as then nothing serves until they have started.
 * @throws ReleaseError when the environment is not blue-green, or `release.switchTo` is not the idle colour
 */
export function switchColor(environment: EnvironmentText, options: SwitchOptions = {}): EnvironmentEdit {
  return flipActiveColor(environment, 'switch', options.step);
}

/**
 * Flips `release.activeColor` back to the other colour, which still runs the previous release: the same edit as
 * the `route` step of {@link switchColor}, worded as a rollback. In the middle of a two-step switch
 * (`release.switchTo` set) it cancels the switch instead: `switchTo` goes, the colour shrinks back, and the
 * Services never moved. Warns when that colour was scaled to nothing (`release.idleReplicas: 0`): then the rollback
 * is not instant, its pods start first.
 * @throws ReleaseError when the environment is not blue-green
 */
export function rollback(environment: EnvironmentText): EnvironmentEdit {
  return flipActiveColor(environment, 'rollback', 'route');
}

/**
 * Copies the tags `from` runs (per component, the active colour's tag, or `tag` when it rolls) onto `to`
 * where its next release goes: its idle colour, or `tag` when `to` rolls.
 * @throws ReleaseError when a component `from` runs is not in `to`, or either file names no usable release
 */
export function promote(from: EnvironmentText, to: EnvironmentText, options: PromoteOptions = {}): EnvironmentEdit {
  const running = runningTags(from);
  const document = parse(to);
  const release = releaseOf(to, document);
  const known = componentsOf(document);
  const missing = Object.keys(running).filter((c) => !known.includes(c));
  if (missing.length > 0) {
    throw new ReleaseError(
      missing.map(
        (c) =>
          `${to.file}: components.${c}: is missing, but ${from.file} runs it (got nothing); add the component to ${to.file}, ` +
          `or promote by component with eaf-cdk8s release`,
      ),
    );
  }
  const target = release.strategy === 'blue-green' ? `onto the idle colour ${otherColor(release.activeColor)}` : 'as the tags of a rolling release';
  const edits = Object.entries(running).map(([component, tag]) => ({
    path: release.strategy === 'blue-green' ? ['components', component, 'tags', otherColor(release.activeColor)] : ['components', component, 'tag'],
    value: tag,
  }));
  if (options.allowDowngrade !== true) refuseDowngrades(from, to, document, release, edits);
  return edit(to, document, edits, `promote: what ${from.file} runs (${describeTags(running)}), ${target}`);
}

/** Options of {@link promote}. */
export interface PromoteOptions {
  /** Promote a release older than the one the target runs (a deliberate rollback by promotion). @default false */
  readonly allowDowngrade?: boolean;
}

/**
 * Refuses to put a component's release below the one the target environment runs now, when both tags are semantic
 * versions (other tags, digests say nothing about order); `promote production dev` would otherwise move dev back.
 */
function refuseDowngrades(
  from: EnvironmentText,
  to: EnvironmentText,
  document: Document,
  release: Release,
  edits: ReadonlyArray<{ readonly path: string[]; readonly value: string }>,
): void {
  const problems = edits.flatMap(({ path, value }) => {
    const component = path[1];
    const current = document.getIn(
      release.strategy === 'blue-green' ? ['components', component, 'tags', release.activeColor] : ['components', component, 'tag'],
    );
    if (typeof current !== 'string' || semverValid(current, true) === null || semverValid(value, true) === null) return [];
    if (!semverLt(value, current, true)) return [];
    return [
      `${to.file}: ${path.join('.')}: would move ${component} back from ${current}, which ${to.file} runs, to ${value}, which ${from.file} runs ` +
        `(got ${describeValue(value)}); promote from an environment that runs a newer release, or pass --allow-downgrade to go back on purpose`,
    ];
  });
  if (problems.length > 0) throw new ReleaseError(problems);
}

/**
 * The tag each component of an environment runs: the active colour's (`components.<c>.tags.<active>`) in a
 * blue-green environment, else `components.<c>.tag`.
 * @throws ReleaseError when a component has no such tag, or the file names no usable release
 */
export function runningTags(environment: EnvironmentText): Record<string, string> {
  const document = parse(environment);
  const release = releaseOf(environment, document);
  const problems: string[] = [];
  const tags: Record<string, string> = {};
  for (const component of componentsOf(document)) {
    const field = release.strategy === 'blue-green' ? ['components', component, 'tags', release.activeColor] : ['components', component, 'tag'];
    const tag = document.getIn(field);
    if (typeof tag === 'string' && IMAGE_TAG_OR_DIGEST.test(tag)) tags[component] = tag;
    else
      problems.push(
        `${environment.file}: ${field.join('.')}: is not an image tag or digest (got ${describeValue(toPlain(tag))}); ` +
          `set the tag the environment runs, e.g. 1.4.2`,
      );
  }
  if (problems.length > 0) throw new ReleaseError(problems);
  if (Object.keys(tags).length === 0)
    throw new ReleaseError([`${environment.file}: components: holds no component (got nothing); give each component its tag`]);
  return tags;
}

/** The one implementation of the steps behind {@link switchColor} and {@link rollback}. */
function flipActiveColor(environment: EnvironmentText, verb: 'switch' | 'rollback', step: SwitchStep | undefined): EnvironmentEdit {
  const document = parse(environment);
  const release = releaseOf(environment, document);
  if (release.strategy !== 'blue-green') {
    throw new ReleaseError([
      `${environment.file}: release.strategy: ${verb} needs a blue-green release (got ${describeValue(release.declared)}); ` +
        `release a new tag with eaf-cdk8s release <environment> <component> <tag> instead, or set release.strategy: blue-green`,
    ]);
  }
  const next = otherColor(release.activeColor);
  if (release.switchTo !== undefined && release.switchTo !== next) {
    throw new ReleaseError([
      `${environment.file}: release.switchTo: must be the idle colour ${next}, as release.activeColor is ${release.activeColor} ` +
        `(got ${describeValue(release.switchTo)}); remove switchTo, then run eaf-cdk8s ${verb} again`,
    ]);
  }
  if (verb === 'rollback' && release.switchTo !== undefined) {
    return edit(
      environment,
      document,
      [{ path: ['release', 'switchTo'], value: undefined }],
      `rollback: the switch to ${next} is cancelled; the Services never left ${release.activeColor}, and ${next} ` +
        `shrinks back to release.idleReplicas`,
    );
  }
  const shrinks = !release.rollouts && idleShrinks(document, release.idleReplicas);
  const chosen = step ?? (shrinks && release.switchTo === undefined ? 'scale' : 'route');
  if (chosen === 'scale') return scaleStep(environment, document, release, next, shrinks);
  return routeStep(environment, document, release, next, verb, shrinks);
}

/** Step 1 of a switch: `release.switchTo` is the idle colour, which runs at full size; the Services stay. */
function scaleStep(environment: EnvironmentText, document: Document, release: BlueGreen, next: Color, shrinks: boolean): EnvironmentEdit {
  if (release.rollouts) {
    throw new ReleaseError([
      `${environment.file}: release.engine: switch --step scale is for blue-green Deployments (got ${describeValue('argo-rollouts')}); ` +
        'run eaf-cdk8s switch without --step: Argo Rollouts scales and promotes the new version itself',
    ]);
  }
  if (!shrinks) {
    return {
      ...edit(environment, document, [], `switch (step 1 of 2): ${next} runs at full size already; nothing to scale`),
      description:
        `${environment.file}: ${next} runs at full size already (release.idleReplicas is not below any component's ` +
        `replicas); nothing to scale, run eaf-cdk8s switch to move the Services`,
    };
  }
  return edit(
    environment,
    document,
    [{ path: ['release', 'switchTo'], value: next, after: 'activeColor' }],
    `switch (step 1 of 2): ${next} runs at full size beside ${release.activeColor}, and the Services stay on ${release.activeColor}; ` +
      `once ${next}'s Deployments are ready (oc rollout status deployment/<component>-${next}), run eaf-cdk8s switch again to move them`,
  );
}

/** Step 2 of a switch (or a rollback): `release.activeColor` flips, `release.switchTo` goes. */
function routeStep(
  environment: EnvironmentText,
  document: Document,
  release: BlueGreen,
  next: Color,
  verb: 'switch' | 'rollback',
  shrinks: boolean,
): EnvironmentEdit {
  const runs = describeTags(Object.fromEntries(componentsOf(document).map((c) => [c, toPlain(document.getIn(['components', c, 'tags', next]))])));
  const grown = release.switchTo === next;
  // With Argo Rollouts the flip changes the Rollout's tag: a new version is previewed, analysed and promoted, and the
  // previous one keeps running for the scale-down delay whatever idleReplicas says.
  const why = release.rollouts
    ? `${verb}: the Rollouts run ${next}'s tags (${runs}): Argo Rollouts previews and analyses them before promoting`
    : verb === 'switch'
      ? `switch${grown ? ' (step 2 of 2)' : ''}: traffic moves to ${next} (${runs}); ${release.activeColor} stays as the idle colour for a rollback`
      : `rollback: traffic goes back to ${next} (${runs}); ${release.activeColor} becomes the idle colour`;
  const warnings: string[] = [];
  if (release.idleReplicas === 0 && !release.rollouts && !grown) {
    warnings.push(
      `${environment.file}: release.idleReplicas: ${next} is scaled to no pods (got 0); ` +
        `the ${verb} is not instant: nothing serves until ${next}'s pods have started and are ready after the sync. Keep idleReplicas above 0 ` +
        `for an instant ${verb}`,
    );
  }
  // With idleReplicas: 0 the warning above says it already.
  if (shrinks && !grown && release.idleReplicas !== 0) {
    warnings.push(
      `${environment.file}: release.switchTo: ${next} grows from release.idleReplicas in the same change that moves the Services ` +
        `(got ${describeValue(release.switchTo)}); Argo CD's sync waves grow it, and wait for it to be ready, first, but a plain oc apply ` +
        'does not: there, switch in two steps instead (eaf-cdk8s switch --step scale, apply, wait until it is ready, then eaf-cdk8s switch)',
    );
  }
  const edits: ValueEdit[] = [
    { path: ['release', 'activeColor'], value: next },
    { path: ['release', 'switchTo'], value: undefined },
  ];
  const made = edit(environment, document, edits, why);
  return { ...made, warnings: [...warnings, ...made.warnings] };
}

/**
 * Whether the idle colour runs fewer pods than the active one: `release.idleReplicas` is set and below some
 * component's `replicas` (or a component's count is not in the file: the product's default, or an autoscaler).
 */
function idleShrinks(document: Document, idleReplicas: unknown): boolean {
  if (typeof idleReplicas !== 'number') return false;
  return componentsOf(document).some((c) => {
    const replicas = toPlain(document.getIn(['components', c, 'replicas']));
    return typeof replicas !== 'number' || idleReplicas < replicas;
  });
}

/** What an environment's `release` says, checked as far as the edits rely on it. */
type Release = { strategy: 'rolling'; declared: unknown } | BlueGreen;

/** A blue-green `release`: `switchTo` is the colour a two-step switch is under way to. */
type BlueGreen = { strategy: 'blue-green'; declared: unknown; activeColor: Color; idleReplicas: unknown; switchTo: unknown; rollouts: boolean };

function releaseOf(environment: EnvironmentText, document: Document): Release {
  const declared = toPlain(document.getIn(['release', 'strategy']));
  // A canary (Argo Rollouts) runs one tag, as a rolling release does: a new tag starts the canary.
  if (declared === undefined || declared === 'rolling' || declared === 'canary') return { strategy: 'rolling', declared: declared ?? 'rolling' };
  if (declared !== 'blue-green') {
    throw new ReleaseError([
      `${environment.file}: release.strategy: is not rolling, blue-green or canary (got ${describeValue(declared)}); use rolling, ` +
        `blue-green or canary`,
    ]);
  }
  const activeColor = toPlain(document.getIn(['release', 'activeColor']));
  if (activeColor !== 'blue' && activeColor !== 'green') {
    throw new ReleaseError([
      `${environment.file}: release.activeColor: is not blue or green (got ${describeValue(activeColor)}); ` +
        `set release.activeColor to the colour that serves traffic now, blue or green`,
    ]);
  }
  return {
    strategy: 'blue-green',
    declared,
    activeColor,
    idleReplicas: toPlain(document.getIn(['release', 'idleReplicas'])),
    switchTo: toPlain(document.getIn(['release', 'switchTo'])),
    rollouts: toPlain(document.getIn(['release', 'engine'])) === 'argo-rollouts',
  };
}

function otherColor(color: Color): Color {
  return color === 'blue' ? 'green' : 'blue';
}

/** The component names of `components`, in file order. */
function componentsOf(document: Document): string[] {
  const components = toPlain(document.get('components'));
  return components !== null && typeof components === 'object' && !Array.isArray(components) ? Object.keys(components) : [];
}

/** `api 1.5.0, frontend 1.5.0`. */
function describeTags(tags: Record<string, unknown>): string {
  return Object.entries(tags)
    .map(([c, t]) => `${c} ${typeof t === 'string' ? t : describeValue(t)}`)
    .join(', ');
}

function parse(environment: EnvironmentText): Document {
  const document = yaml().parseDocument(environment.text, { uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new ReleaseError([`${environment.file}: YAML error: ${yamlErrorLine(document.errors)}; fix the YAML syntax, then run the command again`]);
  }
  return document;
}
