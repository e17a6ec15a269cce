import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** crds/ holds upstream files byte-for-byte; crds/SOURCES.md records each one's source and SHA-256. */

const CRDS = path.join(__dirname, '..', 'crds');
const sources = fs.readFileSync(path.join(CRDS, 'SOURCES.md'), 'utf8');
const files = fs
  .readdirSync(CRDS)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

describe('crds/SOURCES.md', () => {
  test('records every CRD file with its source row and the SHA-256 of its bytes', () => {
    // GIVEN the sums SOURCES.md lists
    const sums = new Map([...sources.matchAll(/^([0-9a-f]{64}) {2}(\S+\.yaml)$/gm)].map((m) => [m[2], m[1]]));
    // THEN each file has exactly one table row and its sum matches
    for (const file of files) {
      expect(
        sources.split('\n').filter((line) => line.startsWith(`| ${file} |`)),
        file,
      ).toHaveLength(1);
      expect(sums.get(file), file).toBe(
        createHash('sha256')
          .update(fs.readFileSync(path.join(CRDS, file)))
          .digest('hex'),
      );
    }
    // AND nothing is listed that is not there
    expect([...sums.keys()].sort()).toEqual(files);
  });

  test('carries the CRDs the operators need beyond what the library renders', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'snapshot.storage.k8s.io_volumesnapshots.yaml',
        'snapshot.storage.k8s.io_volumesnapshotclasses.yaml',
        'snapshot.storage.k8s.io_volumesnapshotcontents.yaml',
        'argoproj.io_analysisruns.yaml',
        'argoproj.io_experiments.yaml',
        'argoproj.io_clusteranalysistemplates.yaml',
      ]),
    );
  });
});
