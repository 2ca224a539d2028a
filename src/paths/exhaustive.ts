/**
 * `--cover graph`: every transition of the explored state graph, by an optimal covering tour
 * (postman.ts), for small sites: the edge site's 72,768 transitions take over 100,000 steps.
 */
import { formatEvent } from '../events.ts';
import type { PathGraph } from './graph.ts';
import { postmanTour } from './postman.ts';
import { firstCovers, toTestPaths, type TargetSuite } from './suite.ts';
import { greedyTour } from './tour.ts';

/** Past this many edges the tour is refused: no lab runs it, and it would take long to print. */
export const MAX_GRAPH_EDGES = 1_000_000;

export interface GraphOptions {
  resetCost?: number;
  /** Edge ids covered by earlier runs (`--history`). */
  done?: ReadonlySet<string>;
}

/** `s<state> <event>`: an edge of the explored graph (states are numbered in BFS order). */
export function edgeId(graph: PathGraph, edge: number): string {
  return `s${graph.edgeFrom[edge]} ${formatEvent(graph.events[graph.edgeEvent[edge]])}`;
}

export function graphSuite(graph: PathGraph, options: GraphOptions = {}): TargetSuite {
  if (graph.edges > MAX_GRAPH_EDGES) {
    throw new RangeError(
      `--cover graph: ${graph.topology.name} has ${graph.edges} transitions, more than ${MAX_GRAPH_EDGES}; use --cover transitions`,
    );
  }
  const done = options.done ?? new Set<string>();
  // With a history, what is left is toured greedily (an optimal tour of part of a graph is NP-hard).
  const walks =
    done.size === 0
      ? postmanTour(graph, { resetCost: options.resetCost })
      : greedyTour(
          graph,
          { count: graph.edges, skip: (e) => done.has(edgeId(graph, e)), edgeTargets: (e) => [e] },
          { resetCost: options.resetCost },
        );
  const news = firstCovers(walks, (s) => [edgeId(graph, s.edge)], new Set(done));
  const paths = toTestPaths(graph, walks, { covers: (w, k) => news[w][k] });
  let baseline = 0;
  for (let i = 0; i < graph.edges; i++) baseline += graph.depth[graph.edgeFrom[i]] + 1;
  const withoutResets = postmanTour(graph, { resetCost: graph.edges + 1 });
  const steps = walks.reduce((n, w) => n + w.length, 0);
  const fromHistory = done.size > 0 ? countIn(graph, done) : 0;
  return {
    cover: 'graph',
    paths,
    coverage: {
      covered: graph.edges - countLeft(news, graph.edges - fromHistory),
      coverable: graph.edges,
      ...(done.size > 0 ? { fromHistory } : {}),
      notCoverable: [],
    },
    steps,
    baseline: { name: 'one shortest path per transition of the graph', steps: baseline, paths: graph.edges },
    comparisons: [
      {
        name: 'one optimal tour without resets (a single path)',
        steps: withoutResets.reduce((n, w) => n + w.length, 0),
        paths: withoutResets.length,
        covers: graph.edges,
        coverable: graph.edges,
      },
      {
        name: 'one shortest path per state (getShortestPaths on the composed site)',
        steps: Array.from(graph.depth).reduce((n, d) => n + d, 0),
        paths: graph.states - 1,
        covers: graph.states - 1,
        coverable: graph.edges,
      },
    ],
    notes: [
      'an optimal directed postman tour: every transition once, plus the fewest extra steps (a minimum-cost flow), cut into paths where a reset to the initial state is shorter',
      ...(done.size > 0 ? ['--history: a greedy walk over the transitions earlier runs left'] : []),
    ],
  };
}

function countLeft(news: string[][][], wanted: number): number {
  return wanted - news.flat(2).length;
}

function countIn(graph: PathGraph, done: ReadonlySet<string>): number {
  let n = 0;
  for (let i = 0; i < graph.edges; i++) if (done.has(edgeId(graph, i))) n++;
  return n;
}
