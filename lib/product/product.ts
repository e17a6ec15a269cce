import { COMPONENT_NAME, DNS_LABEL, GIT_URL, IMAGE_REPOSITORY, REPOSITORY_PATH } from '../core/formats';
import { deepFreeze } from '../core/freeze';
import { SecretKeyReference } from '../core/secrets';
import type { OwnAlert, OwnAlertScope } from '../observability/own-alerts';
import type { MetricsAuth } from '../observability/pod-metrics';
import type { RequestMetrics } from '../observability/sli';
import type { DatabaseEnvNames } from '../workloads/eaf-workload';
import type { ContainerResources } from '../pods/pod-template';
import type { EafProductChart } from './product-chart';
import type { EnvironmentConfig } from './settings';

/**
 * The product model: a product declares once what it has (components, databases, identity); the
 * environment schema, the objects, the wiring, the exposures and the network policies are derived from it.
 */

/** How a component trusts the product's identity provider. */
export interface ComponentIdentity {
  /** The realm its tokens come from. @default - the realm of the product's realm file, else the product name */
  readonly realm?: string;
  /** Its OIDC client id. @default `<product>-<component>` */
  readonly clientId?: string;
  /** Its client secret, by reference. @default - `<product>-<component>-oidc`, key `client-secret` */
  readonly clientSecret?: SecretKeyReference;
}

/** What every component declares. */
export interface ComponentBase {
  /** Image repository without tag, e.g. `registry.example.com/orders/api`; an environment may override it. */
  readonly image: string;
  /**
   * Whether users reach it from outside: each environment then names its host (`hosts.<component>`), which
   * gives both its exposure (Ingress or Route) and the ingress controller's network edge to it.
   * @default false
   */
  readonly public?: boolean;
  /** The product databases it uses, by name: each sets the database variables and the network edge. @default - none */
  readonly databases?: readonly string[];
  /** Variable names of its database connection, when the application reads others. @default DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASSWORD */
  readonly databaseEnv?: DatabaseEnvNames;
  /** Whether it trusts the product's identity provider (`true` for the defaults). @default - it does not */
  readonly identity?: boolean | ComponentIdentity;
  /** Other components it calls over HTTP, by name: each gives a network edge. @default - none */
  readonly calls?: readonly string[];
  /**
   * Public components its UI calls from the user's browser, through their hosts: no in-cluster flow, so no network
   * edge, but it is synced after them (a frontend is of no use before its API).
   * @default - none
   */
  readonly browserCalls?: readonly string[];
  /** Plain environment variables (never secrets). @default - none */
  readonly env?: Readonly<Record<string, string>>;
  /** Environment variables from Secrets, by reference. @default - none */
  readonly secretEnv?: Readonly<Record<string, SecretKeyReference>>;
  /** Replicas when the environment file gives none. @default - the preset's (3 for the API and nginx presets, 2 otherwise) */
  readonly replicas?: number;
  /** Requests and limits, before the environment's overrides. @default - the preset's */
  readonly resources?: ContainerResources;
  /** Writable paths on the read-only root filesystem. @default - the preset's */
  readonly writablePaths?: readonly string[];
  /** HTTP port. @default 8080 */
  readonly port?: number;
}

/** A Spring Boot API (it may serve its UI too): actuator probes and metrics. */
export interface SpringBootComponent extends ComponentBase {
  readonly kind: 'spring-boot';
  /** Liveness and readiness paths. @default - Spring Boot Actuator's health groups */
  readonly probePaths?: { readonly liveness?: string; readonly readiness?: string };
  /** Prometheus endpoint on the port. @default '/actuator/prometheus' */
  readonly metricsPath?: string;
  /** Credentials monitoring presents at a secured actuator, by Secret reference. @default - none */
  readonly metricsAuth?: MetricsAuth;
  /**
   * Where its request metrics come from, for its objectives, alerts, dashboards and release analysis: a preset
   * (`spring-boot`, `opentelemetry`, `prometheus`) or PromQL selectors `{ total, errors, latency }`.
   * @default 'spring-boot' (Micrometer's http_server_requests_seconds)
   */
  readonly requests?: RequestMetrics;
}

/** A static frontend served by nginx. */
export interface NginxComponent extends ComponentBase {
  readonly kind: 'nginx';
}

