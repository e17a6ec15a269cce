import { Construct } from 'constructs';
import { describeValue, PropertyError, propertyError, PropertyErrors, PropertyProblems } from '../../lib/core/errors';
import { testChart } from '../util';

function api(): Construct {
  return new Construct(testChart(), 'api');
}

describe('PropertyError', () => {
  test('names itself PropertyError and renders the house format', () => {
    // WHEN
    const error = propertyError(api(), 'replicas', 'must be at least 1', 0, 'set replicas to 1 or more');
    // THEN
    expect(error.name).toBe('PropertyError');
    expect(error.message).toBe('test/api: replicas must be at least 1 (got 0); set replicas to 1 or more');
  });

  test('has no setting message until it is reported against a setting', () => {
    // GIVEN
    const error = propertyError(api(), 'replicas', 'must be at least 1', 0, 'set replicas to 1 or more');
    // WHEN
    const atSetting = error.atSetting('components.api.replicas');
    // THEN
    expect(error.settingMessage).toBeUndefined();
    expect(atSetting.settingMessage).toBe('components.api.replicas: must be at least 1 (got 0); set replicas to 1 or more');
  });
});

describe('describeValue', () => {
  test('quotes a value of exactly 200 characters in full', () => {
    // GIVEN a string whose JSON (with its quotes) is 200 characters
    const value = 'a'.repeat(198);
    // WHEN / THEN
    expect(describeValue(value)).toBe(`"${value}"`);
  });

  test('names NaN and the infinities as themselves (JSON would write null)', () => {
    expect([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1.5, null].map(describeValue)).toEqual([
      'NaN',
      'Infinity',
      '-Infinity',
      '1.5',
      'null',
    ]);
  });

  test("cuts a longer value at 200 characters and says how long the value was: a string's characters, an object's JSON", () => {
    // GIVEN a string of 199 characters (201 with its quotes), a 254-character host, and an object of 211 JSON characters
    const value = 'a'.repeat(199);
    const host = `${'a'.repeat(63)}.`.repeat(3) + 'b'.repeat(58) + '.com';
    const object = { key: 'c'.repeat(201) };
    // WHEN / THEN each is cut, and the length named is the value's own
    expect(describeValue(value)).toBe(`"${'a'.repeat(199)}… (199 characters)`);
    expect(host).toHaveLength(254);
    expect(describeValue(host)).toMatch(/… \(254 characters\)$/);
    expect(describeValue('é'.repeat(250))).toMatch(/… \(250 characters\)$/);
    expect(describeValue(object)).toBe(`${JSON.stringify(object).slice(0, 200)}… (211 characters)`);
  });
});

describe('PropertyProblems', () => {
  test('is ok until a problem is added', () => {
    // GIVEN
    const problems = new PropertyProblems(api());
    // THEN
    expect(problems.ok).toBe(true);
    // WHEN
    problems.add('replicas', 'must be at least 1', 0, 'set replicas to 1 or more');
    // THEN
    expect(problems.ok).toBe(false);
  });

  test('rethrows an error that is not a property error unchanged', () => {
    // GIVEN
    const problems = new PropertyProblems(api());
    const bug = new TypeError('cannot read properties of undefined');
    // WHEN
    let thrown: unknown;
    try {
      problems.check(() => {
        throw bug;
      });
    } catch (e) {
      thrown = e;
    }
    // THEN
    expect(thrown).toBe(bug);
    expect(problems.ok).toBe(true);
  });

  test('fails with PropertyErrors naming every problem when there are several', () => {
    // GIVEN
    const problems = new PropertyProblems(api());
    problems.add('replicas', 'must be at least 1', 0, 'set replicas to 1 or more');
    problems.add('port', 'is not a TCP port from 1 to 65535', 70000, 'use a TCP port number, e.g. 443');
    // WHEN
    let thrown: unknown;
    try {
      problems.throwIfAny();
    } catch (e) {
      thrown = e;
    }
    // THEN
    expect(thrown).toBeInstanceOf(PropertyErrors);
    expect((thrown as PropertyErrors).name).toBe('PropertyErrors');
    expect((thrown as PropertyErrors).message).toBe(
      [
        'test/api: replicas must be at least 1 (got 0); set replicas to 1 or more',
        'test/api: port is not a TCP port from 1 to 65535 (got 70000); use a TCP port number, e.g. 443',
      ].join('\n'),
    );
    expect((thrown as PropertyErrors).errors.map((e) => e.property)).toEqual(['replicas', 'port']);
  });

  test('fails with the single PropertyError itself when there is one', () => {
    // GIVEN
    const problems = new PropertyProblems(api());
    problems.add('replicas', 'must be at least 1', 0, 'set replicas to 1 or more');
    // WHEN / THEN
    expect(() => problems.throwIfAny()).toThrow(PropertyError);
    expect(() => problems.throwIfAny()).toThrow(
      expect.objectContaining({ message: new PropertyError(api(), 'replicas', 'must be at least 1', 0, 'set replicas to 1 or more').message }),
    );
    expect(() => problems.throwIfAny()).not.toThrow(PropertyErrors);
  });
});
