import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from '../../lib/program/cli';
import { gitIn, testIo } from './cli-io';
import { parseAllDocuments } from 'yaml';
import { openJournal } from '../../lib/program/commands/release-journal';
import { acquireLock } from '../../lib/program/output-writer';
import { switchColor } from '../../lib/program/release';
import { readTree } from '../tree';

const REPO = path.join(__dirname, '..', '..');

describe('eaf-cdk8s release commands', () => {
  let tmp: string;
  let lines: string[];
  let outs: string[];
  const io = () => testIo(tmp, lines, outs);
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-release-'));
    lines = [];
    outs = [];
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  describe('release, switch, rollback, promote, diff', () => {
    // DVMM as a product folder of its own: main.ts (importing this repository's library), environments/ and realms/
    // (the CLI checks custom resources against io.crdDirectory, this repository's crds/). Synthesised once; each test
    // works on a copy in its own folder.
    let product: string;
    beforeAll(() => {
      product = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-dvmm-'));
      for (const folder of ['environments', 'realms']) fs.cpSync(path.join(REPO, folder), path.join(product, folder), { recursive: true });
      const main = fs.readFileSync(path.join(REPO, 'main.ts'), 'utf8');
      const copy = main.replace("from './lib'", `from ${JSON.stringify(path.join(REPO, 'lib'))}`);
      expect(copy.match(new RegExp(REPO.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'g'))).toHaveLength(1);
      fs.writeFileSync(path.join(product, 'main.ts'), copy);
      const log: string[] = [];
      const code = runCli(['synth', '--dir', product], {
        log: (line) => log.push(line),
        cwd: product,
        env: {},
        crdDirectory: path.join(REPO, 'crds'),
        version: '0.2.0',
      });
      if (code !== 0) throw new Error(log.join('\n'));
    });
    afterAll(() => fs.rmSync(product, { recursive: true, force: true }));
    /** A copy of the synthesised DVMM folder at <tmp>/dvmm. */
    const dvmm = () => {
      fs.cpSync(product, path.join(tmp, 'dvmm'), { recursive: true });
      return path.join(tmp, 'dvmm');
    };

    test("rollback production flips the active colour, re-synthesises through the gate, and the diff shows only the Services' selectors", () => {
      // GIVEN DVMM's production with blue active
      const dir = dvmm();
      const file = path.join(dir, 'environments', 'production.yaml');
      const text = fs.readFileSync(file, 'utf8');
      expect(text).toContain('  activeColor: blue\n');
      // WHEN
      expect(runCli(['rollback', 'production', '--dir', 'dvmm'], io())).toBe(0);
      // THEN the file changed in that one line
      expect(fs.readFileSync(file, 'utf8')).toBe(text.replace('  activeColor: blue\n', '  activeColor: green\n'));
      expect(lines).toContain(
        `rollback: ${file}: release.activeColor: blue -> green (rollback: traffic goes back to green (api 1.5.0, ` +
          `frontend 1.5.0); blue becomes the idle colour)`,
      );
      // THEN every environment was written through the gate
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^wrote \\d+ files for 3 environments to ${path.join(dir, 'dist')}: `)));
      // THEN the diff printed is the Services' selectors (the four live ones and the switch gate's two), nothing else
      expect(outs).toEqual([
        [
          '### Manifest diff of dvmm/dist (rollback production): 6 changed, 0 added, 0 removed',
          '',
          '**Changed**',
          '',
          '- `production: Service/dvmm-production/api`',
          '  - `spec.selector["eaf.io/color"]`: `"blue"` → `"green"`',
          '- `production: Service/dvmm-production/api-next`',
          '  - `spec.selector["eaf.io/color"]`: `"blue"` → `"green"`',
          '- `production: Service/dvmm-production/api-preview`',
          '  - `spec.selector["eaf.io/color"]`: `"green"` → `"blue"`',
          '- `production: Service/dvmm-production/frontend`',
          '  - `spec.selector["eaf.io/color"]`: `"blue"` → `"green"`',
          '- `production: Service/dvmm-production/frontend-next`',
          '  - `spec.selector["eaf.io/color"]`: `"blue"` → `"green"`',
          '- `production: Service/dvmm-production/frontend-preview`',
          '  - `spec.selector["eaf.io/color"]`: `"green"` → `"blue"`',
          '',
        ].join('\n'),
      ]);
      expect(fs.readFileSync(path.join(dir, 'dist', 'production', 'dvmm.k8s.yaml'), 'utf8')).not.toBe(
        fs.readFileSync(path.join(product, 'dist', 'production', 'dvmm.k8s.yaml'), 'utf8'),
      );
    });

    test('fails while another release command holds the environments folder, changing nothing', () => {
      // GIVEN another run editing DVMM's environments (its lock, held by a live process)
      const dir = dvmm();
      const environments = path.join(dir, 'environments');
      const unlock = acquireLock(environments, 1000, () => undefined);
      const owner = JSON.parse(fs.readFileSync(path.join(dir, '.environments.lock.owner'), 'utf8'));
      const file = path.join(environments, 'production.yaml');
      const bytes = fs.readFileSync(file);
      try {
        // WHEN a second one runs
        expect(runCli(['rollback', 'production', '--dir', 'dvmm'], { ...io(), lockTimeoutMs: 300 })).toBe(1);
      } finally {
        unlock();
      }
      // THEN it waited, gave up with the lock's name, and changed nothing
      expect(lines).toContain(
        `lock: waiting for another run (process ${process.pid} on ${os.hostname()}, since ${owner.since}) to finish writing ${environments}`,
      );
      expect(lines[lines.length - 1]).toMatch(
        new RegExp(
          `^error: ${environments.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is being written by another run .* which did not finish within 0.3 s`,
        ),
      );
      expect(fs.readFileSync(file).equals(bytes)).toBe(true);
      // THEN once it is free, the command runs
      expect(runCli(['rollback', 'production', '--dir', 'dvmm'], io())).toBe(0);
    });

    test('fails when the re-synthesis fails, and leaves the environment file byte for byte and dist as they were', () => {
      // GIVEN a release of a moving tag, which the tag format allows and production's gate refuses
      const dir = dvmm();
      const file = path.join(dir, 'environments', 'production.yaml');
      const bytes = fs.readFileSync(file);
      const dist = readTree(path.join(dir, 'dist'));
      // WHEN
      expect(runCli(['release', 'production', 'api', 'latest', '--dir', 'dvmm'], io())).toBe(1);
      // THEN every problem is printed, the file is restored and the output untouched
      expect(lines).toContain(
        `  ${file}: components.api.tags.green: is a moving tag (got "latest"); pin an immutable version such as 1.4.2, or a sha256 digest`,
      );
      expect(lines[lines.length - 1]).toBe(`release: restored ${file} as it was; nothing was changed`);
      expect(fs.readFileSync(file).equals(bytes)).toBe(true);
      expect(readTree(path.join(dir, 'dist'))).toEqual(dist);
      expect(fs.readdirSync(path.join(dir, 'environments')).sort()).toEqual(['dev.yaml', 'production.yaml', 'staging.yaml']);
      expect(outs).toEqual([]);
    });

    test('fail on bad input with exit code 1 and on wrong arguments with 2, changing nothing', () => {
      const dir = dvmm();
      const envs = readTree(path.join(dir, 'environments'));
      expect(runCli(['release', 'qa', 'api', '1.6.0', '--dir', 'dvmm'], io())).toBe(1);
      expect(lines).toContain(
        `error: ${path.join(dir, 'environments', 'qa.yaml')}: there is no environment qa (got "qa"); use one of: dev, production, staging`,
      );
      lines = [];
      expect(runCli(['release', 'production', 'web', '1.6.0', '--dir', 'dvmm'], io())).toBe(1);
      expect(lines.slice(1)).toEqual([
        `error: ${path.join(dir, 'environments', 'production.yaml')}: components.web: is not a component of this ` +
          `environment (got "web"); use one of: api, frontend`,
        'release: nothing was changed',
      ]);
      lines = [];
      expect(runCli(['switch', 'dev', '--dir', 'dvmm'], io())).toBe(1);
      expect(lines[1]).toMatch(/^error: .*dev\.yaml: release\.strategy: switch needs a blue-green release \(got "rolling"\)/);
      lines = [];
      expect(runCli(['release', '../production', 'api', '1.6.0', '--dir', 'dvmm'], io())).toBe(1);
      expect(lines[1]).toBe('error: "../production" is not an environment name; use one of: dev, production, staging');
      expect(runCli(['release', 'production', 'api', '--dir', 'dvmm'], io())).toBe(2);
      expect(runCli(['promote', 'staging', 'staging', '--dir', 'dvmm'], io())).toBe(2);
      expect(runCli(['rollback', '--dir', 'dvmm'], io())).toBe(2);
      expect(readTree(path.join(dir, 'environments'))).toEqual(envs);
      expect(outs).toEqual([]);
    });

    test('promote puts what one environment runs on another, and the diff shows the images that change', () => {
      const dir = dvmm();
      // production runs 1.4.2, dev 1.5.0: moving dev back is refused unless asked for, and the file stays
      const devFile = path.join(dir, 'environments', 'dev.yaml');
      const devBefore = fs.readFileSync(devFile, 'utf8');
      expect(runCli(['promote', 'production', 'dev', '--dir', 'dvmm'], io())).toBe(1);
      expect(lines.join('\n')).toContain(`${devFile}: components.api.tag: would move api back from 1.5.0`);
      expect(fs.readFileSync(devFile, 'utf8')).toBe(devBefore);
      lines.length = 0;
      outs.length = 0;
      expect(runCli(['promote', 'production', 'dev', '--allow-downgrade', '--dir', 'dvmm'], io())).toBe(0);
      expect(lines).toContain(
        `promote: ${path.join(dir, 'environments', 'dev.yaml')}: components.api.tag: 1.5.0 -> 1.4.2, components.frontend.tag: ` +
          `1.5.0 -> 1.4.2 (promote: what ${path.join(dir, 'environments', 'production.yaml')} runs (api 1.4.2, ` +
          `frontend 1.4.2), as the tags of a rolling release)`,
      );
      expect(outs).toEqual([
        [
          '### Manifest diff of dvmm/dist (promote dev): 2 changed, 0 added, 0 removed',
          '',
          '**Changed**',
          '',
          '- `dev: Deployment/dvmm-dev/api`',
          '  - `spec.template.spec.containers[name=api].image`: ' +
            '`"registry.eaf.example.com/dvmm/api:1.5.0"` → `"registry.eaf.example.com/dvmm/api:1.4.2"`',
          '- `dev: Deployment/dvmm-dev/frontend`',
          '  - `spec.template.spec.containers[name=frontend].image`: `"registry.eaf.example.com/dvmm/frontend:1.5.0"` ' +
            '→ `"registry.eaf.example.com/dvmm/frontend:1.4.2"`',
          '',
        ].join('\n'),
      ]);
    });

    test('switch staging in two steps: step 1 grows the idle colour in dist/, step 2 moves the Services and shrinks the old one', () => {
      // GIVEN DVMM's staging: green active with 2 pods per component, blue idle with 1
      const dir = dvmm();
      const file = path.join(dir, 'environments', 'staging.yaml');
      const text = fs.readFileSync(file, 'utf8');
      const objects = () => parseAllDocuments(fs.readFileSync(path.join(dir, 'dist', 'staging', 'dvmm.k8s.yaml'), 'utf8')).map((d) => d.toJS());
      const state = () => {
        const o = objects();
        return {
          blue: o.find((d) => d.kind === 'Deployment' && d.metadata.name === 'api-blue').spec.replicas,
          green: o.find((d) => d.kind === 'Deployment' && d.metadata.name === 'api-green').spec.replicas,
          service: o.find((d) => d.kind === 'Service' && d.metadata.name === 'api').spec.selector['eaf.io/color'],
        };
      };
      expect(state()).toEqual({ blue: 1, green: 2, service: 'green' });
      // WHEN switch runs once: THEN blue runs at full size, the Service stays on green
      expect(runCli(['switch', 'staging', '--dir', 'dvmm'], io())).toBe(0);
      expect(fs.readFileSync(file, 'utf8')).toBe(text.replace('  activeColor: green\n', '  activeColor: green\n  switchTo: blue\n'));
      expect(state()).toEqual({ blue: 2, green: 2, service: 'green' });
      // WHEN it runs again: THEN the Service moves to blue, and green shrinks to idleReplicas
      expect(runCli(['switch', 'staging', '--dir', 'dvmm'], io())).toBe(0);
      expect(fs.readFileSync(file, 'utf8')).toBe(text.replace('  activeColor: green\n', '  activeColor: blue\n'));
      expect(state()).toEqual({ blue: 2, green: 1, service: 'blue' });
      expect(fs.existsSync(path.join(dir, 'environments', '.release-journal.json'))).toBe(false);
    });

    test('fails on an unknown --step, naming the two', () => {
      expect(runCli(['switch', 'staging', '--step', 'both', '--dir', dvmm()], io())).toBe(2);
      expect(lines.join('\n')).toContain('--step is scale (grow the idle colour) or route (move the Services) (got "both")');
    });

    test('a switch killed after it wrote the file (dist/ old) is completed by the next switch, which does not switch again', () => {
      // GIVEN what a SIGKILL during the synthesis leaves: the journal, the file edited (step 1), dist/ as before
      const dir = dvmm();
      const environments = path.join(dir, 'environments');
      const file = path.join(environments, 'staging.yaml');
      const before = fs.readFileSync(file, 'utf8');
      const after = switchColor({ file, text: before }).text;
      const distBefore = fs.readFileSync(path.join(dir, 'dist', 'staging', 'dvmm.k8s.yaml'), 'utf8');
      openJournal(environments, { command: 'switch', environment: 'staging', file, before, after });
      fs.writeFileSync(file, after);
      // WHEN the operator runs switch again
      expect(runCli(['switch', 'staging', '--dir', 'dvmm'], io())).toBe(0);
      // THEN the interrupted step is completed (dist/ follows the file) and no second step is made
      expect(lines).toContain(`recovered: an interrupted switch of staging wrote ${file} but the output may not follow it; re-synthesising from it`);
      expect(lines).toContain('switch: the interrupted switch of staging is complete now; not making another (run switch again for the next one)');
      expect(fs.readFileSync(file, 'utf8')).toBe(after);
      expect(fs.readFileSync(path.join(dir, 'dist', 'staging', 'dvmm.k8s.yaml'), 'utf8')).not.toBe(distBefore);
      expect(fs.existsSync(path.join(environments, '.release-journal.json'))).toBe(false);
    });

    test('a journal whose command never changed the file is dropped, and the command runs; a file changed since is refused', () => {
      const dir = dvmm();
      const environments = path.join(dir, 'environments');
      const file = path.join(environments, 'production.yaml');
      const text = fs.readFileSync(file, 'utf8');
      openJournal(environments, { command: 'rollback', environment: 'production', file, before: text, after: 'x' });
      expect(runCli(['rollback', 'production', '--dir', 'dvmm'], io())).toBe(0);
      expect(lines).toContain('recovered: an interrupted rollback of production had not changed ' + file + '; nothing to complete');
      expect(fs.readFileSync(file, 'utf8')).toContain('  activeColor: green\n');
      // GIVEN a record of neither text
      openJournal(environments, { command: 'rollback', environment: 'production', file, before: 'a', after: 'b' });
      expect(runCli(['rollback', 'production', '--dir', 'dvmm'], io())).toBe(1);
      expect(lines.join('\n')).toContain(
        `${path.join(environments, '.release-journal.json')}: records an interrupted rollback of production, but ${file} changed since`,
      );
    });

    test('switch keeps its edit and the new output when the old output cannot be read for the diff, and says so', () => {
      const dir = dvmm();
      fs.appendFileSync(path.join(dir, 'dist', 'production', 'dvmm.k8s.yaml'), '\nkind: [\n');
      expect(runCli(['switch', 'production', '--dir', 'dvmm'], io())).toBe(0);
      expect(fs.readFileSync(path.join(dir, 'environments', 'production.yaml'), 'utf8')).toContain('  activeColor: green\n');
      expect(lines[lines.length - 1]).toMatch(
        new RegExp(
          `^warning: switch: .*production\\.yaml and .*dist are updated, but there is no diff: .*dvmm\\.k8s\\.yaml: ` +
            `YAML error: .+ at line \\d+, column \\d+; fix the YAML syntax$`,
        ),
      );
      expect(outs).toEqual([]);
    });

    test("promote changes nothing when the target's idle colour already has what the source runs", () => {
      const dir = dvmm();
      const envs = readTree(path.join(dir, 'environments'));
      expect(runCli(['promote', 'staging', 'production', '--dir', 'dvmm'], io())).toBe(0);
      expect(lines[lines.length - 1]).toBe(
        `promote: nothing to change; ${path.join(dir, 'environments', 'production.yaml')} and ${path.join(dir, 'dist')} are as they were`,
      );
      expect(readTree(path.join(dir, 'environments'))).toEqual(envs);
    });

    test('diff --base HEAD prints the objects changed and added in dist since the commit, as Markdown', () => {
      // GIVEN DVMM committed with its output in a git repository
      const dir = dvmm();
      const git = gitIn(dir);
      git('init', '-q');
      git('add', '-A');
      git('commit', '-qm', 'DVMM');
      expect(runCli(['diff', '--dir', 'dvmm'], io())).toBe(0);
      expect(outs).toEqual(['### Manifest diff of dvmm/dist against HEAD: no changes\n\nEvery object of every environment is as it was.\n']);
      // WHEN a release changes staging's idle Deployment, and a folder of hand-written manifests joins dist
      outs = [];
      expect(runCli(['release', 'staging', 'api', '1.6.0', '--dir', 'dvmm'], io())).toBe(0);
      fs.mkdirSync(path.join(dir, 'dist', 'extra'));
      fs.writeFileSync(
        path.join(dir, 'dist', 'extra', 'notes.yaml'),
        'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: notes, namespace: tools }\ndata: { a: b }\n',
      );
      outs = [];
      lines = [];
      expect(runCli(['diff', '--base', 'HEAD', '--dir', 'dvmm'], io())).toBe(0);
      // THEN
      expect(lines).toEqual([expect.stringMatching(/^diff: dvmm\/dist against HEAD \([0-9a-f]{12}\)$/)]);
      expect(outs).toEqual([
        [
          '### Manifest diff of dvmm/dist against HEAD: 1 changed, 1 added, 0 removed',
          '',
          '**Changed**',
          '',
          '- `staging: Deployment/dvmm-staging/api-blue`',
          '  - `spec.template.spec.containers[name=api].image`: ' +
            '`"registry.eaf.example.com/dvmm/api:1.4.2"` → `"registry.eaf.example.com/dvmm/api:1.6.0"`',
          '',
          '**Added**',
          '',
          '- `extra: ConfigMap/tools/notes`',
          '',
        ].join('\n'),
      ]);
      // AND a ref that is no commit, or a folder outside git, is bad input
      lines = [];
      expect(runCli(['diff', '--base', 'no-such-ref', '--dir', 'dvmm'], io())).toBe(1);
      expect(lines).toEqual([
        `error: --base: is not a commit of ${fs.realpathSync(dir)} (got "no-such-ref"); give a branch, tag or commit, e.g. HEAD or origin/main`,
      ]);
      expect(runCli(['diff', '--base', '--help=x'], io())).toBe(2);
    });

    test('diff fails outside a git repository', () => {
      fs.mkdirSync(path.join(tmp, 'plain', 'dist', 'dev'), { recursive: true });
      expect(runCli(['diff', '--dir', 'plain'], io())).toBe(1);
      expect(lines).toEqual([
        `error: ${path.join(tmp, 'plain')} is not inside a git repository; run diff in the product's repository, or give --dir`,
      ]);
    });
  });
});
