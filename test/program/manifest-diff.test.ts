import { diffManifests, formatManifestDiff, isEmptyDiff, MAX_INLINE_VALUE } from '../../lib/program/manifest-diff';

const service = (name: string, color: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'shop-production' },
  spec: { selector: { 'app': name, 'eaf.io/color': color }, ports: [{ port: 8080 }] },
  ...extra,
});

const deployment = (containers: unknown[], args?: string[]) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api', namespace: 'shop-production' },
  spec: { replicas: 3, template: { spec: { containers, ...(args ? { args } : {}) } } },
});

describe('diffManifests', () => {
  test('finds added, removed and changed objects per environment, each changed field with old and new value', () => {
    // GIVEN two environments before and after
    const before = {
      production: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop-production' } }, service('api', 'blue'), service('old', 'blue')],
      staging: [service('api', 'green')],
    };
    const after = {
      production: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop-production' } }, service('api', 'green'), service('new', 'blue')],
      staging: [service('api', 'green')],
    };
    // WHEN
    const diff = diffManifests(before, after);
    // THEN
    expect(diff).toEqual({
      added: [{ environment: 'production', object: 'Service/shop-production/new', key: 'production: Service/shop-production/new', fields: [] }],
      removed: [{ environment: 'production', object: 'Service/shop-production/old', key: 'production: Service/shop-production/old', fields: [] }],
      changed: [
        {
          environment: 'production',
          object: 'Service/shop-production/api',
          key: 'production: Service/shop-production/api',
          fields: [{ path: 'spec.selector["eaf.io/color"]', before: 'blue', after: 'green' }],
        },
      ],
    });
    expect(isEmptyDiff(diff)).toBe(false);
  });

  test('an environment that appears or disappears adds or removes all its objects; a cluster-scoped object has no namespace', () => {
    const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop-qa' } };
    expect(diffManifests({}, { qa: [namespace] }).added.map((o) => o.key)).toEqual(['qa: Namespace/shop-qa']);
    expect(diffManifests({ qa: [namespace] }, {}).removed.map((o) => o.key)).toEqual(['qa: Namespace/shop-qa']);
  });

  test('fields added or removed are listed with (none) on the other side; equal outputs give an empty diff', () => {
    const diff = diffManifests(
      { p: [service('api', 'blue')] },
      { p: [service('api', 'blue', { metadata: { name: 'api', namespace: 'shop-production', labels: { tier: 'web' } } })] },
    );
    expect(diff.changed[0].fields).toEqual([{ path: 'metadata.labels', before: undefined, after: { tier: 'web' } }]);
    expect(isEmptyDiff(diffManifests({ p: [service('api', 'blue')] }, { p: [service('api', 'blue')] }))).toBe(true);
  });

  test('matches list items by name where every item has a distinct one, and by position otherwise', () => {
    // GIVEN a container env list with an item inserted in the middle and one changed, and positional args
    const before = deployment(
      [
        {
          name: 'api',
          image: 'api:1',
          env: [
            { name: 'A', value: '1' },
            { name: 'C', value: '3' },
          ],
        },
        { name: 'sidecar', image: 'proxy:1' },
      ],
      ['--a', '--b'],
    );
    const after = deployment(
      [
        {
          name: 'api',
          image: 'api:2',
          env: [
            { name: 'A', value: '1' },
            { name: 'B', value: '2' },
            { name: 'C', value: '4' },
          ],
        },
      ],
      ['--a', '--c', '--d'],
    );
    // WHEN
    const fields = diffManifests({ p: [before] }, { p: [after] }).changed[0].fields;
    // THEN the insertion is one field, not a shift of every later item; a removed item is named; args go by position
    expect(fields).toEqual([
      { path: 'spec.template.spec.args[1]', before: '--b', after: '--c' },
      { path: 'spec.template.spec.args[2]', before: undefined, after: '--d' },
      { path: 'spec.template.spec.containers[name=api].env[name=B]', before: undefined, after: { name: 'B', value: '2' } },
      { path: 'spec.template.spec.containers[name=api].env[name=C].value', before: '3', after: '4' },
      { path: 'spec.template.spec.containers[name=api].image', before: 'api:1', after: 'api:2' },
      { path: 'spec.template.spec.containers[name=sidecar]', before: { name: 'sidecar', image: 'proxy:1' }, after: undefined },
    ]);
  });

  test('a list of equal names, or of items without names, goes by position; a type change is one field', () => {
    const a = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c' },
      data: { x: '1' },
      items: [
        { name: 'a', v: 1 },
        { name: 'a', v: 2 },
      ],
      n: [1, 2],
    };
    const b = {
      ...a,
      data: 'text',
      items: [
        { name: 'a', v: 1 },
        { name: 'a', v: 3 },
      ],
      n: [[1], 2],
    };
    expect(diffManifests({ e: [a] }, { e: [b] }).changed[0].fields).toEqual([
      { path: 'data', before: { x: '1' }, after: 'text' },
      { path: 'items[1].v', before: 2, after: 3 },
      { path: 'n[0]', before: 1, after: [1] },
    ]);
  });

  test('is deterministic: the order of environments, objects and keys in the input does not matter', () => {
    const before = { staging: [service('b', 'blue'), service('a', 'blue')], production: [service('a', 'blue')] };
    const after = { production: [service('a', 'green')], staging: [service('a', 'green'), service('b', 'green')] };
    const reordered = {
      staging: [
        service('b', 'green'),
        {
          spec: { ports: [{ port: 8080 }], selector: { 'eaf.io/color': 'green', 'app': 'a' } },
          metadata: { namespace: 'shop-production', name: 'a' },
          kind: 'Service',
          apiVersion: 'v1',
        },
      ],
      production: [service('a', 'green')],
    };
    const diff = diffManifests(before, after);
    expect(diff.changed.map((o) => o.key)).toEqual([
      'production: Service/shop-production/a',
      'staging: Service/shop-production/a',
      'staging: Service/shop-production/b',
    ]);
    expect(diffManifests(before, reordered)).toEqual(diff);
    expect(formatManifestDiff(diffManifests(before, reordered))).toBe(formatManifestDiff(diff));
  });

  test('keeps two objects with the same id apart', () => {
    const diff = diffManifests({ p: [service('a', 'blue'), service('a', 'blue')] }, { p: [service('a', 'blue'), service('a', 'green')] });
    expect(diff.changed.map((o) => o.object)).toEqual(['Service/shop-production/a (2)']);
  });
});

