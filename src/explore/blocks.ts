/**
 * A world cut into the parts the fast explorer interns: the shared services (vCenter and the key
 * servers) and one block per host (its machine, its persistence, its disk group, its VMs).
 *
 * The world's own records are spread and the parts swapped in, so that a composed world is an
 * ordinary `World` that `step()` runs as it runs any other: the tables are derived from the
 * statecharts, never written a second time.
 */
import type { SnapshotFrom } from 'xstate';
import type { Model } from '../../models/index.ts';
import type { Host, Vm } from '../topology/types.ts';
import type { Site } from '../world/site.ts';
import type { World } from '../world/world.ts';

type Snap<K extends keyof Omit<Model, 'name'>> = SnapshotFrom<Model[K]>;

export interface Services {
  vcenter: Snap<'vcenter'>;
  providers: Readonly<Record<string, Snap<'provider'>>>;
}

/** One host's part of a world; `vms` in the order of `site.vmsOnHost`. */
export interface Block {
  host: Snap<'host'>;
  persistence: Snap<'persistence'>;
  /** Undefined when the site has no encrypted vSAN. */
  diskGroup: Snap<'diskGroup'> | undefined;
  vms: Snap<'vm'>[];
}

export function readServices(world: World): Services {
  return { vcenter: world.vcenter, providers: world.providers };
}

export function readBlock(site: Site, world: World, host: string): Block {
  return {
    host: world.hosts[host],
    persistence: world.persistence[host],
    diskGroup: world.diskGroups[host],
    vms: vmsOn(site, host).map((vm) => world.vms[vm.id]),
  };
}

function vmsOn(site: Site, host: string): Vm[] {
  return site.vmsOnHost.get(host) ?? [];
}

/** `base` with the services and the given hosts' blocks swapped in. */
export function compose(
  site: Site,
  base: World,
  services: Services,
  placed: readonly (readonly [host: string, block: Block])[],
): World {
  const hosts = { ...base.hosts };
  const persistence = { ...base.persistence };
  const diskGroups = { ...base.diskGroups };
  const vms = { ...base.vms };
  for (const [host, block] of placed) {
    hosts[host] = block.host;
    persistence[host] = block.persistence;
    if (block.diskGroup !== undefined) diskGroups[host] = block.diskGroup;
    vmsOn(site, host).forEach((vm, k) => (vms[vm.id] = block.vms[k]));
  }
  return {
    ...base,
    vcenter: services.vcenter,
    providers: services.providers,
    hosts,
    persistence,
    diskGroups,
    vms,
  };
}

/**
 * Interning keys. A snapshot is its state value and its context (the machines spawn nothing and
 * keep no history), so equal keys are equal snapshots. Finer than `stateKey`, never coarser.
 */
export function servicesKey(services: Services): string {
  const providers = Object.keys(services.providers).map((id) => snapKey(services.providers[id]));
  return JSON.stringify([snapKey(services.vcenter), providers]);
}

export function blockKey(block: Block): string {
  return JSON.stringify([
    snapKey(block.host),
    snapKey(block.persistence),
    block.diskGroup === undefined ? null : block.diskGroup.value,
    block.vms.map(snapKey),
  ]);
}

function snapKey(snapshot: { value: unknown; context: unknown }): unknown[] {
  return [snapshot.value, snapshot.context];
}

/**
 * The same block on another host of identical configuration: host and VM ids renamed (the k-th VM
 * of `from` becomes the k-th VM of `to`). Only meaningful when blocks name no other host's VMs,
 * which is why every host is its own table group under `keyScope: 'cluster'` (groups.ts).
 */
export function relabel(site: Site, model: Model, block: Block, from: Host, to: Host): Block {
  if (from.id === to.id) return block;
  const toVms = vmsOn(site, to.id);
  const names = new Map(vmsOn(site, from.id).map((vm, k) => [vm.id, toVms[k].id]));
  const rename = (keys: readonly string[]) => keys.map((key) => names.get(key) ?? key).sort();
  const { host, persistence } = block;
  return {
    host: model.host.resolveState({
      value: host.value,
      context: { ...host.context, id: to.id, cache: rename(host.context.cache) },
    }),
    persistence: model.persistence.resolveState({
      value: persistence.value,
      context: { ...persistence.context, host: to.id, stored: rename(persistence.context.stored) },
    }),
    diskGroup: block.diskGroup,
    vms: block.vms.map((vm, k) =>
      model.vm.resolveState({ value: vm.value, context: { ...vm.context, id: toVms[k].id } }),
    ),
  };
}