/** Any other HTTP service: its own probe paths and metrics endpoint. */
export interface HttpComponent extends ComponentBase {
  readonly kind: 'http';
  /** Liveness probe path, e.g. `/healthz`. */
  readonly livenessPath: string;
  /** Readiness probe path, e.g. `/readyz`. */
  readonly readinessPath: string;
  /** Startup probe path for slow starters. @default - none */
  readonly startupPath?: string;
  /** Where monitoring scrapes metrics. @default - not scraped */
  readonly metrics?: {
    readonly port: number;
    readonly path: string;
    /** Credentials of a secured endpoint. @default - none */ readonly auth?: MetricsAuth;
    /**
     * Where its request metrics are among the scraped series: a preset (`opentelemetry`, `prometheus`, `spring-boot`)
     * or PromQL selectors `{ total, errors, latency }`. They give it objectives, request alerts, a dashboard and a
     * release analysis by metrics.
     * @default - none: its containers are watched, its requests are not
     */
    readonly requests?: RequestMetrics;
  };
}

/** One component of a product, by kind. */
export type ComponentDefinition = SpringBootComponent | NginxComponent | HttpComponent;

/** A PostgreSQL database of the product (a CloudNativePG cluster). */
export interface DatabaseDefinition {
  /** Cluster name; Services `<name>-rw`, ... @default `<product>-<key>` */
  readonly clusterName?: string;
  /** The database created at bootstrap. @default - the product name (hyphens become underscores) */
  readonly database?: string;
  /** Owner of the database. @default - same as `database` */
  readonly owner?: string;
  /** Secret with the owner's `username` and `password`. @default `<cluster name>-credentials` */
  readonly credentialsSecret?: string;
  /** PostgreSQL release (`<major>.<minor>`). @default - the platform's (POSTGRES_DEFAULTS.version) */
  readonly version?: string;
}

/** The product's own Keycloak. */
export interface KeycloakIdentity {
  readonly kind: 'keycloak';
  /** The realm to import, as parsed from its JSON file (no secret values: `${PLACEHOLDER}`s only). @default - none */
  readonly realm?: Record<string, unknown>;
  /** Secrets that fill the realm's placeholders. @default - none */
  readonly realmPlaceholders?: Readonly<Record<string, SecretKeyReference>>;
  /** Realm clients whose URLs point at a public component's host: client id to component. @default - none */
  readonly clientUrls?: Readonly<Record<string, string>>;
  /** The hosts key and exposure of Keycloak. @default 'identity' */
  readonly hostKey?: string;
}

/** An OIDC issuer outside the cluster; each environment names its URL and addresses. */
export interface ExternalOidcIdentity {
  readonly kind: 'external-oidc';
}

/** The product's identity provider. */
export type IdentityDefinition = KeycloakIdentity | ExternalOidcIdentity;

/** A product, declared once. */
export interface ProductDefinition {
  /** Product name, e.g. `dvmm`: names the namespaces (`<name>-<environment>`) and defaults. */
  readonly name: string;
  /** Its components, in the order they are rendered. */
  readonly components: Readonly<Record<string, ComponentDefinition>>;
  /** Its databases. @default - none */
  readonly databases?: Readonly<Record<string, DatabaseDefinition>>;
  /** Its identity provider. @default - none */
  readonly identity?: IdentityDefinition;
  /** Where the runbooks of its alerts are: alert X links to `<runbookBaseUrl>/X.md`. @default - the platform's (ALERT_DEFAULTS.runbookBaseUrl) */
  readonly runbookBaseUrl?: string;
  /**
   * Delivery by Argo CD: an AppProject, one Application per environment pointing at `<path>/<environment>` and an
   * app-of-apps root, rendered to `<path>/argocd/`; every environment then gets its smoke test. Each environment's
   * `delivery` section sets how it syncs.
   * @default - no Argo CD objects
   */
  readonly delivery?: ProductDelivery;
  /**
   * The product's own additions to every environment: objects of its own (a PrometheusRule, a ConfigMap), JSON patches
   * on the library's objects (`ApiObject.of(...).addJsonPatch(JsonPatch.add(...))`), further charts (`App.of(chart)`).
   * Every command that composes an environment runs it (`synth`, `release`, `switch`, `rollback`, `promote`,
   * `secrets`, `npm run synth`, `cdk8s synth`), inside the environment's {@link EafProductChart} once the library's
   * objects are composed, before the environment's waivers and the platform's monitoring labels are applied and
   * before the gate judges everything. It is not run for an environment that already failed to compose. A
   * `PropertyError` it throws is reported as bad input like the library's own.
   * @default - no additions
   */
  readonly extend?: ProductExtension;
  /**
   * The product's own alerts, each with its promtool cases (one that fires, one that stays silent): rendered into the
   * PrometheusRule `<product>-own-alerts` of every environment with the library's labels, runbook link and routing,
   * and tested with the library's alerts (`dist/<env>.alert-tests.json`, `eaf-cdk8s verify --alerts`). A function
   * gets each environment (its namespace, say, for the expressions' selectors).
   * @default - none
   */
  readonly alerts?: readonly OwnAlert[] | ((scope: OwnAlertScope) => readonly OwnAlert[]);
}

