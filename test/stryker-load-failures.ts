import { experimental_getRunnerTask, type Reporter, type TestModule } from 'vitest/node';
import { markLoadFailure } from './stryker-mark-load-failure';

/**
 * Reporter of the mutation runs only (vitest.mutation.config.mts). Stryker's vitest runner (9.6.1, and 10.0.0 still)
 * builds a mutant's result from the tests vitest collected, and a test file whose import throws collects none: a
 * mutant that stops a module from loading (a top-level constant computed from a mutated function, as cidr.ts's PUBLIC
 * is) ran 0 tests, none failed, and it counted as survived (stryker-js #6150, fix proposed in #6217). The jest runner
 * counts such a file as failed; this reporter makes the vitest runner do the same, by giving the file a failed test
 * before the runner reads the results. Written by hand: no option of Stryker or of its runner changes this.
 */
export default class LoadFailuresAsFailedTests implements Reporter {
  onTestRunEnd(testModules: readonly TestModule[]): void {
    for (const module of testModules) markLoadFailure(experimental_getRunnerTask(module));
  }
}
