import { describeFindingValue, fieldPath, objectId } from '../../lib/gate/finding';
import { findRule, ruleOrder, VALIDATION_RULES } from '../../lib/gate/rules';
import { splitApiVersion } from '../../lib/gate/schemas';
import { at, containersOf, mapSelectorMatches, parseImage, podTemplateOf, selectorMatches, stringMap } from '../../lib/gate/workloads';

/** The small readers the gate's rules are built from, each checked on its edge cases. */

describe('objectId', () => {
  test('names an object Kind/namespace/name, or Kind/name without a namespace', () => {
    expect(objectId({ kind: 'Deployment', metadata: { name: 'api', namespace: 'shop' } })).toBe('Deployment/shop/api');
    expect(objectId({ kind: 'Namespace', metadata: { name: 'shop' } })).toBe('Namespace/shop');
    expect(objectId({ kind: 'ConfigMap', metadata: { name: 'a', namespace: '' } })).toBe('ConfigMap/a');
  });

  test('says what is missing instead of failing on a malformed object', () => {
    expect(objectId({ kind: 7, metadata: { name: ['x'], namespace: 3 } })).toBe('(no kind)/(no name)');
    expect(objectId({})).toBe('(no kind)/(no name)');
    expect(objectId(null as any)).toBe('(no kind)/(no name)');
  });
});

describe('describeFindingValue', () => {
  test('renders JSON, nothing for a missing value, and the text of what JSON cannot show', () => {
    expect(describeFindingValue('a')).toBe('"a"');
    expect(describeFindingValue({ a: [1] })).toBe('{"a":[1]}');
    expect(describeFindingValue(undefined)).toBe('nothing');
    expect(describeFindingValue(null)).toBe('null');
    expect(describeFindingValue(() => 1)).toBe('() => 1');
  });

  test('keeps 200 characters whole and shortens longer values to 199 and an ellipsis', () => {
    expect(describeFindingValue('x'.repeat(198))).toBe(`"${'x'.repeat(198)}"`);
    expect(describeFindingValue('x'.repeat(199))).toBe(`"${'x'.repeat(198)}…`);
  });
});

describe('fieldPath', () => {
  test('joins names with dots, indices in brackets, and quotes keys that are no identifiers', () => {
    expect(fieldPath(['spec', 'template', 'spec', 'containers', 0, 'image'])).toBe('spec.template.spec.containers[0].image');
    expect(fieldPath(['metadata', 'annotations', 'waive.eaf.io/x'])).toBe('metadata.annotations["waive.eaf.io/x"]');
    expect(fieldPath(['a', '_b', '$c', 'd-e', '9f', ''])).toBe('a._b.$c.d-e["9f"][""]');
    expect(fieldPath([0, 'x'])).toBe('[0].x');
    expect(fieldPath(['my key'])).toBe('["my key"]');
    expect(fieldPath([])).toBe('(object)');
  });
});

describe('rules', () => {
  test('finds a rule by id and orders rules as listed', () => {
    expect(findRule('tls-required')).toBe(VALIDATION_RULES.find((r) => r.id === 'tls-required'));
    expect(findRule('no-such-rule')).toBeUndefined();
    expect(ruleOrder('schema-core')).toBe(0);
    expect(ruleOrder('waiver-unrecorded')).toBe(VALIDATION_RULES.length - 1);
    expect(ruleOrder('waiver-invalid')).toBe(VALIDATION_RULES.length - 2);
    expect(ruleOrder('pss-restricted')).toBe(2);
  });
});

describe('splitApiVersion', () => {
  test('splits at the last slash; the core group is empty', () => {
    expect(splitApiVersion('apps/v1')).toEqual({ group: 'apps', version: 'v1' });
    expect(splitApiVersion('v1')).toEqual({ group: '', version: 'v1' });
    expect(splitApiVersion('a/b/v2')).toEqual({ group: 'a/b', version: 'v2' });
  });
});

