import { IConstruct } from 'constructs';

/**
 * How a construct's child got its props: from which of the construct's own props. A construct that builds a child
 * from a part of its props says so here, once, where it passes them (Keycloak builds its database from
 * `databaseOptions`); a child's error is then an error about that prop of its parent, and the product chart traces it
 * on to the environment setting (see lib/product/provenance.ts) without knowing the child's construct id.
 *
 * A prefix (`'databaseOptions'`) puts every property of the child under that prop; a map names the parent's prop of
 * each child property that comes from one (`{ steps: 'rollout.canary.steps' }`).
 */
export type ChildProps = string | Readonly<Record<string, string>>;

// Kept beside the tree rather than in it: the parent registers before the child exists (the child's constructor may
// be what throws), and construct metadata would be synthesised into the output of some tools.
const CHILDREN = new WeakMap<IConstruct, Map<string, ChildProps>>();

/** Records that the child `childId` of `parent` gets its props from `from` (see {@link ChildProps}). */
export function childPropsFrom(parent: IConstruct, childId: string, from: ChildProps): void {
  const children = CHILDREN.get(parent) ?? new Map<string, ChildProps>();
  children.set(childId, from);
  CHILDREN.set(parent, children);
}

/**
 * The prop of `scope`'s parent that `property` of `scope` came from, when the parent said so
 * ({@link childPropsFrom}); else undefined.
 */
export function parentProperty(scope: IConstruct, property: string): { readonly scope: IConstruct; readonly property: string } | undefined {
  const parent = scope.node.scope;
  const from = parent === undefined ? undefined : CHILDREN.get(parent)?.get(scope.node.id);
  if (parent === undefined || from === undefined) return undefined;
  if (typeof from === 'string') return { scope: parent, property: `${from}.${property}` };
  const head = property.split(/[.[]/)[0];
  const mapped = from[head];
  return mapped === undefined ? undefined : { scope: parent, property: `${mapped}${property.slice(head.length)}` };
}
