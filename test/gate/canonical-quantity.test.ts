import { Manifest } from '../../lib/gate';
import { container, findingsOf, NS, podSpec, workload } from './fixtures';

/** The canonical-quantity rule: every quantity in the form the API server stores, so Argo CD shows no standing diff. */

const D = `production: Deployment/${NS}/api`;

function deploymentWith(resources: Record<string, unknown>, spec: Record<string, unknown> = {}): Manifest {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api', namespace: NS },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'api' } },
      template: { metadata: { labels: { app: 'api' } }, spec: podSpec({ containers: [container('api', { resources })], ...spec }) },
    },
  };
}

describe('canonical-quantity', () => {
  test('passes the objects a product renders and canonical quantities of every kind', () => {
    // GIVEN canonical requests and limits, a canonical emptyDir size, PVC and CloudNativePG sizes
    const objects = [
      ...workload('api'),
      deploymentWith(
        { requests: { 'cpu': '100m', 'memory': '1536Mi', 'ephemeral-storage': '1Gi' }, limits: { 'cpu': '2', 'memory': '1G' } },
        { volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }] },
      ),
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'data', namespace: NS },
        spec: { resources: { requests: { storage: '10Gi' } } },
      },
      {
        apiVersion: 'postgresql.cnpg.io/v1',
        kind: 'Cluster',
        metadata: { name: 'db', namespace: NS },
        spec: { storage: { size: '5Gi' }, walStorage: { size: '1Gi' } },
      },
    ];
    // THEN the rule finds nothing
    expect(findingsOf('canonical-quantity', objects)).toEqual([]);
  });

  test('fails on every non-canonical quantity, with the canonical form in the fix', () => {
    // GIVEN the spellings the API server rewrites
    const objects = [
      deploymentWith(
        { requests: { 'cpu': '0.5', 'memory': '1024Mi', 'ephemeral-storage': '1.5Gi' }, limits: { 'cpu': '1000m', 'memory': 2147483648 } },
        { volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '65536Ki' } }] },
      ),
      { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'db', namespace: NS }, spec: { storage: { size: '+5Gi' } } },
    ];
    // THEN each is a finding naming the field, the value and the canonical form
    const path = 'spec.template.spec.containers[0].resources';
    const form = (canonical: string) => `is not in the canonical form the API server stores (${canonical}): a standing diff in Argo CD`;
    expect(findingsOf('canonical-quantity', objects)).toEqual([
      `${D}: [canonical-quantity] ${path}.requests.cpu: ${form('500m')} (got "0.5"); fix: set ${path}.requests.cpu to "500m"`,
      `${D}: [canonical-quantity] ${path}.requests.memory: ${form('1Gi')} (got "1024Mi"); fix: set ${path}.requests.memory to "1Gi"`,
      `${D}: [canonical-quantity] ${path}.requests.ephemeral-storage: ${form('1536Mi')} (got "1.5Gi"); ` +
        `fix: set ${path}.requests.ephemeral-storage to "1536Mi"`,
      `${D}: [canonical-quantity] ${path}.limits.cpu: ${form('1')} (got "1000m"); fix: set ${path}.limits.cpu to "1"`,
      `${D}: [canonical-quantity] ${path}.limits.memory: is a number; the API server stores the string "2147483648" (got 2147483648); ` +
        `fix: set ${path}.limits.memory to "2147483648"`,
      `${D}: [canonical-quantity] spec.template.spec.volumes[0].emptyDir.sizeLimit: ${form('64Mi')} (got "65536Ki"); ` +
        'fix: set spec.template.spec.volumes[0].emptyDir.sizeLimit to "64Mi"',
      `production: Cluster/${NS}/db: [canonical-quantity] spec.storage.size: ${form('5Gi')} (got "+5Gi"); fix: set spec.storage.size to "5Gi"`,
    ]);
  });

  test('fails even with a waiver: the canonical form is the same value', () => {
    const object = deploymentWith({ requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1000m', memory: '1Gi' } });
    (object.metadata as Record<string, unknown>).annotations = { 'waive.eaf.io/canonical-quantity': 'we like millicores better' };
    expect(findingsOf('canonical-quantity', [object])).toHaveLength(1);
  });

  test('leaves what is not a quantity to the schema rules', () => {
    expect(
      findingsOf('canonical-quantity', [deploymentWith({ requests: { cpu: 'lots', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } })]),
    ).toEqual([]);
  });
});
