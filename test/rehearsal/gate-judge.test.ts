import { gateVerdict, ServiceColors } from '../../lib/program/rehearsal/gate-judge';

describe("the switch gate's judge (the rehearsal tier)", () => {
  const services = (c: ServiceColors) => new Map([['api', c]]);
  const held: ServiceColors = { before: ['blue'], seen: ['blue'], after: ['blue'] };
  const moved: ServiceColors = { before: ['blue'], seen: ['blue', 'green'], after: ['green'] };

  test('accepts a passing gate that lets the switch move the traffic, and a failing one that keeps it', () => {
    expect(gateVerdict('s', [], services(moved), { gate: 'pass', traffic: 'moved' })).toEqual([]);
    expect(gateVerdict('s', ['dvmm-smoke-test-api'], services(held), { gate: 'fail', traffic: 'held' })).toEqual([]);
  });

  test('reports a Service that moved past a failed gate, even for a moment (the bypass)', () => {
    // GIVEN the gate failed WHEN the Service moved anyway THEN the judge names the Service, the colour and the hook
    expect(gateVerdict('s', ['dvmm-smoke-test-api'], services(moved), { gate: 'fail', traffic: 'held' })).toEqual([
      's: Service api selected green though the gate failed (dvmm-smoke-test-api); before: blue',
      's: Service api moved (blue -> green) though it should stay',
    ]);
    const blip = { before: ['blue'], seen: ['blue', 'green'], after: ['blue'] };
    expect(gateVerdict('s', ['g'], services(blip), { gate: 'fail', traffic: 'held' })).toEqual([
      's: Service api selected green though the gate failed (g); before: blue',
    ]);
  });

  test('reports a gate that was made to fail but did not (a vacuous check), and a switch that did not move', () => {
    expect(gateVerdict('s', [], services(held), { gate: 'fail', traffic: 'held' })).toEqual([
      's: the gate was made to fail but no hook failed (the check is vacuous)',
    ]);
    expect(gateVerdict('s', [], services(held), { gate: 'pass', traffic: 'moved' })).toEqual(['s: Service api did not move (blue -> blue)']);
  });
});
