import * as fs from 'fs';
import * as path from 'path';
import { SealedSecretFiles } from '../secrets/sealed-secrets';
import { yamlErrorLine } from './environment-files';

/**
 * Reading an environment's committed SealedSecret files (`sealed-secrets/<environment>/*.yaml`, kubeseal's output) for
 * the product chart, which checks them against the Secrets the environment references and renders them into its
 * output. This is program code (it reads files); the chart only receives the parsed objects.
 */

/** The most a SealedSecret file may hold: kubeseal's output for a Secret is a few kilobytes; Secrets hold at most 1 MiB. */
const MAX_SEALED_SECRET_FILE_BYTES = 2 * 1024 * 1024;

/** What reading a folder of SealedSecret files found: every object of its files, and every problem. */
export interface SealedSecretFolder {
  /** The objects, each with the file it came from, for the chart (see `SEALED_SECRETS_CONTEXT`). */
  readonly sealed: SealedSecretFiles;
  /** Every problem, one line each: `<path>: <problem>; <fix>`. */
  readonly problems: string[];
}

/**
 * Reads a folder of SealedSecret files: `*.yaml` regular files (each may hold several documents); hidden files and `*.md`
 * notes are ignored, anything else is a problem named by its path and never read. A folder that does not exist holds
 * no file (the chart then names every Secret that lacks one, with the command that seals it). `shown` is how paths are
 * written in messages and in the commands the chart suggests. Never throws for bad input.
 */
export function readSealedSecretFolder(folder: string, shown: string = folder): SealedSecretFolder {
  const stat = fs.statSync(folder, { throwIfNoEntry: false });
  if (stat === undefined) return { sealed: { folder: shown, files: [] }, problems: [] };
  if (!stat.isDirectory())
    return {
      sealed: { folder: shown, files: [] },
      problems: [
        `${shown}: is not a folder; give the folder of the environment's SealedSecret files (kubeseal's output, one <name>.yaml per Secret)`,
      ],
    };
  const problems: string[] = [];
  const files: Array<{ file: string; manifest: unknown }> = [];
  const entries = fs
    .readdirSync(folder, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.') && !/\.md$/i.test(e.name))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const file = path.join(folder, entry.name);
    const named = path.join(shown, entry.name);
    if (!entry.isFile() || !entry.name.endsWith('.yaml')) {
      problems.push(
        `${named}: is not a SealedSecret file; the folder holds only <name>.yaml files (kubeseal's output), ` +
          `*.md notes and hidden files (move it out)`,
      );
      continue;
    }
    const size = fs.statSync(file).size;
    if (size > MAX_SEALED_SECRET_FILE_BYTES) {
      problems.push(
        `${named}: is ${size} bytes, above the ${MAX_SEALED_SECRET_FILE_BYTES}-byte limit of a SealedSecret file; keep one kubeseal output per file`,
      );
      continue;
    }
    const { parseAllDocuments } = require('yaml') as typeof import('yaml');
    const documents = parseAllDocuments(fs.readFileSync(file, 'utf8'), { uniqueKeys: true });
    const broken = documents.find((d) => d.errors.length > 0);
    if (broken) {
      problems.push(`${named}: YAML error: ${yamlErrorLine(broken.errors)}; fix the YAML syntax (or seal the Secret again)`);
      continue;
    }
    for (const manifest of documents.map((d) => d.toJS({ maxAliasCount: 0 })).filter((m) => m !== null && m !== undefined))
      files.push({ file: named, manifest });
  }
  return { sealed: { folder: shown, files }, problems };
}

/** A path as messages show it: relative to the working folder when inside it, else as given. */
export function shownPath(target: string, cwd: string = process.cwd()): string {
  const relative = path.relative(cwd, target);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : target;
}
