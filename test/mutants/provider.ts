/**
 * Broken variants of the provider machine (models/provider.ts), each overriding one named guard.
 */
import { KEY_PATH, pathOpen, type PathState } from '../../models/definitions.ts';
import { providerMachine } from '../../models/provider.ts';
import { atLeast, FLOORS } from '../../models/vocabulary.ts';

const path = (event: object) => (event as { path: PathState }).path;

/** KP-05 broken: the trusted path needs vCenter (`trustedPathOpen` also asks for vCenter). */
export const trustedPathNeedsVcenter = providerMachine.provide({
  guards: {
    trustedPathOpen: ({ context, event }) =>
      context.kind === 'trusted' &&
      'path' in event &&
      pathOpen([...KEY_PATH.trusted, 'vcenter'], path(event)),
  },
});

/** DOC-07 broken: Trust Authority releases keys to unattested hosts (`trustedPathOpen` ignores attestation). */
export const trustedPathIgnoresAttestation = providerMachine.provide({
  guards: {
    trustedPathOpen: ({ context, event }) =>
      context.kind === 'trusted' && 'path' in event && pathOpen(['link', 'keyServer'], path(event)),
  },
});

/** DOC-06 broken: the KDK reaches hosts without a TPM 2.0 despite `tpmOnly` (`hostEligible` checks the release only). */
export const kdkIgnoresTpmOnly = providerMachine.provide({
  guards: {
    hostEligible: ({ event }) => event.type === 'PUSH_KDK' && atLeast(event.release, FLOORS.native),
  },
});
