import { Construct } from 'constructs';
import { PropertyError } from '../../core/errors';
import { ExternalOidcIssuer, ExternalOidcIssuerProps } from '../../identity/external-oidc';
import { Keycloak, KEYCLOAK_DEFAULTS, KeycloakProps } from '../../identity/keycloak';
import { REALM_EXPORT_DEFAULTS, RealmExport, RealmExportProps } from '../../identity/realm-export';
import { mergeResources } from '../../pods/pod-template';
import { Composition } from '../composition';
import { KeycloakIdentity } from '../product';
import { declared, setting } from '../provenance';
import { ExternalOidcConfig, KeycloakConfig } from '../settings';
import { databaseProps } from './data';

/** The identity provider the product declares, with the realm export its environment asks for. */
export interface ComposedIdentity {
  /** The provider. @default - none: the product declares none */
  readonly provider?: Keycloak | ExternalOidcIssuer;
  /** Keycloak's daily realm export. @default - none */
  readonly realmExport?: RealmExport;
}

/**
 * The identity provider, by the kind the product declares. The environment's `identity` settings follow the same
 * kind: the environment file was validated against the schema derived from the product (environment-schema.ts).
 */
export function composeIdentity(c: Composition, scope: Construct): ComposedIdentity {
  const identity = c.product.identity;
  if (identity?.kind === 'keycloak') return composeKeycloak(c, scope, identity, keycloakSettings(c));
  if (identity?.kind === 'external-oidc') {
    const settings = externalOidcSettings(c);
    return {
      provider: c.build(scope, 'identity', settings, 'identity', (p: ExternalOidcIssuerProps) => new ExternalOidcIssuer(scope, 'identity', p)),
    };
  }
  return {};
}

function keycloakSettings(c: Composition): KeycloakConfig {
  return keycloakSettingsOf(c.environment.identity) ?? {};
}

function externalOidcSettings(c: Composition): ExternalOidcConfig {
  return c.environment.identity as ExternalOidcConfig;
}

function composeKeycloak(c: Composition, scope: Construct, identity: KeycloakIdentity, settings: KeycloakConfig): ComposedIdentity {
  const hosts = c.environment.hosts;
  const props = {
    name: declared('keycloak'),
    hostname: setting(`hosts.${identity.hostKey ?? 'identity'}`, hosts[identity.hostKey ?? 'identity']),
    backend: settings.backend,
    instances: settings.instances,
    image: settings.image,
    resources: mergeResources(KEYCLOAK_DEFAULTS.resources, settings.resources),
    databaseOptions: setting(
      'identity.database',
      databaseProps(c, 'identity.database', settings.database, (e) => keycloakSettingsOf(e.identity)?.database),
    ),
    // The realm and its placeholders are the product's declaration, not an environment setting.
    realm: declared(identity.realm && withClientUrls(identity.realm, identity.clientUrls ?? {}, hosts)),
    realmPlaceholders: declared(identity.realmPlaceholders),
  };
  const keycloak = c.build(scope, 'identity', props, 'identity', (p: KeycloakProps) => new Keycloak(scope, 'identity', p));
  return { provider: keycloak, realmExport: keycloak && c.attempt(() => composeRealmExport(c, keycloak, identity, settings)) };
}

// The settings of the kind the product declares (see composeIdentity): the schema made them so.
function keycloakSettingsOf(settings: KeycloakConfig | ExternalOidcConfig | undefined): KeycloakConfig | undefined {
  return settings as KeycloakConfig | undefined;
}

/**
 * The realm export, when the environment sets `identity.realmExport`: Keycloak's realm (by default the one the product
 * imports) exported daily to the object store (`network.objectStore`, which it needs to reach), by default next to the
 * Keycloak database's backups.
 */
function composeRealmExport(c: Composition, keycloak: Keycloak, identity: KeycloakIdentity, settings: KeycloakConfig): RealmExport | undefined {
  const exported = settings.realmExport;
  if (exported === undefined) return undefined;
  const realm = exported.realm ?? (identity.realm?.realm as string | undefined);
  const objectStore = c.environment.network?.objectStore;
  if (realm === undefined) {
    c.problem(
      new PropertyError(
        c.chart,
        'realm',
        'is required: the product imports no realm to take its name from',
        realm,
        'name the realm to export, e.g. realm: dvmm',
        'identity.realmExport.realm',
      ),
    );
  }
  if (objectStore === undefined) {
    c.problem(
      new PropertyError(
        c.chart,
        'objectStore',
        'is required by identity.realmExport: the export is uploaded to the object store',
        objectStore,
        'give network.objectStore (the cidrs and ports of the object store)',
        'network.objectStore',
      ),
    );
  }
  if (realm === undefined || objectStore === undefined) return undefined;
  const props = {
    keycloak: declared(keycloak),
    realm,
    objectStore: setting('network.objectStore', objectStore),
    schedule: exported.schedule,
    destinationPath: exported.destinationPath,
    endpointUrl: exported.endpointUrl,
    credentialsSecret: exported.credentialsSecret,
    region: exported.region,
    image: exported.image,
    resources: exported.resources && mergeResources(REALM_EXPORT_DEFAULTS.resources, exported.resources),
  };
  return c.build(keycloak, 'RealmExport', props, 'identity.realmExport', (p: RealmExportProps) => new RealmExport(keycloak, 'RealmExport', p));
}

/** Points each named client of a realm at its component's public host. */
function withClientUrls(
  realm: Record<string, unknown>,
  clientUrls: Readonly<Record<string, string>>,
  hosts: Readonly<Record<string, string>>,
): Record<string, unknown> {
  const clients = (realm.clients as Array<Record<string, unknown>> | undefined) ?? [];
  return {
    ...realm,
    clients: clients.map((client) => {
      const component = clientUrls[client.clientId as string];
      const host = component === undefined ? undefined : hosts[component];
      return host === undefined
        ? client
        : { ...client, rootUrl: `https://${host}`, redirectUris: [`https://${host}/*`], webOrigins: [`https://${host}`] };
    }),
  };
}
