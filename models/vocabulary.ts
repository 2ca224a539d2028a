/**
 * The vocabulary of key-persistence.md, section 1: releases, TPMs, provider kinds, key names and
 * the release floors of DOC-08. Everything else in the model, and the topology loader, speaks
 * these words; nothing here depends on how a user writes a site down.
 */

/** vSphere releases, in order. */
export const RELEASES = [
  '6.7',
  '7.0',
  '7.0U1',
  '7.0U2',
  '7.0U3',
  '8.0',
  '8.0U1',
  '8.0U2',
  '8.0U3',
  '9.0',
] as const;
export type Release = (typeof RELEASES)[number];

/** True when `release` is `floor` or later. */
export function atLeast(release: Release, floor: Release): boolean {
  return RELEASES.indexOf(release) >= RELEASES.indexOf(floor);
}

export type Tpm = '2.0' | '1.2' | 'none';

/** standard: an external KMS (KP-04); trusted: vSphere Trust Authority (KP-05); native: NKP (KP-13). */
export type ProviderKind = 'standard' | 'trusted' | 'native';

/** The key name of the vSAN KEK in caches and stores; a VM's key is named after the VM. */
export const VSAN_KEY = 'vsan';

/**
 * The first release of each feature. The only release literals of the project that decide
 * anything: the model, the topology rules and the generators all read them here.
 */
export const FLOORS = {
  /** DOC-08: vTPM. */
  vtpm: '6.7',
  /** DOC-08: vSphere Trust Authority. */
  trusted: '7.0',
  /** DOC-08: the Native Key Provider. */
  native: '7.0U2',
  /** DOC-01, DOC-08, KP-01: key persistence. */
  keyPersistence: '7.0U2',
  /** DOC-08, KP-03: persistence of the vSAN KEK. */
  vsanKek: '7.0U3',
} as const satisfies Record<string, Release>;
