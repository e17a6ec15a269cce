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
