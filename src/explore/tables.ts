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
import { effectsOf, initialWorld, step, type World } from '../world/world.ts';
import { compose, partsKey, readBlock, readServices, relabel, type Block, type Services } from './blocks.ts';
import { CouplingError } from './coupling.ts';
import { eventLayout, tableGroups, type EventLayout, type TableGroups } from './groups.ts';

/** Table entry not computed yet. */
export const UNKNOWN = -1;
/** Table entry: the event is refused there. */
export const REFUSED = -2;

export class Tables {
  readonly layout: Layout;
  readonly template: World;
  readonly events: EventLayout;
  readonly groups: TableGroups;
  /** Local events per group (the same list, renamed, on every host of a group). */
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
  /** Per host: its block in the initial state. */
  readonly initialBlocks: number[];
  /** How many times the tables called `step()`. */
  steps = 0;

  private readonly servicesIds = new Map<string, number>();
  private readonly blockIds: Map<string, number>[];
  /** A service transition into each services state: settle(s', b) is computed by replaying it. */
  private svcPred: Int32Array;
  /** Per host: its group's blocks renamed onto it, for decoding. */
  private readonly placed: Block[][];
  /** Closures already computed, by group and events. */
  private readonly closed = new Set<string>();
  /** Per group: the (s, b) pairs whose automatic effects were checked to change nothing. */
  private readonly settledPairs: Set<number>[];

  constructor(
    topology: Topology,
    readonly model: Model,
  ) {
    this.layout = layoutOf(topology);
    this.events = eventLayout(topology);
    this.groups = tableGroups(topology);
    this.template = initialWorld(topology, model);
    const { representative, groupOfHost } = this.groups;
    this.localCount = representative.map((h) => this.events.local[h].length);
    this.blocks = representative.map(() => []);
    this.blockIds = representative.map(() => new Map());
    this.settledPairs = representative.map(() => new Set());
    this.placed = topology.hosts.map(() => []);
    const keyServers = topology.providers.filter((p) => p.kind !== 'native').length;
    this.sCap = 2 ** (1 + keyServers); // exact for the production model: each service up or down
    this.svcNext = new Int32Array(this.sCap * this.events.services.length).fill(UNKNOWN);
    this.svcPred = new Int32Array(this.sCap * 2).fill(UNKNOWN);
    this.local = representative.map(() => new Int32Array(0));
    this.settle = representative.map(() => new Int32Array(0));
    this.initialServices = this.internServices(readServices(this.layout, this.template));
    this.initialBlocks = topology.hosts.map((_, h) => {
      const rep = representative[groupOfHost[h]];
      const own = readBlock(this.layout, this.template, this.hostId(h));
      return this.internBlock(
        groupOfHost[h],
        relabel(this.layout, model, own, this.hostId(h), this.hostId(rep)),
      );
    });
  }

  private hostId(h: number): string {
    return this.layout.topology.hosts[h].id;
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
    const result = this.run(
      compose(this.layout, this.template, this.services[s], []),
      this.events.services[e],
    );
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
    this.checkSettled(g, s, b, world, this.events.local[rep][l]);
    const result = this.run(world, this.events.local[rep][l]);
    let next = REFUSED;
    if (result !== null) {
      this.checkOnlyHostChanged(world, result, this.hostId(rep), this.events.local[rep][l]);
      next = this.internBlock(g, readBlock(this.layout, result, this.hostId(rep)));
    }
    this.local[g][(b * this.sCap + s) * L + l] = next;
    return next;
  }

  /** The block b after the automatic effects that follow a service event into services `s2`. */
  settled(g: number, s2: number, b: number): number {
    const known = this.settle[g][b * this.sCap + s2];
    if (known !== UNKNOWN) return known;
    const s = this.svcPred[2 * s2];
    const e = this.svcPred[2 * s2 + 1];
    if (s === UNKNOWN) throw new Error(`no service transition into services state ${s2} is known`);
    const result = this.run(this.placeAtRepresentative(g, s, b), this.events.services[e]);
    if (result === null) throw new Error('a service event was refused in one world and applied in another');
    const rep = this.groups.representative[g];
    const next = this.internBlock(g, readBlock(this.layout, result, this.hostId(rep)));
    this.settle[g][b * this.sCap + s2] = next;
    return next;
  }

