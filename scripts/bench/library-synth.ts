/**
 * One DVMM synthesis through the library's exported functions into a temporary folder, with or without the
 * validation gate: what `npm run bench -- --gate-cost` times (paired) to report the cost of the gate. Not a way to
 * skip the gate: it writes nowhere that matters.
 *   node --import tsx scripts/bench/library-synth.ts --gate | --no-gate
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EafProductChart } from '../../lib';
import { loadEnvironmentDirectory, readCrdFolder, synthesizeEnvironments } from '../../lib/program';
import { ManifestValidator } from '../../lib/gate';
import { dvmm } from '../../main';

const root = path.join(__dirname, '..', '..');
const gate = process.argv.includes('--gate');
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'eaf-bench-library-synth-'));
try {
  const environments = loadEnvironmentDirectory(path.join(root, 'environments'), dvmm).map((f) => f.environment);
  const validator = gate ? new ManifestValidator({ crds: readCrdFolder(path.join(root, 'crds')) }) : undefined;
  synthesizeEnvironments(
    path.join(outdir, 'dist'),
    environments,
    (app, environment) => new EafProductChart(app, dvmm.name, { product: dvmm, environment }),
    { validator },
  );
} finally {
  fs.rmSync(outdir, { recursive: true, force: true });
}
