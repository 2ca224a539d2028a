/**
 * Broken variants of the persistence machine (models/persistence.ts), each overriding one named
 * guard or action.
 */
import { assign } from 'xstate';
import { persistenceMachine } from '../../models/persistence.ts';
import { storable } from '../../models/definitions.ts';
import { VSAN_KEY } from '../../models/vocabulary.ts';

/**
 * DOC-01 broken: persistence ignores the TPM requirement (`noTpm2` is never true). The loader
 * rejects `keyPersistence: true` on such hosts, so only a KEY_PERSISTENCE_ENABLE at run time, an
 * event the production model refuses in every state, shows it.
 */
export const persistenceWithoutTpm = persistenceMachine.provide({
  guards: { noTpm2: () => false },
});

/**
 * DOC-02 broken: a disable keeps the stored keys. `removeAllStoredKeys` also serves TPM_CLEARED
 * (DOC-09), which still empties the store: only the disable is broken.
 */
export const disableKeepsKeys = persistenceMachine.provide({
  actions: {
    removeAllStoredKeys: assign({
      stored: ({ context, event }) => (event.type === 'TPM_CLEARED' ? [] : context.stored),
    }),
  },
});

/** KP-03 broken: the vSAN KEK is stored on 7.0U2 too (`storable` forgets the 7.0U3 floor of the KEK). */
export const kekStoredOn702 = persistenceMachine.provide({
  guards: {
    storable: ({ context, event }) =>
      event.type === 'STORE' && (event.key === VSAN_KEY ? !event.derived : storable(event, context)),
  },
});
