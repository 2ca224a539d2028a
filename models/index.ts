/**
 * The statecharts of vSphere key persistence: the single source of truth of behaviour.
 *
 * - Components, one statechart per lifecycle: vCenter, key provider, host, key persistence, VM,
 *   vSAN disk group.
 * - Orchestration, as statecharts too: the site (routing of every event, the automatic effects after
 *   each one, the first start) and the boot of a host (section 1's six steps, in order).
 * - What they share: the vocabulary and release floors (vocabulary.ts), section 1's definitions
 *   (definitions.ts), the events (events.ts), how machines address each other (messages.ts), the
 *   facts added to events on delivery (facts.ts), and the registry of component kinds (components.ts).
 *
 * The world (src/world) composes them and decides nothing itself.
 */
import { bootMachine } from './boot.ts';
import { diskGroupMachine } from './disk-group.ts';
import { hostMachine } from './host.ts';
import type { ComponentKind } from './messages.ts';
import { persistenceMachine } from './persistence.ts';
import { providerMachine } from './provider.ts';
import { siteMachine } from './site.ts';
import { vcenterMachine } from './vcenter.ts';
import { vmMachine } from './vm.ts';

export {
  bootMachine,
  diskGroupMachine,
  hostMachine,
  persistenceMachine,
  providerMachine,
  siteMachine,
  vcenterMachine,
  vmMachine,
};

/** The machines of every kind, as production defines them. */
const MACHINES = {
  site: siteMachine,
  vcenter: vcenterMachine,
  provider: providerMachine,
  host: hostMachine,
  boot: bootMachine,
  persistence: persistenceMachine,
  diskGroup: diskGroupMachine,
  vm: vmMachine,
} as const satisfies Record<ComponentKind, unknown>;

export type Machines = typeof MACHINES;

/** A set of machines the world runs. Tests build broken variants with `machine.provide(...)`. */
export type Model = { readonly name: string } & Machines;

export const productionModel: Model = { name: 'production', ...MACHINES };
