import { EafApi, EafFrontend } from '../lib';
import { testChart } from './util';

describe('EafWorkload', () => {
  const image = 'registry.example.com/dvmm/api';

  test('fails when replicas is below 1', () => {
    expect(() => new EafApi(testChart(), 'api', { image, tag: '1.0.0', replicas: 0 }))
      .toThrow('test/api: replicas must be a whole number of at least 1 (got 0); set replicas to 1 or more');
  });

  test('fails when replicas is not a whole number', () => {
    expect(() => new EafFrontend(testChart(), 'web', { image, tag: '1.0.0', replicas: 1.5 }))
      .toThrow('test/web: replicas must be a whole number of at least 1 (got 1.5); set replicas to 1 or more');
  });

  test('fails without a tag for a rolling Deployment', () => {
    expect(() => new EafApi(testChart(), 'api', { image }))
      .toThrow('test/api: tag is required for a rolling Deployment (got nothing); set tag to the image version to run, or configure blueGreen');
  });

  test('fails on a tag that is no image tag', () => {
    expect(() => new EafApi(testChart(), 'api', { image, tag: 'v1 beta' }))
      .toThrow('test/api: tag is not an image tag or sha256 digest (got "v1 beta"); use a tag such as 1.4.2 or a digest sha256:<64 hex>');
  });

  test('fails on negative idle replicas', () => {
    expect(() => new EafApi(testChart(), 'api', { image, blueGreen: { activeColor: 'blue', blueTag: '1', greenTag: '2', idleReplicas: -1 } }))
      .toThrow('test/api: blueGreen.idleReplicas must be a whole number of at least 0 (got -1); set idleReplicas to 0 (scaled down) or more');
  });

  test('fails when the autoscaler maximum is below its minimum', () => {
    expect(() => new EafApi(testChart(), 'api', { image, tag: '1.0.0', autoscaling: { minReplicas: 4, maxReplicas: 2 } }))
      .toThrow('test/api: autoscaling needs 1 <= minReplicas <= maxReplicas (got {"minReplicas":4,"maxReplicas":2}); raise maxReplicas to at least minReplicas');
  });

  test('fails on a quantity Kubernetes does not accept', () => {
    expect(() => new EafApi(testChart(), 'api', { image, tag: '1.0.0', resources: { requests: { cpu: '250 millicores', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } } }))
      .toThrow('test/api: resources.requests.cpu is not a Kubernetes quantity (got "250 millicores"); use a value such as 250m, 1, 512Mi or 1Gi');
    expect(() => new EafApi(testChart(), 'api', { image, tag: '1.0.0', resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1GB!' } } }))
      .toThrow('test/api: resources.limits.memory is not a Kubernetes quantity (got "1GB!"); use a value such as 250m, 1, 512Mi or 1Gi');
  });

  test('fails when a limit is below its request', () => {
    expect(() => new EafApi(testChart(), 'api', { image, tag: '1.0.0', resources: { requests: { cpu: '250m', memory: '2Gi' }, limits: { cpu: '1', memory: '1Gi' } } }))
      .toThrow('test/api: resources.limits.memory is below its request 2Gi (got "1Gi"); raise the limit to at least 2Gi');
  });
});
