/**
 * Per-host checks over an exploration, each evaluated once per distinct (host, services, block)
 * or (host, services, block, event) and remembered: most properties of key-persistence.md are
 * "on every host, ..." and a site has far fewer distinct host blocks than states.
 *
 * Symmetry-exact: with interchangeable hosts explored one orbit at a time, a check of host h is
 * tried on every block its symmetry class holds in the state, and a finding's trace is rebuilt for
 * the arrangement that puts the offending block on h.
 */
import type { KpmEvent } from '../../models/events.ts';
import { formatEvent } from '../events.ts';
import type { ObservedState } from '../world/observe.ts';
import type { Observations } from './observation-pieces.ts';
import type { PackedSearch } from './packed.ts';
import { REFUSED, type Tables } from './tables.ts';

/**
 * A check of one host: `view` holds the services, `hosts[host]` and the VMs on `host` only.
 * Returns why the host is in a bad state, or null. It must read nothing else of the view.
 */
export type HostStateCheck = (view: ObservedState, host: string) => string | null;

/**
 * A check of one host across one applied step. Called for the steps that can change the host's
 * block: the host's own events (and its VMs'), and every service event. A step of another host
 * leaves this host's view unchanged and is not checked for it.
 */
export type HostStepCheck = (
  before: ObservedState,
  event: KpmEvent,
  after: ObservedState,
  host: string,
) => string | null;

export interface HostFinding {
  /** The state found (a step check: the step's source), as an id of the exploration. */
  state: number;
  host: string;
  message: string;
  /**
   * A shortest concrete trace: to the bad state (state checks), or to the step's source followed by
   * the step's event (step checks). Replays through `step()`.
   */
  trace: KpmEvent[];
}

export interface HostCheckOptions {
  /** The hosts to check (ids); every host by default. */
  hosts?: readonly string[];
}

export interface HostStateCheckOptions extends HostCheckOptions {
  /**
   * Check the state reached by applying these events (refused ones change nothing) instead of the
   * state itself: LV-01's recovery. A host's result still depends only on the services and its
   * block, so it is computed once per pair.
   */
  after?: readonly KpmEvent[];
}

const UNSEEN = 0;
const GOOD = 1;
const BAD = 2;

/** A verdict per integer key, grown on demand, with the messages of the bad ones. */
class Memo {
  private marks = new Uint8Array(1024);
  readonly messages = new Map<number, string>();

  /** UNSEEN, GOOD or BAD. */
  verdict(key: number): number {
    return key < this.marks.length ? this.marks[key] : UNSEEN;
  }

  record(key: number, message: string | null): number {
    if (key >= this.marks.length) {
      let size = this.marks.length;
      while (size <= key) size *= 2;
      const marks = new Uint8Array(size);
      marks.set(this.marks);
      this.marks = marks;
    }
    this.marks[key] = message === null ? GOOD : BAD;
    if (message !== null) this.messages.set(key, message);
    return this.marks[key];
  }
}

export class HostChecks {
  private readonly t: Tables;

  constructor(
    private readonly search: PackedSearch,
    private readonly observations: Observations,
  ) {
    this.t = search.tables;
  }

  findState(check: HostStateCheck, options: HostStateCheckOptions = {}): HostFinding | null {
    const hosts = this.subjects(options.hosts);
    const memos = hosts.map(() => new Memo());
    const folds = hosts.map((h) => this.fold(h, options.after ?? []));
    const sCap = this.t.sCap;
    const found = this.scan((id, words) => {
      const s = words[0];
      for (let i = 0; i < hosts.length; i++) {
        const h = hosts[i];
        for (let x = this.classLo(h); x < this.classHi(h); x++) {
          const b = words[1 + x];
          const key = b * sCap + s;
          let verdict = memos[i].verdict(key);
          if (verdict === UNSEEN) {
            const [s2, b2] = folds[i](s, b);
            verdict = memos[i].record(key, check(this.observations.view(h, s2, b2), this.hostId(h)));
          }
          if (verdict === BAD) return this.finding(id, h, x, memos[i].messages.get(key) as string, []);
        }
      }
      return null;
    });
    this.assertStride(sCap);
    return found;
  }

