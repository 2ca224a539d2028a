/**
 * The fast explorer's transition tables, filled lazily by running the real `step()`.
 *
 * Services states and host blocks are interned to small integers (blocks per table group of
 * identically configured hosts, under the names of the group's representative host). These facts
 * make the tables exact:
 * - a service event maps services s to s' (or is refused), whatever the blocks: `svcNext`;
 * - it then maps each block b to settle(s', b): `settle`;
 * - a host-local event maps (s, b) to (s, b') or is refused, and leaves the services and the other
 *   blocks alone: `local` (checked on every entry computed);
 * - the automatic effects that follow another host's event leave (s, b) as it is: checked on every
 *   (s, b) pair a local event is computed from (`effectsOf`, once per pair);
 * - a host's steps read only the services and its own block (models/facts.ts): what the coupling
 *   recorder checks while the compositional check explores (coupling.ts), and the equality tests
 *   against the direct explorer.
 * A step that breaks one of them throws a CouplingError: the tables cannot hold such hosts apart.
 * Each entry is computed once through XState (on a template world with the parts swapped in) and is
 * an array lookup afterwards. Nothing here knows what an event does: a model variant gives other tables.
 */
import type { KpmEvent } from '../../models/events.ts';
import type { Model } from '../../models/index.ts';
import type { Topology } from '../../models/topology.ts';
import { formatEvent } from '../events.ts';
import { layoutOf, type Layout } from '../world/layout.ts';
import {
  effectsOf,
  footprintRecorder,
  initialWorld,
  recordFootprints,
  step,
  type World,
} from '../world/world.ts';
import { ReachedComponents } from './reached.ts';
import { StaticReads, type Read } from './static-reads.ts';
import {
  compose,
  partsKey,
  readBlock,
  readServices,
  relabel,
  unitSlots,
  type Block,
  type Services,
  type Unit,
} from './blocks.ts';
import { CouplingError } from './coupling.ts';
import { eventLayout, hostUnits, tableGroups, type EventLayout, type TableGroups } from './groups.ts';

/** Table entry not computed yet. */
export const UNKNOWN = -1;
/** Table entry: the event is refused there. */
export const REFUSED = -2;

export class Tables {
  readonly layout: Layout;
  /** The units of hosts whose blocks the tables keep (each host alone unless coupled). */
  readonly units: readonly Unit[];
  readonly template: World;
  readonly events: EventLayout;
  readonly groups: TableGroups;
  /** Local events per group (the same list, renamed, on every unit of a group). */
  readonly localCount: number[];
  readonly services: Services[] = [];
  readonly blocks: Block[][];
  /** Services capacity: the stride of the (block, services) tables. */
  sCap: number;
  /** [s * services events + e] → s', REFUSED or UNKNOWN. */
  svcNext: Int32Array;
  /** Per group: [(b * sCap + s) * localCount + l] → b', REFUSED or UNKNOWN. */
  readonly local: Int32Array[];
  /** Per group: [b * sCap + s'] → the block after the automatic effects under services s'. */
  readonly settle: Int32Array[];
  readonly initialServices: number;
  /** Per unit: its block in the initial state. */
  readonly initialBlocks: number[];
  /** How many times the tables called `step()`. */
  steps = 0;
  /** An entry failed its static-read check: its value stands in the tables, so they are never used again. */
  poisoned = false;

  private readonly servicesIds = new Map<string, number>();
  private readonly blockIds: Map<string, number>[];
  /** A service transition into each services state: settle(s', b) is computed by replaying it. */
  private svcPred: Int32Array;
  /** Per unit: its group's blocks renamed onto it, for decoding. */
  private readonly placed: Block[][];
  /** Closures already computed, by group and events. */
  private readonly closed = new Set<string>();
  /** Per group: the (s, b) pairs whose automatic effects were checked to change nothing. */
  private readonly settledPairs: Set<number>[];
  /** Each owned component (`kind\0id`): its unit, and its place in the unit's block. */
  private readonly slotOf = new Map<string, { unit: number; slot: number }>();
  /** Entries computed with other units' components asked, checked in their other states. */
  private readonly reads = new StaticReads(this);

