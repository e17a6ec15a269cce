import * as path from 'path';
import { describeValue } from '../../core/errors';
import { formatManifestDiff } from '../manifest-diff';
import { Command, UsageError } from './command';
import { diffOutputs, gitOutputTexts, outputTexts } from './outputs';
import { outputFolder } from './program';

/** `eaf-cdk8s diff`. */
export const DIFF: Command = {
  summary: "compare every environment's manifests with a git ref, object by object, as Markdown for a pull request",
  usage: 'eaf-cdk8s diff [--base <git ref>] [--dir <product folder>]',
  help: [
    'Compares the manifests of every environment folder of the output (<folder>/dist/<env>/*.yaml, and any other',
    'folder of it holding manifests) with the same files at <git ref> (default HEAD): the objects added, removed,',
    'and for each changed object its changed fields with old -> new values, keyed by <env>: <Kind>/<namespace>/<name>.',
    "Long values (a ConfigMap's data) are summarised. The waivers (waive.eaf.io/<rule>) added and removed are listed first,",
    'in a section of their own. Prints Markdown on stdout, in a fixed order; reads git, writes nothing.',
  ].join('\n'),
  options: { base: { type: 'string' }, dir: { type: 'string' } },
  run: ({ values, positionals }, io) => {
    if (positionals.length > 0) throw new UsageError(`diff takes no arguments (got ${positionals.join(' ')})`);
    const base = (values.base as string | undefined) ?? 'HEAD';
    if (base === '' || base.startsWith('-')) throw new UsageError(`--base takes a git ref such as HEAD or origin/main (got ${describeValue(base)})`);
    const dir = path.resolve(io.cwd, (values.dir as string | undefined) ?? '.');
    const outdir = outputFolder(values, io, dir);
    const committed = gitOutputTexts(outdir, dir, base);
    io.log(`diff: ${path.relative(io.cwd, outdir) || outdir} against ${base} (${committed.commit.slice(0, 12)})`);
    (io.out ?? io.log)(
      formatManifestDiff(diffOutputs(committed.texts, outputTexts(outdir)), {
        title: `Manifest diff of ${path.relative(io.cwd, outdir) || outdir} against ${base}`,
      }),
    );
    return 0;
  },
};
