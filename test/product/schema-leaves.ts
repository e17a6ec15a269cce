import { TSchema } from '@sinclair/typebox';

/**
 * The leaves of a settings schema as dotted paths (see test/product/setting-leaves.test.ts): objects are walked into,
 * a map of objects as `<map>.*`, a list of objects as `<list>[]`, each branch of a discriminated union as
 * `<field>(<value>)`; a union of whole shapes below the top (an alert receiver) and a map of scalars are one leaf.
 */
export function leaves(schema: TSchema, at = ''): string[] {
  const s = schema as Record<string, any>;
  const join = (key: string) => (at ? `${at}.${key}` : key);
  if (s.if !== undefined) return branches(s, at);
  if (s.anyOf !== undefined) return (s.anyOf as TSchema[]).flatMap((branch) => leaves(branch, at));
  if (s.type === 'object' && s.properties !== undefined && Object.keys(s.properties).length > 0)
    return Object.entries(s.properties as Record<string, TSchema>).flatMap(([key, child]) => leaves(child, join(key)));
  const entry = s.type === 'object' && s.patternProperties !== undefined ? (Object.values(s.patternProperties)[0] as Record<string, any>) : undefined;
  if (entry?.type === 'object' && entry.properties !== undefined) return leaves(entry as TSchema, join('*'));
  if (s.type === 'array' && s.items?.type === 'object' && s.items.properties !== undefined) return leaves(s.items as TSchema, `${at}[]`);
  return [at];
}

/** The branches of a discriminated union (lib/product/settings-schema.ts `discriminated`); nested in a section, one leaf. */
function branches(s: Record<string, any>, at: string): string[] {
  const key = Object.keys(s.properties)[0];
  const values = s.properties[key].enum as string[];
  const shapes: Array<Record<string, any>> = [];
  let rest = s;
  while (rest.if !== undefined) {
    shapes.push(rest.then);
    rest = rest.else;
  }
  shapes.push(rest);
  // A receiver (paging, chat) is one value: its fields mean nothing apart.
  if (at.includes('.')) return [at];
  return shapes.flatMap((shape, i) => {
    const fields = Object.entries(shape.properties as Record<string, TSchema>).filter(([field]) => field !== key);
    const branch = `${at}(${values[i]})`;
    return fields.length === 0 ? [branch] : fields.flatMap(([field, child]) => leaves(child, `${branch}.${field}`));
  });
}
