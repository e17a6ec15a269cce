import { defineConfig } from 'vitest/config';
import { SHARED, UNIT_TIER } from './vitest.config.mts';

/**
 * The tests Stryker runs against each mutant (stryker.config.json, `npm run test:mutation`): the unit tier without
 * the whole-program folders (dvmm/, program/, bench/, the index test). Every test there composes
 * whole products and runs the gate, which makes each mutant slow, and what they prove of lib/ the folder tests
 * prove too. Each file isolated (unlike the unit tier): every test file loads its modules afresh, so a mutant
 * switched on before they load (test/stryker-activation.ts) reaches a module's top-level code too.
 */
export default defineConfig({
  test: {
    // Globals, and a temporary folder per test runner, removed when it ends (each mutant's tests make folders there).
    ...SHARED,
    setupFiles: ['test/stryker-activation.ts'],
    // A test file that fails to load under a mutant counts as a failed test, not as no test (test/stryker-load-failures.ts).
    reporters: ['default', './test/stryker-load-failures.ts'],
    // The unit tier's timeouts: with vitest's default of 5 s, a test slowed by a loaded machine fails the dry run, or
    // fails under a mutant and counts it as killed.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    include: UNIT_TIER.include,
    exclude: [...UNIT_TIER.exclude, 'test/dvmm/**', 'test/program/**', 'test/bench/**', 'test/index.test.ts'],
  },
});
