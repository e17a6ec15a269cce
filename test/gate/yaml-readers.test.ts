import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main as apiOnly } from '../../examples/api-only/main';
import { shop } from '../../examples/node-web/main';
import { yamlReadingDifferences } from '../../lib/gate/yaml-readers';
import { synthesizeProduct } from '../../lib/program';
import { yamlFiles, yamlReaderProblems } from '../../scripts/check-yaml-readers';

/** Every YAML reader (1.1: PyYAML, Ansible; 1.2: kubectl, Argo CD) loads every file of dist/ as the same objects. */

const ROOT = path.join(__dirname, '..', '..');

describe('yamlReadingDifferences', () => {
  test.each([
    ['matchType: =\n', 'document 1: matchType: the value type (=), which PyYAML cannot load, under YAML 1.1, the string "=" under YAML 1.2'],
    ['a: yes\n', 'document 1: a: the boolean true under YAML 1.1, the string "yes" under YAML 1.2'],
    ['a: [1:20]\n', 'document 1: a.0: the number 80 under YAML 1.1, the string "1:20" under YAML 1.2'],
    ['a: 0755\n', 'document 1: a: the number 493 under YAML 1.1, the number 755 under YAML 1.2'],
    ['a: 0o755\n', 'document 1: a: the string "0o755" under YAML 1.1, the number 493 under YAML 1.2'],
    ['a: 2024-01-01\n', 'document 1: a: the timestamp 2024-01-01T00:00:00.000Z under YAML 1.1, the string "2024-01-01" under YAML 1.2'],
    ['x: 1\n---\nb: &b {c: 1}\nd:\n  <<: *b\n', 'document 2: d.c: the number 1 under YAML 1.1, nothing under YAML 1.2'],
  ])('fails on %j, naming the document, the path and both readings', (text, difference) => {
    expect(yamlReadingDifferences(text)).toEqual([difference]);
  });

  test('passes quoted look-alikes and plain strings no reader takes for another type', () => {
    expect(yamlReadingDifferences('a: "="\nb: "yes"\nc: "0o755"\nd: =~\ne: 1\nf: true\ng: null\nh: 1.5\n---\n- x\n')).toEqual([]);
  });

  test('fails on a document either reader refuses', () => {
    expect(yamlReadingDifferences('a: [\n')).toEqual([
      expect.stringMatching(/^document 1: YAML 1\.1: /),
      expect.stringMatching(/^document 1: YAML 1\.2: /),
    ]);
  });
});

describe('every YAML file the products write reads the same as YAML 1.1 and 1.2', () => {
  test("DVMM's committed dist/", () => {
    // GIVEN DVMM's committed manifests
    const dist = path.join(ROOT, 'dist');
    expect(yamlFiles([dist]).length).toBeGreaterThanOrEqual(5);
    // THEN no file reads differently (production's AlertmanagerConfig has a matchType "=")
    expect(fs.readFileSync(path.join(dist, 'production', 'dvmm.k8s.yaml'), 'utf8')).toContain('matchType: "="\n');
    expect(yamlReaderProblems([dist])).toEqual([]);
  });

  test('the examples, synthesised', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'yaml-readers-'));
    try {
      // GIVEN both examples written to a scratch folder
      expect(apiOnly({ outdir: path.join(tmp, 'api-only'), log: () => undefined })).toBe(0);
      const nodeWeb = synthesizeProduct(shop, {
        environmentsDir: path.join(ROOT, 'examples', 'node-web', 'environments'),
        outdir: path.join(tmp, 'node-web'),
        crdDirectory: path.join(ROOT, 'crds'),
        log: () => undefined,
      });
      expect(nodeWeb).toBe(0);
      // THEN every file reads the same
      expect(yamlFiles([tmp]).length).toBeGreaterThanOrEqual(8);
      expect(yamlReaderProblems([tmp])).toEqual([]);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  test('the check names the file of a difference', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'yaml-readers-'));
    try {
      fs.mkdirSync(path.join(tmp, 'production'));
      fs.writeFileSync(path.join(tmp, 'production', 'app.k8s.yaml'), 'kind: AlertmanagerConfig\nspec:\n  matchers:\n    - matchType: =\n');
      fs.writeFileSync(path.join(tmp, 'notes.json'), '{"a": "yes"}');
      expect(yamlReaderProblems([tmp])).toEqual([
        `${path.join(tmp, 'production', 'app.k8s.yaml')}: document 1: spec.matchers.0.matchType: ` +
          'the value type (=), which PyYAML cannot load, under YAML 1.1, the string "=" under YAML 1.2',
      ]);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
