// The pure part of the mutation runs' reporter (stryker-load-failures.ts), apart so its test never loads vitest/node
// inside a test worker (the unit tier hung at its end when it did).
import type { RunnerTestCase, RunnerTestFile } from 'vitest';

/** The name of the failed test a test file that could not load gets. */
export const LOAD_FAILURE = 'the test file loads';

/**
 * Gives a test file that failed to load (its import threw, so it holds no test) one failed test carrying the load
 * error, and leaves every file that loaded as it is.
 */
export function markLoadFailure(file: RunnerTestFile): void {
  if (file.result?.state !== 'fail' || file.tasks.length > 0) return;
  const test = { type: 'test', name: LOAD_FAILURE, id: `${file.id}_load`, mode: 'run', file, suite: file, meta: {}, context: undefined };
  file.tasks.push({ ...test, result: { state: 'fail', errors: file.result.errors } } as unknown as RunnerTestCase);
}
