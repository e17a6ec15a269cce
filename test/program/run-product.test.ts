import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { defineProduct, EnvironmentConfig, PropertyError } from '../../lib';
import { synthesizeProduct } from '../../lib/program';
import { INTERNAL_ERROR_EXIT_CODE, INTERNAL_ERROR_LINE } from '../../lib/program/internal-error';
import { readTree } from '../tree';
import { testEnvironment, WEB_PRODUCT } from '../util';
import { orders } from '../../examples/api-only/main';

const REPO = path.join(__dirname, '..', '..');

/** Runs the program on `product` with one environment file, written into `<tmp>/environments/`; its lines into `lines`. */
function synthesizeIn(tmp: string, product: ReturnType<typeof defineProduct>, environment: EnvironmentConfig, lines: string[]): number {
  const envs = path.join(tmp, 'environments');
  fs.mkdirSync(envs);
  const { name, ...settings } = environment;
  fs.writeFileSync(path.join(envs, `${name}.yaml`), stringify(settings));
  return synthesizeProduct(product, {
    environmentsDir: envs,
    outdir: path.join(tmp, 'dist'),
    crdDirectory: path.join(REPO, 'crds'),
    log: (l) => lines.push(l),
  });
}

describe('synthesizeProduct', () => {
  let tmp: string;
  let lines: string[];
  const run = (linkFrom?: string) =>
    synthesizeProduct(orders, {
      environmentsDir: path.join(REPO, 'examples', 'api-only', 'environments'),
      outdir: path.join(tmp, 'dist'),
      crdDirectory: path.join(REPO, 'crds'),
      linkFrom,
      log: (line) => lines.push(line),
    });
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'run-product-'));
    lines = [];
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('links the cdk8s scratch folder to the output, replacing an old link', () => {
    const scratch = path.join(tmp, '.cdk8s-out');
    fs.symlinkSync('elsewhere', scratch);
    expect(run(scratch)).toBe(0);
    expect(fs.readlinkSync(scratch)).toBe('dist');
    expect(fs.existsSync(path.join(scratch, 'production', 'orders.k8s.yaml'))).toBe(true);
    expect(lines[lines.length - 1]).toBe(`linked ${scratch} -> ${path.join(tmp, 'dist')} for cdk8s synth`);
  });

  test('never replaces a real folder with a link', () => {
    const scratch = path.join(tmp, 'out');
    fs.mkdirSync(scratch);
    fs.writeFileSync(path.join(scratch, 'keep.txt'), 'mine');
    expect(run(scratch)).toBe(0);
    expect(fs.readFileSync(path.join(scratch, 'keep.txt'), 'utf8')).toBe('mine');
    expect(lines[lines.length - 1]).toBe(`note: ${scratch} exists and is not a link; left as it is (the output is in ${path.join(tmp, 'dist')})`);
  });

  test('refuses to delete what a person put into dist/, naming each file, and leaves dist/ exactly as it was', () => {
    // GIVEN a synthesised dist/ with a README, an extra manifest in an environment folder, and a stale environment
    expect(run()).toBe(0);
    const dist = path.join(tmp, 'dist');
    fs.writeFileSync(path.join(dist, 'README.md'), 'what is in here');
    fs.writeFileSync(path.join(dist, 'production', 'extra.yaml'), 'kind: ConfigMap');
    fs.mkdirSync(path.join(dist, 'old-env'));
    fs.writeFileSync(path.join(dist, 'old-env', 'orders.k8s.yaml'), 'kind: ConfigMap');
    const before = readTree(dist);
    lines = [];
    // WHEN synth runs again
    expect(run()).toBe(1);
    // THEN it names the two files nobody but a person wrote, and nothing changed
    expect(lines.join('\n')).toContain(
      `holds 2 files synth did not write: ${path.join(dist, 'README.md')}, ${path.join(dist, 'production', 'extra.yaml')}; ` +
        `synth replaces the whole folder, so nothing was written; move them out of ${dist} and run again`,
    );
    expect(readTree(dist)).toEqual(before);
    // AND once they are moved out, the stale environment goes with a line naming it
    fs.rmSync(path.join(dist, 'README.md'));
    fs.rmSync(path.join(dist, 'production', 'extra.yaml'));
    lines = [];
    expect(run()).toBe(0);
    expect(fs.existsSync(path.join(dist, 'old-env'))).toBe(false);
    expect(lines).toContain(`removed ${path.join('old-env', 'orders.k8s.yaml')} from ${dist}: this run no longer writes them`);
  });

  test('fails with exit code 1 on a missing CRD folder, writing nothing', () => {
    expect(
      synthesizeProduct(orders, {
        environmentsDir: path.join(REPO, 'examples', 'api-only', 'environments'),
        outdir: path.join(tmp, 'dist'),
        crdDirectory: path.join(tmp, 'none'),
        log: (l) => lines.push(l),
      }),
    ).toBe(1);
    expect(fs.existsSync(path.join(tmp, 'dist'))).toBe(false);
  });

  test("refuses a realm holding secrets in Keycloak's export format, every one by its path, and writes nothing", () => {
    // GIVEN a product whose realm is a Keycloak export: component config values are string arrays
    const realm = {
      realm: 'shop',
      smtpServer: { host: 'smtp.example.com', password: 'hunter2' },
      components: {
        'org.keycloak.keys.KeyProvider': [
          { name: 'rsa', providerId: 'rsa', config: { privateKey: ['MIIEvQIBADANBgkqhkiG9w0BAQEFAASC'], certificate: ['MIIC'], priority: ['100'] } },
        ],
        'org.keycloak.storage.UserStorageProvider': [{ name: 'ldap', providerId: 'ldap', config: { bindCredential: ['${LDAP_PASSWORD}'] } }],
      },
    };
    const product = defineProduct({
      ...WEB_PRODUCT,
      identity: { kind: 'keycloak', realm, realmPlaceholders: { LDAP_PASSWORD: { secretName: 'ldap', key: 'password' } } },
    });
    // WHEN the program runs
    const code = synthesizeIn(tmp, product, testEnvironment(), lines);
    // THEN both secrets are named by their path (redacted, against the product's construct, not an environment
    // setting), the placeholder passes, and nothing is written
    expect(code).toBe(1);
    expect(lines).toEqual([
      'error: synthesis failed:\n' +
        '  environment production: dvmm/production/identity: realm.components.org.keycloak.keys.KeyProvider[0].config.privateKey holds a secret value (got "(redacted)"); remove it from the realm file and use a ${PLACEHOLDER} filled from a Secret\n' +
        '  environment production: dvmm/production/identity: realm.smtpServer.password holds a secret value (got "(redacted)"); remove it from the realm file and use a ${PLACEHOLDER} filled from a Secret',
      `nothing was written; ${path.join(tmp, 'dist')} is unchanged`,
    ]);
    expect(fs.existsSync(path.join(tmp, 'dist'))).toBe(false);
  });
});

