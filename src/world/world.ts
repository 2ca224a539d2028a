/**
 * The world: a site's component snapshots, composed with XState's pure `transition()`.
 *
 * The statecharts in models/ decide every behaviour; this file routes each event to the machines
 * it concerns, hands them the facts they need in event payloads (is the link up? is the key
 * cached?), and runs the boot sequence and the automatic effects of key-persistence.md, section 1.
 * One world and one event give one next world: nothing here is random or depends on time.
 */
import { initialTransition, transition, type AnyStateMachine, type SnapshotFrom } from 'xstate';
import { productionModel, type Model } from '../../models/index.ts';
import type { KeyFacts } from '../../models/vm.ts';
import type { KpmEvent } from '../events.ts';
import { VSAN_KEY, type Host, type Topology, type Vm } from '../topology/types.ts';
import { isNativeKey, providerOf, siteOf, type Site } from './site.ts';
import { refusalReason } from './refusal.ts';

type Snap<K extends keyof Omit<Model, 'name'>> = SnapshotFrom<Model[K]>;

export interface World {
  readonly topology: Topology;
  readonly model: Model;
  readonly vcenter: Snap<'vcenter'>;
  readonly providers: Readonly<Record<string, Snap<'provider'>>>;
  readonly hosts: Readonly<Record<string, Snap<'host'>>>;
  readonly persistence: Readonly<Record<string, Snap<'persistence'>>>;
  readonly vms: Readonly<Record<string, Snap<'vm'>>>;
  /** One disk group per host when the site has encrypted vSAN; empty otherwise. */
  readonly diskGroups: Readonly<Record<string, Snap<'diskGroup'>>>;
}

export type StepResult =
  { outcome: 'applied'; reason: null; world: World } | { outcome: 'refused'; reason: string; world: World };

/** Sees every component transition the world makes: coverage of the statecharts is measured with it. */
export type TransitionTracer = (
  machine: AnyStateMachine,
  before: unknown,
  event: { type: string },
  after: unknown,
) => void;

let tracer: TransitionTracer | null = null;

/** Installs a tracer (or removes it with null); returns the one it replaces. */
export function traceTransitions(next: TransitionTracer | null): TransitionTracer | null {
  const previous = tracer;
  tracer = next;
  return previous;
}

/** The next snapshot of `machine` after `event`; a pure function of its arguments. */
function next<M extends AnyStateMachine>(
  machine: M,
  snapshot: SnapshotFrom<M>,
  event: { type: string; [field: string]: unknown },
): SnapshotFrom<M> {
  const after = transition(machine, snapshot, event as never)[0] as SnapshotFrom<M>;
  tracer?.(machine, snapshot, event, after);
  return after;
}

function start<M extends AnyStateMachine>(machine: M, input?: unknown): SnapshotFrom<M> {
  return (initialTransition as (m: M, i: unknown) => [SnapshotFrom<M>, unknown])(machine, input)[0];
}

/**
 * A world under construction during one step. The records are copies, so the world the step
 * started from is never changed.
 */
class Draft {
  readonly site: Site;
  readonly model: Model;
  vcenter: Snap<'vcenter'>;
  providers: Record<string, Snap<'provider'>>;
  hosts: Record<string, Snap<'host'>>;
  persistence: Record<string, Snap<'persistence'>>;
  vms: Record<string, Snap<'vm'>>;
  diskGroups: Record<string, Snap<'diskGroup'>>;

  constructor(world: World) {
    this.site = siteOf(world.topology);
    this.model = world.model;
    this.vcenter = world.vcenter;
    this.providers = { ...world.providers };
    this.hosts = { ...world.hosts };
    this.persistence = { ...world.persistence };
    this.vms = { ...world.vms };
    this.diskGroups = { ...world.diskGroups };
  }

  toWorld(): World {
    const { vcenter, providers, hosts, persistence, vms, diskGroups } = this;
    return {
      topology: this.site.topology,
      model: this.model,
      vcenter,
      providers,
      hosts,
      persistence,
      vms,
      diskGroups,
    };
  }

  // --- facts ---------------------------------------------------------------------------------

  vcenterUp(): boolean {
    return this.vcenter.value === 'up';
  }

  linkUp(host: string): boolean {
    return this.hosts[host].matches({ link: 'up' });
  }

  attested(host: string): boolean {
    return this.hosts[host].matches({ attestation: 'attested' });
  }

  cached(host: string, key: string): boolean {
    return this.hosts[host].context.cache.includes(key);
  }

  holdsKdk(host: string, provider: string): boolean {
    return this.hosts[host].context.kdks.includes(provider);
  }

