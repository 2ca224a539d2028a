/**
 * The site a user describes: the validated, defaulted form of a topology file
 * (interface.md, "Topology file"). Every field has its default filled in.
 */

/** vSphere releases in order (key-persistence.md, section 1). */
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

export type ProviderKind = 'standard' | 'trusted' | 'native';
export type Tpm = '2.0' | '1.2' | 'none';

export interface Provider {
  id: string;
  kind: ProviderKind;
  /** DOC-06: native providers only; ignored for the others. */
  tpmOnly: boolean;
}

export interface Host {
  id: string;
  /** The host's own release: the site's unless overridden. */
  release: Release;
  tpm: Tpm;
  /** The persistence setting at the start (KP-17, DOC-01). */
  keyPersistence: boolean;
}

export interface Vm {
  id: string;
  host: string;
  /** Provider id, or null for an unencrypted VM. */
  encryptedBy: string | null;
  vtpm: boolean;
  running: boolean;
}

/**
 * The ASM choices of key-persistence.md, section 4. Defaults are the spec's.
 */
export interface Options {
  /** ASM-01: while persistence is in effect every cached key is stored, and enabling stores what is cached. */
  persistCachedKeys: boolean;
  /** ASM-02: a locked VM unlocks by itself (and stays off) once its key is usable. */
  autoUnlock: boolean;
  /** ASM-03: a VM that was running when its host rebooted starts again when its key is usable. */
  autostart: boolean;
  /** ASM-04: which keys a host caches: those of its own VMs (`host`) or of every VM of the site (`cluster`). */
  keyScope: 'host' | 'cluster';
  /** ASM-05: a reboot is one atomic step. No other reboot model exists yet. */
  reboot: 'atomic';
  /** ASM-06: `8.0` wording: persistence never stores native-provider keys; `7.0` wording: it does. */
  nativeKeyWording: '8.0' | '7.0';
}

export const DEFAULT_OPTIONS: Options = {
  persistCachedKeys: true,
  autoUnlock: false,
  autostart: true,
  keyScope: 'host',
  reboot: 'atomic',
  nativeKeyWording: '8.0',
};

export interface Topology {
  name: string;
  release: Release;
  options: Options;
  providers: Provider[];
  hosts: Host[];
  vms: Vm[];
  /** Encrypted vSAN: the provider of the cluster KEK, or null when there is no encrypted vSAN. */
  vsan: { encryptedBy: string } | null;
}

/** The key name of the vSAN KEK in caches and stores (interface.md). */
export const VSAN_KEY = 'vsan';
