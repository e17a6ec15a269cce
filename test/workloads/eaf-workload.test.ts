import { EafApi, EafFrontend } from '../../lib';
import { testChart } from '../util';

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

  test('fails without a tag for a rolling release', () => {
    expect(() => new EafApi(testChart(), 'api', { image }))
      .toThrow('test/api: tag is required for a rolling release (got nothing); set tag to the image version to run');
  });

  test('fails with colour tags for a rolling release, and with one tag for a blue-green one', () => {
    expect(() => new EafApi(testChart(), 'api', { image, tag: '1.0.0', tags: { blue: '1.0.0', green: '1.1.0' } }))
      .toThrow('test/api: tags is only for blue-green releases (got {"blue":"1.0.0","green":"1.1.0"}); set tag instead, or release blue-green');
    expect(() => new EafApi(testChart(), 'api', { image, blueGreen: { activeColor: 'blue' } }))
      .toThrow('test/api: tags is required for a blue-green release (got nothing); set tags: { blue: <version>, green: <version> }');
    expect(() => new EafApi(testChart(), 'api', { image, tag: '1.0.0', tags: { blue: '1.0.0', green: '1.1.0' }, blueGreen: { activeColor: 'blue' } }))
      .toThrow('test/api: tag is only for rolling releases (got "1.0.0"); set tags.blue and tags.green instead');
  });

  test('fails on a tag that is no image tag', () => {
    expect(() => new EafApi(testChart(), 'api', { image, tag: 'v1 beta' }))
      .toThrow('test/api: tag is not an image tag or sha256 digest (got "v1 beta"); use an image tag such as 1.4.2, or a digest sha256:<64 hex digits>');
  });

  test('fails on the moving tag latest anywhere, and on a branch name below a critical chart', () => {
    expect(() => new EafApi(testChart(), 'api', { image, tag: 'latest' }))
      .toThrow('test/api: tag is a moving tag (got "latest"); pin an immutable version such as 1.4.2, or a sha256 digest');
    expect(() => new EafApi(testChart(), 'api', { image, tag: 'main' })).not.toThrow();
    const critical = testChart();
    critical.node.setContext('@eaf/cdk8s:critical', true);
    expect(() => new EafApi(critical, 'api', { image, tags: { blue: '1.4.2', green: 'main' }, blueGreen: { activeColor: 'blue' } }))
      .toThrow('test/api: tags.green must be a released version or a digest in a critical environment (got "main"); use a version such as 1.4.2, or a sha256 digest');
  });

  test('fails on an image repository that is not one', () => {
    expect(() => new EafApi(testChart(), 'api', { image: 'Registry.example.com/api', tag: '1.0.0' }))
      .toThrow('test/api: image is not an image repository without tag (got "Registry.example.com/api"); use an image repository without tag, e.g. registry.example.com/dvmm/api');
  });

  test('fails on negative idle replicas', () => {
    expect(() => new EafApi(testChart(), 'api', { image, blueGreen: { activeColor: 'blue', idleReplicas: -1 }, tags: { blue: '1', green: '2' } }))
      .toThrow('test/api: blueGreen.idleReplicas must be a whole number of at least 0 (got -1); set idleReplicas to 0 (scaled down) or more');
  });

  test('fails when the autoscaler maximum is below its minimum', () => {
    expect(() => new EafApi(testChart(), 'api', { image, tag: '1.0.0', autoscaling: { minReplicas: 4, maxReplicas: 2 } }))
      .toThrow('test/api: autoscaling.maxReplicas must be at least minReplicas 4 (got 2); raise maxReplicas');
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
