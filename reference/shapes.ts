/**
 * The JSON shapes the reference implementation shares with kpm, as interface.md writes them down:
 * the topology (defaults filled in, as `reset` sends it), the events, the observed state. Nothing
 * else is shared: the behaviour is written from key-persistence.md in key-manager.ts.
 */

export type Release =
  '6.7' | '7.0' | '7.0U1' | '7.0U2' | '7.0U3' | '8.0' | '8.0U1' | '8.0U2' | '8.0U3' | '9.0';
export type Tpm = '2.0' | '1.2' | 'none';
export type ProviderKind = 'standard' | 'trusted' | 'native';

export interface SiteDescription {
  name: string;
  release: Release;
  options: {
    persistCachedKeys: boolean;
    autoUnlock: boolean;
    autostart: boolean;
    keyScope: 'host' | 'cluster';
    reboot: 'atomic';
    nativeKeyWording: '8.0' | '7.0';
  };
  providers: { id: string; kind: ProviderKind; tpmOnly: boolean }[];
  hosts: { id: string; release: Release; tpm: Tpm; keyPersistence: boolean }[];
  vms: { id: string; host: string; encryptedBy: string | null; vtpm: boolean; running: boolean }[];
  vsan: { encryptedBy: string } | null;
}

export type SiteEvent =
  | { type: 'KMS_DOWN' | 'KMS_UP'; provider: string }
  | { type: 'VCENTER_DOWN' | 'VCENTER_UP' }
  | {
      type:
        | 'LINK_DOWN'
        | 'LINK_UP'
        | 'HOST_REBOOT'
        | 'KEY_PERSISTENCE_ENABLE'
        | 'KEY_PERSISTENCE_DISABLE'
        | 'ATTESTATION_FAIL'
        | 'ATTESTATION_PASS'
        | 'TPM_REPLACE';
      host: string;
    }
  | { type: 'VM_POWER_ON' | 'VM_POWER_OFF' | 'VM_UNLOCK'; vm: string };

export interface HostState {
  link: 'up' | 'down';
  keyPersistence: boolean;
  persistenceInEffect: boolean;
  cachedKeys: string[];
  storedKeys: string[];
  kdk: string[];
  attested: boolean;
  vsan: 'mounted' | 'unmounted' | null;
}

export interface SiteState {
  vcenter: 'up' | 'down';
  providers: Record<string, 'up' | 'down'>;
  hosts: Record<string, HostState>;
  vms: Record<string, { power: 'on' | 'off'; locked: boolean }>;
}

export type Outcome = { outcome: 'applied' } | { outcome: 'refused'; reason: string };