  findStep(check: HostStepCheck, options: HostCheckOptions = {}): HostFinding | null {
    const hosts = this.subjects(options.hosts);
    const subject = this.t.layout.topology.hosts.map((_, h) => hosts.indexOf(h));
    const t = this.t;
    const { dispatch, slots, groupOfSlot } = this.search;
    const nSvc = t.events.services.length;
    const svcMemos = hosts.map(() => new Memo());
    const localMemos = hosts.map(() => new Memo());
    const sCap = t.sCap;
    const found = this.scan((id, words) => {
      const s = words[0];
      for (let e = 0; e < dispatch.events.length; e++) {
        const slot = dispatch.slot[e];
        const index = dispatch.index[e];
        if (slot < 0) {
          const s2 = t.serviceNext(s, index);
          if (s2 === REFUSED) continue;
          for (let i = 0; i < hosts.length; i++) {
            const h = hosts[i];
            for (let x = this.classLo(h); x < this.classHi(h); x++) {
              const b = words[1 + x];
              const key = (b * sCap + s) * nSvc + index;
              let verdict = svcMemos[i].verdict(key);
              if (verdict === UNSEEN) {
                const b2 = t.settled(groupOfSlot[x], s2, b);
                const message = this.checkStep(check, h, [s, b], dispatch.events[e], [s2, b2]);
                verdict = svcMemos[i].record(key, message);
              }
              if (verdict === BAD)
                return this.finding(id, h, x, svcMemos[i].messages.get(key) as string, [e]);
            }
          }
          continue;
        }
        const g = groupOfSlot[slot];
        const b = words[1 + slot];
        const b2 = t.localNext(g, s, b, index);
        if (b2 === REFUSED) continue;
        for (let y = slots.classLo[slot]; y < slots.classHi[slot]; y++) {
          const h = slots.hostOfSlot[y];
          const i = subject[h];
          if (i < 0) continue;
          const key = (b * sCap + s) * t.localCount[g] + index;
          let verdict = localMemos[i].verdict(key);
          if (verdict === UNSEEN) {
            const message = this.checkStep(check, h, [s, b], t.events.local[h][index], [s, b2]);
            verdict = localMemos[i].record(key, message);
          }
          if (verdict === BAD)
            return this.finding(id, h, slot, localMemos[i].messages.get(key) as string, [e]);
        }
      }
      return null;
    }, true);
    this.assertStride(sCap);
    return found;
  }

  private checkStep(
    check: HostStepCheck,
    h: number,
    [s, b]: [number, number],
    event: KpmEvent,
    [s2, b2]: [number, number],
  ): string | null {
    const before = this.observations.view(h, s, b);
    const after = this.observations.view(h, s2, b2);
    return check(before, event, after, this.hostId(h));
  }

  /**
   * Visits the explored states in BFS order until `visit` returns a finding; with `expandedOnly`,
   * only the states whose successors the search generated (steps beyond a bound are not looked at).
   */
  private scan(
    visit: (id: number, words: Uint32Array) => HostFinding | null,
    expandedOnly = false,
  ): HostFinding | null {
    const words = new Uint32Array(this.search.F);
    for (let id = 0; id < this.search.set.count; id++) {
      if (expandedOnly && !this.search.expanded(id)) break;
      const found = visit(id, this.search.set.read(id, words));
      if (found) return found;
    }
    return null;
  }

  /**
   * The finding for host h, whose offending block sits at slot x of state `id`: the trace reaches
   * the arrangement of the state that swaps slot x with h's own slot. `step`: the alphabet event
   * of a step finding (renamed onto h with the same swap).
   */
  private finding(id: number, h: number, x: number, message: string, step: number[]): HostFinding {
    const slots = this.search.F - 1;
    const own = this.search.slots.slotOfHost[h];
    const arrangement = Int32Array.from({ length: slots }, (_, j) => (j === x ? own : j === own ? x : j));
    const trace = this.search.traceTo(id, arrangement);
    for (const e of step) trace.push(this.stepEvent(e, arrangement));
    return { state: id, host: this.hostId(h), message, trace };
  }

  private stepEvent(e: number, arrangement: Int32Array): KpmEvent {
    const slot = this.search.dispatch.slot[e];
    if (slot < 0) return this.search.dispatch.events[e];
    const h = this.search.slots.hostOfSlot[arrangement[slot]];
    return this.t.events.local[h][this.search.dispatch.index[e]];
  }

  /**
   * Host h's part of applying `events` from (s, b): service events move the services and settle
   * the block, h's own events move the block, other hosts' events do not touch it.
   */
  private fold(h: number, events: readonly KpmEvent[]): (s: number, b: number) => [number, number] {
    const t = this.t;
    const g = t.groups.groupOfHost[h];
    const services = new Map(t.events.services.map((e, i) => [formatEvent(e), i]));
    const local = new Map(t.events.local[h].map((e, l) => [formatEvent(e), l]));
    const ops = events.flatMap((e): [number, number][] => {
      const key = formatEvent(e);
      if (services.has(key)) return [[-1, services.get(key) as number]];
      return local.has(key) ? [[g, local.get(key) as number]] : [];
    });
    return (s, b) => {
      for (const [group, index] of ops) {
        if (group < 0) {
          const s2 = t.serviceNext(s, index);
          if (s2 === REFUSED) continue;
          s = s2;
          b = t.settled(g, s, b);
        } else {
          const b2 = t.localNext(g, s, b, index);
          if (b2 !== REFUSED) b = b2;
        }
      }
      return [s, b];
    };
  }

  private subjects(ids: readonly string[] | undefined): number[] {
    const all = this.t.layout.topology.hosts.map((h) => h.id);
    const wanted = ids ?? all;
    for (const id of wanted) if (!all.includes(id)) throw new Error(`unknown host ${JSON.stringify(id)}`);
    return all.flatMap((id, h) => (wanted.includes(id) ? [h] : []));
  }

  private classLo(h: number): number {
    return this.search.slots.classLo[this.search.slots.slotOfHost[h]];
  }

  private classHi(h: number): number {
    return this.search.slots.classHi[this.search.slots.slotOfHost[h]];
  }

  private hostId(h: number): string {
    return this.t.layout.topology.hosts[h].id;
  }

  /** Memo keys use the services stride; a model with more services states would change it. */
  private assertStride(sCap: number): void {
    if (this.t.sCap !== sCap) throw new Error('the services tables grew during a check; run it again');
  }
}
