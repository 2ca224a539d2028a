/**
 * What the verdicts need of an explored state graph, whichever explorer built it.
 */
import type { Model } from '../../models/index.ts';
import type { KpmEvent } from '../../models/events.ts';
import { explore } from '../explore/fast.ts';
import type { ObservedState } from '../world/observe.ts';
import { alphabetFilter, type AlphabetName } from '../catalogue/alphabets.ts';
import type { Topology } from '../../models/topology.ts';
import type { World } from '../world/world.ts';

export interface Graph {
  complete: boolean;
  states: number;
  transitions: number;
  depth: number;
  /** BFS distance from the initial state; ids are in BFS order, 0 is the initial state. */
  depthOf(id: number): number;
  world(id: number): World;
  /** `observe(world(id))`, where the explorer has a cheaper way to it. */
  observed?(id: number): ObservedState;
  /** A shortest trace from the initial state to the state. */
  traceTo(id: number): KpmEvent[];
  /** Every step out of an expanded state, in BFS order of `from`: `to` is `from` when `applied` is false. */
  forEachTransition(fn: (from: number, event: KpmEvent, to: number, applied: boolean) => void): void;
}

export interface ExploreProgress {
  phase: string;
  states: number;
  maxStates: number;
  queue: number;
  depth: number;
  elapsedMs: number;
}

export interface GraphOptions {
  alphabet: AlphabetName;
  /** Hosts kept as one block each (ExploreOptions.units). */
  units?: readonly (readonly string[])[];
  /** ExploreOptions.partOfSite. */
  partOfSite?: boolean;
  maxStates: number;
  maxDepth: number;
  model?: Model;
  onProgress?: (progress: ExploreProgress) => void;
}

/** The fast explorer (src/explore) as a Graph. */
export function packedGraph(topology: Topology, options: GraphOptions): Graph {
  const started = performance.now();
  const x = explore(
    topology,
    {
      alphabet: alphabetFilter(options.alphabet),
      units: options.units,
      partOfSite: options.partOfSite,
      maxStates: options.maxStates,
      maxDepth: options.maxDepth,
      onProgress: (p) =>
        options.onProgress?.({
          ...p,
          phase: options.alphabet,
          maxStates: options.maxStates,
          elapsedMs: performance.now() - started,
        }),
    },
    options.model,
  );
  return {
    complete: x.complete,
    states: x.states,
    transitions: x.transitions,
    depth: x.depth,
    depthOf: (id) => x.depthOf(id),
    world: (id) => x.world(id),
    observed: (id) => x.observed(id),
    traceTo: (id) => x.traceTo(id),
    forEachTransition: (fn) => x.forEachTransition(fn),
  };
}
