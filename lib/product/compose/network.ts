import { Construct } from 'constructs';
import { PropertyError } from '../../core/errors';
import { PostgresCluster } from '../../data/postgres-cluster';
import { IIdentityProvider } from '../../identity/identity-provider';
import { Exposure, ExposureProps } from '../../network/exposure';
import { NetworkPolicies, NetworkPoliciesProps, PeerPort } from '../../network/network-policies';
import { EafWorkload } from '../../workloads/eaf-workload';
import { clusterSettingProblem, environmentPlatform } from '../cluster-target';
import { Composition } from '../composition';
import { setting } from '../provenance';

/** One exposure per host, in the order the environment lists its hosts: a component's Service, or the identity provider's. */
export function composeExposures(
  c: Composition,
  scope: Construct,
  components: Readonly<Record<string, EafWorkload>>,
  identity: IIdentityProvider | undefined,
): Record<string, Exposure> {
  const out: Record<string, Exposure> = {};
  const identityKey = c.product.identity?.kind === 'keycloak' ? (c.product.identity.hostKey ?? 'identity') : undefined;
  const claimed = new Map<string, string>();
  for (const [key, host] of Object.entries(c.environment.hosts ?? {})) {
    const owner = claimed.get(host);
    claimed.set(host, owner ?? key);
    if (owner !== undefined) {
      c.problem(
        new PropertyError(
          scope,
          'host',
          `is already the host of ${owner}`,
          host,
          `give ${key} a host of its own: one host routes to one service`,
          `hosts.${key}`,
        ),
      );
      continue;
    }
    const inCluster = key === identityKey ? identity?.inCluster : undefined;
    const service = inCluster
      ? { name: inCluster.name, service: inCluster.service }
      : components[key] && { name: key, service: { name: components[key].service.name, port: components[key].port } };
    if (!service) continue;
    const props = { ...service, host: setting(`hosts.${key}`, host), options: setting('exposure', c.environment.exposure) };
    const exposure = c.build(scope, key, props, undefined, (p: ExposureProps) => new Exposure(scope, key, p));
    if (exposure) out[key] = exposure;
  }
  return out;
}

/** What the network policies allow: the wiring, the exposures, the identity provider and the databases. */
export interface NetworkInputs {
  /** The components, by name. */
  readonly components: Readonly<Record<string, EafWorkload>>;
  /** The public exposures, by host key. */
  readonly exposures: Readonly<Record<string, Exposure>>;
  /** The identity provider. @default - none */
  readonly identity?: IIdentityProvider;
  /** Every database, the identity provider's included. */
  readonly databases: readonly PostgresCluster[];
}

/** Default-deny networking with every allowed flow: ingress to the exposed peers, scraping, the operator, egress. */
export function composeNetwork(c: Composition, scope: Construct, inputs: NetworkInputs): NetworkPolicies | undefined {
  const env = c.environment;
  const network = env.network ?? {};
  const contradiction = clusterSettingProblem(env);
  if (contradiction !== undefined) {
    const [field, problem, fix] = contradiction;
    c.problem(new PropertyError(c.chart, field, problem, field === 'openshift' ? env.openshift : network.platform, fix, field));
  }
  refuseUnreadObjectStore(c, inputs);
  const inCluster = inputs.identity?.inCluster;
  const ingressTargets: PeerPort[] = Object.keys(env.hosts ?? {}).flatMap((key): PeerPort[] => {
    if (inputs.exposures[key] === undefined) return [];
    const component = inputs.components[key];
    return component ? [{ peer: component, port: component.port }] : inCluster ? [{ peer: inCluster.peer, port: inCluster.service.port }] : [];
  });
  const scraped = [...Object.values(inputs.components), ...(inCluster ? [inCluster.peer] : []), ...inputs.databases];
  const egresses = Object.entries(env.egress ?? {}).map(([name, egress]) => ({
    name,
    egress,
    peers: egress.from.filter((from) => inputs.components[from] !== undefined).map((from) => inputs.components[from]),
  }));
  for (const { name, egress } of egresses.filter((e) => e.egress.cidrs === undefined && e.egress.hosts === undefined)) {
    c.problem(
      new PropertyError(scope, 'egress', 'names neither cidrs nor hosts', egress, 'give cidrs, hosts (OpenShift), or both', `egress.${name}`),
    );
  }
  const externalEgress = egresses.flatMap(({ name, egress, peers }) =>
    egress.cidrs === undefined
      ? []
      : peers.map((peer) => setting(`egress.${name}`, { name, peer, endpoint: { cidrs: egress.cidrs!, ports: egress.ports } })),
  );
  const hostEgress = egresses.flatMap(({ name, egress, peers }) =>
    egress.hosts === undefined ? [] : [setting(`egress.${name}`, { name, peers, hosts: egress.hosts, ports: egress.ports })],
  );
  const namespace = (name: string | undefined) => (name === undefined ? undefined : { namespaceSelector: { 'kubernetes.io/metadata.name': name } });
  const props = {
    platform: environmentPlatform(env),
    ingressTargets,
    metricsTargets: scraped.flatMap((peer) => (peer.metricsPort === undefined ? [] : [{ peer, port: peer.metricsPort }])),
    monitoring: namespace(env.observability?.monitoring?.namespace),
    databases: [...inputs.databases],
    databaseOperator: namespace(network.databaseOperatorNamespace),
    apiServer: network.apiServer,
    objectStore: network.objectStore,
    externalEgress,
    hostEgress,
  };
  return c.build(scope, 'network-policies', props, 'network', (p: NetworkPoliciesProps) => new NetworkPolicies(scope, 'network-policies', p));
}

/** Only archiving, restoring and the realm export reach the object store: accepted with none of them it would allow nothing. */
function refuseUnreadObjectStore(c: Composition, inputs: NetworkInputs): void {
  const objectStore = c.environment.network?.objectStore;
  const identity = c.environment.identity;
  const exportsRealm = identity !== undefined && 'realmExport' in identity && identity.realmExport !== undefined;
  if (objectStore === undefined || exportsRealm || inputs.databases.some((db) => db.backup || db.recovery)) return;
  c.problem(
    new PropertyError(
      c.chart,
      'objectStore',
      'is reached only by databases that back up or restore and by the realm export, and this environment has none',
      objectStore,
      'remove network.objectStore, or give a database a backup',
      'network.objectStore',
    ),
  );
}
