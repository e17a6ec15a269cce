import { deepFreeze } from '../../lib/core/freeze';

describe('deepFreeze', () => {
  test('freezes an object and the objects and arrays inside it', () => {
    // GIVEN
    const defaults = { resources: { limits: { memory: '512Mi' } }, ports: [8080] };
    // WHEN
    const frozen = deepFreeze(defaults);
    // THEN
    expect(frozen).toBe(defaults);
    expect([
      Object.isFrozen(frozen),
      Object.isFrozen(frozen.resources),
      Object.isFrozen(frozen.resources.limits),
      Object.isFrozen(frozen.ports),
    ]).toEqual([true, true, true, true]);
  });

  test('leaves a function it holds unfrozen: it freezes data, not behaviour', () => {
    // GIVEN
    const render = (): string => 'x';
    // WHEN
    const frozen = deepFreeze({ render });
    // THEN
    expect(Object.isFrozen(frozen)).toBe(true);
    expect(Object.isFrozen(render)).toBe(false);
  });
});