describe('synthesizeProduct: a Secret referenced after composition', () => {
  test('is bad input (exit 1) naming the Secret and its reader, and nothing is written', () => {
    // GIVEN a product whose extend adds a reader of a Secret no ExternalSecret provides
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'run-product-late-'));
    const product = defineProduct({
      ...WEB_PRODUCT,
      extend: (chart) => {
        new ApiObject(chart, 'late-reader', {
          apiVersion: 'batch/v1',
          kind: 'Job',
          metadata: { name: 'late-reader' },
          spec: {
            template: {
              spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'x:1', envFrom: [{ secretRef: { name: 'late-secret' } }] }] },
            },
          },
        });
      },
    });
    const lines: string[] = [];
    try {
      // WHEN the program runs
      const code = synthesizeIn(tmp, product, testEnvironment({ secrets: { provider: 'external-secrets', store: { name: 'vault' } } }), lines);
      // THEN it is the product's mistake, not a bug: exit 1, the Secret and its reader named, dist/ not created
      expect(code).toBe(1);
      expect(lines.join('\n')).toContain(
        'environment production: dvmm: secrets reference the Secret late-secret, read by Job/late-reader, which has no ExternalSecret',
      );
      expect(lines.join('\n')).not.toContain(INTERNAL_ERROR_LINE);
      expect(fs.existsSync(path.join(tmp, 'dist'))).toBe(false);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('synthesizeProduct with Argo CD delivery', () => {
  let tmp: string;
  let lines: string[];
  const delivered = defineProduct({ ...WEB_PRODUCT, delivery: { repoURL: 'https://git.example.com/eaf/dvmm.git' } });
  const write = (name: string, env: object) => fs.writeFileSync(path.join(tmp, 'envs', `${name}.yaml`), stringify(env));
  const run = () =>
    synthesizeProduct(delivered, {
      environmentsDir: path.join(tmp, 'envs'),
      outdir: path.join(tmp, 'dist'),
      crdDirectory: path.join(REPO, 'crds'),
      log: (l) => lines.push(l),
    });
  const { name: _name, ...production } = testEnvironment();
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'run-product-argo-'));
    fs.mkdirSync(path.join(tmp, 'envs'));
    lines = [];
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('writes dist/argocd/ beside the environments, through the gate, from what they rendered', () => {
    write('production', production);
    expect(run()).toBe(0);
    expect(fs.readdirSync(path.join(tmp, 'dist', 'argocd')).sort()).toEqual(['dvmm-apps.k8s.yaml', 'dvmm-root.k8s.yaml']);
    expect(fs.readFileSync(path.join(tmp, 'dist', 'argocd', 'dvmm-apps.k8s.yaml'), 'utf8')).toContain('path: dist/production');
  });

  test('fails on an environment named like the Argo CD folder, and on automated sync of a critical environment, writing nothing', () => {
    const other = { ...production, hosts: { frontend: 'argo.example.com', api: 'api.argo.example.com', identity: 'auth.argo.example.com' } };
    write('argocd', {
      ...other,
      namespace: 'dvmm-argo',
      databases: { db: { backup: { destinationPath: 's3://backups/argo-app', credentialsSecret: 'backup-s3' } } },
      identity: { database: { backup: { destinationPath: 's3://backups/argo-keycloak', credentialsSecret: 'backup-s3' } } },
    });
    write('production', { ...production, delivery: { sync: 'automated' } });
    expect(run()).toBe(1);
    const file = (name: string) => path.join(tmp, 'envs', `${name}.yaml`);
    expect(lines.join('\n').split('\n')).toEqual([
      'error: synthesis failed:',
      `  ${file('argocd')}: its name is the output folder of argocd objects; rename the environment`,
      `  ${file('production')}: delivery.sync: is automated in a critical environment without a reason (got "automated"); use sync: manual (someone approves each sync), or say why in autoSyncReason`,
      `nothing was written; ${path.join(tmp, 'dist')} is unchanged`,
    ]);
    expect(fs.existsSync(path.join(tmp, 'dist'))).toBe(false);
  });
});