  constructor(
    topology: Topology,
    readonly model: Model,
    units: readonly Unit[] = hostUnits(topology),
    /** Hosts outside the topology have events too (see ExploreOptions.partOfSite). */
    private readonly partOfSite = false,
  ) {
    this.layout = layoutOf(topology);
    this.units = units;
    this.events = eventLayout(topology, units);
    this.groups = tableGroups(topology, units);
    this.template = initialWorld(topology, model);
    const { representative, groupOfUnit } = this.groups;
    this.localCount = representative.map((u) => this.events.local[u].length);
    this.blocks = representative.map(() => []);
    this.blockIds = representative.map(() => new Map());
    this.settledPairs = representative.map(() => new Set());
    this.placed = units.map(() => []);
    units.forEach((unit, u) =>
      unitSlots(this.layout, unit).forEach(({ kind, id }, slot) =>
        this.slotOf.set(`${kind}\u0000${id}`, { unit: u, slot }),
      ),
    );
    const keyServers = topology.providers.filter((p) => p.kind !== 'native').length;
    this.sCap = 2 ** (1 + keyServers); // exact for the production model: each service up or down
    this.svcNext = new Int32Array(this.sCap * this.events.services.length).fill(UNKNOWN);
    this.svcPred = new Int32Array(this.sCap * 2).fill(UNKNOWN);
    this.local = representative.map(() => new Int32Array(0));
    this.settle = representative.map(() => new Int32Array(0));
    this.initialServices = this.internServices(readServices(this.layout, this.template));
    this.initialBlocks = units.map((unit, u) => {
      const rep = units[representative[groupOfUnit[u]]];
      const own = readBlock(this.layout, this.template, unit);
      return this.internBlock(groupOfUnit[u], relabel(this.layout, model, own, unit, rep));
    });
    this.initialBlocks.forEach((b, u) => this.reads.source(groupOfUnit[u], this.initialServices, b));
  }

  repOf(g: number): Unit {
    return this.units[this.groups.representative[g]];
  }

  // --- interning ---------------------------------------------------------------------------

  internServices(services: Services): number {
    const key = partsKey(services);
    let s = this.servicesIds.get(key);
    if (s === undefined) {
      s = this.services.length;
      this.services.push(services);
      this.servicesIds.set(key, s);
      if (s >= this.sCap) this.growServices();
    }
    return s;
  }

  internBlock(g: number, block: Block): number {
    const key = partsKey(block);
    let b = this.blockIds[g].get(key);
    if (b === undefined) {
      b = this.blocks[g].length;
      this.blocks[g].push(block);
      this.blockIds[g].set(key, b);
      this.ensureBlocks(g, b + 1);
    }
    return b;
  }

  private ensureBlocks(g: number, count: number): void {
    const stride = this.sCap * this.localCount[g];
    if (this.settle[g].length >= count * this.sCap) return;
    const cap = Math.max(64, 2 * count);
    const local = new Int32Array(cap * stride).fill(UNKNOWN);
    local.set(this.local[g]);
    this.local[g] = local;
    const settle = new Int32Array(cap * this.sCap).fill(UNKNOWN);
    settle.set(this.settle[g]);
    this.settle[g] = settle;
  }

