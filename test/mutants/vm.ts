/**
 * Broken variants of the VM machine (models/vm.ts), each overriding one named guard.
 */
import type { EventObject } from 'xstate';
import { keyUsable, type KeyFacts } from '../../models/definitions.ts';
import { vmMachine } from '../../models/vm.ts';

const facts = (event: EventObject) => event as KeyFacts & EventObject;

/** DOC-04 broken: unlocking works without a usable key (`keyUsable` is true for VM_UNLOCK). */
export const unlockWithoutKey = vmMachine.provide({
  guards: {
    keyUsable: ({ context, event }) => event.type === 'VM_UNLOCK' || keyUsable(context.kind, facts(event)),
  },
});

/**
 * DOC-03, KP-11 broken: a cached key does not count, only one the provider can release now
 * (`keyUsable` ignores the cache), so keys restored from the TPM are of no use at a reboot.
 */
export const cacheIgnored = vmMachine.provide({
  guards: {
    keyUsable: ({ context, event }) => keyUsable(context.kind, { ...facts(event), cached: false }),
  },
});

/**
 * DOC-03 broken, power-on only: during an outage a VM powered off cannot be powered on again from
 * its cached key (`keyUsable` ignores the cache for VM_POWER_ON); boots still use the cache.
 */
export const powerOnIgnoresCache = vmMachine.provide({
  guards: {
    keyUsable: ({ context, event }) =>
      keyUsable(context.kind, {
        ...facts(event),
        cached: event.type === 'VM_POWER_ON' ? false : facts(event).cached,
      }),
  },
});

/** ASM-03 broken: autostart is ignored, a reboot leaves every VM off (`autostart` is never true). */
export const autostartIgnored = vmMachine.provide({
  guards: { autostart: () => false },
});

/** DOC-07 broken: an unattested host still uses its cached trusted-provider keys (`keyUsable` ignores attestation). */
export const attestationIgnored = vmMachine.provide({
  guards: {
    keyUsable: ({ context, event }) => keyUsable(context.kind, { ...facts(event), attested: true }),
  },
});
