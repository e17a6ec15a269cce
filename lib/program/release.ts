import type { Document, Scalar } from 'yaml';
import * as semver from 'semver';
import { describeValue } from '../core/errors';
import { IMAGE_TAG_OR_DIGEST } from '../core/formats';
import { yamlErrorLine } from './environment-files';

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

/** An environment file: its path (names it in every message) and its text. */
export interface EnvironmentText {
  /** The path of the file, as messages name it. */
  readonly file: string;
  /** Its text. */
  readonly text: string;
}

/** One field an edit changed. */
export interface FieldChange {
  /** The field, as a dotted path (`components.api.tags.green`). */
  readonly field: string;
  /** The value before; `undefined` when the field did not exist. */
  readonly from: string | undefined;
  /** The value after. */
  readonly to: string;
}

/** What an edit did to one environment file. */
export interface EnvironmentEdit {
  /** The file edited. */
  readonly file: string;
  /** The new text; the same text when nothing changed. */
  readonly text: string;
  /** The fields whose value changed, in the order edited; empty when the file already said it. */
  readonly changes: readonly FieldChange[];
  /** One line for the log: `<file>: <field>: <from> -> <to>, ... (<why>)`. */
  readonly description: string;
  /** What the operator should know before merging, one line each (`<file>: <field>: ...`). */
  readonly warnings: readonly string[];
}

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

/**
 * Flips `release.activeColor` (blue to green, green to blue): the Services move to the other colour's
 * Deployments. Warns when that colour runs no pods (`release.idleReplicas: 0`), as then nothing serves until
 * they have started.
 * @throws ReleaseError when the environment is not blue-green
 */
export function switchColor(environment: EnvironmentText): EnvironmentEdit {
  return flipActiveColor(environment, 'switch');
}

/**
 * Flips `release.activeColor` back to the other colour, which still runs the previous release: the same edit as
 * {@link switchColor}, worded as a rollback. Warns when that colour was scaled to nothing
 * (`release.idleReplicas: 0`): then the rollback is not instant, its pods start first.
 * @throws ReleaseError when the environment is not blue-green
 */
