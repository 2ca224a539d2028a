/**
 * The explored state graph of a site, laid out for path generation: every state reachable from the
 * steady initial state (BFS ids, 0 the initial state, no symmetry reduction, so a path is concrete),
 * every applied step as an edge in compressed rows (the edges out of a state are consecutive, in
 * alphabet order), and which events each state refuses. The paths are walks over these edges; a
 * reset (a new path) always goes back to state 0.
 */
import type { KpmEvent } from '../../models/events.ts';
import { productionModel, type Model } from '../../models/index.ts';
import type { Topology } from '../../models/topology.ts';
import { exploreSite, type Exploration } from '../explore/fast.ts';
import type { ObservedState } from '../world/observe.ts';

export interface PathGraph {
  readonly topology: Topology;
  readonly model: Model;
  readonly exploration: Exploration;
  /** The alphabet: every event instance of the site that some state may apply (instances.ts). */
  readonly events: readonly KpmEvent[];
  readonly states: number;
  /** Applied steps, self-loops included. */
  readonly edges: number;
  /** Per edge: source state, event (index into `events`), target state. */
  readonly edgeFrom: Int32Array;
  readonly edgeEvent: Int32Array;
  readonly edgeTo: Int32Array;
  /** The edges out of state s are `outStart[s]` to `outStart[s + 1] - 1`. */
  readonly outStart: Int32Array;
  /** BFS distance of each state from the initial state. */
  readonly depth: Int32Array;
  observed(state: number): ObservedState;
  /** Whether state s refuses event e (no edge out of s for it). */
  refuses(state: number, event: number): boolean;
}

export interface GraphOptions {
  /** Refuse sites with more states than this (the whole graph is held in memory). */
  maxStates?: number;
}

export const DEFAULT_MAX_STATES = 200_000;

/** Explores the site completely and lays the graph out; throws `GraphTooLarge` past the bound. */
export function buildGraph(
  topology: Topology,
  options: GraphOptions = {},
  model = productionModel,
): PathGraph {
  const maxStates = options.maxStates ?? DEFAULT_MAX_STATES;
  const exploration = exploreSite(topology, { maxStates }, model);
  if (!exploration.complete) throw new GraphTooLarge(topology.name, maxStates);
  const n = exploration.states;
  const count = exploration.events.length;
  const edgeFrom = new Int32Array(exploration.transitions);
  const edgeEvent = new Int32Array(exploration.transitions);
  const edgeTo = new Int32Array(exploration.transitions);
  const outStart = new Int32Array(n + 1);
  const applied = new Uint8Array(n * count);
  const eventIndex = new Map(exploration.events.map((e, i) => [e, i]));
  let k = 0;
  // forEachTransition goes state by state in BFS order, events in alphabet order: rows come out sorted.
  exploration.forEachTransition((from, event, to, isApplied) => {
    if (!isApplied) return;
    const e = eventIndex.get(event) as number;
    edgeFrom[k] = from;
    edgeEvent[k] = e;
    edgeTo[k] = to;
    applied[from * count + e] = 1;
    outStart[from + 1] = ++k;
  });
  for (let s = 1; s <= n; s++) if (outStart[s] < outStart[s - 1]) outStart[s] = outStart[s - 1];
  const depth = new Int32Array(n);
  for (let s = 0; s < n; s++) depth[s] = exploration.depthOf(s);
  return {
    topology,
    model,
    exploration,
    events: exploration.events,
    states: n,
    edges: k,
    edgeFrom,
    edgeEvent,
    edgeTo,
    outStart,
    depth,
    observed: (s) => exploration.observed(s),
    refuses: (s, e) => applied[s * count + e] === 0,
  };
}

/** The site has more states than paths are generated for. */
export class GraphTooLarge extends Error {
  constructor(
    readonly site: string,
    readonly maxStates: number,
  ) {
    super(
      `${site} has more than ${maxStates} states: test paths need the whole state graph (raise --max-states, or use --cover walk)`,
    );
    this.name = 'GraphTooLarge';
  }
}

/** Breadth-first distances and the edge each state was first reached by (-1 for the start). */
export interface Bfs {
  dist: Int32Array;
  via: Int32Array;
}

/** BFS from `start` over the applied edges; `stop` ends it early once it returns true for a state. */
export function bfs(
  graph: PathGraph,
  start: number,
  stop?: (state: number) => boolean,
): Bfs & { last: number } {
  const dist = new Int32Array(graph.states).fill(-1);
  const via = new Int32Array(graph.states).fill(-1);
  const queue = new Int32Array(graph.states);
  let head = 0;
  let tail = 0;
  dist[start] = 0;
  queue[tail++] = start;
  while (head < tail) {
    const s = queue[head++];
    if (stop?.(s)) return { dist, via, last: s };
    for (let i = graph.outStart[s]; i < graph.outStart[s + 1]; i++) {
      const t = graph.edgeTo[i];
      if (dist[t] >= 0) continue;
      dist[t] = dist[s] + 1;
      via[t] = i;
      queue[tail++] = t;
    }
  }
  return { dist, via, last: -1 };
}

/** The edges of the BFS tree from its start to `state`, in order. */
export function edgesTo(graph: PathGraph, tree: Bfs, state: number): number[] {
  const edges: number[] = [];
  for (let s = state; tree.via[s] >= 0; s = graph.edgeFrom[tree.via[s]]) edges.push(tree.via[s]);
  return edges.reverse();
}

/** The edge out of `state` for event `event`, or -1 when the state refuses it. */
export function edgeFor(graph: PathGraph, state: number, event: number): number {
  for (let i = graph.outStart[state]; i < graph.outStart[state + 1]; i++)
    if (graph.edgeEvent[i] === event) return i;
  return -1;
}
