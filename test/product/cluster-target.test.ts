import { environmentPlatform, environmentTarget } from '../../lib/product/cluster-target';
import { productChart, settingProblems, testEnvironment } from '../util';

/** An environment's target cluster: `kubernetes` or `openshift`, one authority with `network.platform`. */
describe('the target cluster of an environment', () => {
  test('openshift names the Kubernetes minor it ships and implies the OpenShift platform', () => {
    const env = testEnvironment({ openshift: '4.16' });
    expect(environmentTarget(env)).toEqual({ kubernetes: '1.29', openshift: '4.16' });
    expect(environmentPlatform(env)).toBe('openshift');
    expect(environmentTarget(testEnvironment({ kubernetes: '1.35' }))).toEqual({ kubernetes: '1.35' });
  });

  test('defaults to OpenShift 4.20 on OpenShift and to its minor, 1.33, on plain Kubernetes', () => {
    expect(environmentTarget(testEnvironment({ network: { platform: 'openshift' } }))).toEqual({ kubernetes: '1.33', openshift: '4.20' });
    expect(environmentTarget(testEnvironment({ network: { platform: 'kubernetes' } }))).toEqual({ kubernetes: '1.33' });
  });

  test('refuses a platform that contradicts the version setting, and both settings at once', () => {
    expect(settingProblems(() => productChart(testEnvironment({ openshift: '4.20', network: { platform: 'kubernetes' } })))).toEqual([
      'network.platform: is kubernetes, but openshift: 4.20 says the cluster is OpenShift (got "kubernetes"); ' +
        'remove network.platform (openshift implies it)',
    ]);
    expect(settingProblems(() => productChart(testEnvironment({ openshift: '4.20', kubernetes: '1.33' })))).toEqual([
      'openshift: names a cluster besides kubernetes: 1.33 (got "4.20"); give kubernetes (plain Kubernetes) or openshift, not both',
    ]);
  });
});