export function rollback(environment: EnvironmentText): EnvironmentEdit {
  return flipActiveColor(environment, 'rollback');
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
    if (typeof current !== 'string' || semver.valid(current, true) === null || semver.valid(value, true) === null) return [];
    if (!semver.lt(value, current, true)) return [];
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

/** The one implementation of the flip behind {@link switchColor} and {@link rollback}. */
function flipActiveColor(environment: EnvironmentText, verb: 'switch' | 'rollback'): EnvironmentEdit {
  const document = parse(environment);
  const release = releaseOf(environment, document);
  if (release.strategy !== 'blue-green') {
    throw new ReleaseError([
      `${environment.file}: release.strategy: ${verb} needs a blue-green release (got ${describeValue(release.declared)}); ` +
        `release a new tag with eaf-cdk8s release <environment> <component> <tag> instead, or set release.strategy: blue-green`,
    ]);
  }
  const next = otherColor(release.activeColor);
  const runs = describeTags(Object.fromEntries(componentsOf(document).map((c) => [c, toPlain(document.getIn(['components', c, 'tags', next]))])));
  // With Argo Rollouts the flip changes the Rollout's tag: a new version is previewed, analysed and promoted, and the
  // previous one keeps running for the scale-down delay whatever idleReplicas says.
  const why = release.rollouts
    ? `${verb}: the Rollouts run ${next}'s tags (${runs}): Argo Rollouts previews and analyses them before promoting`
    : verb === 'switch'
      ? `switch: traffic moves to ${next} (${runs}); ${release.activeColor} stays as the idle colour for a rollback`
      : `rollback: traffic goes back to ${next} (${runs}); ${release.activeColor} becomes the idle colour`;
  const warnings =
    release.idleReplicas === 0 && !release.rollouts
      ? [
          `${environment.file}: release.idleReplicas: ${next} is scaled to no pods (got 0); ` +
            `the ${verb} is not instant: nothing serves until ${next}'s pods have started and are ready after the sync. Keep idleReplicas above 0 ` +
            `for an instant ${verb}`,
        ]
      : [];
  return { ...edit(environment, document, [{ path: ['release', 'activeColor'], value: next }], why), warnings };
}

/** What an environment's `release` says, checked as far as the edits rely on it. */
type Release =
  | { strategy: 'rolling'; declared: unknown }
  | { strategy: 'blue-green'; declared: unknown; activeColor: Color; idleReplicas: unknown; rollouts: boolean };

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

/** A node as plain data (the Document API returns nodes for collections). */
function toPlain(value: unknown): unknown {
  return value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function'
    ? (value as { toJSON(): unknown }).toJSON()
    : value;
}

function yaml(): typeof import('yaml') {
  return require('yaml') as typeof import('yaml');
}

function parse(environment: EnvironmentText): Document {
  const document = yaml().parseDocument(environment.text, { uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new ReleaseError([`${environment.file}: YAML error: ${yamlErrorLine(document.errors)}; fix the YAML syntax, then run the command again`]);
  }
  return document;
}

/** One value to set, by its path in the file. */
interface ValueEdit {
  readonly path: readonly string[];
  readonly value: string;
}

/**
 * Sets each value: each existing scalar's source range is replaced by the new value, in the style of the old
 * one; the result must read back as the Document edited with `setIn` does, else (or when a value does not
 * exist) the Document is printed whole.
 */
function edit(environment: EnvironmentText, document: Document, edits: readonly ValueEdit[], why: string): EnvironmentEdit {
  const { isScalar } = yaml();
  const changes: FieldChange[] = [];
  const applied: ValueEdit[] = [];
  const splices: Array<{ start: number; end: number; text: string }> = [];
  let inPlace = true;
  for (const e of edits) {
    const node = document.getIn(e.path, true);
    const before = toPlain(node);
    if (before === e.value) continue;
    changes.push({ field: e.path.join('.'), from: before === undefined ? undefined : String(before), to: e.value });
    applied.push(e);
    if (isScalar(node) && node.range && isInline(node)) splices.push({ start: node.range[0], end: node.range[1], text: renderScalar(node, e.value) });
    else inPlace = false;
  }
  const fields = changes.map((c) => `${c.field}: ${c.from ?? '(not set)'} -> ${c.to}`).join(', ');
  if (changes.length === 0) {
    return {
      file: environment.file,
      text: environment.text,
      changes,
      warnings: [],
      description: `${environment.file}: already says so, nothing to change (${why})`,
    };
  }
  const expected = document.clone();
  for (const e of applied) expected.setIn(e.path, e.value);
  let text = inPlace ? splice(environment.text, splices) : undefined;
  if (text === undefined || !readsAs(text, expected)) {
    text = expected.toString({ flowCollectionPadding: false, lineWidth: 0 });
    inPlace = false;
  }
  const note = inPlace
    ? []
    : [
        `${environment.file}: ${changes.map((c) => c.field).join(', ')}: could not be edited in place, ` +
          `so the YAML library re-printed the file (got ${changes.map((c) => describeValue(c.from)).join(', ')}); ` +
          `check the file's layout and comments in the change before merging`,
      ];
  return { file: environment.file, text, changes, warnings: note, description: `${environment.file}: ${fields} (${why})` };
}

/** Plain and quoted scalars sit on one line; block scalars and aliases are printed by the Document instead. */
function isInline(node: Scalar): boolean {
  const { Scalar: S } = yaml();
  return node.type === S.PLAIN || node.type === S.QUOTE_DOUBLE || node.type === S.QUOTE_SINGLE;
}

/** `value` in the old scalar's style: quoted as it was, else plain unless it would read as another type (`"1.5"`). */
function renderScalar(node: Scalar, value: string): string {
  const { Scalar: S, stringify } = yaml();
  if (node.type === S.QUOTE_DOUBLE) return JSON.stringify(value);
  if (node.type === S.QUOTE_SINGLE) return `'${value.replace(/'/g, "''")}'`;
  return stringify(value, { lineWidth: 0 }).trimEnd();
}

function splice(text: string, splices: ReadonlyArray<{ start: number; end: number; text: string }>): string {
  let out = text;
  for (const s of [...splices].sort((a, b) => b.start - a.start)) out = out.slice(0, s.start) + s.text + out.slice(s.end);
  return out;
}

function readsAs(text: string, expected: Document): boolean {
  const { isDeepStrictEqual } = require('util') as typeof import('util');
  const reread = yaml().parseDocument(text, { uniqueKeys: true });
  return reread.errors.length === 0 && isDeepStrictEqual(reread.toJS(), expected.toJS());
}
