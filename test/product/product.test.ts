import { defineProduct, isProduct, ProductDefinition, ProductDefinitionError, productNamespaceName } from '../../lib';
import { publicHostKeys } from '../../lib/product/product';

const REGISTRY = 'registry.example.com/shop';

/** The problems `defineProduct` reports for `definition`; fails the test when it accepts it. */
function definitionProblems(definition: ProductDefinition): string[] {
  try {
    defineProduct(definition);
  } catch (e) {
    if (!(e instanceof ProductDefinitionError)) throw e;
    expect(e.name).toBe('ProductDefinitionError');
    return e.problems;
  }
  throw new Error('expected the definition to fail');
}

const FIX_NAME = 'use a lower-case name of letters, digits and hyphens starting with a letter, at most 40 characters, e.g. api';

describe('defineProduct', () => {
  test('fails without components, saying how to declare one', () => {
    expect(definitionProblems({ name: 'empty' } as ProductDefinition)).toEqual([
      "product empty: components: is empty (got nothing); declare at least one component, e.g. api: { kind: 'spring-boot', image: ... }",
    ]);
  });

  test('fails on malformed database and component names', () => {
    // GIVEN names with capitals and underscores
    const problems = definitionProblems({
      name: 'shop',
      components: { Api: { kind: 'spring-boot', image: `${REGISTRY}/api`, databases: ['ghost'] } },
      databases: { Main_DB: {}, events: {} },
    });
    // THEN each is refused, and the unknown database lists the declared ones
    expect(problems).toEqual([
      `product shop: databases.Main_DB: is not a valid database name (got "Main_DB"); ${FIX_NAME}`,
      `product shop: components.Api: is not a valid component name (got "Api"); ${FIX_NAME}`,
      'product shop: components.Api.databases[0]: names no database of the product (got "ghost"); use one of: Main_DB, events',
    ]);
  });

  test('fails when a component uses a database of a product that declares none', () => {
    expect(
      definitionProblems({ name: 'shop', components: { api: { kind: 'spring-boot', image: `${REGISTRY}/api`, databases: ['orders'] } } }),
    ).toEqual(['product shop: components.api.databases[0]: names no database of the product (got "orders"); declare it under databases']);
  });

  test('fails when a component calls itself or an unknown component, listing the others', () => {
    expect(
      definitionProblems({
        name: 'shop',
        components: {
          api: { kind: 'spring-boot', image: `${REGISTRY}/api`, calls: ['api', 'ghost'] },
          web: { kind: 'nginx', image: `${REGISTRY}/web` },
          worker: { kind: 'nginx', image: `${REGISTRY}/worker` },
        },
      }),
    ).toEqual([
      'product shop: components.api.calls[0]: names no other component of the product (got "api"); use one of: web, worker',
      'product shop: components.api.calls[1]: names no other component of the product (got "ghost"); use one of: web, worker',
    ]);
  });

  // Found by the declaration fuzz: the repeat was accepted, and composition failed later blaming the environment file.
  test('fails when a component names a database or a call twice', () => {
    expect(
      definitionProblems({
        name: 'shop',
        components: {
          api: { kind: 'spring-boot', image: `${REGISTRY}/api`, databases: ['db', 'db'], calls: ['web', 'web'] },
          web: { kind: 'nginx', image: `${REGISTRY}/web` },
        },
        databases: { db: {} },
      }),
    ).toEqual([
      'product shop: components.api.databases[1]: names db a second time (got "db"); name each once',
      'product shop: components.api.calls[1]: names web a second time (got "web"); name each once',
    ]);
  });

  test('fails when the only component calls itself, saying there is no other', () => {
    expect(definitionProblems({ name: 'solo', components: { api: { kind: 'spring-boot', image: `${REGISTRY}/api`, calls: ['api'] } } })).toEqual([
      'product solo: components.api.calls[0]: names no other component of the product (got "api"); use one of: (none)',
    ]);
  });

  test("fails when a component has the name of Keycloak's host key, the default or the declared one", () => {
    const component = { kind: 'nginx' as const, image: `${REGISTRY}/web` };
    expect(definitionProblems({ name: 'shop', components: { identity: component }, identity: { kind: 'keycloak' } })).toEqual([
      'product shop: components.identity: has the name of the identity provider\'s host key (got "identity"); rename the component, or set identity.hostKey',
    ]);
    expect(
      definitionProblems({ name: 'shop', components: { identity: component, auth: component }, identity: { kind: 'keycloak', hostKey: 'auth' } }),
    ).toEqual([
      'product shop: components.auth: has the name of the identity provider\'s host key (got "auth"); rename the component, or set identity.hostKey',
    ]);
  });

  test('accepts a component named like the host key of an identity provider without one', () => {
    expect(() =>
      defineProduct({
        name: 'shop',
        components: { identity: { kind: 'spring-boot', image: `${REGISTRY}/api`, identity: true } },
        identity: { kind: 'external-oidc' },
      }),
    ).not.toThrow();
  });

  test('accepts realm clients pointed at public components', () => {
    const product = defineProduct({
      name: 'shop',
      components: { web: { kind: 'nginx', image: `${REGISTRY}/web`, public: true } },
      identity: { kind: 'keycloak', clientUrls: { 'shop-ui': 'web' } },
    });
    expect(product.identity).toEqual({ kind: 'keycloak', clientUrls: { 'shop-ui': 'web' } });
  });

  test('fails when a realm client is pointed at a private or unknown component, listing the public ones', () => {
    expect(
      definitionProblems({
        name: 'shop',
        components: {
          web: { kind: 'nginx', image: `${REGISTRY}/web`, public: true },
          api: { kind: 'spring-boot', image: `${REGISTRY}/api`, public: true },
          worker: { kind: 'nginx', image: `${REGISTRY}/worker` },
        },
        identity: { kind: 'keycloak', clientUrls: { 'shop-ui': 'web', 'shop-worker': 'worker', 'shop-admin': 'admin' } },
      }),
    ).toEqual([
      'product shop: identity.clientUrls.shop-worker: names no public component (got "worker"); use one of: web, api',
      'product shop: identity.clientUrls.shop-admin: names no public component (got "admin"); use one of: web, api',
    ]);
  });

  test('fails when a realm client is pointed at a component of a product with no public one', () => {
    expect(
      definitionProblems({
        name: 'shop',
        components: { api: { kind: 'spring-boot', image: `${REGISTRY}/api` } },
        identity: { kind: 'keycloak', clientUrls: { ui: 'api' } },
      }),
    ).toEqual(['product shop: identity.clientUrls.ui: names no public component (got "api"); use one of: (none: mark a component public)']);
  });

  test('fails on an unknown identity provider kind', () => {
    expect(
      definitionProblems({ name: 'shop', components: { api: { kind: 'spring-boot', image: `${REGISTRY}/api` } }, identity: { kind: 'saml' } as any }),
    ).toEqual(["product shop: identity.kind: is not an identity provider kind (got \"saml\"); use 'keycloak' or 'external-oidc'"]);
  });
});

