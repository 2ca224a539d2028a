import type { KpmEvent } from '../events.ts';
import type { ObservedHost, ObservedState, ReplayResult, ReplayStep } from './observation.ts';
import { initialWorld, step, type World } from './world.ts';
import type { Topology } from '../topology/types.ts';
import type { Model } from '../../models/index.ts';

/**
 * The observable state of a world, as `kpm replay --json` prints it (interface.md). It is also
 * complete: two worlds of one topology with equal observations are the same state.
 */
export function observe(world: World): ObservedState {
  const providers: Record<string, 'up' | 'down'> = {};
  for (const p of world.topology.providers) {
    if (p.kind !== 'native')
      providers[p.id] = world.providers[p.id].matches({ keyServer: 'up' }) ? 'up' : 'down';
  }
  const hosts: Record<string, ObservedHost> = {};
  for (const h of world.topology.hosts) {
    const host = world.hosts[h.id];
    const persistence = world.persistence[h.id];
    const inEffect = persistence.matches('inEffect');
    const disk = world.diskGroups[h.id];
    hosts[h.id] = {
      link: host.matches({ link: 'up' }) ? 'up' : 'down',
      keyPersistence: inEffect,
      persistenceInEffect: inEffect,
      cachedKeys: [...host.context.cache],
      storedKeys: [...persistence.context.stored],
      kdk: [...host.context.kdks],
      attested: host.matches({ attestation: 'attested' }),
      vsan: disk === undefined ? null : disk.value === 'mounted' ? 'mounted' : 'unmounted',
    };
  }
  const vms: ObservedState['vms'] = {};
  for (const v of world.topology.vms) {
    const vm = world.vms[v.id];
    vms[v.id] = { power: vm.matches('on') ? 'on' : 'off', locked: vm.matches('locked') };
  }
  return { vcenter: world.vcenter.value === 'up' ? 'up' : 'down', providers, hosts, vms };
}

/** A canonical string of a world's state, for visited sets and equality. */
export function stateKey(world: World): string {
  return JSON.stringify(observe(world));
}

/** Applies the events one by one from the steady initial state (interface.md, `kpm replay --json`). */
export function replay(topology: Topology, events: readonly KpmEvent[], model?: Model): ReplayResult {
  let world = initialWorld(topology, model);
  const steps: ReplayStep[] = [{ event: null, outcome: 'applied', reason: null, state: observe(world) }];
  for (const event of events) {
    const result = step(world, event);
    world = result.world;
    steps.push({ event, outcome: result.outcome, reason: result.reason, state: observe(world) });
  }
  return { topology: topology.name, steps };
}
