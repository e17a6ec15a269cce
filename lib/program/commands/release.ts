import * as fs from 'fs';
import * as path from 'path';
import { describeValue } from '../../core/errors';
import { ENVIRONMENT_NAME } from '../../core/formats';
import { formatManifestDiff } from '../manifest-diff';
import { acquireLock, DEFAULT_LOCK_TIMEOUT_MS } from '../output-writer';
import { EnvironmentEdit, EnvironmentText, promote, releaseTag, rollback, switchColor, SwitchStep } from '../release';
import { finishJournal, openJournal, recoverJournal } from './release-journal';
import { CliIo, Command, CommandValues, InputError, UsageError } from './command';
import { diffOutputs, outputTexts } from './outputs';
import { loadProgram, ProductProgram, synthesize } from './program';

/** The release commands: each edits one environment file, re-synthesises every environment and prints the diff. */

/** `eaf-cdk8s release`. */
export const RELEASE: Command = {
  summary: 'put an image tag on the idle colour of an environment (its tag when it rolls), re-synthesise, print the diff',
  usage: 'eaf-cdk8s release <environment> <component> <tag> [--dir <product folder>]',
  help: [
    'Edits <folder>/environments/<environment>.yaml: in a blue-green environment components.<component>.tags.<idle>,',
    'idle being the colour that is not release.activeColor (the live Service is untouched until switch); in a rolling',
    'one components.<component>.tag. Only that value changes in the file: comments and layout stay as they were.',
    'Then it synthesises every environment through the gate, as synth does, and prints the object-level diff of the',
    'output (before and after, as Markdown, on stdout). If the synthesis fails, the file is restored byte for byte,',
    'the output is left as it was, and every problem is printed (exit 1).',
  ].join('\n'),
  options: { dir: { type: 'string' } },
  run: ({ values, positionals }, io) => {
    if (positionals.length !== 3) throw new UsageError('release takes an environment, a component and a tag');
    const [environment, component, tag] = positionals;
    return editEnvironment('release', values, io, environment, (target) => releaseTag(target, component, tag));
  },
};

/** `eaf-cdk8s switch`. */
export const SWITCH: Command = {
  summary: "move a blue-green environment's traffic to the other colour, re-synthesise, print the diff",
  usage: 'eaf-cdk8s switch <environment> [--step scale|route] [--dir <product folder>]',
  help: [
    'Moves the Services of <folder>/environments/<environment>.yaml to the other colour, which should run the released',
    'tag (smoke-test it through the <name>-preview Services first), without leaving them short of pods. When the idle',
    'colour runs fewer pods (release.idleReplicas), in two steps, each applied on its own:',
    '  1. scale: sets release.switchTo: <idle colour>, which then runs at full size; the Services stay;',
    '  2. route: once its Deployments are ready, flips release.activeColor and removes switchTo: the Services move,',
    '     the old colour shrinks to idleReplicas.',
    'Without --step it makes the next one (route alone when the idle colour is at full size). With Argo CD, --step route',
    'alone is safe too: the sync waves grow the colour, and wait for it, before the Services move. Warns when that colour',
    'is scaled to no pods. Re-synthesises and prints the diff as release does; a failed synthesis restores the file.',
    'Refuses an environment that is not blue-green.',
  ].join('\n'),
  options: { dir: { type: 'string' }, step: { type: 'string' } },
  run: ({ values, positionals }, io) => {
    if (positionals.length !== 1) throw new UsageError('switch takes exactly one environment');
    const step = values.step;
    if (step !== undefined && step !== 'scale' && step !== 'route')
      throw new UsageError(`--step is scale (grow the idle colour) or route (move the Services) (got ${describeValue(step)})`);
    return editEnvironment('switch', values, io, positionals[0], (target) => switchColor(target, { step: step as SwitchStep | undefined }));
  },
};

/** `eaf-cdk8s rollback`. */
export const ROLLBACK: Command = {
  summary: "move a blue-green environment's traffic back to the colour that ran before, re-synthesise, print the diff",
  usage: 'eaf-cdk8s rollback <environment> [--dir <product folder>]',
  help: [
    'The same edit as switch --step route (release.activeColor flips), worded as a rollback: the previous colour still',
    'runs the previous release, so traffic moves back at the next sync. In the middle of a two-step switch',
    '(release.switchTo set) it cancels the switch: switchTo goes, and the Services never moved. When release.idleReplicas',
    'is 0 that colour runs no pods and the rollback is not instant: it warns. Re-synthesises and prints the diff; a failed',
    'synthesis restores the file. Refuses an environment that is not blue-green.',
  ].join('\n'),
  options: { dir: { type: 'string' } },
  run: ({ values, positionals }, io) => {
    if (positionals.length !== 1) throw new UsageError('rollback takes exactly one environment');
    return editEnvironment('rollback', values, io, positionals[0], rollback);
  },
};

