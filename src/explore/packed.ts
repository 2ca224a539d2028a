/**
 * The fast explorer: breadth-first search over states of fields [services, block of each unit of
 * hosts, in topology order] (see groups.ts), with successors read from the tables (tables.ts) and the
 * visited set, bit-packed, in a StateSet (state-set.ts). Traces are the BFS tree's paths: each
 * replays through `step()` to exactly the decoded state.
 *
 * Hosts of one configuration are not merged into orbits here (there was a symmetry reduction; the
 * compositional check, src/check/compose.ts, now explores such hosts once, and exactly, for every
 * property): a state names each host's block, as the properties name their subjects.
 */
import type { KpmEvent } from '../../models/events.ts';
import { formatEvent } from '../events.ts';
import { eventInstances, type Alphabet } from './instances.ts';
import type { Bounds } from './direct.ts';
import { bitsFor } from './packing.ts';
import { StateSet } from './state-set.ts';
import { REFUSED, UNKNOWN, type Tables } from './tables.ts';

// Local copies: an imported binding is read through a getter once transpiled, too slow in the loop.
const UNKNOWN_ = -1;
const REFUSED_ = -2;

/**
 * (services, block) pairs a table group may have for its tables to be filled before the search:
 * beyond, a bounded search would pay for tables it never reads.
 */
const CLOSURE_BUDGET = 1 << 16;

/** The events of one alphabet, each resolved to where the tables keep it. */
export interface Dispatch {
  /** In alphabet order; an event's index here is its number in `StateSet.via`. */
  events: KpmEvent[];
  /** The unit (slot) of a local event's hosts, or -1 for a service event. */
  slot: Int32Array;
  /** Index among the layout's service events, or among the host's local events. */
  index: Int32Array;
}

export function dispatchOf(tables: Tables, alphabet: Alphabet): Dispatch {
  const where = new Map<string, [number, number]>();
  tables.events.services.forEach((e, i) => where.set(formatEvent(e), [-1, i]));
  tables.events.local.forEach((events, h) => events.forEach((e, l) => where.set(formatEvent(e), [h, l])));
  const events = eventInstances(tables.layout.topology).filter(alphabet);
  const slot = new Int32Array(events.length);
  const index = new Int32Array(events.length);
  events.forEach((e, i) => ([slot[i], index[i]] = where.get(formatEvent(e)) as [number, number]));
  return { events, slot, index };
}

export interface SearchProgress {
  states: number;
  depth: number;
  queue: number;
  elapsedMs: number;
}

export interface SearchOptions extends Bounds {
  onProgress?: (p: SearchProgress) => void;
}

export interface SearchSetup {
  alphabet: Alphabet;
  /** States to make room for at once (a bound, when there is one): saves regrowing. */
  capacity?: number;
  /** (services, block) pairs a table group may have for its tables to be filled first. */
  closureBudget?: number;
}

export class PackedSearch {
  /** Fields per state: services, then one block per host. */
  readonly F: number;
  readonly dispatch: Dispatch;
  readonly set: StateSet;
  complete = true;
  /** Applied steps out of expanded states (self-loops included). */
  transitions = 0;
  /** levelStart[d]: the first state id at BFS depth d. */
  readonly levelStart: number[] = [0];
  /**
   * States whose every successor was generated: ids below `expandedEnd` at depths below
   * `expandedDepth` (a bound leaves the rest unexpanded, or cut off in the middle).
   */
  expandedEnd = 0;
  expandedDepth = Infinity;
  /** Table group of each unit (a slot of the state: one host, or coupled hosts). */
  readonly groupOfSlot: Int32Array;

  constructor(
    readonly tables: Tables,
    setup: SearchSetup,
  ) {
    if (UNKNOWN !== UNKNOWN_ || REFUSED !== REFUSED_) throw new Error('table markers out of step');
    this.dispatch = dispatchOf(tables, setup.alphabet);
    this.F = 1 + tables.initialBlocks.length;
    this.groupOfSlot = Int32Array.from(tables.groups.groupOfUnit);
    this.set = new StateSet(this.fieldBits(setup.closureBudget ?? CLOSURE_BUDGET), setup.capacity);
    const initial = new Uint32Array(this.F);
    initial[0] = tables.initialServices;
    tables.initialBlocks.forEach((b, h) => (initial[1 + h] = b));
    this.set.find(initial);
    this.set.add(-1, -1);
  }

  /**
   * Bits per field, from the blocks each table group can reach with the alphabet (its tables are
   * filled on the way). Too many to close over: the blocks known so far and two spare bits; the
   * state set widens a field if the search outgrows it.
   */
  private fieldBits(budget: number): number[] {
    const { tables: t, dispatch } = this;
    const services: number[] = [];
    const local = t.groups.representative.map(() => new Set<number>());
    dispatch.events.forEach((_, e) => {
      const slot = dispatch.slot[e];
      if (slot < 0) services.push(dispatch.index[e]);
      else local[this.groupOfSlot[slot]].add(dispatch.index[e]);
    });
    const blocks = local.map((ls, g) => {
      const n = t.close(
        g,
        services,
        [...ls].sort((a, b) => a - b),
        budget,
      );
      return n < 0 ? bitsFor(t.blocks[g].length) + 2 : bitsFor(n);
    });
    return [bitsFor(t.services.length), ...Array.from(this.groupOfSlot, (g) => blocks[g])];
  }

