import Ajv, { ValidateFunction } from 'ajv';
import { defineProduct, Product } from '../../lib';
import { environmentSchema, EnvironmentSchemaOptions } from '../../lib/product/environment-schema';

/**
 * The schema of a product's environment files, checked with ajv directly: what it accepts, what it refuses, and
 * the fix (the `description` of the failing schema) each refusal carries, which the program prints.
 */

const REGISTRY = 'registry.example.com/shop';

/** Public API and frontend, a private worker, two databases and its own Keycloak. */
const SHOP = defineProduct({
  name: 'shop',
  components: {
    api: { kind: 'spring-boot', image: `${REGISTRY}/api`, public: true, databases: ['orders'] },
    web: { kind: 'nginx', image: `${REGISTRY}/web`, public: true },
    worker: { kind: 'http', image: `${REGISTRY}/worker`, livenessPath: '/healthz', readinessPath: '/readyz' },
  },
  databases: { orders: {}, events: {} },
  identity: { kind: 'keycloak' },
});

/** One private component: no hosts, no databases, no identity provider. */
const BARE = defineProduct({
  name: 'bare',
  components: { job: { kind: 'http', image: `${REGISTRY}/job`, livenessPath: '/healthz', readinessPath: '/readyz' } },
});

/** An API trusting an OIDC issuer outside the cluster. */
const PORTAL = defineProduct({
  name: 'portal',
  components: { api: { kind: 'spring-boot', image: `${REGISTRY}/portal`, identity: true } },
  identity: { kind: 'external-oidc' },
});

const RELEASE = { exposure: { kind: 'route' }, release: { strategy: 'rolling' } };
const SHOP_ENV = {
  ...RELEASE,
  hosts: { api: 'api.example.com', web: 'shop.example.com', identity: 'auth.example.com' },
  components: { api: { tag: '1.0.0' }, web: { tag: '1.0.0' }, worker: { tag: '1.0.0' } },
};
const BARE_ENV = { ...RELEASE, components: { job: { tag: '1.0.0' } } };

const compiled = new Map<string, ValidateFunction>();

/** Every refusal of `data` by the product's schema, as `<field> <keyword>: <fix>` (`-` when the schema gives none). */
function problems(product: Product, data: unknown, options: EnvironmentSchemaOptions = {}): string[] {
  const key = `${product.name} ${JSON.stringify(options)}`;
  let validate = compiled.get(key);
  if (validate === undefined) {
    validate = new Ajv({ allErrors: true, strict: false, verbose: true }).compile(environmentSchema(product, options));
    compiled.set(key, validate);
  }
  if (validate(data)) return [];
  return validate.errors!.map((e) => {
    const named = e.params.missingProperty ?? e.params.additionalProperty;
    return `${e.instancePath}${named === undefined ? '' : `/${named}`} ${e.keyword}: ${e.parentSchema?.description ?? '-'}`;
  });
}

