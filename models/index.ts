/**
 * The statecharts of vSphere key persistence, one per lifecycle. They are the single source of
 * truth of behaviour: the world (src/world) only routes events and facts between them.
 */
import { diskGroupMachine } from './disk-group.ts';
import { hostMachine } from './host.ts';
import { persistenceMachine } from './persistence.ts';
import { providerMachine } from './provider.ts';
import { vcenterMachine } from './vcenter.ts';
import { vmMachine } from './vm.ts';

export { diskGroupMachine, hostMachine, persistenceMachine, providerMachine, vcenterMachine, vmMachine };

/** A set of machines the world runs. Tests build broken variants with `machine.provide(...)`. */
export interface Model {
  name: string;
  vcenter: typeof vcenterMachine;
  provider: typeof providerMachine;
  host: typeof hostMachine;
  persistence: typeof persistenceMachine;
  vm: typeof vmMachine;
  diskGroup: typeof diskGroupMachine;
}

export const productionModel: Model = {
  name: 'production',
  vcenter: vcenterMachine,
  provider: providerMachine,
  host: hostMachine,
  persistence: persistenceMachine,
  vm: vmMachine,
  diskGroup: diskGroupMachine,
};