describe('isProduct', () => {
  test('is true for a declared product only', () => {
    // GIVEN a declared product and a definition that was never checked
    const definition: ProductDefinition = { name: 'shop', components: { api: { kind: 'spring-boot', image: `${REGISTRY}/api` } } };
    // THEN only the product is one
    expect(isProduct(defineProduct(definition))).toBe(true);
    expect(isProduct(definition)).toBe(false);
    expect(isProduct({ ...defineProduct(definition) })).toBe(false);
  });

  test.each([undefined, null, 'shop', 42])('is false for %p', (value) => {
    expect(isProduct(value)).toBe(false);
  });
});

describe('publicHostKeys', () => {
  const components = {
    web: { kind: 'nginx' as const, image: `${REGISTRY}/web`, public: true },
    worker: { kind: 'nginx' as const, image: `${REGISTRY}/worker` },
    api: { kind: 'spring-boot' as const, image: `${REGISTRY}/api`, public: true },
  };

  test('lists the public components in declaration order', () => {
    expect(publicHostKeys({ name: 'shop', components })).toEqual(['web', 'api']);
    expect(publicHostKeys({ name: 'shop', components, identity: { kind: 'external-oidc' } })).toEqual(['web', 'api']);
  });

  test("adds Keycloak's host key last, by default identity", () => {
    expect(publicHostKeys({ name: 'shop', components, identity: { kind: 'keycloak' } })).toEqual(['web', 'api', 'identity']);
    expect(publicHostKeys({ name: 'shop', components, identity: { kind: 'keycloak', hostKey: 'login' } })).toEqual(['web', 'api', 'login']);
  });
});

describe('productNamespaceName', () => {
  test('is <product>-<environment> unless the environment names its namespace', () => {
    expect(productNamespaceName({ name: 'shop' }, { name: 'staging' })).toBe('shop-staging');
    expect(productNamespaceName({ name: 'shop' }, { name: 'staging', namespace: 'shop-qa' })).toBe('shop-qa');
  });
});