describe('environmentSchema', () => {
  test('accepts a complete environment of the product', () => {
    expect(problems(SHOP, SHOP_ENV)).toEqual([]);
  });

  test('refuses settings the product does not have, at the top level', () => {
    expect(problems(SHOP, { ...SHOP_ENV, colour: 'blue' })).toEqual(['/colour additionalProperties: -']);
  });

  test('names itself after the product, unless told otherwise', () => {
    expect(environmentSchema(BARE).$id).toBe('https://eaf.example.com/schemas/bare/environment.json');
    expect(environmentSchema(BARE, { id: 'https://schemas.example.com/bare.json' }).$id).toBe('https://schemas.example.com/bare.json');
  });

  describe('hosts', () => {
    test('fails unless it names exactly the public components and Keycloak, each a DNS name', () => {
      // GIVEN hosts that lack the frontend, name an unknown key and give the API a malformed name
      const hosts = { api: 'Not A Host', extra: 'x.example.com', identity: 'auth.example.com' };
      // THEN each is refused with its fix
      expect(problems(SHOP, { ...SHOP_ENV, hosts })).toEqual([
        '/hosts/web required: give the hostnames for api, web, identity',
        '/hosts/extra additionalProperties: give the hostnames for api, web, identity',
        '/hosts/api pattern: use a lower-case DNS name such as app.example.com',
      ]);
    });

    test('fails when hosts is not a map, naming the hosts the product needs', () => {
      expect(problems(SHOP, { ...SHOP_ENV, hosts: 'shop.example.com' })).toEqual(['/hosts type: give the hostnames for api, web, identity']);
    });

    test('may be left out, or empty, when the product has no public host', () => {
      expect(problems(BARE, BARE_ENV)).toEqual([]);
      expect(problems(BARE, { ...BARE_ENV, hosts: {} })).toEqual([]);
    });

    test('fails with any host when the product has no public host, saying to remove it', () => {
      expect(problems(BARE, { ...BARE_ENV, hosts: { job: 'job.example.com' } })).toEqual([
        '/hosts/job additionalProperties: hosts: the product declares none; remove it',
      ]);
      expect(problems(BARE, { ...BARE_ENV, hosts: 'job.example.com' })).toEqual(['/hosts type: hosts: the product declares none; remove it']);
    });
  });

  describe('databases', () => {
    test('takes settings for some of the declared databases', () => {
      expect(problems(SHOP, { ...SHOP_ENV, databases: { events: { instances: 3 } } })).toEqual([]);
    });

    test('fails on an undeclared database and on bad database settings, listing the declared ones', () => {
      expect(problems(SHOP, { ...SHOP_ENV, databases: { other: {}, orders: { instances: 0 } } })).toEqual([
        '/databases/other additionalProperties: give settings for the databases of the product: orders, events',
        '/databases/orders/instances minimum: use a whole number from 1 to 1000',
      ]);
      expect(problems(SHOP, { ...SHOP_ENV, databases: 'orders' })).toEqual([
        '/databases type: give settings for the databases of the product: orders, events',
      ]);
    });

    test('fails when the product declares no database', () => {
      expect(problems(BARE, { ...BARE_ENV, databases: {} })).toEqual(['/databases additionalProperties: -']);
    });
  });

  describe('egress', () => {
    test('takes named egress from components of the product', () => {
      expect(problems(SHOP, { ...SHOP_ENV, egress: { smtp: { from: ['api', 'worker'], cidrs: ['10.0.0.0/8'], ports: [587] } } })).toEqual([]);
    });

    test('fails when an egress comes from no component or from something else, listing the components', () => {
      expect(
        problems(SHOP, {
          ...SHOP_ENV,
          egress: { smtp: { from: ['api', 'ghost'], cidrs: ['10.0.0.0/8'], ports: [587] }, chat: { from: [], cidrs: ['10.0.0.0/8'], ports: [443] } },
        }),
      ).toEqual(['/egress/smtp/from/1 enum: name components of the product: api, web, worker', '/egress/chat/from minItems: -']);
    });

    test('fails when egress is not a map of named egress', () => {
      expect(problems(SHOP, { ...SHOP_ENV, egress: ['smtp'] })).toEqual([
        '/egress type: name each egress with lower-case letters, digits and hyphens, e.g. smtp',
      ]);
    });
  });

  describe('components', () => {
    test('gives a Spring Boot component its profile, and no other kind', () => {
      // GIVEN a profile for the Spring Boot API and for the nginx frontend
      const components = { api: { tag: '1.0.0', springProfile: 'cloud' }, web: { tag: '1.0.0', springProfile: 'cloud' }, worker: { tag: '1.0.0' } };
      // THEN only the frontend's is refused
      expect(problems(SHOP, { ...SHOP_ENV, components })).toEqual(['/components/web/springProfile additionalProperties: -']);
    });

    test('fails unless every component has settings, listing them', () => {
      expect(problems(SHOP, { ...SHOP_ENV, components: { api: { tag: '1.0.0' } } })).toEqual([
        '/components/web required: give settings for api, web, worker',
        '/components/worker required: give settings for api, web, worker',
      ]);
    });
  });

  describe('identity', () => {
    test("Keycloak's settings are optional", () => {
      expect(problems(SHOP, { ...SHOP_ENV, identity: { instances: 2 } })).toEqual([]);
      expect(problems(SHOP, { ...SHOP_ENV, identity: { issuerUrl: 'https://login.example.com' } })).toEqual([
        '/identity/issuerUrl additionalProperties: -',
      ]);
    });

    test('an external issuer must be named', () => {
      expect(problems(PORTAL, { ...RELEASE, components: { api: { tag: '1.0.0' } } })).toEqual(['/identity required: -']);
      expect(
        problems(PORTAL, {
          ...RELEASE,
          identity: { issuerUrl: 'https://login.example.com/realms/eaf', endpoint: { cidrs: ['203.0.113.10/32'], ports: [443] } },
          components: { api: { tag: '1.0.0' } },
        }),
      ).toEqual([]);
    });

    test('fails when the product has no identity provider', () => {
      expect(problems(BARE, { ...BARE_ENV, identity: {} })).toEqual(['/identity additionalProperties: -']);
    });
  });

  describe('waivers', () => {
    const waiver = (rule: string) => ({ ...BARE_ENV, waivers: [{ rule, object: 'Deployment/job', reason: 'a pilot, for one month' }] });

    test('name one of the waivable rules when the schema is given them', () => {
      const options = { waivableRules: ['production-replicas', 'probes-required'] };
      expect(problems(BARE, waiver('probes-required'), options)).toEqual([]);
      expect(problems(BARE, waiver('tls-required'), options)).toEqual([
        '/waivers/0/rule enum: name a waivable rule of the gate: production-replicas, probes-required',
      ]);
      expect(problems(BARE, { ...BARE_ENV, waivers: [{ rule: 'probes-required' }] }, options)).toEqual([
        '/waivers/0/reason required: give rule, reason, and object (one object) or component (every object of a component)',
      ]);
    });

    test('name a component of the product when they waive a whole component', () => {
      const byComponent = (component: string) => ({
        ...BARE_ENV,
        waivers: [{ rule: 'probes-required', component, reason: 'a reason of some length' }],
      });
      const names = Object.keys(BARE.components);
      expect(problems(BARE, byComponent(names[0]))).toEqual([]);
      expect(problems(BARE, byComponent('nosuch'))).toEqual([`/waivers/0/component enum: name a component of the product: ${names.join(', ')}`]);
    });

    test('name any rule otherwise', () => {
      expect(problems(BARE, waiver('tls-required'))).toEqual([]);
    });
  });
});
