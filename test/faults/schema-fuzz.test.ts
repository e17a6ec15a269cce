import * as path from 'path';
import fc from 'fast-check';
import { EnvironmentFileError, parseEnvironment } from '../../lib/program';
import { dvmm } from '../../main';
import { ENVIRONMENTS } from './harness';
import { FILES, mutate, mutation } from './mutations';

/**
 * The environment schema's corpus: the same mutations as the program's fuzz tier (fuzz.test.ts), many more of them,
 * through the reading of environment files alone (no composition, no writing), so a CI run affords thousands. Every file
 * is read into a typed environment or refused with problems that each name the file and say what to do; nothing else is
 * ever thrown. SCHEMA_FUZZ_RUNS (default 2000) and FUZZ_SEED set the run.
 */

const RUNS = Number(process.env.SCHEMA_FUZZ_RUNS ?? 2000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);

test(`every one of ${RUNS} mutated environment files is read or refused naming its file, field and fix (seed ${SEED})`, () => {
  const outcomes = { read: 0, refused: 0 };
  fc.assert(
    fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
      const texts = mutate(mutations);
      for (const file of FILES) {
        const filePath = path.join(ENVIRONMENTS, file);
        try {
          expect(parseEnvironment(filePath, texts[file], dvmm).name).toBe(path.basename(file, '.yaml'));
          outcomes.read++;
        } catch (e) {
          if (!(e instanceof EnvironmentFileError)) throw e; // anything else is a bug the property reports, with its stack
          outcomes.refused++;
          for (const problem of e.problems) {
            expect(problem.startsWith(`${filePath}: `)).toBe(true);
            // a fix follows every problem, after `; ` (the value, when it names one, is in `(got ...)`)
            expect(problem).toMatch(/; \S/);
          }
        }
      }
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: true },
  );
  process.stderr.write(`schema fuzz: ${RUNS} cases (seed ${SEED}): ${outcomes.read} files read, ${outcomes.refused} refused with their file named\n`);
  expect(outcomes.read).toBeGreaterThan(0);
  expect(outcomes.refused).toBeGreaterThan(0);
});
