import { Construct } from 'constructs';
import * as ss from '../../imports/sealed-secret-bitnami.com';
import { PropertyProblems } from '../core/errors';
import { InventoriedSecret } from './inventory';
import { isObject, valueAt } from '../core/json';

/**
 * Construct context key with an environment's committed SealedSecret files ({@link SealedSecretFiles}), set by the
 * program (which reads them; constructs never read files) for an environment whose `secrets.provider` is
 * `sealed-secrets`.
 */
export const SEALED_SECRETS_CONTEXT = '@eaf/cdk8s:sealedSecrets';

/** The folder of the committed SealedSecret files, beside the environments folder: `sealed-secrets/<environment>/`. */
export const SEALED_SECRETS_FOLDER = 'sealed-secrets';

/** The folder of one environment's SealedSecret files, relative to the product's root: `sealed-secrets/<environment>`. */
export function sealedSecretsFolder(environment: string): string {
  return `${SEALED_SECRETS_FOLDER}/${environment}`;
}

/** One object of a committed SealedSecret file, as parsed by the program. */
export interface SealedSecretFile {
  /** The file it came from, as errors name it, e.g. `sealed-secrets/production/dvmm-db-credentials.yaml`. */
  readonly file: string;
  /** The object, as parsed. */
  readonly manifest: unknown;
}

/** An environment's committed SealedSecrets: the folder they live in and every object of its files. */
export interface SealedSecretFiles {
  /** The folder, as errors and the suggested commands name it, e.g. `sealed-secrets/production`. */
  readonly folder: string;
  /** Every object of every file of the folder. */
  readonly files: readonly SealedSecretFile[];
}

/** The fewest bytes a kubeseal ciphertext has: a 2-byte length, an RSA-2048 session key (256 bytes) and the AES-GCM tag (16). */
const MIN_CIPHERTEXT_BYTES = 2 + 256 + 16;
/** The RSA key sizes (in bytes of ciphertext) a sealed-secrets controller uses: 2048, 3072 and 4096 bits. */
const RSA_CIPHERTEXT_BYTES = [256, 384, 512];
/** The annotations that widen a SealedSecret's scope beyond its name and namespace. */
const SCOPE_ANNOTATIONS = ['sealedsecrets.bitnami.com/cluster-wide', 'sealedsecrets.bitnami.com/namespace-wide'];

/** Props of {@link SealedSecrets}. */
export interface SealedSecretsProps {
  /** The Secrets that must be provided, as the inventory lists them (see `secretInventory`, `unprovidedSecrets`). */
  readonly secrets: readonly InventoriedSecret[];
  /** The namespace they are read in: every SealedSecret must be sealed for it. */
  readonly namespace: string;
  /** The committed SealedSecrets. */
  readonly sealed: SealedSecretFiles;
}

/**
 * The committed SealedSecrets of one environment, checked against the Secrets its objects reference and rendered
 * into its output (so they go through the gate and are synced with the rest). Every Secret has exactly one, in the
 * environment's namespace, sealed with the default strict scope, holding only `encryptedData` (kubeseal's ciphertext,
 * never a value in clear: no `data`, no `template.data`) with every key its readers read, and the type a reader
 * requires; and no SealedSecret is for a Secret nothing reads. The sealed-secrets controller runs in its own namespace
 * and talks only to the API server, so the product's NetworkPolicies need no rule for it.
 */
export class SealedSecrets extends Construct {
  /** The rendered SealedSecrets, by Secret name. */
  public readonly resources: Readonly<Record<string, ss.SealedSecret>>;

  constructor(scope: Construct, id: string, props: SealedSecretsProps) {
    super(scope, id);
    const problems = new PropertyProblems(this);
    const needed = new Map(props.secrets.map((s) => [s.name, s]));
    const folder = props.sealed.folder;
    const seen = new Map<string, string>();
    const valid: Array<{ secret: InventoriedSecret; manifest: Record<string, unknown> }> = [];
    for (const { file, manifest } of props.sealed.files) {
      const report: Report = (what, value, fix) => problems.add('sealed', `${file}: ${what}`, value, fix);
      const secret = sealedFor(manifest, needed, seen, file, folder, report);
      if (secret !== undefined && isObject(manifest) && isSoundlySealed(manifest, secret, props.namespace, folder, report)) {
        valid.push({ secret, manifest });
      }
    }
    for (const secret of needed.values()) {
      if (!seen.has(secret.name)) {
        problems.add(
          'sealed',
          `${folder}: has no SealedSecret for ${secret.name} (${describeKeys(secret)}), read by ${readersOf(secret)}`,
          [...seen.keys()],
          `seal it and commit the output: ${kubesealCommand(secret, props.namespace, folder)}`,
        );
      }
    }
    problems.throwIfAny();
    this.resources = Object.fromEntries(valid.map(({ secret, manifest }) => [secret.name, this.render(secret, manifest, props.namespace)]));
  }

