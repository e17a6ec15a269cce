import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { formatFinding, Manifest, ManifestValidator } from '../../lib/gate';
import { readCrdFolder } from '../../lib/program/crd-files';

/**
 * How a CRD's openAPIV3Schema is made strict: a small CRD written for the test, with each schema feature the
 * gate handles (patterns it can and cannot compile, int-or-string, nullable, embedded resources, preserved
 * fields, maps, lists, junctions, formats it knows and ones it ignores, CEL rules, unserved versions).
 */
const WIDGET_CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names:
    kind: Widget
    plural: widgets
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          description: A widget.
          properties:
            spec:
              type: object
              required: [size]
              properties:
                size:
                  type: string
                  pattern: '^[a-z]+$'
                  maxLength: 5
                  default: small
                caseless:
                  type: string
                  pattern: '(?i)^abc$'
                port:
                  x-kubernetes-int-or-string: true
                  anyOf: [{type: integer}, {type: string}]
                count:
                  type: integer
                  minimum: 1
                  maximum: 10
                color:
                  type: string
                  enum: [red, green]
                nickname:
                  type: string
                  nullable: true
                template:
                  type: object
                  x-kubernetes-embedded-resource: true
                  x-kubernetes-preserve-unknown-fields: true
                free:
                  type: object
                  x-kubernetes-preserve-unknown-fields: true
                labels:
                  type: object
                  additionalProperties:
                    type: string
                list:
                  type: array
                  items:
                    type: object
                    properties:
                      name: {type: string}
                choice:
                  type: object
                  oneOf:
                    - required: [a]
                    - required: [b]
                  properties:
                    a: {type: string}
                    b: {type: string}
                when:
                  type: string
                  format: date-time
                day:
                  type: string
                  format: date
                odd:
                  type: string
                  format: hostname-ish
                  x-kubernetes-validations:
                    - rule: self.size() > 1
                never:
                  not: {type: string}
                exact:
                  type: string
                  enum: [only]
                small:
                  type: integer
                  format: int32
                big:
                  type: integer
                  format: int64
                ratio:
                  type: number
                  format: double
                share:
                  type: number
                  format: float
                blob:
                  type: string
                  format: byte
                size2:
                  type: string
                  format: quantity
                fixed:
                  type: string
                  const: x
            status:
              type: object
              properties:
                ready: {type: boolean}
    - name: v1beta1
      served: false
      storage: false
      schema:
        openAPIV3Schema:
          type: object
