// The judge of the switch gate (pure, unit-tested in gate-judge.test.ts): given what a sync's gate hooks did and the
// colours each active Service selected before, during and after the sync, the ways the gate was not honoured.

/** The colours an active Service's ready endpoints belonged to: before the step, at any poll during it, after it. */
export interface ServiceColors {
  readonly before: readonly string[];
  readonly seen: readonly string[];
  readonly after: readonly string[];
}

/** What a step expects of the gate and of the traffic. */
export interface GateExpectation {
  /** Whether the gate hooks are made to pass or to fail (kwok's chaos stage). */
  readonly gate: 'pass' | 'fail';
  /** Whether the active Services move to the other colour, or stay. */
  readonly traffic: 'moved' | 'held';
}

/**
 * The shortfalls of one step: a failed gate after which any active Service selected a colour it did not select
 * before (Argo CD stops the sync at a failed hook, so nothing may move); a gate that did not fail when it was made
 * to (the check would pass vacuously); traffic that did not move, or moved, against the expectation.
 */
export function gateVerdict(
  label: string,
  failedHooks: readonly string[],
  services: ReadonlyMap<string, ServiceColors>,
  expect: GateExpectation,
): string[] {
  const out: string[] = [];
  if (expect.gate === 'fail' && failedHooks.length === 0) out.push(`${label}: the gate was made to fail but no hook failed (the check is vacuous)`);
  if (expect.gate === 'pass' && failedHooks.length > 0) out.push(`${label}: the gate failed (${failedHooks.join(', ')}) though made to pass`);
  for (const [name, c] of services) {
    const foreign = [...new Set([...c.seen, ...c.after])].filter((color) => !c.before.includes(color));
    if (failedHooks.length > 0 && foreign.length > 0) {
      out.push(
        `${label}: Service ${name} selected ${foreign.join('+')} though the gate failed (${failedHooks.join(', ')}); before: ${c.before.join('+')}`,
      );
    }
    const moved = c.after.length > 0 && c.after.every((color) => !c.before.includes(color));
    if (expect.traffic === 'moved' && !moved) out.push(`${label}: Service ${name} did not move (${c.before.join('+')} -> ${c.after.join('+')})`);
    if (expect.traffic === 'held' && c.after.join() !== c.before.join()) {
      out.push(`${label}: Service ${name} moved (${c.before.join('+')} -> ${c.after.join('+')}) though it should stay`);
    }
  }
  return out;
}