  /**
   * A checked SealedSecret, rendered in `namespace` with its labels, annotations, ciphertext and template as committed
   * (their shapes are the CRD's, which the gate checks on the rendered object).
   */
  private render(secret: InventoriedSecret, manifest: Record<string, unknown>, namespace: string): ss.SealedSecret {
    const labels = valueAt(manifest, 'metadata', 'labels');
    const annotations = valueAt(manifest, 'metadata', 'annotations');
    const template = valueAt(manifest, 'spec', 'template');
    return new ss.SealedSecret(this, secret.name, {
      metadata: {
        name: secret.name,
        namespace,
        ...(labels === undefined ? {} : { labels: labels as Record<string, string> }),
        ...(annotations === undefined ? {} : { annotations: annotations as Record<string, string> }),
      },
      spec: {
        encryptedData: valueAt(manifest, 'spec', 'encryptedData') as Record<string, string>,
        ...(template === undefined ? {} : { template: template as ss.SealedSecretSpecTemplate }),
      },
    });
  }
}

/** Reports a problem of one committed file: what is wrong, the value found, the fix. */
type Report = (what: string, value: unknown, fix: string) => void;

/**
 * The Secret a committed object seals, when it is a SealedSecret of a Secret the environment reads that no earlier
 * file sealed (recorded in `seen`); else reports why not and returns undefined.
 */
function sealedFor(
  manifest: unknown,
  needed: ReadonlyMap<string, InventoriedSecret>,
  seen: Map<string, string>,
  file: string,
  folder: string,
  report: Report,
): InventoriedSecret | undefined {
  const gvk = ss.SealedSecret.GVK;
  if (!isObject(manifest) || manifest.apiVersion !== gvk.apiVersion || manifest.kind !== gvk.kind) {
    report(
      'is not a SealedSecret',
      typeof manifest === 'object' && manifest !== null ? `${valueAt(manifest, 'apiVersion')}/${valueAt(manifest, 'kind')}` : manifest,
      `keep only kubeseal's output (apiVersion ${gvk.apiVersion}, kind SealedSecret) in ${folder}`,
    );
    return undefined;
  }
  const name = valueAt(manifest, 'metadata', 'name');
  const secret = typeof name === 'string' ? needed.get(name) : undefined;
  if (typeof name !== 'string' || secret === undefined) {
    report(
      'seals a Secret the environment does not reference',
      name,
      needed.size > 0 ? `remove it, or name one of: ${[...needed.keys()].join(', ')}` : 'remove it: the environment references no Secret to seal',
    );
    return undefined;
  }
  if (seen.has(name)) {
    report(`seals ${name} again, as ${seen.get(name)} does`, name, `keep one SealedSecret for ${name}`);
    return undefined;
  }
  seen.set(name, file);
  return secret;
}

/**
 * Whether a SealedSecret of `secret` is sealed as the environment needs it: for its namespace with the strict scope,
 * only ciphertext, no other name or namespace, the type and every key its readers need. Reports each way it is not.
 */
