import { defineConfig } from 'vitest/config';
import { UNIT_TIER } from './vitest.config.mts';

/**
 * The tests Stryker runs against each mutant (stryker.config.json, `npm run test:mutation`): the unit tier without
 * the whole-program folders (dvmm/, program/, bench/, the architecture and index tests). Every test there composes
 * whole products and runs the gate, which makes each mutant slow, and what they prove of lib/ the folder tests
 * prove too. Each file isolated (unlike the unit tier), so that a module's top-level constants are evaluated again
 * under each mutant: with shared modules, a mutant of `const UNITS = {...}` survived every test.
 */
export default defineConfig({
  test: {
    globals: true,
    // switches each mutant on before the modules load (stryker-js #6144): test/stryker-activation.ts
    setupFiles: ['test/stryker-activation.ts'],
    include: UNIT_TIER.include,
    exclude: [...UNIT_TIER.exclude, 'test/dvmm/**', 'test/program/**', 'test/bench/**', 'test/architecture.test.ts', 'test/index.test.ts'],
  },
});