  /** What the host knows of `vm`'s key now (section 1: cached, obtainable, attested). */
  keyFacts(host: string, vm: Vm): KeyFacts {
    const provider = providerOf(this.site, vm);
    const attested = this.attested(host);
    if (provider === null) return { cached: false, obtainable: true, attested };
    if (provider.kind === 'native')
      return { cached: false, obtainable: this.holdsKdk(host, provider.id), attested };
    const request = {
      type: 'RELEASE_KEY' as const,
      linkUp: this.linkUp(host),
      vcenterUp: this.vcenterUp(),
      attested,
    };
    return {
      cached: this.cached(host, vm.id),
      obtainable: this.providers[provider.id].can(request),
      attested,
    };
  }

  /** Section 1, "The vSAN KEK is usable by a host". */
  kekUsable(host: string): boolean {
    const provider = this.site.vsanProvider;
    if (provider === null) return false;
    if (provider.kind === 'native') return this.holdsKdk(host, provider.id);
    if (this.cached(host, VSAN_KEY)) return true;
    const request = {
      type: 'RELEASE_KEK' as const,
      linkUp: this.linkUp(host),
      vcenterUp: this.vcenterUp(),
      attested: this.attested(host),
    };
    return this.providers[provider.id].can(request);
  }

  // --- effects -------------------------------------------------------------------------------

  /** The host obtains a usable key: a released key enters the cache (KP-06) and, where persistence is in effect, the store (ASM-01). */
  obtainKey(host: string, key: string, native: boolean): void {
    if (!native) {
      if (this.cached(host, key)) return;
      this.hosts[host] = next(this.model.host, this.hosts[host], { type: 'CACHE_KEY', key });
    }
    this.persistence[host] = next(this.model.persistence, this.persistence[host], {
      type: 'STORE',
      key,
      native,
    });
  }

  obtainVmKey(host: string, vm: Vm): void {
    const provider = providerOf(this.site, vm);
    if (provider !== null) this.obtainKey(host, vm.id, provider.kind === 'native');
  }

  /** KDK delivery (section 1): vCenter pushes each native provider's KDK to an eligible host that lacks it. */
  deliverKdks(hostId: string): void {
    const host = this.site.hosts.get(hostId) as Host;
    for (const provider of this.site.nativeProviders) {
      if (this.holdsKdk(hostId, provider.id)) continue;
      const request = {
        type: 'DELIVER_KDK' as const,
        vcenterUp: this.vcenterUp(),
        linkUp: this.linkUp(hostId),
        release: host.release,
        tpm: host.tpm,
      };
      if (this.providers[provider.id].can(request)) {
        this.hosts[hostId] = next(this.model.host, this.hosts[hostId], {
          type: 'RECEIVE_KDK',
          provider: provider.id,
        });
      }
    }
  }

  /** After a disk group event: a mounted disk group holds the KEK (DOC-05); a native KEK is derived, not cached. */
  diskGroupEvent(host: string, type: 'HOST_BOOT' | 'RETRY'): void {
    const snapshot = this.diskGroups[host];
    if (snapshot === undefined) return;
    const kekUsable = this.kekUsable(host);
    const after = next(this.model.diskGroup, snapshot, { type, kekUsable });
    this.diskGroups[host] = after;
    if (after.value === 'mounted' && kekUsable && this.site.vsanProvider?.kind !== 'native') {
      this.obtainKey(host, VSAN_KEY, false);
    }
  }

  /**
   * The boot sequence of section 1 (ASM-05: one atomic step). `autostart` is ASM-03, or true for
   * the steady initial state, where each VM runs when the topology says so.
   */
  boot(host: string, autostart: boolean): void {
    const stored = this.persistence[host].context.stored.filter((key) => !isNativeKey(this.site, key));
    this.hosts[host] = next(this.model.host, this.hosts[host], { type: 'BOOT', stored }); // KP-07, KP-11
    this.deliverKdks(host);
    this.diskGroupEvent(host, 'HOST_BOOT');
    for (const vm of this.site.vmsOnHost.get(host) ?? []) {
      const after = next(this.model.vm, this.vms[vm.id], {
        type: 'HOST_BOOT',
        autostart,
        ...this.keyFacts(host, vm),
      });
      this.vms[vm.id] = after;
      if (!after.matches('locked')) this.obtainVmKey(host, vm); // DOC-04, step 5
    }
    if (this.site.topology.options.keyScope === 'cluster') this.cacheClusterKeys(host);
  }

  /** ASM-04 `cluster`: the host also caches every other usable standard- or trusted-provider VM key. */
  private cacheClusterKeys(host: string): void {
    for (const vm of this.site.topology.vms) {
      if (vm.host === host || vm.encryptedBy === null) continue;
      if (providerOf(this.site, vm)?.kind === 'native') continue;
      const facts = this.keyFacts(host, vm);
      if (facts.obtainable && (providerOf(this.site, vm)?.kind !== 'trusted' || facts.attested)) {
        this.obtainKey(host, vm.id, false);
      }
    }
  }

