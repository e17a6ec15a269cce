import { anyBusy, describeLoad, loadSummary, markedTime, ratioIfQuiet, settledLoad } from '../../scripts/bench/load';

describe('the bench under load', () => {
  const quiet = describeLoad([1.5, 1.2, 1.0], 2);
  const atCores = describeLoad([2, 2, 2], 2);
  const busy = describeLoad([3.25, 2.5, 2.1], 2);

  test('a 1-minute load average above the core count is busy; at or below it is not (the 5- and 15-minute ones do not count)', () => {
    expect([quiet.busy, atCores.busy, busy.busy, describeLoad([1, 9, 9], 2).busy]).toEqual([false, false, true, false]);
    expect(busy.text).toBe('load average 3.25 2.50 2.10 on 2 cores');
  });

  test('GIVEN every reading at most the core count WHEN a ratio is asked THEN it is reported, and times are not marked', () => {
    expect(ratioIfQuiet([quiet, atCores], () => 1.25)).toBe(1.25);
    expect(markedTime('0.343', [quiet, atCores])).toBe('0.343');
    expect(loadSummary([quiet, atCores])).toMatch(/never above the core count$/);
  });

  test('GIVEN one busy reading among quiet ones WHEN a ratio is asked THEN it is refused, not computed, and every time is marked', () => {
    const ratio = vi.fn(() => 1.25);
    expect(ratioIfQuiet([quiet, busy, quiet], ratio)).toBeUndefined();
    expect(ratio).not.toHaveBeenCalled();
    expect(anyBusy([quiet, busy, quiet])).toBe(true);
    expect(markedTime('0.343', [quiet, busy, quiet])).toBe('0.343*');
  });

  test('the summary names the start, the end and the busiest reading, and says why there is no ratio', () => {
    const summary = loadSummary([quiet, busy, atCores]);
    expect(summary).toContain('load average 1.50 1.20 1.00 on 2 cores at the start');
    expect(summary).toContain('load average 2.00 2.00 2.00 on 2 cores at the end');
    expect(summary).toContain('3.25 at the busiest');
    expect(summary).toContain('NO RATIOS');
    expect(summary).toContain('in 1 of 3 readings');
    expect(() => loadSummary([])).toThrow('no load was read');
  });

  describe('settledLoad (--settle)', () => {
    /** Readings in order, and the pauses asked for. */
    const machine = (...readings: ReturnType<typeof describeLoad>[]) => {
      const slept: number[] = [];
      return { read: () => readings.shift()!, sleep: (s: number) => slept.push(s), slept };
    };

    test('GIVEN a busy machine that quiets WHEN it settles THEN it waits, polling, and returns the first quiet reading', () => {
      const m = machine(busy, busy, quiet, busy);
      expect(settledLoad(60, m.read, m.sleep)).toBe(quiet);
      expect(m.slept).toEqual([2, 2]);
    });

    test('GIVEN a machine that stays busy THEN it waits no longer than asked, the last pause cut short, and returns the busy reading', () => {
      const m = machine(busy, busy, busy, busy, quiet);
      expect(settledLoad(5, m.read, m.sleep)).toBe(busy);
      expect(m.slept).toEqual([2, 2, 1]);
    });

    test('GIVEN no wait asked, or a quiet machine THEN it reads once and does not pause', () => {
      const once = machine(busy, quiet);
      expect(settledLoad(0, once.read, once.sleep)).toBe(busy);
      const calm = machine(atCores, busy);
      expect(settledLoad(60, calm.read, calm.sleep)).toBe(atCores);
      expect([...once.slept, ...calm.slept]).toEqual([]);
    });
  });
});
