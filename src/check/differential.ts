/**
 * AV-04 and AV-07 on explored graphs: the two runs of one trace (with and without the events that
 * must not matter, or on two variants of the site) explored together, breadth-first, as pairs of
 * states. The first pair that disagrees gives the shortest differential counterexample.
 *
 * Each run moves through the fast explorer's tables (src/explore/tables.ts), so a pair's successor
 * is two table look-ups, and pairs are kept bit-packed in a StateSet: no XState and no JSON per pair.
 */
import { productionModel, type Model } from '../../models/index.ts';
import type { KpmEvent } from '../../models/events.ts';
import { formatEvent } from '../events.ts';
import { inAlphabet, type AlphabetName } from '../catalogue/alphabets.ts';
import type { Check } from '../catalogue/plan.ts';
import { Observations } from '../explore/observation-pieces.ts';
import { PackedSearch } from '../explore/packed.ts';
import { StateSet } from '../explore/state-set.ts';
import { tablesFor } from '../explore/tables.ts';
import type { ObservedState } from '../world/observe.ts';

export interface DifferentialResult {
  complete: boolean;
  pairs: number;
  /** The shortest trace on which the two runs disagree, and how; null when none was found. */
  counterexample: { trace: KpmEvent[]; message: string } | null;
}

/**
 * `focus` narrows the events further: a host's state changes only through the shared services and
 * its own events, so a property about one host's VMs is decided exactly, and far faster, on the
 * events of the services and of that host alone (other hosts then stay as they start).
 */
export function exploreDifferential(
  alphabet: AlphabetName,
  check: Extract<Check, { kind: 'differential' }>,
  limits: { maxStates: number },
  model?: Model,
  focus: (event: KpmEvent) => boolean = () => true,
  units?: readonly (readonly string[])[],
  partOfSite = false,
): DifferentialResult {
  const letters = (e: KpmEvent) => inAlphabet(alphabet, e) && focus(e);
  const side = (topology: typeof check.left) => {
    const tables = tablesFor(topology, model ?? productionModel, units, partOfSite);
    // Bounded as the pairs are: closing the tables past the bound costs what the pairs would not.
    const search = new PackedSearch(tables, {
      alphabet: letters,
      closureBudget: Math.min(limits.maxStates, 1 << 16),
    });
    return { search, observations: new Observations(tables), F: search.F };
  };
  const left = side(check.left);
  const right = check.right === check.left ? left : side(check.right);
  const events = left.search.dispatch.events;
  if (events.map(formatEvent).join() !== right.search.dispatch.events.map(formatEvent).join()) {
    throw new Error('the two runs of a differential property must have the same events');
  }
  const skip = events.map((e) => check.skipRight(e));
  const FL = left.F;
  const FR = right.F;
  const set = new StateSet(new Array<number>(FL + FR).fill(4));
  const pair = new Uint32Array(FL + FR);
  const from = new Uint32Array(FL + FR);
  const l = new Uint32Array(FL);
  const r = new Uint32Array(FR);
  const nl = new Uint32Array(FL);
  const nr = new Uint32Array(FR);
  pair.set(left.search.set.read(0, l), 0);
  pair.set(right.search.set.read(0, r), FL);
  set.find(pair);
  set.add(-1, -1);
  const compare = (fields: Uint32Array) =>
    check.compare(observed(left.observations, fields, 0, FL), observed(right.observations, fields, FL, FR));
  const initialBad = compare(pair);
  if (initialBad) return { complete: true, pairs: 1, counterexample: { trace: [], message: initialBad } };
  for (let id = 0; id < set.count; id++) {
    set.read(id, from);
    l.set(from.subarray(0, FL));
    r.set(from.subarray(FL));
    for (let e = 0; e < events.length; e++) {
      if (!left.search.successor(l, e, nl)) nl.set(l);
      if (skip[e] || !right.search.successor(r, e, nr)) nr.set(r);
      pair.set(nl, 0);
      pair.set(nr, FL);
      if (set.find(pair) >= 0) continue;
      const bad = compare(pair);
      if (bad) {
        const trace = [...traceOf(set, id, events), events[e]];
        return { complete: true, pairs: set.count, counterexample: { trace, message: bad } };
      }
      if (set.count >= limits.maxStates) return { complete: false, pairs: set.count, counterexample: null };
      set.add(id, e);
    }
  }
  return { complete: true, pairs: set.count, counterexample: null };
}

function observed(observations: Observations, fields: Uint32Array, at: number, count: number): ObservedState {
  return observations.state(fields.subarray(at, at + count));
}

function traceOf(set: StateSet, id: number, events: readonly KpmEvent[]): KpmEvent[] {
  const trace: KpmEvent[] = [];
  for (let s = id; set.parent[s] >= 0; s = set.parent[s]) trace.push(events[set.via[s]]);
  return trace.reverse();
}
