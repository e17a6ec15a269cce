import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { EnvironmentText, promote, ReleaseError, releaseTag, rollback, runningTags, switchColor } from '../../lib/program/release';

const REPO = path.join(__dirname, '..', '..');

/** DVMM's real environment file, as the commands read it. */
function real(name: string): EnvironmentText {
  return { file: `environments/${name}.yaml`, text: fs.readFileSync(path.join(REPO, 'environments', `${name}.yaml`), 'utf8') };
}

/** The lines that differ, as [before, after]; the files must have as many lines. */
function changedLines(before: string, after: string): Array<[string, string]> {
  const a = before.split('\n');
  const b = after.split('\n');
  expect(b.length).toBe(a.length);
  return a.flatMap((line, i) => (line === b[i] ? [] : [[line, b[i]] as [string, string]]));
}

/** The problems an edit refuses with. */
function problems(edit: () => unknown): readonly string[] {
  try {
    edit();
  } catch (e) {
    if (e instanceof ReleaseError) return e.problems;
    throw e;
  }
  throw new Error('expected a ReleaseError');
}

const BLUE_GREEN = [
  'release:',
  '  strategy: blue-green',
  '  activeColor: green',
  'components:',
  '  api:',
  '    tags: { blue: 1.4.2, green: "1.5.0" }   # quoted on purpose',
  '  frontend:',
  "    tags: { blue: '1.4.2', green: 1.5.0 }",
  '',
].join('\n');