  /** More services states than an up/down per service (a model variant): re-lay the tables out. */
  private growServices(): void {
    const old = this.sCap;
    const cap = old * 2;
    const n = this.events.services.length;
    const svcNext = new Int32Array(cap * n).fill(UNKNOWN);
    svcNext.set(this.svcNext);
    this.svcNext = svcNext;
    const pred = new Int32Array(cap * 2).fill(UNKNOWN);
    pred.set(this.svcPred);
    this.svcPred = pred;
    for (let g = 0; g < this.local.length; g++) {
      const L = this.localCount[g];
      const blocks = this.settle[g].length / old;
      const local = new Int32Array(blocks * cap * L).fill(UNKNOWN);
      const settle = new Int32Array(blocks * cap).fill(UNKNOWN);
      for (let b = 0; b < blocks; b++) {
        local.set(this.local[g].subarray(b * old * L, (b + 1) * old * L), b * cap * L);
        settle.set(this.settle[g].subarray(b * old, (b + 1) * old), b * cap);
      }
      this.local[g] = local;
      this.settle[g] = settle;
    }
    this.sCap = cap;
  }

  // --- lookups, computed on a miss -----------------------------------------------------------

  serviceNext(s: number, e: number): number {
    const i = s * this.events.services.length + e;
    const known = this.svcNext[i];
    if (known !== UNKNOWN) return known;
    const event = this.events.services[e];
    const { result, reached } = this.watching(() =>
      this.run(compose(this.layout, this.template, this.services[s], []), event),
    );
    // Computed with every host as it starts: it must not ask any of them (a broadcast would).
    if (reached.some((key) => this.slotOf.has(key))) {
      this.poisoned = true;
      throw new CouplingError({
        hosts: 'every host',
        reason: `${formatEvent(event)} asks components of hosts: the services' next state would depend on them`,
      });
    }
    const next = result === null ? REFUSED : this.internServices(readServices(this.layout, result));
    this.svcNext[s * this.events.services.length + e] = next;
    if (next >= 0 && this.svcPred[2 * next] === UNKNOWN) {
      this.svcPred[2 * next] = s;
      this.svcPred[2 * next + 1] = e;
    }
    return next;
  }

  localNext(g: number, s: number, b: number, l: number): number {
    const L = this.localCount[g];
    const known = this.local[g][(b * this.sCap + s) * L + l];
    if (known !== UNKNOWN) return known;
    const rep = this.groups.representative[g];
    const world = this.placeAtRepresentative(g, s, b);
    const event = this.events.local[rep][l];
    // Another unit's event: of the tables' own units, or of a host outside this part of a site.
    // The whole site as one unit has no other (every host coupled: the full product).
    if (this.units.length > 1 || this.partOfSite) this.checkSettled(g, s, b, world, event);
    const { result, reads } = this.runReading(world, event, rep);
    let next = REFUSED;
    if (result !== null) {
      this.checkOnlyUnitChanged(world, result, this.units[rep], event);
      next = this.internBlock(g, readBlock(this.layout, result, this.units[rep]));
    }
    this.local[g][(b * this.sCap + s) * L + l] = next;
    if (next !== REFUSED) this.reads.source(g, s, next);
    this.reads.entry({ g, s, b, event, services: s, result: next, local: true }, reads);
    return next;
  }

  /** The block b after the automatic effects that follow a service event into services `s2`. */
  settled(g: number, s2: number, b: number): number {
    const known = this.settle[g][b * this.sCap + s2];
    if (known !== UNKNOWN) return known;
    const s = this.svcPred[2 * s2];
    const e = this.svcPred[2 * s2 + 1];
    if (s === UNKNOWN) throw new Error(`no service transition into services state ${s2} is known`);
    const event = this.events.services[e];
    const { result, reads } = this.runReading(
      this.placeAtRepresentative(g, s, b),
      event,
      this.groups.representative[g],
    );
    if (result === null) throw new Error('a service event was refused in one world and applied in another');
    const next = this.internBlock(g, readBlock(this.layout, result, this.repOf(g)));
    this.settle[g][b * this.sCap + s2] = next;
    this.reads.source(g, s2, next);
    this.reads.entry({ g, s, b, event, services: s2, result: next, local: false }, reads);
    return next;
  }

