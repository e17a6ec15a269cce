import * as path from 'path';
import { scaffoldProduct } from '../scaffold';
import { Command, UsageError } from './command';

/** `eaf-cdk8s init`. */
export const INIT: Command = {
  summary: 'scaffold a new product folder that synthesises and passes the gate right away',
  usage: 'eaf-cdk8s init <product> [--dir <folder>] [--package <npm spec of @eaf/cdk8s>]',
  help: [
    'Writes <folder> (default ./<product>): main.ts (the product on the product model and its program),',
    'environments/dev.yaml, staging.yaml, production.yaml, cdk8s.yaml, package.json with synth and test',
    'scripts, test/product.test.ts (targeted assertions and a snapshot), tsconfig.json, README.md.',
    'Refuses to write into a folder that is not empty. package.json pins @eaf/cdk8s to the version of this',
    'eaf-cdk8s exactly; --package gives another npm spec (e.g. file:<tarball>).',
  ].join('\n'),
  options: { dir: { type: 'string' }, package: { type: 'string' } },
  run: ({ values, positionals }, io) => {
    const [name, ...rest] = positionals;
    if (name === undefined || rest.length > 0) throw new UsageError('init takes exactly one product name');
    const dir = path.resolve(io.cwd, (values.dir as string | undefined) ?? name);
    const files = scaffoldProduct(dir, { name, packageSpec: (values.package as string | undefined) ?? io.version });
    io.log(`init: wrote ${files.length} files to ${dir}: ${files.join(', ')}`);
    io.log(`init: next: cd ${path.relative(io.cwd, dir) || '.'} && npm install && npm run synth && npm test`);
    return 0;
  },
};
