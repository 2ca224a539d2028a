/**
 * The event instances a topology allows: the letters the explorers branch on.
 *
 * Order (fixed, so that breadth-first traces are deterministic): the vocabulary order of
 * interface.md, "Events":
 *   1. KMS_DOWN, KMS_UP of each standard or trusted provider, in topology order;
 *   2. VCENTER_DOWN, VCENTER_UP;
 *   3. for each host in topology order: LINK_DOWN, LINK_UP, HOST_REBOOT, KEY_PERSISTENCE_ENABLE,
 *      KEY_PERSISTENCE_DISABLE, ATTESTATION_FAIL, ATTESTATION_PASS, TPM_REPLACE;
 *   4. for each VM in topology order: VM_POWER_ON, VM_POWER_OFF, VM_UNLOCK.
 *
 * Left out, because the topology makes them refused in every state (a refused event never changes
 * the state, so an explorer gains nothing from trying them):
 * - KMS_DOWN/KMS_UP of a native provider (it has no key server, KP-13);
 * - TPM_REPLACE on a host without a TPM 2.0 (DOC-09);
 * - KEY_PERSISTENCE_ENABLE/DISABLE on a host where persistence can never be in effect: below 7.0U2
 *   or without a TPM 2.0 (DOC-01; neither the release nor the TPM kind changes during a run);
 * - VM_UNLOCK of an unencrypted VM (it needs no key, so it is never locked).
 */
import type { KpmEvent } from '../events.ts';
import { inAlphabet, type AlphabetName } from '../spec/alphabets.ts';
import { atLeast, type Host, type Topology } from '../topology/types.ts';

export function eventInstances(topology: Topology): KpmEvent[] {
  const events: KpmEvent[] = [];
  for (const p of topology.providers) {
    if (p.kind === 'native') continue;
    events.push({ type: 'KMS_DOWN', provider: p.id }, { type: 'KMS_UP', provider: p.id });
  }
  events.push({ type: 'VCENTER_DOWN' }, { type: 'VCENTER_UP' });
  for (const h of topology.hosts) events.push(...hostEvents(h));
  for (const vm of topology.vms) {
    events.push({ type: 'VM_POWER_ON', vm: vm.id }, { type: 'VM_POWER_OFF', vm: vm.id });
    if (vm.encryptedBy !== null) events.push({ type: 'VM_UNLOCK', vm: vm.id });
  }
  return events;
}

/** Section 1: persistence can be in effect only from 7.0U2 with a TPM 2.0. */
export function persistencePossible(host: Host): boolean {
  return host.tpm === '2.0' && atLeast(host.release, '7.0U2');
}

function hostEvents(h: Host): KpmEvent[] {
  const host = h.id;
  const events: KpmEvent[] = [
    { type: 'LINK_DOWN', host },
    { type: 'LINK_UP', host },
    { type: 'HOST_REBOOT', host },
  ];
  if (persistencePossible(h)) {
    events.push({ type: 'KEY_PERSISTENCE_ENABLE', host }, { type: 'KEY_PERSISTENCE_DISABLE', host });
  }
  events.push({ type: 'ATTESTATION_FAIL', host }, { type: 'ATTESTATION_PASS', host });
  if (h.tpm === '2.0') events.push({ type: 'TPM_REPLACE', host });
  return events;
}

/** A sub-alphabet: which event instances an exploration may use. */
export type Alphabet = (event: KpmEvent) => boolean;

/** The filter of one of the spec's named alphabets (src/spec/alphabets.ts). */
export function alphabet(name: AlphabetName): Alphabet {
  return (event) => inAlphabet(name, event);
}
