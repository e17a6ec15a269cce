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
  const parts = pathParts(path);
  const matches: Match[] = [];
  // Depth first, one path of segments pushed and popped as it goes: the values come out in the same order as level by
  // level, without copying every partial path at every step (the inventory walks ~60 sites of every object, most of
  // which lead nowhere; copying was most of its time).
  const segments: Array<string | number | { name: string }> = [];
  const descend = (at: Position, node: unknown, holder: unknown): void => {
    if (at.part === parts.length) {
      matches.push({ value: node, path: fieldPath(segments), container: at.container, volume: at.volume });
      return;
    }
    const { field, suffixes } = parts[at.part];
    if (at.suffix === -1) {
      if (field === '') return descend({ ...at, suffix: 0 }, node, holder);
      const child = isObject(node) ? node[field] : undefined;
      if (child === undefined || child === null) return;
      segments.push(field);
      descend({ ...at, suffix: 0 }, child, node);
      segments.pop();
      return;
    }
    if (at.suffix === suffixes.length) return descend({ ...at, part: at.part + 1, suffix: -1 }, node, holder);
    const next = { ...at, suffix: at.suffix + 1 };
    if (suffixes[at.suffix] === '{}') {
      if (!isObject(node)) return;
      for (const [key, value] of Object.entries(node)) {
        segments.push(key);
        descend(next, value, holder);
        segments.pop();
      }
      return;
    }
    if (!Array.isArray(node)) return;
    node.forEach((item: unknown, i) => {
      const name = isObject(item) && typeof item.name === 'string' ? item.name : undefined;
      const container = (CONTAINER_LISTS as readonly string[]).includes(field) ? name : undefined;
      const volume = field === 'volumes' && name !== undefined && isObject(holder) ? { pod: holder, name } : undefined;
      segments.push(name === undefined ? i : { name });
      descend({ ...next, container: container ?? at.container, volume: volume ?? at.volume }, item, holder);
      segments.pop();
    });
  };
  descend({ part: 0, suffix: -1 }, root, undefined);
  return matches;
}

/** Where a walk is: which part of the path, which of its suffixes (-1: its field), and the container or volume so far. */
interface Position {
  readonly part: number;
  readonly suffix: number;
  readonly container?: string;
  readonly volume?: Match['volume'];
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
