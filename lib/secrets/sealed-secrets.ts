import { Construct } from 'constructs';
import * as ss from '../../imports/sealed-secret-bitnami.com';
import { PropertyProblems } from '../core/errors';
import { InventoriedSecret } from './inventory';

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
    const valid: Array<{ secret: InventoriedSecret; manifest: Record<string, any> }> = [];
    for (const { file, manifest } of props.sealed.files) {
      const problem = (what: string, value: unknown, fix: string) => problems.add('sealed', `${file}: ${what}`, value, fix);
      const m = manifest as Record<string, any>;
      if (typeof m !== 'object' || m === null || m.apiVersion !== ss.SealedSecret.GVK.apiVersion || m.kind !== ss.SealedSecret.GVK.kind) {
        problem(
          'is not a SealedSecret',
          typeof m === 'object' && m !== null ? `${m.apiVersion}/${m.kind}` : m,
          `keep only kubeseal's output (apiVersion ${ss.SealedSecret.GVK.apiVersion}, kind SealedSecret) in ${folder}`,
        );
        continue;
      }
      const name = m.metadata?.name;
      const secret = typeof name === 'string' ? needed.get(name) : undefined;
      if (secret === undefined) {
        problem(
          'seals a Secret the environment does not reference',
          name,
          needed.size > 0 ? `remove it, or name one of: ${[...needed.keys()].join(', ')}` : 'remove it: the environment references no Secret to seal',
        );
        continue;
      }
      if (seen.has(name)) {
        problem(`seals ${name} again, as ${seen.get(name)} does`, name, `keep one SealedSecret for ${name}`);
        continue;
      }
      seen.set(name, file);
      let sound = true;
      const check = (ok: boolean, what: string, value: unknown, fix: string) => {
        if (ok) return;
        problem(`SealedSecret ${name} ${what}`, value, fix);
        sound = false;
      };
      const reseal = `re-seal it: ${kubesealCommand(secret, props.namespace, folder)}`;
      check(m.metadata?.namespace === props.namespace, `is not sealed for the namespace ${props.namespace}`, m.metadata?.namespace, reseal);
      const scopes = SCOPE_ANNOTATIONS.filter((a) => m.metadata?.annotations?.[a] !== undefined);
      check(scopes.length === 0, 'is not sealed with the strict scope (name and namespace)', scopes.join(', '), reseal);
      const template = m.spec?.template ?? {};
      check(
        m.spec?.data === undefined && template.data === undefined,
        'holds values outside encryptedData (spec.data or spec.template.data), which are not encrypted',
        '(redacted)',
        `remove them and ${reseal}`,
      );
      check(
        [undefined, name].includes(template.metadata?.name) && [undefined, props.namespace].includes(template.metadata?.namespace),
        'makes a Secret of another name or namespace (spec.template.metadata)',
        template.metadata && { name: template.metadata.name, namespace: template.metadata.namespace },
        reseal,
      );
      if (secret.type !== undefined)
        check(template.type === secret.type, `is not of the type ${secret.type}, which ${readersOf(secret)} require`, template.type, reseal);
      const encrypted = m.spec?.encryptedData;
      const keys = typeof encrypted === 'object' && encrypted !== null && !Array.isArray(encrypted) ? Object.keys(encrypted) : [];
      const missing = secret.keys.filter((k) => !keys.includes(k));
      check(
        missing.length === 0,
        `lacks the key${missing.length === 1 ? '' : 's'} ${missing.join(', ')}, read by ${readersOf(secret)}`,
        keys,
        reseal,
      );
      const clear = keys.filter((k) => !isCiphertext(encrypted[k]));
      check(
        clear.length === 0,
        `holds values that are not kubeseal ciphertext under ${clear.join(', ')}`,
        '(redacted)',
        `never commit a value in clear: ${reseal}`,
      );
      if (sound) valid.push({ secret, manifest: m });
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
    this.resources = Object.fromEntries(
      valid.map(({ secret, manifest }) => [
        secret.name,
        new ss.SealedSecret(this, secret.name, {
          metadata: {
            name: secret.name,
            namespace: props.namespace,
            ...(manifest.metadata.labels === undefined ? {} : { labels: manifest.metadata.labels }),
            ...(manifest.metadata.annotations === undefined ? {} : { annotations: manifest.metadata.annotations }),
          },
          spec: { encryptedData: manifest.spec.encryptedData, ...(manifest.spec.template === undefined ? {} : { template: manifest.spec.template }) },
        }),
      ]),
    );
  }
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

function readersOf(secret: InventoriedSecret): string {
  return [...new Set(secret.readers.map((r) => r.object))].join(', ');
}

function describeKeys(secret: InventoriedSecret): string {
  const keys = secret.keys.length === 0 ? 'every key' : `key${secret.keys.length === 1 ? '' : 's'} ${secret.keys.join(', ')}`;
  return secret.wholeSecret && secret.keys.length > 0 ? `${keys} and whatever else it holds` : keys;
}
