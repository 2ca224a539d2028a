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
 * - KEY_PERSISTENCE_ENABLE/DISABLE on a host that does not support persistence (DOC-01; neither
 *   the release nor the TPM kind changes during a run);
 * - VM_UNLOCK of an unencrypted VM (it needs no key, so it is never locked).
 * A test checks that each of these is refused in every reachable state of every example.
 * `alwaysRefused` lists them, with events naming ids the site does not have: they are the negative
 * tests of `kpm paths --cover refusals`, and the random traces of the property suites use them.
 */
import { hasTpm2, persistenceSupported } from '../../models/definitions.ts';
import type { KpmEvent } from '../../models/events.ts';
import type { Host, Topology } from '../../models/topology.ts';

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

function hostEvents(h: Host): KpmEvent[] {
  const host = h.id;
  const events: KpmEvent[] = [
    { type: 'LINK_DOWN', host },
    { type: 'LINK_UP', host },
    { type: 'HOST_REBOOT', host },
  ];
  if (persistenceSupported(h)) {
    events.push({ type: 'KEY_PERSISTENCE_ENABLE', host }, { type: 'KEY_PERSISTENCE_DISABLE', host });
  }
  events.push({ type: 'ATTESTATION_FAIL', host }, { type: 'ATTESTATION_PASS', host });
  if (hasTpm2(h)) events.push({ type: 'TPM_REPLACE', host });
  return events;
}

/** A sub-alphabet: which event instances an exploration may use. */
export type Alphabet = (event: KpmEvent) => boolean;

/** An id no topology gives anything (topology ids are checked for it being free only by chance). */
export const UNKNOWN_ID = 'no-such-id';

/**
 * Events the topology makes refused in every state (interface.md, "Events"): the ones
 * `eventInstances` leaves out for that reason, and events naming ids that do not exist.
 */
export function alwaysRefused(topology: Topology): KpmEvent[] {
  const events: KpmEvent[] = [];
  for (const p of topology.providers) {
    if (p.kind === 'native')
      events.push({ type: 'KMS_DOWN', provider: p.id }, { type: 'KMS_UP', provider: p.id }); // KP-13
  }
  for (const h of topology.hosts) {
    if (!persistenceSupported(h)) {
      events.push(
        { type: 'KEY_PERSISTENCE_ENABLE', host: h.id }, // DOC-01
        { type: 'KEY_PERSISTENCE_DISABLE', host: h.id },
      );
    }
    if (!hasTpm2(h)) events.push({ type: 'TPM_REPLACE', host: h.id }); // DOC-09
  }
  for (const vm of topology.vms) if (vm.encryptedBy === null) events.push({ type: 'VM_UNLOCK', vm: vm.id });
  events.push(
    { type: 'KMS_DOWN', provider: UNKNOWN_ID },
    { type: 'HOST_REBOOT', host: UNKNOWN_ID },
    { type: 'VM_POWER_ON', vm: UNKNOWN_ID },
  );
  return events;
}
