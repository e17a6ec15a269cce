import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { parseAllDocuments, stringify } from 'yaml';
import {
  EafProductChart,
  EnvironmentConfig,
  InventoriedSecret,
  kubesealCommand,
  SEALED_SECRETS_CONTEXT,
  SealedSecretFiles,
  sealedSecretsFolder,
  SYNC_WAVE_ANNOTATION,
} from '../../lib';
import { readSealedSecretFolder, synthesizeProduct } from '../../lib/program';
import { formatFinding } from '../../lib/gate';
import { orders } from '../../examples/api-only/main';
import { validator } from '../gate/fixtures';
import { find, Manifest, settingProblems, synth, testEnvironment, WEB_PRODUCT } from '../util';

const REPO = path.join(__dirname, '..', '..');
const NS = 'dvmm-production';

/**
 * What kubeseal writes for a value: base64 of a 2-byte RSA length, the RSA-encrypted session key of that length (an
 * RSA-4096 key's by default) and AES-GCM data, `size` bytes in all.
 */
function ciphertext(rsa = 512, size = 2 + rsa + 48): string {
  const bytes = Buffer.alloc(size, 7);
  bytes.writeUInt16BE(rsa, 0);
  return bytes.toString('base64');
}

/** A SealedSecret as kubeseal writes it (`--format yaml`), for `namespace`. */
function sealedSecret(
  name: string,
  keys: string[],
  extra: { namespace?: string; type?: string; annotations?: Record<string, string>; data?: Record<string, string> } = {},
): Record<string, any> {
  const namespace = extra.namespace ?? NS;
  return {
    apiVersion: 'bitnami.com/v1alpha1',
    kind: 'SealedSecret',
    metadata: { name, namespace, creationTimestamp: null, ...(extra.annotations ? { annotations: extra.annotations } : {}) },
    spec: {
      encryptedData: Object.fromEntries(keys.map((k) => [k, ciphertext()])),
      template: {
        metadata: { name, namespace, creationTimestamp: null },
        ...(extra.type ? { type: extra.type } : {}),
        ...(extra.data ? { data: extra.data } : {}),
      },
    },
  };
}

/** Every Secret the DVMM-shaped test production reads, sealed properly. */
function allSealed(): Record<string, any>[] {
  return [
    sealedSecret('backup-s3', ['ACCESS_KEY_ID', 'ACCESS_SECRET_KEY']),
    sealedSecret('dvmm-db-credentials', ['username', 'password'], { type: 'kubernetes.io/basic-auth' }),
    sealedSecret('dvmm-keycloak-client', ['client-secret']),
    sealedSecret('keycloak-db-credentials', ['username', 'password'], { type: 'kubernetes.io/basic-auth' }),
  ];
}

const sealedEnvironment = (): EnvironmentConfig => testEnvironment({ secrets: { provider: 'sealed-secrets' } });
const files = (manifests: Record<string, any>[]): SealedSecretFiles => ({
  folder: 'sealed-secrets/production',
  files: manifests.map((m) => ({ file: `sealed-secrets/production/${m.metadata.name}.yaml`, manifest: m })),
});
const chart = (manifests: Record<string, any>[]) =>
  new EafProductChart(Testing.app(), 'dvmm', { product: WEB_PRODUCT, environment: sealedEnvironment(), sealedSecrets: files(manifests) });

