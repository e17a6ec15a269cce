/**
 * The layer table of README.md and CONTRIBUTING.md, written by `npm run docs` from the one authority on the layers:
 * the LAYERS and CAPABILITIES of .dependency-cruiser.cjs (the same data its rules are generated from).
 */
import * as path from 'path';

/** A layer as .dependency-cruiser.cjs declares it. */
export interface Layer {
  readonly name: string;
  readonly folders: readonly string[];
  readonly is: string;
  readonly mayImport: readonly string[];
  readonly uses?: readonly string[];
}

/** What only some layers may load. */
export interface Capability {
  readonly name: string;
  readonly what: string;
}

/** The layer data of a dependency-cruiser config file. */
export function readLayers(config = path.join(__dirname, '..', '.dependency-cruiser.cjs')): { layers: Layer[]; capabilities: Capability[] } {
  return require(config) as { layers: Layer[]; capabilities: Capability[] };
}

/** The layers bottom first: folders, what each is, what it may import (besides itself) and what it alone may load. */
export function layerTable({ layers, capabilities }: { layers: readonly Layer[]; capabilities: readonly Capability[] } = readLayers()): string {
  const what = new Map(capabilities.map((capability) => [capability.name, capability.what]));
  const rows = layers.map((layer) => {
    const folders = layer.folders.map((folder) => `\`${folder}\``).join(', ');
    const imports = layer.mayImport.length === 0 ? '(nothing else)' : layer.mayImport.join(', ');
    const loads = (layer.uses ?? []).map((use) => what.get(use)).join('; ');
    return `| ${layer.name} | ${folders} | ${layer.is} | ${imports} | ${loads} |`;
  });
  return ['| layer | folders | what it is | may import (besides itself) | may also load |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}
