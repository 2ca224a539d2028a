/**
 * An optimal covering tour of every edge of the graph: the directed Chinese-postman problem, with
 * resets. Each edge is taken once, plus the fewest extra steps that make every state's steps in
 * equal its steps out; a reset (a new path from the initial state) is an arc from any state back to
 * the initial state that costs `resetCost` steps (0 by default: resets are free, only events count).
 *
 * The extra steps are a minimum-cost flow from the states with more steps in than out to those
 * with more out than in (primal-dual: shortest distances under reduced costs with a bucket queue,
 * then a blocking flow on the zero-reduced-cost arcs, Dinic style); the tour is then an Euler
 * circuit of the edges with their multiplicities (Hierholzer), cut into paths at the resets.
 */
import type { PathGraph } from './graph.ts';
import type { Walk } from './tour.ts';

const INFINITE = 1 << 29;

export interface PostmanOptions {
  resetCost?: number;
}

/** Every edge at least once, in the fewest steps; the walks start at the initial state. */
export function postmanTour(graph: PathGraph, options: PostmanOptions = {}): Walk[] {
  const resetCost = options.resetCost ?? 0;
  const extra = extraTraversals(graph, resetCost);
  return eulerWalks(graph, extra.edges, extra.resets);
}

/** The min-cost flow network: real edges (cost 1), resets (cost `resetCost`), source and sink arcs. */
class Network {
  readonly head: Int32Array;
  readonly next: Int32Array;
  readonly to: Int32Array;
  readonly cap: Int32Array;
  readonly cost: Int32Array;
  arcs = 0;

  constructor(
    readonly nodes: number,
    capacity: number,
  ) {
    this.head = new Int32Array(nodes).fill(-1);
    this.next = new Int32Array(capacity * 2);
    this.to = new Int32Array(capacity * 2);
    this.cap = new Int32Array(capacity * 2);
    this.cost = new Int32Array(capacity * 2);
  }

  /** Adds an arc and its residual twin; returns the arc's index (the twin is index ^ 1). */
  add(from: number, to: number, cap: number, cost: number): number {
    const a = this.arcs;
    this.put(a, from, to, cap, cost);
    this.put(a + 1, to, from, 0, -cost);
    this.arcs += 2;
    return a;
  }

  private put(a: number, from: number, to: number, cap: number, cost: number): void {
    this.to[a] = to;
    this.cap[a] = cap;
    this.cost[a] = cost;
    this.next[a] = this.head[from];
    this.head[from] = a;
  }
}

/** How many extra times each edge is taken, and how many resets leave each state. */
function extraTraversals(graph: PathGraph, resetCost: number): { edges: Int32Array; resets: Int32Array } {
  const n = graph.states;
  const balance = new Int32Array(n); // steps in minus steps out
  for (let i = 0; i < graph.edges; i++) {
    balance[graph.edgeTo[i]]++;
    balance[graph.edgeFrom[i]]--;
  }
  const source = n;
  const sink = n + 1;
  const net = new Network(n + 2, graph.edges + 2 * n);
  const edgeArc = new Int32Array(graph.edges);
  for (let i = 0; i < graph.edges; i++) {
    edgeArc[i] =
      graph.edgeFrom[i] === graph.edgeTo[i] ? -1 : net.add(graph.edgeFrom[i], graph.edgeTo[i], INFINITE, 1);
  }
  const resetArc = new Int32Array(n).fill(-1);
  for (let s = 1; s < n; s++) resetArc[s] = net.add(s, 0, INFINITE, resetCost);
  let demand = 0;
  for (let s = 0; s < n; s++) {
    // A state entered more often than left must be left again: it supplies extra steps out.
    if (balance[s] > 0) net.add(source, s, balance[s], 0);
    if (balance[s] < 0) {
      net.add(s, sink, -balance[s], 0);
      demand -= balance[s];
    }
  }
  const flowed = minCostFlow(net, source, sink);
  if (flowed !== demand) throw new Error(`postman: only ${flowed} of ${demand} extra steps could be routed`);
  const edges = new Int32Array(graph.edges);
  for (let i = 0; i < graph.edges; i++) if (edgeArc[i] >= 0) edges[i] = net.cap[edgeArc[i] ^ 1];
  const resets = new Int32Array(n);
  for (let s = 1; s < n; s++) resets[s] = net.cap[resetArc[s] ^ 1];
  return { edges, resets };
}

/** Primal-dual min-cost max-flow; returns the flow. Costs are small non-negative integers on forward arcs. */
function minCostFlow(net: Network, source: number, sink: number): number {
  const n = net.nodes;
  const potential = new Float64Array(n);
  const dist = new Float64Array(n);
  const level = new Int32Array(n);
  const current = new Int32Array(n);
  let flow = 0;
  for (;;) {
    if (!reducedDistances(net, source, potential, dist)) break;
    // Capped at the sink's distance, the reduced costs stay non-negative for states out of reach too.
    const reach = dist[sink];
    for (let v = 0; v < n; v++) potential[v] += Math.min(dist[v], reach);
    // A blocking flow on the arcs of zero reduced cost: every augmenting path of this phase is shortest.
    for (;;) {
      if (!admissibleLevels(net, source, sink, potential, level)) break;
      for (let v = 0; v < n; v++) current[v] = net.head[v];
      for (;;) {
        const pushed = augment(net, source, sink, INFINITE, potential, level, current);
        if (pushed === 0) break;
        flow += pushed;
      }
    }
  }
  return flow;
}

