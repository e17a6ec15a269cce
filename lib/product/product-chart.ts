import { ApiObject, Chart, ChartProps } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { PropertyError } from '../core/errors';
import { CRITICAL_CONTEXT, SCRAPE_INTERVAL_CONTEXT } from '../core/labels';
import { canonicalizeQuantities } from '../core/quantity';
import { RuleId, waive, WaiverRecord } from '../core/waivers';
import { PostgresCluster } from '../data/postgres-cluster';
import { RolloutAnalysis } from '../delivery/rollout-analysis';
import { SmokeTest } from '../delivery/smoke-test';
import { SyncWaves } from '../delivery/sync-waves';
import { ExternalOidcIssuer } from '../identity/external-oidc';
import { Keycloak } from '../identity/keycloak';
import { RealmExport } from '../identity/realm-export';
import { Exposure } from '../network/exposure';
import { NetworkPolicies } from '../network/network-policies';
import { ProductNamespace, ProductNamespaceProps } from '../network/product-namespace';
import { AlertRouting } from '../observability/alert-routing';
import { ProductDashboards } from '../observability/dashboards';
import { ProductOwnAlerts } from '../observability/own-alerts';
import { ProductAlerts } from '../observability/product-alerts';
import { UptimeProbes } from '../observability/uptime-probes';
import { ExternalSecrets } from '../secrets/external-secrets';
import { InventoriedSecret } from '../secrets/inventory';
import { SealedSecretFiles, SealedSecrets } from '../secrets/sealed-secrets';
import { EafWorkload } from '../workloads/eaf-workload';
import { composeDatabases } from './compose/data';
import { composeDelivery, composeReleaseAnalyses, rolloutEngine } from './compose/delivery';
import { composeIdentity } from './compose/identity';
import { composeExposures, composeNetwork } from './compose/network';
import { composeObservability, labelMonitoringObjects } from './compose/observability';
import { checkSecretsProvided, composeSecrets, secretsOf } from './compose/secrets';
import { composeComponents } from './compose/workloads';
import { Composition, CompositionError } from './composition';
import { composeOwnAlerts, extendProduct } from './extensions';
import { ProductDefinition, productNamespaceName } from './product';
import { setting } from './provenance';
import { EnvironmentConfig } from './settings';

/** Props of {@link EafProductChart}. */
export interface EafProductChartProps extends ChartProps {
  /** The product, declared once (see `defineProduct`). */
  readonly product: ProductDefinition;
  /** The environment to render: what changes at release time. */
  readonly environment: EnvironmentConfig;
  /**
   * Every environment of the product (this one included), for settings that name another environment, such as a
   * database restored from another environment's archive (`recovery.environment`). @default - this one only
   */
  readonly environments?: readonly EnvironmentConfig[];
  /**
   * The committed SealedSecrets, for an environment whose `secrets.provider` is `sealed-secrets`.
   * @default - the construct context `@eaf/cdk8s:sealedSecrets`, which `synthesizeProduct` sets from `sealed-secrets/<environment>/`
   */
  readonly sealedSecrets?: SealedSecretFiles;
}

/**
 * One product in one environment, composed from the product's declaration: its namespace, databases,
 * identity provider, components (wired to what they use), their public exposures and default-deny
 * NetworkPolicies with every flow derived from the wiring. Everything it renders lives below the construct
 * `<product>/<environment>`; a construct's error is reported against the environment setting it came from.
 * Each part is a readonly field, so a product can reach in without forking.
 *
 * The chart only orders the work: one composer per concern builds the constructs (lib/product/compose/: data,
 * identity, workloads, network, delivery, observability, secrets), and each value a composer passes carries the
 * setting it came from (lib/product/provenance.ts), so every error names its file and field.
 */
