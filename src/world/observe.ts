/**
 * What a user sees of a world: the `state` object of `kpm replay --json` (interface.md), and the
 * replay that produces one per step. Extra fields are allowed by the contract; the ones below must
 * keep these meanings. Each kind of component writes its part; a new kind registers its part here.
 * The observation is complete: two worlds of one topology with equal observations are the same state.
 */
import type { AnyMachineSnapshot } from 'xstate';
import { COMPONENT_KINDS } from '../../models/components.ts';
import type { KeyOffer } from '../../models/definitions.ts';
import type { KpmEvent } from '../../models/events.ts';
import type { Model } from '../../models/index.ts';
import type { ComponentKind } from '../../models/messages.ts';
import type { Topology } from '../../models/topology.ts';
import { initialWorld, step, type World } from './world.ts';

export interface ObservedHost {
  link: 'up' | 'down';
  /** The persistence setting (KP-17 `get`: Enabled true/false). */
  keyPersistence: boolean;
  /** Setting on, release 7.0U2 or later, TPM 2.0 (section 1). */
  persistenceInEffect: boolean;
  /** Standard- and trusted-provider keys (VM ids, `vsan`), sorted. */
  cachedKeys: string[];
  /** Keys sealed in the TPM, sorted. */
  storedKeys: string[];
  /** Native providers whose KDK the host holds, sorted. */
  kdk: string[];
  attested: boolean;
  /** The encrypted vSAN disk group, or null when the site has no encrypted vSAN. */
  vsan: 'mounted' | 'unmounted' | null;
}

export interface ObservedVm {
  power: 'on' | 'off';
  locked: boolean;
}

export interface ObservedState {
  vcenter: 'up' | 'down';
  /** Key-server state of each standard and trusted provider. */
  providers: Record<string, 'up' | 'down'>;
  hosts: Record<string, ObservedHost>;
  vms: Record<string, ObservedVm>;
}

export type Outcome = 'applied' | 'refused';

export interface ReplayStep {
  event: KpmEvent | null;
  outcome: Outcome;
  reason: string | null;
  state: ObservedState;
}

export interface ReplayResult {
  topology: string;
  steps: ReplayStep[];
}

// State values are read directly rather than with `matches`, which parses its argument each time:
// observation is on every explorer's hot path.
type Observer = (state: ObservedState, id: string, snapshot: AnyMachineSnapshot) => void;

/** Each kind's part of the observation; kinds without one (the orchestration) are not observed. */
const OBSERVERS: Partial<Record<ComponentKind, Observer>> = {
  vcenter: (state, _id, vcenter) => {
    state.vcenter = vcenter.value === 'up' ? 'up' : 'down';
  },
  provider: (state, id, provider) => {
    // A native provider has no key server, so nothing to observe (interface.md).
    if (provider.value !== 'native')
      state.providers[id] = (provider.value as { keyServer: string }).keyServer === 'up' ? 'up' : 'down';
  },
  host: (state, id, host) => {
    const observed = state.hosts[id];
    const value = host.value as { link: 'up' | 'down'; attestation: string };
    observed.link = value.link;
    observed.attested = value.attestation === 'attested';
    observed.cachedKeys = [...host.context.cache];
    observed.kdk = [...host.context.kdks];
  },
  persistence: (state, id, persistence) => {
    const observed = state.hosts[id];
    // The setting can only be on where persistence can be in effect (DOC-01), so the two agree.
    observed.keyPersistence = persistence.value === 'inEffect';
    observed.persistenceInEffect = persistence.value === 'inEffect';
    observed.storedKeys = persistence.context.stored.map((offer: KeyOffer) => offer.key);
  },
  diskGroup: (state, id, disk) => {
    state.hosts[id].vsan = disk.value === 'mounted' ? 'mounted' : 'unmounted';
  },
  vm: (state, id, vm) => {
    state.vms[id] = { power: vm.value === 'on' ? 'on' : 'off', locked: vm.value === 'locked' };
  },
};

/** The observation of a world, fields in the order interface.md gives them. */
export function observe(world: World): ObservedState {
  const state: ObservedState = { vcenter: 'up', providers: {}, hosts: {}, vms: {} };
  for (const host of world.topology.hosts) state.hosts[host.id] = emptyHost();
  for (const kind of COMPONENT_KINDS) {
    const observer = OBSERVERS[kind];
    if (observer === undefined) continue;
    const parts = world.parts[kind] as Readonly<Record<string, AnyMachineSnapshot>>;
    for (const id of Object.keys(parts)) observer(state, id, parts[id]);
  }
  return state;
}

function emptyHost(): ObservedHost {
  return {
    link: 'up',
    keyPersistence: false,
    persistenceInEffect: false,
    cachedKeys: [],
    storedKeys: [],
    kdk: [],
    attested: true,
    vsan: null,
  };
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
