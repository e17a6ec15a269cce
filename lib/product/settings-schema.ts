import { Static, TObject, TProperties, TSchema, Type } from '@sinclair/typebox';
import { DNS_NAME, Format, IMAGE_TAG_OR_DIGEST } from '../core/formats';
import { QUANTITY_PATTERN } from '../core/quantity';
import { DURATION_PATTERN } from '../observability/promql';

/** The building blocks of the environment settings' schemas (lib/product/settings.ts): each carries its fix as its description. */

/** A string of a {@link Format}, with the format's fix as its description. */
export function formatted(format: Format, description = format.fix) {
  return Type.String({ pattern: format.pattern, description });
}

export const optional = <T extends TSchema>(schema: T) => Type.Optional(schema);

/** One of a few strings, as JSON Schema `enum` (its error names the allowed values) typed as their union. */
export function oneOf<const V extends readonly string[]>(values: V, description: string) {
  return Type.Unsafe<V[number]>({ type: 'string', enum: [...values], description });
}
export const strict = <T extends TProperties>(properties: T, description?: string) =>
  Type.Object(properties, { additionalProperties: false, ...(description ? { description } : {}) });

export const Quantity = Type.String({ pattern: QUANTITY_PATTERN, description: 'use a Kubernetes quantity such as 250m, 1, 512Mi or 1Gi' });
/**
 * Replicas, instances and other counts of pods or objects: more than a thousand of one thing in one environment is a
 * typo (`1e9`, an extra zero or two), not a plan; Kubernetes would try to create them all.
 */
export const Count = Type.Integer({ minimum: 1, maximum: 1000, description: 'use a whole number from 1 to 1000' });
/** Connection counts of a pooler, which run to the thousands. */
export const ConnectionCount = Type.Integer({ minimum: 1, maximum: 100_000, description: 'use a whole number from 1 to 100000' });
export const Port = Type.Integer({ minimum: 1, maximum: 65535, description: 'use a TCP port from 1 to 65535' });
export const Tag = formatted(IMAGE_TAG_OR_DIGEST);

/**
 * An object whose `key` picks one of several shapes, as `if`/`then`/`else` so that a bad value is reported
 * against the branch it chose (an `anyOf` would report every branch). Typed as the union of the branches.
 */
export function discriminated<K extends string, B extends TObject[]>(key: K, branches: [...B], fix: string) {
  const values = branches.map((b) => (b.properties[key] as unknown as { const: string }).const);
  const relaxed = branches.map((b) => ({ ...b, properties: { ...b.properties, [key]: true } }));
  const chain = (i: number): Record<string, unknown> =>
    i === relaxed.length - 1 ? relaxed[i] : { if: { properties: { [key]: { const: values[i] } } }, then: relaxed[i], else: chain(i + 1) };
  return Type.Unsafe<Static<B[number]>>({
    type: 'object',
    required: [key],
    properties: { [key]: { enum: values, description: fix } },
    ...chain(0),
  });
}

export const Percent = Type.Number({ exclusiveMinimum: 0, maximum: 100, description: 'use a percentage above 0 and at most 100' });
export const Positive = Type.Number({ exclusiveMinimum: 0, description: 'use a number above 0' });
export const SecretKey = strict(
  {
    secretName: formatted(DNS_NAME, 'name the Secret'),
    key: Type.String({ pattern: '^[-._a-zA-Z0-9]+$', description: 'name a key of the Secret' }),
  },
  'give secretName and key',
);
export const Duration = Type.String({ pattern: DURATION_PATTERN, description: "use a duration such as '30s', '5m' or '4h'" });
