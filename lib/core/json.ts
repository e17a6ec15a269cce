/** Reading parsed JSON (rendered or committed manifests) without `any`: narrow with these, never cast. */

/** Whether `value` is a JSON object (not null, not a list). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at `fields` in a JSON object, like `object.a?.b?.c`: undefined where a field on the way is missing. */
export function valueAt(object: unknown, ...fields: string[]): unknown {
  return fields.reduce<unknown>((node, field) => (isObject(node) ? node[field] : undefined), object);
}
