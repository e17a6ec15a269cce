import { ProductNamespace } from '../../lib';
import { find, synth, testChart } from '../util';

describe('ProductNamespace', () => {
  test('enforces, audits and warns the restricted Pod Security Standard, and is cluster-scoped', () => {
    const chart = testChart('dvmm-dev');
    new ProductNamespace(chart, 'ns', { name: 'dvmm-dev' });
    const namespace = find(synth(chart), 'Namespace', 'dvmm-dev');
    expect(namespace.metadata.namespace).toBeUndefined();
    expect(namespace.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
    });
  });

  test('takes another level', () => {
    const chart = testChart();
    const ns = new ProductNamespace(chart, 'ns', { name: 'legacy', podSecurity: 'baseline' });
    expect(ns.podSecurity).toBe('baseline');
    expect(find(synth(chart), 'Namespace', 'legacy').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('baseline');
  });
});
