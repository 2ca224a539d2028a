/**
 * How the fast explorer splits a site:
 * - the event instances, into service events and each host's local events (`EventLayout`), by
 *   which host owns the components an event names;
 * - the hosts, into table groups: hosts of one configuration, whose blocks are isomorphic, share one
 *   block numbering and one set of tables (`tableGroups`);
 * - the slots of a packed state, with its symmetry classes: with symmetry on, the hosts of a table
 *   group that the alphabet treats alike and that start alike are interchangeable (`slotLayout`).
 */
import { targetsOf, type KpmEvent } from '../../models/events.ts';
import type { Topology } from '../../models/topology.ts';
import { layoutOf, type Layout } from '../world/layout.ts';
import { eventInstances, type Alphabet } from './instances.ts';
import { ownedSlots, renamed, renaming } from './blocks.ts';

export interface EventLayout {
  /** The events that name no host's component (vCenter, key servers), in alphabet order. */
  services: KpmEvent[];
  /** Per host (topology order): the events that name its components (its own, its VMs'), in alphabet order. */
  local: KpmEvent[][];
}

/**
 * The host an event belongs to: the one that owns every component it names (models/components.ts),
 * or null when it names only shared ones. An event naming components of two hosts would couple them;
 * the vocabulary has none, and the explorer refuses one rather than assume.
 */
export function ownerOf(layout: Layout, event: KpmEvent): string | null {
  const owners = new Set(
    targetsOf(event).map(([kind, id]) => layout.instances[kind].find((i) => i.id === id)?.owner ?? null),
  );
  if (owners.size > 1)
    throw new Error(`an event that names components of two hosts: ${JSON.stringify(event)}`);
  return owners.size === 0 ? null : [...owners][0];
}

/** Every instance of the topology (not only an alphabet's), so that tables serve every alphabet. */
export function eventLayout(topology: Topology): EventLayout {
  const layout = layoutOf(topology);
  const all = eventInstances(topology);
  const owner = all.map((e) => ownerOf(layout, e));
  return {
    services: all.filter((_, i) => owner[i] === null),
    local: topology.hosts.map((h) => all.filter((_, i) => owner[i] === h.id)),
  };
}

export interface TableGroups {
  /** Per host (topology order): its table group. */
  groupOfHost: number[];
  /** Per group: the host whose names its blocks are interned under (its first host). */
  representative: number[];
}

/**
 * Hosts whose components are configured alike (the machines' inputs equal once the host's own
 * names are set aside: the k-th VM of one for the k-th VM of the other) have isomorphic blocks.
 * Under `keyScope: 'cluster'` a block also holds other hosts' VM keys, which such a renaming does
 * not cover: every host is then its own group.
 */
export function tableGroups(topology: Topology): TableGroups {
  const layout = layoutOf(topology);
  const configuration = (h: number): string => {
    const host = topology.hosts[h].id;
    if (topology.options.keyScope !== 'host') return host;
    const names = renaming(layout, host, '');
    const placeholders = {
      host: new Map([[host, '$host']]),
      vm: new Map([...names.vm.keys()].map((vm, k) => [vm, `$vm${k}`])),
    };
    const inputs = ownedSlots(layout, host).map(({ kind, id }) => {
      const instance = layout.instances[kind].find((i) => i.id === id);
      return [kind, renamed(kind, instance?.input, placeholders)];
    });
    return JSON.stringify(inputs);
  };
  const groupOf = new Map<string, number>();
  const representative: number[] = [];
  const groupOfHost = topology.hosts.map((_, h) => {
    const key = configuration(h);
    if (!groupOf.has(key)) {
      groupOf.set(key, representative.length);
      representative.push(h);
    }
    return groupOf.get(key) as number;
  });
  return { groupOfHost, representative };
}

export interface SlotLayout {
  /** Host index (topology order) of each slot. */
  hostOfSlot: number[];
  slotOfHost: number[];
  /** Slots [classLo[x], classHi[x]) are slot x's symmetry class (just x without symmetry). */
  classLo: Int32Array;
  classHi: Int32Array;
  /** True when some class has two slots or more. */
  symmetric: boolean;
}

/**
 * Slots in topology order, except that the hosts of a symmetry class are made adjacent (at the
 * place of the class's first host). A class: hosts of one table group that start in the same block
 * and on which the alphabet allows the same local events.
 */
export function slotLayout(
  layout: EventLayout,
  groups: TableGroups,
  initialBlocks: readonly number[],
  alphabet: Alphabet,
  symmetry: boolean,
): SlotLayout {
  const classKey = (h: number): string => {
    if (!symmetry) return String(h);
    const allowed = layout.local[h].map((e) => (alphabet(e) ? 1 : 0)).join('');
    return JSON.stringify([groups.groupOfHost[h], initialBlocks[h], allowed]);
  };
  const classes = new Map<string, number[]>();
  groups.groupOfHost.forEach((_, h) => {
    const key = classKey(h);
    classes.set(key, [...(classes.get(key) ?? []), h]);
  });
  const hostOfSlot = [...classes.values()].flat();
  const slotOfHost: number[] = [];
  hostOfSlot.forEach((h, slot) => (slotOfHost[h] = slot));
  const classLo = new Int32Array(hostOfSlot.length);
  const classHi = new Int32Array(hostOfSlot.length);
  let start = 0;
  for (const hosts of classes.values()) {
    for (let x = start; x < start + hosts.length; x++)
      [classLo[x], classHi[x]] = [start, start + hosts.length];
    start += hosts.length;
  }
  return {
    hostOfSlot,
    slotOfHost,
    classLo,
    classHi,
    symmetric: [...classes.values()].some((hosts) => hosts.length > 1),
  };
}