describe('SealedSecrets', () => {
  test('renders every committed SealedSecret into the environment, labelled, in sync wave 0, and the gate passes it', () => {
    const manifests = synth(chart(allSealed()));
    const sealed = manifests.filter((m) => m.kind === 'SealedSecret');
    expect(sealed.map((m) => m.metadata.name)).toEqual(['backup-s3', 'dvmm-db-credentials', 'dvmm-keycloak-client', 'keycloak-db-credentials']);
    const db = find(manifests, 'SealedSecret', 'dvmm-db-credentials');
    expect(db.metadata).toMatchObject({
      namespace: NS,
      labels: { 'app.kubernetes.io/part-of': 'dvmm', 'eaf.io/environment': 'production' },
      annotations: { [SYNC_WAVE_ANNOTATION]: '0' },
    });
    // THEN the ciphertext and the template are carried as committed (kubeseal's creationTimestamp: null is dropped)
    expect(db.spec).toEqual({
      encryptedData: allSealed()[1].spec.encryptedData,
      template: { metadata: { name: 'dvmm-db-credentials', namespace: NS }, type: 'kubernetes.io/basic-auth' },
    });
    expect(
      validator()
        .validate([{ environment: 'production', critical: true, objects: manifests }])
        .findings.map(formatFinding),
    ).toEqual([]);
  });

  test('changes nothing else: the same objects and NetworkPolicies as with the Secrets made out of band', () => {
    const plain = synth(new EafProductChart(Testing.app(), 'dvmm', { product: WEB_PRODUCT, environment: testEnvironment() }));
    const sealed = synth(chart(allSealed()));
    expect(sealed.filter((m) => m.kind !== 'SealedSecret')).toEqual(plain);
    expect(sealed.length - plain.length).toBe(4);
  });

  test('reads the files from the context the program sets, when no prop gives them', () => {
    const app = Testing.app();
    app.node.setContext(SEALED_SECRETS_CONTEXT, files(allSealed()));
    const manifests = synth(new EafProductChart(app, 'dvmm', { product: WEB_PRODUCT, environment: sealedEnvironment() }));
    expect(manifests.filter((m) => m.kind === 'SealedSecret').length).toBe(4);
  });

  test('fails for each Secret without a SealedSecret, with the command that seals it', () => {
    expect(settingProblems(() => chart(allSealed().slice(0, 3)))).toEqual([
      'secrets: sealed-secrets/production: has no SealedSecret for keycloak-db-credentials (keys password, username), read by Cluster/keycloak-db, Keycloak/keycloak ' +
        '(got ["backup-s3","dvmm-db-credentials","dvmm-keycloak-client"]); seal it and commit the output: kubectl create secret generic keycloak-db-credentials --namespace dvmm-production ' +
        '--type kubernetes.io/basic-auth --from-literal=password="$KEYCLOAK_DB_CREDENTIALS_PASSWORD" --from-literal=username="$KEYCLOAK_DB_CREDENTIALS_USERNAME" --dry-run=client -o yaml ' +
        '| kubeseal --format yaml --namespace dvmm-production > sealed-secrets/production/keycloak-db-credentials.yaml',
    ]);
  });

  test('fails on everything that is not one SealedSecret per Secret, sealed strictly for the namespace, holding only ciphertext', () => {
    const [backup, db, client, keycloak] = allSealed();
    const problems = settingProblems(() =>
      chart([
        backup,
        // sealed for another namespace, with the cluster-wide scope
        sealedSecret('dvmm-db-credentials', ['username', 'password'], {
          namespace: 'dvmm-staging',
          type: 'kubernetes.io/basic-auth',
          annotations: { 'sealedsecrets.bitnami.com/cluster-wide': 'true' },
        }),
        // a key missing, the type missing, and a value in clear
        { ...client, spec: { encryptedData: {}, template: { data: { note: 'hello' } } } },
        { ...keycloak, spec: { ...keycloak.spec, encryptedData: { username: ciphertext(), password: 'aHVudGVyMg==' } } },
        // a second one for the same Secret, one for a Secret nothing reads, and something else
        db,
        sealedSecret('dvmm-smtp', ['password']),
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'plain' }, stringData: { password: 'x' } },
      ]),
    );
    const kubeseal = (name: string, keys: string, type = '') =>
      `kubectl create secret generic ${name} --namespace ${NS}${type}${keys} --dry-run=client -o yaml | kubeseal --format yaml --namespace ${NS} > sealed-secrets/production/${name}.yaml`;
    const dbSeal = kubeseal(
      'dvmm-db-credentials',
      ' --from-literal=password="$DVMM_DB_CREDENTIALS_PASSWORD" --from-literal=username="$DVMM_DB_CREDENTIALS_USERNAME"',
      ' --type kubernetes.io/basic-auth',
    );
    const clientSeal = kubeseal('dvmm-keycloak-client', ' --from-literal=client-secret="$DVMM_KEYCLOAK_CLIENT_CLIENT_SECRET"');
    const keycloakSeal = kubeseal(
      'keycloak-db-credentials',
      ' --from-literal=password="$KEYCLOAK_DB_CREDENTIALS_PASSWORD" --from-literal=username="$KEYCLOAK_DB_CREDENTIALS_USERNAME"',
      ' --type kubernetes.io/basic-auth',
    );
    expect(problems).toEqual([
      `secrets: sealed-secrets/production/dvmm-db-credentials.yaml: SealedSecret dvmm-db-credentials is not sealed for the namespace ${NS} (got "dvmm-staging"); re-seal it: ${dbSeal}`,
      `secrets: sealed-secrets/production/dvmm-db-credentials.yaml: SealedSecret dvmm-db-credentials is not sealed with the strict scope (name and namespace) (got "sealedsecrets.bitnami.com/cluster-wide"); re-seal it: ${dbSeal}`,
      'secrets: sealed-secrets/production/dvmm-db-credentials.yaml: SealedSecret dvmm-db-credentials makes a Secret of another name or namespace (spec.template.metadata) ' +
        `(got {"name":"dvmm-db-credentials","namespace":"dvmm-staging"}); re-seal it: ${dbSeal}`,
      `secrets: sealed-secrets/production/dvmm-keycloak-client.yaml: SealedSecret dvmm-keycloak-client holds values outside encryptedData (spec.data or spec.template.data), which are not encrypted (got "(redacted)"); remove them and re-seal it: ${clientSeal}`,
      `secrets: sealed-secrets/production/dvmm-keycloak-client.yaml: SealedSecret dvmm-keycloak-client lacks the key client-secret, read by Deployment/api-blue, Deployment/api-green (got []); re-seal it: ${clientSeal}`,
      `secrets: sealed-secrets/production/keycloak-db-credentials.yaml: SealedSecret keycloak-db-credentials holds values that are not kubeseal ciphertext under password (got "(redacted)"); never commit a value in clear: re-seal it: ${keycloakSeal}`,
      'secrets: sealed-secrets/production/dvmm-db-credentials.yaml: seals dvmm-db-credentials again, as sealed-secrets/production/dvmm-db-credentials.yaml does (got "dvmm-db-credentials"); keep one SealedSecret for dvmm-db-credentials',
      'secrets: sealed-secrets/production/dvmm-smtp.yaml: seals a Secret the environment does not reference (got "dvmm-smtp"); remove it, or name one of: backup-s3, dvmm-db-credentials, dvmm-keycloak-client, keycloak-db-credentials',
      'secrets: sealed-secrets/production/plain.yaml: is not a SealedSecret (got "v1/Secret"); keep only kubeseal\'s output (apiVersion bitnami.com/v1alpha1, kind SealedSecret) in sealed-secrets/production',
    ]);
  });

  test('tells kubeseal ciphertext from everything else: a 2-byte RSA length of 256, 384 or 512 bytes, that ciphertext and 16 bytes or more', () => {
    const [backup, db, client, keycloak] = allSealed();
    const encryptedData = {
      username: ciphertext(256, 2 + 256 + 16),
      password: ciphertext(384, 2 + 384 + 16),
      ok: ciphertext(512, 2 + 512 + 16),
      number: 12345,
      length: 'abc',
      chars: 'ab$d',
      prefix: `!!!!${ciphertext()}`,
      suffix: `${ciphertext()}!!!!`,
      tiny: 'AA==',
      short: ciphertext(256, 2 + 256 + 15),
      rsa: ciphertext(300, 2 + 300 + 16),
      truncated: ciphertext(512, 2 + 512 + 15),
    };
    const problems = settingProblems(() => chart([backup, db, client, { ...keycloak, spec: { ...keycloak.spec, encryptedData } }]));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^secrets: sealed-secrets\/production\/keycloak-db-credentials\.yaml: SealedSecret keycloak-db-credentials holds values that are not kubeseal ciphertext under number, length, chars, prefix, suffix, tiny, short, rsa, truncated \(got "\(redacted\)"\); /,
    );
  });

  test('fails on a document that is not a SealedSecret, and on one of no name', () => {
    const [backup, db, client, keycloak] = allSealed();
    const odd: unknown[] = [
      null,
      'text',
      { ...backup, kind: 'Secret' },
      { ...backup, apiVersion: 'bitnami.com/v1' },
      { apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', spec: {} },
    ];
    const sealed = files([backup, db, client, keycloak]);
    const withOdd: SealedSecretFiles = {
      ...sealed,
      files: [
        ...sealed.files,
        ...odd.map((manifest, i) => ({ file: `sealed-secrets/production/odd-${i}.yaml`, manifest: manifest as Record<string, any> })),
      ],
    };
    const problems = settingProblems(
      () => new EafProductChart(Testing.app(), 'dvmm', { product: WEB_PRODUCT, environment: sealedEnvironment(), sealedSecrets: withOdd }),
    );
    const keep = "keep only kubeseal's output (apiVersion bitnami.com/v1alpha1, kind SealedSecret) in sealed-secrets/production";
    expect(problems.map((p) => p.replace(/^secrets: sealed-secrets\/production\/[^:]*: /, ''))).toEqual([
      `is not a SealedSecret (got null); ${keep}`,
      `is not a SealedSecret (got "text"); ${keep}`,
      `is not a SealedSecret (got "bitnami.com/v1alpha1/Secret"); ${keep}`,
      `is not a SealedSecret (got "bitnami.com/v1/SealedSecret"); ${keep}`,
      'seals a Secret the environment does not reference (got nothing); remove it, or name one of: backup-s3, dvmm-db-credentials, dvmm-keycloak-client, keycloak-db-credentials',
    ]);
  });

  test('fails on a SealedSecret of no namespace, both wide scopes, values in spec.data and no encrypted data, naming every missing key', () => {
    const [backup, db, client] = allSealed();
    const keycloak = {
      apiVersion: 'bitnami.com/v1alpha1',
      kind: 'SealedSecret',
      metadata: {
        name: 'keycloak-db-credentials',
        annotations: { 'sealedsecrets.bitnami.com/cluster-wide': 'true', 'sealedsecrets.bitnami.com/namespace-wide': 'true' },
      },
      spec: { data: { password: 'aHVudGVyMg==' }, encryptedData: ['username'] },
    };
    const problems = settingProblems(() => chart([backup, db, client, keycloak])).map((p) =>
      p.replace(/; re-seal it: .*|; remove them and re-seal it: .*/, ''),
    );
    expect(problems).toEqual([
      'secrets: sealed-secrets/production/keycloak-db-credentials.yaml: SealedSecret keycloak-db-credentials is not sealed for the namespace dvmm-production (got nothing)',
      'secrets: sealed-secrets/production/keycloak-db-credentials.yaml: SealedSecret keycloak-db-credentials is not sealed with the strict scope (name and namespace) (got "sealedsecrets.bitnami.com/cluster-wide, sealedsecrets.bitnami.com/namespace-wide")',
      'secrets: sealed-secrets/production/keycloak-db-credentials.yaml: SealedSecret keycloak-db-credentials holds values outside encryptedData (spec.data or spec.template.data), which are not encrypted (got "(redacted)")',
      'secrets: sealed-secrets/production/keycloak-db-credentials.yaml: SealedSecret keycloak-db-credentials is not of the type kubernetes.io/basic-auth, which Cluster/keycloak-db, Keycloak/keycloak require (got nothing)',
      'secrets: sealed-secrets/production/keycloak-db-credentials.yaml: SealedSecret keycloak-db-credentials lacks the keys password, username, read by Cluster/keycloak-db, Keycloak/keycloak (got [])',
    ]);
  });

  test("keeps a committed SealedSecret's own labels and annotations, and takes a type where no reader requires one", () => {
    const [backup, db, client, keycloak] = allSealed();
    const labelled = sealedSecret('backup-s3', ['ACCESS_KEY_ID', 'ACCESS_SECRET_KEY'], { type: 'Opaque', annotations: { note: 'rotated 2026-11' } });
    labelled.metadata.labels = { team: 'shop' };
    const rendered = find(synth(chart([labelled, db, client, keycloak])), 'SealedSecret', 'backup-s3');
    expect(rendered.metadata.labels).toMatchObject({ team: 'shop', 'app.kubernetes.io/part-of': 'dvmm' });
    expect(rendered.metadata.annotations).toEqual({ note: 'rotated 2026-11', [SYNC_WAVE_ANNOTATION]: '0' });
    expect(rendered.spec.template.type).toBe('Opaque');
    expect(find(synth(chart([backup, db, client, keycloak])), 'SealedSecret', 'backup-s3').metadata.labels).not.toHaveProperty('team');
  });

  test('are committed under sealed-secrets/<environment>', () => {
    expect(sealedSecretsFolder('production')).toBe('sealed-secrets/production');
  });

  test('fails on a SealedSecret without the type a reader requires', () => {
    const sealed = allSealed().map((m) =>
      m.metadata.name === 'dvmm-db-credentials' ? sealedSecret('dvmm-db-credentials', ['username', 'password']) : m,
    );
    expect(settingProblems(() => chart(sealed))[0]).toMatch(
      /^secrets: sealed-secrets\/production\/dvmm-db-credentials\.yaml: SealedSecret dvmm-db-credentials is not of the type kubernetes\.io\/basic-auth, which Cluster\/dvmm-db, Deployment\/api-blue, Deployment\/api-green require \(got nothing\); re-seal it: /,
    );
  });
});

