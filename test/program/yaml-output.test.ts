import * as fs from 'fs';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import fc from 'fast-check';
import { parse, parseAllDocuments } from 'yaml';
import { yamlReadingDifferences } from '../../lib/gate/yaml-readers';
import { stringifyManifests, stringifyWithLibrary } from '../../lib/program/yaml-output';

/**
 * The fast manifest writer prints exactly what the `yaml` library prints with cdk8s's options and every reader's tags
 * (`stringifyWithLibrary`), for any data; that differs from cdk8s's `Yaml.stringify` only in quoting more strings, and
 * every YAML reader loads it the same.
 */

// the module object the writer requires (its properties are plain and can be spied on)
const yamlLibrary = require('yaml') as typeof import('yaml');

const cdk8s = (documents: unknown[]) => Yaml.stringify(...documents);
const library = (documents: unknown[]) => documents.map((d) => (d === undefined ? '\n' : stringifyWithLibrary(d))).join('---\n');

/** Characters and words that decide quoting: indicators, YAML 1.1 look-alikes of other types, escapes, breaks. */
const CHARACTERS = [
  'a',
  'b',
  'Z',
  'e',
  'x',
  'y',
  'n',
  '0',
  '1',
  '7',
  '9',
  '-',
  '+',
  '?',
  ':',
  ' ',
  '#',
  "'",
  '"',
  '.',
  '_',
  '/',
  '~',
  '%',
  '@',
  '`',
  '|',
  '>',
  '!',
  '&',
  '*',
  '{',
  '}',
  '[',
  ']',
  ',',
  '\\',
  '<',
  '=',
  '\t',
  '\n',
  'é',
  '\u0007',
];
const WORDS = [
  '',
  'yes',
  'Yes',
  'NO',
  'on',
  'Off',
  'y',
  'N',
  'null',
  'Null',
  '~',
  'true',
  'FALSE',
  '0x1F',
  '0b101',
  '012',
  '0',
  '-1',
  '+3',
  '1_000',
  '1:20',
  '1:20.5',
  '1e3',
  '.5',
  '1.',
  '.inf',
  '-.Inf',
  '.nan',
  '2024-01-01',
  '2024-1-1 10:00:00',
  '<<',
  '---',
  '---x',
  '...',
  '- a',
  '? b',
  'a: b',
  'a #b',
  'a#b',
  'a:b',
  'http://x',
  '"q"',
  "it's",
  'both \' and "',
  '%x',
  '@x',
  'x ',
  ' x',
  'x:',
];

const text = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...WORDS) },
  { weight: 3, arbitrary: fc.array(fc.constantFrom(...CHARACTERS), { maxLength: 8 }).map((chars) => chars.join('')) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...WORDS), fc.constantFrom(...WORDS)).map(([a, b]) => `${a}${b}`) },
);
const scalar = fc.oneof(
  { weight: 4, arbitrary: text },
  { weight: 2, arbitrary: fc.integer({ min: -100000, max: 100000 }) },
  { weight: 1, arbitrary: fc.constantFrom(0.5, -2.25, 1e21, -0, Number.MAX_SAFE_INTEGER + 2, NaN, Infinity) },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
);
const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('map'), tie('list')),
  map: fc.dictionary(text, tie('value'), { maxKeys: 4 }),
  list: fc.array(tie('value'), { maxLength: 4 }),
}));
const manifest = fc.dictionary(text, value, { minKeys: 0, maxKeys: 6 });

/** Cases per run: a bounded run here (fixed seed); `YAML_RUNS=20000 npx vitest run test/program/yaml-output` for a long one. */
const RUNS = Number(process.env.YAML_RUNS ?? 500);