  /**
   * A unit's own event must leave the services and every other unit as they were: the tables
   * depend on it (and models/components.ts, by giving each component an owner, promises it).
   */
  private checkOnlyUnitChanged(before: World, after: World, unit: Unit, event: KpmEvent): void {
    const same = (a: readonly unknown[], b: readonly unknown[]) => a.every((x, i) => x === b[i]);
    const servicesBefore = readServices(this.layout, before);
    const servicesAfter = readServices(this.layout, after);
    if (!same(servicesAfter, servicesBefore) && partsKey(servicesAfter) !== partsKey(servicesBefore)) {
      throw new CouplingError({
        hosts: 'every host',
        reason: `${formatEvent(event)}, an event of ${unit.join(' + ')}, changed the shared services`,
      });
    }
    // A component that only answered (a static read, `verifyRead`) is a new snapshot, equal to the old.
    const unchanged = (u: Unit) => {
      const [a, b] = [readBlock(this.layout, after, u), readBlock(this.layout, before, u)];
      return same(a, b) || partsKey(a) === partsKey(b);
    };
    const other = this.units.find((u) => u !== unit && !unchanged(u));
    if (other !== undefined) {
      throw new CouplingError({
        hosts: [...unit, ...other],
        reason: `${formatEvent(event)}, an event of ${unit.join(' + ')}, changed ${other.join(' + ')}`,
      });
    }
  }

  /**
   * Another unit's event is followed by the automatic effects on every host (models/site.ts,
   * `settle`): on a reachable pair (s, b), which the effects of the event that led there have
   * already settled, they must change nothing, or that other unit's event would change this one.
   * Checked once per pair, with the effects that follow `event` (an event of the group's unit).
   */
  private checkSettled(g: number, s: number, b: number, world: World, event: KpmEvent): void {
    const key = b * 0x400000 + s; // not sCap, which grows
    if (this.settledPairs[g].has(key)) return;
    this.steps++;
    const { result: after, reached } = this.watching(() => effectsOf(world, event));
    const unit = this.repOf(g);
    const rep = this.groups.representative[g];
    // The other units are as they start here: effects that asked them would hold for that state only.
    if (reached.some((key) => this.slotOf.has(key) && this.slotOf.get(key)?.unit !== rep)) {
      this.poisoned = true;
      throw new CouplingError({
        hosts: 'every host',
        reason: `the automatic effects that follow ${formatEvent(event)} ask other hosts' components`,
      });
    }
    const changed =
      partsKey(readServices(this.layout, after)) !== partsKey(this.services[s])
        ? 'the shared services'
        : partsKey(readBlock(this.layout, after, unit)) !== partsKey(this.blocks[g][b])
          ? unit.join(' + ')
          : null;
    if (changed !== null) {
      throw new CouplingError({
        hosts: 'every host',
        reason: `the automatic effects that follow an event change ${changed} again: another host's event would change it`,
      });
    }
    this.settledPairs[g].add(key);
  }

  placeAtRepresentative(g: number, s: number, b: number): World {
    return compose(this.layout, this.template, this.services[s], [[this.repOf(g), this.blocks[g][b]]]);
  }

  private run(world: World, event: KpmEvent): World | null {
    this.steps++;
    const result = step(world, event);
    return result.outcome === 'applied' ? result.world : null;
  }

  // --- static reads ----------------------------------------------------------------------------

  /** `fn`, and the components (`kind\0id`) broadcasts reached meanwhile; the recorder still sees all. */
  private watching<T>(fn: () => T): { result: T; reached: readonly string[] } {
    const watch = new ReachedComponents(footprintRecorder());
    const result = recordFootprints(watch, fn);
    return { result, reached: watch.seen };
  }

