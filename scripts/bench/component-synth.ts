/**
 * The synthesis of the generated product of N components (scripts/bench/components.ts) that
 * `npm run bench -- --components` times: what `npm run synth` does for DVMM (the precompiled gate validators, the
 * program's synthesizeProduct, the gate, the files written), for that product, from an environments folder into an
 * output folder. Run through the compiled runner like the synth script:
 *   node scripts/run-compiled.mjs scripts/bench/component-synth.ts <components> <environments-folder> <outdir>
 */
import * as path from 'path';
import { defineProduct } from '../../lib';
import { registerPrecompiledValidators } from '../../lib/gate/precompiled';
import { synthesizeProduct } from '../../lib/program';
import { componentProduct } from './components';

registerPrecompiledValidators(require('../../generated/validators').validators);

const [components, environmentsDir, outdir] = process.argv.slice(2);
if (outdir === undefined) {
  console.error('usage: component-synth.ts <components> <environments-folder> <outdir>');
  process.exitCode = 2;
} else {
  process.exitCode = synthesizeProduct(defineProduct(componentProduct(Number(components))), {
    environmentsDir: path.resolve(environmentsDir),
    outdir: path.resolve(outdir),
    crdDirectory: path.join(__dirname, '..', '..', 'crds'),
    // The list of files written is as long as the environments are many; the bench reads only failures.
    log: (line) => (line.startsWith('wrote ') ? undefined : console.error(line)),
    strict: true,
  });
}
