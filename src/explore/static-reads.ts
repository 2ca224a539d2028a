/**
 * Static reads: a step of one unit whose messages reach components of other units without
 * changing them, only asking (a broadcast: under `keyScope: 'cluster'` a booting host asks every VM
 * of the site for its key, models/boot.ts). The tables compute each entry on a world where the
 * other units are as they start; the entry holds for the whole product only if it comes out the
 * same whatever state those units are in. This file checks that it does, on every state of theirs
 * the tables reach, as entries and states appear; a difference is a CouplingError (the units are
 * then explored as one block), never a wrong table.
 *
 * What is compared, per entry and per state b' of another unit u' it reached:
 * - a local event (of the entry's unit): with u' at (s, b'), a pair its unit reaches (so settled:
 *   the automatic effects change nothing there, tables.ts `checkSettled`), the step must give the
 *   same block, the same services, and leave b' as it was;
 * - a service event: with u' at any of its blocks, the same block for the entry's unit and the
 *   same services (u' settles by its own entry).
 * One other unit per entry: an entry that asks two is not vouched for (their answers could make up
 * for each other) and couples them with the entry's unit. Checks are deduplicated on the snapshots
 * of the components asked, which is all the entry's unit sees of u' (a fact read of another
 * component of u' couples the units outright: coupling.ts, rule 2). What a service event's deciding
 * message, or the automatic effects checked on their own, ask of hosts is not checked here: the
 * tables refuse it (tables.ts, `serviceNext`, `checkSettled`).
 */
import type { KpmEvent } from '../../models/events.ts';
import { step } from '../world/world.ts';
import { formatEvent } from '../events.ts';
import { compose, partsKey, readBlock, readServices, type Block } from './blocks.ts';
import { CouplingError } from './coupling.ts';
import { REFUSED, type Tables } from './tables.ts';

/** A table entry computed from (s, b) of group g: its services and block after (or REFUSED). */
export interface Entry {
  g: number;
  s: number;
  b: number;
  event: KpmEvent;
  services: number;
  result: number;
  /** A unit's own event (else a service event, with its automatic effects). */
  local: boolean;
}

/** A component of another unit that a step reached: its unit, its place in the unit's block. */
export interface Read {
  unit: number;
  slot: number;
}

/** An entry, and what it asked of one other unit. */
interface Reader {
  entry: Entry;
  unit: number;
  slots: number[];
  /** The snapshots of `slots` already checked, by key. */
  checked: Set<string>;
}

export class StaticReads {
  /** Per group: services state → the blocks b of the pairs (s, b) reached. */
  private readonly sources = new Map<number, Map<number, number[]>>();
  /** Per group: the pairs (s, b) reached, by key. */
  private readonly sourceKeys = new Map<number, Set<number>>();
  /** `unit services` → the local entries computed under those services that asked that unit. */
  private readonly local = new Map<string, Reader[]>();
  /** unit → the service entries that asked it. */
  private readonly service = new Map<number, Reader[]>();

  constructor(private readonly tables: Tables) {}

  /**
   * (s, b) of group g is reached (the initial pair, or the pair after an entry): a settled pair,
   * which the readers of its units are checked on.
   */
  source(g: number, s: number, b: number): void {
    const key = b * 0x400000 + s; // not sCap, which grows
    let keys = this.sourceKeys.get(g);
    if (!keys) this.sourceKeys.set(g, (keys = new Set()));
    if (keys.has(key)) return;
    keys.add(key);
    let byServices = this.sources.get(g);
    if (!byServices) this.sources.set(g, (byServices = new Map()));
    const blocks = byServices.get(s);
    if (blocks) blocks.push(b);
    else byServices.set(s, [b]);
    this.unitsOf(g).forEach((u) => {
      for (const reader of this.local.get(`${u} ${s}`) ?? []) this.check(reader, b);
      for (const reader of this.service.get(u) ?? []) this.check(reader, b);
    });
  }

  /** An entry whose step reached `reads`: checked now on the states known, and later on new ones. */
  entry(entry: Entry, reads: readonly Read[]): void {
    const units = [...new Set(reads.map((r) => r.unit))];
    if (units.length > 1) {
      // Two units' answers could make up for each other (each alone changing nothing, both
      // together something): the check below varies one unit at a time, so it cannot vouch for this.
      this.tables.poisoned = true;
      const hosts = [...this.tables.repOf(entry.g), ...units.flatMap((u) => this.tables.units[u])];
      throw new CouplingError({
        hosts,
        reason: `${formatEvent(entry.event)}, an event of ${this.tables.repOf(entry.g).join(' + ')}, asks ${units.map((u) => this.tables.units[u].join(' + ')).join(' and ')}: the answers of several hosts are only checked one host at a time`,
      });
    }
    for (const unit of units) {
      const slots = reads.filter((r) => r.unit === unit).map((r) => r.slot);
      const reader: Reader = { entry, unit, slots, checked: new Set() };
      const g = this.tables.groups.groupOfUnit[unit];
      const byServices = this.sources.get(g);
      let known: number[];
      if (entry.local) {
        const key = `${unit} ${entry.s}`;
        this.local.set(key, [...(this.local.get(key) ?? []), reader]);
        known = byServices?.get(entry.s) ?? [];
      } else {
        this.service.set(unit, [...(this.service.get(unit) ?? []), reader]);
        known = [...(byServices?.values() ?? [])].flat();
      }
      for (const b of known) this.check(reader, b);
    }
  }

  private unitsOf(g: number): number[] {
    const { groupOfUnit } = this.tables.groups;
    return groupOfUnit.flatMap((group, u) => (group === g ? [u] : []));
  }

  /** The reader's entry again, with its other unit in block b: the same outcome, or a CouplingError. */
  private check(reader: Reader, b: number): void {
    const { tables } = this;
    const { entry, unit } = reader;
    const block = tables.blockOn(unit, b);
    const asked = partsKey(reader.slots.map((i) => block[i]));
    if (reader.checked.has(asked)) return;
    reader.checked.add(asked);
    const other = tables.units[unit];
    const rep = tables.repOf(entry.g);
    const world = compose(tables.layout, tables.template, tables.services[entry.s], [
      [rep, tables.blocks[entry.g][entry.b]],
      [other, block],
    ]);
    tables.steps++;
    const result = step(world, entry.event);
    const after = result.outcome === 'applied' ? result.world : null;
    const same =
      (after === null) === (entry.result === REFUSED) &&
      (after === null ||
        (partsKey(readBlock(tables.layout, after, rep)) === partsKey(tables.blocks[entry.g][entry.result]) &&
          partsKey(readServices(tables.layout, after)) === partsKey(tables.services[entry.services]) &&
          (!entry.local || unchanged(readBlock(tables.layout, after, other), block))));
    if (same) return;
    tables.poisoned = true;
    throw new CouplingError({
      hosts: [...rep, ...other],
      reason:
        `${formatEvent(entry.event)}, an event of ${rep.join(' + ')}, asks ${other.join(' + ')}, and the ` +
        `answer depends on the state of ${other.join(' + ')}, not only on its configuration`,
    });
  }
}

function unchanged(after: Block, before: Block): boolean {
  return after.every((x, i) => x === before[i]) || partsKey(after) === partsKey(before);
}
