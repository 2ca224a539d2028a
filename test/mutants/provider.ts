/**
 * Broken variants of the provider machine (models/provider.ts), each overriding one named guard.
 */
import { atLeast } from '../../src/topology/types.ts';
import { providerMachine } from '../../models/provider.ts';

/** KP-05 broken: the trusted path needs vCenter (`trustedPathOpen` also asks for vCenter). */
export const trustedPathNeedsVcenter = providerMachine.provide({
  guards: {
    trustedPathOpen: ({ context, event }) =>
      context.kind === 'trusted' && 'attested' in event && event.linkUp && event.attested && event.vcenterUp,
  },
});

/** DOC-06 broken: the KDK reaches hosts without a TPM 2.0 despite `tpmOnly` (`hostEligible` checks the release only). */
export const kdkIgnoresTpmOnly = providerMachine.provide({
  guards: {
    hostEligible: ({ event }) => 'release' in event && atLeast(event.release, '7.0U2'),
  },
});
