/**
 * The exhaustive explorer of `kpm check`: every state reachable from the steady initial state over
 * an alphabet, breadth-first, so that the first state (or step) found with a property is at the end
 * of a shortest trace. See packed.ts for the search, tables.ts for how successors are derived from
 * the statecharts. Traces replay through `step()` to the state they claim.
 *
 * It explores the product of every host of the topology it is given, each unit of hosts (each host,
 * unless `units` says that some are coupled) as one block. Sites of many hosts are checked on their
 * parts (the services and one host, or a few coupled ones) by src/check/compose.ts, which gives
 * each part to this explorer as a topology of its own.
 */
import { productionModel, type Model } from '../../models/index.ts';
import type { KpmEvent } from '../../models/events.ts';
import type { Topology } from '../../models/topology.ts';
import type { ObservedState } from '../world/observe.ts';
import type { World } from '../world/world.ts';
import type { Alphabet } from './instances.ts';
import type { Bounds } from './direct.ts';
import { Observations } from './observation-pieces.ts';
import { PackedSearch, type SearchProgress } from './packed.ts';
import { CouplingError, CouplingRecorder, UnexplorableModel } from './coupling.ts';
import { layoutOf } from '../world/layout.ts';
import { recordFootprints } from '../world/world.ts';
import { tablesFor, type Tables } from './tables.ts';

export type { SearchProgress } from './packed.ts';

export interface ExploreOptions extends Bounds {
  /** The events the search may use (`alphabetFilter(name)` of src/catalogue/alphabets.ts); every instance by default. */
  alphabet?: Alphabet;
  /**
   * Hosts kept as one block each (every host alone by default). The tables hold units apart, which
   * is exact only if nothing couples them: src/check/compose.ts finds out, and passes coupled hosts
   * as one unit.
   */
  units?: readonly (readonly string[])[];
  /**
   * The topology is a part of a larger site (src/check/compose.ts): hosts outside it have events
   * whose automatic effects reach these hosts, so the tables check those effects even when they
   * hold a single unit.
   */
  partOfSite?: boolean;
  /** Called every 65,536 expanded states. */
  onProgress?: (p: SearchProgress) => void;
}

export interface StepFinding {
  /** The step's source state. */
  from: number;
  event: KpmEvent;
  message: string;
  /** A shortest trace ending with the step. */
  trace: KpmEvent[];
}

export interface Exploration {
  /** False when `maxStates` or `maxDepth` stopped the search before the fixpoint. */
  readonly complete: boolean;
  /** Distinct states; ids are 0..states-1 in BFS order, 0 the initial state. */
  readonly states: number;
  /** Applied steps out of expanded states (self-loops included, refused steps not). */
  readonly transitions: number;
  /** Greatest BFS depth reached. */
  readonly depth: number;
  /** The alphabet's event instances, in instances.ts order. */
  readonly events: readonly KpmEvent[];
  depthOf(id: number): number;
  /** The world of state `id` (decoded from the tables; composed on each call). */
  world(id: number): World;
  /** `observe(world(id))`, assembled from memoised frozen pieces, much cheaper than `world`. */
  observed(id: number): ObservedState;
  /** Every reachable state once, in BFS order, with its world decoded on demand. */
  forEachState(fn: (id: number, world: () => World) => void): void;
  /** A shortest concrete trace from the initial state to state `id`. */
  traceTo(id: number): KpmEvent[];
  /**
   * Every alphabet event from every expanded state (every state of a complete exploration; a bound
   * leaves the last ones unexpanded), in BFS order of `from`, streamed: `to` is the successor's id
   * (`from` when refused). `event` applies to `world(from)`. The applied ones number `transitions`
   * (of a complete exploration).
   */
  forEachTransition(fn: (from: number, event: KpmEvent, to: number, applied: boolean) => void): void;
  /** The first state in BFS order (so with a shortest trace) whose world satisfies `pred`. */
  findFirst(pred: (world: World) => boolean): number | null;
  /** As `findFirst`, on observations (much cheaper: no XState, memoised pieces). */
  findFirstObserved(pred: (state: ObservedState) => boolean): number | null;
  /** The first applied step out of an expanded state (of least depth) that `check` rejects. */
  findFirstStep(
    check: (before: ObservedState, event: KpmEvent, after: ObservedState) => string | null,
  ): StepFinding | null;
  /** The units of hosts explored as one block each (each host alone unless coupled), topology order. */
  readonly units: readonly (readonly string[])[];
  /** State `id` as the tables hold it: the services' index, then one block index per unit. */
  packed(id: number): { services: number; blocks: number[] };
  /** Sizes, for reports and the bench. */
  stats(): ExplorationStats;
}

