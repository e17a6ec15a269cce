import { parse } from 'yaml';
import { scaledEnvironmentFiles } from '../../scripts/bench/environments';

const BASE = `# a comment stays
namespace: shop
hosts:
  web: shop.dev.example.com
  api: api.shop.dev.example.com
components:
  web: { tag: 1.0.0, replicas: 1 }
`;

describe('environment files for the scaling series', () => {
  test('gives each copy its own name, namespace and hosts, and keeps everything else', () => {
    // WHEN
    const files = scaledEnvironmentFiles(BASE, 'dev', 3);
    // THEN
    expect([...files.keys()]).toEqual(['dev001.yaml', 'dev002.yaml', 'dev003.yaml']);
    const second = files.get('dev002.yaml')!;
    expect(parse(second)).toEqual({
      namespace: 'shop-dev002',
      hosts: { web: 'dev002.shop.dev.example.com', api: 'dev002.api.shop.dev.example.com' },
      components: { web: { tag: '1.0.0', replicas: 1 } },
    });
    expect(second).toContain('# a comment stays');
    const all = [...files.values()].map((t) => parse(t));
    expect(new Set(all.map((e) => e.namespace)).size).toBe(3);
    expect(new Set(all.flatMap((e) => Object.values(e.hosts))).size).toBe(6);
  });

  test('leaves the namespace to its default (which follows the name) when the file sets none', () => {
    const files = scaledEnvironmentFiles('hosts: { web: a.example.com }\n', 'staging', 1);
    expect([...files.entries()].map(([f, t]) => [f, parse(t)])).toEqual([['staging001.yaml', { hosts: { web: 'staging001.a.example.com' } }]]);
  });

  test('names stay DNS labels of at most 20 characters, with as many digits as the count needs', () => {
    const names = [...scaledEnvironmentFiles('{}\n', 'a-very-long-environment-name', 1000).keys()];
    expect(names[0]).toBe('a-very-long-envi0001.yaml');
    expect(names[999]).toBe('a-very-long-envi1000.yaml');
    expect(names.every((n) => /^[a-z0-9-]{1,20}\.yaml$/.test(n))).toBe(true);
  });

  test('fails on a count below 1', () => {
    expect(() => scaledEnvironmentFiles(BASE, 'dev', 0)).toThrow('count must be a whole number of at least 1 (got 0)');
  });
});
