import { and, enqueueActions, setup, type EventObject } from 'xstate';
import {
  derivedKind,
  KEY_PATH,
  keyUsable,
  missingOnPath,
  type KeyFacts,
  type PathPart,
} from './definitions.ts';
import { send, type Send } from './messages.ts';
import { rules } from './meta.ts';
import type { ProviderKind } from './vocabulary.ts';

export interface VmInput {
  id: string;
  /** The host it is registered on. */
  host: string;
  /** Its key's provider, or null for an unencrypted VM. */
  provider: string | null;
  kind: ProviderKind | null;
  /** The topology's `running`: the VM runs in the steady initial state if its key is usable. */
  running: boolean;
}

export type VmContext = VmInput;

export type VmEvent =
  | ({ type: 'VM_POWER_ON' } & KeyFacts)
  | { type: 'VM_POWER_OFF' }
  | ({ type: 'VM_UNLOCK' } & KeyFacts)
  /** Boot step 1: its host goes down (KP-07). */
  | { type: 'HOST_DOWN' }
  /** Boot step 5: its host is up again; the VM is unlocked or locked (DOC-04). */
  | ({ type: 'HOST_UP' } & KeyFacts)
  /** Boot step 6: `autostart` is ASM-03 (always on for the steady initial state). */
  | { type: 'AUTOSTART'; autostart: boolean }
  /** After every applied event: ASM-02 `autoUnlock`. */
  | ({ type: 'KEY_CHECK'; autoUnlock: boolean } & KeyFacts)
  /** ASM-04 `cluster`: `host` booted and caches every VM's key it can obtain; the facts are `host`'s. */
  | ({ type: 'CLUSTER_KEY'; host: string } & KeyFacts);

/**
 * A VM: off, on, or locked (DOC-04). A locked VM is off (SEC-02).
 *
 * Its key is usable (section 1) when it is cached on its host or its provider can release it now;
 * a trusted-provider key only while the host is attested (DOC-07). An unencrypted VM needs no key.
 * A VM that obtains its key puts it into its host's cache and offers it to the store (KP-06, ASM-01).
 * - KP-07: its host going down stops it (`interrupted`, for the rest of that boot);
 * - KP-09, DOC-04: the boot then locks it if its key is not usable, else unlocks it;
 * - ASM-03: with autostart, a VM that was running starts again.
 * - DOC-03: outages are not events of this machine: they never stop a running VM, and a VM whose
 *   key is cached can be powered off and on again.
 */
