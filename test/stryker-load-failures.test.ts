import type { RunnerTestFile } from 'vitest';
import { LOAD_FAILURE, markLoadFailure } from './stryker-mark-load-failure';

/** A test file as vitest records it: its state and the tests it collected. */
function testFile(state: 'pass' | 'fail', tasks: unknown[]): RunnerTestFile {
  const error = { message: 'module refused to load' };
  return { id: 'f1', name: 'x.test.ts', tasks, result: { state, errors: state === 'fail' ? [error] : undefined } } as unknown as RunnerTestFile;
}

describe('a test file that fails to load, in a mutation run', () => {
  test('GIVEN a failed file without tests WHEN reported THEN it holds one failed test with the load error', () => {
    const file = testFile('fail', []);
    markLoadFailure(file);
    expect(file.tasks).toHaveLength(1);
    expect(file.tasks[0]).toMatchObject({
      type: 'test',
      name: LOAD_FAILURE,
      file,
      result: { state: 'fail', errors: [{ message: 'module refused to load' }] },
    });
  });

  test('GIVEN a file that loaded (its tests passed or failed) WHEN reported THEN it is left as it is', () => {
    const passed = testFile('pass', []);
    const failed = testFile('fail', [{ type: 'test', name: 'a' }]);
    markLoadFailure(passed);
    markLoadFailure(failed);
    expect(passed.tasks).toEqual([]);
    expect(failed.tasks).toEqual([{ type: 'test', name: 'a' }]);
  });
});