/** A product's own additions to one environment's chart (see {@link ProductDefinition.extend}). */
export type ProductExtension = (chart: EafProductChart, environment: EnvironmentConfig) => void;

/** Where a product's manifests are in git, for Argo CD. */
export interface ProductDelivery {
  /** The git repository holding the synthesised manifests, e.g. `https://git.example.com/eaf/orders.git`. */
  readonly repoURL: string;
  /** The folder of the output in the repository: environment `<env>` is `<path>/<env>`. @default 'dist' */
  readonly path?: string;
  /** The revision Argo CD follows, unless an environment names another. @default 'main' */
  readonly targetRevision?: string;
  /** The namespace Argo CD runs in and reads its Applications from (`openshift-gitops` on OpenShift GitOps). @default 'argocd' */
  readonly argocdNamespace?: string;
}

/** A declared product: checked and frozen. */
export type Product = ProductDefinition & { readonly __checked: true };

/** Every problem of a product declaration, each naming the product, the field, the value and the fix. */
export class ProductDefinitionError extends Error {
  constructor(public readonly problems: string[]) {
    super(`invalid product definition:\n  ${problems.join('\n  ')}`);
    this.name = 'ProductDefinitionError';
  }
}

/** Component kinds, for messages. */
export const COMPONENT_KINDS = Object.freeze(['spring-boot', 'nginx', 'http'] as const);

/**
 * Checks and freezes a product declaration.
 * @throws ProductDefinitionError listing every problem
 */
export function defineProduct(definition: ProductDefinition): Product {
  const problems: string[] = [];
  const at: Report = (field, problem, value, fix) =>
    problems.push(`product ${definition.name}: ${field}: ${problem} (got ${JSON.stringify(value) ?? 'nothing'}); ${fix}`);
  if (!COMPONENT_NAME.test(definition.name)) at('name', 'is not a valid product name', definition.name, COMPONENT_NAME.fix);
  const components = Object.keys(definition.components ?? {});
  const databases = Object.keys(definition.databases ?? {});
  if (components.length === 0)
    at('components', 'is empty', definition.components, "declare at least one component, e.g. api: { kind: 'spring-boot', image: ... }");
  for (const name of databases) if (!COMPONENT_NAME.test(name)) at(`databases.${name}`, 'is not a valid database name', name, COMPONENT_NAME.fix);
  for (const [name, component] of Object.entries(definition.components ?? {})) checkComponent(definition, name, component, at);
  checkIdentity(definition, at);
  const delivery = definition.delivery;
  if (delivery !== undefined) {
    if (!GIT_URL.test(delivery.repoURL)) at('delivery.repoURL', 'is not a git repository URL', delivery.repoURL, GIT_URL.fix);
    if (delivery.path !== undefined && !REPOSITORY_PATH.test(delivery.path))
      at('delivery.path', 'is not a relative folder of the repository', delivery.path, REPOSITORY_PATH.fix);
    if (delivery.argocdNamespace !== undefined && !DNS_LABEL.test(delivery.argocdNamespace))
      at('delivery.argocdNamespace', 'is not a namespace name', delivery.argocdNamespace, DNS_LABEL.fix);
  }
  checkExtensions(definition, at);
  if (problems.length > 0) throw new ProductDefinitionError(problems);
  const product = { ...definition };
  Object.defineProperty(product, PRODUCT_BRAND, { value: true });
  return deepFreeze(product) as Product;
}

/** Records a problem of the declaration: the field, what is wrong, the value, the fix. */
type Report = (field: string, problem: string, value: unknown, fix: string) => void;

