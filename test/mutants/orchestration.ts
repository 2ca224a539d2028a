/**
 * Broken variants of the orchestration statecharts (models/site.ts, models/boot.ts): the routing of
 * events, the automatic effects after each one, and the steps of a boot, each overriding one
 * named action.
 */
import { enqueueActions } from 'xstate';
import { bootMachine } from '../../models/boot.ts';
import { send } from '../../models/messages.ts';
import { siteMachine } from '../../models/site.ts';

/**
 * DOC-03 broken: a link outage reaches the host's VMs, which power off (`toHost` also sends each
 * VM of the host a power-off on LINK_DOWN).
 */
export const outageStopsRunningVms = siteMachine.provide({
  actions: {
    toHost: enqueueActions(({ event, enqueue }) => {
      const { host } = event as { host: string };
      enqueue.emit(send({ kind: 'host', id: host }, { type: event.type }));
      if (event.type === 'LINK_DOWN')
        enqueue.emit(send({ kind: 'vm', owner: host }, { type: 'VM_POWER_OFF' }));
    }),
  },
});

/** DOC-05 broken: after an event, unmounted disk groups do not retry (`settle` sends no MOUNT). */
export const settleSkipsDiskRetry = siteMachine.provide({
  actions: {
    settle: enqueueActions(({ context, enqueue }) => {
      for (const { id } of context.hosts) {
        enqueue.emit(send({ kind: 'provider', every: true }, { type: 'PUSH_KDK', host: id }));
        enqueue.emit(
          send({ kind: 'vm', owner: id }, { type: 'KEY_CHECK', autoUnlock: context.options.autoUnlock }),
        );
      }
    }),
  },
});

/** KP-11 broken: boot step 2 restores nothing (`restoreStoredKeys` sends nothing), so stored keys are of no use. */
export const bootSkipsRestore = bootMachine.provide({
  actions: { restoreStoredKeys: () => {} },
});