`;

let dir: string;
let validator: ManifestValidator;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'widget-crds-'));
  fs.writeFileSync(path.join(dir, 'widgets.yaml'), WIDGET_CRD);
  validator = new ManifestValidator({ crds: readCrdFolder(dir, { cache: false }), reuseCompiled: false });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const widget = (spec: Record<string, unknown>, extra: Record<string, unknown> = {}, apiVersion = 'example.com/v1'): Manifest => ({
  apiVersion,
  kind: 'Widget',
  metadata: { name: 'w', namespace: 'shop' },
  spec,
  ...extra,
});

function schemaFindings(objects: Manifest[]): string[] {
  return validator
    .validate([{ environment: 'dev', critical: false, objects }])
    .findings.filter((f) => f.rule === 'schema-crd')
    .map(formatFinding);
}

const W = 'dev: Widget/shop/w: [schema-crd]';

describe('schema-crd: a CRD schema made strict', () => {
  test('accepts what the API server accepts: int-or-string, null where nullable, embedded and preserved objects, maps, lists, known formats, an unchecked status', () => {
    // GIVEN a widget using every feature, with values the API server takes
    const good = widget(
      {
        size: 'small',
        caseless: 'ABC',
        port: 'http',
        count: 10,
        color: 'red',
        nickname: null,
        template: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 'b' } },
        free: { any: { thing: 1 } },
        labels: { a: 'b' },
        list: [{ name: 'x' }],
        choice: { a: 'x' },
        when: '2024-01-31T12:00:00Z',
        day: '2024-01-31',
        odd: 'x',
        never: 1,
        exact: 'only',
      },
      { status: { ready: 'maybe', other: 1 } },
    );
    // WHEN validated THEN nothing is found: a pattern JavaScript cannot compile ((?i)), an unknown format and CEL rules are not checked
    expect(schemaFindings([good, widget({ size: 'abc', port: 8080, count: 1 })])).toEqual([]);
  });

  test('reports each broken constraint in document order, in words', () => {
    const bad = widget({
      size: 'TOOLONG1',
      port: true,
      count: 0,
      color: 'blue',
      nickname: 5,
      template: { apiVersion: 1 },
      labels: { a: 1 },
      list: [{ name: 'x', bogus: 1 }],
      choice: { a: 'x', b: 'y' },
      when: 'yesterday',
      day: '31.01.2024',
      never: 'x',
      exact: 'other',
      extra: 1,
    });
    expect(schemaFindings([bad])).toEqual([
      `${W} spec.size: must NOT have more than 5 characters (got "TOOLONG1"); fix: correct spec.size (see the example.com/v1 Widget schema)`,
      `${W} spec.size: must match pattern "^[a-z]+$" (got "TOOLONG1"); fix: correct spec.size (see the example.com/v1 Widget schema)`,
      `${W} spec.port: must be an integer or a string (got true); fix: write spec.port as an integer or a string`,
      `${W} spec.count: must be >= 1 (got 0); fix: use a value >= 1`,
      `${W} spec.color: must be one of red, green (got "blue"); fix: use one of red, green`,
      `${W} spec.nickname: must be a string (got 5); fix: write spec.nickname as a string`,
      `${W} spec.template.apiVersion: must be a string (got 1); fix: write spec.template.apiVersion as a string`,
      `${W} spec.labels.a: must be a string (got 1); fix: write spec.labels.a as a string`,
      `${W} spec.list[0].bogus: unknown field (not in the example.com/v1 Widget schema) (got 1); fix: remove spec.list[0].bogus; the fields of spec.list[0] are name`,
      `${W} spec.choice: matches not exactly one of the forms the example.com/v1 Widget schema allows here (got {"a":"x","b":"y"}); fix: give spec.choice exactly one of the allowed forms (see the schema)`,
      `${W} spec.when: must be an RFC 3339 date-time such as 2024-01-31T12:00:00Z (got "yesterday"); fix: write spec.when as an RFC 3339 date-time such as 2024-01-31T12:00:00Z`,
      `${W} spec.day: must be a date such as 2024-01-31 (got "31.01.2024"); fix: write spec.day as a date such as 2024-01-31`,
      `${W} spec.never: must NOT be valid (got "x"); fix: correct spec.never (see the example.com/v1 Widget schema)`,
      `${W} spec.exact: must be one of only (got "other"); fix: use one of only`,
      `${W} spec.extra: unknown field (not in the example.com/v1 Widget schema) (got 1); fix: remove spec.extra; the fields of spec are big, blob, caseless, choice, color, count, day, exact, fixed, free, labels, list, never, nickname, odd, ...`,
    ]);
  });

  test('reports a missing required field and a maximum', () => {
    expect(schemaFindings([widget({ count: 11 })])).toEqual([
      `${W} spec.size: is required (got nothing); fix: set spec.size`,
      `${W} spec.count: must be <= 10 (got 11); fix: use a value <= 10`,
    ]);
  });

  test('words a constant (a keyword structural schemas lack, handled all the same)', () => {
    expect(schemaFindings([widget({ size: 'a', fixed: 'x' })])).toEqual([]);
    expect(schemaFindings([widget({ size: 'a', fixed: 'y' })])).toEqual([`${W} spec.fixed: must be "x" (got "y"); fix: set spec.fixed to "x"`]);
  });

  test('refuses a version the CRD does not serve, naming the served one', () => {
    expect(schemaFindings([widget({ size: 'a' }, {}, 'example.com/v1beta1')])).toEqual([
      `${W} apiVersion: Widget.example.com has no served version v1beta1 in widgets.yaml (served: v1) (got "example.com/v1beta1"); fix: use apiVersion example.com/v1, or update the CRD in the CRD folder`,
    ]);
  });

  test('refuses an unknown top-level field, listing the fields of the object', () => {
    expect(schemaFindings([widget({ size: 'a' }, { spex: {} })])).toEqual([
      `${W} spex: unknown field (not in the example.com/v1 Widget schema) (got {}); fix: remove spex or rename it to spec`,
    ]);
    expect(schemaFindings([widget({ size: 'a' }, { zzzzzzzz: {} })])).toEqual([
      `${W} zzzzzzzz: unknown field (not in the example.com/v1 Widget schema) (got {}); fix: remove zzzzzzzz; the fields of the object are apiVersion, kind, metadata, spec, status`,
    ]);
  });

  test('checks the numeric, byte, date-time and quantity formats at their edges', () => {
    // GIVEN values just inside each format
    const inside = [
      widget({
        size: 'a',
        small: 2147483647,
        big: 9007199254740991,
        ratio: 0.5,
        share: -1.5,
        blob: 'aGk=',
        when: '2024-01-31t12:00:00z',
        size2: '512Mi',
      }),
      widget({ size: 'a', small: -2147483648, blob: 'aA==', when: '2024-01-31 12:00:00.123+01:00', size2: '0.5' }),
      widget({ size: 'a', blob: '', when: '2024-01-31T12:00:00-05:30' }),
    ];
    expect(schemaFindings(inside)).toEqual([]);
    // WHEN just outside THEN each is named in words
    const outside = widget({ size: 'a', small: 2147483648, big: 1.5, blob: 'aGk', when: '2024-01-31T12:00Z', size2: '1 GB' });
    const low = widget({ size: 'a', small: -2147483649, when: '2024-01-31T12:00:00' });
    expect(schemaFindings([outside, low])).toEqual([
      `${W} spec.small: must be a whole number from -2147483648 to 2147483647 (got 2147483648); fix: write spec.small as a whole number from -2147483648 to 2147483647`,
      `${W} spec.big: must be an integer (got 1.5); fix: write spec.big as an integer`,
      `${W} spec.big: must be a whole number (got 1.5); fix: write spec.big as a whole number`,
      `${W} spec.blob: must be base64-encoded data (got "aGk"); fix: write spec.blob as base64-encoded data`,
      `${W} spec.when: must be an RFC 3339 date-time such as 2024-01-31T12:00:00Z (got "2024-01-31T12:00Z"); fix: write spec.when as an RFC 3339 date-time such as 2024-01-31T12:00:00Z`,
      `${W} spec.size2: must be a quantity such as 250m, 1, 512Mi or 1Gi (got "1 GB"); fix: write spec.size2 as a quantity such as 250m, 1, 512Mi or 1Gi`,
      `${W} spec.small: must be a whole number from -2147483648 to 2147483647 (got -2147483649); fix: write spec.small as a whole number from -2147483648 to 2147483647`,
      `${W} spec.when: must be an RFC 3339 date-time such as 2024-01-31T12:00:00Z (got "2024-01-31T12:00:00"); fix: write spec.when as an RFC 3339 date-time such as 2024-01-31T12:00:00Z`,
    ]);
  });
});
