import { compareObjects, liveDifferences } from '../../lib/program/rehearsal/live-equals-desired';

describe('live equals desired (the rehearsal tier)', () => {
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api-blue', namespace: 'dvmm-staging', labels: { 'eaf.io/color': 'blue' } },
    spec: { replicas: 2, template: { spec: { containers: [{ name: 'api', resources: { limits: { cpu: '1' } } }] } } },
  };
  /** What a server holds for `deployment`: its defaults and status added. */
  const live = () => {
    const copy = structuredClone(deployment) as any;
    copy.metadata.uid = 'u-1';
    copy.metadata.labels['pod-template-hash'] = 'abc';
    copy.spec.strategy = { type: 'RollingUpdate' };
    copy.spec.template.spec.containers[0].imagePullPolicy = 'IfNotPresent';
    copy.status = { readyReplicas: 2 };
    return copy;
  };

  test('fields the server adds (defaults, status, metadata) are no difference', () => {
    expect(compareObjects([deployment], [live()])).toEqual([]);
  });

  test('a value the server rewrote is a difference, named by its path (a non-canonical quantity)', () => {
    // GIVEN a rendered limit the API server stores in its canonical form
    const rendered = structuredClone(deployment);
    rendered.spec.template.spec.containers[0].resources.limits.cpu = '1000m';
    // THEN
    expect(compareObjects([rendered], [live()])).toEqual([
      'Deployment/dvmm-staging/api-blue: spec.template.spec.containers[0].resources.limits.cpu: "1000m" -> "1"',
    ]);
  });

  test('a field the server dropped and an object it does not have are differences', () => {
    // GIVEN a field a CRD's structural schema would prune, and a Service never applied
    const rendered = { ...structuredClone(deployment), extra: { a: 1 } };
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'dvmm-staging' } };
    // THEN
    expect(compareObjects([rendered, service], [live()])).toEqual([
      'Deployment/dvmm-staging/api-blue: extra: {"a":1} -> undefined',
      'Service/dvmm-staging/api: not on the server',
    ]);
  });

  test('keys that are not identifiers are quoted; a list of another length differs as a whole', () => {
    expect(liveDifferences({ m: { 'eaf.io/color': 'blue' } }, { m: { 'eaf.io/color': 'green' } })).toEqual([
      { path: 'm["eaf.io/color"]', rendered: 'blue', live: 'green' },
    ]);
    expect(liveDifferences({ l: [1, 2] }, { l: [1] })).toEqual([{ path: 'l', rendered: [1, 2], live: [1] }]);
  });
});