describe('releaseTag', () => {
  test('puts the tag on the idle colour of a blue-green environment, changing only that line of production.yaml', () => {
    // GIVEN DVMM's production (blue active, green idle)
    const production = real('production');
    // WHEN a release goes to it
    const edit = releaseTag(production, 'api', '1.6.0');
    // THEN green (idle) gets it, and nothing else of the file changes: comments, flow maps, spacing
    expect(changedLines(production.text, edit.text)).toEqual([
      ['    tags: { blue: 1.4.2, green: 1.5.0 }', '    tags: { blue: 1.4.2, green: 1.6.0 }'],
    ]);
    expect(edit.changes).toEqual([{ field: 'components.api.tags.green', from: '1.5.0', to: '1.6.0' }]);
    expect(edit.description).toBe(
      'environments/production.yaml: components.api.tags.green: 1.5.0 -> 1.6.0 (release: the idle colour green ' +
        'gets it; blue stays live until eaf-cdk8s switch)',
    );
    expect(edit.warnings).toEqual([]);
  });

  test('sets tag in a rolling environment, changing only that line of dev.yaml', () => {
    const dev = real('dev');
    const edit = releaseTag(dev, 'frontend', '1.6.0');
    expect(changedLines(dev.text, edit.text)).toEqual([['    tag: 1.5.0', '    tag: 1.6.0']]);
    expect(edit.description).toBe('environments/dev.yaml: components.frontend.tag: 1.5.0 -> 1.6.0 (release: a rolling update to it)');
  });

  test('treats an environment without release as rolling', () => {
    const edit = releaseTag({ file: 'qa.yaml', text: 'components:\n  api:\n    tag: 1.0.0\n' }, 'api', '1.1.0');
    expect(edit.text).toBe('components:\n  api:\n    tag: 1.1.0\n');
  });

  test('keeps the quoting of the old value, and quotes a tag that would read as a number', () => {
    // GIVEN blue idle: the api's blue tag is plain, the frontend's single-quoted
    const api = releaseTag({ file: 'x.yaml', text: BLUE_GREEN }, 'api', '1.6');
    expect(changedLines(BLUE_GREEN, api.text)).toEqual([
      ['    tags: { blue: 1.4.2, green: "1.5.0" }   # quoted on purpose', '    tags: { blue: "1.6", green: "1.5.0" }   # quoted on purpose'],
    ]);
    expect(parse(api.text).components.api.tags.blue).toBe('1.6');
    const frontend = releaseTag({ file: 'x.yaml', text: BLUE_GREEN }, 'frontend', '1.6.0');
    expect(changedLines(BLUE_GREEN, frontend.text)).toEqual([
      ["    tags: { blue: '1.4.2', green: 1.5.0 }", "    tags: { blue: '1.6.0', green: 1.5.0 }"],
    ]);
    // AND with blue active, the api's double-quoted green tag stays double-quoted, its comment where it was
    const blueActive = { file: 'x.yaml', text: switchColor({ file: 'x.yaml', text: BLUE_GREEN }).text };
    expect(changedLines(blueActive.text, releaseTag(blueActive, 'api', '1.6.0').text)).toEqual([
      ['    tags: { blue: 1.4.2, green: "1.5.0" }   # quoted on purpose', '    tags: { blue: 1.4.2, green: "1.6.0" }   # quoted on purpose'],
    ]);
  });

  test('takes a digest', () => {
    const digest = `sha256:${'ab'.repeat(32)}`;
    const edit = releaseTag(real('dev'), 'api', digest);
    expect(parse(edit.text).components.api.tag).toBe(digest);
    expect(changedLines(real('dev').text, edit.text)).toEqual([['    tag: 1.5.0', `    tag: ${digest}`]]);
  });

  test('changes nothing when the idle colour already has the tag', () => {
    const production = real('production');
    const edit = releaseTag(production, 'api', '1.5.0');
    expect(edit.text).toBe(production.text);
    expect(edit.changes).toEqual([]);
    expect(edit.description).toMatch(/^environments\/production\.yaml: already says so, nothing to change \(/);
  });

  test('adds a tag that is not there yet through the Document, and says the file was re-printed', () => {
    const edit = releaseTag({ file: 'qa.yaml', text: 'release: { strategy: rolling }\ncomponents:\n  api: { replicas: 1 }\n' }, 'api', '1.0.0');
    expect(parse(edit.text)).toEqual({ release: { strategy: 'rolling' }, components: { api: { replicas: 1, tag: '1.0.0' } } });
    expect(edit.changes).toEqual([{ field: 'components.api.tag', from: undefined, to: '1.0.0' }]);
    expect(edit.warnings).toEqual([
      "qa.yaml: components.api.tag: could not be edited in place, so the YAML library re-printed the file (got nothing); check the file's layout and comments in the change before merging",
    ]);
  });

  test('fails on a tag that is no image tag or digest, and on an unknown component, naming file, field, value and fix', () => {
    expect(problems(() => releaseTag(real('production'), 'web', '1.6.0 beta'))).toEqual([
      'environments/production.yaml: components.web.tags.green: is not an image tag or digest (got "1.6.0 beta"); ' +
        'use an image tag such as 1.4.2, or a digest sha256:<64 hex digits>',
      'environments/production.yaml: components.web: is not a component of this environment (got "web"); use one of: api, frontend',
    ]);
  });

  test('puts the tag of a canary release (Argo Rollouts) on components.<component>.tag, and refuses to switch it', () => {
    const canary = { file: 'qa.yaml', text: 'release: { strategy: canary, engine: argo-rollouts }\ncomponents:\n  api: { tag: 1.0.0 }\n' };
    const edit = releaseTag(canary, 'api', '1.1.0');
    expect(edit.changes).toEqual([{ field: 'components.api.tag', from: '1.0.0', to: '1.1.0' }]);
    expect(edit.text).toBe('release: { strategy: canary, engine: argo-rollouts }\ncomponents:\n  api: { tag: 1.1.0 }\n');
    expect(problems(() => switchColor(canary))).toEqual([
      'qa.yaml: release.strategy: switch needs a blue-green release (got "canary"); release a new tag with ' +
        'eaf-cdk8s release <environment> <component> <tag> instead, or set release.strategy: blue-green',
    ]);
  });

  test('fails on a file that does not parse, or names an unknown strategy or colour', () => {
    expect(problems(() => releaseTag({ file: 'x.yaml', text: 'components: [a' }, 'api', '1.0.0'))[0]).toMatch(
      /^x\.yaml: YAML error: .+; fix the YAML syntax, then run the command again$/,
    );
    expect(problems(() => releaseTag({ file: 'x.yaml', text: 'release: { strategy: recreate }\n' }, 'api', '1.0.0'))).toEqual([
      'x.yaml: release.strategy: is not rolling, blue-green or canary (got "recreate"); use rolling, blue-green or canary',
    ]);
    expect(problems(() => releaseTag({ file: 'x.yaml', text: 'release: { strategy: blue-green, activeColor: red }\n' }, 'api', '1.0.0'))).toEqual([
      'x.yaml: release.activeColor: is not blue or green (got "red"); set release.activeColor to the colour that serves traffic now, blue or green',
    ]);
  });
});

describe('switchColor and rollback', () => {
  test('switch flips the active colour, changing only that line of production.yaml', () => {
    const production = real('production');
    const edit = switchColor(production);
    expect(changedLines(production.text, edit.text)).toEqual([['  activeColor: blue', '  activeColor: green']]);
    expect(edit.description).toBe(
      'environments/production.yaml: release.activeColor: blue -> green (switch: traffic moves to green (api ' +
        '1.5.0, frontend 1.5.0); blue stays as the idle colour for a rollback)',
    );
    expect(edit.warnings).toEqual([]);
  });

  test('rollback is the same edit in its own words', () => {
    const staging = real('staging');
    const edit = rollback(staging);
    expect(edit.text).toBe(switchColor(staging, { step: 'route' }).text);
    expect(changedLines(staging.text, edit.text)).toEqual([['  activeColor: green', '  activeColor: blue']]);
    expect(edit.description).toBe(
      'environments/staging.yaml: release.activeColor: green -> blue (rollback: traffic goes back to blue (api ' +
        '1.4.2, frontend 1.4.2); green becomes the idle colour)',
    );
  });

  test('rollback warns that it is not instant when the other colour is scaled to no pods', () => {
    const production = real('production');
    const scaledDown = { file: production.file, text: production.text.replace('idleReplicas: 3', 'idleReplicas: 0') };
    expect(rollback(scaledDown).warnings).toEqual([
      "environments/production.yaml: release.idleReplicas: green is scaled to no pods (got 0); the rollback is not instant: nothing serves until green's pods have started and are ready after the sync. Keep idleReplicas above 0 for an instant rollback",
    ]);
    // without idleReplicas the idle colour keeps the active one's replicas (BlueGreenService), so the rollback is instant
    const fullSize = { file: production.file, text: production.text.replace(/^ {2}# Keep the idle.*\n {2}idleReplicas: 3\n/m, '') };
    expect(fullSize.text).not.toContain('idleReplicas');
    expect(rollback(fullSize).warnings).toEqual([]);
  });

  test('fails on an environment that is not blue-green', () => {
    expect(problems(() => rollback(real('dev')))).toEqual([
      'environments/dev.yaml: release.strategy: rollback needs a blue-green release (got "rolling"); release ' +
        'a new tag with eaf-cdk8s release <environment> <component> <tag> instead, or set release.strategy: blue-green',
    ]);
    expect(problems(() => switchColor({ file: 'x.yaml', text: 'components: {}\n' }))[0]).toMatch(
      /^x\.yaml: release\.strategy: switch needs a blue-green release \(got "rolling"\)/,
    );
  });
});

describe('switchColor in two steps (the idle colour runs fewer pods)', () => {
  test('staging: step 1 adds release.switchTo under activeColor, step 2 flips activeColor and removes it, nothing else', () => {
    // GIVEN staging, whose idle colour blue runs 1 pod (idleReplicas: 1) and each component 2
    const staging = real('staging');
    // WHEN the switch is made
    const scale = switchColor(staging);
    // THEN step 1 only adds the line: blue runs at full size, the Services stay on green
    expect(scale.text).toBe(staging.text.replace('  activeColor: green\n', '  activeColor: green\n  switchTo: blue\n'));
    expect(scale.changes).toEqual([{ field: 'release.switchTo', from: undefined, to: 'blue' }]);
    expect(scale.description).toBe(
      "environments/staging.yaml: release.switchTo: (not set) -> blue (switch (step 1 of 2): blue runs at full size beside green, and the Services stay on green; once blue's Deployments are ready (oc rollout status deployment/<component>-blue), run eaf-cdk8s switch again to move them)",
    );
    expect(scale.warnings).toEqual([]);
    // WHEN it is run again: THEN step 2 moves the Services and removes switchTo, leaving the file as a one-step flip would
    const route = switchColor({ file: staging.file, text: scale.text });
    expect(route.text).toBe(staging.text.replace('  activeColor: green', '  activeColor: blue'));
    expect(route.changes).toEqual([
      { field: 'release.activeColor', from: 'green', to: 'blue' },
      { field: 'release.switchTo', from: 'blue', to: undefined },
    ]);
    expect(route.description).toMatch(
      /^environments\/staging\.yaml: release\.activeColor: green -> blue, release\.switchTo: blue -> \(removed\) \(switch \(step 2 of 2\)/,
    );
    expect(route.warnings).toEqual([]);
    // and step 1 made again changes nothing
    expect(switchColor({ file: staging.file, text: scale.text }, { step: 'scale' }).changes).toEqual([]);
  });

  test('edits a flow-map release in place: inserts ", switchTo: green" and removes it again', () => {
    const text =
      'release: { strategy: blue-green, activeColor: blue, idleReplicas: 0 }  # keep\ncomponents:\n  api: { ' +
      'tags: { blue: 1.0.0, green: 1.1.0 }, replicas: 2 }\n';
    const scale = switchColor({ file: 'f.yaml', text });
    expect(scale.text).toBe(text.replace('activeColor: blue,', 'activeColor: blue, switchTo: green,'));
    expect(scale.warnings).toEqual([]);
    const route = switchColor({ file: 'f.yaml', text: scale.text });
    expect(route.text).toBe(text.replace('activeColor: blue', 'activeColor: green'));
    expect(route.warnings).toEqual([]);
  });

  test('rollback in the middle of a switch cancels it: switchTo goes, activeColor stays', () => {
    const staging = real('staging');
    const scale = switchColor(staging);
    const cancel = rollback({ file: staging.file, text: scale.text });
    expect(cancel.text).toBe(staging.text);
    expect(cancel.description).toBe(
      'environments/staging.yaml: release.switchTo: blue -> (removed) (rollback: the switch to blue is cancelled; ' +
        'the Services never left green, and blue shrinks back to release.idleReplicas)',
    );
  });

  test('one step when the idle colour keeps the full size; --step scale then has nothing to do', () => {
    const production = real('production');
    expect(switchColor(production).changes).toEqual([{ field: 'release.activeColor', from: 'blue', to: 'green' }]);
    const scale = switchColor(production, { step: 'scale' });
    expect(scale.changes).toEqual([]);
    expect(scale.text).toBe(production.text);
    expect(scale.description).toBe(
      "environments/production.yaml: green runs at full size already (release.idleReplicas is not below any component's replicas); nothing to scale, run eaf-cdk8s switch to move the Services",
    );
  });

  test('--step route from a smaller idle colour flips in one change and warns that only Argo CD orders it', () => {
    const staging = real('staging');
    const route = switchColor(staging, { step: 'route' });
    expect(route.changes).toEqual([{ field: 'release.activeColor', from: 'green', to: 'blue' }]);
    expect(route.warnings).toEqual([
      'environments/staging.yaml: release.switchTo: blue grows from release.idleReplicas in the same change that moves the Services (got nothing); ' +
        "Argo CD's sync waves grow it, and wait for it to be ready, first, but a plain oc apply does not: there, switch in two steps instead " +
        '(eaf-cdk8s switch --step scale, apply, wait until it is ready, then eaf-cdk8s switch)',
    ]);
  });

  test('a component without replicas in the file counts as bigger than the idle colour', () => {
    const text =
      'release:\n  strategy: blue-green\n  activeColor: blue\n  idleReplicas: 1\ncomponents:\n  api:\n    tags: { blue: 1.0.0, green: 1.1.0 }\n';
    expect(switchColor({ file: 'f.yaml', text }).changes).toEqual([{ field: 'release.switchTo', from: undefined, to: 'green' }]);
  });

  test('fails when switchTo is not the idle colour, and on --step scale with Argo Rollouts', () => {
    const staging = real('staging');
    const wrong = { file: staging.file, text: staging.text.replace('  activeColor: green\n', '  activeColor: green\n  switchTo: green\n') };
    expect(problems(() => switchColor(wrong))).toEqual([
      'environments/staging.yaml: release.switchTo: must be the idle colour blue, as release.activeColor is ' +
        'green (got "green"); remove switchTo, then run eaf-cdk8s switch again',
    ]);
    const rollouts = {
      file: 'p.yaml',
      text:
        'release:\n  strategy: blue-green\n  activeColor: blue\n  idleReplicas: 0\n  engine: argo-rollouts\ncomponents:\n ' +
        ' api:\n    tags: { blue: 1.4.2, green: 1.5.0 }\n',
    };
    expect(problems(() => switchColor(rollouts, { step: 'scale' }))).toEqual([
      'p.yaml: release.engine: switch --step scale is for blue-green Deployments (got "argo-rollouts"); run ' +
        'eaf-cdk8s switch without --step: Argo Rollouts scales and promotes the new version itself',
    ]);
    // without --step the Rollouts engine switches in one step, as before
    expect(switchColor(rollouts).changes).toEqual([{ field: 'release.activeColor', from: 'blue', to: 'green' }]);
  });
});

describe('promote', () => {
  test("copies what the source runs onto the target's idle colour, changing only those lines", () => {
    // GIVEN staging running green (1.5.0) after a rollback to blue, i.e. running 1.4.2; and production idle green
    const staging = real('staging');
    const production = real('production');
    const runningOld = { file: staging.file, text: rollback(staging).text };
    // WHEN what staging runs is promoted to production
    const edit = promote(runningOld, production);
    // THEN production's idle colour gets 1.4.2 for both components
    expect(changedLines(production.text, edit.text)).toEqual([
      ['    tags: { blue: 1.4.2, green: 1.5.0 }', '    tags: { blue: 1.4.2, green: 1.4.2 }'],
      ['    tags: { blue: 1.4.2, green: 1.5.0 }', '    tags: { blue: 1.4.2, green: 1.4.2 }'],
    ]);
    expect(edit.description).toBe(
      'environments/production.yaml: components.api.tags.green: 1.5.0 -> 1.4.2, components.frontend.tags.green: ' +
        '1.5.0 -> 1.4.2 (promote: what environments/staging.yaml runs (api 1.4.2, frontend 1.4.2), onto the idle ' +
        'colour green)',
    );
  });

  test('copies onto tag when the target rolls, and from tag when the source rolls', () => {
    const dev = real('dev');
    const toDev = promote(real('production'), dev, { allowDowngrade: true });
    expect(changedLines(dev.text, toDev.text)).toEqual([
      ['    tag: 1.5.0', '    tag: 1.4.2'],
      ['    tag: 1.5.0', '    tag: 1.4.2'],
    ]);
    const fromNewDev = { file: dev.file, text: releaseTag(dev, 'api', '1.7.0').text };
    expect(promote(fromNewDev, real('staging')).changes).toEqual([
      { field: 'components.api.tags.blue', from: '1.4.2', to: '1.7.0' },
      { field: 'components.frontend.tags.blue', from: '1.4.2', to: '1.5.0' },
    ]);
  });

  test('refuses to move a component back to an older release unless told to, naming both files and versions', () => {
    // GIVEN production runs 1.4.2 and dev runs 1.5.0
    // WHEN production is promoted to dev
    // THEN each component is refused, naming what dev runs and what it would get
    expect(problems(() => promote(real('production'), real('dev')))).toEqual(
      ['api', 'frontend'].map(
        (c) =>
          `environments/dev.yaml: components.${c}.tag: would move ${c} back from 1.5.0, which environments/dev.yaml runs, ` +
          'to 1.4.2, which environments/production.yaml runs (got "1.4.2"); ' +
          'promote from an environment that runs a newer release, or pass --allow-downgrade to go back on purpose',
      ),
    );
    // AND tags that are not versions say nothing about order, so they pass
    const digest = `sha256:${'a'.repeat(64)}`;
    const pinned = { file: 'src.yaml', text: `components:\n  api: { tag: "${digest}" }\n  frontend: { tag: build-417 }\n` };
    expect(promote(pinned, real('dev')).changes.map((c) => c.to)).toEqual([digest, 'build-417']);
  });

  test('fails when the target lacks a component the source runs, or the source runs no valid tag', () => {
    const target = { file: 'qa.yaml', text: 'components:\n  api: { tag: 1.0.0 }\n' };
    expect(problems(() => promote(real('staging'), target))).toEqual([
      'qa.yaml: components.frontend: is missing, but environments/staging.yaml runs it (got nothing); add the ' +
        'component to qa.yaml, or promote by component with eaf-cdk8s release',
    ]);
    expect(problems(() => promote({ file: 'src.yaml', text: 'components:\n  api: { replicas: 1 }\n' }, target))).toEqual([
      'src.yaml: components.api.tag: is not an image tag or digest (got nothing); set the tag the environment runs, e.g. 1.4.2',
    ]);
  });
});

describe('runningTags', () => {
  test("is the active colour's tag in blue-green, else tag", () => {
    expect(runningTags(real('production'))).toEqual({ api: '1.4.2', frontend: '1.4.2' });
    expect(runningTags(real('staging'))).toEqual({ api: '1.5.0', frontend: '1.5.0' });
    expect(runningTags(real('dev'))).toEqual({ api: '1.5.0', frontend: '1.5.0' });
  });

  test('fails on a file without components', () => {
    expect(problems(() => runningTags({ file: 'x.yaml', text: 'release: { strategy: rolling }\n' }))).toEqual([
      'x.yaml: components: holds no component (got nothing); give each component its tag',
    ]);
  });
});

describe('switch and rollback with the Argo Rollouts engine', () => {
  const text =
    'release:\n  strategy: blue-green\n  activeColor: blue\n  idleReplicas: 0\n  engine: argo-rollouts\ncomponents:\n ' +
    ' api:\n    tags: { blue: 1.4.2, green: 1.5.0 }\n';
  test('flips the tag the Rollout runs, without the idle-colour warning (the previous version runs for the scale-down delay)', () => {
    const result = rollback({ file: 'environments/production.yaml', text });
    expect(result.text).toBe(text.replace('activeColor: blue', 'activeColor: green'));
    expect(result.warnings).toEqual([]);
    expect(result.description).toBe(
      "environments/production.yaml: release.activeColor: blue -> green (rollback: the Rollouts run green's tags (api 1.5.0): Argo Rollouts previews and analyses them before promoting)",
    );
  });
});
