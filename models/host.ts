import { assign, emit, not, setup } from 'xstate';
import { cacheable, hasTpm2, type KeyOffer } from './definitions.ts';
import { send, type Send } from './messages.ts';
import { rules, sortedUnion } from './meta.ts';
import type { Release, Tpm } from './vocabulary.ts';

export interface HostInput {
  id: string;
  release: Release;
  tpm: Tpm;
}

export interface HostContext extends HostInput {
  /** The volatile key cache: standard- and trusted-provider keys (VM ids, `vsan`), sorted (KP-06). */
  cache: string[];
  /** Native providers whose KDK the host holds, sorted (KP-13, KP-14). */
  kdks: string[];
}

export type HostEvent =
  | { type: 'LINK_DOWN' }
  | { type: 'LINK_UP' }
  | { type: 'ATTESTATION_FAIL' }
  | { type: 'ATTESTATION_PASS' }
  /** Boot step 1: the host goes down; its volatile cache empties (KP-07). */
  | { type: 'HOST_DOWN' }
  /** A key the host obtained: released by its provider, or derived from a KDK (KP-06). */
  | ({ type: 'OBTAIN_KEY' } & KeyOffer)
  /** A key restored from the TPM at boot step 2 (KP-11). */
  | ({ type: 'CACHE_KEY' } & KeyOffer)
  /** vCenter pushed a native provider's KDK (KP-13). */
  | { type: 'RECEIVE_KDK'; provider: string }
  /** The TPM 2.0 is cleared or replaced: what it sealed, the KDKs among it, is gone (DOC-09). */
  | { type: 'TPM_REPLACE' };

/**
 * An ESXi host: its WAN link, its Trust Authority attestation, its key cache and its KDKs.
 *
 * - KP-06: a key the host obtains (one its cache lacks) enters the cache and is offered to the store
 *   (ASM-01); a derived (native) key never enters the cache, and is offered to the store (ASM-06).
 * - KP-07: going down empties the cache; KP-11: the boot then restores the stored keys into it.
 * - KP-14, DOC-06: KDKs survive a reboot (sealed in the TPM, or in the encrypted configuration).
 * - DOC-07: attestation can fail and pass again; it does not touch the cache.
 * - DOC-09: replacing the TPM 2.0 loses the KDKs (the site then clears the store and boots the host).
 */
export const hostMachine = setup({
  types: {} as { context: HostContext; input: HostInput; events: HostEvent; emitted: Send },
  guards: {
    hasTpm2: ({ context }) => hasTpm2(context),
    cacheable: ({ event }) => (event.type === 'CACHE_KEY' || event.type === 'OBTAIN_KEY') && cacheable(event),
    notCached: ({ context, event }) => event.type === 'OBTAIN_KEY' && !context.cache.includes(event.key),
  },
  actions: {
    emptyCache: assign({ cache: [] }),
    cacheKey: assign({
      cache: ({ context, event }) =>
        event.type === 'CACHE_KEY' || event.type === 'OBTAIN_KEY'
          ? sortedUnion(context.cache, [event.key])
          : context.cache,
    }),
    offerToStore: emit(({ context, event }) => {
      const { key, derived } = event as KeyOffer;
      return send({ kind: 'persistence', id: context.id }, { type: 'STORE', key, derived });
    }),
    keepKdk: assign({
      kdks: ({ context, event }) =>
        event.type === 'RECEIVE_KDK' ? sortedUnion(context.kdks, [event.provider]) : context.kdks,
    }),
    forgetKdks: assign({ kdks: [] }),
  },
}).createMachine({
  id: 'host',
  context: ({ input }) => ({ ...input, cache: [], kdks: [] }),
  type: 'parallel',
  on: {
    HOST_DOWN: { actions: 'emptyCache', ...rules('KP-07') },
    OBTAIN_KEY: [
      { guard: not('cacheable'), actions: 'offerToStore', ...rules('KP-13', 'ASM-06') },
      { guard: 'notCached', actions: ['cacheKey', 'offerToStore'], ...rules('KP-06', 'KP-08', 'ASM-01') },
    ],
    CACHE_KEY: { guard: 'cacheable', actions: 'cacheKey', ...rules('KP-11') },
    RECEIVE_KDK: { actions: 'keepKdk', ...rules('KP-13', 'KP-14') },
    TPM_REPLACE: { guard: 'hasTpm2', actions: 'forgetKdks', ...rules('DOC-09') },
  },
  states: {
    link: {
      initial: 'up',
      states: {
        up: {
          meta: { refuse: { LINK_UP: 'the link is already up' } },
          on: { LINK_DOWN: { target: 'down', ...rules('DOC-03', 'KP-10') } },
        },
        down: {
          meta: { rules: ['KP-09', 'KP-10'], refuse: { LINK_DOWN: 'the link is already down' } },
          on: { LINK_UP: { target: 'up', ...rules('DOC-03') } },
        },
      },
    },
    attestation: {
      initial: 'attested',
      states: {
        attested: {
          meta: { refuse: { ATTESTATION_PASS: 'the host is already attested' } },
          on: { ATTESTATION_FAIL: { target: 'failed', ...rules('DOC-07') } },
        },
        failed: {
          meta: {
            rules: ['DOC-07'],
            refuse: { ATTESTATION_FAIL: 'the host has already failed attestation' },
          },
          on: { ATTESTATION_PASS: { target: 'attested', ...rules('DOC-07') } },
        },
      },
    },
  },
  meta: {
    refuse: {
      TPM_REPLACE: (c: HostContext) => `${c.id} has no TPM 2.0 to clear or replace (tpm: ${c.tpm}) (DOC-09)`,
    },
  },
});
