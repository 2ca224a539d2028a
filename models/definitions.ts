/**
 * The definitions of key-persistence.md, section 1, each written once, in the spec's words. The
 * statecharts decide with them (through named guards and actions, which a test can swap with
 * `machine.provide`); the topology rules, the explorer's alphabet, the property plans and the
 * generators import them instead of restating them.
 */
import type { Host, Provider } from './topology.ts';
import { atLeast, FLOORS, VSAN_KEY, type ProviderKind, type Release, type Tpm } from './vocabulary.ts';

// --- hosts -------------------------------------------------------------------------------------

/** DOC-01: "a TPM 1.2 does not count"; DOC-07 and DOC-09 need a TPM 2.0 too. */
export function hasTpm2(host: { tpm: Tpm }): boolean {
  return host.tpm === '2.0';
}

/** DOC-01: the release and TPM under which persistence can be in effect (neither changes during a run). */
export function persistenceSupported(host: { release: Release; tpm: Tpm }): boolean {
  return atLeast(host.release, FLOORS.keyPersistence) && hasTpm2(host); // DOC-01
}

/** Section 1, "Key persistence is in effect": the setting is enabled on a host that supports it. */
export function persistenceInEffect(setting: boolean, host: { release: Release; tpm: Tpm }): boolean {
  return setting && persistenceSupported(host);
}

/** Section 1, "KDK delivery": eligible hosts run 7.0U2 or later, and have a TPM 2.0 under `tpmOnly` (DOC-06). */
export function kdkEligible(
  host: Pick<Host, 'release' | 'tpm'>,
  provider: Pick<Provider, 'tpmOnly'>,
): boolean {
  return atLeast(host.release, FLOORS.native) && (!provider.tpmOnly || hasTpm2(host)); // DOC-06
}

// --- key paths ---------------------------------------------------------------------------------

/** A part of the way from a host to its key: each must be up (held, passed) for the key to come. */
export type PathPart = 'link' | 'vcenter' | 'keyServer' | 'attestation' | 'kdk';

/** Which parts of a host's key paths are up now: its link, vCenter, the key server, its attestation, the KDK. */
export type PathState = Readonly<Record<PathPart, boolean>>;

/** Section 1, "A VM key is obtainable by a host": the parts its source needs, by provider kind. */
export const KEY_PATH: Readonly<Record<ProviderKind, readonly PathPart[]>> = {
  standard: ['link', 'vcenter', 'keyServer'], // KP-04: vCenter fetches keys from the KMS
  trusted: ['link', 'keyServer', 'attestation'], // KP-05, DOC-07: attested hosts reach Trust Authority directly
  native: ['kdk'], // KP-13: derived from the KDK the host holds
};

/** Section 1, "The vSAN KEK is usable": vSAN hosts talk to the KMS directly, without vCenter (DOC-05). */
export const KEK_PATH: Readonly<Record<'standard' | 'native', readonly PathPart[]>> = {
  standard: ['link', 'keyServer'],
  native: ['kdk'],
};

/** The parts of `path` that are down, in the path's order; none when the source releases the key. */
export function missingOnPath(path: readonly PathPart[], state: PathState): PathPart[] {
  return path.filter((part) => !state[part]);
}

export function pathOpen(path: readonly PathPart[], state: PathState): boolean {
  return missingOnPath(path, state).length === 0;
}

// --- keys --------------------------------------------------------------------------------------

/** What a host knows of a key at one instant (section 1). */
export interface KeyFacts {
  /** In the host's cache (never true of a derived key). */
  cached: boolean;
  /** Its source would release it to the host now: the key path is open (KEY_PATH, KEK_PATH). */
  obtainable: boolean;
  /** The host passed attestation (DOC-07). */
  attested: boolean;
  /** The state of the key path, to say what is missing when the key is not usable. */
  path: PathState;
}

/**
 * Section 1, "A VM key is usable by a host": in the cache or obtainable; a trusted-provider key in
 * the cache only while the host is attested (DOC-07; obtaining one needs attestation already). An
 * unencrypted VM (no provider) needs no key.
 */
export function keyUsable(kind: ProviderKind | null, facts: KeyFacts): boolean {
  if (kind === null) return true;
  const cachedAndAllowed = facts.cached && (kind !== 'trusted' || facts.attested); // DOC-07
  return cachedAndAllowed || facts.obtainable;
}

/** Section 1, "The vSAN KEK is usable by a host": cached or obtainable (derived, for a native provider). */
export function kekUsable(facts: Pick<KeyFacts, 'cached' | 'obtainable'>): boolean {
  return facts.cached || facts.obtainable;
}

/** A key a host obtained, on its way to the cache and the store. */
export interface KeyOffer {
  /** A VM id, or `vsan` for the vSAN KEK. */
  key: string;
  /** Derived from a native provider's KDK (section 1) rather than released by a key server. */
  derived: boolean;
}

/** Section 1: native-provider keys are derived from the KDK: they are never cached. */
export function cacheable(offer: KeyOffer): boolean {
  return !offer.derived;
}

/** Section 1: a native provider's keys are derived; the others' are released by a key server. */
export function derivedKind(kind: ProviderKind): boolean {
  return kind === 'native';
}

/**
 * ASM-01, KP-03, ASM-06: which obtained keys persistence stores, where it is in effect. The vSAN
 * KEK from 7.0U3 only, and never a derived one; a derived VM key only under the 7.0 wording.
 */
export function storable(
  offer: KeyOffer,
  host: { release: Release; nativeKeyWording: '8.0' | '7.0' },
): boolean {
  if (offer.key === VSAN_KEY) return !offer.derived && atLeast(host.release, FLOORS.vsanKek); // KP-03
  return !offer.derived || host.nativeKeyWording === '7.0'; // ASM-06
}