  /**
   * A host's own event must leave the services and every other host as they were: the tables
   * depend on it (and models/components.ts, by giving each component an owner, promises it).
   */
  private checkOnlyHostChanged(before: World, after: World, host: string, event: KpmEvent): void {
    const same = (a: readonly unknown[], b: readonly unknown[]) => a.every((x, i) => x === b[i]);
    if (partsKey(readServices(this.layout, after)) !== partsKey(readServices(this.layout, before))) {
      throw new CouplingError({
        hosts: 'every host',
        reason: `${formatEvent(event)}, an event of ${host}, changed the shared services`,
      });
    }
    const other = this.layout.topology.hosts
      .map((h) => h.id)
      .find((h) => h !== host && !same(readBlock(this.layout, after, h), readBlock(this.layout, before, h)));
    if (other !== undefined) {
      throw new CouplingError({
        hosts: [host, other],
        reason: `${formatEvent(event)}, an event of ${host}, changed ${other}`,
      });
    }
  }

  /**
   * Another host's event is followed by the automatic effects on every host (models/site.ts,
   * `settle`): on a reachable pair (s, b), which the effects of the event that led there have
   * already settled, they must change nothing, or that other host's event would change this one.
   * Checked once per pair, with the effects that follow `event` (an event of the group's host).
   */
  private checkSettled(g: number, s: number, b: number, world: World, event: KpmEvent): void {
    const key = b * 0x400000 + s; // not sCap, which grows
    if (this.settledPairs[g].has(key)) return;
    this.steps++;
    const after = effectsOf(world, event);
    const host = this.hostId(this.groups.representative[g]);
    const changed =
      partsKey(readServices(this.layout, after)) !== partsKey(this.services[s])
        ? 'the shared services'
        : partsKey(readBlock(this.layout, after, host)) !== partsKey(this.blocks[g][b])
          ? host
          : null;
    if (changed !== null) {
      throw new CouplingError({
        hosts: 'every host',
        reason: `the automatic effects that follow an event change ${changed} again: another host's event would change it`,
      });
    }
    this.settledPairs[g].add(key);
  }

  private placeAtRepresentative(g: number, s: number, b: number): World {
    const rep = this.hostId(this.groups.representative[g]);
    return compose(this.layout, this.template, this.services[s], [[rep, this.blocks[g][b]]]);
  }

  private run(world: World, event: KpmEvent): World | null {
    this.steps++;
    const result = step(world, event);
    return result.outcome === 'applied' ? result.world : null;
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
    this.initialBlocks.forEach((b, h) => {
      if (this.groups.groupOfHost[h] === g) visit(this.initialServices, b);
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

  /** Block b of host h's group, with the names of host h. */
  blockOn(h: number, b: number): Block {
    const cached = this.placed[h][b];
    if (cached !== undefined) return cached;
    const g = this.groups.groupOfHost[h];
    const rep = this.groups.representative[g];
    const block = relabel(this.layout, this.model, this.blocks[g][b], this.hostId(rep), this.hostId(h));
    this.placed[h][b] = block;
    return block;
  }

  /** The world with services `s` and block `blockOf(h)` on each host h (topology index). */
  world(s: number, blockOf: (h: number) => number): World {
    const hosts = this.layout.topology.hosts;
    const placed = hosts.map((host, h) => [host.id, this.blockOn(h, blockOf(h))] as const);
    return compose(this.layout, this.template, this.services[s], placed);
  }
}

const cache = new WeakMap<Topology, WeakMap<Model, Tables>>();

/** One set of tables per topology and model, shared by every alphabet and exploration. */
export function tablesFor(topology: Topology, model: Model): Tables {
  let byModel = cache.get(topology);
  if (!byModel) cache.set(topology, (byModel = new WeakMap()));
  let tables = byModel.get(model);
  if (!tables) byModel.set(model, (tables = new Tables(topology, model)));
  return tables;
}
