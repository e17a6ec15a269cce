import { Construct } from 'constructs';
import { Connections, ExternalEndpoint, IPeer, validateEndpoint } from '../core/connections';
import { PropertyProblems } from '../core/errors';
import { HTTPS_URL } from '../core/formats';
import { EnvSource } from '../core/secrets';
import { IdentityClientOptions, IIdentityProvider, InClusterIdentity } from './identity-provider';

/** Props of {@link ExternalOidcIssuer}. */
export interface ExternalOidcIssuerProps {
  /** The issuer URL exactly as tokens name it (`iss`), e.g. `https://login.example.com/realms/orders`. */
  readonly issuerUrl: string;
  /**
   * The JWK set URI the workloads fetch signing keys from.
   * @default `<issuerUrl>/protocol/openid-connect/certs` (Keycloak's layout)
   */
  readonly jwkSetUri?: string;
  /** Where the issuer's addresses are: clients get an egress rule to these CIDRs and ports. */
  readonly endpoint: ExternalEndpoint;
}

/**
 * An OIDC issuer outside the cluster (a central Keycloak, Entra ID, ...). Clients get
 * `OIDC_ISSUER_URL`, Spring's `..._JWT_ISSUER_URI` and `..._JWT_JWK_SET_URI`, `OIDC_CLIENT_ID` and
 * `OIDC_CLIENT_SECRET` (by reference), and an egress rule to the issuer's CIDRs and ports.
 */
export class ExternalOidcIssuer extends Construct implements IIdentityProvider {
  /** The issuer URL. */
  public readonly issuerUrl: string;
  /** The JWK set URI. */
  public readonly jwkSetUri: string;
  /** The issuer's addresses. */
  public readonly endpoint: ExternalEndpoint;
  /** Nothing: an external issuer runs outside the cluster. */
  public readonly inCluster?: InClusterIdentity = undefined;

  constructor(scope: Construct, id: string, props: ExternalOidcIssuerProps) {
    super(scope, id);
    const problems = new PropertyProblems(this);
    if (!HTTPS_URL.test(props.issuerUrl)) problems.add('issuerUrl', 'is not an https:// URL', props.issuerUrl, HTTPS_URL.fix);
    this.issuerUrl = props.issuerUrl.replace(/\/+$/, '');
    this.jwkSetUri = props.jwkSetUri ?? `${this.issuerUrl}/protocol/openid-connect/certs`;
    if (!HTTPS_URL.test(this.jwkSetUri)) problems.add('jwkSetUri', 'is not an https:// URL', props.jwkSetUri, HTTPS_URL.fix);
    if (props.endpoint.cidrs.length === 0 || props.endpoint.ports.length === 0) {
      problems.add(
        'endpoint',
        'needs at least one CIDR and one port',
        props.endpoint,
        "list the issuer's addresses as cidrs and its HTTPS port (443) as ports",
      );
    }
    problems.check(() => validateEndpoint(this, 'endpoint', props.endpoint));
    problems.throwIfAny();
    this.endpoint = props.endpoint;
  }

  public bindClient(client: IPeer, options: IdentityClientOptions): Array<[string, EnvSource]> {
    Connections.of(this).addExternal({ from: client, name: 'oidc-issuer', endpoint: this.endpoint, purpose: 'identity' });
    return [
      ['OIDC_ISSUER_URL', { value: this.issuerUrl }],
      ['SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUER_URI', { value: this.issuerUrl }],
      ['SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_JWK_SET_URI', { value: this.jwkSetUri }],
      ['OIDC_CLIENT_ID', { value: options.clientId }],
      ...(options.clientSecret ? [['OIDC_CLIENT_SECRET', { secret: options.clientSecret }] as [string, EnvSource]] : []),
    ];
  }
}
