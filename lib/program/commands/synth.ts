import * as path from 'path';
import { writeSchemaFile } from '../schema-file';
import { loadProgram, synthesize } from './program';
import { Command, UsageError } from './command';

/** `eaf-cdk8s synth`. */
export const SYNTH: Command = {
  summary: 'synthesise every environment of a product through the gate, atomically',
  usage: 'eaf-cdk8s synth [--dir <product folder>] [--product <module>] [--out <folder>] [--strict] [--reserved-namespaces <a,b>]',
  help: [
    'Loads the product exported by <module> (default <folder>/main.ts, else main.js), reads',
    '<folder>/environments/*.yaml (checked against the schema derived from the product), composes each',
    'environment, runs the gate over every object and replaces <out> (default $CDK8S_OUTDIR, else',
    '<folder>/dist) only when every environment passed. On bad input: every problem, exit 1, <out> unchanged.',
    '--strict turns warnings (legal but suspicious values such as 0.0.0.0/0, or critical: false on an',
    "environment named like production) into errors. --reserved-namespaces adds the platform's own namespaces",
    'to those no environment may use (default, kube-*, openshift*). Runs on one output are serialised by a lock.',
    'It also keeps <folder>/environment.schema.json, the editor schema of the environment files, current.',
  ].join('\n'),
  options: {
    'dir': { type: 'string' },
    'product': { type: 'string' },
    'out': { type: 'string' },
    'strict': { type: 'boolean' },
    'reserved-namespaces': { type: 'string' },
  },
  run: ({ values, positionals }, io) => {
    if (positionals.length > 0) throw new UsageError(`synth takes no arguments (got ${positionals.join(' ')})`);
    const program = loadProgram('synth', values, io);
    io.log(`synth: ${program.product.name}: environments from ${program.environmentsDir}, gate on, writing ${program.outdir}`);
    // Before the environment files are read: an editor needs the schema most when a file is wrong.
    writeSchemaFile(path.dirname(program.environmentsDir), program.product, io.log);
    return synthesize(program, io, {
      strict: values.strict === true,
      reservedNamespaces: (values['reserved-namespaces'] as string | undefined)
        ?.split(',')
        .map((n) => n.trim())
        .filter((n) => n !== ''),
    });
  },
};