test(`prints any plain data exactly as the yaml library does with every reader's tags (${RUNS} generated cases)`, () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof({ weight: 9, arbitrary: manifest }, { weight: 1, arbitrary: fc.constant(undefined) }), { minLength: 1, maxLength: 3 }),
      (documents) => {
        expect(stringifyManifests(documents)).toBe(library(documents));
      },
    ),
    { numRuns: RUNS, seed: process.env.YAML_RUNS === undefined ? 20261123 : Date.now() },
  );
});

test(`prints any plain data so that YAML 1.1 and 1.2 read the same, and the same as cdk8s's output reads (${RUNS} generated cases)`, () => {
  fc.assert(
    // `<<` excepted: the yaml library prints it plain under YAML 1.1, a merge key there (lib/gate/yaml-readers.ts).
    fc.property(
      manifest.filter((document) => !JSON.stringify(document).includes('"<<"')),
      (document) => {
        const printed = stringifyManifests([document]);
        expect(yamlReadingDifferences(printed)).toEqual([]);
        expect(parse(printed, { version: '1.1', merge: false })).toEqual(parse(cdk8s([document]), { version: '1.1', merge: false }));
      },
    ),
    { numRuns: RUNS, seed: process.env.YAML_RUNS === undefined ? 20261206 : Date.now() },
  );
});

test.each([
  ['=', '"="'],
  ['0o755', '"0o755"'],
  ['0O755', '0O755'],
  ['yes', '"yes"'],
  ['n', '"n"'],
  ['1:20', '"1:20"'],
  ['0755', '"0755"'],
  ['1_000', '"1_000"'],
  ['=~', '=~'],
])('quotes the string %s as %s: YAML 1.1 (PyYAML) and 1.2 readers load it as the same string', (value, printed) => {
  // GIVEN a string value WHEN it is printed as a map value and a key THEN it is quoted exactly when some reader needs it
  expect(stringifyManifests([{ matchType: value }])).toBe(`matchType: ${printed}\n`);
  expect(stringifyManifests([{ [value]: 1 }])).toBe(`${printed}: 1\n`);
  expect(yamlReadingDifferences(`matchType: ${printed}\n`)).toEqual([]);
});

test.each([
  ['a map of every scalar kind', { s: 'plain', q: 'yes', n: 3, b: false, z: null, e: '', colon: 'a: b' }],
  ['nested maps and lists, empty ones too', { a: { b: [1, { c: [] }, [2, [3]], {}], d: {} }, e: [[], [{}]] }],
  ['quotes: single when only a double quote is inside, else double', { one: 'say "hi"', two: "it's", both: 'it\'s "x"', backslash: 'a\\b' }],
  ['multi-line and non-ASCII text (through the yaml library)', { script: 'line 1\nline 2\n', name: 'café', tab: 'a\tb' }],
  ['numbers the fast path leaves to the yaml library', { half: 0.5, big: 1e21, negativeZero: -0 }],
  ['undefined values and class instances (through the yaml library)', { gone: undefined, when: new Date(0) }],
  ['a key longer than 1,024 characters', { ['k'.repeat(1100)]: 1 }],
])('prints %s exactly as the yaml library does', (_name, document) => {
  expect(stringifyManifests([document])).toBe(library([document]));
});

test('prints documents that are not maps exactly as the yaml library does', () => {
  const documents = [[1, 2], 'text', 3, {}, undefined, { a: 1 }];
  expect(stringifyManifests(documents)).toBe(library(documents));
});

test("prints DVMM's manifests byte for byte as committed, without handing any to the yaml library", () => {
  const stringify = vi.spyOn(yamlLibrary, 'stringify');
  try {
    for (const environment of ['dev', 'staging', 'production']) {
      const file = path.join(__dirname, '..', '..', 'dist', environment, 'dvmm.k8s.yaml');
      const committed = fs.readFileSync(file, 'utf8');
      const documents = parseAllDocuments(committed).map((d) => d.toJS());
      expect(stringifyManifests(documents)).toBe(committed);
    }
    expect(stringify).not.toHaveBeenCalled();
  } finally {
    stringify.mockRestore();
  }
});