describe('formatManifestDiff', () => {
  test('prints Markdown for a pull request: counts, changed fields old → new, added and removed objects', () => {
    const diff = diffManifests(
      { production: [service('api', 'blue'), service('old', 'blue')] },
      {
        production: [
          service('api', 'green', { metadata: { name: 'api', namespace: 'shop-production', labels: { x: 'y' } } }),
          service('new', 'blue'),
        ],
      },
    );
    expect(formatManifestDiff(diff, { title: 'Manifest diff of dist (switch production)' })).toBe(
      [
        '### Manifest diff of dist (switch production): 1 changed, 1 added, 1 removed',
        '',
        '**Changed**',
        '',
        '- `production: Service/shop-production/api`',
        '  - `metadata.labels`: _(none)_ → `{"x":"y"}`',
        '  - `spec.selector["eaf.io/color"]`: `"blue"` → `"green"`',
        '',
        '**Added**',
        '',
        '- `production: Service/shop-production/new`',
        '',
        '**Removed**',
        '',
        '- `production: Service/shop-production/old`',
        '',
      ].join('\n'),
    );
  });

  test('says so when nothing changed', () => {
    expect(formatManifestDiff(diffManifests({ p: [service('a', 'blue')] }, { p: [service('a', 'blue')] }))).toBe(
      '### Manifest diff: no changes\n\nEvery object of every environment is as it was.\n',
    );
  });

  test('summarises long and multi-line values instead of printing them', () => {
    // GIVEN a ConfigMap whose multi-line dashboard changes two lines, and a long one-line value and a big object
    const lines = Array.from({ length: 40 }, (_, i) => `line ${i + 1}`);
    const dashboard = lines.join('\n');
    const changedDashboard = [...lines.slice(0, 11), 'line 12 changed', ...lines.slice(12), 'line 41'].join('\n');
    const configMap = (data: Record<string, unknown>) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'dashboards', namespace: 'ns' },
      data,
    });
    const long = 'x'.repeat(MAX_INLINE_VALUE + 20);
    const big = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`key${i}`, 'value']));
    const diff = diffManifests(
      { p: [configMap({ 'api.json': dashboard, 'note': 'short' })] },
      { p: [configMap({ 'api.json': changedDashboard, 'note': long, 'big': big, 'list': Array.from({ length: 30 }, (_, i) => i) })] },
    );
    // WHEN
    const text = formatManifestDiff(diff);
    // THEN every value stays on its line, and the dashboard is described, not dumped
    expect(text.split('\n').slice(4)).toEqual([
      '- `p: ConfigMap/ns/dashboards`',
      '  - `data["api.json"]`: `"line 1…"` _(40 lines, 310 B)_ → `"line 1…"` _(41 lines, 326 B)_; 2 lines added, 1 removed, the first change at line 12',
      '  - `data.big`: _(none)_ → _(an object of 12 fields, 183 B)_',
      '  - `data.list`: _(none)_ → _(a list of 30 items, 81 B)_',
      `  - \`data.note\`: \`"short"\` → \`"${'x'.repeat(40)}…"\` _(1 line, 100 B)_`,
      '',
    ]);
  });

  test('lists at most maxFieldsPerObject fields of an object, and escapes backticks in code', () => {
    const many = (v: number) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c' },
      data: Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`k${i}`, `${v}`])),
    });
    const text = formatManifestDiff(diffManifests({ e: [many(1)] }, { e: [many(2)] }), { maxFieldsPerObject: 2 });
    expect(text).toContain('  - `data.k1`: `"1"` → `"2"`\n  - … and 3 more fields\n');
    const ticks = formatManifestDiff(
      diffManifests({ e: [{ kind: 'X', metadata: { name: 'a' }, v: 'a`b' }] }, { e: [{ kind: 'X', metadata: { name: 'a' }, v: 'c' }] }),
    );
    expect(ticks).toContain('  - `v`: `` "a`b" `` → `"c"`');
  });
});

