import Ajv from 'ajv';
import { closestName, SchemaProblem, schemaProblems } from '../../lib/gate/schema-errors';

/** schemaProblems: ajv's errors as one problem per field, in the order the fields sit in the object. */

function report(schema: object, data: unknown): SchemaProblem[] {
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: false, allowUnionTypes: true });
  const validate = ajv.compile(schema);
  validate(data);
  return schemaProblems(validate.errors ?? [], data, 'test');
}
const problems = (schema: object, data: unknown) => report(schema, data).map((p) => p.message);

test('orders problems as the fields sit in the object: a missing field first in its parent, an unknown one where it is', () => {
  const schema = {
    type: 'object',
    required: ['z'],
    additionalProperties: false,
    properties: {
      a: { type: 'string' },
      b: { type: 'object', required: ['d'], properties: { c: { type: 'integer' }, d: { type: 'string' } } },
      z: { type: 'string' },
    },
  };
  expect(problems(schema, { b: { c: 'x' }, a: 1, extra: 1 })).toEqual([
    'z: is required',
    'b.d: is required',
    'b.c: must be an integer',
    'a: must be a string',
    'extra: unknown field (not in the test schema)',
  ]);
  // a shorter path before a longer one that starts the same; list items by index
  expect(
    problems({ type: 'object', properties: { l: { type: 'array', items: { type: 'integer' }, maxItems: 2 } } }, { l: [1, 'x', 3, 'y'] }),
  ).toEqual(['l: must NOT have more than 2 items', 'l[1]: must be an integer', 'l[3]: must be an integer']);
});

test('keeps the order ajv found them in for one field, and says each problem once', () => {
  expect(problems({ type: 'object', properties: { s: { type: 'string', maxLength: 2, pattern: '^a' } } }, { s: 'bcd' })).toEqual([
    's: must NOT have more than 2 characters',
    's: must match pattern "^a"',
  ]);
  expect(problems({ allOf: [{ type: 'string' }, { type: 'string' }] }, 1)).toEqual(['(object): must be a string']);
});

test('reports a failed anyOf or oneOf once, without the errors of its branches, but keeps errors beside it', () => {
  const schema = {
    type: 'object',
    properties: {
      x: { anyOf: [{ type: 'integer' }, { type: 'string', pattern: '^a' }] },
      y: { oneOf: [{ type: 'integer' }, { type: 'number' }] },
      w: { type: 'string' },
    },
  };
  expect(problems(schema, { x: 'b', y: 2, w: 3 })).toEqual([
    'x: matches none of the forms the test schema allows here',
    'y: matches not exactly one of the forms the test schema allows here',
    'w: must be a string',
  ]);
});

test('says the bound of an exclusive minimum and maximum', () => {
  const schema = { type: 'object', properties: { n: { exclusiveMinimum: 0 }, m: { exclusiveMaximum: 10 } } };
  expect(report(schema, { n: 0, m: 10 }).map((p) => `${p.message}; ${p.fix}`)).toEqual([
    'n: must be > 0; use a value > 0',
    'm: must be < 10; use a value < 10',
  ]);
});

test('names a field whose key holds a slash or a tilde, and the value it holds', () => {
  const schema = { type: 'object', properties: { 'a/b': { type: 'string' }, 'c~d': { type: 'string' } } };
  expect(report(schema, { 'a/b': 1, 'c~d': 2 }).map((p) => [p.message, p.value])).toEqual([
    ['["a/b"]: must be a string', 1],
    ['["c~d"]: must be a string', 2],
  ]);
});

describe('an unknown field', () => {
  const object = (names: string[]) => ({
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(names.map((n) => [n, { type: 'string' }])),
  });
  const fixOf = (schema: object, data: object) => report(schema, data).map((p) => [p.message, p.value, p.fix]);

  test('is named with its value, and the fix suggests the field it is plausibly a typo of', () => {
    expect(fixOf(object(['image', 'name']), { imag: 'r/x' })).toEqual([
      ['imag: unknown field (not in the test schema)', 'r/x', 'remove imag or rename it to image'],
    ]);
  });

  test('lists the known fields when no name is close: all of 15, the first 15 of more', () => {
    const fifteen = Array.from({ length: 15 }, (_, i) => `field${String.fromCharCode(97 + i)}`);
    expect(fixOf(object(fifteen), { zzzzzzzzzz: 1 })[0][2]).toBe(`remove zzzzzzzzzz; the fields of the object are ${fifteen.join(', ')}`);
    const sixteen = [...fifteen, 'fieldp'];
    expect(fixOf(object(sixteen), { zzzzzzzzzz: 1 })[0][2]).toBe(`remove zzzzzzzzzz; the fields of the object are ${fifteen.join(', ')}, ...`);
  });

  test('inside a field that takes none says so', () => {
    const schema = { type: 'object', properties: { meta: { type: 'object', additionalProperties: false } } };
    expect(fixOf(schema, { meta: { x: 1 } })).toEqual([['meta.x: unknown field (not in the test schema)', 1, 'remove meta.x; meta takes no fields']]);
  });
});

describe('closestName', () => {
  test('takes the first of equally close names', () => {
    expect(closestName('imag', ['image', 'imagx'])).toBe('image');
    expect(closestName('imag', ['imagx', 'image'])).toBe('imagx');
  });

  test('suggests nothing when the closest name is too far for a typo', () => {
    expect(closestName('replicas', ['replica', 'image'])).toBe('replica');
    expect(closestName('zzzzzzzz', ['image'])).toBeUndefined();
    expect(closestName('ab', [])).toBeUndefined();
  });
});