describe('synthesizeProduct: upgrade warnings for the release after the target', () => {
  let tmp: string;
  let lines: string[];
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'run-product-upgrade-'));
    lines = [];
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const synth = (product: typeof orders, environmentsDir: string) =>
    synthesizeProduct(product, {
      environmentsDir,
      outdir: path.join(tmp, 'dist'),
      crdDirectory: path.join(REPO, 'crds'),
      log: (line) => lines.push(line),
    });

  test('prints what the next minor removes as a warning, writes the output, and is quiet when there is nothing', () => {
    // GIVEN an environment on Kubernetes 1.31 whose product adds a flowcontrol v1beta3 FlowSchema (served up to 1.31)
    const environments = path.join(tmp, 'environments');
    fs.mkdirSync(environments);
    const dev = fs.readFileSync(path.join(REPO, 'examples', 'api-only', 'environments', 'dev.yaml'), 'utf8');
    fs.writeFileSync(path.join(environments, 'dev.yaml'), `${dev}kubernetes: '1.31'\n`);
    const flowSchema = {
      apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta3',
      kind: 'FlowSchema',
      metadata: { name: 'orders-batch' },
      spec: { priorityLevelConfiguration: { name: 'global-default' } },
    };
    const product = defineProduct({ ...orders, extend: (chart) => new ApiObject(chart, 'flow', flowSchema) });
    // WHEN synth runs THEN it writes, and warns about the next minor, 1.32
    expect(synth(product, environments)).toBe(0);
    expect(lines.filter((l) => l.includes('[upgrade'))).toEqual([
      'warning: dev: FlowSchema/orders-dev/orders-batch: [upgrade 1.31 → 1.32] apiVersion/kind: flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema ' +
        'was removed in Kubernetes 1.32 (last served by 1.31); fix: use apiVersion flowcontrol.apiserver.k8s.io/v1',
    ]);
    expect(fs.existsSync(path.join(tmp, 'dist', 'dev.target.json'))).toBe(true);
    // AND the example itself (Kubernetes 1.33 and OpenShift 4.20) uses nothing 1.34 removes or deprecates: no line
    lines = [];
    expect(synth(orders, path.join(REPO, 'examples', 'api-only', 'environments'))).toBe(0);
    expect(lines.filter((l) => l.includes('[upgrade'))).toEqual([]);
  });
});

