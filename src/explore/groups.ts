/**
 * How the fast explorer splits a site:
 * - the event instances, into service events and each host's local events (`EventLayout`), by
 *   which host owns the components an event names;
 * - the hosts, into table groups: hosts of one configuration, whose blocks are isomorphic, share one
 *   block numbering and one set of tables (`tableGroups`).
 * A packed state holds the services, then one block per host in topology order (packed.ts).
 */
import { targetsOf, type KpmEvent } from '../../models/events.ts';
import type { Topology } from '../../models/topology.ts';
import { layoutOf, type Layout } from '../world/layout.ts';
import { eventInstances } from './instances.ts';
import { ownedSlots, renamed, renaming } from './blocks.ts';

export interface EventLayout {
  /** The events that name no host's component (vCenter, key servers), in alphabet order. */
  services: KpmEvent[];
  /** Per host (topology order): the events that name its components (its own, its VMs'), in alphabet order. */
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

/**
 * The host an event belongs to, or null when it names only shared components. The tables keep
 * one host's events per host: an event naming components of two hosts is refused here, and the
 * compositional check puts such hosts in one unit (src/check/units.ts), whose tables are the
 * product's.
 */
export function ownerOf(layout: Layout, event: KpmEvent): string | null {
  const owners = ownersOf(layout, event);
  if (owners.length > 1)
    throw new Error(`an event that names components of two hosts: ${JSON.stringify(event)}`);
  return owners[0] ?? null;
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
      return [kind, renamed(kind, layout.instance(kind, id)?.input, placeholders)];
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
