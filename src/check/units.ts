/**
 * How the compositional check cuts a site (compose.ts): into units of hosts that must be explored
 * together (each host alone, unless something couples it with others), and the units into classes
 * of identical configuration, each explored once.
 *
 * - `Units`: a partition of the hosts (union-find), refined only by merging.
 * - `restrict`: the topology of the shared services and some hosts: the same providers, vSAN and
 *   options, those hosts and their VMs. Its world is the projection of the site's onto them.
 * - `classKey`: what a unit is, once its own names are set aside: the inputs the registry
 *   (models/components.ts) gives every component of its restricted topology, with its hosts and VMs
 *   renamed by position. Two units with the same key have the same statecharts with the same
 *   inputs, so the same states, steps and verdicts, up to the renaming (`Renaming`).
 * Everything here is linear in the size of the site: a thousand hosts cost a thousand times one.
 */
import { COMPONENT_KINDS, COMPONENTS } from '../../models/components.ts';
import type { KpmEvent } from '../../models/events.ts';
import type { Topology, Vm } from '../../models/topology.ts';
import { lookupsOf } from '../topology/lookups.ts';

/** A partition of a site's hosts into units, by host index (topology order). */
export class Units {
  private readonly parent: Int32Array;
  private readonly index: Map<string, number>;
  private count: number;

  constructor(readonly topology: Topology) {
    this.parent = Int32Array.from(topology.hosts, (_, i) => i);
    this.index = new Map(topology.hosts.map((h, i) => [h.id, i]));
    this.count = topology.hosts.length;
  }

  /** How many units there are. */
  get size(): number {
    return this.count;
  }

  /** Puts these hosts in one unit; true when that merged units. */
  merge(hosts: readonly string[]): boolean {
    let merged = false;
    const [first, ...rest] = hosts.map((h) => this.find(this.indexOf(h)));
    for (const root of rest) {
      const a = this.find(first);
      const b = this.find(root);
      if (a === b) continue;
      this.parent[Math.max(a, b)] = Math.min(a, b);
      this.count--;
      merged = true;
    }
    return merged;
  }

  /** Puts every host in one unit; true when that merged units. */
  mergeAll(): boolean {
    return this.merge(this.topology.hosts.map((h) => h.id));
  }

  /** Whether these hosts are in more than one unit (`every host`: whether there are two units). */
  apart(hosts: readonly string[] | 'every host'): boolean {
    if (hosts === 'every host') return this.count > 1;
    const roots = new Set(hosts.filter((h) => this.index.has(h)).map((h) => this.find(this.indexOf(h))));
    return roots.size > 1;
  }

  /** The units, each its hosts in topology order, in the order of their first hosts. */
  list(): string[][] {
    const byRoot = new Map<number, string[]>();
    this.topology.hosts.forEach((h, i) => {
      const root = this.find(i);
      const unit = byRoot.get(root);
      if (unit) unit.push(h.id);
      else byRoot.set(root, [h.id]);
    });
    return [...byRoot.values()];
  }

  private indexOf(host: string): number {
    const i = this.index.get(host);
    if (i === undefined) throw new Error(`no host ${JSON.stringify(host)}`);
    return i;
  }

  private find(i: number): number {
    while (this.parent[i] !== i) {
      this.parent[i] = this.parent[this.parent[i]];
      i = this.parent[i];
    }
    return i;
  }
}

/**
 * The topology of the shared services and these hosts (in topology order), with their VMs. The
 * whole site when they are all its hosts (the same object: what is cached per topology stays).
 */
export function restrict(topology: Topology, hosts: readonly string[]): Topology {
  if (hosts.length === topology.hosts.length) return topology;
  const site = lookupsOf(topology);
  return {
    ...topology,
    hosts: hosts.map((h) => site.hosts.get(h) as Topology['hosts'][number]),
    vms: hosts.flatMap((h) => site.vmsOnHost.get(h) ?? []),
  };
}

/** The VMs of these hosts, in the order `restrict` gives them. */
function vmsOf(topology: Topology, hosts: readonly string[]): Vm[] {
  const site = lookupsOf(topology);
  return hosts.flatMap((h) => site.vmsOnHost.get(h) ?? []);
}

/** The unit's configuration with its names set aside: equal keys, identical explorations. */
export function classKey(topology: Topology, hosts: readonly string[]): string {
  const names = new Map<string, string>();
  hosts.forEach((h, i) => names.set(h, `#${i}`));
  vmsOf(topology, hosts).forEach((vm, k) => names.set(vm.id, `#vm${k}`));
  const part = restrict(topology, hosts);
  const renamed: Topology = {
    ...part,
    name: '',
    hosts: part.hosts.map((h) => ({ ...h, id: names.get(h.id) as string })),
    vms: part.vms.map((vm) => ({
      ...vm,
      id: names.get(vm.id) as string,
      host: names.get(vm.host) as string,
    })),
  };
  return JSON.stringify(
    COMPONENT_KINDS.map((kind) => COMPONENTS[kind].instances(renamed).map((i) => [i.id, i.owner, i.input])),
  );
}

/** How one unit's names map onto another's of the same class: host by host, VM by VM in order. */
export interface Renaming {
  hosts: ReadonlyMap<string, string>;
  vms: ReadonlyMap<string, string>;
}

export function renaming(topology: Topology, from: readonly string[], to: readonly string[]): Renaming {
  const toVms = vmsOf(topology, to);
  return {
    hosts: new Map(from.map((h, i) => [h, to[i]])),
    vms: new Map(vmsOf(topology, from).map((vm, k) => [vm.id, toVms[k].id])),
  };
}

/** An event with its host or VM renamed (providers are shared: never renamed). */
export function renameEvent(event: KpmEvent, r: Renaming): KpmEvent {
  if ('host' in event) return { ...event, host: r.hosts.get(event.host) ?? event.host };
  if ('vm' in event) return { ...event, vm: r.vms.get(event.vm) ?? event.vm };
  return event;
}

/** A subject (a VM, a host, or VMs joined by `+`) renamed. */
export function renameSubject(subject: string | null, r: Renaming): string | null {
  if (subject === null) return null;
  return subject
    .split('+')
    .map((name) => r.vms.get(name) ?? r.hosts.get(name) ?? name)
    .join('+');
}
