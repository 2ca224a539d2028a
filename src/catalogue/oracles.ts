/**
 * The oracles of the properties: the safety properties (SEC), and the per-step checks of AV-09 and
 * AV-10, written against the observable state only (interface.md), from the words of
 * key-persistence.md, not from the machines: they check the model, so they must not share its code
 * (only the release floors, which are data of DOC-08). test/oracles.test.ts holds the definitions
 * they restate (the key path, persistence in effect, a key present) against the model's, both ways,
 * on every state of every example.
 */
import type { KpmEvent } from '../../models/events.ts';
import type { Host, Vm } from '../../models/topology.ts';
import { atLeast, FLOORS, VSAN_KEY } from '../../models/vocabulary.ts';
import { formatEvent } from '../events.ts';
import { providerOf, type Lookups } from '../topology/lookups.ts';
import type { ObservedHost, ObservedState } from '../world/observe.ts';
import { OUTAGE_EVENTS } from './alphabets.ts';
import type { PropertyId } from './catalogue.ts';

export interface Violation {
  id: PropertyId;
  /** The VM or host the violation is about. */
  subject: string;
  message: string;
}

/** SEC-01, SEC-02, SEC-03, SEC-05 (the store of a disabled host), SEC-06 on one host. */
export function hostStateViolations(site: Lookups, state: ObservedState, hostId: string): Violation[] {
  const host = site.hosts.get(hostId);
  if (host === undefined) throw new Error(`no host ${hostId}`);
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
  if (obs.persistenceInEffect && !canPersist(host)) {
    out.push({
      id: 'SEC-03',
      subject: hostId,
      message: `persistence is in effect on ${hostId}, which cannot have it`,
    });
  }
  if (obs.storedKeys.includes(VSAN_KEY) && !atLeast(host.release, FLOORS.vsanKek)) {
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

/** Section 1 in the oracle's words: persistence can be in effect from 7.0U2 with a TPM 2.0. */
export function canPersist(host: Host): boolean {
  return atLeast(host.release, FLOORS.keyPersistence) && host.tpm === '2.0';
}

/** SEC-01's "key in its host's cache (native: the host holds the KDK)"; an unencrypted VM needs none. */
export function keyPresent(site: Lookups, obs: ObservedHost, vm: Vm): boolean {
  const provider = providerOf(site, vm);
  if (provider === null) return true;
  return provider.kind === 'native' ? obs.kdk.includes(provider.id) : obs.cachedKeys.includes(vm.id);
}

/**
 * Section 1: would the provider of `key` release it to the host in this state? (VM keys and the
 * vSAN KEK of standard and trusted providers; native keys are derived, never released.)
 */
export function released(site: Lookups, state: ObservedState, hostId: string, key: string): boolean {
  const obs = state.hosts[hostId];
  const providerId = key === VSAN_KEY ? site.topology.vsan?.encryptedBy : site.vms.get(key)?.encryptedBy;
  const provider = providerId ? site.providers.get(providerId) : undefined;
  if (!provider || provider.kind === 'native' || obs.link !== 'up' || state.providers[provider.id] !== 'up')
    return false;
  if (key === VSAN_KEY) return provider.kind === 'standard';
  return provider.kind === 'standard' ? state.vcenter === 'up' : obs.attested;
}

/** Which host a step boots (a reboot, or the boot after a TPM replacement), or null. */
function bootedHost(event: KpmEvent): string | null {
  return event.type === 'HOST_REBOOT' || event.type === 'TPM_REPLACE' ? event.host : null;
}

/**
 * The keys a host can hold after a step without a new release: before a boot, its cache and store;
 * through a boot, only its store (KP-07, KP-11), and nothing through a TPM replacement (DOC-09).
 */
function keptKeys(b: ObservedHost, event: KpmEvent, hostId: string): Set<string> {
  if (bootedHost(event) !== hostId) return new Set([...b.cachedKeys, ...b.storedKeys]);
  return new Set(event.type === 'TPM_REPLACE' ? [] : b.storedKeys);
}

/** SEC-04, SEC-05 (reboots), SEC-07 on one host, for one applied step. */
export function hostStepViolations(
  site: Lookups,
  before: ObservedState,
  event: KpmEvent,
  after: ObservedState,
  hostId: string,
): Violation[] {
  const a = after.hosts[hostId];
  // A step that leaves the host and its VMs as they were (the same observation pieces, src/explore)
  // and does not boot it has nothing new to judge: every key it holds it held before.
  if (bootedHost(event) !== hostId && a === before.hosts[hostId] && sameVms(site, before, after, hostId)) {
    return [];
  }
  const kept = keptKeys(before.hosts[hostId], event, hostId);
  const out: Violation[] = [];
  for (const key of new Set([...a.cachedKeys, ...a.storedKeys])) {
    if (kept.has(key) || released(site, after, hostId, key)) continue;
    const vm = site.vms.get(key);
    if (vm && providerOf(site, vm)?.kind === 'native' && a.kdk.includes(vm.encryptedBy as string)) continue;
    out.push({ id: 'SEC-04', subject: hostId, message: `${key} appeared on ${hostId} without a release` });
    if (bootedHost(event) === hostId) {
      out.push({
        id: 'SEC-05',
        subject: hostId,
        message: `${key} came back on ${hostId} after its boot without a release`,
      });
    }
  }
  if (!a.attested) out.push(...unattestedViolations(site, before, event, after, hostId, kept));
  for (const p of a.kdk) {
    if (!before.hosts[hostId].kdk.includes(p) && (after.vcenter !== 'up' || a.link !== 'up')) {
      out.push({
        id: 'SEC-04',
        subject: hostId,
        message: `${hostId} received the KDK of ${p} without vCenter and its link`,
      });
    }
  }
  return out;
}

function sameVms(site: Lookups, before: ObservedState, after: ObservedState, hostId: string): boolean {
  for (const vm of site.vmsOnHost.get(hostId) ?? []) if (before.vms[vm.id] !== after.vms[vm.id]) return false;
  return true;
}

/**
 * SEC-07 and the rest of DOC-07 on an unattested host: it receives no trusted-provider key, powers
 * on and unlocks no trusted-provider VM, and its boot locks them even when their keys are stored.
 */
function unattestedViolations(
  site: Lookups,
  before: ObservedState,
  event: KpmEvent,
  after: ObservedState,
  hostId: string,
  kept: Set<string>,
): Violation[] {
  const out: Violation[] = [];
  const trusted = (vm: Vm | undefined) => vm !== undefined && providerOf(site, vm)?.kind === 'trusted';
  for (const key of after.hosts[hostId].cachedKeys) {
    if (trusted(site.vms.get(key)) && !kept.has(key)) {
      out.push({ id: 'SEC-07', subject: hostId, message: `unattested ${hostId} received ${key}` });
    }
  }
  for (const vm of (site.vmsOnHost.get(hostId) ?? []).filter(trusted)) {
    const [b, a] = [before.vms[vm.id], after.vms[vm.id]];
    const booted = bootedHost(event) === hostId;
    if ((b.power === 'off' || booted) && a.power === 'on') {
      out.push({
        id: 'SEC-07',
        subject: vm.id,
        message: `unattested ${hostId} powered on ${vm.id} (DOC-07)`,
      });
    } else if (b.locked && !a.locked) {
      out.push({ id: 'SEC-07', subject: vm.id, message: `unattested ${hostId} unlocked ${vm.id} (DOC-07)` });
    } else if (booted && !a.locked) {
      out.push({
        id: 'SEC-07',
        subject: vm.id,
        message: `${vm.id} is not locked after the boot of unattested ${hostId} (DOC-07)`,
      });
    }
  }
  return out;
}

/** AV-09 (DOC-03): an outage or its repair never changes a running VM. */
export function outageViolations(
  site: Lookups,
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

/**
 * AV-10 (DOC-03): during outages, a VM whose key is in its host's cache (native: whose host holds
 * the KDK) can be powered off and on again. A refused power operation on such a VM is the bad step.
 */
export function powerCycleViolation(site: Lookups, before: ObservedState, event: KpmEvent): Violation | null {
  if (event.type !== 'VM_POWER_ON' && event.type !== 'VM_POWER_OFF') return null;
  const vm = site.vms.get(event.vm);
  if (vm === undefined) return null;
  const v = before.vms[vm.id];
  if (event.type === 'VM_POWER_OFF') {
    return v.power === 'on'
      ? { id: 'AV-10', subject: vm.id, message: `${vm.id} cannot be powered off` }
      : null;
  }
  const host = before.hosts[vm.host];
  const trustedUnattested = providerOf(site, vm)?.kind === 'trusted' && !host.attested;
  if (v.power !== 'off' || v.locked || trustedUnattested || !keyPresent(site, host, vm)) return null;
  return {
    id: 'AV-10',
    subject: vm.id,
    message: `${vm.id} cannot be powered on again although its key is on ${vm.host}`,
  };
}
