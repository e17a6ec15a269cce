import { parseAllDocuments } from 'yaml';
import { admissionText } from '../../lib/program/admission-output';
import { writesFile } from '../../lib/program/synthesize';
import { EnvironmentConfig } from '../../lib/product/settings';

const OBJECTS = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop-staging' } },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'shop-staging-db-drill' } },
];

/** An environment file's settings, as far as admission reads them. */
function environment(settings: Record<string, unknown>): EnvironmentConfig {
  return { name: 'staging', ...settings } as unknown as EnvironmentConfig;
}

describe('the admission policies beside an environment', () => {
  test("cover every namespace of the environment's objects and are named after the shortest", () => {
    // WHEN the policies of an environment with two namespaces are written
    const objects = parseAllDocuments(admissionText(environment({ critical: true }), OBJECTS)!).map((d) => d.toJS());
    // THEN each binding covers both, and the product's own namespace names them
    const binding = objects.find((o) => o.kind === 'ValidatingAdmissionPolicyBinding');
    expect(binding.metadata.name).toBe('eaf-shop-staging-pss-restricted');
    expect(binding.spec.matchResources.namespaceSelector.matchExpressions[0].values).toEqual(['shop-staging', 'shop-staging-db-drill']);
  });

  test('admission: false in the environment file writes none; so does an environment without namespaces', () => {
    expect(admissionText(environment({ admission: false }), OBJECTS)).toBeUndefined();
    expect(admissionText(environment({}), [{ apiVersion: 'v1', kind: 'Namespace' }])).toBeUndefined();
  });

  test('synth owns <env>.admission.yaml beside the folder, not inside it', () => {
    expect(writesFile('production.admission.yaml')).toBe(true);
    expect(writesFile('production/production.admission.yaml')).toBe(false);
    expect(writesFile('production.admission.yml')).toBe(false);
  });
});
