import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { Connections, IPeer } from '../core/connections';

/** The annotation Argo CD orders a sync by: lower waves are applied, and healthy, before higher ones. */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

/** The annotation that makes an object an Argo CD hook (PreSync, PostSync, ...), outside the waves. */
export const HOOK_ANNOTATION = 'argocd.argoproj.io/hook';

/**
 * A peer whose objects are synced in stages: its own wave first, then each stage in a wave of its own, in order
 * (a blue-green workload: the active colour, then the Services, then the idle colour). Peers that need it come
 * after its last stage.
 */
export interface IStagedPeer extends IPeer {
  /** The constructs of each stage after the peer's own wave; empty for none. */
  readonly syncStages: ReadonlyArray<readonly IConstruct[]>;
}

/** Props of {@link SyncWaves}. */
export interface SyncWavesProps {
  /** What everything else needs first (the namespace and its policies): wave 0, with whatever belongs to no peer. */
  readonly foundation: readonly IConstruct[];
  /** The peers whose objects are ordered by the connection record (databases, identity, components). */
  readonly peers: readonly IPeer[];
  /** What comes after every peer (the public exposures): the wave after the last peer's. */
  readonly last: readonly IConstruct[];
}

/**
 * Orders one environment's sync from its wiring, never by hand: a peer's wave is one after the highest wave of the
 * peers it connects to (a database connection, the identity provider, an HTTP call) or depends on (a UI that calls an
 * API from the browser), as recorded in the chart's {@link Connections}; peers with no such need start at wave 1,
 * after the namespace and its network policies (wave 0); the exposures come last, so traffic arrives only when
 * everything behind it is healthy. A peer that syncs in stages (`IStagedPeer`) takes one wave per stage after its
 * own, and what needs it comes after the last. Peers calling each other in a cycle share a wave. Every object gets its wave
 * (`argocd.argoproj.io/sync-wave`; wave 0 for what belongs to no peer), `Sync` hooks too; the other hooks keep theirs.
 *
 * Argo CD applies a wave and waits for it to be healthy (it knows CloudNativePG clusters and Keycloak) before the
 * next, so a database is ready before Keycloak, and Keycloak before the API that checks its tokens.
 *
 * The annotations are written when the chart is synthesised (after every connection is recorded and the network
 * policies are rendered): create it last in the chart, so that its check runs after theirs.
 */
export class SyncWaves extends Construct {
  private readonly props: SyncWavesProps;

  constructor(scope: Construct, id: string, props: SyncWavesProps) {
    super(scope, id);
    this.props = props;
    this.node.addValidation({
      validate: () => {
        this.annotate();
        return [];
      },
    });
  }

  /** The wave of each peer, by peer name, from the connection record as it is now. */
  public get peerWaves(): Map<string, number> {
    return new Map([...this.waves()].map(([peer, wave]) => [peer.peerName, wave]));
  }

  /** The wave of the exposures: one after the last peer's (after its last stage). */
  public get lastWave(): number {
    return Math.max(0, ...[...this.waves()].map(([peer, wave]) => wave + stagesOf(peer).length)) + 1;
  }

  private waves(): Map<IPeer, number> {
    const peers = [...this.props.peers];
    const record = Connections.of(this);
    const needs = new Map<IPeer, Set<IPeer>>(peers.map((p) => [p, new Set<IPeer>()]));
    for (const { from, to } of [...record.edges, ...record.dependencies]) {
      if (from !== to && needs.has(from) && needs.has(to)) needs.get(from)!.add(to);
    }
    return peerWaves(peers, needs, (p) => stagesOf(p).length);
  }

  private annotate(): void {
    const waveOf = new Map<IConstruct, number>();
    for (const c of this.props.foundation) waveOf.set(c, 0);
    for (const [peer, wave] of this.waves()) {
      waveOf.set(peer, wave);
      stagesOf(peer).forEach((stage, i) => stage.forEach((c) => waveOf.set(c, wave + 1 + i)));
    }
    const last = this.lastWave;
    for (const c of this.props.last) waveOf.set(c, last);
    for (const object of this.node.scope!.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject)) {
      // A hook of another phase (PreSync, PostSync) runs outside the waves; a Sync hook is ordered by them.
      const hook = object.metadata.toJson().annotations?.[HOOK_ANNOTATION];
      if (hook !== undefined && hook !== 'Sync') continue;
      const owner = object.node.scopes
        .slice()
        .reverse()
        .find((s) => waveOf.has(s));
      object.metadata.addAnnotation(SYNC_WAVE_ANNOTATION, String(owner === undefined ? 0 : waveOf.get(owner)));
    }
  }
}

/** The stages of a peer after its own wave; none unless it is an `IStagedPeer`. */
function stagesOf(peer: IPeer): ReadonlyArray<readonly IConstruct[]> {
  return 'syncStages' in peer ? (peer as IStagedPeer).syncStages : [];
}

/**
 * The wave of each peer: 1 + the longest chain of needs below it, a peer with stages counting one more per stage
 * (`extra`). Cycles (A calls B, B calls A) are collapsed into one group first (Tarjan's strongly connected
 * components), whose members share a wave.
 */
function peerWaves(peers: IPeer[], needs: Map<IPeer, Set<IPeer>>, extra: (peer: IPeer) => number): Map<IPeer, number> {
  const group = stronglyConnected(peers, needs);
  const depth = new Map<number, number>();
  const depthOf = (g: number): number => {
    const known = depth.get(g);
    if (known !== undefined) return known;
    // The wave after the end of each group below: its wave plus the stages of its members.
    const ends = peers
      .filter((p) => group.get(p) === g)
      .flatMap((p) => [...needs.get(p)!].filter((q) => group.get(q) !== g))
      .map((q) => depthOf(group.get(q)!) + extra(q));
    const d = ends.length === 0 ? 1 : 1 + Math.max(...ends);
    depth.set(g, d);
    return d;
  };
  return new Map(peers.map((p) => [p, depthOf(group.get(p)!)]));
}

/** Tarjan's algorithm: the index of each peer's strongly connected component. */
function stronglyConnected(peers: IPeer[], needs: Map<IPeer, Set<IPeer>>): Map<IPeer, number> {
  const index = new Map<IPeer, number>();
  const low = new Map<IPeer, number>();
  const onStack = new Set<IPeer>();
  const stack: IPeer[] = [];
  const component = new Map<IPeer, number>();
  let next = 0;
  let groups = 0;
  const visit = (p: IPeer): void => {
    index.set(p, next);
    low.set(p, next);
    next++;
    stack.push(p);
    onStack.add(p);
    for (const q of needs.get(p)!) {
      if (!index.has(q)) {
        visit(q);
        low.set(p, Math.min(low.get(p)!, low.get(q)!));
      } else if (onStack.has(q)) {
        low.set(p, Math.min(low.get(p)!, index.get(q)!));
      }
    }
    if (low.get(p) === index.get(p)) {
      let q: IPeer;
      do {
        q = stack.pop()!;
        onStack.delete(q);
        component.set(q, groups);
      } while (q !== p);
      groups++;
    }
  };
  for (const p of peers) if (!index.has(p)) visit(p);
  return component;
}
