import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { CrdFileText, CrdFolder, ParsedCrdCache } from '../gate';

/**
 * The gate's file reading: a folder of CustomResourceDefinition files read into a {@link CrdFolder} (the files'
 * texts), with a cache of parsed files in a folder on disk. The gate does no I/O; it gets this data.
 */

/** Where parsed CRD files are cached by default: per user, so no other account's files are ever trusted. */
export const DEFAULT_CRD_CACHE = path.join(os.tmpdir(), `eaf-cdk8s-crd-cache-${os.userInfo().uid}`);

/** Options of {@link readCrdFolder}. */
export interface ReadCrdFolderOptions {
  /**
   * Folder where parsed CRD files are kept as JSON, keyed by the SHA-256 of their text (parsing the YAML is the
   * slowest step of the gate); `false` parses every time.
   * @default - `eaf-cdk8s-crd-cache-<uid>` in the OS temp folder
   */
  readonly cache?: string | false;
}

/** The CRD folder cannot be read as one: bad input (exit 1), not a bug. */
export class CrdFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CrdFolderError';
  }
}

/** Folders read by their files' names, sizes and times and the cache: an unchanged folder is the same object. */
const READ = new Map<string, CrdFolder>();

/**
 * The YAML files (`*.yaml`, `*.yml`) of a CRD folder, sorted by name, with their texts. Reading the same unchanged
 * folder (same files, sizes and modification times) with the same cache again gives the same object, so that
 * validators of it share what they compiled (`ManifestValidator`'s `reuseCompiled`).
 */
export function readCrdFolder(directory: string, options: ReadCrdFolderOptions = {}): CrdFolder {
  if (!fs.existsSync(directory) || !fs.statSync(directory).isDirectory()) {
    throw new CrdFolderError(`crdDirectory ${directory} is not a folder; point it at the folder of CustomResourceDefinition YAML files (e.g. crds/)`);
  }
  const cache = options.cache ?? DEFAULT_CRD_CACHE;
  const names = fs
    .readdirSync(directory)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  const signature = names.map((name) => {
    const stat = fs.statSync(path.join(directory, name));
    return `${name}:${stat.size}:${stat.mtimeMs}`;
  });
  const key = JSON.stringify([path.resolve(directory), cache, signature]);
  let folder = READ.get(key);
  if (folder === undefined) {
    const files: CrdFileText[] = names.map((name) => path.join(directory, name)).map((file) => ({ file, text: fs.readFileSync(file, 'utf8') }));
    folder = { directory, files, cache: cache === false ? undefined : parsedCrdCache(cache) };
    READ.set(key, folder);
  }
  return folder;
}

/** A cache entry: the parsed documents with the hash of the source they came from and the hash of their own text. */
interface CacheEntry {
  readonly source: string;
  readonly digest: string;
  readonly documents: string;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Parsed CRD files as JSON in `folder` (created private: 0700, each entry 0600), one file per source hash. An entry
 * is used only when it names that source hash and its documents hash to the digest it carries; anything else (a
 * damaged, truncated or edited entry) counts as missing, so the gate parses the YAML again and rewrites it.
 */
export function parsedCrdCache(folder: string): ParsedCrdCache {
  const entryFile = (source: string) => path.join(folder, `${source}.json`);
  return {
    get(source) {
      try {
        const entry = JSON.parse(fs.readFileSync(entryFile(source), 'utf8')) as CacheEntry;
        const intact = entry.source === source && typeof entry.documents === 'string' && sha256(entry.documents) === entry.digest;
        if (intact) return JSON.parse(entry.documents);
      } catch {
        // missing or damaged: the gate parses the YAML again and rewrites it
      }
      return undefined;
    },
    set(source, documents) {
      try {
        fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
        const json = JSON.stringify(documents);
        const entry: CacheEntry = { source, digest: sha256(json), documents: json };
        const temporary = `${entryFile(source)}.${process.pid}.tmp`;
        fs.writeFileSync(temporary, JSON.stringify(entry), { mode: 0o600 });
        fs.renameSync(temporary, entryFile(source));
      } catch {
        // caching is an optimisation only
      }
    },
  };
}
