import { Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { propertyError, PropertyProblems } from './errors';
import { CIDR, isPort } from './formats';

/**
 * Something that takes part in a network connection: pods picked by labels in the chart's namespace.
 * Workloads, database clusters and identity providers are peers.
 */
export interface IPeer extends IConstruct {
  /** Short, stable name for reports and policy names, e.g. `api` or `dvmm-db`. */
  readonly peerName: string;
  /** Labels that select the peer's pods. */
  readonly podSelector: Record<string, string>;
  /** The port its metrics are scraped on; monitoring may reach it there. @default - not scraped */
  readonly metricsPort?: number;
}

/** Why one peer talks to another. */
export type ConnectionPurpose = 'database' | 'identity' | 'replication' | 'clustering' | 'pooler' | 'http' | 'smoke-test';

/** One allowed connection: `from` opens TCP connections to `to` on `port`. */
export interface Connection {
  /** The client. */
  readonly from: IPeer;
  /** The server. */
  readonly to: IPeer;
  /** The server's TCP port. */
  readonly port: number;
  /** Why: the network policies, the sync order and the README's table are derived from it. */
  readonly purpose: ConnectionPurpose;
}

/**
 * An order between two peers without a network flow: `from` needs `to` to be up, e.g. a frontend whose UI calls an API
 * from the user's browser through the API's public host. The sync order counts it; the network policies do not.
 */
export interface Dependency {
  /** The peer that needs the other. */
  readonly from: IPeer;
  /** The peer it needs. */
  readonly to: IPeer;
  /** Why, in words. */
  readonly reason: string;
}

/** Addresses outside the cluster (or the API server), by CIDR and port. */
export interface ExternalEndpoint {
  /** IPv4/IPv6 CIDRs, e.g. `10.20.0.0/24`. */
  readonly cidrs: readonly string[];
  /** TCP ports. */
  readonly ports: readonly number[];
}

/** Checks an endpoint's CIDRs and ports as the API server would, reporting each bad one at `<property>.cidrs[i]` / `.ports[i]`. */
export function validateEndpoint(scope: IConstruct, property: string, endpoint: ExternalEndpoint): void {
  const problems = new PropertyProblems(scope);
  endpoint.cidrs.forEach((cidr, i) => {
    if (!CIDR.test(cidr)) problems.add(`${property}.cidrs[${i}]`, 'is not a CIDR', cidr, CIDR.fix);
  });
  endpoint.ports.forEach((port, i) => {
    if (!isPort(port)) problems.add(`${property}.ports[${i}]`, 'is not a TCP port from 1 to 65535', port, 'use a TCP port number, e.g. 443');
  });
  problems.throwIfAny();
}

/** One allowed connection out of the cluster: `from` opens TCP connections to `endpoint`. */
export interface ExternalConnection {
  /** The client. */
  readonly from: IPeer;
  /** What is out there, e.g. `smtp`: names the flow in reports. */
  readonly name: string;
  /** Its addresses and ports. */
  readonly endpoint: ExternalEndpoint;
  /** Why, in words. @default - the name */
  readonly purpose?: string;
}

const CONNECTIONS_SYMBOL = Symbol.for('@eaf/cdk8s.Connections');

/**
 * The record of every connection in a chart (one product in one environment). Typed wiring such as
 * `api.connectTo(database)` records its edge here, once; NetworkPolicies and the sync order are
 * derived from this record, so adding a connection in code adds its policy.
 */
export class Connections extends Construct {
  /**
   * Whether `x` is a chart's record. Branded like cdk8s's `Chart.isChart` (a `Symbol.for` property), so a record made
   * by another copy of this package counts too, where `instanceof` would not.
   */
  public static isConnections(x: unknown): x is Connections {
    return x !== null && typeof x === 'object' && CONNECTIONS_SYMBOL in x;
  }

  /** The chart's record, created on first use as the chart's child `Connections`. */
  public static of(scope: IConstruct): Connections {
    const chart = Chart.of(scope);
    const existing = chart.node.tryFindChild(Connections.ID);
    if (Connections.isConnections(existing)) return existing;
    return new Connections(chart, Connections.ID);
  }

  private static readonly ID = 'Connections';

  private readonly _edges: Connection[] = [];
  private readonly _external: ExternalConnection[] = [];
  private readonly _dependencies: Dependency[] = [];

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    Object.defineProperty(this, CONNECTIONS_SYMBOL, { value: true });
  }

  /** Records `from -> to:port` once; a repeated edge is ignored. */
  public add(edge: Connection): Connection {
    const existing = this._edges.find((e) => e.from === edge.from && e.to === edge.to && e.port === edge.port);
    if (existing) return existing;
    this._edges.push(edge);
    return edge;
  }

  /** Every edge, in the order recorded. */
  public get edges(): readonly Connection[] {
    return [...this._edges];
  }

  /** Records `from -> name (cidrs:ports)` once; a repeated one is ignored. */
  public addExternal(edge: ExternalConnection): ExternalConnection {
    const existing = this._external.find((e) => e.from === edge.from && e.name === edge.name);
    if (existing) return existing;
    this._external.push(edge);
    return edge;
  }

  /** Every connection out of the cluster, in the order recorded. */
  public get externalEdges(): readonly ExternalConnection[] {
    return [...this._external];
  }

  /** Records that `from` needs `to` without a network flow between them, once. */
  public addDependency(dependency: Dependency): Dependency {
    const existing = this._dependencies.find((d) => d.from === dependency.from && d.to === dependency.to);
    if (existing) return existing;
    this._dependencies.push(dependency);
    return dependency;
  }

  /** Every order-only dependency, in the order recorded. */
  public get dependencies(): readonly Dependency[] {
    return [...this._dependencies];
  }
}

/** Props of {@link PodPeer}. */
export interface PodPeerProps {
  /** Name for reports and policies. */
  readonly peerName: string;
  /** Labels that select the pods. */
  readonly podSelector: Record<string, string>;
}

/** Pods that something else creates (an operator's job, say), known only by their labels. */
export class PodPeer extends Construct implements IPeer {
  public readonly peerName: string;
  public readonly podSelector: Record<string, string>;

  constructor(scope: Construct, id: string, props: PodPeerProps) {
    super(scope, id);
    this.peerName = props.peerName;
    this.podSelector = props.podSelector;
  }
}

/** Fails unless `target` lives in the same chart (environment) as `scope`. */
export function assertSameChart(scope: IConstruct, property: string, target: IConstruct): void {
  const mine = Chart.of(scope);
  const theirs = Chart.of(target);
  if (mine !== theirs) {
    throw propertyError(
      scope,
      property,
      'is in another chart',
      target.node.path,
      `connect to the ${property} of the same product and environment (${mine.node.path})`,
    );
  }
}
