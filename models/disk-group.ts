import { setup } from 'xstate';

export type DiskGroupEvent =
  /** Its host booted; `kekUsable`: the vSAN KEK is cached, obtainable, or derivable from the KDK. */
  | { type: 'HOST_BOOT'; kekUsable: boolean }
  /** After every applied event: an unmounted disk group keeps retrying (DOC-05). */
  | { type: 'RETRY'; kekUsable: boolean };

/**
 * A host's encrypted vSAN disk group.
 *
 * - DOC-05: it mounts only once the host holds the vSAN KEK, and keeps retrying while unmounted.
 * - KP-03: from 7.0U3 the stored KEK lets it mount with the key provider unreachable
 *   (the persistence machine decides whether the KEK is stored).
 */
export const diskGroupMachine = setup({
  types: {} as { events: DiskGroupEvent },
  guards: {
    kekUsable: ({ event }) => event.kekUsable,
  },
}).createMachine({
  id: 'diskGroup',
  initial: 'unmounted',
  states: {
    unmounted: {
      meta: { rules: ['DOC-05'] },
      on: {
        HOST_BOOT: [{ guard: 'kekUsable', target: 'mounted' }, { target: 'unmounted' }],
        RETRY: { guard: 'kekUsable', target: 'mounted' },
      },
    },
    mounted: {
      on: { HOST_BOOT: [{ guard: 'kekUsable', target: 'mounted', reenter: true }, { target: 'unmounted' }] },
    },
  },
});
