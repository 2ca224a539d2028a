/**
 * A world cut into the parts the fast explorer interns: the shared services (every component that
 * belongs to no host: the site, vCenter, the key providers) and one block per host (every component
 * it owns: the host, its boot, its persistence, its disk group, its VMs), as the registry of
 * models/components.ts says.
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
/** One host's components' snapshots, in `ownedSlots` order. */
export type Block = readonly AnyMachineSnapshot[];

/** The components that belong to no host, in registry order. */
export function sharedSlots(layout: Layout): Slot[] {
  return COMPONENT_KINDS.flatMap((kind) =>
    layout.instances[kind].filter((i) => i.owner === null).map((i) => ({ kind, id: i.id })),
  );
}

/** The components `host` owns, in registry order, then topology order within a kind. */
export function ownedSlots(layout: Layout, host: string): Slot[] {
  return COMPONENT_KINDS.flatMap((kind) => layout.owned(kind, host).map((id) => ({ kind, id })));
}

export function readServices(layout: Layout, world: World): Services {
  return sharedSlots(layout).map(({ kind, id }) => world.parts[kind][id]);
}

export function readBlock(layout: Layout, world: World, host: string): Block {
  return ownedSlots(layout, host).map(({ kind, id }) => world.parts[kind][id]);
}

/** `base` with the services and the given hosts' blocks swapped in. */
export function compose(
  layout: Layout,
  base: World,
  services: Services,
  placed: readonly (readonly [host: string, block: Block])[],
): World {
  const parts = Object.fromEntries(COMPONENT_KINDS.map((kind) => [kind, { ...base.parts[kind] }])) as Record<
    ComponentKind,
    Record<string, AnyMachineSnapshot>
  >;
  sharedSlots(layout).forEach(({ kind, id }, i) => (parts[kind][id] = services[i]));
  for (const [host, block] of placed) {
    ownedSlots(layout, host).forEach(({ kind, id }, i) => (parts[kind][id] = block[i]));
  }
  return { ...base, parts: parts as unknown as Parts };
}

/**
 * Interning keys. A snapshot is its state value and its context (the machines spawn nothing and
 * keep no history), so equal keys are equal snapshots. Finer than `stateKey`, never coarser.
 */
export function partsKey(parts: Services | Block): string {
  return JSON.stringify(parts.map((snapshot) => [snapshot.value, snapshot.context]));
}

/** How one host's names become another's: its id, and its k-th VM's id. */
export interface Renaming {
  host: ReadonlyMap<string, string>;
  vm: ReadonlyMap<string, string>;
}

/** The renaming that moves host `from`'s part onto host `to` (the k-th VM of one is the k-th of the other). */
export function renaming(layout: Layout, from: string, to: string): Renaming {
  const toVms = layout.owned('vm', to);
  return {
    host: new Map([[from, to]]),
    vm: new Map(layout.owned('vm', from).map((vm, k) => [vm, toVms[k]])),
  };
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
 * The same block on another host of identical configuration. Only meaningful when blocks name no
 * other host's VMs, which is why every host is its own table group under `keyScope: 'cluster'`
 * (groups.ts).
 */
export function relabel(layout: Layout, model: Model, block: Block, from: string, to: string): Block {
  if (from === to) return block;
  const names = renaming(layout, from, to);
  const slots = ownedSlots(layout, from);
  return block.map((snapshot, i) => {
    const { kind } = slots[i];
    const machine = model[kind] as AnyStateMachine;
    return machine.resolveState({ value: snapshot.value, context: renamed(kind, snapshot.context, names) });
  });
}
