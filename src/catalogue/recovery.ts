/**
 * LV-01: the recovery procedure of an operator, and whether it brings the site back.
 */
import type { KpmEvent } from '../../models/events.ts';
import type { Topology } from '../../models/topology.ts';
import type { ObservedState } from '../world/observe.ts';
import { observe } from '../world/observe.ts';
import { step, type World } from '../world/world.ts';

/** Every service and link back, every attestation passed, then every VM unlocked (DOC-04). */
export function recoveryEvents(topology: Topology): KpmEvent[] {
  return [
    { type: 'VCENTER_UP' },
    ...topology.providers
      .filter((p) => p.kind !== 'native')
      .map((p) => ({ type: 'KMS_UP' as const, provider: p.id })),
    ...topology.hosts.map((h) => ({ type: 'LINK_UP' as const, host: h.id })),
    ...topology.hosts.map((h) => ({ type: 'ATTESTATION_PASS' as const, host: h.id })),
    ...topology.vms.map((v) => ({ type: 'VM_UNLOCK' as const, vm: v.id })),
  ];
}

/** The recovery procedure, then every VM that runs in the steady initial state powered on. */
export function recover(world: World, initial: ObservedState): World {
  const { topology } = world;
  const powerOn = topology.vms
    .filter((v) => initial.vms[v.id].power === 'on')
    .map((v) => ({ type: 'VM_POWER_ON' as const, vm: v.id }));
  return [...recoveryEvents(topology), ...powerOn].reduce((w, e) => step(w, e).world, world);
}

export interface Shortfall {
  /** The host the shortfall is on (the VM's host, or the disk group's). */
  host: string;
  message: string;
}

/** What the recovered state lacks compared with the steady initial state; empty when LV-01 holds here. */
export function recoveryShortfall(world: World, initial: ObservedState): Shortfall[] {
  const after = observe(recover(world, initial));
  const vms = world.topology.vms
    .filter((vm) => initial.vms[vm.id].power === 'on' && after.vms[vm.id].power !== 'on')
    .map((vm) => ({ host: vm.host, message: `${vm.id} does not run again` }));
  const disks = Object.keys(initial.hosts)
    .filter((h) => initial.hosts[h].vsan === 'mounted' && after.hosts[h].vsan !== 'mounted')
    .map((h) => ({ host: h, message: `the disk group of ${h} does not mount again` }));
  return [...vms, ...disks];
}
