/**
 * Broken variants of the vSAN disk group machine (models/disk-group.ts), overriding its named guard.
 */
import { diskGroupMachine } from '../../models/disk-group.ts';

/** DOC-05 broken: an unmounted disk group never retries (`kekUsable` is false for RETRY). */
export const diskGroupNeverRetries = diskGroupMachine.provide({
  guards: { kekUsable: ({ event }) => event.type === 'HOST_BOOT' && event.kekUsable },
});