function isSoundlySealed(manifest: Record<string, unknown>, secret: InventoriedSecret, namespace: string, folder: string, report: Report): boolean {
  let sound = true;
  const check = (ok: boolean, what: string, value: unknown, fix: string) => {
    if (ok) return;
    report(`SealedSecret ${secret.name} ${what}`, value, fix);
    sound = false;
  };
  const reseal = `re-seal it: ${kubesealCommand(secret, namespace, folder)}`;
  const sealedNamespace = valueAt(manifest, 'metadata', 'namespace');
  check(sealedNamespace === namespace, `is not sealed for the namespace ${namespace}`, sealedNamespace, reseal);
  const scopes = SCOPE_ANNOTATIONS.filter((a) => valueAt(manifest, 'metadata', 'annotations', a) !== undefined);
  check(scopes.length === 0, 'is not sealed with the strict scope (name and namespace)', scopes.join(', '), reseal);
  const template = valueAt(manifest, 'spec', 'template') ?? {};
  check(
    valueAt(manifest, 'spec', 'data') === undefined && valueAt(template, 'data') === undefined,
    'holds values outside encryptedData (spec.data or spec.template.data), which are not encrypted',
    '(redacted)',
    `remove them and ${reseal}`,
  );
  const metadata = valueAt(template, 'metadata');
  check(
    oneOf(valueAt(metadata, 'name'), [undefined, secret.name]) && oneOf(valueAt(metadata, 'namespace'), [undefined, namespace]),
    'makes a Secret of another name or namespace (spec.template.metadata)',
    metadata && { name: valueAt(metadata, 'name'), namespace: valueAt(metadata, 'namespace') },
    reseal,
  );
  if (secret.type !== undefined) {
    const type = valueAt(template, 'type');
    check(type === secret.type, `is not of the type ${secret.type}, which ${readersOf(secret)} require`, type, reseal);
  }
  const encryptedData = valueAt(manifest, 'spec', 'encryptedData');
  const encrypted = isObject(encryptedData) ? encryptedData : {};
  const keys = Object.keys(encrypted);
  const missing = secret.keys.filter((k) => !keys.includes(k));
  check(missing.length === 0, `lacks the key${missing.length === 1 ? '' : 's'} ${missing.join(', ')}, read by ${readersOf(secret)}`, keys, reseal);
  const clear = keys.filter((k) => !isCiphertext(encrypted[k]));
  check(
    clear.length === 0,
    `holds values that are not kubeseal ciphertext under ${clear.join(', ')}`,
    '(redacted)',
    `never commit a value in clear: ${reseal}`,
  );
  return sound;
}

/**
 * The shell line that seals a Secret for a namespace and writes it to `<folder>/<name>.yaml`: `kubectl create secret
 * generic ... --dry-run=client` (nothing reaches the cluster) piped to `kubeseal`. Each value comes from an environment
 * variable named after the Secret and key (`DVMM_DB_CREDENTIALS_PASSWORD`), so no value is typed on the command line.
 */
export function kubesealCommand(secret: InventoriedSecret, namespace: string, folder: string): string {
  const literals = secret.keys.map((key) => `--from-literal=${key}="$${variableName(secret.name, key)}"`);
  return [
    `kubectl create secret generic ${secret.name} --namespace ${namespace}`,
    ...(secret.type === undefined ? [] : [`--type ${secret.type}`]),
    ...literals,
    '--dry-run=client -o yaml',
    `| kubeseal --format yaml --namespace ${namespace} > ${folder}/${secret.name}.yaml`,
  ].join(' ');
}

/** The environment variable {@link kubesealCommand} reads a key's value from: `<SECRET>_<KEY>`, upper case, `_` for anything else. */
export function variableName(secret: string, key: string): string {
  return `${secret}_${key}`.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/** Whether a value is kubeseal's output: base64 of a 2-byte RSA ciphertext length, that ciphertext, and AES-GCM data. */
function isCiphertext(value: unknown): boolean {
  if (typeof value !== 'string' || value.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return false;
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length < MIN_CIPHERTEXT_BYTES) return false;
  const rsa = bytes.readUInt16BE(0);
  return RSA_CIPHERTEXT_BYTES.includes(rsa) && bytes.length >= 2 + rsa + 16;
}

/** Whether `value` is one of `allowed`. */
function oneOf(value: unknown, allowed: readonly unknown[]): boolean {
  return allowed.includes(value);
}

function readersOf(secret: InventoriedSecret): string {
  return [...new Set(secret.readers.map((r) => r.object))].join(', ');
}

function describeKeys(secret: InventoriedSecret): string {
  const keys = secret.keys.length === 0 ? 'every key' : `key${secret.keys.length === 1 ? '' : 's'} ${secret.keys.join(', ')}`;
  return secret.wholeSecret && secret.keys.length > 0 ? `${keys} and whatever else it holds` : keys;
}
