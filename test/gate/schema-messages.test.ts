import { findingsOf, NS, workload } from './fixtures';

/** How schema-core words each kind of schema violation of a built-in object. */

const D = 'production: Deployment/shop-production/api: [schema-core]';
const C = 'spec.template.spec.containers[0]';

describe('schema-core messages', () => {
  test("lists at most 15 fields of a large object when no field name is close, and the object's own fields at the top", () => {
    const deep = workload();
    deep[0].spec.template.spec.zzzzzzzz = 1;
    const top = workload();
    (top[0] as any).zzzzzzzz = 1;
    expect([...findingsOf('schema-core', deep), ...findingsOf('schema-core', top)]).toEqual([
      `${D} spec.template.spec.zzzzzzzz: unknown field (not in the apps/v1 Deployment schema) (got 1); fix: remove spec.template.spec.zzzzzzzz; the fields of spec.template.spec are activeDeadlineSeconds, affinity, automountServiceAccountToken, containers, dnsConfig, dnsPolicy, enableServiceLinks, ephemeralContainers, hostAliases, hostIPC, hostNetwork, hostPID, hostUsers, hostname, imagePullSecrets, ...`,
      `${D} zzzzzzzz: unknown field (not in the apps/v1 Deployment schema) (got 1); fix: remove zzzzzzzz; the fields of the object are apiVersion, kind, metadata, spec, status`,
    ]);
  });

  test('names a field whose key holds a slash by its quoted key', () => {
    const objects = workload();
    objects[0].metadata.labels = { 'app.kubernetes.io/name': 5 };
    expect(findingsOf('schema-core', objects)).toEqual([
      `${D} metadata.labels["app.kubernetes.io/name"]: must be a string (got 5); fix: write metadata.labels["app.kubernetes.io/name"] as a string`,
    ]);
  });

  test('words the formats Kubernetes checks: date-time, base64 data and 32-bit integers', () => {
    const dated = workload();
    dated[0].metadata.creationTimestamp = 'yesterday';
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: NS }, data: { a: 'not base64!', b: 'aGk=', c: 'aGkh' } };
    const big = workload();
    big[0].spec.template.spec.containers[0].ports[0].containerPort = 3000000000;
    expect([...findingsOf('schema-core', dated), ...findingsOf('schema-core', [secret]), ...findingsOf('schema-core', big)]).toEqual([
      `${D} metadata.creationTimestamp: must be an RFC 3339 date-time such as 2024-01-31T12:00:00Z (got "yesterday"); fix: write metadata.creationTimestamp as an RFC 3339 date-time such as 2024-01-31T12:00:00Z`,
      'production: Secret/shop-production/s: [schema-core] data.a: must be base64-encoded data (got "not base64!"); fix: write data.a as base64-encoded data',
      `${D} ${C}.ports[0].containerPort: must be <= 65535 (got 3000000000); fix: use a value <= 65535`,
      `${D} ${C}.ports[0].containerPort: must be a whole number from -2147483648 to 2147483647 (got 3000000000); fix: write ${C}.ports[0].containerPort as a whole number from -2147483648 to 2147483647`,
    ]);
  });

  test('accepts RFC 3339 date-times with offsets and fractions, and negative 32-bit integers where allowed', () => {
    const objects = workload();
    objects[0].metadata.creationTimestamp = '2024-01-31T12:00:00.5+01:00';
    objects[0].spec.template.spec.containers[0].ports[0].containerPort = 2147483647;
    expect(findingsOf('schema-core', objects)).toEqual([
      `${D} ${C}.ports[0].containerPort: must be <= 65535 (got 2147483647); fix: use a value <= 65535`,
    ]);
  });

  test('words an int-or-string and a list', () => {
    const objects = workload();
    objects[1].spec.ports[0].targetPort = true;
    objects[0].spec.template.spec.containers = 'api';
    expect(findingsOf('schema-core', objects)).toEqual([
      `${D} spec.template.spec.containers: must be a list (got "api"); fix: write spec.template.spec.containers as a list`,
      'production: Service/shop-production/api: [schema-core] spec.ports[0].targetPort: must be an integer or a string (got true); fix: write spec.ports[0].targetPort as an integer or a string',
    ]);
  });

  test('fails on annotations above 256 KiB and on a namespace that is no DNS label, checked with the schema', () => {
    const objects = workload();
    objects[0].metadata.annotations = { 'eaf.io/notes': 'x'.repeat(262144) };
    objects[0].metadata.namespace = 'Shop';
    expect(findingsOf('schema-core', objects)).toEqual([
      'production: Deployment/Shop/api: [schema-core] metadata.namespace: is not a DNS label: at most 63 lower-case letters, digits and hyphens, starting and ending with a letter or digit (got "Shop"); fix: use a valid namespace name',
      'production: Deployment/Shop/api: [schema-core] metadata.annotations: total 262156 bytes exceed the 256 KiB the API server accepts (got 262156); fix: move large data to a ConfigMap',
    ]);
  });

  test('accepts annotations of exactly 256 KiB, a label value of 63 characters and an empty one, and prefixed keys', () => {
    const objects = workload();
    objects[0].metadata.annotations = { 'eaf.io/notes': 'x'.repeat(262144 - 'eaf.io/notes'.length) };
    objects[0].metadata.labels = { 'example.com/tier': 'v'.repeat(63), 'empty': '' };
    expect(findingsOf('schema-core', objects)).toEqual([]);
  });

  test('fails on a label key whose name is longer than 63 characters or whose prefix is no DNS name, and a value of 64', () => {
    const objects = workload();
    objects[0].metadata.labels = { [`example.com/${'k'.repeat(64)}`]: 'a', 'Example_Com/tier': 'a', 'tier': 'v'.repeat(64) };
    const fix =
      "use an optional DNS-subdomain prefix and '/', then at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
    expect(findingsOf('schema-core', objects)).toEqual([
      `${D} metadata.labels["example.com/${'k'.repeat(64)}"]: is not a valid label key (got "example.com/${'k'.repeat(64)}"); fix: ${fix}`,
      `${D} metadata.labels["Example_Com/tier"]: is not a valid label key (got "Example_Com/tier"); fix: ${fix}`,
      `${D} metadata.labels.tier: is not a valid label value (got "${'v'.repeat(64)}"); fix: use at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`,
    ]);
  });

  test('checks the name of a Namespace as a DNS label and of other kinds as a DNS subdomain', () => {
    const objects = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop.prod' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shop.prod', namespace: NS } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Shop', namespace: NS } },
    ];
    expect(findingsOf('schema-core', objects)).toEqual([
      'production: Namespace/shop.prod: [schema-core] metadata.name: is not a DNS label: at most 63 lower-case letters, digits and hyphens, starting and ending with a letter or digit (got "shop.prod"); fix: rename the Namespace to a DNS label: at most 63 lower-case letters, digits and hyphens, starting and ending with a letter or digit',
      'production: ConfigMap/shop-production/Shop: [schema-core] metadata.name: is not a DNS subdomain: at most 253 characters of lower-case letter, digit and hyphen labels separated by dots (got "Shop"); fix: rename the ConfigMap to a DNS subdomain: at most 253 characters of lower-case letter, digit and hyphen labels separated by dots',
    ]);
  });
});
