import { emit, enqueueActions, setup } from 'xstate';
import { send, type Send } from './messages.ts';
import { rules } from './meta.ts';
import type { Options } from './topology.ts';

export interface BootContext {
  host: string;
  /** ASM-04. */
  keyScope: Options['keyScope'];
}

/** A reboot, or the first boot of the steady initial state; `autostart` is ASM-03 (always on for the first boot). */
export type BootEvent = { type: 'BOOT'; autostart: boolean };

/** The eventless transition to the next step: the boot is one atomic step (ASM-05). */
const next = <T extends string>(target: T) => ({ target, ...rules('ASM-05') });

/**
 * The boot of one host (key-persistence.md, section 1, "Boot"), one atomic step (ASM-05): each
 * transient state is a step of section 1, in its order, and sends the host's components what that
 * step does to them. The messages are delivered in that order, each with the facts of the moment
 * it is delivered, so a step sees what the steps before it did (a VM's key restored at step 2 is
 * cached at step 5).
 */
export const bootMachine = setup({
  types: {} as { context: BootContext; input: BootContext; events: BootEvent; emitted: Send },
  guards: {
    clusterKeyScope: ({ context }) => context.keyScope === 'cluster', // ASM-04
  },
  actions: {
    /** Step 1 (KP-07): every VM of the host stops, the key cache empties, the disk group goes down. */
    stopHost: enqueueActions(({ context, enqueue }) => {
      enqueue.emit(send({ kind: 'host', id: context.host }, { type: 'HOST_DOWN' }));
      enqueue.emit(send({ kind: 'vm', owner: context.host }, { type: 'HOST_DOWN' }));
      enqueue.emit(send({ kind: 'diskGroup', id: context.host }, { type: 'HOST_DOWN' }));
    }),
    /** Step 2 (KP-11): the stored keys come back into the cache. */
    restoreStoredKeys: emit(({ context }) =>
      send({ kind: 'persistence', id: context.host }, { type: 'RESTORE_KEYS' }),
    ),
    /** Step 3 (KP-13): vCenter delivers the KDKs the host lacks, if it can. */
    deliverKdks: emit(({ context }) =>
      send({ kind: 'provider', every: true }, { type: 'PUSH_KDK', host: context.host }),
    ),
    /** Step 4 (DOC-05): the disk group mounts if the KEK is usable, fetching it if needed. */
    mountDiskGroup: emit(({ context }) => send({ kind: 'diskGroup', id: context.host }, { type: 'MOUNT' })),
    /** Step 5 (DOC-04): each VM whose key is usable gets it and is unlocked; every other one is locked. */
    unlockVms: emit(({ context }) => send({ kind: 'vm', owner: context.host }, { type: 'HOST_UP' })),
    /** Step 6 (ASM-03): with autostart, each VM that was running and is not locked starts again. */
    autostartVms: emit(({ context, event }) =>
      send({ kind: 'vm', owner: context.host }, { type: 'AUTOSTART', autostart: event.autostart }),
    ),
    /** ASM-04 `cluster`: the host also caches every other VM's key it can obtain now. */
    cacheClusterKeys: emit(({ context }) =>
      send({ kind: 'vm', every: true }, { type: 'CLUSTER_KEY', host: context.host }),
    ),
  },
}).createMachine({
  id: 'boot',
  context: ({ input }) => input,
  initial: 'idle',
  states: {
    idle: {
      on: { BOOT: { target: 'stopping', ...rules('ASM-05', 'KP-08') } },
    },
    // Each step passes on to the next within the same step of the world (ASM-05).
    stopping: { meta: { rules: ['KP-07'] }, entry: 'stopHost', always: next('restoringKeys') },
    restoringKeys: { meta: { rules: ['KP-11'] }, entry: 'restoreStoredKeys', always: next('deliveringKdks') },
    deliveringKdks: {
      meta: { rules: ['KP-13', 'KP-14'] },
      entry: 'deliverKdks',
      always: next('mountingDiskGroup'),
    },
    mountingDiskGroup: {
      meta: { rules: ['DOC-05', 'KP-03'] },
      entry: 'mountDiskGroup',
      always: next('unlockingVms'),
    },
    unlockingVms: {
      meta: { rules: ['DOC-04', 'KP-08', 'KP-09'] },
      entry: 'unlockVms',
      always: next('autostarting'),
    },
    autostarting: {
      meta: { rules: ['ASM-03'] },
      entry: 'autostartVms',
      always: [{ guard: 'clusterKeyScope', target: 'cachingClusterKeys', ...rules('ASM-04') }, next('idle')],
    },
    cachingClusterKeys: { meta: { rules: ['ASM-04'] }, entry: 'cacheClusterKeys', always: next('idle') },
  },
});