  /**
   * The automatic effects after every applied event, host by host (a host's effects read only the
   * shared services and its own components): KDK delivery, the disk group's retry (DOC-05), and
   * ASM-02 auto-unlock.
   */
  settle(): void {
    const autoUnlock = this.site.topology.options.autoUnlock;
    for (const host of this.site.hosts.keys()) {
      this.deliverKdks(host);
      if (this.diskGroups[host]?.value === 'unmounted') this.diskGroupEvent(host, 'RETRY');
      for (const vm of this.site.vmsOnHost.get(host) ?? []) {
        if (!this.vms[vm.id].matches('locked')) continue;
        const after = next(this.model.vm, this.vms[vm.id], {
          type: 'KEY_CHECK',
          autoUnlock,
          ...this.keyFacts(host, vm),
        });
        this.vms[vm.id] = after;
        if (!after.matches('locked')) this.obtainVmKey(host, vm);
      }
    }
  }
}

/** The steady initial state of a topology (section 1): everything up, every host attested and booted. */
export function initialWorld(topology: Topology, model: Model = productionModel): World {
  const site = siteOf(topology);
  const options = topology.options;
  const empty: World = {
    topology,
    model,
    vcenter: start(model.vcenter),
    providers: Object.fromEntries(topology.providers.map((p) => [p.id, start(model.provider, p)])),
    hosts: Object.fromEntries(
      topology.hosts.map((h) => [h.id, start(model.host, { id: h.id, release: h.release, tpm: h.tpm })]),
    ),
    persistence: Object.fromEntries(
      topology.hosts.map((h) => [
        h.id,
        start(model.persistence, {
          host: h.id,
          release: h.release,
          tpm: h.tpm,
          persistCachedKeys: options.persistCachedKeys,
          nativeKeyWording: options.nativeKeyWording,
        }),
      ]),
    ),
    vms: Object.fromEntries(
      topology.vms.map((v) => [
        v.id,
        start(model.vm, {
          id: v.id,
          encryptedBy: v.encryptedBy === null ? null : (site.providers.get(v.encryptedBy)?.kind ?? null),
          running: v.running,
        }),
      ]),
    ),
    diskGroups: topology.vsan
      ? Object.fromEntries(topology.hosts.map((h) => [h.id, start(model.diskGroup)]))
      : {},
  };
  const draft = new Draft(empty);
  for (const host of topology.hosts) {
    if (host.keyPersistence) enable(draft, host.id);
    draft.boot(host.id, true);
  }
  draft.settle();
  return draft.toWorld();
}

/** The one step of the world: `applied` with the next world, or `refused` with the same world and why. */
export function step(world: World, event: KpmEvent): StepResult {
  const draft = new Draft(world);
  const refusal = apply(draft, event);
  if (refusal !== null) return { outcome: 'refused', reason: refusal, world };
  draft.settle();
  return { outcome: 'applied', reason: null, world: draft.toWorld() };
}

/** Applies the event to the draft; returns why it was refused, or null when it took effect. */
function apply(d: Draft, event: KpmEvent): string | null {
  switch (event.type) {
    case 'KMS_DOWN':
    case 'KMS_UP':
      return routeProvider(d, event.provider, event);
    case 'VCENTER_DOWN':
    case 'VCENTER_UP': {
      if (!d.vcenter.can(event)) return refusalReason(d.vcenter, event.type);
      d.vcenter = next(d.model.vcenter, d.vcenter, event);
      return null;
    }
    case 'LINK_DOWN':
    case 'LINK_UP':
    case 'ATTESTATION_FAIL':
    case 'ATTESTATION_PASS':
      return routeHost(d, event.host, { type: event.type });
    case 'HOST_REBOOT':
      if (!d.site.hosts.has(event.host)) return unknown('host', event.host);
      d.boot(event.host, d.site.topology.options.autostart);
      return null;
    case 'TPM_REPLACE':
      return replaceTpm(d, event.host);
    case 'KEY_PERSISTENCE_ENABLE':
      if (!d.site.hosts.has(event.host)) return unknown('host', event.host);
      return enable(d, event.host);
    case 'KEY_PERSISTENCE_DISABLE': {
      if (!d.site.hosts.has(event.host)) return unknown('host', event.host);
      const snapshot = d.persistence[event.host];
      if (!snapshot.can(event)) return refusalReason(snapshot, event.type);
      d.persistence[event.host] = next(d.model.persistence, snapshot, event);
      return null;
    }
    case 'VM_POWER_ON':
    case 'VM_UNLOCK':
      return useKey(d, event.vm, event.type);
    case 'VM_POWER_OFF': {
      const vm = d.site.vms.get(event.vm);
      if (!vm) return unknown('VM', event.vm);
      if (!d.vms[vm.id].can(event)) return refusalReason(d.vms[vm.id], event.type);
      d.vms[vm.id] = next(d.model.vm, d.vms[vm.id], event);
      return null;
    }
    default:
      return `unknown event type ${JSON.stringify((event as { type: unknown }).type)}`;
  }
}

