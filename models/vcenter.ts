import { setup } from 'xstate';
import { rules } from './meta.ts';

export type VcenterEvent = { type: 'VCENTER_DOWN' } | { type: 'VCENTER_UP' };

/**
 * vCenter Server availability.
 *
 * vCenter is on the key path of standard providers (KP-04) and pushes native-provider KDKs (KP-13);
 * it is not on the trusted path (KP-05). Its outages alone never stop a running VM (DOC-03).
 */
export const vcenterMachine = setup({
  types: {} as { events: VcenterEvent },
}).createMachine({
  id: 'vcenter',
  initial: 'up',
  states: {
    up: {
      meta: { refuse: { VCENTER_UP: 'vCenter is already up' } },
      on: { VCENTER_DOWN: { target: 'down', ...rules('DOC-03') } },
    },
    down: {
      meta: { rules: ['KP-09'], refuse: { VCENTER_DOWN: 'vCenter is already down' } },
      on: { VCENTER_UP: { target: 'up', ...rules('DOC-03') } },
    },
  },
});
