import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { waive } from '../../lib/core/waivers';
import { synth, testChart } from '../util';

describe('waive', () => {
  test('annotates the default child of a construct with the rule and the reason', () => {
    // GIVEN
    const chart = testChart();
    const settings = new Construct(chart, 'settings');
    new ApiObject(settings, 'Resource', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } });
    // WHEN
    waive(settings, 'no-secret-data', 'holds only public feature flags');
    // THEN
    expect(synth(chart)[0].metadata.annotations).toEqual({ 'waive.eaf.io/no-secret-data': 'holds only public feature flags' });
  });

  test('fails naming the construct when it has no object to annotate', () => {
    // GIVEN
    const chart = testChart();
    const empty = new Construct(chart, 'empty');
    // WHEN / THEN
    expect(() => waive(empty, 'no-secret-data', 'holds only public feature flags')).toThrow(
      'cannot find a (direct or indirect) child of type ApiObject for construct test/empty',
    );
  });
});
