/**
 * A site as the model takes it (key-persistence.md, section 1, "Site"): its providers, hosts, VMs,
 * encrypted vSAN and the modelling choices of section 4. Validated and defaulted: every field has
 * its value. The topology file format (interface.md) is loaded into this shape by src/topology/.
 */
import type { ProviderKind, Release, Tpm } from './vocabulary.ts';

export interface Provider {
  id: string;
  kind: ProviderKind;
  /** DOC-06: native providers only; the others carry the default, which nothing reads. */
  tpmOnly: boolean;
}

export interface Host {
  id: string;
  /** The host's own release: the site's unless overridden (a cluster in the middle of an upgrade). */
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
  /** It runs in the steady initial state (when its key is usable). */
  running: boolean;
}

/** The modelling choices of key-persistence.md, section 4 (ASM), each an option. */
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

/** The spec's readings (section 4, "Default"). */
export const DEFAULT_OPTIONS: Options = {
  persistCachedKeys: true,
  autoUnlock: false,
  autostart: true,
  keyScope: 'host',
  reboot: 'atomic',
  nativeKeyWording: '8.0',
};

export interface Topology {
  /** Free text. */
  name: string;
  release: Release;
  options: Options;
  providers: Provider[];
  hosts: Host[];
  vms: Vm[];
  /** Encrypted vSAN: the provider of the cluster KEK, or null when there is no encrypted vSAN. */
  vsan: { encryptedBy: string } | null;
}