export const vmMachine = setup({
  types: {} as { context: VmContext; input: VmInput; events: VmEvent; emitted: Send },
  guards: {
    wasRunning: ({ context }) => context.running,
    keyUsable: ({ context, event }) => keyUsable(context.kind, event as KeyFacts & EventObject),
    autostart: ({ event }) => event.type === 'AUTOSTART' && event.autostart, // ASM-03
    autoUnlock: ({ event }) => event.type === 'KEY_CHECK' && event.autoUnlock, // ASM-02
    clusterKeyObtainable: ({ context, event }) =>
      event.type === 'CLUSTER_KEY' &&
      event.host !== context.host &&
      context.kind !== null &&
      !derivedKind(context.kind) &&
      event.obtainable,
  },
  actions: {
    obtainKey: enqueueActions(({ context, enqueue }) => {
      if (context.kind === null) return; // an unencrypted VM has no key
      const offer = { key: context.id, derived: derivedKind(context.kind) };
      enqueue.emit(send({ kind: 'host', id: context.host }, { type: 'OBTAIN_KEY', ...offer }));
    }),
    giveKeyToBootedHost: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'CLUSTER_KEY') return;
      const offer = { key: context.id, derived: false };
      enqueue.emit(send({ kind: 'host', id: event.host }, { type: 'OBTAIN_KEY', ...offer }));
    }),
  },
}).createMachine({
  id: 'vm',
  context: ({ input }) => input,
  initial: 'configured',
  on: {
    CLUSTER_KEY: { guard: 'clusterKeyObtainable', actions: 'giveKeyToBootedHost', ...rules('ASM-04') },
  },
  states: {
    configured: { always: [{ guard: 'wasRunning', target: 'on' }, { target: 'off' }] },
    off: {
      meta: {
        refuse: {
          VM_POWER_ON: (c: VmContext, e: EventObject) =>
            withWhy('its key is not usable on its host (KP-09)', c, e),
          VM_POWER_OFF: 'the VM is already off',
          VM_UNLOCK: 'the VM is not locked',
        },
      },
      on: {
        VM_POWER_ON: {
          guard: 'keyUsable',
          target: 'on',
          actions: 'obtainKey',
          ...rules('KP-06', 'KP-12', 'DOC-03'),
        },
        HOST_UP: [
          { guard: 'keyUsable', actions: 'obtainKey', ...rules('KP-08', 'KP-11') },
          { target: 'locked', ...rules('KP-09', 'DOC-04') },
        ],
      },
    },
    on: {
      meta: {
        refuse: { VM_POWER_ON: 'the VM is already running', VM_UNLOCK: 'the VM is not locked' },
      },
      on: {
        VM_POWER_OFF: { target: 'off', ...rules('DOC-03') },
        HOST_DOWN: { target: 'interrupted', ...rules('KP-07') },
      },
    },
    interrupted: {
      meta: { rules: ['KP-07', 'ASM-03'] },
      on: {
        HOST_UP: [
          { guard: 'keyUsable', actions: 'obtainKey', ...rules('KP-08', 'KP-11') },
          { target: 'locked', ...rules('KP-09', 'KP-10', 'DOC-04') },
        ],
        AUTOSTART: [
          { guard: 'autostart', target: 'on', ...rules('ASM-03', 'KP-01') },
          { target: 'off', ...rules('ASM-03') },
        ],
      },
    },
    locked: {
      meta: {
        rules: ['DOC-04', 'KP-09'],
        refuse: {
          VM_POWER_ON: 'the VM is locked; unlock it first (DOC-04)',
          VM_POWER_OFF: 'the VM is already off (locked)',
          VM_UNLOCK: (c: VmContext, e: EventObject) =>
            withWhy('its key is not usable on its host (DOC-04)', c, e),
        },
      },
      on: {
        VM_UNLOCK: { guard: 'keyUsable', target: 'off', actions: 'obtainKey', ...rules('DOC-04') },
        HOST_UP: { guard: 'keyUsable', target: 'off', actions: 'obtainKey', ...rules('DOC-04') },
        KEY_CHECK: {
          guard: and(['autoUnlock', 'keyUsable']),
          target: 'off',
          actions: 'obtainKey',
          ...rules('ASM-02'),
        },
      },
    },
  },
});

/** A refusal that names what keeps the key from being usable, in the words of section 1. */
function withWhy(reason: string, context: VmContext, event: EventObject): string {
  const why = whyUnusable(context, event as KeyFacts & EventObject);
  return why === '' ? reason : `${reason}: ${why}`;
}

const PART_DOWN: Record<PathPart, (c: VmContext) => string> = {
  link: (c) => `the link of ${c.host} is down`,
  vcenter: () => 'vCenter is down',
  keyServer: (c) => `${c.provider} is down`,
  attestation: (c) => `${c.host} is not attested (DOC-07)`,
  kdk: (c) => `${c.host} does not hold the KDK of ${c.provider} (KP-13)`,
};

function whyUnusable(c: VmContext, facts: KeyFacts): string {
  if (c.kind === null) return '';
  if (c.kind === 'trusted' && !facts.attested) return PART_DOWN.attestation(c);
  if (c.kind === 'native') return facts.obtainable ? '' : PART_DOWN.kdk(c);
  if (facts.cached || facts.obtainable) return '';
  const missing = missingOnPath(KEY_PATH[c.kind], facts.path).map((part) => PART_DOWN[part](c));
  return `not cached on ${c.host}, and ${c.provider} cannot release it: ${missing.join(', ')}`;
}
