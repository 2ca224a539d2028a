import { setup } from 'xstate';

/**
 * vCenter Server availability.
 *
 * vCenter is on the key path of standard providers (KP-04) and delivers native-provider KDKs
 * (KP-13); it is not on the trusted path (KP-05). Its outages alone never stop a running VM (DOC-03).
 */
export const vcenterMachine = setup({
  types: {} as { events: { type: 'VCENTER_DOWN' } | { type: 'VCENTER_UP' } },
}).createMachine({
  id: 'vcenter',
  initial: 'up',
  states: {
    up: {
      on: { VCENTER_DOWN: 'down' },
      meta: { refuse: { VCENTER_UP: 'vCenter is already up' } },
    },
    down: {
      on: { VCENTER_UP: 'up' },
      meta: { refuse: { VCENTER_DOWN: 'vCenter is already down' } },
    },
  },
});
