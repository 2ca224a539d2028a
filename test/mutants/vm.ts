/**
 * Broken variants of the VM machine (models/vm.ts), each overriding one named guard.
 */
import { keyUsable, vmMachine, type KeyFacts } from '../../models/vm.ts';

/** DOC-04 broken: unlocking works without a usable key (`keyUsable` is true for VM_UNLOCK). */
export const unlockWithoutKey = vmMachine.provide({
  guards: {
    keyUsable: ({ context, event }) => event.type === 'VM_UNLOCK' || keyUsable(context, event as KeyFacts),
  },
});

/**
 * DOC-03, KP-11 broken: a cached key does not count, only one the provider can release now
 * (`keyUsable` ignores the cache), so keys restored from the TPM are of no use at a reboot.
 */
export const cacheIgnored = vmMachine.provide({
  guards: {
    keyUsable: ({ context, event }) => keyUsable(context, { ...(event as KeyFacts), cached: false }),
  },
});

/** ASM-03 broken: autostart is ignored, a reboot leaves every VM off (`autostart` is never true). */
export const autostartIgnored = vmMachine.provide({
  guards: { autostart: () => false },
});

/** DOC-07 broken: an unattested host still uses trusted-provider keys (`keyUsable` ignores attestation). */
export const attestationIgnored = vmMachine.provide({
  guards: {
    keyUsable: ({ context, event }) => keyUsable(context, { ...(event as KeyFacts), attested: true }),
  },
});
