import { assign, setup } from 'xstate';
import { atLeast, VSAN_KEY, type Release, type Tpm } from '../src/topology/types.ts';
import { sortedUnion } from './meta.ts';

export interface PersistenceInput {
  host: string;
  release: Release;
  tpm: Tpm;
  /** ASM-01. */
  persistCachedKeys: boolean;
  /** ASM-06: `7.0` wording stores native-provider keys too. */
  nativeKeyWording: '8.0' | '7.0';
}

export interface PersistenceContext extends PersistenceInput {
  /** Keys sealed in the TPM, sorted. */
  stored: string[];
}

/** A key offered to the store: its name, and whether a native provider's KDK derives it. */
export interface KeyOffer {
  key: string;
  native: boolean;
}

export type PersistenceEvent =
  /** `esxcli system security keypersistence enable`; `cached` is what the host's cache holds now. */
  | { type: 'KEY_PERSISTENCE_ENABLE'; cached: KeyOffer[] }
  /** `esxcli system security keypersistence disable --remove-all-stored-keys`. */
  | { type: 'KEY_PERSISTENCE_DISABLE' }
  /** The host obtained this key: store it if persistence is in effect (ASM-01). */
  | ({ type: 'STORE' } & KeyOffer)
  /** The TPM 2.0 was cleared or replaced: what it sealed is lost; the setting stays (DOC-09). */
  | { type: 'TPM_CLEARED' };

const alreadyDisabled = 'key persistence is already disabled';

/**
 * Key persistence on one host (KP-01, KP-11, KP-17).
 *
 * - DOC-01: off by default; enabling is refused below 7.0U2 or without a TPM 2.0, so the host is
 *   `unsupported` for the whole run (neither its release nor its TPM kind changes).
 * - In effect (setting on, 7.0U2+, TPM 2.0), every key the host obtains is stored (ASM-01), but
 *   the vSAN KEK only from 7.0U3 (KP-03) and native-provider keys only under the 7.0 wording (ASM-06).
 * - DOC-02: disabling removes every stored key; the cache is the host's and is untouched.
 * - DOC-09: a new TPM has an empty store; the setting stays.
 */
export const persistenceMachine = setup({
  types: {} as { context: PersistenceContext; input: PersistenceInput; events: PersistenceEvent },
  guards: {
    releaseBelow702: ({ context }) => !atLeast(context.release, '7.0U2'),
    noTpm2: ({ context }) => context.tpm !== '2.0',
    persistCachedKeys: ({ context }) => context.persistCachedKeys,
    storable: ({ context, event }) => event.type === 'STORE' && storable(context, event),
  },
  actions: {
    storeCachedKeys: assign({
      stored: ({ context, event }) =>
        event.type === 'KEY_PERSISTENCE_ENABLE'
          ? sortedUnion(
              context.stored,
              event.cached.filter((offer) => storable(context, offer)).map((offer) => offer.key),
            )
          : context.stored,
    }),
    storeKey: assign({
      stored: ({ context, event }) =>
        event.type === 'STORE' ? sortedUnion(context.stored, [event.key]) : context.stored,
    }),
    removeAllStoredKeys: assign({ stored: [] }),
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
  on: { TPM_CLEARED: { actions: 'removeAllStoredKeys' } },
  states: {
    configured: {
      always: [
        { guard: 'releaseBelow702', target: 'unsupported.release' },
        { guard: 'noTpm2', target: 'unsupported.noTpm2' },
        { target: 'disabled' },
      ],
    },
    unsupported: {
      initial: 'release',
      meta: { rules: ['DOC-01'], refuse: { KEY_PERSISTENCE_DISABLE: alreadyDisabled } },
      states: {
        release: {
          meta: {
            refuse: {
              KEY_PERSISTENCE_ENABLE: (c: PersistenceContext) =>
                `key persistence needs 7.0U2 or later; ${c.host} runs ${c.release} (DOC-01)`,
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
          { guard: 'persistCachedKeys', target: 'inEffect', actions: 'storeCachedKeys' },
          { target: 'inEffect' },
        ],
      },
    },
    inEffect: {
      meta: {
        rules: ['KP-01', 'KP-11', 'ASM-01'],
        refuse: { KEY_PERSISTENCE_ENABLE: 'key persistence is already enabled' },
      },
      on: {
        KEY_PERSISTENCE_DISABLE: { target: 'disabled', actions: 'removeAllStoredKeys' },
        STORE: { guard: 'storable', actions: 'storeKey' },
      },
    },
  },
});

/** KP-03: the vSAN KEK is stored from 7.0U3 only; ASM-06: native keys only under the 7.0 wording. */
function storable(context: PersistenceContext, offer: KeyOffer): boolean {
  if (offer.key === VSAN_KEY && !atLeast(context.release, '7.0U3')) return false;
  return !offer.native || context.nativeKeyWording === '7.0';
}
