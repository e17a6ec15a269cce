import { Construct } from 'constructs';
import * as es from '../../imports/external-secret-external-secrets.io';
import { PropertyProblems } from '../core/errors';
import { DNS_NAME, GO_DURATION, REMOTE_KEY } from '../core/formats';
import { deepFreeze } from '../core/freeze';
import { InventoriedSecret } from './inventory';

/**
 * External Secrets Operator defaults of the platform. Frozen: override through props. Every field the CRD (or an
 * older ESO release) defaults is rendered with that value, so the object Argo CD compares is the object the API
 * server keeps, and no ExternalSecret shows as out of sync.
 */
export const EXTERNAL_SECRETS_DEFAULTS = deepFreeze({
  /** The platform's store is cluster-wide. */
  storeKind: 'ClusterSecretStore' as const,
  /** The CRD's default, as the API server writes it. */
  refreshInterval: '1h0m0s',
  /** The CRD's defaults of `spec.target`: the operator owns the Secret and keeps it when the ExternalSecret goes. */
  creationPolicy: 'Owner' as const,
  deletionPolicy: 'Retain' as const,
  /**
   * What the operator does when these are left out. The pinned CRD's v1 schema does not default them, but its v1beta1
   * schema does, as the CRDs of earlier ESO releases did: an API server with such a CRD writes them into the stored
   * object, and Argo CD then shows every ExternalSecret out of sync. Rendered, they are the same either way.
   */
  remoteRef: { conversionStrategy: 'Default' as const, decodingStrategy: 'None' as const, metadataPolicy: 'None' as const },
  /** The CRD's defaults of `spec.target.template`, rendered when a template is needed (a Secret type). */
  template: { engineVersion: 'v2' as const, mergePolicy: 'Replace' as const },
});

/** A SecretStore or ClusterSecretStore, by name. */
export interface SecretStoreReference {
  /** Name of the store. */
  readonly name: string;
  /** Its kind. @default 'ClusterSecretStore' */
  readonly kind?: 'ClusterSecretStore' | 'SecretStore';
}

/** Props of {@link ExternalSecrets}. */
export interface ExternalSecretsProps {
  /** The Secrets to provide, as the inventory lists them: name, namespace, keys, type (see `secretInventory`). */
  readonly secrets: readonly InventoriedSecret[];
  /** The store the operator reads them from. */
  readonly store: SecretStoreReference;
  /** How often the operator reads the store again (a Go duration; `0`: once). @default '1h0m0s' */
  readonly refreshInterval?: string;
  /** The path under which the store keeps these Secrets: the remote key of Secret `S` is `<prefix>/S`. @default - none: the remote key is `S` */
  readonly remoteKeyPrefix?: string;
  /** The remote key of some Secrets, by Secret name, instead of `<prefix>/<name>`. @default - none */
  readonly remoteKeys?: Readonly<Record<string, string>>;
}

/**
 * One ExternalSecret per Secret, named like it, in its namespace: the External Secrets Operator creates (and owns) the
 * Secret from the store, one `spec.data` entry per key, read as the property of that name of the Secret's remote key.
 * A Secret a reader requires a type of (CloudNativePG's basic-auth credentials) gets it through `target.template.type`;
 * one read whole (envFrom, a volume without items) also gets every property of the remote key (`dataFrom.extract`).
 * The controller runs in its own namespace and talks to the API server and the store, never to the product's pods, so
 * the product's NetworkPolicies need no rule for it.
 */
export class ExternalSecrets extends Construct {
  /** The store, with its kind resolved. */
  public readonly store: Required<SecretStoreReference>;
  /** How often the operator reads the store again. */
  public readonly refreshInterval: string;
  /** The remote key of each Secret, by Secret name. */
  public readonly remoteKeys: Readonly<Record<string, string>>;
  /** The ExternalSecrets, by Secret name. */
  public readonly resources: Readonly<Record<string, es.ExternalSecret>>;

  constructor(scope: Construct, id: string, props: ExternalSecretsProps) {
    super(scope, id);
    validateExternalSecrets(this, props);
    this.store = { name: props.store.name, kind: props.store.kind ?? EXTERNAL_SECRETS_DEFAULTS.storeKind };
    this.refreshInterval = props.refreshInterval ?? EXTERNAL_SECRETS_DEFAULTS.refreshInterval;
    this.remoteKeys = Object.fromEntries(props.secrets.map((s) => [s.name, remoteKeyOf(s.name, props)]));
    this.resources = Object.fromEntries(props.secrets.map((secret) => [secret.name, this.render(secret)]));
  }

