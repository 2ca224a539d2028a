/**
 * `kpm paths`: test paths for one site and one target. The site is explored once (graph.ts) and,
 * for the targets that need it, each step's statechart coverage is computed once (edge-coverage.ts);
 * a `PreparedSite` keeps both, so that several targets (the bench, the catch table) share them.
 */
import type { Topology } from '../../models/topology.ts';
import { edgeCoverage, type EdgeCoverage } from './edge-coverage.ts';
import { graphSuite } from './exhaustive.ts';
import { buildGraph, type PathGraph } from './graph.ts';
import { refusalsSuite } from './refusals.ts';
import { rulesSuite } from './rules.ts';
import { pathCovers, type PathSuite, type Target, type TargetSuite } from './suite.ts';
import { transitionsSuite } from './transitions.ts';
import { walkSuite } from './walk.ts';
import { shortestPerStateFigure, xstateMachinesFigure } from './xstate-baseline.ts';

export interface PreparedSite {
  readonly topology: Topology;
  readonly graph: PathGraph;
  /** Milliseconds the exploration took. */
  readonly exploredMs: number;
  /** Computed on first use. */
  coverage(): EdgeCoverage;
}

export function prepareSite(topology: Topology, options: { maxStates?: number } = {}): PreparedSite {
  const started = performance.now();
  const graph = buildGraph(topology, { maxStates: options.maxStates });
  const exploredMs = performance.now() - started;
  let coverage: EdgeCoverage | null = null;
  return { topology, graph, exploredMs, coverage: () => (coverage ??= edgeCoverage(graph)) };
}

export interface GenerateOptions {
  cover: Target;
  /** `walk`: seed, steps per walk, walks. */
  seed?: number;
  steps?: number;
  walks?: number;
  /** What a reset costs in steps when a tour chooses between going on and starting a new path. */
  resetCost?: number;
  /** Targets covered by earlier runs (`--history`), left out. */
  done?: ReadonlySet<string>;
  /** A budget of steps: the paths are cut there (what they then leave is reported). */
  maxSteps?: number;
  /** `transitions`: compute XState's figures for comparison (default true). */
  comparisons?: boolean;
}

const counted = new WeakSet<PreparedSite>();

export const WALK_DEFAULTS = { seed: 1, steps: 100, walks: 1 };

/** The paths for one target; `elapsedMs` counts the exploration too, the first time a site is used. */
export function generatePaths(site: PreparedSite, options: GenerateOptions): PathSuite {
  const started = performance.now() - (counted.has(site) ? 0 : site.exploredMs);
  counted.add(site);
  const made = makeTarget(site, options);
  const suite: PathSuite = {
    topology: site.topology.name,
    cover: made.cover,
    initial: site.graph.observed(0),
    paths: made.paths,
    coverage: made.coverage,
    steps: made.steps,
    baseline: made.baseline,
    ...(made.comparisons ? { comparisons: made.comparisons } : {}),
    ...(made.seed !== undefined ? { seed: made.seed } : {}),
    notes: made.notes,
    elapsedMs: 0,
  };
  if (options.done !== undefined && options.done.size > 0 && suite.paths.length === 0) {
    suite.notes.push('--history: earlier runs covered everything this target can cover; nothing is left');
  }
  const cut = options.maxSteps === undefined ? suite : withinBudget(suite, options.maxSteps);
  cut.elapsedMs = Math.round(performance.now() - started);
  return cut;
}

function makeTarget(site: PreparedSite, options: GenerateOptions): TargetSuite {
  const { graph } = site;
  const common = { resetCost: options.resetCost, done: options.done };
  switch (options.cover) {
    case 'transitions': {
      const coverage = site.coverage();
      const suite = transitionsSuite(graph, coverage, common);
      if (options.comparisons === false) return suite;
      const coverable = new Set([
        ...coverage.reset.transitions,
        ...coverage.edge.flatMap((c) => c.transitions),
      ]);
      return {
        ...suite,
        comparisons: [
          xstateMachinesFigure(graph, coverable),
          shortestPerStateFigure(graph, coverage, coverable),
        ],
      };
    }
    case 'rules':
      return rulesSuite(graph, site.coverage(), { done: options.done });
    case 'refusals':
      return refusalsSuite(graph, common);
    case 'graph':
      return graphSuite(graph, common);
    case 'walk':
      return walkSuite(graph, site.coverage(), {
        seed: options.seed ?? WALK_DEFAULTS.seed,
        steps: options.steps ?? WALK_DEFAULTS.steps,
        walks: options.walks ?? WALK_DEFAULTS.walks,
      });
  }
}

/**
 * The suite cut to `budget` steps (a lab that runs fifty steps a day): whole paths while they fit,
 * then the start of the next one. What the cut steps covered is reported as left.
 */
export function withinBudget(suite: PathSuite, budget: number): PathSuite {
  if (suite.steps <= budget) return suite;
  const paths: PathSuite['paths'] = [];
  const dropped: string[] = [];
  let room = budget;
  for (const path of suite.paths) {
    const kept = path.steps.slice(0, Math.max(0, room));
    for (const step of path.steps.slice(kept.length)) dropped.push(...(step.covers ?? []));
    room -= kept.length;
    if (kept.length > 0 || path.steps.length === 0)
      paths.push({ ...path, covers: pathCovers(kept), steps: kept });
  }
  const left = [...(suite.coverage.left ?? []), ...dropped];
  return {
    ...suite,
    paths,
    steps: paths.reduce((n, p) => n + p.steps.length, 0),
    coverage: { ...suite.coverage, covered: suite.coverage.covered - dropped.length, left },
    notes: [...suite.notes, `cut to --max-steps ${budget}: ${dropped.length} targets left for a later run`],
  };
}