function unknown(what: string, id: unknown): string {
  return `unknown ${what} ${JSON.stringify(id)}`;
}

function routeProvider(d: Draft, id: string, event: { type: 'KMS_DOWN' | 'KMS_UP' }): string | null {
  const snapshot = d.providers[id];
  if (!d.site.providers.has(id) || snapshot === undefined) return unknown('provider', id);
  if (!snapshot.can(event)) return refusalReason(snapshot, event.type);
  d.providers[id] = next(d.model.provider, snapshot, event);
  return null;
}

function routeHost(
  d: Draft,
  id: string,
  event: { type: 'LINK_DOWN' | 'LINK_UP' | 'ATTESTATION_FAIL' | 'ATTESTATION_PASS' },
): string | null {
  if (!d.site.hosts.has(id)) return unknown('host', id);
  const snapshot = d.hosts[id];
  if (!snapshot.can(event)) return refusalReason(snapshot, event.type);
  d.hosts[id] = next(d.model.host, snapshot, event);
  return null;
}

/** KEY_PERSISTENCE_ENABLE: the persistence machine decides (DOC-01) and stores what is cached (ASM-01). */
function enable(d: Draft, host: string): string | null {
  const cached = d.hosts[host].context.cache.map((key) => ({ key, native: false }));
  const derived = (d.site.vmsOnHost.get(host) ?? [])
    .filter((vm) => providerOf(d.site, vm)?.kind === 'native' && d.keyFacts(host, vm).obtainable)
    .map((vm) => ({ key: vm.id, native: true }));
  const event = { type: 'KEY_PERSISTENCE_ENABLE' as const, cached: [...cached, ...derived] };
  const snapshot = d.persistence[host];
  if (!snapshot.can(event)) return refusalReason(snapshot, event.type);
  d.persistence[host] = next(d.model.persistence, snapshot, event);
  return null;
}

/** TPM_REPLACE (DOC-09): the host machine accepts it only with a TPM 2.0; the store empties; the host boots. */
function replaceTpm(d: Draft, host: string): string | null {
  if (!d.site.hosts.has(host)) return unknown('host', host);
  const event = { type: 'TPM_REPLACE' as const };
  if (!d.hosts[host].can(event)) return refusalReason(d.hosts[host], event.type);
  d.hosts[host] = next(d.model.host, d.hosts[host], event);
  d.persistence[host] = next(d.model.persistence, d.persistence[host], { type: 'TPM_CLEARED' });
  d.boot(host, d.site.topology.options.autostart);
  return null;
}

/** VM_POWER_ON and VM_UNLOCK need a usable key (DOC-04), which then enters the cache (KP-06). */
function useKey(d: Draft, id: string, type: 'VM_POWER_ON' | 'VM_UNLOCK'): string | null {
  const vm = d.site.vms.get(id);
  if (!vm) return unknown('VM', id);
  const facts = d.keyFacts(vm.host, vm);
  const event = { type, ...facts };
  const snapshot = d.vms[id];
  if (!snapshot.can(event)) {
    const keyIsWhy = snapshot.matches(type === 'VM_POWER_ON' ? 'off' : 'locked');
    return refusalReason(snapshot, type, keyIsWhy ? unusableDetail(d, vm, facts) : '');
  }
  d.vms[id] = next(d.model.vm, snapshot, event);
  d.obtainVmKey(vm.host, vm);
  return null;
}

/** Why a key is not usable, in the words of section 1, for refusal messages. */
function unusableDetail(d: Draft, vm: Vm, facts: KeyFacts): string {
  const provider = providerOf(d.site, vm);
  if (provider === null) return '';
  if (provider.kind === 'trusted' && !facts.attested) return `${vm.host} is not attested (DOC-07)`;
  if (provider.kind === 'native') return `${vm.host} does not hold the KDK of ${provider.id} (KP-13)`;
  if (facts.cached || facts.obtainable) return '';
  const missing = [
    d.linkUp(vm.host) ? null : `the link of ${vm.host} is down`,
    provider.kind === 'standard' && !d.vcenterUp() ? 'vCenter is down' : null,
    d.providers[provider.id].matches({ keyServer: 'down' }) ? `${provider.id} is down` : null,
  ].filter((m) => m !== null);
  return `not cached on ${vm.host}, and ${provider.id} cannot release it: ${missing.join(', ')}`;
}
