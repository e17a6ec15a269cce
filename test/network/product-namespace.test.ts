import { ProductNamespace, RESERVED_NAMESPACES_CONTEXT } from '../../lib';
import { find, synth, testChart } from '../util';

describe('ProductNamespace', () => {
  test('enforces, audits and warns the restricted Pod Security Standard, and is cluster-scoped', () => {
    const chart = testChart('dvmm-dev');
    new ProductNamespace(chart, 'ns', { name: 'dvmm-dev' });
    const namespace = find(synth(chart), 'Namespace', 'dvmm-dev');
    expect(namespace.metadata.namespace).toBeUndefined();
    expect(namespace.metadata.labels).toEqual({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'latest',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/audit-version': 'latest',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/warn-version': 'latest',
    });
  });

  test('takes another level', () => {
    const chart = testChart();
    const ns = new ProductNamespace(chart, 'ns', { name: 'legacy', podSecurity: 'baseline' });
    expect(ns.podSecurity).toBe('baseline');
    expect(find(synth(chart), 'Namespace', 'legacy').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('baseline');
  });

  test('fails on a name that is no DNS label', () => {
    expect(() => new ProductNamespace(testChart(), 'ns', { name: 'Shop_Dev' })).toThrow(
      'test/ns: name is not a DNS label (got "Shop_Dev"); use a DNS label: at most 63 lower-case letters, digits and hyphens, starting and ending with a letter or digit',
    );
  });

  test.each(['default', 'kube-system', 'kube-public', 'openshift', 'openshift-monitoring'])('fails on the system namespace %p', (name) => {
    expect(() => new ProductNamespace(testChart(), 'ns', { name })).toThrow(
      `test/ns: name is a system namespace (got "${name}"); use a namespace of the product's own, e.g. <product>-<environment> (leave namespace out for that default)`,
    );
  });

  test('fails on a namespace the platform reserves, named in the props or in the context', () => {
    expect(() => new ProductNamespace(testChart(), 'ns', { name: 'shared-tools', reservedNamespaces: ['shared-tools'] })).toThrow(
      'test/ns: name is reserved by the platform (got "shared-tools")',
    );
    const chart = testChart();
    chart.node.setContext(RESERVED_NAMESPACES_CONTEXT, ['ingress', 'shared-tools']);
    expect(() => new ProductNamespace(chart, 'ns', { name: 'shared-tools' })).toThrow(
      'test/ns: name is reserved by the platform (got "shared-tools")',
    );
    // THEN the props win over the context, and other names pass
    expect(() => new ProductNamespace(chart, 'ok', { name: 'shared-tools', reservedNamespaces: [] })).not.toThrow();
    expect(new ProductNamespace(chart, 'mine', { name: 'kubeflow-shop' }).name).toBe('kubeflow-shop');
  });
});
