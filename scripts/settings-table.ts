/**
 * The environment-file settings as a Markdown table, read from the JSON Schema `eaf-cdk8s schema` prints (the one synth
 * checks the files against), so the reference cannot say what the schema does not. Object maps keyed by a name the
 * product chooses appear as `<name>`, list items as `[]`; the branches of a setting that takes several shapes
 * (`if`/`then`/`else`, `anyOf`, `oneOf`) are merged into one row per path, and what only a branch requires is not marked
 * required (the description says when it is needed).
 */

/** The part of JSON Schema draft-07 this table reads. */
interface Schema {
  readonly type?: string | string[];
  readonly enum?: unknown[];
  readonly const?: unknown;
  readonly description?: string;
  readonly required?: string[];
  readonly properties?: Record<string, Schema | boolean>;
  readonly additionalProperties?: Schema | boolean;
  readonly patternProperties?: Record<string, Schema | boolean>;
  readonly items?: Schema | boolean;
  readonly anyOf?: Array<Schema | boolean>;
  readonly oneOf?: Array<Schema | boolean>;
  readonly then?: Schema | boolean;
  readonly else?: Schema | boolean;
}

interface Row {
  types: Set<string>;
  required: boolean;
  descriptions: Set<string>;
}

function typeOf(schema: Schema): string[] {
  if (schema.const !== undefined) return [JSON.stringify(schema.const)];
  if (schema.enum !== undefined) return schema.enum.map((v) => JSON.stringify(v));
  if (schema.type !== undefined) return Array.isArray(schema.type) ? schema.type : [schema.type];
  return [];
}

/** Visits one schema at `path`, adding its row and its children's. */
function visit(schema: Schema | boolean, path: string, required: boolean, rows: Map<string, Row>): void {
  if (typeof schema === 'boolean') return;
  if (path !== '') {
    const row = rows.get(path) ?? { types: new Set<string>(), required, descriptions: new Set<string>() };
    typeOf(schema).forEach((t) => row.types.add(t));
    if (schema.description !== undefined) row.descriptions.add(schema.description);
    rows.set(path, row);
  }
  const prefix = path === '' ? '' : `${path}.`;
  for (const [key, child] of Object.entries(schema.properties ?? {})) visit(child, `${prefix}${key}`, schema.required?.includes(key) ?? false, rows);
  if (typeof schema.additionalProperties === 'object') visit(schema.additionalProperties, `${prefix}<name>`, false, rows);
  for (const child of Object.values(schema.patternProperties ?? {})) visit(child, `${prefix}<name>`, false, rows);
  if (schema.items !== undefined) visit(schema.items, `${path}[]`, false, rows);
  for (const branch of [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), schema.then ?? false, schema.else ?? false]) {
    if (typeof branch === 'object')
      visit({ ...branch, description: undefined, type: undefined, enum: undefined, const: undefined, required: undefined }, path, required, rows);
    if (typeof branch === 'object' && path !== '') typeOf(branch).forEach((t) => rows.get(path)!.types.add(t));
  }
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** One row per setting path: `| setting | type | required | what to give |`. */
export function settingsTable(schema: Schema): string {
  const rows = new Map<string, Row>();
  visit(schema, '', true, rows);
  const lines = [...rows.entries()].map(([path, row]) => {
    const types = [...row.types].join(' | ') || 'object';
    return `| \`${path}\` | ${cell(types)} | ${row.required ? 'yes' : ''} | ${cell([...row.descriptions].join('; '))} |`;
  });
  return ['| setting | type | required | what to give |', '| --- | --- | --- | --- |', ...lines].join('\n');
}