describe('podTemplateOf', () => {
  const spec = { containers: [{ name: 'a' }] };
  const labels = { app: 'x', n: 1 };
  const template = { metadata: { labels, annotations: { note: 'y', count: 2 } }, spec };

  test.each([
    ['apps/v1', 'Deployment', true],
    ['apps/v1', 'StatefulSet', true],
    ['apps/v1', 'DaemonSet', true],
    ['argoproj.io/v1alpha1', 'Rollout', true],
    ['apps/v1', 'ReplicaSet', false],
    ['v1', 'ReplicationController', false],
    ['batch/v1', 'Job', false],
  ])('reads the pod template of %s %s (long-running: %p)', (apiVersion, kind, longRunning) => {
    const pod = podTemplateOf({ apiVersion, kind, metadata: { name: 'w', namespace: 'shop' }, spec: { template } }, 4)!;
    expect(pod.longRunning).toBe(longRunning);
    expect(pod.index).toBe(4);
    expect(pod.namespace).toBe('shop');
    expect(pod.metadataPath).toEqual(['spec', 'template', 'metadata']);
    expect(pod.specPath).toEqual(['spec', 'template', 'spec']);
    expect(pod.labels).toEqual({ app: 'x' });
    expect(pod.annotations).toEqual({ note: 'y' });
    expect(pod.spec).toBe(spec);
  });

  test("reads a CronJob's template under its job template and a bare Pod's own spec", () => {
    const cron = podTemplateOf(
      { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: { jobTemplate: { spec: { template } } } },
      0,
    )!;
    expect(cron.specPath).toEqual(['spec', 'jobTemplate', 'spec', 'template', 'spec']);
    expect(cron.namespace).toBe('');
    expect(cron.longRunning).toBe(false);
    const pod = podTemplateOf({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: 'b' } }, spec }, 1)!;
    expect([pod.metadataPath, pod.specPath, pod.labels, pod.longRunning]).toEqual([['metadata'], ['spec'], { a: 'b' }, false]);
  });

  test('has none for other kinds, a Pod of another group, a missing template or a malformed object', () => {
    expect(podTemplateOf({ apiVersion: 'v1', kind: 'Service', metadata: {}, spec: {} }, 0)).toBeUndefined();
    expect(podTemplateOf({ apiVersion: 'example.com/v1', kind: 'Pod', metadata: {}, spec }, 0)).toBeUndefined();
    expect(podTemplateOf({ apiVersion: 'batch/v1', kind: 'Deployment', spec: { template } }, 0)).toBeUndefined();
    expect(podTemplateOf({ apiVersion: 'apps/v1', kind: 'Deployment', spec: {} }, 0)).toBeUndefined();
    expect(podTemplateOf({ apiVersion: 'apps/v1', kind: 'Deployment', spec: { template: [] } }, 0)).toBeUndefined();
    expect(podTemplateOf({ apiVersion: 1, kind: 'Deployment' } as any, 0)).toBeUndefined();
    expect(podTemplateOf({ apiVersion: 'apps/v1', kind: ['Deployment'] } as any, 0)).toBeUndefined();
    expect(podTemplateOf([] as any, 0)).toBeUndefined();
  });

  test('reads an empty spec when the template has none', () => {
    const pod = podTemplateOf({ apiVersion: 'apps/v1', kind: 'Deployment', spec: { template: { spec: 'x' } } }, 0)!;
    expect([pod.spec, pod.labels, pod.annotations]).toEqual([{}, {}, {}]);
  });
});

describe('containersOf', () => {
  test('lists containers, init and ephemeral containers with their paths, a malformed entry as empty', () => {
    const pod = podTemplateOf(
      {
        apiVersion: 'v1',
        kind: 'Pod',
        spec: { containers: [{ name: 'a' }, 'junk'], initContainers: [{ name: 'i' }], ephemeralContainers: [{ name: 'e' }] },
      },
      0,
    )!;
    expect(containersOf(pod)).toEqual([
      { container: { name: 'a' }, list: 'containers', path: ['spec', 'containers', 0] },
      { container: {}, list: 'containers', path: ['spec', 'containers', 1] },
      { container: { name: 'i' }, list: 'initContainers', path: ['spec', 'initContainers', 0] },
      { container: { name: 'e' }, list: 'ephemeralContainers', path: ['spec', 'ephemeralContainers', 0] },
    ]);
  });
});

