import { Type } from '@sinclair/typebox';
import { DNS_NAME, GO_DURATION, REMOTE_KEY } from '../core/formats';
import { discriminated, formatted, oneOf, optional, strict } from './settings-schema';

/** The SecretStore or ClusterSecretStore the External Secrets Operator reads an environment's Secrets from. */
export const SecretStoreSettings = strict(
  {
    name: formatted(DNS_NAME, 'name the store as the cluster knows it, e.g. vault-backend'),
    kind: optional(
      oneOf(
        ['ClusterSecretStore', 'SecretStore'],
        "use ClusterSecretStore (the platform's, the default) or SecretStore (one in the product namespace)",
      ),
    ),
  },
  "give the store's name and optionally its kind",
);

/**
 * Where the Secrets the environment references come from: created out of band (`none`), one ExternalSecret each
 * (`external-secrets`), or SealedSecret files committed beside the environments folder (`sealed-secrets`).
 */
export const SecretsSettings = discriminated(
  'provider',
  [
    strict({ provider: Type.Literal('none') }, 'provider none takes no other setting: the Secrets are created out of band'),
    strict(
      {
        provider: Type.Literal('external-secrets'),
        store: SecretStoreSettings,
        refreshInterval: optional(formatted(GO_DURATION)),
        remoteKeyPrefix: optional(
          formatted(
            REMOTE_KEY,
            "use the path under which the store keeps this environment's Secrets, e.g. dvmm/production (no / at either end); " +
              'the remote key of Secret S is <prefix>/S, by default <product>/<environment>/S',
          ),
        ),
        remoteKeys: optional(
          Type.Record(Type.String({ pattern: DNS_NAME.pattern }), formatted(REMOTE_KEY), {
            additionalProperties: false,
            description: 'name each Secret by its name in the cluster, e.g. dvmm-db-credentials: some/other/path',
          }),
        ),
      },
      'an external-secrets provider takes store and optionally refreshInterval, remoteKeyPrefix and remoteKeys',
    ),
    strict(
      { provider: Type.Literal('sealed-secrets') },
      'a sealed-secrets provider takes no other setting: commit one SealedSecret per Secret in sealed-secrets/<environment>/',
    ),
  ],
  'use none (Secrets created out of band), external-secrets (one ExternalSecret per Secret) or sealed-secrets (committed SealedSecret files)',
);

/** A rule of the gate switched off for one object, with the reason, written in the environment file. */
export const WaiverSettings = strict(
  {
    rule: Type.String({ description: 'name a waivable rule of the gate' }),
    object: optional(
      Type.String({
        pattern: '^[A-Za-z]+/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$',
        description: 'name the object as <Kind>/<name>, e.g. Deployment/api',
      }),
    ),
    component: optional(
      Type.String({
        pattern: '^[a-z]([-a-z0-9]*[a-z0-9])?$',
        description: 'name a component: the waiver covers each of its objects, both colours of a blue-green release included',
      }),
    ),
    reason: Type.String({ minLength: 10, description: 'say why the rule does not apply, in at least 10 characters' }),
  },
  'give rule, reason, and object (one object) or component (every object of a component)',
);
