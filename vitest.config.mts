import { defineConfig } from 'vitest/config';

/** The process tier's folders. */
const PROCESS_TIER = ['test/faults', 'test/processes'];

/** The unit tier's files: everything under test/ except the process tier's folders. */
export const UNIT_TIER = { include: ['test/**/*.test.ts'], exclude: PROCESS_TIER.map((folder) => `${folder}/**`) };

/** What every run of these tests shares, the mutation runs' too (vitest.mutation.config.mts). */
export const SHARED = {
  globals: true,
  // A temporary folder per run, removed at its end (test/temp-folder.ts).
  globalSetup: ['test/temp-folder.ts'],
};

/**
 * Two tiers of one runner (README, Tests):
 * - `unit` (`npm test`): in process. `isolate: false` lets the test files of one worker share loaded modules
 *   (cdk8s-plus, the imports/, ajv, the gate's compiled schemas), which is most of what a test file costs: a run
 *   that loads every file afresh took about twice as long (the issue-12 note).
 * - `processes` (`npm run test:processes`): whole processes (the program killed at every step of the write,
 *   concurrent runs, permissions, the fuzz run, the real cdk8s CLI, the compiled runner, what importing the library
 *   loads). Each file isolated, with time for processes to start.
 */
export default defineConfig({
  test: {
    ...SHARED,
    // One worker per core: the default leaves one core to itself, which on the 2-core CI machines means one worker.
    maxWorkers: '100%',
    // Transformed TypeScript is kept in node_modules/.experimental-vitest-cache, keyed by content.
    experimental: { fsModuleCache: true },
    coverage: {
      // istanbul counts what runs through the runner's transform. V8's counts are merged by file URL and also take in
      // the second copy of lib/ that the CLI tests load through tsx (a scaffolded product imports lib/ by path):
      // lib/observability/promql.ts read 56 % covered with v8, 100 % alone and with istanbul.
      provider: 'istanbul',
      // index files only re-export; cli-main is the process wiring the consumer test runs.
      include: ['lib/**/*.ts', 'main.ts', 'synth.ts'],
      exclude: ['lib/index.ts', 'lib/gate/index.ts', 'lib/program/index.ts', 'lib/program/cli-main.ts'],
      thresholds: { lines: 90, statements: 90, functions: 90, branches: 80 },
      reporter: ['text-summary'],
    },
    projects: [
      {
        extends: true,
        // Generous: some unit tests load a product through tsx or synthesise every DVMM environment, which takes 1-3 s
        // on an idle 2-core machine and over 12 s on a loaded one (measured at load 16); vitest's 5 s failed them there.
        // Hooks too: a beforeAll that synthesises DVMM once for a file's cases ran past vitest's 10 s at load 18.
        // At load 19-33 with a CPU hog per core (scripts/under-load.sh, five runs), the longest tests (the setting-leaf walk,
        // the documented defaults, the lazy schemas) took 40-220 s: 300 s for every test and hook, none shorter.
        test: { name: 'unit', ...UNIT_TIER, isolate: false, testTimeout: 300_000, hookTimeout: 300_000 },
      },
      {
        extends: true,
        test: {
          name: 'processes',
          include: PROCESS_TIER.map((folder) => `${folder}/**/*.test.ts`),
          // The cluster tests' tools, built once before any file (a cold build takes minutes): test/processes/tools.setup.ts.
          globalSetup: ['test/processes/tools.setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
