import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { loadEnvironmentDirectory, readCrdFolder } from '../../lib/program';
import { ManifestValidator } from '../../lib/gate';
import { dvmm } from '../../main';
import { main } from '../../synth';
import { ENVIRONMENTS, tree } from './harness';
import { mutate, mutation } from './mutations';

/**
 * The fuzz tier: fast-check mutates DVMM's valid environment files (wrong types, out-of-range numbers, missing and
 * extra keys, odd strings, duplicated names) and runs the real program on them. Whatever the input, it never
 * throws (no stack trace), exits 0 or 1; on 1 `dist/` is byte-for-byte as it was, on 0 the written files pass the
 * gate when read back. A fixed seed and a bounded run here (FUZZ_RUNS, default 60); FUZZ_RUNS=2000 for a long run.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
let tmp: string;
let validator: ManifestValidator;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fuzz-'));
  expect(main({ environmentsDir: ENVIRONMENTS, outdir: path.join(tmp, 'dist'), log: () => undefined })).toBe(0);
  validator = new ManifestValidator({ crds: readCrdFolder(path.join(__dirname, '..', '..', 'crds')) });
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The written files read back from disk, through the gate, with each environment's own settings. */
function gateFindings(envs: string, outdir: string): string[] {
  const sets = loadEnvironmentDirectory(envs, dvmm).map(({ environment }) => ({
    environment: environment.name,
    critical: environment.critical ?? false,
    allowedRegistries: environment.registries,
    objects: fs
      .readdirSync(path.join(outdir, environment.name))
      .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(outdir, environment.name, f), 'utf8')).map((d) => d.toJS())),
  }));
  return validator.validate(sets).findings.map((f) => `${f.environment}: ${f.object}: [${f.rule}] ${f.message}`);
}

test(`the program holds its promises on ${RUNS} mutated environment folders (seed ${SEED})`, () => {
  const outcomes = { accepted: 0, refused: 0 };
  let n = 0;
  fc.assert(
    fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
      // GIVEN the three files with up to three mutations, and the last good output in dist/
      const envs = path.join(tmp, `envs-${n++}`);
      fs.mkdirSync(envs);
      for (const [file, text] of Object.entries(mutate(mutations))) fs.writeFileSync(path.join(envs, file), text);
      const outdir = path.join(tmp, 'dist');
      const current = tree(outdir)!;
      // WHEN the program runs
      const lines: string[] = [];
      const code = main({ environmentsDir: envs, outdir, log: (l) => lines.push(l) }); // a throw fails the property
      // THEN exit 0 with a gate-clean output, or exit 1 with dist/ unchanged and every line naming a file or environment
      expect([0, 1]).toContain(code);
      expect(lines.join('\n')).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
      expect(fs.readdirSync(tmp).filter((f) => f.startsWith('.dist'))).toEqual([]);
      if (code === 1) {
        outcomes.refused++;
        expect(tree(outdir)).toEqual(current);
        expect(lines[lines.length - 1]).toBe(`nothing was written; ${outdir} is unchanged`);
      } else {
        outcomes.accepted++;
        expect(gateFindings(envs, outdir)).toEqual([]);
      }
      fs.rmSync(envs, { recursive: true, force: true });
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: true },
  );
  // Both outcomes occur: the mutations reach past the schema into composition and the gate.
  process.stderr.write(
    `fuzz: ${RUNS} cases (seed ${SEED}): ${outcomes.accepted} accepted and gate-clean, ${outcomes.refused} refused with dist/ unchanged\n`,
  );
  expect(outcomes.refused).toBeGreaterThan(0);
  expect(outcomes.accepted).toBeGreaterThan(0);
});
