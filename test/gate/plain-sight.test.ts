import { entropy, isRandom, isSecretName, keyWords, secretContent } from '../../lib/gate/checks/plain-sight';
import { container, deployment, findingsOf, NS } from './fixtures';

const RULE = 'secrets-in-plain-sight';
const DEV = { environment: 'dev', critical: false };

function configMap(data: Record<string, string>, extra: Record<string, unknown> = {}) {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: NS }, data, ...extra };
}

// Made-up secrets, built at run time so no scanner mistakes this file for a leak.
const PEM = [
  '-----BEGIN',
  'RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB\n-----END RSA',
  'PRIVATE KEY-----',
].join(' ');
const b64url = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const JWT = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ sub: '1234567890', name: 'Jane' })}.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c`;
const RANDOM = ['wJalrXUtnFEMI', 'K7MDENG', 'bPxRfiCYEXAMPLEKEY9'].join('/');

const CM = `production: ConfigMap/${NS}/settings: [${RULE}]`;
const CONFIG_FIX =
  'fix: move the value into a Secret the cluster provides (Sealed Secrets, External Secrets) and reference it by name: ' +
  'env valueFrom.secretKeyRef, envFrom.secretRef or a secret volume';
const ENV_FIX =
  'fix: reference a Secret instead of a literal: valueFrom.secretKeyRef { name: <secret>, key: <key> } (the cluster provides the Secret)';
const ANNOTATION_FIX = 'fix: remove the value from the annotation; keep it in a Secret the cluster provides and reference the Secret by name';
const W = '(got "(value withheld)")';

describe('secrets-in-plain-sight', () => {
  test('names a key as secret by its last words, in any case and with any separator', () => {
    expect(keyWords('spring.datasource.dbPassword')).toEqual(['spring', 'datasource', 'db', 'password']);
    for (const key of ['password', 'DB_PASSWORD', 'db-passwd', 'oidc.client_secret', 'clientSecret', 'API_KEY', 'apiKey', 'x-api-key'])
      expect(isSecretName(key)).toBe(true);
    for (const key of ['private_key', 'AWS_SECRET_ACCESS_KEY', 'accessToken', 'GITHUB_TOKEN', 'ssh.privateKey', 'apikey', 'pwd', 'Passphrase'])
      expect(isSecretName(key)).toBe(true);
    for (const key of ['PASSWORD_MIN_LENGTH', 'token_url', 'secret_name', 'password-file', 'key', 'tokenTtl', 'monkey', 'passwords_enabled'])
      expect(isSecretName(key)).toBe(false);
  });

  test('tells random strings from names, digests, UUIDs and URLs', () => {
    expect(entropy('aaaa')).toBe(0);
    expect(entropy('abcd')).toBe(2);
    expect(isRandom(RANDOM)).toBe(true);
    for (const text of [
      'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'.slice(7),
      '550e8400-e29b-41d4-a716-446655440000-550e8400-e29b',
      'eaf-cdk8s-dvmm-production-api-v2-with-a-long-name',
      'ApplicationControllerServiceAccount1',
      'Xk9mQ2vL8pR4tN7wZ1bY5cF3aB6dE0gH'.toLowerCase(),
      'Xk9mQ2vL8pR4tN7wZ1bY5cF3aB6dE0g', // 31 characters
    ])
      expect(isRandom(text)).toBe(false);
    expect(isRandom('Xk9mQ2vL8pR4tN7wZ1bY5cF3aB6dE0gH')).toBe(true);
    expect(isRandom('XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXa1')).toBe(false); // long, mixed, but not random
    expect(secretContent('https://keycloak.example.com/realms/shop/protocol/openid-connect/certs?client=shop-frontend')).toBeUndefined();
    expect(
      secretContent(`-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJ\n-----END CERTIFICATE-----`),
    ).toBeUndefined();
    expect(secretContent(`ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ops@example`)).toBeUndefined();
    expect(secretContent(`a.b.c ${b64url({ typ: 'JWT' })}.${b64url({ sub: 'x' })}.sig`)).toBeUndefined();
    expect(secretContent(`Bearer ${JWT}`)).toBe('a JSON Web Token');
    expect(secretContent(`the token is ${JWT}.`)).toBe('a JSON Web Token');
    // A long run without dots is scanned in linear time (a backtracking pattern took 200 s on 256 KiB).
    expect(secretContent('a'.repeat(262144), false)).toBeUndefined();
    expect(secretContent(`key: |\n  ${PEM}`)).toBe('a PEM private key block');
    expect(secretContent(`x=${RANDOM}`)).toBe('a random-looking string (a key or token)');
    expect(secretContent(`x=${RANDOM}`, false)).toBeUndefined();
  });

  test('accepts the library-like ConfigMap, env and annotations: references, flags, digests, checksums, waivers', () => {
    const objects = [
      configMap({
        'SPRING_PROFILES_ACTIVE': 'production',
        'DB_PASSWORD': '${DB_PASSWORD}',
        'API_TOKEN': '',
        'OIDC_CLIENT_SECRET': '$(OIDC_CLIENT_SECRET)',
        'FEATURE_SECRET': 'false',
        'application.yaml': 'spring:\n  datasource:\n    password: ${DB_PASSWORD}\n    url: jdbc:postgresql://db:5432/shop\n',
        'realm.json': '{\n  "clientSecret": {\n    "value": null\n  },\n  "token": null,\n  "secret": [],\n  "password": ~\n}',
        'ca.crt': '-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJ\n-----END CERTIFICATE-----\n',
      }),
      deployment('api', {
        annotations: {
          'checksum/secret': '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
          'waive.eaf.io/apply-size': 'the token is long',
        },
        spec: {
          containers: [
            container('api', {
              image: 'registry.eaf.example.com/shop/api@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
              env: [
                { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
                { name: 'TOKEN_URL', value: 'https://keycloak.example.com/realms/shop/protocol/openid-connect/token' },
                { name: 'REQUEST_ID', value: '550e8400-e29b-41d4-a716-446655440000' },
              ],
            }),
          ],
        },
      }),
    ];
    expect(findingsOf(RULE, objects)).toEqual([]);
  });

  test('fails on a PEM key and a password in a ConfigMap, in every environment, naming the key and never the value', () => {
    const objects = [configMap({ 'tls.key': PEM, 'DB_PASSWORD': 'hunter2', 'token': JWT, 'notes': `rotate ${RANDOM} soon` })];
    const lines = [
      `${CM} data["tls.key"]: holds a PEM private key block in plain sight ${W}; ${CONFIG_FIX}`,
      `${CM} data.DB_PASSWORD: holds a literal value under a secret key name (DB_PASSWORD) in plain sight ${W}; ${CONFIG_FIX}`,
      `${CM} data.token: holds a JSON Web Token in plain sight ${W}; ${CONFIG_FIX}`,
      `${CM} data.notes: holds a random-looking string (a key or token) in plain sight ${W}; ${CONFIG_FIX}`,
    ];
    expect(findingsOf(RULE, objects)).toEqual(lines);
    expect(findingsOf(RULE, objects, DEV)).toEqual(lines.map((l) => l.replace('production:', 'dev:')));
    for (const line of findingsOf(RULE, objects)) for (const secret of ['hunter2', RANDOM, JWT, 'MIIEow']) expect(line).not.toContain(secret);
  });

  test('fails on secret keys with literal values in the lines of a ConfigMap file (properties, YAML, .env, JSON)', () => {
    const file = ['spring.datasource.url=jdbc:postgresql://db/shop', 'spring.datasource.password=hunter2', 'oidc:', '  client-secret: "s3cr3t"'].join(
      '\n',
    );
    expect(findingsOf(RULE, [configMap({ 'application.properties': file, 'realm.json': '{\n  "apiKey": "abc123",\n  "enabled": true\n}' })])).toEqual(
      [
        `${CM} data["application.properties"]: holds literal values under secret key names: spring.datasource.password (line 2), ` +
          `client-secret (line 4) in plain sight ${W}; ${CONFIG_FIX}`,
        `${CM} data["realm.json"]: holds literal values under secret key names: apiKey (line 2) in plain sight ${W}; ${CONFIG_FIX}`,
      ],
    );
  });

  test('fails on binaryData under a secret key name or holding a PEM key or JWT, but not on random bytes', () => {
    const binaryData = {
      'id_rsa': Buffer.from('anything').toString('base64'),
      'bundle.bin': Buffer.from(`prefix\n${PEM}\n`).toString('base64'),
      'session.bin': Buffer.from(JWT).toString('base64'),
      'logo.png': Buffer.from(Array.from({ length: 256 }, (_, i) => (i * 97) % 256)).toString('base64'),
      'api.key': '',
    };
    expect(findingsOf(RULE, [configMap({}, { binaryData })])).toEqual([
      `${CM} binaryData["bundle.bin"]: holds a PEM private key block in plain sight ${W}; ${CONFIG_FIX}`,
      `${CM} binaryData["session.bin"]: holds a JSON Web Token in plain sight ${W}; ${CONFIG_FIX}`,
    ]);
    expect(findingsOf(RULE, [configMap({}, { binaryData: { 'db.password': 'aHVudGVyMg==' } })])).toEqual([
      `${CM} binaryData["db.password"]: holds a literal value under a secret key name (db.password) in plain sight ${W}; ${CONFIG_FIX}`,
    ]);
  });

  test('fails on a literal DB_PASSWORD env value and a token in any container, and on secrets in annotations of any object', () => {
    const objects = [
      deployment('api', {
        annotations: { 'example.com/api-token': 'abc', 'example.com/notes': JWT },
        spec: {
          initContainers: [container('migrate', { env: [{ name: 'DB_PASSWORD', value: 'hunter2' }] })],
          containers: [container('api', { env: [{ name: 'HEADER', value: `Bearer ${JWT}` }, { name: 'DB_PASSWORD', value: '' }, 'x'] })],
        },
      }),
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: NS, annotations: { 'example.com/private-key': PEM } }, spec: {} },
    ];
    const D = `production: Deployment/${NS}/api: [${RULE}]`;
    expect(findingsOf(RULE, objects)).toEqual([
      `${D} metadata.annotations["example.com/api-token"]: holds a literal value under a secret key name (example.com/api-token) ` +
        `in plain sight ${W}; ${ANNOTATION_FIX}`,
      `${D} metadata.annotations["example.com/notes"]: holds a JSON Web Token in plain sight ${W}; ${ANNOTATION_FIX}`,
      `${D} spec.template.spec.containers[0].env[name=HEADER].value: holds a JSON Web Token in plain sight ${W}; ${ENV_FIX}`,
      `${D} spec.template.spec.initContainers[0].env[name=DB_PASSWORD].value: holds a literal value under a secret name (DB_PASSWORD) ` +
        `in plain sight ${W}; ${ENV_FIX}`,
      `production: Service/${NS}/api: [${RULE}] metadata.annotations["example.com/private-key"]: holds a PEM private key block ` +
        `in plain sight ${W}; ${ANNOTATION_FIX}`,
    ]);
  });

  test("reads pod template annotations too, and a bare Pod's metadata once", () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'debug', namespace: NS, annotations: { token: 'abc' } },
      spec: { containers: [] },
    };
    const dep = deployment('api');
    dep.spec.template.metadata.annotations = { 'vault.example.com/secret': 'plain' };
    expect(findingsOf(RULE, [dep, pod])).toEqual([
      `production: Deployment/${NS}/api: [${RULE}] spec.template.metadata.annotations["vault.example.com/secret"]: holds a literal value under ` +
        `a secret key name (vault.example.com/secret) in plain sight ${W}; ${ANNOTATION_FIX}`,
      `production: Pod/${NS}/debug: [${RULE}] metadata.annotations.token: holds a literal value under a secret key name (token) ` +
        `in plain sight ${W}; ${ANNOTATION_FIX}`,
    ]);
  });
});
