import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { formatFinding, ManifestValidator } from '../../lib/gate';
import { readCrdFolder } from '../../lib/program/crd-files';
import { CRD_DIRECTORY } from './fixtures';

/** How the gate reads a CRD folder: which files, when they are parsed, what it caches and what it shares. */

const ROUTE = {
  apiVersion: 'route.openshift.io/v1',
  kind: 'Route',
  metadata: { name: 'api', namespace: 'shop' },
  spec: { host: 'api.example.com', to: { kind: 'Service', name: 'api' }, tls: { termination: 'edge' }, bogus: 1 },
};
const ROUTE_FINDING =
  'dev: Route/shop/api: [schema-crd] spec.bogus: unknown field (not in the route.openshift.io/v1 Route schema) (got 1); fix: remove spec.bogus; the fields of spec are alternateBackends, host, httpHeaders, path, port, subdomain, tls, to, wildcardPolicy';

let tmp: string;
let crds: string;
let cache: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'crd-folder-'));
  crds = path.join(tmp, 'crds');
  cache = path.join(tmp, 'cache');
  fs.mkdirSync(crds);
  // a local copy that differs from the shipped file (one comment), so it is parsed and cached, not read from the shipped table
  fs.writeFileSync(
    path.join(crds, 'routes.yaml'),
    `# local copy\n${fs.readFileSync(path.join(CRD_DIRECTORY, 'route.openshift.io_routes.yaml'), 'utf8')}`,
  );
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

function findings(validator: ManifestValidator, objects: unknown[] = [ROUTE]): string[] {
  return validator
    .validate([{ environment: 'dev', critical: false, objects: objects as any[] }])
    .findings.filter((f) => f.rule.startsWith('schema'))
    .map(formatFinding);
}

test('reads only .yaml and .yml files', () => {
  // GIVEN a README and notes that are no YAML beside the CRD
  fs.writeFileSync(path.join(crds, 'README.md'), 'kind: [unclosed\n');
  fs.writeFileSync(path.join(crds, 'notes.yaml.txt'), 'kind: [unclosed\n');
  // WHEN a validator reads the folder THEN they are ignored
  expect(findings(new ManifestValidator({ crds: readCrdFolder(crds, { cache: false }), reuseCompiled: false }))).toEqual([ROUTE_FINDING]);
});

test('parses a CRD file only when an object of its group and kind turns up', () => {
  // GIVEN a single-document file whose group and kind a text scan finds, but that is broken further down
  fs.writeFileSync(
    path.join(crds, 'widgets.yaml'),
    'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nspec:\n  group: example.com\n  names:\n    kind: Widget\n  versions: [unclosed\n',
  );
  // WHEN the validator is built and a Route is validated THEN nothing fails
  const validator = new ManifestValidator({ crds: readCrdFolder(crds, { cache: false }), reuseCompiled: false });
  expect(findings(validator)).toEqual([ROUTE_FINDING]);
  // WHEN a Widget turns up THEN its file is parsed, and the broken YAML is a finding of that object
  const lines = findings(validator, [{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'shop' } }]);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(
    new RegExp(
      `^dev: Widget/shop/w: \\[schema-core\\] \\(object\\): could not be checked: ${path.join(crds, 'widgets.yaml').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: is not valid YAML: `,
    ),
  );
});

test('keeps its cache private: the folder for the owner only, each entry readable by the owner only', () => {
  findings(new ManifestValidator({ crds: readCrdFolder(crds, { cache: cache }), reuseCompiled: false }));
  const [entry] = fs.readdirSync(cache);
  expect(entry).toMatch(/^[0-9a-f]{64}\.json$/);
  expect((fs.statSync(cache).mode & 0o777).toString(8)).toBe('700');
  expect((fs.statSync(path.join(cache, entry)).mode & 0o777).toString(8)).toBe('600');
  expect(fs.readdirSync(cache)).toEqual([entry]);
});

test('reuses what a validator of the same folder and cache compiled, unless told not to', () => {
  // GIVEN a first validator that parsed the Route CRD and wrote it to the cache
  expect(findings(new ManifestValidator({ crds: readCrdFolder(crds, { cache: cache }) }))).toEqual([ROUTE_FINDING]);
  fs.rmSync(cache, { recursive: true });
  // WHEN a second one for the same folder and cache validates THEN it reads nothing: the cache is not written again
  expect(findings(new ManifestValidator({ crds: readCrdFolder(crds, { cache: cache }) }))).toEqual([ROUTE_FINDING]);
  expect(fs.existsSync(cache)).toBe(false);
  // WHEN one is told not to reuse THEN it parses the file again and writes the cache
  expect(findings(new ManifestValidator({ crds: readCrdFolder(crds, { cache: cache }), reuseCompiled: false }))).toEqual([ROUTE_FINDING]);
  expect(fs.readdirSync(cache)).toHaveLength(1);
});

test('does not share between validators of other caches', () => {
  expect(findings(new ManifestValidator({ crds: readCrdFolder(crds, { cache: false }) }))).toEqual([ROUTE_FINDING]);
  expect(findings(new ManifestValidator({ crds: readCrdFolder(crds, { cache: cache }) }))).toEqual([ROUTE_FINDING]);
  expect(fs.readdirSync(cache)).toHaveLength(1);
});
