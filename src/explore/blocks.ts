/**
 * A world cut into the parts the fast explorer interns: the shared services (every component that
 * belongs to no host: the site, vCenter, the key providers) and one block per unit of hosts (every
 * component they own: each host, its boot, its persistence, its disk group, its VMs), as the
 * registry of models/components.ts says. A unit is one host, unless something couples hosts: then
 * they share one block (src/check/compose.ts finds which).
 *
 * The world's own records are spread and the parts swapped in, so that a composed world is an
 * ordinary `World` that `step()` runs as it runs any other: the tables are derived from the
 * statecharts, never written a second time.
 */
import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import { COMPONENT_KINDS, COMPONENTS, type NameField } from '../../models/components.ts';
import type { KeyOffer } from '../../models/definitions.ts';
import type { Model } from '../../models/index.ts';
import type { ComponentKind } from '../../models/messages.ts';
import type { Layout } from '../world/layout.ts';
import type { Parts, World } from '../world/world.ts';

/** One component: its kind and id. */
export interface Slot {
  kind: ComponentKind;
  id: string;
}

/** The shared components' snapshots, in `sharedSlots` order. */
export type Services = readonly AnyMachineSnapshot[];
/** One unit's components' snapshots, in `unitSlots` order. */
export type Block = readonly AnyMachineSnapshot[];

/** Hosts explored as one block, in topology order. */
export type Unit = readonly string[];

const slotsOf = new WeakMap<Layout, { shared: Slot[]; owned: Map<string, Slot[]> }>();

function slots(layout: Layout) {
  let known = slotsOf.get(layout);
  if (!known) slotsOf.set(layout, (known = { shared: [], owned: new Map() }));
  return known;
}

/** The components that belong to no host, in registry order. Computed once per layout. */
export function sharedSlots(layout: Layout): Slot[] {
  const known = slots(layout);
  if (known.shared.length === 0) {
    known.shared = COMPONENT_KINDS.flatMap((kind) =>
      layout.instances[kind].filter((i) => i.owner === null).map((i) => ({ kind, id: i.id })),
    );
  }
  return known.shared;
}

/** The components `host` owns, in registry order, then topology order within a kind. Computed once per host. */
export function ownedSlots(layout: Layout, host: string): Slot[] {
  const known = slots(layout).owned;
  let owned = known.get(host);
  if (!owned) {
    owned = COMPONENT_KINDS.flatMap((kind) => layout.owned(kind, host).map((id) => ({ kind, id })));
    known.set(host, owned);
  }
  return owned;
}

export function readServices(layout: Layout, world: World): Services {
  return sharedSlots(layout).map(({ kind, id }) => world.parts[kind][id]);
}

/** The components of a unit's hosts, host after host. Computed once per unit. */
export function unitSlots(layout: Layout, unit: Unit): Slot[] {
  if (unit.length === 1) return ownedSlots(layout, unit[0]);
  const known = slots(layout).owned;
  const key = unit.join('\u0000');
  let owned = known.get(key);
  if (!owned) {
    owned = unit.flatMap((host) => ownedSlots(layout, host));
    known.set(key, owned);
  }
  return owned;
}

export function readBlock(layout: Layout, world: World, unit: Unit): Block {
  return unitSlots(layout, unit).map(({ kind, id }) => world.parts[kind][id]);
}

/** `base` with the services and the given units' blocks swapped in. */
export function compose(
  layout: Layout,
  base: World,
  services: Services,
  placed: readonly (readonly [unit: Unit, block: Block])[],
): World {
  const parts = Object.fromEntries(COMPONENT_KINDS.map((kind) => [kind, { ...base.parts[kind] }])) as Record<
    ComponentKind,
    Record<string, AnyMachineSnapshot>
  >;
  sharedSlots(layout).forEach(({ kind, id }, i) => (parts[kind][id] = services[i]));
  for (const [unit, block] of placed) {
    unitSlots(layout, unit).forEach(({ kind, id }, i) => (parts[kind][id] = block[i]));
  }
  return { ...base, parts: parts as unknown as Parts };
}

/**
 * Interning keys. A snapshot is its state value and its context (the machines spawn nothing and
 * keep no history), so equal keys are equal snapshots. Finer than `stateKey`, never coarser.
 */
export function partsKey(parts: Services | Block): string {
  let key = '';
  for (const snapshot of parts) key += `${snapshotKey(snapshot)},`;
  return key;
}

/** A snapshot's key, kept per snapshot object: blocks share most of their snapshots with others. */
const snapshotKeys = new WeakMap<AnyMachineSnapshot, string>();

function snapshotKey(snapshot: AnyMachineSnapshot): string {
  let key = snapshotKeys.get(snapshot);
  if (key === undefined)
    snapshotKeys.set(snapshot, (key = JSON.stringify([snapshot.value, snapshot.context])));
  return key;
}

/** How one unit's names become another's: its hosts' ids, and its VMs' ids. */
export interface Renaming {
  host: ReadonlyMap<string, string>;
  vm: ReadonlyMap<string, string>;
}

/**
 * The renaming that moves unit `from`'s part onto unit `to`: the i-th host of one is the i-th of
 * the other, and the k-th VM of a host the k-th of its counterpart. `to` may name placeholders.
 */
export function renaming(layout: Layout, from: Unit, to: Unit): Renaming {
  const host = new Map<string, string>();
  const vm = new Map<string, string>();
  from.forEach((h, i) => {
    host.set(h, to[i]);
    const toVms = layout.owned('vm', to[i]);
    layout.owned('vm', h).forEach((id, k) => vm.set(id, toVms[k] ?? `${to[i]}$vm${k}`));
  });
  return { host, vm };
}

/** A context (or an input) with the names of one host replaced by another's, as its registration says. */
export function renamed<T>(kind: ComponentKind, context: T, names: Renaming): T {
  const fields = COMPONENTS[kind].names;
  if (fields === undefined || context === null || typeof context !== 'object') return context;
  const out = { ...context } as Record<string, unknown>;
  for (const [field, how] of Object.entries(fields) as [string, NameField][]) {
    if (field in out) out[field] = rename(how, out[field], names);
  }
  return out as T;
}

const key = (name: string, names: Renaming) => names.vm.get(name) ?? name;

function rename(how: NameField, value: unknown, names: Renaming): unknown {
  switch (how) {
    case 'host':
      return names.host.get(value as string) ?? value;
    case 'vm':
      return names.vm.get(value as string) ?? value;
    case 'keys':
      return (value as string[]).map((name) => key(name, names)).sort();
    case 'offers':
      return (value as KeyOffer[])
        .map((offer) => ({ ...offer, key: key(offer.key, names) }))
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}

/**
 * The same block on another unit of identical configuration. Only meaningful when blocks name no
 * other unit's VMs, which is why every unit is its own table group under `keyScope: 'cluster'`
 * (groups.ts).
 */
export function relabel(layout: Layout, model: Model, block: Block, from: Unit, to: Unit): Block {
  if (from === to || (from.length === 1 && from[0] === to[0])) return block;
  const names = renaming(layout, from, to);
  const slots = unitSlots(layout, from);
  return block.map((snapshot, i) => {
    const { kind } = slots[i];
    const machine = model[kind] as AnyStateMachine;
    return machine.resolveState({ value: snapshot.value, context: renamed(kind, snapshot.context, names) });
  });
}