export interface ExplorationStats {
  /** `step()` calls made to fill the tables (shared by every exploration of the same tables). */
  tableSteps: number;
  servicesStates: number;
  /** Distinct blocks per table group (hosts of one configuration share their blocks). */
  blocksPerGroup: number[];
  /** Bytes of the visited set. */
  bytes: number;
}

const everything: Alphabet = () => true;

/**
 * The whole site, with the hosts that turn out coupled (a CouplingError of the tables: a step of
 * one host that changes another, or the services) merged into one unit and explored again, until
 * nothing couples the units. For the commands that need the whole site's graph (kpm paths, the
 * review's losses); kpm check decides most properties on parts instead (src/check/compose.ts).
 */
export function exploreSite(
  topology: Topology,
  options: Omit<ExploreOptions, 'units'> = {},
  model: Model = productionModel,
): Exploration {
  let units: string[][] = topology.hosts.map((h) => [h.id]);
  const all = topology.hosts.map((h) => h.id);
  for (;;) {
    // Every step watched, as kpm check watches its parts: a step that reads or reaches another
    // unit's hosts couples them, not only one the tables' own checks catch.
    const apart = (hosts: readonly string[] | 'every host') =>
      hosts === 'every host'
        ? units.length > 1
        : new Set(hosts.map((h) => units.findIndex((u) => u.includes(h)))).size > 1;
    // The whole site is one part: only couplings of blocks matter here.
    const recorder = new CouplingRecorder(layoutOf(topology), all, (coupling) => {
      if (coupling.level !== 'part' && apart(coupling.hosts)) throw new CouplingError(coupling);
    });
    try {
      return recordFootprints(recorder, () => {
        const exploration = explore(topology, { ...options, units }, model);
        recorder.flush();
        return exploration;
      });
    } catch (error) {
      if (!(error instanceof CouplingError)) throw error;
      const { hosts } = error.coupling;
      const coupled = hosts === 'every host' ? units : units.filter((u) => u.some((h) => hosts.includes(h)));
      if (coupled.length < 2) throw new UnexplorableModel(error.coupling);
      const merged = topology.hosts.map((h) => h.id).filter((h) => coupled.some((u) => u.includes(h)));
      units = [merged, ...units.filter((u) => !coupled.includes(u))];
      units.sort((a, b) => order(topology, a[0]) - order(topology, b[0]));
    }
  }
}

const order = (topology: Topology, host: string) => topology.hosts.findIndex((h) => h.id === host);

export function explore(
  topology: Topology,
  options: ExploreOptions = {},
  model: Model = productionModel,
): Exploration {
  const tables = tablesFor(topology, model, options.units, options.partOfSite ?? false);
  const search = new PackedSearch(tables, {
    alphabet: options.alphabet ?? everything,
    capacity: Math.min(options.maxStates ?? 0, 1 << 20) || undefined,
    // Each (services, block) pair the closure visits is a state of the search, or a projection of
    // one: past the bound, closing costs what the search itself would not.
    closureBudget: options.maxStates === undefined ? undefined : Math.min(options.maxStates, 1 << 16),
  });
  return new PackedExploration(search.run(options));
}