describe('selectorMatches', () => {
  const labels = { app: 'api', tier: 'backend' };

  test('matches everything with no selector or an empty one, nothing with a selector that is no map', () => {
    expect(selectorMatches(undefined, labels)).toBe(true);
    expect(selectorMatches(null, labels)).toBe(true);
    expect(selectorMatches({}, labels)).toBe(true);
    expect(selectorMatches('app=api', labels)).toBe(false);
    expect(selectorMatches([], labels)).toBe(false);
  });

  test('matches every label of matchLabels', () => {
    expect(selectorMatches({ matchLabels: { app: 'api' } }, labels)).toBe(true);
    expect(selectorMatches({ matchLabels: { app: 'api', tier: 'front' } }, labels)).toBe(false);
    expect(selectorMatches({ matchLabels: { zone: 'a' } }, labels)).toBe(false);
  });

  test.each([
    [{ key: 'app', operator: 'In', values: ['api', 'web'] }, true],
    [{ key: 'app', operator: 'In', values: ['web'] }, false],
    [{ key: 'zone', operator: 'In', values: ['api'] }, false],
    [{ key: 'app', operator: 'NotIn', values: ['web'] }, true],
    [{ key: 'app', operator: 'NotIn', values: ['api'] }, false],
    [{ key: 'zone', operator: 'NotIn', values: ['api'] }, true],
    [{ key: 'tier', operator: 'Exists' }, true],
    [{ key: 'zone', operator: 'Exists' }, false],
    [{ key: 'zone', operator: 'DoesNotExist' }, true],
    [{ key: 'tier', operator: 'DoesNotExist' }, false],
    [{ key: 'app', operator: 'Equals', values: ['api'] }, false],
    [{ key: 'app', operator: 'In' }, false],
  ])('reads the expression %p as %p', (expression, expected) => {
    expect(selectorMatches({ matchExpressions: [expression] }, labels)).toBe(expected);
  });

  test('needs every expression to hold, and matchLabels too', () => {
    expect(
      selectorMatches(
        {
          matchExpressions: [
            { key: 'app', operator: 'Exists' },
            { key: 'zone', operator: 'Exists' },
          ],
        },
        labels,
      ),
    ).toBe(false);
    expect(selectorMatches({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'app', operator: 'Exists' }] }, labels)).toBe(false);
  });

  test('does not take an inherited property for a label', () => {
    expect(selectorMatches({ matchExpressions: [{ key: 'toString', operator: 'Exists' }] }, labels)).toBe(false);
  });
});

describe('mapSelectorMatches', () => {
  test('matches when every pair is among the labels', () => {
    expect(mapSelectorMatches({ app: 'api' }, { app: 'api', tier: 'x' })).toBe(true);
    expect(mapSelectorMatches({ app: 'api', tier: 'y' }, { app: 'api', tier: 'x' })).toBe(false);
    expect(mapSelectorMatches({}, {})).toBe(true);
  });
});

describe('at and stringMap', () => {
  test('walk maps and lists, and stop at anything else', () => {
    expect(at({ a: [{ b: 1 }] }, ['a', 0, 'b'])).toBe(1);
    expect(at({ a: 'text' }, ['a', 'length'])).toBeUndefined();
    expect(at({ a: null }, ['a', 'b'])).toBeUndefined();
    expect(at(5, [])).toBe(5);
  });

  test('keep the string entries of a map only', () => {
    expect(stringMap({ a: 'x', b: 1, c: null, d: '' })).toEqual({ a: 'x', d: '' });
    expect(stringMap(['x'])).toEqual({});
    expect(stringMap('x')).toEqual({});
  });
});

describe('parseImage', () => {
  test.each([
    ['registry.example.com/shop/api:1.4.2', { repository: 'registry.example.com/shop/api', tag: '1.4.2', digest: undefined }],
    ['registry.example.com:5000/shop/api', { repository: 'registry.example.com:5000/shop/api', tag: undefined, digest: undefined }],
    ['registry.example.com:5000/shop/api:2', { repository: 'registry.example.com:5000/shop/api', tag: '2', digest: undefined }],
    ['api@sha256:abc', { repository: 'api', tag: undefined, digest: 'sha256:abc' }],
    ['api:1.0@sha256:abc', { repository: 'api', tag: '1.0', digest: 'sha256:abc' }],
    ['nginx', { repository: 'nginx', tag: undefined, digest: undefined }],
  ])('splits %p', (image, parts) => {
    expect(parseImage(image)).toEqual(parts);
  });
});
