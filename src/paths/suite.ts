/**
 * A suite of test paths (interface.md, "kpm paths"): event sequences from the steady initial state,
 * each step with the outcome and the observation the model expects after it, what each path
 * covers, and the figures of the target (covered, coverable, total steps, baseline).
 */
import type { KpmEvent } from '../../models/events.ts';
import { formatEvent } from '../events.ts';
import type { ObservedState, Outcome } from '../world/observe.ts';
import { step as worldStep } from '../world/world.ts';
import type { PathGraph } from './graph.ts';
import type { Walk } from './tour.ts';

export const TARGETS = ['transitions', 'rules', 'refusals', 'graph', 'walk'] as const;
export type Target = (typeof TARGETS)[number];

export interface PathStep {
  event: KpmEvent;
  outcome: Outcome;
  state: ObservedState;
  /** A refused step: the model's reason (for people; reasons are not compared). */
  reason?: string;
  /** The targets this step covers first (rules: the rules it shows at their shortest). */
  covers?: string[];
  /** The rules this step shows first, besides its targets (transitions; refusals: the rules the reason cites). */
  rules?: string[];
  /** `--cover rules`: the observation fields whose change shows the rules of `covers`. */
  marked?: string[];
}

export interface TestPath {
  id: string;
  /** What this path covers that the paths before it do not: its steps' targets, then their rules. */
  covers: string[];
  steps: PathStep[];
}

export interface NotCoverable {
  id: string;
  why: string;
}

export interface Coverage {
  /** Targets the paths cover (with the reset's and the history's, if any). */
  covered: number;
  /** Targets the site can show at all. */
  coverable: number;
  /** Covered by the reset to the steady initial state alone (every path starts with it). */
  byReset?: string[];
  /** Covered by earlier runs (`--history`), so left out of these paths. */
  fromHistory?: number;
  /** Coverable but not covered by these paths (a step budget, `--max-steps`, stopped them). */
  left?: string[];
  /** The targets of the statecharts (or rules, events) that this site cannot show, and why. */
  notCoverable: NotCoverable[];
}

export interface Baseline {
  name: string;
  steps: number;
  /** Paths of the baseline suite. */
  paths?: number;
}

/** What XState alone would give a lab (src/paths/xstate-baseline.ts). */
export interface XstateFigure {
  name: string;
  steps: number;
  paths: number;
  /** Of this target's coverable ids, how many those paths take. */
  covers: number;
  coverable: number;
  machines?: { machine: string; instances: number; paths: number; steps: number }[];
}

export interface PathSuite {
  topology: string;
  cover: Target;
  /** The observation after the reset, where every path starts. */
  initial: ObservedState;
  paths: TestPath[];
  coverage: Coverage;
  /** Events in all paths. */
  steps: number;
  baseline: Baseline;
  /** Other comparisons: XState's shortest paths (transitions), the optimum without resets (graph). */
  comparisons?: XstateFigure[];
  /** The seed of `--cover walk`. */
  seed?: number;
  /** How the paths were made, and anything a reader should know about them. */
  notes: string[];
  elapsedMs: number;
}

export interface TestPathOptions {
  /** The events the walks' steps number (default: the graph's alphabet). */
  events?: readonly KpmEvent[];
  /** What step k of walk w covers first. */
  covers?: (walk: number, step: number) => readonly string[];
  /** The rules step k of walk w shows first, besides its targets. */
  rules?: (walk: number, step: number) => readonly string[];
}

/** What a target makes; `generate` adds the site, the initial state and the time. */
export type TargetSuite = Omit<PathSuite, 'elapsedMs' | 'topology' | 'initial'>;

/** The walks as test paths: each step's event, outcome and expected observation. */
export function toTestPaths(
  graph: PathGraph,
  walks: readonly Walk[],
  options: TestPathOptions = {},
): TestPath[] {
  const events = options.events ?? graph.events;
  const covers = options.covers ?? (() => []);
  const rules = options.rules ?? (() => []);
  return walks.map((walk, w) => {
    const steps = walk.map((s, k): PathStep => {
      const event = events[s.event];
      const covered = [...covers(w, k)];
      const shown = [...rules(w, k)];
      const base: PathStep = {
        event,
        outcome: s.edge >= 0 ? 'applied' : 'refused',
        state: graph.observed(s.to),
      };
      if (s.edge < 0) base.reason = refusalReason(graph, s.from, event);
      if (covered.length > 0) base.covers = covered;
      if (shown.length > 0) base.rules = shown;
      return base;
    });
    return { id: `p${w + 1}`, covers: pathCovers(steps), steps };
  });
}

/** A path's `covers`: its steps' targets in order, then the rules they show. */
export function pathCovers(steps: readonly PathStep[]): string[] {
  return unique([...steps.flatMap((s) => s.covers ?? []), ...steps.flatMap((s) => s.rules ?? [])]);
}

/** Why the model refuses `event` in state `state` (one step through the world). */
export function refusalReason(graph: PathGraph, state: number, event: KpmEvent): string {
  const result = worldStep(graph.exploration.world(state), event);
  if (result.outcome !== 'refused') throw new Error(`${formatEvent(event)} is applied in state ${state}`);
  return result.reason;
}

export function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

export function totalEvents(paths: readonly TestPath[]): number {
  return paths.reduce((n, p) => n + p.steps.length, 0);
}

/**
 * What each step covers first, walking the walks in order: `targets` gives a step's targets, and
 * those in `covered` (the reset's, the history's) are not news. Returns the lists by walk and step.
 */
export function firstCovers(
  walks: readonly Walk[],
  targets: (step: Walk[number]) => readonly string[],
  covered: Set<string> = new Set(),
): string[][][] {
  return walks.map((walk) =>
    walk.map((s) => {
      const news = targets(s).filter((t) => !covered.has(t));
      for (const t of news) covered.add(t);
      return news;
    }),
  );
}
