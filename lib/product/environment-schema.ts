import { TSchema, Type } from '@sinclair/typebox';
import { DNS_NAME } from '../core/formats';
import { ProductDefinition, publicHostKeys } from './product';
import {
  ComponentSettings,
  DatabaseSettings,
  EgressSettings,
  EnvironmentSettings,
  ExternalOidcSettings,
  KeycloakSettings,
  oneOf,
  SpringBootSettings,
  WaiverSettings,
} from './settings';

/** Options of {@link environmentSchema}. */
export interface EnvironmentSchemaOptions {
  /** Rule ids a waiver may name (the gate's waivable rules). @default - any string */
  readonly waivableRules?: readonly string[];
  /** `$id` of the schema. @default `https://eaf.example.com/schemas/<product>/environment.json` */
  readonly id?: string;
}

/**
 * The JSON Schema of one product's environment files, derived from its declaration: `hosts` and
 * `components` require exactly the components that exist (each component's settings by its kind),
 * `databases` and `identity` follow what the product declares, and names in `egress.*.from` must be
 * components. Unknown names are errors that list the known ones (each object's description says them).
 */
export function environmentSchema(product: ProductDefinition, options: EnvironmentSchemaOptions = {}): TSchema {
  const components = Object.keys(product.components);
  const hosts = publicHostKeys(product);
  const databases = Object.keys(product.databases ?? {});
  const base = EnvironmentSettings.properties;
  const exactly = (names: string[], value: (name: string) => TSchema, what: string) =>
    Type.Object(Object.fromEntries(names.map((name) => [name, value(name)])), {
      additionalProperties: false,
      description: names.length > 0 ? `give ${what} for ${list(names)}` : `${what}: the product declares none; remove it`,
    });
  const properties: Record<string, TSchema> = {
    namespace: base.namespace,
    critical: base.critical,
    kubernetes: base.kubernetes,
    openshift: base.openshift,
    hosts:
      hosts.length > 0
        ? exactly(hosts, () => Type.String({ pattern: DNS_NAME.pattern, description: DNS_NAME.fix }), 'the hostnames')
        : Type.Optional(exactly([], () => Type.Never(), 'hosts')),
    exposure: base.exposure,
    release: base.release,
    registries: base.registries,
    ...(databases.length > 0 ? { databases: Type.Optional(partial(databases, () => DatabaseSettings, 'the databases')) } : {}),
    ...identitySettings(product),
    network: base.network,
    egress: Type.Optional(
      Type.Record(
        Type.String({ pattern: '^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$' }),
        {
          ...EgressSettings,
          properties: {
            ...EgressSettings.properties,
            from: Type.Array(oneOf(components, `name components of the product: ${list(components)}`), { minItems: 1 }),
          },
        },
        { additionalProperties: false, description: 'name each egress with lower-case letters, digits and hyphens, e.g. smtp' },
      ),
    ),
    observability: base.observability,
    delivery: base.delivery,
    components: exactly(components, (name) => (product.components[name].kind === 'spring-boot' ? SpringBootSettings : ComponentSettings), 'settings'),
    secrets: base.secrets,
    waivers: Type.Optional(
      Type.Array({
        ...WaiverSettings,
        properties: {
          ...WaiverSettings.properties,
          ...(options.waivableRules === undefined
            ? {}
            : { rule: oneOf(options.waivableRules, `name a waivable rule of the gate: ${options.waivableRules.join(', ')}`) }),
          component: Type.Optional(oneOf(components, `name a component of the product: ${list(components)}`)),
        },
      }),
    ),
  };
  return Type.Object(properties, {
    $id: options.id ?? `https://eaf.example.com/schemas/${product.name}/environment.json`,
    additionalProperties: false,
  });
}

function identitySettings(product: ProductDefinition): Record<string, TSchema> {
  switch (product.identity?.kind) {
    case 'keycloak':
      return { identity: Type.Optional(KeycloakSettings) };
    case 'external-oidc':
      return { identity: ExternalOidcSettings };
    default:
      return {};
  }
}

/** An object whose keys are some of `names` (each optional), and nothing else. */
function partial(names: string[], value: (name: string) => TSchema, what: string) {
  return Type.Object(Object.fromEntries(names.map((name) => [name, Type.Optional(value(name))])), {
    additionalProperties: false,
    description: `give settings for ${what} of the product: ${list(names)}`,
  });
}

function list(names: string[]): string {
  return names.join(', ');
}
