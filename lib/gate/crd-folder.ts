/**
 * What the gate is given of a folder of CustomResourceDefinition files. The gate does no I/O: the program reads the
 * folder (`readCrdFolder` in lib/program/crd-files.ts) and hands over the files' texts, and keeps the parsed files
 * between processes for it ({@link ParsedCrdCache}).
 */

/** One CRD file as the program read it. */
export interface CrdFileText {
  /** Its path, for messages (the gate reports the file name). */
  readonly file: string;
  /** Its whole text (YAML, one or several documents). */
  readonly text: string;
}

/**
 * Parsed CRD files kept between processes, by the SHA-256 of their text: parsing YAML is the slowest step of the
 * gate, so a file that is not in the package's shipped table is parsed once and then read from here.
 */
export interface ParsedCrdCache {
  /** The documents of the file whose text has this SHA-256 (hex), if kept (and intact). */
  get(source: string): unknown[] | undefined;
  /** Keeps the documents of the file whose text has this SHA-256; may fail silently (it is an optimisation only). */
  set(source: string, documents: unknown[]): void;
}

/**
 * A folder of CRD files, read by the program. Give the same object again while the folder is unchanged (as
 * `readCrdFolder` does): validators of one object share what they compiled.
 */
export interface CrdFolder {
  /** The folder, for messages. */
  readonly directory: string;
  /** Its YAML files (`*.yaml`, `*.yml`), sorted by name. */
  readonly files: readonly CrdFileText[];
  /**
   * Where parsed files are kept between processes.
   * @default - none: every file that is not in the shipped table is parsed
   */
  readonly cache?: ParsedCrdCache;
}
