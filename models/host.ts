import { assign, setup } from 'xstate';
import type { Release, Tpm } from '../src/topology/types.ts';
import { sortedUnion } from './meta.ts';

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
  /** The host restarts: its cache empties, then the keys its TPM stored come back (KP-07, KP-11). */
  | { type: 'BOOT'; stored: string[] }
  /** A key the provider released (or the host restored) enters the cache (KP-06). */
  | { type: 'CACHE_KEY'; key: string }
  | { type: 'RECEIVE_KDK'; provider: string }
  /** The TPM 2.0 is cleared or replaced: what it sealed, the KDKs among it, is gone (DOC-09). */
  | { type: 'TPM_REPLACE' };

/**
 * An ESXi host: its WAN link, its Trust Authority attestation, its key cache and its KDKs.
 *
 * - KP-06: keys obtained from a provider are kept in the cache.
 * - KP-07: a boot empties the cache; KP-11: the keys stored in the TPM come back into it.
 * - KP-14, DOC-06: KDKs survive the boot (sealed in the TPM, or in the encrypted configuration).
 * - DOC-07: attestation can fail and pass again; it does not touch the cache.
 * - DOC-09: replacing the TPM 2.0 loses the KDKs (the world then clears the store and boots).
 */
export const hostMachine = setup({
  types: {} as { context: HostContext; input: HostInput; events: HostEvent },
  guards: {
    hasTpm2: ({ context }) => context.tpm === '2.0',
  },
  actions: {
    emptyCache: assign({ cache: [] }),
    restoreStoredKeys: assign({
      cache: ({ context, event }) =>
        event.type === 'BOOT' ? sortedUnion(context.cache, event.stored) : context.cache,
    }),
    cacheKey: assign({
      cache: ({ context, event }) =>
        event.type === 'CACHE_KEY' ? sortedUnion(context.cache, [event.key]) : context.cache,
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
    BOOT: { actions: ['emptyCache', 'restoreStoredKeys'] },
    CACHE_KEY: { actions: 'cacheKey' },
    RECEIVE_KDK: { actions: 'keepKdk' },
    TPM_REPLACE: { guard: 'hasTpm2', actions: 'forgetKdks' },
  },
  states: {
    link: {
      initial: 'up',
      states: {
        up: { on: { LINK_DOWN: 'down' }, meta: { refuse: { LINK_UP: 'the link is already up' } } },
        down: { on: { LINK_UP: 'up' }, meta: { refuse: { LINK_DOWN: 'the link is already down' } } },
      },
    },
    attestation: {
      initial: 'attested',
      states: {
        attested: {
          on: { ATTESTATION_FAIL: 'failed' },
          meta: { refuse: { ATTESTATION_PASS: 'the host is already attested' } },
        },
        failed: {
          on: { ATTESTATION_PASS: 'attested' },
          meta: {
            rules: ['DOC-07'],
            refuse: { ATTESTATION_FAIL: 'the host has already failed attestation' },
          },
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
