import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
// the module object schemas.ts requires (its properties are plain and can be spied on)
const yaml = require('yaml') as typeof import('yaml');
import type { MockInstance } from 'vitest';
import { ManifestValidator } from '../../lib/gate';
import { readCrdFolder } from '../../lib/program/crd-files';
import { CRD_DIRECTORY } from './fixtures';

/**
 * The package's CRDs are shipped parsed and made strict (lib/gate/crd-schemas.json, by each file's SHA-256): a
 * byte-identical file is never YAML-parsed, any other file is, and both give the same findings.
 */

const CLUSTER = {
  apiVersion: 'postgresql.cnpg.io/v1',
  kind: 'Cluster',
  metadata: { name: 'db', namespace: 'shop' },
  spec: { instances: 'three', storage: { size: '1Gi', bogus: true }, unknownField: 1 },
};

function findingsWith(crds: string): string[] {
  return new ManifestValidator({ crds: readCrdFolder(crds, { cache: false }), reuseCompiled: false })
    .validate([{ environment: 'dev', critical: false, objects: [CLUSTER] }])
    .findings.map((f) => f.message);
}

let parse: MockInstance;
beforeEach(() => {
  parse = vi.spyOn(yaml, 'parseAllDocuments');
});
afterEach(() => parse.mockRestore());

test('the shipped table covers every file of crds/, by content', () => {
  const table = require('../../lib/gate/crd-schemas.json');
  const files = fs
    .readdirSync(CRD_DIRECTORY)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  expect(
    Object.values(table.files)
      .map((entry: any) => entry.file)
      .sort(),
  ).toEqual(files);
  for (const [hash, entry] of Object.entries<any>(table.files)) {
    expect(
      require('crypto')
        .createHash('sha256')
        .update(fs.readFileSync(path.join(CRD_DIRECTORY, entry.file), 'utf8'))
        .digest('hex'),
    ).toBe(hash);
  }
});

test('a shipped CRD file is read from the table, not parsed, and an edited one is parsed, with the same findings', () => {
  const shipped = findingsWith(CRD_DIRECTORY);
  expect(parse).not.toHaveBeenCalled();
  expect(shipped).toEqual([
    'spec.instances: must be an integer',
    expect.stringMatching(/^spec\.storage\.bogus: unknown field/),
    expect.stringMatching(/^spec\.unknownField: unknown field/),
  ]);

  const edited = fs.mkdtempSync(path.join(os.tmpdir(), 'edited-crds-'));
  try {
    const file = 'postgresql.cnpg.io_clusters.yaml';
    fs.writeFileSync(
      path.join(edited, file),
      `# a local comment makes the file differ from the shipped one\n${fs.readFileSync(path.join(CRD_DIRECTORY, file), 'utf8')}`,
    );
    expect(findingsWith(edited)).toEqual(shipped);
    expect(parse).toHaveBeenCalledTimes(1);
  } finally {
    fs.rmSync(edited, { recursive: true, force: true });
  }
});