/** One component: its name and kind, its image, and the databases, components and identity provider it names. */
function checkComponent(definition: ProductDefinition, name: string, component: ComponentDefinition, at: Report): void {
  const components = Object.keys(definition.components ?? {});
  const databases = Object.keys(definition.databases ?? {});
  const hostKey = definition.identity?.kind === 'keycloak' ? (definition.identity.hostKey ?? 'identity') : undefined;
  const field = `components.${name}`;
  if (!COMPONENT_NAME.test(name)) at(field, 'is not a valid component name', name, COMPONENT_NAME.fix);
  if (name === hostKey) at(field, `has the name of the identity provider's host key`, name, `rename the component, or set identity.hostKey`);
  if (!(COMPONENT_KINDS as readonly string[]).includes(component.kind))
    at(`${field}.kind`, 'is not a component kind', component.kind, `use one of: ${COMPONENT_KINDS.join(', ')}`);
  if (!IMAGE_REPOSITORY.test(component.image)) at(`${field}.image`, 'is not an image repository without tag', component.image, IMAGE_REPOSITORY.fix);
  for (const list of ['databases', 'calls', 'browserCalls'] as const) {
    (component[list] ?? []).forEach((entry, i, all) => {
      if (all.indexOf(entry) !== i) at(`${field}.${list}[${i}]`, `names ${entry} a second time`, entry, 'name each once');
    });
  }
  (component.databases ?? []).forEach((db, i) => {
    if (!databases.includes(db))
      at(
        `${field}.databases[${i}]`,
        'names no database of the product',
        db,
        databases.length ? `use one of: ${databases.join(', ')}` : 'declare it under databases',
      );
  });
  (component.calls ?? []).forEach((target, i) => {
    if (!components.includes(target) || target === name)
      at(
        `${field}.calls[${i}]`,
        'names no other component of the product',
        target,
        `use one of: ${components.filter((c) => c !== name).join(', ') || '(none)'}`,
      );
  });
  const publicOthers = components.filter((c) => c !== name && definition.components[c].public === true);
  (component.browserCalls ?? []).forEach((target, i) => {
    if (!publicOthers.includes(target))
      at(
        `${field}.browserCalls[${i}]`,
        'names no other public component of the product',
        target,
        `use one of: ${publicOthers.join(', ') || '(none: a browser reaches only public components)'}`,
      );
  });
  if (component.identity && definition.identity === undefined)
    at(
      `${field}.identity`,
      'needs an identity provider',
      component.identity,
      "declare identity: { kind: 'keycloak' } or { kind: 'external-oidc' }, or remove it",
    );
}

/** The product's own additions: a function that extends each environment, alerts as a list or a function. */
function checkExtensions(definition: ProductDefinition, at: Report): void {
  if (definition.extend !== undefined && typeof definition.extend !== 'function')
    at('extend', 'is not a function', typeof definition.extend, 'give a function (chart, environment) => void');
  if (definition.alerts !== undefined && !Array.isArray(definition.alerts) && typeof definition.alerts !== 'function')
    at('alerts', 'is neither a list nor a function', typeof definition.alerts, 'give a list of alerts, or a function of the environment');
}

/** The identity provider: a known kind, and Keycloak's client URLs naming public components. */
function checkIdentity(definition: ProductDefinition, at: Report): void {
  const identity = definition.identity;
  const components = Object.keys(definition.components ?? {});
  if (identity?.kind === 'keycloak') {
    for (const [client, component] of Object.entries(identity.clientUrls ?? {})) {
      if (definition.components[component]?.public !== true) {
        at(
          `identity.clientUrls.${client}`,
          'names no public component',
          component,
          `use one of: ${components.filter((c) => definition.components[c].public).join(', ') || '(none: mark a component public)'}`,
        );
      }
    }
  } else if (identity !== undefined && identity.kind !== 'external-oidc') {
    at('identity.kind', 'is not an identity provider kind', (identity as { kind: unknown }).kind, "use 'keycloak' or 'external-oidc'");
  }
}

const PRODUCT_BRAND = Symbol.for('@eaf/cdk8s.product');

/** Whether `value` is a product declared with {@link defineProduct} (for programs that load products from modules). */
export function isProduct(value: unknown): value is Product {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[PRODUCT_BRAND] === true;
}

/** The hosts an environment of the product names, in the order its exposures are rendered: public components, then Keycloak. */
export function publicHostKeys(product: ProductDefinition): string[] {
  const keys = Object.entries(product.components)
    .filter(([, c]) => c.public)
    .map(([name]) => name);
  if (product.identity?.kind === 'keycloak') keys.push(product.identity.hostKey ?? 'identity');
  return keys;
}

/** The namespace an environment of the product renders into: its `namespace` setting, else `<product>-<environment>`. */
export function productNamespaceName(
  product: Pick<ProductDefinition, 'name'>,
  environment: { readonly name: string; readonly namespace?: string },
): string {
  return environment.namespace ?? `${product.name}-${environment.name}`;
}
