import { Construct } from 'constructs';
import { Connections } from '../../core/connections';
import { PropertyError } from '../../core/errors';
import { IIdentityProvider } from '../../identity/identity-provider';
import { PostgresCluster } from '../../data/postgres-cluster';
import { mergeResources } from '../../pods/pod-template';
import { EAF_API_DEFAULTS, EafApi, EafApiProps } from '../../workloads/eaf-api';
import { EAF_FRONTEND_DEFAULTS, EafFrontend, EafFrontendProps } from '../../workloads/eaf-frontend';
import { EafWorkload, EafWorkloadOptions } from '../../workloads/eaf-workload';
import { EAF_HTTP_WORKLOAD_DEFAULTS, EafHttpWorkload, EafHttpWorkloadProps } from '../../workloads/http-workload';
import { Composition } from '../composition';
import { ComponentDefinition } from '../product';
import { setting, SourcedProps } from '../provenance';
import { ComponentConfig } from '../settings';
import { rolloutEngine } from './delivery';
import { declaresRequests } from './observability';

/** What a component is wired to: the databases and the identity provider. */
export interface WiringTargets {
  /** The product's databases, by name. */
  readonly databases: Readonly<Record<string, PostgresCluster>>;
  /** The identity provider. @default - none */
  readonly identity?: IIdentityProvider;
}

/** The components, by name, each wired to its databases, the identity provider and the components it calls. */
export function composeComponents(c: Composition, scope: Construct, targets: WiringTargets): Record<string, EafWorkload> {
  checkReleaseEngine(c);
  const out: Record<string, EafWorkload> = {};
  for (const [name, definition] of Object.entries(c.product.components)) {
    const workload = createComponent(c, scope, name, definition, c.environment.components[name]);
    if (workload) out[name] = workload;
  }
  for (const [name, definition] of Object.entries(c.product.components)) {
    const workload = out[name];
    if (workload) c.attempt(() => wire(c, workload, definition, out, targets));
  }
  return out;
}

/** A canary needs Argo Rollouts; analysis settings need it too. */
function checkReleaseEngine(c: Composition): void {
  const release = c.environment.release;
  if (release.strategy === 'canary' && release.engine !== 'argo-rollouts') {
    c.problem(
      new PropertyError(
        c.chart,
        'engine',
        'must be argo-rollouts for a canary release',
        release.engine,
        'set release.engine: argo-rollouts (the services engine releases rolling or blue-green only), or use release.strategy: blue-green',
        'release.engine',
      ),
    );
  }
  if (release.strategy !== 'rolling' && release.engine !== 'argo-rollouts' && release.analysis !== undefined) {
    c.problem(
      new PropertyError(
        c.chart,
        'analysis',
        'is only for the release engine argo-rollouts',
        release.analysis,
        'set release.engine: argo-rollouts, or remove release.analysis',
        'release.analysis',
      ),
    );
  }
}

/** Each preset's default sizes, under which an environment's overrides are merged. */
const PRESET_RESOURCES = {
  'spring-boot': EAF_API_DEFAULTS.resources,
  'nginx': EAF_FRONTEND_DEFAULTS.resources,
  'http': EAF_HTTP_WORKLOAD_DEFAULTS.resources,
};

/** Renders one component by its kind: the product's declaration with the environment's release-time settings. */
function createComponent(
  c: Composition,
  scope: Construct,
  name: string,
  definition: ComponentDefinition,
  settings: ComponentConfig,
): EafWorkload | undefined {
  const at = `components.${name}`;
  const common = {
    ...workloadOptions(c, name, definition, settings),
    resources: mergeResources(definition.resources ?? PRESET_RESOURCES[definition.kind], settings.resources),
    port: definition.port,
    writablePaths: definition.writablePaths,
  };
  switch (definition.kind) {
    case 'spring-boot': {
      const props = {
        ...common,
        springProfile: settings.springProfile ?? c.environment.name,
        probePaths: definition.probePaths,
        metricsPath: definition.metricsPath,
        metricsAuth: definition.metricsAuth,
      };
      return c.build(scope, name, props, at, (p: EafApiProps) => new EafApi(scope, name, p));
    }
    case 'nginx':
      return c.build(scope, name, common, at, (p: EafFrontendProps) => new EafFrontend(scope, name, p));
    case 'http': {
      const props = {
        ...common,
        livenessPath: definition.livenessPath,
        readinessPath: definition.readinessPath,
        startupPath: definition.startupPath,
        metrics: definition.metrics,
        component: name,
      };
      return c.build(scope, name, props, at, (p: EafHttpWorkloadProps) => new EafHttpWorkload(scope, name, p));
    }
  }
}

/** The release-time settings of a component as workload props, for the environment's release strategy. */
function workloadOptions(c: Composition, name: string, definition: ComponentDefinition, settings: ComponentConfig): SourcedProps<EafWorkloadOptions> {
  const release = c.environment.release;
  // Analysed: a component with request metrics by them, every component by the smoke test's call.
  const analysed = declaresRequests(definition) || c.environment.delivery?.smokeTest?.enabled !== false;
  const analysis = analysed ? { templateName: `${name}-preview` } : undefined;
  const canary =
    release.strategy === 'canary' ? { steps: setting('release.steps', release.steps), pause: setting('release.pause', release.pause) } : undefined;
  return {
    name,
    image: settings.image ?? definition.image,
    tag: settings.tag,
    tags: settings.tags,
    blueGreen:
      release.strategy === 'blue-green'
        ? setting('release', { activeColor: release.activeColor, idleReplicas: release.idleReplicas, switchTo: release.switchTo })
        : undefined,
    rollout: rolloutEngine(c) ? (canary ? { canary, analysis } : { analysis }) : undefined,
    replicas: settings.replicas ?? definition.replicas,
    autoscaling: settings.autoscaling,
    env: definition.env,
    secretEnv: definition.secretEnv,
  };
}

/** Connects a component to its databases, the identity provider and the components it calls. */
function wire(
  c: Composition,
  workload: EafWorkload,
  definition: ComponentDefinition,
  components: Record<string, EafWorkload>,
  targets: WiringTargets,
): void {
  for (const key of definition.databases ?? []) {
    if (targets.databases[key]) workload.connectToDatabase(targets.databases[key], definition.databaseEnv);
  }
  if (definition.identity && targets.identity) {
    const options = definition.identity === true ? {} : definition.identity;
    const product = c.product;
    const realm = product.identity?.kind === 'keycloak' ? (product.identity.realm?.realm as string | undefined) : undefined;
    workload.connectToIdentity(targets.identity, {
      realm: options.realm ?? realm ?? product.name,
      clientId: options.clientId ?? `${product.name}-${workload.node.id}`,
      clientSecret: options.clientSecret ?? { secretName: `${product.name}-${workload.node.id}-oidc`, key: 'client-secret' },
    });
  }
  for (const target of definition.calls ?? []) {
    if (components[target]) workload.connectTo(components[target]);
  }
  for (const target of definition.browserCalls ?? []) {
    if (components[target])
      Connections.of(c.chart).addDependency({ from: workload, to: components[target], reason: 'its UI calls it from the browser' });
  }
}
