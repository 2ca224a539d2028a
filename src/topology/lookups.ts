/**
 * Look-ups over a topology by id, computed once per topology: for the property plans and their
 * oracles, which read a site the way a person would (this VM's host, that VM's provider).
 */
import type { Host, Provider, Topology, Vm } from '../../models/topology.ts';

export interface Lookups {
  topology: Topology;
  providers: Map<string, Provider>;
  hosts: Map<string, Host>;
  vms: Map<string, Vm>;
  /** The VMs registered on each host, in topology order. */
  vmsOnHost: Map<string, Vm[]>;
}

const cache = new WeakMap<Topology, Lookups>();

export function lookupsOf(topology: Topology): Lookups {
  let lookups = cache.get(topology);
  if (!lookups) cache.set(topology, (lookups = build(topology)));
  return lookups;
}

function build(topology: Topology): Lookups {
  const vmsOnHost = new Map<string, Vm[]>(topology.hosts.map((h) => [h.id, []]));
  for (const vm of topology.vms) vmsOnHost.get(vm.host)?.push(vm);
  return {
    topology,
    providers: new Map(topology.providers.map((p) => [p.id, p])),
    hosts: new Map(topology.hosts.map((h) => [h.id, h])),
    vms: new Map(topology.vms.map((v) => [v.id, v])),
    vmsOnHost,
  };
}

/** The provider that encrypts a VM, or null for an unencrypted VM. */
export function providerOf(lookups: Lookups, vm: Vm): Provider | null {
  return vm.encryptedBy === null ? null : (lookups.providers.get(vm.encryptedBy) ?? null);
}

/** The host a VM is registered on. */
export function hostOf(lookups: Lookups, vm: Vm): Host {
  return lookups.hosts.get(vm.host) as Host;
}
