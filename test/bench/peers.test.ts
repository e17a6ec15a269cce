import { parse } from 'yaml';
import { Json } from '../../scripts/bench/manifests';
import { camel, EnvironmentObjects, helmChart, jsonPatch, kustomizeTree, mainNamespace, PatchOperation } from '../../scripts/bench/peers';

/** One environment: a Namespace and a Deployment, with `tuning` a ConfigMap too. */
function env(name: string, replicas: number, tuning: boolean): EnvironmentObjects {
  return {
    name,
    namespace: `app-${name}`,
    objects: [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `app-${name}` } },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: `app-${name}`, labels: { 'example.com/env': name } },
        spec: { replicas, template: { spec: { containers: [{ name: 'web', image: 'r/web:1', args: ['--db', `db.app-${name}.svc`] }] } } },
      },
      ...(tuning
        ? [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'tuning', namespace: `app-${name}` }, data: { on: 'yes', text: '{{ x }}' } }]
        : []),
    ],
  };
}

/** Two environments of one product, the ConfigMap only in prod. */
function environments(): EnvironmentObjects[] {
  return [env('dev', 1, false), env('prod', 3, true)];
}

/** Applies JSON 6902 operations (add, remove, replace) to a copy. */
function applyPatch(document: Json, ops: readonly PatchOperation[]): Json {
  const result = structuredClone(document);
  for (const op of ops) {
    const keys = op.path
      .split('/')
      .slice(1)
      .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = keys.pop()!;
    const parent = keys.reduce((node: any, k) => node[k], result) as any;
    if (op.op === 'remove') delete parent[last];
    else parent[last] = op.value;
  }
  return result;
}

describe('helm peer', () => {
  test('one template per object: namespace and environment through the release and values, differences as values', () => {
    // WHEN
    const { files, environments: commands } = helmChart(environments(), 'app');
    // THEN
    expect([...files.keys()].sort()).toEqual([
      'chart/Chart.yaml',
      'chart/templates/configmap-tuning.yaml',
      'chart/templates/deployment-web.yaml',
      'chart/templates/namespace-namespace.yaml',
      'chart/values.yaml',
      'values/dev.yaml',
      'values/prod.yaml',
    ]);
    expect(files.get('chart/templates/deployment-web.yaml')).toBe(
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata:',
        '  name: web',
        '  namespace: "{{ .Release.Namespace }}"',
        '  labels:',
        '    example.com/env: "{{ .Values.environment }}"',
        'spec:',
        '  replicas: {{ toJson .Values.webReplicas }}',
        '  template:',
        '    spec:',
        '      containers:',
        '        -',
        '          name: web',
        '          image: "r/web:1"',
        '          args:',
        '            - "--db"',
        '            - "db.{{ .Release.Namespace }}.svc"',
        '',
      ].join('\n'),
    );
    expect(parse(files.get('values/dev.yaml')!)).toEqual({ environment: 'dev', webReplicas: 1 });
    expect(parse(files.get('values/prod.yaml')!)).toEqual({ environment: 'prod', webReplicas: 3, onlyProd: true });
    expect(parse(files.get('chart/values.yaml')!)).toEqual({ onlyProd: false });
    expect(commands).toEqual([
      { name: 'dev', valuesFile: 'values/dev.yaml', namespace: 'app-dev' },
      { name: 'prod', valuesFile: 'values/prod.yaml', namespace: 'app-prod' },
    ]);
  });

  test('an object of some environments is behind their flag; YAML 1.1 words are quoted and {{ is printed, not parsed', () => {
    const { files } = helmChart(environments(), 'app');
    expect(files.get('chart/templates/configmap-tuning.yaml')).toBe(
      [
        '{{- if .Values.onlyProd }}',
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: tuning',
        '  namespace: "{{ .Release.Namespace }}"',
        'data:',
        '  "on": "yes"',
        '  text: {{ toJson "{{ x }}" }}',
        '{{- end }}',
        '',
      ].join('\n'),
    );
  });

  test('camel makes helm value names of any words', () => {
    expect(camel(['dvmm-db', 'storage', 'size'])).toBe('dvmmDbStorageSize');
    expect(camel(['1st', 'x'])).toBe('v1stX');
  });
});

