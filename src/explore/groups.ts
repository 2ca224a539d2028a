/**
 * How the fast explorer splits a site:
 * - the event instances, into service events and each host's local events (`EventLayout`);
 * - the hosts, into table groups: hosts of one configuration, whose blocks are isomorphic, share one
 *   block numbering and one set of tables (`tableGroups`);
 * - the slots of a packed state, with its symmetry classes: with symmetry on, the hosts of a table
 *   group that the alphabet treats alike and that start alike are interchangeable (`slotLayout`).
 */
import type { KpmEvent } from '../events.ts';
import type { Topology } from '../topology/types.ts';
import { siteOf } from '../world/site.ts';
import { eventInstances, type Alphabet } from './alphabet.ts';

export interface EventLayout {
  /** KMS_* and VCENTER_* instances, in alphabet order. */
  services: KpmEvent[];
  /** Per host (topology order): its own events and its VMs' events, in alphabet order. */
  local: KpmEvent[][];
}

const SERVICE_TYPES = new Set(['KMS_DOWN', 'KMS_UP', 'VCENTER_DOWN', 'VCENTER_UP']);

export function isServiceEvent(event: KpmEvent): boolean {
  return SERVICE_TYPES.has(event.type);
}

/** Every instance of the topology (not only an alphabet's), so that tables serve every alphabet. */
export function eventLayout(topology: Topology): EventLayout {
  const site = siteOf(topology);
  const all = eventInstances(topology);
  const hostOf = (e: KpmEvent): string =>
    'host' in e ? e.host : 'vm' in e ? (site.vms.get(e.vm)?.host as string) : '';
  return {
    services: all.filter(isServiceEvent),
    local: topology.hosts.map((h) => all.filter((e) => !isServiceEvent(e) && hostOf(e) === h.id)),
  };
}

export interface TableGroups {
  /** Per host (topology order): its table group. */
  groupOfHost: number[];
  /** Per group: the host whose names its blocks are interned under (its first host). */
  representative: number[];
}

/**
 * Hosts with the same release, TPM, persistence setting and VMs of the same profiles in the same
 * order (provider, vTPM, running) have isomorphic blocks: rename the host and its k-th VM. Under
 * `keyScope: 'cluster'` a block also holds other hosts' VM keys, which such a renaming does not
 * cover: every host is then its own group.
 */
export function tableGroups(topology: Topology): TableGroups {
  const site = siteOf(topology);
  const configuration = (h: number): string => {
    const host = topology.hosts[h];
    if (topology.options.keyScope !== 'host') return host.id;
    const vms = (site.vmsOnHost.get(host.id) ?? []).map((v) => [v.encryptedBy, v.vtpm, v.running]);
    return JSON.stringify([host.release, host.tpm, host.keyPersistence, vms]);
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
