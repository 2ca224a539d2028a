/**
 * The facts a component needs about the others, added to an event when the world delivers it
 * (machines never read each other). Each gatherer reads the components through a `SiteView` and
 * asks the component that decides (a provider answers whether it releases a key); none decides a
 * rule itself.
 */
import type { AnyMachineSnapshot } from 'xstate';
import type { KeyFacts, KeyOffer, PathState } from './definitions.ts';
import type { DiskGroupContext, KekFacts } from './disk-group.ts';
import type { HostContext } from './host.ts';
import type { ComponentKind, Payload } from './messages.ts';
import type { PersistenceContext } from './persistence.ts';
import type { KdkFacts, ProviderContext } from './provider.ts';
import type { VmContext } from './vm.ts';
import { VSAN_KEY } from './vocabulary.ts';

/** What the gatherers may read of a site while an event is delivered. */
export interface SiteView {
  /** A component's snapshot now; undefined when the site has none by that id. */
  get(kind: ComponentKind, id: string): AnyMachineSnapshot | undefined;
  /** Asks a component whether it would take `event` now (a provider: would it release this key?). */
  ask(kind: ComponentKind, id: string, event: Payload): boolean;
  /** The ids of the components of `kind` that belong to `host`, in topology order. */
  owned(kind: ComponentKind, host: string): readonly string[];
  /** The vSAN KEK's provider, or null without encrypted vSAN. */
  readonly vsanProvider: string | null;
}

/**
 * Facts for an event delivered to a component: the component's id and snapshot, the event as sent.
 * Returns a new object each time: the world adds the event's own fields to it.
 */
export type Gatherer = (view: SiteView, snapshot: AnyMachineSnapshot, event: Payload) => object;

/** Which events get which facts, per kind of recipient. */
export const FACTS: Partial<Record<ComponentKind, Record<string, Gatherer>>> = {
  vm: {
    VM_POWER_ON: (view, vm) => vmKeyFacts(view, vm.context, vm.context.host),
    VM_UNLOCK: (view, vm) => vmKeyFacts(view, vm.context, vm.context.host),
    HOST_UP: (view, vm) => vmKeyFacts(view, vm.context, vm.context.host),
    KEY_CHECK: (view, vm) => vmKeyFacts(view, vm.context, vm.context.host),
    CLUSTER_KEY: (view, vm, event) => vmKeyFacts(view, vm.context, event.host as string),
  },
  diskGroup: {
    MOUNT: (view, disk) => kekFacts(view, (disk.context as DiskGroupContext).host),
  },
  provider: {
    PUSH_KDK: (view, provider, event) => kdkFacts(view, provider.context, event.host as string),
  },
  persistence: {
    KEY_PERSISTENCE_ENABLE: (view, persistence) => ({
      offers: heldKeys(view, (persistence.context as PersistenceContext).host),
    }),
  },
};

function host(view: SiteView, id: string): AnyMachineSnapshot & { context: HostContext } {
  return view.get('host', id) as AnyMachineSnapshot & { context: HostContext };
}

// State values are read directly (`matches` parses its argument each time, on the hot path).
function hostIn(h: AnyMachineSnapshot, region: 'link' | 'attestation', state: string): boolean {
  return (h.value as Record<string, string>)[region] === state;
}

function vcenterUp(view: SiteView): boolean {
  return view.get('vcenter', 'vcenter')?.value === 'up';
}

/** The key path of `hostId` towards the provider `providerId` (section 1). */
function pathState(view: SiteView, hostId: string, providerId: string | null): PathState {
  const h = host(view, hostId);
  const provider = providerId === null ? undefined : view.get('provider', providerId);
  return {
    link: hostIn(h, 'link', 'up'),
    vcenter: vcenterUp(view),
    keyServer: (provider?.value as { keyServer?: string } | undefined)?.keyServer === 'up',
    attestation: hostIn(h, 'attestation', 'attested'),
    kdk: providerId !== null && h.context.kdks.includes(providerId),
  };
}

/** What `hostId` knows of `vm`'s key (section 1, "usable"): its provider answers whether it releases it. */
function vmKeyFacts(view: SiteView, vm: VmContext, hostId: string): KeyFacts {
  const path = pathState(view, hostId, vm.provider);
  const attested = path.attestation;
  if (vm.provider === null) return { cached: false, obtainable: true, attested, path };
  return {
    cached: host(view, hostId).context.cache.includes(vm.id),
    obtainable: view.ask('provider', vm.provider, { type: 'RELEASE_KEY', path }),
    attested,
    path,
  };
}

/** What `hostId` knows of the vSAN KEK (section 1, "The vSAN KEK is usable"). */
function kekFacts(view: SiteView, hostId: string): KekFacts {
  const providerId = view.vsanProvider;
  if (providerId === null) return { cached: false, obtainable: false, derived: false };
  const provider = view.get('provider', providerId) as AnyMachineSnapshot & { context: ProviderContext };
  const derived = provider.context.kind === 'native';
  return {
    cached: !derived && host(view, hostId).context.cache.includes(VSAN_KEY),
    obtainable: view.ask('provider', providerId, {
      type: 'RELEASE_KEK',
      path: pathState(view, hostId, providerId),
    }),
    derived,
  };
}

/** What vCenter knows of a host it could push `provider`'s KDK to. */
function kdkFacts(view: SiteView, provider: ProviderContext, hostId: string): KdkFacts {
  const h = host(view, hostId);
  return {
    holdsKdk: h.context.kdks.includes(provider.id),
    vcenterUp: vcenterUp(view),
    linkUp: hostIn(h, 'link', 'up'),
    release: h.context.release,
    tpm: h.context.tpm,
  };
}

/** The keys a host holds when persistence is enabled: its cache, and the VM keys it can derive (ASM-01, ASM-06). */
function heldKeys(view: SiteView, hostId: string): KeyOffer[] {
  const cached = host(view, hostId).context.cache.map((key: string) => ({ key, derived: false }));
  const derivable = view
    .owned('vm', hostId)
    .map((id) => view.get('vm', id) as AnyMachineSnapshot & { context: VmContext })
    .filter((vm) => vm.context.kind === 'native')
    .filter((vm) => vmKeyFacts(view, vm.context, hostId).obtainable)
    .map((vm) => ({ key: vm.context.id, derived: true }));
  return [...cached, ...derivable];
}
