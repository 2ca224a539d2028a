/**
 * The reference explorer: breadth-first search straight over `step()`, with `stateKey()` strings
 * as the visited set. Slow (every successor goes through XState and JSON) but obviously right:
 * the fast explorer (packed.ts) is tested against it, and it is enough for small sites.
 */
import type { Model } from '../../models/index.ts';
import type { KpmEvent } from '../../models/events.ts';
import type { Topology } from '../../models/topology.ts';
import { stateKey } from '../world/observe.ts';
import { initialWorld, step, type World } from '../world/world.ts';
import { eventInstances, type Alphabet } from './instances.ts';

export interface Bounds {
  /** Stop (incomplete) before admitting more distinct states than this. */
  maxStates?: number;
  /** Expand no state at this depth (incomplete if one of them has an unseen successor). */
  maxDepth?: number;
}

export interface DirectOptions extends Bounds {
  alphabet?: Alphabet;
}

export interface DirectExploration {
  complete: boolean;
  /** Distinct states, in BFS order: index = state id. */
  worlds: World[];
  keys: string[];
  /** Applied steps out of expanded states (self-loops included, refused steps not). */
  transitions: number;
  /** Greatest BFS depth of a state. */
  depth: number;
  /** BFS distance of each state from the initial one. */
  depthOf: number[];
  /** The event instances explored, in alphabet order. */
  events: KpmEvent[];
  /** Shortest trace to a state (BFS tree, first-found parent in event order). */
  traceTo(id: number): KpmEvent[];
}

export function exploreDirect(
  topology: Topology,
  options: DirectOptions = {},
  model?: Model,
): DirectExploration {
  const alphabet = options.alphabet ?? (() => true);
  const events = eventInstances(topology).filter(alphabet);
  const maxStates = options.maxStates ?? Infinity;
  const maxDepth = options.maxDepth ?? Infinity;
  const initial = initialWorld(topology, model);
  const worlds = [initial];
  const keys = [stateKey(initial)];
  const ids = new Map([[keys[0], 0]]);
  const parent = [-1];
  const via = [-1];
  const depthOf = [0];
  let transitions = 0;
  let complete = true;
  search: for (let id = 0; id < worlds.length; id++) {
    for (let e = 0; e < events.length; e++) {
      const result = step(worlds[id], events[e]);
      if (result.outcome === 'refused') continue;
      const key = stateKey(result.world);
      const known = ids.has(key);
      if (depthOf[id] >= maxDepth) {
        if (!known) complete = false;
        continue;
      }
      transitions++;
      if (known) continue;
      if (worlds.length >= maxStates) {
        complete = false;
        break search;
      }
      ids.set(key, worlds.length);
      worlds.push(result.world);
      keys.push(key);
      parent.push(id);
      via.push(e);
      depthOf.push(depthOf[id] + 1);
    }
  }
  const traceTo = (id: number): KpmEvent[] => {
    const trace: KpmEvent[] = [];
    for (let s = id; parent[s] >= 0; s = parent[s]) trace.push(events[via[s]]);
    return trace.reverse();
  };
  return {
    complete,
    worlds,
    keys,
    transitions,
    depth: depthOf[depthOf.length - 1],
    depthOf,
    events,
    traceTo,
  };
}
