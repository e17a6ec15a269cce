import * as fs from 'fs';
import * as path from 'path';

/**
 * The Kubernetes objects of an output folder, as every `verify` tier reads them: the documents of its `*.yaml` and
 * `*.yml` files (in name order) that are mappings with a string `kind`. `undefined` when the folder does not exist.
 */
export function readManifestFolder<T extends object>(dir: string): T[] | undefined {
  if (!fs.existsSync(dir)) return undefined;
  // Loaded here, not at import: importing the library must not load the YAML library.
  const { parseAllDocuments } = require('yaml') as typeof import('yaml');
  return fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .flatMap((file) => parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8')).map((doc) => doc.toJS() as unknown))
    .filter((o): o is T => o !== null && typeof o === 'object' && !Array.isArray(o) && typeof (o as { kind?: unknown }).kind === 'string');
}

/** Why a tier refuses a folder without objects: a PASS on nothing (`foo: bar`, an empty folder) would be a false pass. */
export function noObjectsProblem(dir: string): string {
  return `${dir} holds no Kubernetes objects; run synth first`;
}
