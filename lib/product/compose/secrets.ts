import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { PropertyError, PropertyErrors } from '../../core/errors';
import { ExternalSecrets, ExternalSecretsProps } from '../../secrets/external-secrets';
import { concernsSecrets, InventoriedSecret, secretInventory, unprovidedSecrets } from '../../secrets/inventory';
import { SEALED_SECRETS_CONTEXT, SealedSecretFiles, SealedSecrets, SealedSecretsProps, sealedSecretsFolder } from '../../secrets/sealed-secrets';
import { Composition } from '../composition';
import { ProductDefinition } from '../product';
import { setting } from '../provenance';
import { EnvironmentConfig } from '../settings';

/** Every Secret the objects below `scope` reference, with its keys, readers and what provides it (see `secretInventory`). */
export function secretsOf(scope: Construct): InventoriedSecret[] {
  return secretInventory(
    scope.node
      .findAll()
      .filter((o): o is ApiObject => o instanceof ApiObject && concernsSecrets(o))
      .map((o) => o.toJson()),
  );
}

/**
 * What the environment's `secrets.provider` renders for the Secrets its objects reference that nothing among them
 * provides (cert-manager issues an Ingress's certificate, say): one ExternalSecret each, or the committed SealedSecrets.
 * A reference added after composition (a product reaching into the chart) fails the synthesis, naming the Secret.
 */
export function composeSecrets(c: Composition, scope: Construct, sealed: SealedSecretFiles | undefined): ExternalSecrets | SealedSecrets | undefined {
  const settings = c.environment.secrets ?? { provider: 'none' as const };
  if (sealed !== undefined && settings.provider !== 'sealed-secrets') {
    c.problem(
      new PropertyError(
        c.chart,
        'provider',
        'is not sealed-secrets, yet SealedSecrets are given',
        settings.provider,
        'set secrets.provider: sealed-secrets, or give no sealedSecrets',
        'secrets.provider',
      ),
    );
  }
  if (settings.provider === 'none') return undefined;
  const needed = unprovidedSecrets(secretsOf(c.chart));
  PROVIDER_KINDS.set(c.chart, settings.provider === 'external-secrets' ? 'ExternalSecret' : 'SealedSecret');
  if (settings.provider === 'external-secrets') {
    const props = {
      secrets: needed,
      store: settings.store,
      refreshInterval: settings.refreshInterval,
      remoteKeyPrefix: remoteKeyPrefixOf(c.product, c.environment),
      remoteKeys: settings.remoteKeys,
    };
    return c.build(scope, 'secrets', props, 'secrets', (p: ExternalSecretsProps) => new ExternalSecrets(scope, 'secrets', p));
  }
  const files = sealed ??
    (c.chart.node.tryGetContext(SEALED_SECRETS_CONTEXT) as SealedSecretFiles | undefined) ?? {
      folder: sealedSecretsFolder(c.environment.name),
      files: [],
    };
  // The committed SealedSecrets belong to the setting that asks for them.
  const props = { secrets: needed, namespace: c.namespace, sealed: setting('secrets', files) };
  return c.build(scope, 'secrets', props, 'secrets', (p: SealedSecretsProps) => new SealedSecrets(scope, 'secrets', p));
}

/** The charts whose provider renders their Secrets, with the kind it renders: their output is checked by {@link checkSecretsProvided}. */
const PROVIDER_KINDS = new WeakMap<Construct, string>();

/**
 * Refuses a chart's output (its objects as written, from `toJson`) when it references a Secret its provider does not
 * render: a reference added after the chart was composed (a product reaching into the chart). Checked on the output
 * rather than in a validation, which would render every object that concerns Secrets a second time.
 */
export function checkSecretsProvided(chart: Construct, objects: readonly unknown[]): void {
  const kind = PROVIDER_KINDS.get(chart);
  if (kind === undefined) return;
  const late = unprovidedSecrets(secretInventory(objects));
  if (late.length === 0) return;
  throw new PropertyErrors(
    late.map(
      (s) =>
        new PropertyError(
          chart,
          'secrets',
          `reference the Secret ${s.name}, read by ${[...new Set(s.readers.map((r) => r.object))].join(', ')}, which has no ${kind}: ` +
            'it was referenced after the chart was composed',
          s.name,
          "reference it through the product or the constructs' props, so the chart provides it",
        ),
    ),
  );
}

/** The remote key prefix of an environment's ExternalSecrets: its `secrets.remoteKeyPrefix`, else `<product>/<environment>`. */
export function remoteKeyPrefixOf(product: ProductDefinition, environment: EnvironmentConfig): string {
  const settings = environment.secrets;
  return (settings?.provider === 'external-secrets' ? settings.remoteKeyPrefix : undefined) ?? `${product.name}/${environment.name}`;
}
