import { enqueueActions, setup } from 'xstate';
import { kekUsable, type KeyFacts } from './definitions.ts';
import { send, type Send } from './messages.ts';
import { rules } from './meta.ts';
import { VSAN_KEY } from './vocabulary.ts';

export interface DiskGroupContext {
  host: string;
}

/** What the world tells a disk group about the vSAN KEK on its host (section 1). */
export interface KekFacts extends Pick<KeyFacts, 'cached' | 'obtainable'> {
  /** Derived from a native provider's KDK: the disk group mounts, no `vsan` key goes into the cache. */
  derived: boolean;
}

export type DiskGroupEvent =
  /** Boot step 1: the host goes down, and its disk group with it. */
  | { type: 'HOST_DOWN' }
  /** Boot step 4, and after every applied event: mount if the KEK is usable (DOC-05). */
  | ({ type: 'MOUNT' } & KekFacts);

/**
 * A host's encrypted vSAN disk group.
 *
 * - DOC-05: it mounts only once the host holds the vSAN KEK, and keeps retrying while unmounted;
 *   mounting obtains the KEK (into the cache, and the store where persistence is in effect).
 * - KP-03: from 7.0U3 the stored KEK lets it mount with the key provider unreachable (the
 *   persistence machine decides whether the KEK is stored).
 */
export const diskGroupMachine = setup({
  types: {} as { context: DiskGroupContext; input: DiskGroupContext; events: DiskGroupEvent; emitted: Send },
  guards: {
    kekUsable: ({ event }) => event.type === 'MOUNT' && kekUsable(event),
  },
  actions: {
    obtainKek: enqueueActions(({ context, event, enqueue }) => {
      const offer = { key: VSAN_KEY, derived: event.type === 'MOUNT' && event.derived };
      enqueue.emit(send({ kind: 'host', id: context.host }, { type: 'OBTAIN_KEY', ...offer }));
    }),
  },
}).createMachine({
  id: 'diskGroup',
  context: ({ input }) => input,
  initial: 'unmounted',
  states: {
    unmounted: {
      meta: { rules: ['DOC-05'] },
      on: {
        MOUNT: { guard: 'kekUsable', target: 'mounted', actions: 'obtainKek', ...rules('DOC-05', 'KP-03') },
      },
    },
    mounted: {
      on: { HOST_DOWN: { target: 'unmounted', ...rules('KP-07') } },
    },
  },
});
