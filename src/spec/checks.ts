/**
 * The safety properties (SEC) and the per-step availability check of AV-09, written against the
 * observable state only (interface.md), from the words of key-persistence.md, not from the
 * machines: they check the model, so they must not share its code.
 */
import { formatEvent, OUTAGE_EVENTS, type KpmEvent } from '../events.ts';
import { atLeast, VSAN_KEY, type Host, type Vm } from '../topology/types.ts';
import type { ObservedHost, ObservedState } from '../world/observation.ts';
import { providerOf, type Site } from '../world/site.ts';
import type { PropertyId } from './catalogue.ts';

export interface Violation {
  id: PropertyId;
  /** The VM or host the violation is about. */
  subject: string;
  message: string;
}

/** SEC-01, SEC-02, SEC-03, SEC-05 (the store of a disabled host), SEC-06 on one host. */
export function hostStateViolations(site: Site, state: ObservedState, hostId: string): Violation[] {
  const host = site.hosts.get(hostId) as Host;
  const obs = state.hosts[hostId];
  const out: Violation[] = [];
  for (const vm of site.vmsOnHost.get(hostId) ?? []) {
    const v = state.vms[vm.id];
    if (v.locked && v.power === 'on')
      out.push({ id: 'SEC-02', subject: vm.id, message: `${vm.id} is locked and running` });
    if (v.power === 'on' && !keyPresent(site, obs, vm)) {
      out.push({ id: 'SEC-01', subject: vm.id, message: `${vm.id} runs on ${hostId} without its key` });
    }
  }
  if (obs.storedKeys.length > 0 && !obs.persistenceInEffect) {
    out.push({
      id: 'SEC-03',
      subject: hostId,
      message: `${hostId} stores keys without persistence in effect`,
    });
  }
  if (obs.persistenceInEffect && !(atLeast(host.release, '7.0U2') && host.tpm === '2.0')) {
    out.push({
      id: 'SEC-03',
      subject: hostId,
      message: `persistence is in effect on ${hostId}, which cannot have it`,
    });
  }
  if (obs.storedKeys.includes(VSAN_KEY) && !atLeast(host.release, '7.0U3')) {
    out.push({ id: 'SEC-03', subject: hostId, message: `${hostId} (${host.release}) stores the vSAN KEK` });
  }
  if (!obs.keyPersistence && obs.storedKeys.length > 0) {
    out.push({
      id: 'SEC-05',
      subject: hostId,
      message: `${hostId} keeps stored keys with persistence disabled`,
    });
  }
  for (const p of obs.kdk) {
    if (host.tpm !== '2.0' && site.providers.get(p)?.tpmOnly) {
      out.push({
        id: 'SEC-06',
        subject: hostId,
        message: `${hostId} has no TPM 2.0 but holds the KDK of ${p}`,
      });
    }
  }
  return out;
}

export function stateViolations(site: Site, state: ObservedState): Violation[] {
  return [...site.hosts.keys()].flatMap((h) => hostStateViolations(site, state, h));
}

function keyPresent(site: Site, obs: ObservedHost, vm: Vm): boolean {
  const provider = providerOf(site, vm);
  if (provider === null) return true;
  return provider.kind === 'native' ? obs.kdk.includes(provider.id) : obs.cachedKeys.includes(vm.id);
}

/**
 * Section 1: would the provider of `key` release it to the host in this state? (VM keys and the
 * vSAN KEK of standard and trusted providers; native keys are derived, never released.)
 */
export function released(site: Site, state: ObservedState, hostId: string, key: string): boolean {
  const obs = state.hosts[hostId];
  const providerId = key === VSAN_KEY ? site.topology.vsan?.encryptedBy : site.vms.get(key)?.encryptedBy;
  const provider = providerId ? site.providers.get(providerId) : undefined;
  if (!provider || provider.kind === 'native' || obs.link !== 'up' || state.providers[provider.id] !== 'up')
    return false;
  if (key === VSAN_KEY) return provider.kind === 'standard';
  return provider.kind === 'standard' ? state.vcenter === 'up' : obs.attested;
}

/** SEC-04, SEC-05 (reboots), SEC-07 on one host, for one applied step. */
export function hostStepViolations(
  site: Site,
  before: ObservedState,
  event: KpmEvent,
  after: ObservedState,
  hostId: string,
): Violation[] {
  const b = before.hosts[hostId];
  const a = after.hosts[hostId];
  const out: Violation[] = [];
  const had = new Set([...b.cachedKeys, ...b.storedKeys]);
  const nativeKey = (k: string) =>
    site.vms.has(k) && providerOf(site, site.vms.get(k) as Vm)?.kind === 'native';
  for (const key of new Set([...a.cachedKeys, ...a.storedKeys])) {
    if (had.has(key) || released(site, after, hostId, key)) continue;
    if (nativeKey(key) && a.kdk.includes(site.vms.get(key)?.encryptedBy as string)) continue;
    out.push({ id: 'SEC-04', subject: hostId, message: `${key} appeared on ${hostId} without a release` });
  }
  const rebooted = (event.type === 'HOST_REBOOT' || event.type === 'TPM_REPLACE') && event.host === hostId;
  if (rebooted) {
    const kept = event.type === 'TPM_REPLACE' ? new Set<string>() : new Set(b.storedKeys);
    for (const key of a.cachedKeys) {
      if (!kept.has(key) && !released(site, after, hostId, key)) {
        out.push({
          id: 'SEC-05',
          subject: hostId,
          message: `${key} came back on ${hostId} after the reboot without a release`,
        });
      }
    }
  }
  if (!a.attested) {
    for (const key of a.cachedKeys) {
      const vm = site.vms.get(key);
      if (vm && providerOf(site, vm)?.kind === 'trusted' && !had.has(key)) {
        out.push({ id: 'SEC-07', subject: hostId, message: `unattested ${hostId} received ${key}` });
      }
    }
  }
  for (const p of a.kdk) {
    if (!b.kdk.includes(p) && (after.vcenter !== 'up' || a.link !== 'up')) {
      out.push({
        id: 'SEC-04',
        subject: hostId,
        message: `${hostId} received the KDK of ${p} without vCenter and its link`,
      });
    }
  }
  return out;
}

/** AV-09 (DOC-03): an outage or its repair never changes a running VM. */
export function outageViolations(
  site: Site,
  before: ObservedState,
  event: KpmEvent,
  after: ObservedState,
): Violation[] {
  if (!OUTAGE_EVENTS.has(event.type)) return [];
  return site.topology.vms
    .filter((vm) => before.vms[vm.id].power === 'on')
    .filter((vm) => after.vms[vm.id].power !== 'on' || after.vms[vm.id].locked)
    .map((vm) => ({ id: 'AV-09', subject: vm.id, message: `${vm.id} stopped on ${formatEvent(event)}` }));
}

export function stepViolations(
  site: Site,
  before: ObservedState,
  event: KpmEvent,
  after: ObservedState,
): Violation[] {
  return [
    ...[...site.hosts.keys()].flatMap((h) => hostStepViolations(site, before, event, after, h)),
    ...outageViolations(site, before, event, after),
  ];
}