  /**
   * `run`, noting the components of other units that the step's messages reached (a broadcast
   * reaches them all: models/boot.ts under `keyScope: 'cluster'`). They are at their initial
   * snapshots in the world the entry is computed on; static-reads.ts makes sure that does not matter.
   */
  private runReading(world: World, event: KpmEvent, rep: number): { result: World | null; reads: Read[] } {
    const { result, reached } = this.watching(() => this.run(world, event));
    const reads: Read[] = [];
    for (const key of reached) {
      const at = this.slotOf.get(key);
      if (at !== undefined && at.unit !== rep && !reads.some((r) => r.unit === at.unit && r.slot === at.slot))
        reads.push(at);
    }
    return { result, reads };
  }

  /**
   * Fills the tables for every (services, block) pair that group g can reach from its hosts'
   * initial pairs with the given service and local events (indices into the layout). Returns the
   * number of blocks the group then has, or -1 when more than `budget` pairs are reachable (the
   * rest of the tables then fills lazily during the search).
   */
  close(g: number, serviceEvents: readonly number[], localEvents: readonly number[], budget: number): number {
    const id = JSON.stringify([g, serviceEvents, localEvents]);
    if (this.closed.has(id)) return this.blocks[g].length;
    const seen = new Set<number>();
    const queue: number[] = [];
    const visit = (s: number, b: number) => {
      const key = b * 65536 + s;
      if (seen.has(key)) return;
      seen.add(key);
      queue.push(s, b);
    };
    this.initialBlocks.forEach((b, u) => {
      if (this.groups.groupOfUnit[u] === g) visit(this.initialServices, b);
    });
    for (let i = 0; i < queue.length; i += 2) {
      if (seen.size > budget) return -1;
      const [s, b] = [queue[i], queue[i + 1]];
      for (const e of serviceEvents) {
        const s2 = this.serviceNext(s, e);
        if (s2 !== REFUSED) visit(s2, this.settled(g, s2, b));
      }
      for (const l of localEvents) {
        const b2 = this.localNext(g, s, b, l);
        if (b2 !== REFUSED) visit(s, b2);
      }
    }
    this.closed.add(id);
    return this.blocks[g].length;
  }

  // --- decoding --------------------------------------------------------------------------------

  /** Block b of unit u's group, with the names of unit u. */
  blockOn(u: number, b: number): Block {
    const cached = this.placed[u][b];
    if (cached !== undefined) return cached;
    const g = this.groups.groupOfUnit[u];
    const block = relabel(this.layout, this.model, this.blocks[g][b], this.repOf(g), this.units[u]);
    this.placed[u][b] = block;
    return block;
  }

  /** The world with services `s` and block `blockOf(u)` on each unit u. */
  world(s: number, blockOf: (u: number) => number): World {
    const placed = this.units.map((unit, u) => [unit, this.blockOn(u, blockOf(u))] as const);
    return compose(this.layout, this.template, this.services[s], placed);
  }
}

const cache = new WeakMap<object, WeakMap<Topology, WeakMap<Model, Map<string, Tables>>>>();
const UNRECORDED = {};

/**
 * One set of tables per topology, model and units, shared by every alphabet and exploration; and
 * per footprint recorder (src/explore/coupling.ts): a recorder judges the steps the tables run,
 * so it must never be given entries that other runs filled without it.
 */
export function tablesFor(
  topology: Topology,
  model: Model,
  units?: readonly Unit[],
  partOfSite = false,
): Tables {
  const scope = footprintRecorder() ?? UNRECORDED;
  let byTopology = cache.get(scope);
  if (!byTopology) cache.set(scope, (byTopology = new WeakMap()));
  let byModel = byTopology.get(topology);
  if (!byModel) byTopology.set(topology, (byModel = new WeakMap()));
  let byUnits = byModel.get(model);
  if (!byUnits) byModel.set(model, (byUnits = new Map()));
  const list = units ?? hostUnits(topology);
  const key = JSON.stringify([list, partOfSite]);
  let tables = byUnits.get(key);
  if (!tables || tables.poisoned) byUnits.set(key, (tables = new Tables(topology, model, list, partOfSite)));
  return tables;
}