  get depth(): number {
    return this.levelStart.length - 1;
  }

  /**
   * Breadth-first search to the fixpoint or a bound. This is the hot path: the loop body is
   * `successor()` written out with the tables' arrays read directly (measured ~6% faster than the
   * call), no allocation, no strings; a local event's successor is packed from its source by
   * rewriting its host's field only (`findNear`).
   */
  run(options: SearchOptions = {}): this {
    const maxStates = options.maxStates ?? Infinity;
    const maxDepth = options.maxDepth ?? Infinity;
    this.expandedDepth = maxDepth;
    const { set, F, tables: t, groupOfSlot } = this;
    const { slot: eventSlot, index: eventIndex } = this.dispatch;
    const nEvents = eventSlot.length;
    const nServices = t.events.services.length;
    const localCount = Int32Array.from(t.localCount);
    const from = new Uint32Array(F);
    const next = new Uint32Array(F);
    const started = performance.now();
    let transitions = 0;
    let levelEnd = 1;
    for (let id = 0; id < set.count; id++) {
      if (id === levelEnd) {
        this.levelStart.push(id);
        levelEnd = set.count;
      }
      const expand = this.levelStart.length - 1 < maxDepth;
      set.read(id, from);
      const s = from[0];
      for (let e = 0; e < nEvents; e++) {
        const slot = eventSlot[e];
        const index = eventIndex[e];
        if (slot < 0) {
          let s2 = t.svcNext[s * nServices + index];
          if (s2 === UNKNOWN_) s2 = t.serviceNext(s, index);
          if (s2 === REFUSED_) continue;
          next[0] = s2;
          const sCap = t.sCap;
          for (let x = 1; x < F; x++) {
            const g = groupOfSlot[x - 1];
            let b = t.settle[g][from[x] * sCap + s2];
            if (b === UNKNOWN_) b = t.settled(g, s2, from[x]);
            next[x] = b;
          }
          if (expand) transitions++;
          if (set.find(next) >= 0) continue;
        } else {
          const g = groupOfSlot[slot];
          const b = from[1 + slot];
          let b2 = t.local[g][(b * t.sCap + s) * localCount[g] + index];
          if (b2 === UNKNOWN_) b2 = t.localNext(g, s, b, index);
          if (b2 === REFUSED_) continue;
          if (b2 === b) {
            if (expand) transitions++; // a self-loop: the successor is this very state
            continue;
          }
          for (let x = 0; x < F; x++) next[x] = from[x];
          next[1 + slot] = b2;
          if (expand) transitions++;
          if (set.findNear(next, 1 + slot, 2 + slot) >= 0) continue;
        }
        if (!expand || set.count >= maxStates) {
          this.complete = false;
          this.transitions += transitions;
          this.expandedEnd = expand ? id : set.count;
          return this;
        }
        set.add(id, e);
      }
      if (options.onProgress && (id & 0xffff) === 0xffff) {
        options.onProgress({
          states: set.count,
          depth: this.depth,
          queue: set.count - id - 1,
          elapsedMs: performance.now() - started,
        });
      }
    }
    this.transitions += transitions;
    this.expandedEnd = set.count;
    return this;
  }

  /** True when every successor of state `id` was generated (see `expandedEnd`). */
  expanded(id: number): boolean {
    return id < this.expandedEnd && this.depthOf(id) < this.expandedDepth;
  }

  /**
   * The successor of the state with fields `from` by alphabet event `e`, written to `out`; false
   * when the event is refused there (`out` is then garbage).
   */
  successor(from: Uint32Array, e: number, out: Uint32Array): boolean {
    const t = this.tables;
    const slot = this.dispatch.slot[e];
    const index = this.dispatch.index[e];
    const s = from[0];
    if (slot < 0) {
      let s2 = t.svcNext[s * t.events.services.length + index];
      if (s2 === UNKNOWN) s2 = t.serviceNext(s, index);
      if (s2 === REFUSED) return false;
      out[0] = s2;
      const sCap = t.sCap;
      for (let x = 1; x < this.F; x++) {
        const g = this.groupOfSlot[x - 1];
        let b = t.settle[g][from[x] * sCap + s2];
        if (b === UNKNOWN) b = t.settled(g, s2, from[x]);
        out[x] = b;
      }
      return true;
    }
    const g = this.groupOfSlot[slot];
    let b = t.local[g][(from[1 + slot] * t.sCap + s) * t.localCount[g] + index];
    if (b === UNKNOWN) b = t.localNext(g, s, from[1 + slot], index);
    if (b === REFUSED) return false;
    for (let x = 0; x < this.F; x++) out[x] = from[x];
    out[1 + slot] = b;
    return true;
  }

  depthOf(id: number): number {
    let lo = 0;
    let hi = this.levelStart.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.levelStart[mid] <= id) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The BFS-tree path to `id`: the states [0, ..., id] and the alphabet events between them. */
  path(id: number): { states: number[]; events: number[] } {
    const states: number[] = [];
    const events: number[] = [];
    for (let s = id; s >= 0; s = this.set.parent[s]) {
      states.push(s);
      if (this.set.parent[s] >= 0) events.push(this.set.via[s]);
    }
    return { states: states.reverse(), events: events.reverse() };
  }

  /** A shortest trace from the initial state to state `id`: its path in the BFS tree. */
  traceTo(id: number): KpmEvent[] {
    return this.path(id).events.map((e) => this.dispatch.events[e]);
  }
}
