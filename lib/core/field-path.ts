/**
 * A field path in the usual notation: `spec.template.spec.containers[0].image`, `metadata.annotations["a/b"]`,
 * `containers[name=api]` for a list item matched by its name. The gate's findings, the manifest diff and the secrets
 * inventory all name fields this way.
 */
export function fieldPath(segments: ReadonlyArray<string | number | { readonly name: string }>): string {
  let out = '';
  for (const segment of segments) {
    // an index is written [0], as a key that is no identifier is written ["a/b"]; a list item matched by its name [name=api]
    if (typeof segment === 'object') out += `[name=${segment.name}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out === '' ? '(object)' : out;
}

/** A key {@link fieldPath} writes bare (`spec`), and one it writes in brackets (`[0]`, `["a/b"]`, `[name=api]`). */
const IDENTIFIER = '[A-Za-z_$][A-Za-z0-9_$-]*';
const BRACKETED = String.raw`\[(?:\d+|"(?:[^"\\]|\\.)*"|name=[^\]]*)\]`;
/** A field path at the start of a message (or `apiVersion/kind`, or `(object)`), then `: `. */
const LEADING_FIELD = new RegExp(String.raw`^((?:${IDENTIFIER}|${BRACKETED})(?:\.${IDENTIFIER}|${BRACKETED})*|apiVersion\/kind|\(object\)): `);

/**
 * A message that starts with the field it is about (`spec.replicas: must be at least 2`, as the gate's findings do)
 * split into that field and the rest; `field` is undefined when the message names no field or the whole object.
 */
export function leadingField(message: string): { readonly field?: string; readonly text: string } {
  const match = LEADING_FIELD.exec(message);
  if (match === null) return { text: message };
  const text = message.slice(match[0].length);
  return match[1] === '(object)' ? { text } : { field: match[1], text };
}
