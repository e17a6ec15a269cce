import { fieldPath } from '../core/field-path';
import { isObject } from '../core/json';

/**
 * A site's path in the rendered objects (`a.b[].c{}.d`: `[]` is each item of a list, `{}` each value of a map) and
 * the values it reaches in one object, with the container or pod volume each belongs to.
 */

/** The lists of a pod spec that hold containers. */
export const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;

/** A value found at a site's path, with where it is and, inside a pod, the container or volume it belongs to. */
export interface Match {
  readonly value: unknown;
  readonly path: string;
  readonly container?: string;
  /** The pod spec and the volume's name, for a volume's reference. */
  readonly volume?: { readonly pod: Record<string, unknown>; readonly name: string };
}

/** The values at a site's path (`a.b[].c{}.d`), each with its concrete path in the usual notation. */
export function walk(root: unknown, path: string): Match[] {
  interface Step {
    readonly node: unknown;
    /** The object holding the last field: for `volumes[]`, the pod spec. */
    readonly holder?: unknown;
    readonly segments: ReadonlyArray<string | number | { name: string }>;
    readonly container?: string;
    readonly volume?: Match['volume'];
  }
  let steps: Step[] = [{ node: root, segments: [] }];
  for (const { field, suffixes } of pathParts(path)) {
    steps = steps.flatMap((s): Step[] => {
      if (field === '') return [s];
      const node = isObject(s.node) ? s.node[field] : undefined;
      return node === undefined || node === null ? [] : [{ ...s, node, holder: s.node, segments: [...s.segments, field] }];
    });
    for (const suffix of suffixes) {
      steps = steps.flatMap((s): Step[] => {
        if (suffix === '{}')
          return isObject(s.node) ? Object.entries(s.node).map(([key, node]) => ({ ...s, node, segments: [...s.segments, key] })) : [];
        if (!Array.isArray(s.node)) return [];
        return s.node.map((node, i): Step => {
          const name = isObject(node) && typeof node.name === 'string' ? node.name : undefined;
          const container = (CONTAINER_LISTS as readonly string[]).includes(field) ? name : undefined;
          const volume = field === 'volumes' && name !== undefined && isObject(s.holder) ? { pod: s.holder, name } : undefined;
          return {
            ...s,
            node,
            segments: [...s.segments, name === undefined ? i : { name }],
            container: container ?? s.container,
            volume: volume ?? s.volume,
          };
        });
      });
    }
  }
  return steps.map((s) => ({ value: s.node, path: fieldPath(s.segments), container: s.container, volume: s.volume }));
}

const parsedPaths = new Map<string, ReadonlyArray<{ readonly field: string; readonly suffixes: readonly string[] }>>();

/** A site's path in parts, `a.b[].c{}` as fields each with its `[]` and `{}`: parsed once per path, read for every object. */
function pathParts(path: string): ReadonlyArray<{ readonly field: string; readonly suffixes: readonly string[] }> {
  let parts = parsedPaths.get(path);
  if (parts === undefined) {
    parts = path.split('.').map((part) => {
      const [, field, suffixes] = /^([^[{]*)((?:\[\]|\{\})*)$/.exec(part)!;
      return { field, suffixes: suffixes.match(/\[\]|\{\}/g) ?? [] };
    });
    parsedPaths.set(path, parts);
  }
  return parts;
}
