import { assign, enqueueActions, setup } from 'xstate';
import { hasTpm2, storable, type KeyOffer } from './definitions.ts';
import { send, type Send } from './messages.ts';
import { rules } from './meta.ts';
import type { Options } from './topology.ts';
import { atLeast, FLOORS, type Release, type Tpm } from './vocabulary.ts';

export interface PersistenceInput {
  host: string;
  release: Release;
  tpm: Tpm;
  /** ASM-01. */
  persistCachedKeys: Options['persistCachedKeys'];
  /** ASM-06: `7.0` wording stores native-provider keys too. */
  nativeKeyWording: Options['nativeKeyWording'];
}

export interface PersistenceContext extends PersistenceInput {
  /** Keys sealed in the TPM, sorted by key. */
  stored: KeyOffer[];
}

export type PersistenceEvent =
  /** `esxcli system security keypersistence enable`; `offers`: the keys the host holds now (cached or derivable). */
  | { type: 'KEY_PERSISTENCE_ENABLE'; offers: KeyOffer[] }
  /** `esxcli system security keypersistence disable --remove-all-stored-keys`. */
  | { type: 'KEY_PERSISTENCE_DISABLE' }
  /** The host obtained this key: store it if persistence is in effect (ASM-01). */
  | ({ type: 'STORE' } & KeyOffer)
  /** Boot step 2: the stored keys go back into the host's cache (KP-11). */
  | { type: 'RESTORE_KEYS' }
  /** The TPM 2.0 was cleared or replaced: what it sealed is lost; the setting stays (DOC-09). */
  | { type: 'TPM_CLEARED' };

const alreadyDisabled = 'key persistence is already disabled';

/**
 * Key persistence on one host (KP-01, KP-11, KP-17).
 *
 * - DOC-01: off by default; enabling is refused below 7.0U2 or without a TPM 2.0, so the host is
 *   `unsupported` for the whole run (neither its release nor its TPM kind changes).
 * - In effect (setting on, 7.0U2+, TPM 2.0), every key the host obtains is offered to the store,
 *   which keeps what `storable` allows (ASM-01, KP-03, ASM-06).
 * - KP-11: at boot the stored keys go back into the cache.
 * - DOC-02: disabling removes every stored key; the cache is the host's and is untouched.
 * - DOC-09: a new TPM has an empty store; the setting stays.
 */
export const persistenceMachine = setup({
  types: {} as {
    context: PersistenceContext;
    input: PersistenceInput;
    events: PersistenceEvent;
    emitted: Send;
  },
  guards: {
    releaseBelowFloor: ({ context }) => !atLeast(context.release, FLOORS.keyPersistence), // DOC-01
    noTpm2: ({ context }) => !hasTpm2(context), // DOC-01
    persistCachedKeys: ({ context }) => context.persistCachedKeys, // ASM-01
    storable: ({ context, event }) => event.type === 'STORE' && storable(event, context),
  },
  actions: {
    storeOffers: assign({
      stored: ({ context, event }) =>
        event.type === 'KEY_PERSISTENCE_ENABLE'
          ? withOffers(
              context.stored,
              event.offers.filter((offer) => storable(offer, context)),
            )
          : context.stored,
    }),
    storeKey: assign({
      stored: ({ context, event }) =>
        event.type === 'STORE'
          ? withOffers(context.stored, [{ key: event.key, derived: event.derived }])
          : context.stored,
    }),
    removeAllStoredKeys: assign({ stored: [] }),
    restoreKeys: enqueueActions(({ context, enqueue }) => {
      for (const offer of context.stored)
        enqueue.emit(send({ kind: 'host', id: context.host }, { type: 'CACHE_KEY', ...offer }));
    }),
  },
}).createMachine({
  id: 'persistence',
  context: ({ input }) => ({
    host: input.host,
    release: input.release,
    tpm: input.tpm,
    persistCachedKeys: input.persistCachedKeys,
    nativeKeyWording: input.nativeKeyWording,
    stored: [],
  }),
  initial: 'configured',
  on: {
    TPM_CLEARED: { actions: 'removeAllStoredKeys', ...rules('DOC-09') },
    RESTORE_KEYS: { actions: 'restoreKeys', ...rules('KP-11') },
  },
  states: {
    configured: {
      always: [
        { guard: 'releaseBelowFloor', target: 'unsupported.release' },
        { guard: 'noTpm2', target: 'unsupported.noTpm2' },
        { target: 'disabled' },
      ],
    },
    unsupported: {
      initial: 'release',
      meta: { rules: ['DOC-01', 'KP-02'], refuse: { KEY_PERSISTENCE_DISABLE: alreadyDisabled } },
      states: {
        release: {
          meta: {
            refuse: {
              KEY_PERSISTENCE_ENABLE: (c: PersistenceContext) =>
                `key persistence needs ${FLOORS.keyPersistence} or later; ${c.host} runs ${c.release} (DOC-01)`,
            },
          },
        },
        noTpm2: {
          meta: {
            refuse: {
              KEY_PERSISTENCE_ENABLE: (c: PersistenceContext) =>
                `key persistence needs a TPM 2.0; ${c.host} has ${c.tpm === 'none' ? 'no TPM' : `a TPM ${c.tpm}`} (DOC-01)`,
            },
          },
        },
      },
    },
    disabled: {
      meta: { rules: ['DOC-01', 'DOC-02'], refuse: { KEY_PERSISTENCE_DISABLE: alreadyDisabled } },
      on: {
        KEY_PERSISTENCE_ENABLE: [
          {
            guard: 'persistCachedKeys',
            target: 'inEffect',
            actions: 'storeOffers',
            ...rules('KP-17', 'ASM-01'),
          },
          { target: 'inEffect', ...rules('KP-17', 'ASM-01') },
        ],
      },
    },
    inEffect: {
      meta: {
        rules: ['KP-01', 'KP-11', 'KP-12', 'ASM-01'],
        refuse: { KEY_PERSISTENCE_ENABLE: 'key persistence is already enabled' },
      },
      on: {
        KEY_PERSISTENCE_DISABLE: {
          target: 'disabled',
          actions: 'removeAllStoredKeys',
          ...rules('KP-17', 'DOC-02'),
        },
        STORE: { guard: 'storable', actions: 'storeKey', ...rules('ASM-01', 'KP-03', 'ASM-06') },
      },
    },
  },
});

/** The store with more offers: one entry per key, sorted by key. */
function withOffers(stored: readonly KeyOffer[], more: readonly KeyOffer[]): KeyOffer[] {
  const byKey = new Map(stored.map((offer) => [offer.key, offer]));
  for (const offer of more) if (!byKey.has(offer.key)) byKey.set(offer.key, offer);
  return [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
