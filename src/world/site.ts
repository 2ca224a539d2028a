/**
 * Look-ups over a topology that the world needs at every step, computed once per topology.
 */
import type { Host, Provider, Topology, Vm } from '../topology/types.ts';

export interface Site {
  topology: Topology;
  providers: Map<string, Provider>;
  hosts: Map<string, Host>;
  vms: Map<string, Vm>;
  /** The VMs registered on each host (ASM-04), in topology order. */
  vmsOnHost: Map<string, Vm[]>;
  /** Native providers, in topology order. */
  nativeProviders: Provider[];
  /** The vSAN KEK's provider, or null without encrypted vSAN. */
  vsanProvider: Provider | null;
}

const sites = new WeakMap<Topology, Site>();

export function siteOf(topology: Topology): Site {
  let site = sites.get(topology);
  if (!site) {
    site = buildSite(topology);
    sites.set(topology, site);
  }
  return site;
}

function buildSite(topology: Topology): Site {
  const providers = new Map(topology.providers.map((p) => [p.id, p]));
  const vmsOnHost = new Map<string, Vm[]>(topology.hosts.map((h) => [h.id, []]));
  for (const vm of topology.vms) vmsOnHost.get(vm.host)?.push(vm);
  return {
    topology,
    providers,
    hosts: new Map(topology.hosts.map((h) => [h.id, h])),
    vms: new Map(topology.vms.map((v) => [v.id, v])),
    vmsOnHost,
    nativeProviders: topology.providers.filter((p) => p.kind === 'native'),
    vsanProvider: topology.vsan ? (providers.get(topology.vsan.encryptedBy) ?? null) : null,
  };
}

/** The provider that encrypts a VM, or null for an unencrypted VM. */
export function providerOf(site: Site, vm: Vm): Provider | null {
  return vm.encryptedBy === null ? null : (site.providers.get(vm.encryptedBy) ?? null);
}

/** True when the key named `key` is a native-provider VM key (derived from a KDK, never cached). */
export function isNativeKey(site: Site, key: string): boolean {
  const vm = site.vms.get(key);
  return vm !== undefined && providerOf(site, vm)?.kind === 'native';
}