  /** The ExternalSecret of one Secret: its keys as properties of its remote key, its type, the whole key when read whole. */
  private render(secret: InventoriedSecret): es.ExternalSecret {
    const key = this.remoteKeys[secret.name];
    return new es.ExternalSecret(this, secret.name, {
      metadata: { name: secret.name, namespace: secret.namespace },
      spec: {
        secretStoreRef: { name: this.store.name, kind: this.store.kind as es.ExternalSecretSpecSecretStoreRefKind },
        refreshInterval: this.refreshInterval,
        target: {
          name: secret.name,
          creationPolicy: EXTERNAL_SECRETS_DEFAULTS.creationPolicy as es.ExternalSecretSpecTargetCreationPolicy,
          deletionPolicy: EXTERNAL_SECRETS_DEFAULTS.deletionPolicy as es.ExternalSecretSpecTargetDeletionPolicy,
          template:
            secret.type === undefined
              ? undefined
              : {
                  type: secret.type,
                  engineVersion: EXTERNAL_SECRETS_DEFAULTS.template.engineVersion as es.ExternalSecretSpecTargetTemplateEngineVersion,
                  mergePolicy: EXTERNAL_SECRETS_DEFAULTS.template.mergePolicy as es.ExternalSecretSpecTargetTemplateMergePolicy,
                },
        },
        data: secret.keys.length === 0 ? undefined : secret.keys.map((property) => keyData(key, property)),
        dataFrom: !secret.wholeSecret ? undefined : [wholeKeyData(key)],
      },
    });
  }
}

/** Checks the props and throws every problem at once: the store, the refresh interval, the remote keys. */
function validateExternalSecrets(scope: ExternalSecrets, props: ExternalSecretsProps): void {
  const problems = new PropertyProblems(scope);
  const names = props.secrets.map((s) => s.name);
  if (!DNS_NAME.test(props.store.name)) problems.add('store.name', 'is not the name of a store', props.store.name, DNS_NAME.fix);
  if (props.store.kind !== undefined && !['ClusterSecretStore', 'SecretStore'].includes(props.store.kind)) {
    problems.add('store.kind', 'is not a kind of store', props.store.kind, 'use ClusterSecretStore or SecretStore');
  }
  if (props.refreshInterval !== undefined && !GO_DURATION.test(props.refreshInterval))
    problems.add('refreshInterval', 'is not a Go duration', props.refreshInterval, GO_DURATION.fix);
  if (props.remoteKeyPrefix !== undefined && !REMOTE_KEY.test(props.remoteKeyPrefix))
    problems.add('remoteKeyPrefix', 'is not a key of the store', props.remoteKeyPrefix, REMOTE_KEY.fix);
  for (const [name, key] of Object.entries(props.remoteKeys ?? {})) {
    if (!names.includes(name)) {
      problems.add(
        `remoteKeys.${name}`,
        'names no Secret the environment references',
        name,
        names.length > 0 ? `use one of: ${names.join(', ')}` : 'remove it: the environment references no Secret',
      );
    } else if (!REMOTE_KEY.test(key)) {
      problems.add(`remoteKeys.${name}`, 'is not a key of the store', key, REMOTE_KEY.fix);
    }
  }
  problems.throwIfAny();
}

/** One key of a Secret: the property of that name of its remote key. */
function keyData(key: string, property: string): es.ExternalSecretSpecData {
  const strategies = EXTERNAL_SECRETS_DEFAULTS.remoteRef;
  return {
    secretKey: property,
    remoteRef: {
      key,
      property,
      conversionStrategy: strategies.conversionStrategy as es.ExternalSecretSpecDataRemoteRefConversionStrategy,
      decodingStrategy: strategies.decodingStrategy as es.ExternalSecretSpecDataRemoteRefDecodingStrategy,
      metadataPolicy: strategies.metadataPolicy as es.ExternalSecretSpecDataRemoteRefMetadataPolicy,
    },
  };
}

/** Every property of a remote key, for a Secret read whole. */
function wholeKeyData(key: string): es.ExternalSecretSpecDataFrom {
  const strategies = EXTERNAL_SECRETS_DEFAULTS.remoteRef;
  return {
    extract: {
      key,
      conversionStrategy: strategies.conversionStrategy as es.ExternalSecretSpecDataFromExtractConversionStrategy,
      decodingStrategy: strategies.decodingStrategy as es.ExternalSecretSpecDataFromExtractDecodingStrategy,
      metadataPolicy: strategies.metadataPolicy as es.ExternalSecretSpecDataFromExtractMetadataPolicy,
    },
  };
}

/** The remote key of the Secret `name`: its entry in `remoteKeys`, else `<remoteKeyPrefix>/<name>`, else `<name>`. */
export function remoteKeyOf(name: string, options: Pick<ExternalSecretsProps, 'remoteKeyPrefix' | 'remoteKeys'>): string {
  return options.remoteKeys?.[name] ?? (options.remoteKeyPrefix === undefined ? name : `${options.remoteKeyPrefix}/${name}`);
}
