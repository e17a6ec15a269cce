import { compareObjects, deepEqual, differences, Json, objectKey, parseManifests, sortObjects } from '../../scripts/bench/manifests';

const deployment = (namespace: string, replicas: number): Json => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api', namespace },
  spec: { replicas },
});
const namespace = (name: string): Json => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });

describe('comparing manifests as parsed documents', () => {
  test('parseManifests keeps every non-empty document and drops empty ones and comments', () => {
    const text = '---\n# Source: chart/templates/a.yaml\nkind: A\n---\n---\n# only a comment\n---\nkind: B\nn: 1\n';
    expect(parseManifests(text, 'x.yaml')).toEqual([{ kind: 'A' }, { kind: 'B', n: 1 }]);
  });

  test('fails on a YAML error, naming the source', () => {
    expect(() => parseManifests('a: [1, 2\n', 'helm dev')).toThrow(/^helm dev: YAML error: /);
  });

  test('sortObjects orders by kind, namespace and name', () => {
    const objects = [deployment('b', 1), namespace('b'), deployment('a', 1), namespace('a')];
    expect(sortObjects(objects).map(objectKey)).toEqual(['Deployment/a/api', 'Deployment/b/api', 'Namespace//a', 'Namespace//b']);
  });

  test('the same objects in another order, key order and format are equal', () => {
    // GIVEN what synth wrote and what a peer printed
    const written = parseManifests(
      'kind: Namespace\napiVersion: v1\nmetadata: {name: a}\n---\n' +
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  namespace: a\n  name: api\nspec:\n  replicas: 2\n',
      'dist',
    );
    const printed = [deployment('a', 2), namespace('a')];
    // THEN
    expect(compareObjects(written, printed)).toEqual([]);
    expect(deepEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
  });

  test('a missing object, an extra object and changed fields are each named', () => {
    const expected = [deployment('a', 2), namespace('a')];
    const actual = [deployment('a', 3), namespace('b')];
    expect(compareObjects(expected, actual)).toEqual([
      'Deployment/a/api: spec.replicas: expected 2, got 3',
      'Namespace//a: missing',
      'Namespace//b: not expected',
    ]);
  });

  test('types count: a number is not the string of it, and list order matters', () => {
    expect(differences({ port: 80, args: ['a', 'b'] }, { port: '80', args: ['b', 'a'] })).toEqual([
      'args[0]: expected "a", got "b"',
      'args[1]: expected "b", got "a"',
      'port: expected 80, got "80"',
    ]);
    expect(differences({ a: 1 }, { b: 1 })).toEqual(['a: missing (expected 1)', 'b: not expected (got 1)']);
    expect(differences([1], [1, 2])).toEqual(['(whole object): expected [1], got [1,2]']);
  });

  test('the list of differences is cut at the limit', () => {
    const many = (n: number): Json[] => Array.from({ length: n }, (_, i) => namespace(`ns${String(i).padStart(2, '0')}`));
    const problems = compareObjects(many(25), []);
    expect(problems).toHaveLength(21);
    expect(problems[20]).toBe('... and 5 more');
  });
});
