import { App } from 'cdk8s';
import { EXTERNAL_SECRETS_DEFAULTS, remoteKeyOf } from '../secrets/external-secrets';
import { InventoriedSecret } from '../secrets/inventory';
import { sealedSecretsFolder } from '../secrets/sealed-secrets';
import { EafProductChart, remoteKeyPrefixOf } from './product-chart';
import { ProductDefinition, productNamespaceName } from './product';
import { EnvironmentConfig, SecretsConfig } from './settings';

/** One Secret an environment references, and how it reaches the cluster. */
export interface SecretProvision {
  /** The Secret as its readers reference it: keys, readers, type, and what in the output itself provides it. */
  readonly secret: InventoriedSecret;
  /** How it is provided, in words: `ExternalSecret (remote key dvmm/production/dvmm-db-credentials)`, `out of band`, ... */
  readonly provided: string;
  /** With the provider `external-secrets`: its remote key in the store. @default - none */
  readonly remoteKey?: string;
  /** With the provider `sealed-secrets`: the file its SealedSecret is committed as. @default - none */
  readonly sealedFile?: string;
}

/** What {@link environmentSecrets} found: the environment's namespace and provider, and each Secret with how it is provided. */
export interface EnvironmentSecrets {
  /** The namespace the Secrets live in. */
  readonly namespace: string;
  /** The environment's `secrets` settings, defaults applied. */
  readonly settings: SecretsConfig;
  /** Every Secret the environment's objects reference, sorted by name. */
  readonly secrets: readonly SecretProvision[];
}

/** Options of {@link environmentSecrets}. */
export interface EnvironmentSecretsOptions {
  /** Every environment of the product (for settings that name another one). @default - this one only */
  readonly environments?: readonly EnvironmentConfig[];
  /** The folder of the environment's SealedSecret files, as the commands should name it. @default `sealed-secrets/<environment>` */
  readonly sealedFolder?: string;
}

/**
 * The Secrets one environment of a product references (composed as the program composes it, without its secrets
 * provider, so that it works before any SealedSecret exists), each with how it is provided: by the output itself
 * (cert-manager for an Ingress's certificate), by an ExternalSecret from its remote key, by a committed SealedSecret,
 * or out of band. What `eaf-cdk8s secrets` prints and the README's table shows.
 *
 * @throws CompositionError when the environment does not compose
 */
export function environmentSecrets(
  product: ProductDefinition,
  environment: EnvironmentConfig,
  options: EnvironmentSecretsOptions = {},
): EnvironmentSecrets {
  const chart = new EafProductChart(new App({ outdir: '/nonexistent' }), product.name, {
    product,
    environment: { ...environment, secrets: undefined },
    environments: options.environments,
  });
  const settings: SecretsConfig = environment.secrets ?? { provider: 'none' };
  const sealedFolder = options.sealedFolder ?? sealedSecretsFolder(environment.name);
  const prefix = remoteKeyPrefixOf(product, environment);
  return {
    namespace: chart.namespace ?? productNamespaceName(product, environment),
    settings:
      settings.provider === 'external-secrets'
        ? {
            ...settings,
            store: { kind: EXTERNAL_SECRETS_DEFAULTS.storeKind, ...settings.store },
            refreshInterval: settings.refreshInterval ?? EXTERNAL_SECRETS_DEFAULTS.refreshInterval,
            remoteKeyPrefix: prefix,
          }
        : settings,
    secrets: chart.secretInventory.map((secret): SecretProvision => {
      if (secret.providedBy !== undefined) return { secret, provided: `in the cluster: ${secret.providedBy.join(', ')}` };
      switch (settings.provider) {
        case 'external-secrets': {
          const remoteKey = remoteKeyOf(secret.name, { remoteKeyPrefix: prefix, remoteKeys: settings.remoteKeys });
          return { secret, provided: `ExternalSecret, remote key \`${remoteKey}\``, remoteKey };
        }
        case 'sealed-secrets': {
          const sealedFile = `${sealedFolder}/${secret.name}.yaml`;
          return { secret, provided: `SealedSecret \`${sealedFile}\``, sealedFile };
        }
        default:
          return { secret, provided: 'out of band (created in the namespace before the sync)' };
      }
    }),
  };
}