describe('kubesealCommand', () => {
  test('seals from environment variables, never from values on the line, with the type when one is required', () => {
    const secret: InventoriedSecret = {
      name: 'shop-db',
      keys: ['password', 'username'],
      wholeSecret: false,
      type: 'kubernetes.io/basic-auth',
      readers: [],
    };
    expect(kubesealCommand(secret, 'shop', 'sealed-secrets/production')).toBe(
      'kubectl create secret generic shop-db --namespace shop --type kubernetes.io/basic-auth --from-literal=password="$SHOP_DB_PASSWORD" --from-literal=username="$SHOP_DB_USERNAME" ' +
        '--dry-run=client -o yaml | kubeseal --format yaml --namespace shop > sealed-secrets/production/shop-db.yaml',
    );
  });
});

describe('the program with secrets.provider sealed-secrets', () => {
  let tmp: string;
  let lines: string[];
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sealed-'));
    lines = [];
    fs.mkdirSync(path.join(tmp, 'environments'));
    const production = fs.readFileSync(path.join(REPO, 'examples', 'api-only', 'environments', 'production.yaml'), 'utf8');
    fs.writeFileSync(path.join(tmp, 'environments', 'production.yaml'), `${production}secrets: { provider: sealed-secrets }\n`);
    fs.mkdirSync(path.join(tmp, 'sealed-secrets', 'production'), { recursive: true });
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const seal = (file: string, ...manifests: Record<string, any>[]) =>
    fs.writeFileSync(path.join(tmp, 'sealed-secrets', 'production', file), manifests.map((m) => stringify(m)).join('---\n'));
  const run = () =>
    synthesizeProduct(orders, {
      environmentsDir: path.join(tmp, 'environments'),
      outdir: path.join(tmp, 'dist'),
      crdDirectory: path.join(REPO, 'crds'),
      log: (l) => lines.push(l),
    });
  const ns = { namespace: 'orders-production' };

  test("copies the committed SealedSecrets (several per file too) into the environment's output, through the gate", () => {
    // GIVEN the two Secrets the API-only product reads, sealed for its namespace (one file holds both)
    seal(
      'all.yaml',
      sealedSecret('orders-backup-s3', ['ACCESS_KEY_ID', 'ACCESS_SECRET_KEY'], ns),
      sealedSecret('orders-db-credentials', ['username', 'password'], { ...ns, type: 'kubernetes.io/basic-auth' }),
    );
    fs.writeFileSync(path.join(tmp, 'sealed-secrets', 'production', 'README.md'), "sealed with the production controller's certificate\n");
    // THEN synth writes them, as committed, beside the objects that read them
    expect(run()).toBe(0);
    const objects = parseAllDocuments(fs.readFileSync(path.join(tmp, 'dist', 'production', 'orders.k8s.yaml'), 'utf8')).map((d) =>
      d.toJS(),
    ) as Manifest[];
    expect(objects.filter((o) => o.kind === 'SealedSecret').map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      'orders-production/orders-backup-s3',
      'orders-production/orders-db-credentials',
    ]);
    expect(find(objects, 'SealedSecret', 'orders-db-credentials').spec.encryptedData.password).toBe(ciphertext());
  });

  test('fails without a SealedSecret for every Secret, naming the file to commit; dist is not written', () => {
    seal('orders-backup-s3.yaml', sealedSecret('orders-backup-s3', ['ACCESS_KEY_ID', 'ACCESS_SECRET_KEY'], ns));
    fs.writeFileSync(path.join(tmp, 'sealed-secrets', 'production', 'notes.txt'), 'x');
    expect(run()).toBe(1);
    const folder = path.join(tmp, 'sealed-secrets', 'production');
    expect(lines.filter((l) => l.includes('sealed-secrets')).join('\n')).toContain(
      `${folder}/notes.txt: is not a SealedSecret file; the folder holds only <name>.yaml files (kubeseal's output), *.md notes and hidden files (move it out)`,
    );
    expect(lines.join('\n')).toContain(
      `environments/production.yaml: secrets: ${folder}: has no SealedSecret for orders-db-credentials (keys password, username), read by Cluster/orders-db, Deployment/app`,
    );
    expect(fs.existsSync(path.join(tmp, 'dist'))).toBe(false);
  });

  test('reads no folder for an environment that does not ask for sealed secrets', () => {
    fs.writeFileSync(
      path.join(tmp, 'environments', 'production.yaml'),
      fs.readFileSync(path.join(REPO, 'examples', 'api-only', 'environments', 'production.yaml'), 'utf8'),
    );
    fs.writeFileSync(path.join(tmp, 'sealed-secrets', 'production', 'broken.yaml'), ': : :');
    expect(run()).toBe(0);
  });
});

describe('readSealedSecretFolder', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sealed-folder-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('fails on a YAML error and on a sub-folder, reading no further; a folder that does not exist holds no file', () => {
    expect(readSealedSecretFolder(path.join(tmp, 'missing'), 'sealed-secrets/production')).toEqual({
      sealed: { folder: 'sealed-secrets/production', files: [] },
      problems: [],
    });
    fs.writeFileSync(path.join(tmp, 'bad.yaml'), 'a: [1,\n');
    fs.mkdirSync(path.join(tmp, 'nested'));
    fs.writeFileSync(path.join(tmp, '.gitkeep'), '');
    const read = readSealedSecretFolder(tmp, 'sealed');
    expect(read.sealed.files).toEqual([]);
    expect(read.problems).toEqual([
      expect.stringMatching(/^sealed\/bad\.yaml: YAML error: .*; fix the YAML syntax \(or seal the Secret again\)$/),
      "sealed/nested: is not a SealedSecret file; the folder holds only <name>.yaml files (kubeseal's output), *.md notes and hidden files (move it out)",
    ]);
  });
});
