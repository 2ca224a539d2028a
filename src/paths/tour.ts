/**
 * Covering walks over the explored graph: paths from the initial state whose steps, together,
 * cover every wanted target (a statechart transition, a refusal, an edge...).
 *
 * A greedy walk (after GraphWalker's "nearest uncovered" generators): from where the walk stands,
 * a breadth-first search finds the nearest step that covers something new; a new path from the
 * initial state (a reset) is started instead when that reaches such a step sooner. Each step on
 * the way counts for what it covers too. Within the nearest layer, the step that covers the most
 * wins.
 */
import type { PathGraph } from './graph.ts';

/**
 * One step of a walk: an applied edge of the graph, or an event the state refuses (a negative
 * test: the state stays, `edge` is -1).
 */
export interface WalkStep {
  from: number;
  event: number;
  edge: number;
  to: number;
}

export type Walk = WalkStep[];

/** What the walks must cover: targets numbered 0..count-1, and which steps cover which. */
export interface CoverProblem {
  count: number;
  /** Targets already covered (by a history, by the reset) or not wanted: the walk ignores them. */
  skip?: (target: number) => boolean;
  /** The targets an applied edge covers. */
  edgeTargets(edge: number): readonly number[];
  /** Refused events of a state that cover targets (a negative test), if the problem has any. */
  refusals?(state: number): readonly { event: number; targets: readonly number[] }[];
}

export interface TourOptions {
  /** What a reset costs, in steps, when choosing between going on and starting a new path (default 0). */
  resetCost?: number;
}

/** Greedy covering walks; every path starts at the initial state (0). */
export function greedyTour(graph: PathGraph, problem: CoverProblem, options: TourOptions = {}): Walk[] {
  const resetCost = options.resetCost ?? 0;
  const covered = new Uint8Array(problem.count);
  let left = 0;
  for (let t = 0; t < problem.count; t++) {
    if (problem.skip?.(t)) covered[t] = 1;
    else left++;
  }
  const search = new NearestSearch(graph, problem, covered);
  const walks: Walk[] = [];
  let walk: Walk = [];
  let at = 0;
  while (left > 0) {
    let found = search.from(at, Infinity);
    if (at !== 0) {
      // A new path pays off only if it reaches a useful step in fewer steps than going on.
      const limit = found === null ? Infinity : found.steps.length - resetCost;
      const fresh = limit > 1 ? search.from(0, limit) : null;
      if (fresh !== null) {
        if (walk.length > 0) walks.push(walk);
        walk = [];
        found = fresh;
      }
    }
    if (found === null) break; // nothing left is reachable: the caller reports it
    for (const s of found.steps) {
      walk.push(s);
      left -= markCovered(problem, covered, s);
    }
    at = found.steps[found.steps.length - 1].to;
  }
  if (walk.length > 0) walks.push(walk);
  return walks;
}

function markCovered(problem: CoverProblem, covered: Uint8Array, s: WalkStep): number {
  let gained = 0;
  for (const t of targetsOf(problem, s)) {
    if (covered[t] === 0) {
      covered[t] = 1;
      gained++;
    }
  }
  return gained;
}

function targetsOf(problem: CoverProblem, s: WalkStep): readonly number[] {
  if (s.edge >= 0) return problem.edgeTargets(s.edge);
  return problem.refusals?.(s.from).find((r) => r.event === s.event)?.targets ?? [];
}

/** Breadth-first search for the nearest useful step, reusing its arrays between searches. */
class NearestSearch {
  private readonly stamp: Int32Array;
  private readonly via: Int32Array;
  private readonly queue: Int32Array;
  private readonly depth: Int32Array;
  private generation = 0;

  constructor(
    private readonly graph: PathGraph,
    private readonly problem: CoverProblem,
    private readonly covered: Uint8Array,
  ) {
    this.stamp = new Int32Array(graph.states);
    this.via = new Int32Array(graph.states);
    this.queue = new Int32Array(graph.states);
    this.depth = new Int32Array(graph.states);
  }

  /**
   * The shortest walk from `start` ending with a step that covers something new, or null; only
   * walks of fewer than `limit` steps are looked for.
   */
  from(start: number, limit: number): { steps: WalkStep[] } | null {
    const { graph, depth } = this;
    const g = ++this.generation;
    let head = 0;
    let tail = 0;
    this.stamp[start] = g;
    this.via[start] = -1;
    this.queue[tail++] = start;
    depth[start] = 0;
    let best: { state: number; step: WalkStep; gain: number } | null = null;
    let bestDepth = Infinity;
    while (head < tail) {
      const s = this.queue[head++];
      const d = depth[s];
      if (d >= bestDepth || d + 1 >= limit) break; // the nearest layer is done: take its best step
      for (const candidate of this.usefulSteps(s)) {
        if (best === null || better(candidate, best)) best = { state: s, ...candidate };
        bestDepth = d;
      }
      for (let i = graph.outStart[s]; i < graph.outStart[s + 1]; i++) {
        const t = graph.edgeTo[i];
        if (this.stamp[t] === g) continue;
        this.stamp[t] = g;
        this.via[t] = i;
        depth[t] = d + 1;
        this.queue[tail++] = t;
      }
    }
    if (best === null) return null;
    const steps: WalkStep[] = [];
    for (let s = best.state; this.via[s] >= 0; s = graph.edgeFrom[this.via[s]]) {
      const i = this.via[s];
      steps.push({ from: graph.edgeFrom[i], event: graph.edgeEvent[i], edge: i, to: graph.edgeTo[i] });
    }
    steps.reverse();
    steps.push(best.step);
    return { steps };
  }

  /** The steps out of `s` that cover something not covered yet, with how much each covers. */
  private usefulSteps(s: number): { step: WalkStep; gain: number }[] {
    const { graph, problem, covered } = this;
    const found: { step: WalkStep; gain: number }[] = [];
    const gainOf = (targets: readonly number[]) =>
      targets.reduce((n, t) => n + (covered[t] === 0 ? 1 : 0), 0);
    for (let i = graph.outStart[s]; i < graph.outStart[s + 1]; i++) {
      const gain = gainOf(problem.edgeTargets(i));
      if (gain > 0)
        found.push({ step: { from: s, event: graph.edgeEvent[i], edge: i, to: graph.edgeTo[i] }, gain });
    }
    for (const r of problem.refusals?.(s) ?? []) {
      const gain = gainOf(r.targets);
      if (gain > 0) found.push({ step: { from: s, event: r.event, edge: -1, to: s }, gain });
    }
    return found;
  }
}

/**
 * Within the nearest layer: the step that covers the most; between equals, one that changes what a
 * lab observes (a step that changes nothing checks little: GraphWalker's "an action is always
 * followed by a verification").
 */
function better(a: { step: WalkStep; gain: number }, b: { step: WalkStep; gain: number }): boolean {
  if (a.gain !== b.gain) return a.gain > b.gain;
  return a.step.to !== a.step.from && b.step.to === b.step.from;
}

/** Total steps of a set of walks. */
export function totalSteps(walks: readonly Walk[]): number {
  return walks.reduce((n, w) => n + w.length, 0);
}