/** Shortest distances from the source under reduced costs (all >= 0), with a bucket queue. False when the sink is out of reach. */
function reducedDistances(
  net: Network,
  source: number,
  potential: Float64Array,
  dist: Float64Array,
): boolean {
  dist.fill(Infinity);
  dist[source] = 0;
  const buckets: number[][] = [[source]];
  const sink = net.nodes - 1;
  for (let d = 0; d < buckets.length && d <= dist[sink]; d++) {
    const bucket = buckets[d];
    if (!bucket) continue;
    for (let k = 0; k < bucket.length; k++) {
      const v = bucket[k];
      if (dist[v] !== d) continue;
      for (let a = net.head[v]; a >= 0; a = net.next[a]) {
        if (net.cap[a] === 0) continue;
        const w = net.to[a];
        const nd = d + net.cost[a] + potential[v] - potential[w];
        if (nd < dist[w]) {
          dist[w] = nd;
          (buckets[nd] ??= []).push(w);
        }
      }
    }
  }
  return dist[sink] < Infinity;
}

function admissible(net: Network, a: number, v: number, potential: Float64Array): boolean {
  return net.cap[a] > 0 && net.cost[a] + potential[v] - potential[net.to[a]] === 0;
}

/** BFS levels over admissible arcs; false when the sink is not reached. */
function admissibleLevels(
  net: Network,
  source: number,
  sink: number,
  potential: Float64Array,
  level: Int32Array,
): boolean {
  level.fill(-1);
  level[source] = 0;
  const queue = [source];
  for (let k = 0; k < queue.length; k++) {
    const v = queue[k];
    for (let a = net.head[v]; a >= 0; a = net.next[a]) {
      const w = net.to[a];
      if (level[w] >= 0 || !admissible(net, a, v, potential)) continue;
      level[w] = level[v] + 1;
      queue.push(w);
    }
  }
  return level[sink] >= 0;
}

/** One augmenting path along increasing levels (iterative DFS with current-arc pointers); returns the flow pushed. */
function augment(
  net: Network,
  source: number,
  sink: number,
  limit: number,
  potential: Float64Array,
  level: Int32Array,
  current: Int32Array,
): number {
  const path: number[] = [];
  let v = source;
  for (;;) {
    if (v === sink) {
      let pushed = limit;
      for (const a of path) pushed = Math.min(pushed, net.cap[a]);
      for (const a of path) {
        net.cap[a] -= pushed;
        net.cap[a ^ 1] += pushed;
      }
      return pushed;
    }
    let a = current[v];
    while (a >= 0 && !(level[net.to[a]] === level[v] + 1 && admissible(net, a, v, potential)))
      a = net.next[a];
    current[v] = a;
    if (a >= 0) {
      path.push(a);
      v = net.to[a];
      continue;
    }
    // Dead end: retreat and never try this state again in this phase.
    level[v] = -1;
    if (path.length === 0) return 0;
    const back = path.pop() as number;
    v = net.to[back ^ 1];
    current[v] = net.next[current[v]];
  }
}

/**
 * Hierholzer's algorithm on the edges taken 1 + extra times and the resets, from the initial
 * state; the circuit is cut at every reset into walks that each start at the initial state.
 */
function eulerWalks(graph: PathGraph, extra: Int32Array, resets: Int32Array): Walk[] {
  const n = graph.states;
  const RESET = -1;
  // The multiset of arcs out of each state: its edges (with multiplicity), then its resets.
  const remaining = new Int32Array(graph.edges);
  for (let i = 0; i < graph.edges; i++) remaining[i] = 1 + extra[i];
  const cursor = new Int32Array(n);
  for (let s = 0; s < n; s++) cursor[s] = graph.outStart[s];
  const resetsLeft = Int32Array.from(resets);
  const nextArc = (s: number): number | null => {
    while (cursor[s] < graph.outStart[s + 1] && remaining[cursor[s]] === 0) cursor[s]++;
    if (cursor[s] < graph.outStart[s + 1]) {
      remaining[cursor[s]]--;
      return cursor[s];
    }
    if (resetsLeft[s] > 0) {
      resetsLeft[s]--;
      return RESET;
    }
    return null;
  };
  // Iterative Hierholzer: a stack of (state, arc that led there); arcs are emitted in reverse.
  const stackState: number[] = [0];
  const stackArc: number[] = [RESET];
  const circuit: number[] = [];
  while (stackState.length > 0) {
    const s = stackState[stackState.length - 1];
    const arc = nextArc(s);
    if (arc === null) {
      stackState.pop();
      circuit.push(stackArc.pop() as number);
      continue;
    }
    stackState.push(arc === RESET ? 0 : graph.edgeTo[arc]);
    stackArc.push(arc);
  }
  circuit.reverse(); // starts with the RESET that stands for the start at the initial state
  const walks: Walk[] = [];
  let walk: Walk = [];
  for (const arc of circuit) {
    if (arc === RESET) {
      if (walk.length > 0) walks.push(walk);
      walk = [];
      continue;
    }
    walk.push({ from: graph.edgeFrom[arc], event: graph.edgeEvent[arc], edge: arc, to: graph.edgeTo[arc] });
  }
  if (walk.length > 0) walks.push(walk);
  return walks;
}
