import { strictCrdSchema } from '../../lib/gate/crd-schema';

/**
 * strictCrdSchema: a CRD's openAPIV3Schema made strict the way the API server prunes. It runs when the shipped table
 * (lib/gate/crd-schemas.json, built by `npm run validators`) lacks a CRD, and builds that table; here it is checked
 * keyword by keyword.
 */

const META = { $ref: 'https://eaf.example.com/schemas/kubernetes.json#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' };

describe('strictCrdSchema', () => {
  test('closes every object the API server would prune, and keeps what it checks', () => {
    const schema = {
      type: 'object',
      description: 'a CRD',
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { type: 'object' },
        status: { type: 'object', properties: { phase: { type: 'string' } } },
        spec: {
          type: 'object',
          default: {},
          'x-kubernetes-validations': [{ rule: 'self.a > 0' }],
          required: ['size'],
          properties: {
            size: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }], pattern: '^[0-9]+$' },
            mixed: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string', maxLength: 3 }] },
            maybe: { nullable: true, description: 'no type' },
            typed: { type: 'string', nullable: true, format: 'date-time' },
            odd: { type: 'string', format: 'uuid-ish', pattern: '(unclosed' },
            free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
            pod: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object' } } },
            labels: { type: 'object', additionalProperties: { type: 'string' }, 'x-kubernetes-map-type': 'atomic' },
            flags: { type: 'object', additionalProperties: true },
            list: {
              type: 'array',
              'x-kubernetes-list-type': 'map',
              'x-kubernetes-list-map-keys': ['name'],
              items: { type: 'object', properties: { name: { type: 'string' } } },
            },
            choice: {
              oneOf: [{ properties: { a: { type: 'string' } } }, { required: ['b'] }],
              allOf: 'not a list',
              not: { type: 'object', properties: { c: { type: 'string' } } },
            },
            none: { not: null },
            gone: undefined,
          },
        },
      },
    };
    expect(strictCrdSchema(schema)).toEqual({
      type: 'object',
      additionalProperties: false,
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: META,
        // status is the controller's: any object
        status: { type: 'object' },
        spec: {
          type: 'object',
          required: ['size'],
          additionalProperties: false,
          properties: {
            // int-or-string: both types; a union of bare types says no more and goes, one with limits stays
            size: { type: ['integer', 'string'], pattern: '^[0-9]+$' },
            mixed: { type: ['integer', 'string'], anyOf: [{ type: 'integer' }, { type: 'string', maxLength: 3 }] },
            // nullable means something only beside a type
            maybe: {},
            typed: { type: 'string', nullable: true, format: 'date-time' },
            // a format ajv does not know and a pattern JavaScript cannot compile are left out, not failed on
            odd: { type: 'string' },
            free: { type: 'object' },
            // an embedded resource has apiVersion, kind and metadata; it stays open when it preserves unknown fields
            template: { type: 'object', properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' } } },
            pod: {
              type: 'object',
              additionalProperties: false,
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec: { type: 'object', additionalProperties: false },
              },
            },
            labels: { type: 'object', additionalProperties: { type: 'string' } },
            flags: { type: 'object', additionalProperties: true },
            list: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } }, additionalProperties: false } },
            // inside oneOf/anyOf/allOf/not nothing is closed: a branch sees only part of the object
            choice: {
              oneOf: [{ properties: { a: { type: 'string' } } }, { required: ['b'] }],
              not: { type: 'object', properties: { c: { type: 'string' } } },
            },
            none: {},
          },
        },
      },
    });
  });

  test('makes even a missing schema an object of the usual top-level fields', () => {
    expect(strictCrdSchema(undefined)).toEqual({
      properties: { status: { type: 'object' }, metadata: META, apiVersion: { type: 'string' }, kind: { type: 'string' } },
      additionalProperties: false,
    });
  });
});
