/**
 * Broken variants of the host machine (models/host.ts), each overriding one named action.
 */
import { assign } from 'xstate';
import { hostMachine } from '../../models/host.ts';

/** KP-07 broken: a reboot keeps the key cache (`emptyCache` does nothing). */
export const rebootKeepsCache = hostMachine.provide({
  actions: { emptyCache: assign({ cache: ({ context }) => context.cache }) },
});

/** KP-14 broken: a reboot also forgets the KDKs (`emptyCache`, the host's part of boot step 1, clears them too). */
export const rebootForgetsKdks = hostMachine.provide({
  actions: { emptyCache: assign({ cache: [], kdks: [] }) },
});