export class EafProductChart extends Chart {
  /** The product. */
  public readonly product: ProductDefinition;
  /** The environment this chart renders. */
  public readonly environment: EnvironmentConfig;
  /** The product's namespace. */
  public readonly productNamespace: ProductNamespace;
  /** The databases, by their name in the product. */
  public readonly databases: Readonly<Record<string, PostgresCluster>> = {};
  /** The identity provider. @default - none */
  public readonly identity?: Keycloak | ExternalOidcIssuer;
  /** The daily export of Keycloak's realm, when the environment sets `identity.realmExport`. @default - none */
  public readonly realmExport?: RealmExport;
  /** The components, by name. */
  public readonly components: Readonly<Record<string, EafWorkload>> = {};
  /** The public exposures, by host key. */
  public readonly exposures: Readonly<Record<string, Exposure>> = {};
  /** Default-deny networking with every allowed flow. */
  public readonly networkPolicies: NetworkPolicies;
  /** The alerts (one PrometheusRule per component) with their promtool tests. */
  public readonly alerts?: ProductAlerts;
  /** The product's own alerts (`defineProduct({ alerts })`) with their promtool tests. @default - none */
  public readonly ownAlerts?: ProductOwnAlerts;
  /** The Grafana dashboards of the APIs, the databases and Keycloak. */
  public readonly dashboards?: ProductDashboards;
  /** Where alerts go (an AlertmanagerConfig), when the environment names receivers. @default - none */
  public readonly alertRouting?: AlertRouting;
  /** Blackbox probes of the public hosts, when the environment names a prober. @default - none */
  public readonly uptimeProbes?: UptimeProbes;
  /**
   * The smoke test: an Argo CD PostSync hook when the product is delivered by Argo CD; with the release engine
   * `argo-rollouts`, no hook but the `smoke-test` metric of every component's analysis. @default - none
   */
  public readonly smokeTest?: SmokeTest;
  /** With the release engine `argo-rollouts`: each component's AnalysisTemplate (`<name>-preview`), by component. */
  public readonly releaseAnalyses: Readonly<Record<string, RolloutAnalysis>> = {};
  /** The Argo CD sync waves, derived from the wiring (`syncWaves.peerWaves`: each peer's). */
  public readonly syncWaves: SyncWaves;
  /**
   * What provides the Secrets the environment references (its `secrets.provider`): one ExternalSecret per Secret, or the
   * committed SealedSecrets. @default - none: the Secrets are created out of band
   */
  public readonly secrets?: ExternalSecrets | SealedSecrets;
  /**
   * The waivers the environment file records (`waivers:`), one per object each entry covers: synth honours a waiver
   * annotation of the output only when one of these matches it, so a `waive()` in code alone is refused.
   */
  public readonly waiverRecords: readonly WaiverRecord[];

  constructor(scope: Construct, id: string, props: EafProductChartProps) {
    const { product, environment: env } = props;
    super(scope, id, {
      ...props,
      namespace: productNamespaceName(product, env),
      labels: {
        'app.kubernetes.io/part-of': product.name,
        'app.kubernetes.io/managed-by': 'eaf-cdk8s',
        'eaf.io/environment': env.name,
        ...props.labels,
      },
    });
    setEnvironmentContext(this, env);
    this.product = product;
    this.environment = env;
    const c = new Composition(this, product, env, props.environments ?? [env]);
    const root = new Construct(this, env.name);
    this.productNamespace = c.build(
      root,
      'namespace',
      { name: setting('namespace', this.namespace!) },
      undefined,
      (p: ProductNamespaceProps) => new ProductNamespace(root, 'namespace', p),
    )!;
    this.databases = composeDatabases(c, new Construct(root, 'databases'));
    const identity = composeIdentity(c, root);
    this.identity = identity.provider;
    this.realmExport = identity.realmExport;
    this.components = composeComponents(c, new Construct(root, 'components'), { databases: this.databases, identity: this.identity });
    const exposures = new Construct(root, 'exposures');
    this.exposures = composeExposures(c, exposures, this.components, this.identity);
    this.smokeTest = composeDelivery(c, new Construct(root, 'delivery'), this.components);
    const databases = this.allDatabases();
    // Undefined only when it failed, and then the constructor throws with the problem before anyone sees it.
    this.networkPolicies = composeNetwork(c, root, { components: this.components, exposures: this.exposures, identity: this.identity, databases })!;
    const observability = composeObservability(c, new Construct(root, 'observability'), {
      components: this.components,
      databases,
      identity: this.identity,
      exposures: this.exposures,
    });
    this.alerts = observability.alerts;
    this.dashboards = observability.dashboards;
    this.alertRouting = observability.routing;
    this.uptimeProbes = observability.probes;
    if (rolloutEngine(c)) {
      this.releaseAnalyses = composeReleaseAnalyses(c, new Construct(root, 'release'), {
        components: this.components,
        exposures: this.exposures,
        thresholds: this.alerts?.thresholds,
        smokeTest: this.smokeTest,
      });
    }
    this.secrets = c.attempt(() => composeSecrets(c, root, props.sealedSecrets));
    this.ownAlerts = composeOwnAlerts(c, root, this.alerts);
    // The product's own additions: before the waivers and the monitoring labels, which apply to its objects too.
    extendProduct(c, this);
    labelMonitoringObjects(c);
    this.waiverRecords = applyWaivers(c, this.components);
    if (c.problems.length > 0) throw new CompositionError(env.name, c.problems);
    this.syncWaves = this.orderSync(databases, exposures);
  }

