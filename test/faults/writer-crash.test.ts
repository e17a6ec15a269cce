import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { WriteStep } from '../../lib/program';
import { main } from '../../synth';
import { changedEnvironments, ENVIRONMENTS, run, STACK_LINE, start, tree } from './harness';

/**
 * The writer's promise under SIGKILL: the real program is killed after every step of the write (through its test
 * hook) and at random moments; afterwards `dist/` is the old tree or the new one, or (killed between the two
 * renames) absent with the old tree beside it, and the next run restores and cleans everything up.
 */

const STEPS: WriteStep[] = ['locked', 'recovered', 'staging-created', 'filled', 'checked', 'old-moved', 'new-in-place', 'cleaned'];

let tmp: string;
let oldTree: Record<string, string>;
let newTree: Record<string, string>;
let changed: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'crash-'));
  changed = changedEnvironments(path.join(tmp, 'changed'));
  const reference = path.join(tmp, 'reference');
  expect(main({ environmentsDir: ENVIRONMENTS, outdir: path.join(reference, 'old'), log: () => undefined })).toBe(0);
  expect(main({ environmentsDir: changed, outdir: path.join(reference, 'new'), log: () => undefined })).toBe(0);
  oldTree = tree(path.join(reference, 'old'))!;
  newTree = tree(path.join(reference, 'new'))!;
  expect(newTree).not.toEqual(oldTree);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A fresh folder holding the old output. */
function withOldOutput(name: string): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir);
  expect(main({ environmentsDir: ENVIRONMENTS, outdir: path.join(dir, 'dist'), log: () => undefined })).toBe(0);
  return dir;
}

/** What a kill may leave: the old tree, the new tree, or no dist/ with exactly the old tree moved aside. */
function assertRecoverable(dir: string): 'old' | 'new' | 'aside' {
  const dist = tree(path.join(dir, 'dist'));
  if (dist !== undefined) {
    expect([oldTree, newTree]).toContainEqual(dist);
    return JSON.stringify(dist) === JSON.stringify(oldTree) ? 'old' : 'new';
  }
  const aside = fs.readdirSync(dir).filter((n) => n.startsWith('.dist-previous-'));
  expect(aside).toHaveLength(1);
  expect(tree(path.join(dir, aside[0]))).toEqual(oldTree);
  return 'aside';
}

/** The next run recovers first, then writes: afterwards the new tree and nothing else. */
function assertNextRunCleansUp(dir: string): void {
  const log: string[] = [];
  expect(main({ environmentsDir: changed, outdir: path.join(dir, 'dist'), log: (l) => log.push(l) })).toBe(0);
  expect(tree(path.join(dir, 'dist'))).toEqual(newTree);
  expect(fs.readdirSync(dir)).toEqual(['dist']);
}

describe('the writer killed by SIGKILL', () => {
  test.each(STEPS)('after step %s: dist/ is whole or recoverable, and the next run restores and cleans up', (step) => {
    // GIVEN an output from the original environments
    const dir = withOldOutput(`step-${step}`);
    // WHEN the program writing the changed environments is killed right after the step
    const result = run(changed, path.join(dir, 'dist'), { EAF_TEST_KILL_AT: step });
    // THEN it died there, and what it left is the old tree, the new tree, or the old tree aside
    expect(result.signal).toBe('SIGKILL');
    const state = assertRecoverable(dir);
    const expected: Record<WriteStep, string> = {
      'locked': 'old',
      'recovered': 'old',
      'staging-created': 'old',
      'filled': 'old',
      'checked': 'old',
      'old-moved': 'aside',
      'new-in-place': 'new',
      'cleaned': 'new',
    };
    expect(state).toBe(expected[step]);
    // AND the lock of the dead run does not block the next one, which restores, cleans up and writes
    assertNextRunCleansUp(dir);
  });

  test('after old-moved, a next run with bad input restores the old tree and still exits 1 with it unchanged', () => {
    const dir = withOldOutput('bad-after-crash');
    expect(run(changed, path.join(dir, 'dist'), { EAF_TEST_KILL_AT: 'old-moved' }).signal).toBe('SIGKILL');
    const broken = changedEnvironments(path.join(tmp, 'broken'), (t) => t.replace('replicas: 3', 'replicas: -3'));
    const result = run(broken, path.join(dir, 'dist'));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `recovered: ${path.join(dir, 'dist')} was missing after an interrupted run; restored the previous output from .dist-previous-`,
    );
    expect(result.stderr).not.toMatch(STACK_LINE);
    expect(tree(path.join(dir, 'dist'))).toEqual(oldTree);
    expect(fs.readdirSync(dir)).toEqual(['dist']);
  });

  test('at random moments (seeded): dist/ is always whole or recoverable, and the next run cleans up', async () => {
    // Delays spread over the whole run: before the lock, while composing, in the gate, around the renames.
    const delays = fc.sample(fc.integer({ min: 0, max: 2500 }), { seed: 20261123, numRuns: 10 });
    const seen: string[] = [];
    for (const [i, delay] of delays.entries()) {
      const dir = withOldOutput(`random-${i}`);
      const child = start(changed, path.join(dir, 'dist'));
      await new Promise((r) => setTimeout(r, delay));
      child.kill();
      await child.done;
      seen.push(assertRecoverable(dir));
      assertNextRunCleansUp(dir);
    }
    expect(seen).toHaveLength(10);
  });
});

describe('concurrent runs', () => {
  test('three runs on one output are serialised by the lock: all succeed, the output is one whole tree, nothing is left over', async () => {
    const dir = withOldOutput('concurrent');
    const dist = path.join(dir, 'dist');
    const runs = [start(changed, dist), start(ENVIRONMENTS, dist), start(changed, dist)];
    const results = await Promise.all(runs.map((r) => r.done));
    expect(results.map((r) => r.code)).toEqual([0, 0, 0]);
    for (const r of results) expect(r.stderr).not.toMatch(STACK_LINE);
    // At least one of them found the lock taken and waited for it.
    expect(results.filter((r) => r.stderr.includes('lock: waiting for another run')).length).toBeGreaterThanOrEqual(1);
    expect([oldTree, newTree]).toContainEqual(tree(dist));
    expect(fs.readdirSync(dir)).toEqual(['dist']);
  });
});
