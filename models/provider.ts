import { and, emit, setup } from 'xstate';
import { KEK_PATH, KEY_PATH, kdkEligible, pathOpen, type PathState } from './definitions.ts';
import { send, type Send } from './messages.ts';
import { rules } from './meta.ts';
import type { Provider } from './topology.ts';
import type { Release, Tpm } from './vocabulary.ts';

export type ProviderContext = Provider;

/** What the world tells a native provider about a host it could push its KDK to (section 1, "KDK delivery"). */
export interface KdkFacts {
  holdsKdk: boolean;
  vcenterUp: boolean;
  linkUp: boolean;
  release: Release;
  tpm: Tpm;
}

export type ProviderEvent =
  | { type: 'KMS_DOWN' }
  | { type: 'KMS_UP' }
  /** Would a host whose key path is in this state have a VM key from this provider now? Asked with `snapshot.can(...)`. */
  | { type: 'RELEASE_KEY'; path: PathState }
  /** Would it release the vSAN KEK? Asked with `snapshot.can(...)`. */
  | { type: 'RELEASE_KEK'; path: PathState }
  /** vCenter's push of a native provider's KDK to `host` (boot step 3, and after every applied event). */
  | ({ type: 'PUSH_KDK'; host: string } & KdkFacts);

const nativeRefusal = (c: ProviderContext) => `${c.id} is a native provider: it has no key server (KP-13)`;

/**
 * A key provider (section 1): standard (an external KMS), trusted (vSphere Trust Authority) or
 * native (NKP, no key server).
 *
 * Standard and trusted providers have a key server that is up or down. Whether it releases a key
 * to a host is a guarded self-transition, asked with `snapshot.can(...)` (the target makes `can`
 * count it), on the key paths of section 1 (models/definitions.ts):
 * - standard (KP-04): the host's link, vCenter and the KMS;
 * - trusted (KP-05, DOC-07): the host's link and Trust Authority, and the host attested;
 * - the vSAN KEK (DOC-05): the host's link and the KMS.
 *
 * - native (KP-13): no key server; the host derives the key from the KDK it holds.
 *
 * A native provider's KDK is pushed by vCenter (KP-13) to every eligible host that lacks it
 * (7.0U2 or later; with `tpmOnly`, a TPM 2.0, DOC-06) while vCenter and the host's link are up.
 */
export const providerMachine = setup({
  types: {} as { context: ProviderContext; input: ProviderContext; events: ProviderEvent; emitted: Send },
  guards: {
    isNative: ({ context }) => context.kind === 'native',
    standardPathOpen: ({ context, event }) =>
      context.kind === 'standard' && 'path' in event && pathOpen(KEY_PATH.standard, event.path),
    trustedPathOpen: ({ context, event }) =>
      context.kind === 'trusted' && 'path' in event && pathOpen(KEY_PATH.trusted, event.path),
    kekPathOpen: ({ context, event }) =>
      context.kind === 'standard' && 'path' in event && pathOpen(KEK_PATH.standard, event.path),
    kdkHeld: ({ event }) => 'path' in event && pathOpen(KEY_PATH.native, event.path),
    lacksKdk: ({ event }) => event.type === 'PUSH_KDK' && !event.holdsKdk,
    vcenterAndLinkUp: ({ event }) => event.type === 'PUSH_KDK' && event.vcenterUp && event.linkUp,
    hostEligible: ({ context, event }) => event.type === 'PUSH_KDK' && kdkEligible(event, context),
  },
  actions: {
    deliverKdk: emit(({ context, event }) =>
      send(
        { kind: 'host', id: (event as { host: string }).host },
        { type: 'RECEIVE_KDK', provider: context.id },
      ),
    ),
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
          // No rule on the state: which one applies (KP-04, KP-05) is the kind's, said by the transitions.
          meta: { refuse: { KMS_UP: (c: ProviderContext) => `${c.id} is already up` } },
          on: {
            KMS_DOWN: { target: 'down', ...rules('DOC-03') },
            RELEASE_KEY: [
              { guard: 'standardPathOpen', target: 'up', ...rules('KP-04', 'KP-06') },
              { guard: 'trustedPathOpen', target: 'up', ...rules('KP-05', 'DOC-07') },
            ],
            RELEASE_KEK: { guard: 'kekPathOpen', target: 'up', ...rules('DOC-05') },
          },
        },
        down: {
          meta: { rules: ['KP-09'], refuse: { KMS_DOWN: (c: ProviderContext) => `${c.id} is already down` } },
          on: { KMS_UP: { target: 'up', ...rules('DOC-03') } },
        },
      },
    },
    native: {
      meta: { rules: ['KP-13', 'DOC-06'], refuse: { KMS_DOWN: nativeRefusal, KMS_UP: nativeRefusal } },
      on: {
        RELEASE_KEY: { guard: 'kdkHeld', target: 'native', ...rules('KP-13', 'KP-14') },
        RELEASE_KEK: { guard: 'kdkHeld', target: 'native', ...rules('KP-13', 'DOC-05') },
        PUSH_KDK: {
          guard: and(['lacksKdk', 'vcenterAndLinkUp', 'hostEligible']),
          actions: 'deliverKdk',
          ...rules('KP-13', 'DOC-06'),
        },
      },
    },
  },
});
