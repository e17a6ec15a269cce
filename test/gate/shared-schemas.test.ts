import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ManifestValidator } from '../../lib/gate';
import { readCrdFolder } from '../../lib/program/crd-files';
import { CRD_DIRECTORY } from './fixtures';

/** Validators of one CRD folder share what they compiled, and a changed folder gets a fresh one. */

const ROUTE = {
  apiVersion: 'route.openshift.io/v1',
  kind: 'Route',
  metadata: { name: 'api', namespace: 'shop' },
  spec: { to: { kind: 'Service', name: 'api' }, bogus: 1 },
};

function schemaCrdFindings(crds: string): string[] {
  return new ManifestValidator({ crds: readCrdFolder(crds, { cache: false }) })
    .validate([{ environment: 'dev', critical: false, objects: [ROUTE] }])
    .findings.filter((f) => f.rule === 'schema-crd')
    .map((f) => f.message);
}

test('a CRD added to the folder is seen by the next validator in the same process', () => {
  const crds = fs.mkdtempSync(path.join(os.tmpdir(), 'shared-crds-'));
  try {
    // GIVEN no Route CRD: the Route is an unknown kind
    expect(schemaCrdFindings(crds)).toEqual(['apiVersion/kind: no CustomResourceDefinition of group route.openshift.io in the CRD folder']);
    // WHEN the CRD is added, THEN the next validator checks the Route against it
    fs.copyFileSync(path.join(CRD_DIRECTORY, 'route.openshift.io_routes.yaml'), path.join(crds, 'routes.yaml'));
    expect(schemaCrdFindings(crds)).toEqual([
      'spec: matches none of the forms the route.openshift.io/v1 Route schema allows here',
      'spec.bogus: unknown field (not in the route.openshift.io/v1 Route schema)',
    ]);
  } finally {
    fs.rmSync(crds, { recursive: true, force: true });
  }
});

test('validators of an unchanged folder give the same findings', () => {
  expect(schemaCrdFindings(CRD_DIRECTORY)).toEqual(schemaCrdFindings(CRD_DIRECTORY));
});
