/**
 * What the verdicts need of an explored state graph, whichever explorer built it.
 */
import type { Model } from '../../models/index.ts';
import type { KpmEvent } from '../events.ts';
import { exploreDirect } from '../explore/direct.ts';
import { explore } from '../explore/explorer.ts';
import type { ObservedState } from '../world/observation.ts';
import { inAlphabet, type AlphabetName } from '../spec/alphabets.ts';
import type { Topology } from '../topology/types.ts';
import { stateKey } from '../world/observe.ts';
import { step, type World } from '../world/world.ts';

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
  /** Every applied step out of an expanded state, in BFS order of `from`. */
  forEachTransition(fn: (from: number, event: KpmEvent, to: number) => void): void;
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
  maxStates: number;
  maxDepth: number;
  model?: Model;
  onProgress?: (progress: ExploreProgress) => void;
}

/** The reference explorer as a Graph: every successor through `step()` and string keys. */
export function directGraph(topology: Topology, options: GraphOptions): Graph {
  const x = exploreDirect(
    topology,
    {
      alphabet: (e) => inAlphabet(options.alphabet, e),
      maxStates: options.maxStates,
      maxDepth: options.maxDepth,
    },
    options.model,
  );
  const ids = new Map(x.keys.map((k, i) => [k, i]));
  return {
    complete: x.complete,
    states: x.worlds.length,
    transitions: x.transitions,
    depth: x.depth,
    depthOf: (id) => x.depthOf[id],
    world: (id) => x.worlds[id],
    traceTo: x.traceTo,
    forEachTransition(fn) {
      for (let from = 0; from < x.worlds.length; from++) {
        if (x.depthOf[from] >= options.maxDepth) continue;
        for (const event of x.events) {
          const result = step(x.worlds[from], event);
          if (result.outcome === 'refused') continue;
          const to = ids.get(stateKey(result.world));
          if (to !== undefined) fn(from, event, to);
        }
      }
    },
  };
}

/**
 * The fast explorer (src/explore) as a Graph. No symmetry reduction: the properties name their
 * subjects (this VM, that host), so states must stay concrete.
 */
export function packedGraph(topology: Topology, options: GraphOptions): Graph {
  const started = performance.now();
  const x = explore(
    topology,
    {
      alphabet: (e) => inAlphabet(options.alphabet, e),
      maxStates: options.maxStates,
      maxDepth: options.maxDepth,
      symmetry: false,
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
    forEachTransition(fn) {
      x.forEachTransition((from, event, to, applied) => {
        if (applied && to >= 0) fn(from, event, to);
      });
    },
  };
}