describe('synthesizeProduct: a bug of the library is reported as one', () => {
  let tmp: string;
  let lines: string[];
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'run-product-bug-'));
    lines = [];
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** A construct that fails while it is built: with a TypeError (a bug), or a PropertyError (bad input). */
  class Broken extends Construct {
    constructor(scope: Construct, id: string, kind: 'bug' | 'input') {
      super(scope, id);
      if (kind === 'input') throw new PropertyError(this, 'replicas', 'must be at least 1', 0, 'set replicas to 1 or more');
      const props: { readonly nested?: { readonly value: string } } = {};
      props.nested!.value.toUpperCase();
    }
  }

  // The construct is built in the product chart through the product's own additions (defineProduct's extend).
  const synth = (kind: 'bug' | 'input') =>
    synthesizeProduct(defineProduct({ ...orders, extend: (chart) => new Broken(chart, 'broken', kind) }), {
      environmentsDir: path.join(REPO, 'examples', 'api-only', 'environments'),
      outdir: path.join(tmp, 'dist'),
      crdDirectory: path.join(REPO, 'crds'),
      log: (line) => lines.push(line),
    });

  test('fails with exit code 70, the TypeError with its stack and the bug line, and leaves the output as it was', () => {
    // GIVEN an output written before
    fs.mkdirSync(path.join(tmp, 'dist', 'dev'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'dist', 'dev', 'old.k8s.yaml'), 'kind: Old\n');
    // WHEN a construct throws a TypeError while the environment is composed
    const code = synth('bug');
    // THEN it is a bug: its own exit code, the error with its stack, the line that says whose fault it is
    expect(code).toBe(INTERNAL_ERROR_EXIT_CODE);
    expect(code).toBe(70);
    const stack = lines.find((l) => l.startsWith('TypeError: '));
    expect(stack).toMatch(/^TypeError: Cannot read properties of undefined \(reading 'value'\)\n\s+at new Broken /);
    expect(lines[lines.length - 1]).toBe(INTERNAL_ERROR_LINE);
    expect(lines.some((l) => l.startsWith('error: '))).toBe(false);
    // AND the output is exactly as it was, with no staging folder left beside it
    expect(readTree(path.join(tmp, 'dist'))).toEqual({ 'dev/old.k8s.yaml': 'kind: Old\n' });
    expect(fs.readdirSync(tmp)).toEqual(['dist']);
  });

  test('fails with exit code 1 and no stack when the construct refuses a value (bad input)', () => {
    expect(synth('input')).toBe(1);
    expect(lines).toContain(
      'error: synthesis failed:\n  environment dev: orders/broken: replicas must be at least 1 (got 0); set replicas to 1 or more' +
        '\n  environment production: orders/broken: replicas must be at least 1 (got 0); set replicas to 1 or more' +
        '\n  environment staging: orders/broken: replicas must be at least 1 (got 0); set replicas to 1 or more',
    );
    expect(lines.some((l) => /\n\s+at /.test(l))).toBe(false);
    expect(lines).not.toContain(INTERNAL_ERROR_LINE);
  });
});