  /**
   * The chart's objects, with every quantity (resources, sizes, storage) in the canonical form the API server stores
   * (`1000m` as `1`): the one place quantities are normalised, whichever construct, setting or cdk8s-plus helper wrote
   * them, so Argo CD shows no standing diff and no controller takes the field over (lib/core/quantity.ts). Refused
   * when they reference a Secret the environment's provider does not render (`checkSecretsProvided`).
   */
  public override toJson(): ReturnType<Chart['toJson']> {
    const objects = super.toJson().map(canonicalizeQuantities);
    checkSecretsProvided(this, objects);
    return objects;
  }

  /** Every Secret the chart's objects reference, with its keys, readers and what provides it (see `secretInventory`), as the objects are now. */
  public get secretInventory(): InventoriedSecret[] {
    return secretsOf(this);
  }

  /**
   * The Argo CD sync waves: the namespace, the policies and the Secrets first; then the peers (databases, identity,
   * realm export, pruners, components), each in the wave its wiring decides; the exposures and probes last.
   */
  private orderSync(databases: PostgresCluster[], exposures: Construct): SyncWaves {
    return new SyncWaves(this, 'SyncWaves', {
      foundation: [this.productNamespace, this.networkPolicies, ...(this.secrets ? [this.secrets] : [])],
      peers: [
        ...databases,
        ...(this.identity?.inCluster ? [this.identity.inCluster.peer] : []),
        ...(this.realmExport ? [this.realmExport] : []),
        ...databases.flatMap((db) => (db.pruner ? [db.pruner] : [])),
        ...Object.values(this.components),
      ],
      last: [exposures, ...(this.uptimeProbes ? [this.uptimeProbes] : [])],
    });
  }

  /** The product's databases and the identity provider's. */
  private allDatabases(): PostgresCluster[] {
    return [...Object.values(this.databases), ...(this.identity?.inCluster?.databases ?? [])];
  }
}

/** What every construct of the chart reads from the environment: whether it is critical, the scrape interval. */
function setEnvironmentContext(chart: Chart, env: EnvironmentConfig): void {
  chart.node.setContext(CRITICAL_CONTEXT, env.critical === true);
  const scrapeInterval = env.observability?.monitoring?.scrapeInterval;
  if (scrapeInterval !== undefined) chart.node.setContext(SCRAPE_INTERVAL_CONTEXT, scrapeInterval);
}

/**
 * Writes the environment's waivers onto the objects they name, as `waive.eaf.io/<rule>` annotations: one object
 * (`object: Kind/name`), or every object of a component (`component`: both colours of a blue-green release, its
 * autoscaler and budget), so that a switch of colours never leaves a waiver behind. Returns what it wrote: the records
 * the gate matches the output's waivers against.
 */
function applyWaivers(c: Composition, components: Readonly<Record<string, IConstruct>>): WaiverRecord[] {
  const objects = c.chart.node.findAll().filter((o): o is ApiObject => o instanceof ApiObject);
  return (c.environment.waivers ?? []).flatMap((waiver, i) =>
    waiverTargets(c, objects, waiver, i, components).map((target) => {
      waive(target, waiver.rule as RuleId, waiver.reason);
      return { kind: target.kind, name: target.name, rule: waiver.rule, reason: waiver.reason };
    }),
  );
}

/** The objects one waiver names; a problem, and none, when it names none or names both ways. */
function waiverTargets(
  c: Composition,
  objects: ApiObject[],
  waiver: Waiver,
  i: number,
  components: Readonly<Record<string, IConstruct>>,
): ApiObject[] {
  const problem = (property: string, what: string, value: unknown, fix: string) =>
    c.problem(new PropertyError(c.chart, 'waivers', what, value, fix, `waivers.${i}${property}`));
  if ((waiver.object === undefined) === (waiver.component === undefined)) {
    problem(
      '',
      'must name either object or component',
      waiver,
      'give object: <Kind>/<name> for one object, or component: <name> for all of its objects',
    );
    return [];
  }
  if (waiver.component !== undefined) {
    const scope = components[waiver.component];
    return scope === undefined ? [] : scope.node.findAll().filter((o): o is ApiObject => o instanceof ApiObject);
  }
  const target = objects.find((o) => `${o.kind}/${o.metadata.name}` === waiver.object);
  if (target !== undefined) return [target];
  // Objects of the kind the waiver names, else every kind: enough to spot the typo, short enough to read.
  const kind = waiver.object!.split('/')[0];
  const sameKind = objects.filter((o) => o.kind === kind).map((o) => `${o.kind}/${o.metadata.name}`);
  const known = sameKind.length > 0 ? sameKind : objects.map((o) => `${o.kind}/…`);
  problem('.object', 'names no object of the environment', waiver.object, `use one of: ${[...new Set(known)].sort().join(', ')}`);
  return [];
}

/** One waiver of an environment file. */
type Waiver = NonNullable<Composition['environment']['waivers']>[number];

export { CompositionError } from './composition';
export { remoteKeyPrefixOf } from './compose/secrets';
