/**
 * How the fast explorer splits a site:
 * - the hosts, into units explored as one block each (`Unit`): each host alone unless the caller
 *   says that hosts are coupled (src/check/compose.ts derives it from the model);
 * - the event instances, into service events and each unit's local events (`EventLayout`), by
 *   which hosts own the components an event names;
 * - the units, into table groups: units of one configuration, whose blocks are isomorphic, share one
 *   block numbering and one set of tables (`tableGroups`).
 * A packed state holds the services, then one block per unit in topology order (packed.ts).
 */
import { targetsOf, type KpmEvent } from '../../models/events.ts';
import type { Topology } from '../../models/topology.ts';
import { layoutOf, type Layout } from '../world/layout.ts';
import { eventInstances } from './instances.ts';
import { renamed, renaming, unitSlots, type Unit } from './blocks.ts';

/** Each host its own unit: what a site of independent hosts is explored as. */
export function hostUnits(topology: Topology): Unit[] {
  return topology.hosts.map((h) => [h.id]);
}

export interface EventLayout {
  /** The events that name no host's component (vCenter, key servers), in alphabet order. */
  services: KpmEvent[];
  /** Per unit: the events that name its hosts' components (theirs, their VMs'), in alphabet order. */
  local: KpmEvent[][];
}

/**
 * The hosts whose components an event names (models/components.ts gives each component its owner),
 * in the order named; none for an event of the shared services only. An event naming components
 * of two hosts (a migration would) couples them: the compositional check explores them together.
 */
export function ownersOf(layout: Layout, event: KpmEvent): string[] {
  const owners: string[] = [];
  for (const [kind, id] of targetsOf(event)) {
    const owner = layout.instance(kind, id)?.owner ?? null;
    if (owner !== null && !owners.includes(owner)) owners.push(owner);
  }
  return owners;
}

/** Every instance of the topology (not only an alphabet's), so that tables serve every alphabet. */
export function eventLayout(topology: Topology, units: readonly Unit[]): EventLayout {
  const layout = layoutOf(topology);
  const unitOf = new Map<string, number>();
  units.forEach((unit, u) => unit.forEach((h) => unitOf.set(h, u)));
  const services: KpmEvent[] = [];
  const local: KpmEvent[][] = units.map(() => []);
  for (const event of eventInstances(topology)) {
    const owners = new Set(ownersOf(layout, event).map((h) => unitOf.get(h) as number));
    if (owners.size > 1) {
      throw new Error(`${JSON.stringify(event)} names components of hosts explored apart: they are coupled`);
    }
    if (owners.size === 0) services.push(event);
    else local[[...owners][0]].push(event);
  }
  return { services, local };
}

export interface TableGroups {
  /** Per unit: its table group. */
  groupOfUnit: number[];
  /** Per group: the unit whose names its blocks are interned under (its first unit). */
  representative: number[];
}

/**
 * Units whose components are configured alike (the machines' inputs equal once the units' own
 * names are set aside: the i-th host of one for the i-th of the other, the k-th VM of a host for
 * the k-th of its counterpart) have isomorphic blocks. Under `keyScope: 'cluster'` a block also
 * holds other hosts' VM keys, which such a renaming does not cover: every unit is then its own group.
 */
export function tableGroups(topology: Topology, units: readonly Unit[]): TableGroups {
  const layout = layoutOf(topology);
  const configuration = (u: number): string => {
    const unit = units[u];
    if (topology.options.keyScope !== 'host') return unit.join(' ');
    const placeholders = renaming(
      layout,
      unit,
      unit.map((_, i) => `$host${i}`),
    );
    const inputs = unitSlots(layout, unit).map(({ kind, id }) => {
      return [kind, renamed(kind, layout.instance(kind, id)?.input, placeholders)];
    });
    return JSON.stringify(inputs);
  };
  const groupOf = new Map<string, number>();
  const representative: number[] = [];
  const groupOfUnit = units.map((_, u) => {
    const key = configuration(u);
    if (!groupOf.has(key)) {
      groupOf.set(key, representative.length);
      representative.push(u);
    }
    return groupOf.get(key) as number;
  });
  return { groupOfUnit, representative };
}