class PackedExploration implements Exploration {
  private readonly tables: Tables;
  private readonly observations: Observations;
  private readonly words: Uint32Array;

  constructor(private readonly search: PackedSearch) {
    this.tables = search.tables;
    this.observations = new Observations(search.tables);
    this.words = new Uint32Array(search.F);
  }

  get complete() {
    return this.search.complete;
  }
  get states() {
    return this.search.set.count;
  }
  get transitions() {
    return this.search.transitions;
  }
  get depth() {
    return this.search.depth;
  }
  get units() {
    return this.tables.units;
  }
  get events() {
    return this.search.dispatch.events;
  }

  depthOf(id: number): number {
    this.checkId(id);
    return this.search.depthOf(id);
  }

  world(id: number): World {
    this.checkId(id);
    const fields = this.search.set.read(id, this.words);
    return this.tables.world(fields[0], (h) => fields[1 + h]);
  }

  observed(id: number): ObservedState {
    this.checkId(id);
    return this.observations.state(this.search.set.read(id, this.words));
  }

  forEachState(fn: (id: number, world: () => World) => void): void {
    for (let id = 0; id < this.states; id++) fn(id, () => this.world(id));
  }

  traceTo(id: number): KpmEvent[] {
    this.checkId(id);
    return this.search.traceTo(id);
  }

  forEachTransition(fn: (from: number, event: KpmEvent, to: number, applied: boolean) => void): void {
    const events = this.search.dispatch.events;
    this.eachStep((id, e, _from, next, applied) => {
      fn(id, events[e], applied ? this.search.set.find(next) : id, applied);
    });
  }

  /** Every alphabet event from every expanded state, in BFS order. `visit` returns true to stop. */
  private eachStep(
    visit: (id: number, e: number, from: Uint32Array, next: Uint32Array, applied: boolean) => boolean | void,
  ): void {
    const { search } = this;
    const from = new Uint32Array(search.F);
    const next = new Uint32Array(search.F);
    const count = search.dispatch.events.length;
    for (let id = 0; id < this.states && search.expanded(id); id++) {
      search.set.read(id, from);
      for (let e = 0; e < count; e++) {
        const applied = search.successor(from, e, next);
        if (visit(id, e, from, next, applied)) return;
      }
    }
  }

  findFirst(pred: (world: World) => boolean): number | null {
    for (let id = 0; id < this.states; id++) if (pred(this.world(id))) return id;
    return null;
  }

  findFirstObserved(pred: (state: ObservedState) => boolean): number | null {
    for (let id = 0; id < this.states; id++) if (pred(this.observed(id))) return id;
    return null;
  }

  findFirstStep(
    check: (before: ObservedState, event: KpmEvent, after: ObservedState) => string | null,
  ): StepFinding | null {
    const events = this.search.dispatch.events;
    let found: StepFinding | null = null;
    let beforeId = -1;
    let before: ObservedState | null = null;
    this.eachStep((id, e, from, next, applied) => {
      if (!applied) return false;
      if (id !== beforeId) [beforeId, before] = [id, this.observations.state(from)];
      const message = check(before as ObservedState, events[e], this.observations.state(next));
      if (message === null) return false;
      found = { from: id, event: events[e], message, trace: [...this.traceTo(id), events[e]] };
      return true;
    });
    return found;
  }

  packed(id: number): { services: number; blocks: number[] } {
    this.checkId(id);
    const fields = this.search.set.read(id, this.words);
    return { services: fields[0], blocks: Array.from(fields.subarray(1)) };
  }

  stats(): ExplorationStats {
    return {
      tableSteps: this.tables.steps,
      servicesStates: this.tables.services.length,
      blocksPerGroup: this.tables.blocks.map((b) => b.length),
      bytes: this.search.set.bytes(),
    };
  }

  private checkId(id: number): void {
    if (!Number.isInteger(id) || id < 0 || id >= this.states) throw new RangeError(`no state ${id}`);
  }
}