describe('the waivers of a diff', () => {
  const policy = (annotations: Record<string, string>) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'open', namespace: 'shop-production', annotations },
    spec: { podSelector: {} },
  });
  const ALLOW_ALL = 'waive.eaf.io/network-policy-allow-all';

  test('lists the waivers added and removed, a changed reason as both, above the changed objects', () => {
    // GIVEN a waiver whose reason changes, one that goes with its object, and one that is new
    const before = {
      production: [
        policy({ [ALLOW_ALL]: 'the load test opens every port' }),
        service('old', 'blue', { metadata: { name: 'old', annotations: { 'waive.eaf.io/tls-required': 'internal only, no host' } } }),
      ],
    };
    const after = {
      production: [
        policy({ [ALLOW_ALL]: 'the load test opens every port, until May', 'waive.eaf.io/apply-size': 'applied server-side by the team' }),
      ],
    };
    // WHEN diffed and printed
    const diff = diffManifests(before, after);
    // THEN each waiver change is listed once, sorted, and printed in its own section first
    expect(diff.waivers).toEqual({
      added: [
        { environment: 'production', object: 'NetworkPolicy/shop-production/open', rule: 'apply-size', reason: 'applied server-side by the team' },
        {
          environment: 'production',
          object: 'NetworkPolicy/shop-production/open',
          rule: 'network-policy-allow-all',
          reason: 'the load test opens every port, until May',
        },
      ],
      removed: [
        {
          environment: 'production',
          object: 'NetworkPolicy/shop-production/open',
          rule: 'network-policy-allow-all',
          reason: 'the load test opens every port',
        },
        { environment: 'production', object: 'Service/old', rule: 'tls-required', reason: 'internal only, no host' },
      ],
    });
    expect(formatManifestDiff(diff).split('\n').slice(1, 8)).toEqual([
      '',
      '**Waivers** (exceptions to a gate rule; each is recorded in its environment file)',
      '',
      '- added: `production: NetworkPolicy/shop-production/open` [apply-size] `"applied server-side by the team"`',
      '- added: `production: NetworkPolicy/shop-production/open` [network-policy-allow-all] `"the load test opens every port, until May"`',
      '- removed: `production: NetworkPolicy/shop-production/open` [network-policy-allow-all] `"the load test opens every port"`',
      '- removed: `production: Service/old` [tls-required] `"internal only, no host"`',
    ]);
  });

  test('has no waiver section when no waiver changed', () => {
    const diff = diffManifests(
      { p: [policy({ [ALLOW_ALL]: 'the load test opens every port' })] },
      { p: [policy({ [ALLOW_ALL]: 'the load test opens every port' }), service('a', 'blue')] },
    );
    expect(diff.waivers).toBeUndefined();
    expect(formatManifestDiff(diff)).not.toContain('Waivers');
  });
});
