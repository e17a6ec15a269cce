import { deepFreeze } from '../core/freeze';
import { valueAt } from '../core/json';

/** One place where objects of a kind name a Secret that they (or their controller) create: the Secret is provided in the cluster. */
export interface SecretProviderSite {
  /** The field holding the Secret's name (or the start of it, with `suffix`), dotted as in {@link SecretReferenceSite.path}. */
  readonly path: string;
  /** Appended to the field's value: CloudNativePG's `<cluster>-ca`. @default - nothing */
  readonly suffix?: string;
  /** The field's value when it is absent (an ExternalSecret's target defaults to its own name). @default - none: nothing provided */
  readonly fallback?: string;
  /** Only when this holds for the object (an Ingress asks cert-manager for its certificate). @default - always */
  readonly when?: (object: Record<string, unknown>) => boolean;
  /** Who creates it, as the README and the CLI say it. */
  readonly by: string;
}

const annotated =
  (...keys: string[]) =>
  (object: Record<string, unknown>) =>
    keys.some((k) => typeof valueAt(object, 'metadata', 'annotations', k) === 'string');

/**
 * Where each kind names Secrets that it, or the controller acting on it, creates in the cluster, by `<Kind>.<group>`.
 * A Secret one of these provides needs nothing else; every other inventoried Secret must come from somewhere.
 */
export const SECRET_PROVIDERS: Readonly<Record<string, readonly SecretProviderSite[]>> = deepFreeze({
  'Secret': [{ path: 'metadata.name', by: 'Secret' }],
  'ExternalSecret.external-secrets.io': [{ path: 'spec.target.name', fallback: 'metadata.name', by: 'external-secrets' }],
  'SealedSecret.bitnami.com': [{ path: 'spec.template.metadata.name', fallback: 'metadata.name', by: 'sealed-secrets' }],
  'Certificate.cert-manager.io': [{ path: 'spec.secretName', by: 'cert-manager' }],
  // cert-manager's ingress-shim issues the certificate of an Ingress that names an issuer.
  'Ingress.networking.k8s.io': [
    { path: 'spec.tls[].secretName', by: 'cert-manager', when: annotated('cert-manager.io/cluster-issuer', 'cert-manager.io/issuer') },
  ],
  // CloudNativePG generates its CA, server and replication certificates, and the owner's credentials when no Secret is named.
  'Cluster.postgresql.cnpg.io': [
    { path: 'metadata.name', suffix: '-ca', by: 'CloudNativePG' },
    { path: 'metadata.name', suffix: '-server', by: 'CloudNativePG' },
    { path: 'metadata.name', suffix: '-replication', by: 'CloudNativePG' },
    {
      path: 'metadata.name',
      suffix: '-app',
      by: 'CloudNativePG',
      when: (o) => valueAt(o, 'spec', 'bootstrap', 'initdb', 'secret') === undefined,
    },
  ],
  'Keycloak.k8s.keycloak.org': [
    {
      path: 'metadata.name',
      suffix: '-initial-admin',
      by: 'the Keycloak operator',
      when: (o) => valueAt(o, 'spec', 'bootstrapAdmin') === undefined,
    },
  ],
});
