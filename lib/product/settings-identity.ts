import { Type } from '@sinclair/typebox';
import { DNS_NAME, HTTPS_URL, IMAGE_REFERENCE, S3_PATH } from '../core/formats';
import { DatabaseSettings } from './settings-data';
import { EndpointSettings } from './settings-network';
import { Count, formatted, oneOf, optional, strict } from './settings-schema';
import { ResourceSettings } from './settings-workloads';

/**
 * A daily export of Keycloak's realm to the object store (`kc.sh export`, then an upload). Where it goes, the endpoint
 * and the keys default to those of the Keycloak database's backup.
 */
export const RealmExportSettings = strict({
  schedule: optional(Type.String({ minLength: 1, description: "use a 5-field cron in UTC that runs daily, e.g. '0 3 * * *'" })),
  realm: optional(
    Type.String({
      pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$',
      description: 'name the realm to export (by default the realm the product imports), e.g. dvmm',
    }),
  ),
  destinationPath: optional(
    formatted(S3_PATH, "use s3://<bucket>/<path>, or leave it out for the Keycloak database's backup destinationPath + -realm"),
  ),
  endpointUrl: optional(formatted(HTTPS_URL, 'use the https:// endpoint of the object store')),
  credentialsSecret: optional(formatted(DNS_NAME, 'name the Secret holding ACCESS_KEY_ID and ACCESS_SECRET_KEY')),
  region: optional(Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', description: 'use the region uploads are signed for, e.g. us-east-1' })),
  image: optional(formatted(IMAGE_REFERENCE)),
  resources: optional(ResourceSettings),
});

/** The product's own Keycloak in one environment. */
export const KeycloakSettings = strict({
  backend: optional(oneOf(['operator', 'workload'], 'use operator (Keycloak Operator) or workload (StatefulSet)')),
  instances: optional(Count),
  image: optional(Type.String({ minLength: 1, description: 'use an image reference with tag' })),
  resources: optional(ResourceSettings),
  database: optional(DatabaseSettings),
  realmExport: optional(RealmExportSettings),
});

/** An OIDC issuer outside the cluster, in one environment. */
export const ExternalOidcSettings = strict(
  {
    issuerUrl: formatted(HTTPS_URL, 'use the issuer URL tokens name, e.g. https://login.example.com/realms/orders'),
    jwkSetUri: optional(formatted(HTTPS_URL, 'use the https:// URL of the JWK set')),
    endpoint: EndpointSettings,
  },
  "give issuerUrl and endpoint (the issuer's cidrs and ports)",
);