/** `eaf-cdk8s promote`. */
export const PROMOTE: Command = {
  summary: 'put the tags one environment runs on the idle colour of another (its tags when it rolls), re-synthesise, print the diff',
  usage: 'eaf-cdk8s promote <from-environment> <to-environment> [--allow-downgrade] [--dir <product folder>]',
  help: [
    "Reads the tag each component runs in <from-environment> (the active colour's, or its tag when it rolls) and",
    "writes it where <to-environment>'s next release goes: components.<component>.tags.<idle>, or",
    'components.<component>.tag when it rolls. Only those values change in the file. Re-synthesises and prints the',
    'diff as release does; a failed synthesis restores the file.',
    'A tag older than the one <to-environment> runs (both semantic versions) is refused unless --allow-downgrade.',
  ].join('\n'),
  options: { dir: { type: 'string' }, 'allow-downgrade': { type: 'boolean' } },
  run: ({ values, positionals }, io) => {
    if (positionals.length !== 2) throw new UsageError('promote takes two environments: the one to copy from and the one to release to');
    const [from, to] = positionals;
    if (from === to) throw new UsageError(`promote copies between two environments (got ${from} twice)`);
    const allowDowngrade = values['allow-downgrade'] === true;
    return editEnvironment('promote', values, io, to, (target, read) => promote(read(from), target, { allowDowngrade }));
  },
};

/**
 * The release commands: edits one environment file (`change` gets its text, and reads any other environment),
 * re-synthesises every environment and prints the manifest diff of the output before and after. When the
 * synthesis fails, the file gets back its exact bytes (the output was never replaced) and the exit code is 1.
 */
function editEnvironment(
  command: string,
  values: CommandValues,
  io: CliIo,
  environment: string,
  change: (target: EnvironmentText, read: (name: string) => EnvironmentText) => EnvironmentEdit,
): number {
  const program = loadProgram(command, values, io);
  // One release command at a time per environments folder: read, edit, synthesise and restore are one step.
  const unlock = acquireLock(program.environmentsDir, io.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS, io.log);
  try {
    const recovered = recoverJournal(program.environmentsDir, io.log, () => synthesize(program, io));
    if (recovered !== undefined && recovered.command === command && recovered.environment === environment) {
      io.log(`${command}: the interrupted ${command} of ${environment} is complete now; not making another (run ${command} again for the next one)`);
      return recovered.code;
    }
    if (recovered !== undefined && recovered.code !== 0) return recovered.code;
    return editLocked(command, io, program, environment, change);
  } finally {
    unlock();
  }
}

function editLocked(
  command: string,
  io: CliIo,
  program: ProductProgram,
  environment: string,
  change: (target: EnvironmentText, read: (name: string) => EnvironmentText) => EnvironmentEdit,
): number {
  const read = (name: string) => readEnvironmentText(program.environmentsDir, name);
  const original = read(environment);
  const edit = change(original, read);
  io.log(`${command}: ${edit.description}`);
  for (const warning of edit.warnings) io.log(`warning: ${warning}`);
  if (edit.changes.length === 0) {
    io.log(`${command}: nothing to change; ${original.file} and ${program.outdir} are as they were`);
    return 0;
  }
  const before = outputTexts(program.outdir);
  io.log(`${command}: wrote ${original.file}; synthesising ${program.product.name} through the gate into ${program.outdir}`);
  // The journal says what is under way until the output follows the file: a kill in between is completed next time.
  openJournal(program.environmentsDir, { command, environment, file: original.file, before: original.text, after: edit.text });
  replaceFile(original.file, edit.text);
  let code = 1;
  try {
    code = synthesize(program, io);
  } finally {
    if (code !== 0) {
      replaceFile(original.file, original.bytes);
      io.log(`${command}: restored ${original.file} as it was; nothing was changed`);
    }
  }
  finishJournal(program.environmentsDir);
  if (code !== 0) return code;
  const title = `Manifest diff of ${path.relative(io.cwd, program.outdir) || program.outdir} (${command} ${path.basename(original.file, '.yaml')})`;
  let diff: ReturnType<typeof diffOutputs>;
  try {
    diff = diffOutputs(before, outputTexts(program.outdir));
  } catch (e) {
    // the edit and the new output stand; only the old output could not be read (a hand-edited file, say)
    if (!(e instanceof InputError)) throw e;
    io.log(`warning: ${command}: ${original.file} and ${program.outdir} are updated, but there is no diff: ${e.message}`);
    return 0;
  }
  (io.out ?? io.log)(formatManifestDiff(diff, { title }));
  return 0;
}

/** An environment file by name, with its exact bytes; an unknown or malformed name is bad input naming the ones there are. */
function readEnvironmentText(environmentsDir: string, name: string): EnvironmentText & { readonly bytes: Buffer } {
  const file = path.join(environmentsDir, `${name}.yaml`);
  const known = () => {
    const names = fs.existsSync(environmentsDir)
      ? fs
          .readdirSync(environmentsDir)
          .filter((f) => f.endsWith('.yaml') && !f.startsWith('.'))
          .map((f) => f.slice(0, -'.yaml'.length))
          .sort()
      : [];
    return names.length > 0 ? `use one of: ${names.join(', ')}` : `${environmentsDir} holds no environment file; add <name>.yaml`;
  };
  if (!ENVIRONMENT_NAME.test(name)) throw new InputError(`${describeValue(name)} is not an environment name; ${known()}`);
  if (!fs.statSync(file, { throwIfNoEntry: false })?.isFile())
    throw new InputError(`${file}: there is no environment ${name} (got ${describeValue(name)}); ${known()}`);
  const bytes = fs.readFileSync(file);
  return { file, text: bytes.toString('utf8'), bytes };
}

/** Replaces a file's content whole: written beside it (a hidden name, which the environments folder ignores), then renamed, keeping its mode. */
function replaceFile(file: string, content: string | Buffer): void {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(temporary, content);
    fs.chmodSync(temporary, fs.statSync(file).mode & 0o7777);
    fs.renameSync(temporary, file);
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}
