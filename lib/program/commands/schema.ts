import { schemaFileText, writeSchemaFile } from '../schema-file';
import { Command, UsageError } from './command';
import { loadProgram } from './program';
import * as path from 'path';

/** `eaf-cdk8s schema`. */
export const SCHEMA: Command = {
  summary: "print the JSON Schema of the product's environment files (--write: environment.schema.json, for editors)",
  usage: 'eaf-cdk8s schema [--dir <product folder>] [--product <module>] [--write]',
  help: [
    'Prints the JSON Schema (draft-07) that synth checks environments/*.yaml against, derived from the product.',
    '--write writes it to <folder>/environment.schema.json, which environment files name in their first line',
    '(# yaml-language-server: $schema=../environment.schema.json) so editors complete settings and flag',
    'mistakes. synth keeps that file current.',
  ].join('\n'),
  options: { dir: { type: 'string' }, product: { type: 'string' }, write: { type: 'boolean' } },
  run: ({ values, positionals }, io) => {
    if (positionals.length > 0) throw new UsageError(`schema takes no arguments (got ${positionals.join(' ')})`);
    const program = loadProgram('schema', values, io);
    if (values.write !== true) {
      (io.out ?? io.log)(schemaFileText(program.product));
      return 0;
    }
    return writeSchemaFile(path.dirname(program.environmentsDir), program.product, io.log) ? 0 : 1;
  },
};
