import { findingsOf, NS, workload } from './fixtures';

/** The limits the API server enforces beyond the OpenAPI schema, and the size client-side apply can store. */

function configMap(name: string, data: Record<string, string>, metadata: Record<string, any> = {}): Record<string, any> {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS, ...metadata }, data };
}

describe('api-server-limits', () => {
  test('passes the objects a product renders', () => {
    expect(findingsOf('api-server-limits', workload('api'))).toEqual([]);
  });

  test('fails on names the API server refuses, by kind: a subdomain for most, a DNS-1035 label for a Service', () => {
    const objects = [
      configMap('Realm_Config', {}),
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api.v2', namespace: NS }, spec: { ports: [{ port: 80 }] } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `n${'x'.repeat(63)}` } },
    ];
    expect(findingsOf('api-server-limits', objects)).toEqual([
      `production: ConfigMap/${NS}/Realm_Config: [api-server-limits] metadata.name: is not a valid ConfigMap name (got "Realm_Config"); fix: use a lower-case DNS name such as app.example.com`,
      `production: Service/${NS}/api.v2: [api-server-limits] metadata.name: is not a valid Service name (got "api.v2"); fix: use a DNS-1035 label: at most 63 lower-case letters, digits and hyphens, starting with a letter`,
      `production: Namespace/n${'x'.repeat(63)}: [api-server-limits] metadata.name: is not a valid Namespace name (got "n${'x'.repeat(63)}"); fix: use a DNS label: at most 63 lower-case letters, digits and hyphens, starting and ending with a letter or digit`,
    ]);
  });

  test('fails on a label value longer than 63 characters or with a colon (a digest), and on a bad label key', () => {
    const objects = [configMap('realm', {}, { labels: { 'app.kubernetes.io/version': 'sha256:abc', 'eaf.io/tag': 'v'.repeat(64), '-bad': 'x' } })];
    expect(findingsOf('api-server-limits', objects)).toEqual([
      `production: ConfigMap/${NS}/realm: [api-server-limits] metadata.labels["app.kubernetes.io/version"]: is not a valid label value (got "sha256:abc"); fix: use at most 63 letters, digits, -, _ and ., starting and ending with a letter or digit`,
      `production: ConfigMap/${NS}/realm: [api-server-limits] metadata.labels["eaf.io/tag"]: is not a valid label value (got "${'v'.repeat(64)}"); fix: use at most 63 letters, digits, -, _ and ., starting and ending with a letter or digit`,
      `production: ConfigMap/${NS}/realm: [api-server-limits] metadata.labels["-bad"]: is not a valid label key (got "-bad"); fix: use [prefix/]name: a DNS-subdomain prefix, and a name of at most 63 letters, digits, -, _ and .`,
    ]);
  });

  test('accepts the longest legal label value and an empty one', () => {
    expect(findingsOf('api-server-limits', [configMap('realm', {}, { labels: { a: 'v'.repeat(63), b: '' } })])).toEqual([]);
  });

  test('fails on annotations above 256 KiB together and on an object above 1 MiB', () => {
    const objects = [
      configMap('notes', {}, { annotations: { 'eaf.io/notes': 'x'.repeat(262144) } }),
      configMap('huge', { blob: 'y'.repeat(1048576) }),
    ];
    const lines = findingsOf('api-server-limits', objects);
    expect(lines).toEqual([
      `production: ConfigMap/${NS}/notes: [api-server-limits] metadata.annotations: are 262156 bytes together, above the API server's 262144 (got nothing); fix: move large values out of annotations`,
      expect.stringMatching(
        new RegExp(
          `^production: ConfigMap/${NS}/huge: \\[api-server-limits\\] \\(object\\): is 10486\\d\\d bytes as JSON, above 1048576 \\(got nothing\\); fix: split it into smaller objects$`,
        ),
      ),
    ]);
  });
});

describe('apply-size', () => {
  test('fails on an object too large for client-side apply, and not at the limit', () => {
    const base = JSON.stringify(configMap('realm', { realm: '' })).length;
    const atLimit = configMap('realm', { realm: 'r'.repeat(262144 - base) });
    const above = configMap('realm', { realm: 'r'.repeat(262144 - base + 1) });
    expect(findingsOf('apply-size', [atLimit])).toEqual([]);
    expect(findingsOf('apply-size', [above])).toEqual([
      `production: ConfigMap/${NS}/realm: [apply-size] (object): is 262145 bytes as JSON; client-side apply stores it in an annotation limited to 262144 bytes (got nothing); fix: split the object (e.g. one ConfigMap per realm), or apply it server-side and waive the rule with that reason`,
    ]);
  });

  test('can be waived for an object applied server-side', () => {
    const base = JSON.stringify(configMap('realm', { realm: '' })).length;
    const waived = configMap(
      'realm',
      { realm: 'r'.repeat(262144 - base + 400) },
      { annotations: { 'waive.eaf.io/apply-size': 'applied with server-side apply (Argo CD ServerSideApply=true)' } },
    );
    expect(findingsOf('apply-size', [waived])).toEqual([]);
  });
});
