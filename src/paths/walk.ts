/**
 * `--cover walk`: seeded random walks for soak runs. Each step draws an event of the site at random
 * (now and then one the model always refuses, so that refusals stay part of a soak run), from the
 * steady initial state on; the same seed gives the same walks. What they cover is reported as for
 * `--cover transitions`. A soak run is worth the distinct steps it exercises, so its baseline is one
 * shortest path to each distinct step it takes (a transition of the explored graph, or a refusal).
 */
import { alwaysRefused } from '../explore/instances.ts';
import type { EdgeCoverage } from './edge-coverage.ts';
import { edgeFor, type PathGraph } from './graph.ts';
import { firstCovers, toTestPaths, type TargetSuite } from './suite.ts';
import type { Walk } from './tour.ts';
import { declaredTransitions } from './transitions.ts';

export interface WalkOptions {
  seed: number;
  /** Steps per walk. */
  steps: number;
  walks: number;
}

/** One event in this many is drawn from the events the model always refuses. */
const REFUSED_ONE_IN = 20;

/** mulberry32: a small, fast, well-mixed 32-bit generator; the same seed, the same walks on every platform. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function walkSuite(graph: PathGraph, coverage: EdgeCoverage, options: WalkOptions): TargetSuite {
  const events = [...graph.events, ...alwaysRefused(graph.topology)];
  const next = random(options.seed);
  const walks: Walk[] = [];
  for (let w = 0; w < options.walks; w++) {
    const walk: Walk = [];
    let at = 0;
    for (let k = 0; k < options.steps; k++) {
      const refused = next() * REFUSED_ONE_IN < 1;
      const e = refused
        ? graph.events.length + Math.floor(next() * (events.length - graph.events.length))
        : Math.floor(next() * graph.events.length);
      const edge = e < graph.events.length ? edgeFor(graph, at, e) : -1;
      const to = edge >= 0 ? graph.edgeTo[edge] : at;
      walk.push({ from: at, event: e, edge, to });
      at = to;
    }
    walks.push(walk);
  }
  const covered = new Set(coverage.reset.transitions);
  const news = firstCovers(walks, (s) => (s.edge >= 0 ? coverage.edge[s.edge].transitions : []), covered);
  const paths = toTestPaths(graph, walks, { events, covers: (w, k) => news[w][k] });
  const coverable = new Set([...coverage.reset.transitions, ...coverage.edge.flatMap((c) => c.transitions)]);
  const declared = declaredTransitions(graph).map((d) => d.id);
  const taken = declared.filter((id) => covered.has(id));
  // Distinct steps: (state, event) pairs, applied or refused; each reached by a shortest path.
  const distinct = new Map<string, number>();
  for (const s of walks.flat()) distinct.set(`${s.from} ${s.event}`, graph.depth[s.from] + 1);
  const baseline = [...distinct.values()].reduce((n, d) => n + d, 0);
  return {
    cover: 'walk',
    paths,
    coverage: {
      covered: taken.length,
      coverable: coverable.size,
      byReset: [...coverage.reset.transitions].sort(),
      left: declared.filter((id) => coverable.has(id) && !covered.has(id)),
      notCoverable: declared
        .filter((id) => !coverable.has(id))
        .map((id) => ({ id, why: 'the site never takes it' })),
    },
    steps: options.steps * options.walks,
    baseline: {
      name: 'one shortest path per distinct step the walks take',
      steps: baseline,
      paths: distinct.size,
    },
    seed: options.seed,
    notes: [
      `${options.walks} random walk${options.walks === 1 ? '' : 's'} of ${options.steps} steps, seed ${options.seed}: each step an event of the site drawn at random (one in ${REFUSED_ONE_IN} an event the model always refuses); ${distinct.size} distinct steps`,
    ],
  };
}