describe('kustomize peer', () => {
  test('a base, an overlay per environment with its patches (the namespace included), own objects in the overlay', () => {
    // WHEN
    const { files, environments: overlays } = kustomizeTree(environments());
    // THEN
    expect(overlays).toEqual([
      { name: 'dev', overlay: 'overlays/dev' },
      { name: 'prod', overlay: 'overlays/prod' },
    ]);
    expect(parse(files.get('base/kustomization.yaml')!)).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: ['namespace-namespace.yaml', 'deployment-web.yaml'],
    });
    expect(parse(files.get('base/deployment-web.yaml')!).metadata).toEqual({
      name: 'web',
      namespace: 'app-dev',
      labels: { 'example.com/env': 'dev' },
    });
    expect(parse(files.get('overlays/dev/kustomization.yaml')!)).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: ['../../base'],
    });
    const prod = parse(files.get('overlays/prod/kustomization.yaml')!);
    expect(prod.namespace).toBeUndefined();
    expect(prod.resources).toEqual(['../../base', 'configmap-tuning.yaml']);
    expect(prod.patches.map((p: { target: unknown }) => p.target)).toEqual([
      { group: '', version: 'v1', kind: 'Namespace', name: 'app-dev' },
      { group: 'apps', version: 'v1', kind: 'Deployment', name: 'web', namespace: 'app-dev' },
    ]);
    expect(parse(prod.patches[1].patch)).toEqual([
      { op: 'replace', path: '/metadata/namespace', value: 'app-prod' },
      { op: 'replace', path: '/metadata/labels/example.com~1env', value: 'prod' },
      { op: 'replace', path: '/spec/replicas', value: 3 },
      { op: 'replace', path: '/spec/template/spec/containers/0/args/1', value: 'db.app-prod.svc' },
    ]);
  });

  test("an object of another of the product's namespaces keeps it: no overlay moves every object into one namespace", () => {
    // GIVEN a restore drill's NetworkPolicy beside the product's, both named default-deny
    const policy = (ns: string): Json => ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'default-deny', namespace: ns },
    });
    const withDrill = environments().map((e) => ({
      ...e,
      objects: [...e.objects, policy(e.namespace), policy(`${e.namespace}-drill`)],
    }));
    // WHEN
    const { files } = kustomizeTree(withDrill);
    // THEN each overlay patches each policy into its own namespace
    const prod = parse(files.get('overlays/prod/kustomization.yaml')!);
    const policies = prod.patches
      .filter((p: { target: { kind: string } }) => p.target.kind === 'NetworkPolicy')
      .map((p: { target: { namespace: string }; patch: string }) => [p.target.namespace, parse(p.patch)]);
    expect(policies).toEqual([
      ['app-dev', [{ op: 'replace', path: '/metadata/namespace', value: 'app-prod' }]],
      ['app-dev-drill', [{ op: 'replace', path: '/metadata/namespace', value: 'app-prod-drill' }]],
    ]);
  });

  test('objects of several but not all environments go into a component those overlays use', () => {
    const three = [...environments(), env('qa', 2, true)];
    const { files } = kustomizeTree(three);
    expect(parse(files.get('components/prod-qa/kustomization.yaml')!)).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1alpha1',
      kind: 'Component',
      resources: ['configmap-tuning.yaml'],
    });
    expect(parse(files.get('overlays/qa/kustomization.yaml')!).components).toEqual(['../../components/prod-qa']);
    expect(parse(files.get('overlays/dev/kustomization.yaml')!).components).toBeUndefined();
  });

  test('jsonPatch turns one document into the other: added, removed and replaced keys, list items, escaped keys', () => {
    const from: Json = { a: 1, gone: true, 'x/y~z': 'old', list: [{ n: 1 }, { n: 2 }], short: [1] };
    const to: Json = { a: 2, 'x/y~z': 'new', list: [{ n: 1 }, { n: 3, m: 4 }], short: [1, 2], added: { b: null } };
    const ops = jsonPatch(from, to);
    expect(ops).toEqual([
      { op: 'remove', path: '/gone' },
      { op: 'replace', path: '/a', value: 2 },
      { op: 'replace', path: '/x~1y~0z', value: 'new' },
      { op: 'replace', path: '/list/1/n', value: 3 },
      { op: 'add', path: '/list/1/m', value: 4 },
      { op: 'replace', path: '/short', value: [1, 2] },
      { op: 'add', path: '/added', value: { b: null } },
    ]);
    expect(applyPatch(from, ops)).toEqual(to);
    expect(jsonPatch(from, structuredClone(from))).toEqual([]);
  });

  test('mainNamespace is the namespace most objects are in', () => {
    expect(mainNamespace(environments()[1].objects)).toBe('app-prod');
  });

  test('fails without any namespaced object', () => {
    expect(() => mainNamespace([{ kind: 'Namespace', metadata: { name: 'a' } }])).toThrow('no object has a namespace');
  });
});
