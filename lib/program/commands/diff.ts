import * as path from 'path';
import { describeValue } from '../../core/errors';
import { CLI_JSON_SCHEMA_VERSION, DiffJson, jsonText, objectRef } from '../cli-json';
import { formatManifestDiff, ManifestDiff, ObjectDiff } from '../manifest-diff';
import { clusterDiff } from './cluster-diff';
import { Command, output, progress, UsageError } from './command';
import { diffOutputs, gitOutputTexts, outputTexts } from './outputs';
import { outputFolder } from './program';

/** `eaf-cdk8s diff`. */
export const DIFF: Command = {
  summary: "compare every environment's manifests with a git ref, object by object, as Markdown for a pull request",
  usage:
    'eaf-cdk8s diff [--base <git ref>] [--dir <product folder>] [--json] | diff --cluster <context> [--environment <env>] [--dir <product folder>]',
  help: [
    'Compares the manifests of every environment folder of the output (<folder>/dist/<env>/*.yaml, and any other',
    'folder of it holding manifests) with the same files at <git ref> (default HEAD): the objects added, removed,',
    'and for each changed object its changed fields with old -> new values, keyed by <env>: <Kind>/<namespace>/<name>.',
    "Long values (a ConfigMap's data) are summarised. The waivers (waive.eaf.io/<rule>) added and removed are listed first,",
    'in a section of their own. Prints Markdown on stdout, in a fixed order; reads git, writes nothing.',
    '--json prints instead one JSON object (docs/reference/cli.md) with every changed field and its old and new values in full.',
    '--cluster <context> previews one environment against a live cluster instead: kubectl diff --server-side of',
    '<folder>/dist/<env>/ with that kubeconfig context (the API server dry-runs each object as an apply, so defaults,',
    "admission and field ownership are the cluster's). --environment names the environment when the output has several.",
    "Prints kubectl's unified diff on stdout and exits 0 whether or not something would change (the last line says which);",
    'exits 1 when kubectl fails (unreachable cluster, unknown context, a refused object). kubectl is EAF_KUBECTL, else',
    'the one on PATH; KUBECONFIG and KUBECTL_EXTERNAL_DIFF work as for kubectl.',
  ].join('\n'),
  options: {
    base: { type: 'string' },
    dir: { type: 'string' },
    json: { type: 'boolean' },
    cluster: { type: 'string' },
    environment: { type: 'string' },
  },
  run: ({ values, positionals }, io) => {
    if (positionals.length > 0) throw new UsageError(`diff takes no arguments (got ${positionals.join(' ')})`);
    if (values.cluster !== undefined && values.json === true)
      throw new UsageError("--json goes with a diff against a git ref; diff --cluster prints kubectl's own unified diff");
    if (values.cluster !== undefined) {
      return clusterDiff(values, io, outputFolder(values, io, path.resolve(io.cwd, (values.dir as string | undefined) ?? '.')));
    }
    if (values.environment !== undefined) throw new UsageError('--environment goes with --cluster; diff against a git ref covers every environment');
    const base = (values.base as string | undefined) ?? 'HEAD';
    if (base === '' || base.startsWith('-')) throw new UsageError(`--base takes a git ref such as HEAD or origin/main (got ${describeValue(base)})`);
    const dir = path.resolve(io.cwd, (values.dir as string | undefined) ?? '.');
    const outdir = outputFolder(values, io, dir);
    const committed = gitOutputTexts(outdir, dir, base);
    progress(io, `diff: ${path.relative(io.cwd, outdir) || outdir} against ${base} (${committed.commit.slice(0, 12)})`);
    const diff = diffOutputs(committed.texts, outputTexts(outdir));
    output(
      io,
      values.json === true
        ? jsonText(diffJson(diff, base, committed.commit))
        : formatManifestDiff(diff, { title: `Manifest diff of ${path.relative(io.cwd, outdir) || outdir} against ${base}` }),
    );
    return 0;
  },
};

/** The `--json` result of diff (cli-json.ts). */
function diffJson(diff: ManifestDiff, base: string, commit: string): DiffJson {
  const object = (o: ObjectDiff) => ({
    environment: o.environment,
    object: objectRef(o.object) ?? { kind: o.object, namespace: null, name: '' },
    fields: o.fields.map((f) => ({
      field: f.path,
      ...(f.before === undefined ? {} : { before: f.before }),
      ...(f.after === undefined ? {} : { after: f.after }),
    })),
  });
  return {
    schemaVersion: CLI_JSON_SCHEMA_VERSION,
    command: 'diff',
    ok: true,
    base,
    commit,
    changed: diff.changed.map(object),
    added: diff.added.map(object),
    removed: diff.removed.map(object),
  };
}
