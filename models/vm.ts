import { and, not, setup } from 'xstate';
import type { ProviderKind } from '../src/topology/types.ts';

export interface VmInput {
  id: string;
  /** The provider kind of its key, or null for an unencrypted VM. */
  encryptedBy: ProviderKind | null;
  /** The topology's `running`: the VM runs in the steady initial state if its key is usable. */
  running: boolean;
}

export type VmContext = VmInput;

/**
 * What the world knows of the VM's key on its host at this instant. Native keys are derived from
 * the KDK: `obtainable` is then "the host holds the KDK" and `cached` is false.
 */
export interface KeyFacts {
  cached: boolean;
  obtainable: boolean;
  attested: boolean;
}

export type VmEvent =
  | ({ type: 'VM_POWER_ON' } & KeyFacts)
  | { type: 'VM_POWER_OFF' }
  | ({ type: 'VM_UNLOCK' } & KeyFacts)
  /** Its host booted; `autostart` is ASM-03 (always on for the steady initial state). */
  | ({ type: 'HOST_BOOT'; autostart: boolean } & KeyFacts)
  /** After every applied event: ASM-02 `autoUnlock`. */
  | ({ type: 'KEY_CHECK'; autoUnlock: boolean } & KeyFacts);

/**
 * A VM: off, on, or locked (DOC-04). A locked VM is off (SEC-02).
 *
 * Its key is usable (section 1) when it is cached on the host or the provider can release it now,
 * and, for a trusted provider, only while the host is attested (DOC-07). An unencrypted VM needs no key.
 * - KP-09, DOC-04: a boot locks every encrypted VM whose key is not usable.
 * - ASM-03: a VM that was running and is not locked starts again after the boot.
 * - DOC-03: outages are not events of this machine: they never stop a running VM.
 */
export const vmMachine = setup({
  types: {} as { context: VmContext; input: VmInput; events: VmEvent },
  guards: {
    wasRunning: ({ context }) => context.running,
    keyUsable: ({ context, event }) => keyUsable(context, event as KeyFacts),
    autostart: ({ event }) => event.type === 'HOST_BOOT' && event.autostart,
    autoUnlock: ({ event }) => event.type === 'KEY_CHECK' && event.autoUnlock,
  },
}).createMachine({
  id: 'vm',
  context: ({ input }) => input,
  initial: 'configured',
  states: {
    configured: { always: [{ guard: 'wasRunning', target: 'on' }, { target: 'off' }] },
    off: {
      meta: {
        refuse: {
          VM_POWER_ON: 'its key is not usable on its host (KP-09)',
          VM_POWER_OFF: 'the VM is already off',
          VM_UNLOCK: 'the VM is not locked',
        },
      },
      on: {
        VM_POWER_ON: { guard: 'keyUsable', target: 'on' },
        HOST_BOOT: [{ guard: not('keyUsable'), target: 'locked' }, { target: 'off' }],
      },
    },
    on: {
      meta: { refuse: { VM_POWER_ON: 'the VM is already running', VM_UNLOCK: 'the VM is not locked' } },
      on: {
        VM_POWER_OFF: 'off',
        HOST_BOOT: [
          { guard: not('keyUsable'), target: 'locked' },
          { guard: 'autostart', target: 'on', reenter: true },
          { target: 'off' },
        ],
      },
    },
    locked: {
      meta: {
        rules: ['DOC-04'],
        refuse: {
          VM_POWER_ON: 'the VM is locked; unlock it first (DOC-04)',
          VM_POWER_OFF: 'the VM is already off (locked)',
          VM_UNLOCK: 'its key is not usable on its host (DOC-04)',
        },
      },
      on: {
        VM_UNLOCK: { guard: 'keyUsable', target: 'off' },
        HOST_BOOT: [{ guard: not('keyUsable'), target: 'locked' }, { target: 'off' }],
        KEY_CHECK: { guard: and(['autoUnlock', 'keyUsable']), target: 'off' },
      },
    },
  },
});

/** Section 1, "A VM key is usable by a host". */
export function keyUsable(context: VmContext, facts: KeyFacts): boolean {
  if (context.encryptedBy === null) return true;
  if (context.encryptedBy === 'trusted' && !facts.attested) return false;
  return facts.cached || facts.obtainable;
}
