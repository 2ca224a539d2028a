import { and, setup } from 'xstate';
import { atLeast, type ProviderKind, type Release, type Tpm } from '../src/topology/types.ts';

export interface ProviderContext {
  id: string;
  kind: ProviderKind;
  tpmOnly: boolean;
}

/** What the world tells a provider about a host that asks it for a key. */
export interface KeyRequest {
  linkUp: boolean;
  vcenterUp: boolean;
  attested: boolean;
}

/** What the world tells a native provider about a host that lacks its KDK. */
export interface KdkRequest {
  linkUp: boolean;
  vcenterUp: boolean;
  release: Release;
  tpm: Tpm;
}

export type ProviderEvent =
  | { type: 'KMS_DOWN' }
  | { type: 'KMS_UP' }
  /** Would the provider release a VM key to this host now? Asked with `snapshot.can(...)`. */
  | ({ type: 'RELEASE_KEY' } & KeyRequest)
  /** Would the provider release the vSAN KEK to this host now? */
  | ({ type: 'RELEASE_KEK' } & KeyRequest)
  /** Would vCenter push this native provider's KDK to this host now? */
  | ({ type: 'DELIVER_KDK' } & KdkRequest);

const nativeRefusal = (ctx: ProviderContext) =>
  `${ctx.id} is a native provider: it has no key server (KP-13)`;

/**
 * A key provider (section 1): standard (an external KMS), trusted (vSphere Trust Authority) or
 * native (NKP, no key server).
 *
 * Standard and trusted providers have a key server that is up or down. Whether the provider
 * releases a key to a host is a guarded self-transition (a target is given so that
 * `snapshot.can(...)` counts it), asked with `snapshot.can(...)`:
 * - standard (KP-04): the host's link, vCenter and the KMS are up;
 * - trusted (KP-05, DOC-07): the host's link and the Trust Authority are up, and the host is
 *   attested; vCenter is not involved;
 * - the vSAN KEK (DOC-05): the host's link and the KMS are up; vSAN hosts talk to the KMS directly.
 *
 * A native provider delivers its KDK (KP-13) through vCenter to every eligible host (7.0U2 or later;
 * with `tpmOnly`, a TPM 2.0, DOC-06) whenever vCenter and the host's link are up.
 */
export const providerMachine = setup({
  types: {} as { context: ProviderContext; input: ProviderContext; events: ProviderEvent },
  guards: {
    isNative: ({ context }) => context.kind === 'native',
    standardPathOpen: ({ context, event }) =>
      context.kind === 'standard' && 'vcenterUp' in event && event.linkUp && event.vcenterUp,
    trustedPathOpen: ({ context, event }) =>
      context.kind === 'trusted' && 'attested' in event && event.linkUp && event.attested,
    kmsReachable: ({ context, event }) => context.kind === 'standard' && 'linkUp' in event && event.linkUp,
    vcenterAndLinkUp: ({ event }) => 'vcenterUp' in event && event.vcenterUp && event.linkUp,
    hostEligible: ({ context, event }) =>
      'release' in event && atLeast(event.release, '7.0U2') && (!context.tpmOnly || event.tpm === '2.0'),
  },
}).createMachine({
  id: 'provider',
  context: ({ input }) => input,
  initial: 'configured',
  states: {
    configured: {
      always: [{ guard: 'isNative', target: 'native' }, { target: 'keyServer' }],
    },
    keyServer: {
      initial: 'up',
      states: {
        up: {
          meta: {
            rules: ['KP-04', 'KP-05'],
            refuse: { KMS_UP: (c: ProviderContext) => `${c.id} is already up` },
          },
          on: {
            KMS_DOWN: 'down',
            RELEASE_KEY: [
              { guard: 'standardPathOpen', target: 'up' },
              { guard: 'trustedPathOpen', target: 'up' },
            ],
            RELEASE_KEK: { guard: 'kmsReachable', target: 'up' },
          },
        },
        down: {
          meta: { rules: ['KP-09'], refuse: { KMS_DOWN: (c: ProviderContext) => `${c.id} is already down` } },
          on: { KMS_UP: 'up' },
        },
      },
    },
    native: {
      meta: { rules: ['KP-13', 'DOC-06'], refuse: { KMS_DOWN: nativeRefusal, KMS_UP: nativeRefusal } },
      on: { DELIVER_KDK: { guard: and(['vcenterAndLinkUp', 'hostEligible']), target: 'native' } },
    },
  },
});
