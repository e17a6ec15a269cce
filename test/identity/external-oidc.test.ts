import { Connections, EafApi, ExternalOidcIssuer, PropertyErrors } from '../../lib';
import { find, synth, testChart } from '../util';

describe('ExternalOidcIssuer', () => {
  const endpoint = { cidrs: ['203.0.113.0/24'], ports: [443] };

  test("derives the JWK set URI from the issuer in Keycloak's layout, without a trailing slash", () => {
    // GIVEN an issuer URL written with trailing slashes
    const chart = testChart();
    // WHEN
    const issuer = new ExternalOidcIssuer(chart, 'oidc', { issuerUrl: 'https://login.example.com/realms/orders//', endpoint });
    // THEN
    expect(issuer.issuerUrl).toBe('https://login.example.com/realms/orders');
    expect(issuer.jwkSetUri).toBe('https://login.example.com/realms/orders/protocol/openid-connect/certs');
    expect(issuer.endpoint).toEqual(endpoint);
  });

  test('takes a JWK set URI of its own', () => {
    const issuer = new ExternalOidcIssuer(testChart(), 'oidc', {
      issuerUrl: 'https://login.example.com/tenant/v2.0',
      jwkSetUri: 'https://login.example.com/tenant/discovery/v2.0/keys',
      endpoint,
    });
    expect(issuer.jwkSetUri).toBe('https://login.example.com/tenant/discovery/v2.0/keys');
  });

  test('gives a client the issuer, the JWK set, its id and its secret by reference, and an egress to the issuer', () => {
    // GIVEN
    const chart = testChart();
    const issuer = new ExternalOidcIssuer(chart, 'oidc', { issuerUrl: 'https://login.example.com/realms/orders', endpoint });
    // WHEN
    new EafApi(chart, 'api', {
      image: 'r/api',
      tag: '1',
      identity: { provider: issuer, realm: 'orders', clientId: 'orders-api', clientSecret: { secretName: 'orders-oidc', key: 'secret' } },
    });
    // THEN
    expect(find(synth(chart), 'Deployment', 'api').spec.template.spec.containers[0].env).toEqual([
      { name: 'MANAGEMENT_METRICS_DISTRIBUTION_PERCENTILESHISTOGRAM_HTTP_SERVER_REQUESTS', value: 'true' },
      { name: 'OIDC_ISSUER_URL', value: 'https://login.example.com/realms/orders' },
      { name: 'SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUER_URI', value: 'https://login.example.com/realms/orders' },
      {
        name: 'SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_JWK_SET_URI',
        value: 'https://login.example.com/realms/orders/protocol/openid-connect/certs',
      },
      { name: 'OIDC_CLIENT_ID', value: 'orders-api' },
      { name: 'OIDC_CLIENT_SECRET', valueFrom: { secretKeyRef: { name: 'orders-oidc', key: 'secret' } } },
    ]);
    expect(Connections.of(chart).externalEdges.map((e) => [e.from.peerName, e.name, e.endpoint, e.purpose])).toEqual([
      ['api', 'oidc-issuer', endpoint, 'identity'],
    ]);
    expect(Connections.of(chart).edges).toEqual([]);
  });

  test('gives a public client no secret', () => {
    const chart = testChart();
    const issuer = new ExternalOidcIssuer(chart, 'oidc', { issuerUrl: 'https://login.example.com', endpoint });
    const api = new EafApi(chart, 'api', { image: 'r/api', tag: '1', identity: { provider: issuer, realm: 'orders', clientId: 'public' } });
    expect(Object.keys(api.env)).toEqual([
      'MANAGEMENT_METRICS_DISTRIBUTION_PERCENTILESHISTOGRAM_HTTP_SERVER_REQUESTS',
      'OIDC_ISSUER_URL',
      'SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUER_URI',
      'SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_JWK_SET_URI',
      'OIDC_CLIENT_ID',
    ]);
  });

  test('fails on an issuer or JWK set URI that is not https', () => {
    expect(
      () =>
        new ExternalOidcIssuer(testChart(), 'oidc', { issuerUrl: 'http://login.example.com', jwkSetUri: 'https://login.example.com/keys', endpoint }),
    ).toThrow('test/oidc: issuerUrl is not an https:// URL (got "http://login.example.com"); use an https:// URL');
    expect(
      () =>
        new ExternalOidcIssuer(testChart(), 'oidc', { issuerUrl: 'https://login.example.com', jwkSetUri: 'ldap://login.example.com/keys', endpoint }),
    ).toThrow('test/oidc: jwkSetUri is not an https:// URL (got "ldap://login.example.com/keys"); use an https:// URL');
  });

  test('fails on an endpoint without CIDRs or ports, or with a bad CIDR, and reports all at once', () => {
    expect(
      () => new ExternalOidcIssuer(testChart(), 'oidc', { issuerUrl: 'https://login.example.com', endpoint: { cidrs: [], ports: [443] } }),
    ).toThrow(
      'test/oidc: endpoint needs at least one CIDR and one port (got {"cidrs":[],"ports":[443]}); list the issuer\'s addresses as cidrs and its HTTPS port (443) as ports',
    );
    expect(
      () => new ExternalOidcIssuer(testChart(), 'oidc', { issuerUrl: 'https://login.example.com', endpoint: { cidrs: ['10.0.0.0/8'], ports: [] } }),
    ).toThrow('test/oidc: endpoint needs at least one CIDR and one port (got {"cidrs":["10.0.0.0/8"],"ports":[]})');
    let error: unknown;
    try {
      new ExternalOidcIssuer(testChart(), 'oidc', { issuerUrl: 'ftp://x', endpoint: { cidrs: ['10.0.0.0/33'], ports: [0] } });
    } catch (e) {
      error = e;
    }
    expect((error as PropertyErrors).errors.map((e) => `${e.property} ${e.problem}`)).toEqual([
      'issuerUrl is not an https:// URL',
      // the derived JWK set URI inherits the bad scheme and is reported too, though it was not set
      'jwkSetUri is not an https:// URL',
      'endpoint.cidrs[0] is not a CIDR',
      'endpoint.ports[0] is not a TCP port from 1 to 65535',
    ]);
  });
});
