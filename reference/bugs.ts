/**
 * Seeded bugs of the reference implementation: the mistakes an implementer of key persistence makes,
 * each a named switch that key-manager.ts reads at the one place where the mistake would be. The
 * catch table (catch-table.ts) says which kind of test path finds each one.
 */

export const BUGS = {
  'cache-survives-reboot': { rule: 'KP-07', what: 'a reboot does not empty the key cache' },
  'kdk-lost-on-reboot': {
    rule: 'KP-14',
    what: 'a reboot forgets the KDKs (vCenter pushes them again when it can)',
  },
  'stored-keys-not-restored': {
    rule: 'KP-11',
    what: 'a boot does not put the stored keys back into the cache',
  },
  'store-kept-after-disable': {
    rule: 'DOC-02',
    what: 'disabling persistence leaves the stored keys in the TPM',
  },
  'autostart-ignored': { rule: 'ASM-03', what: 'VMs that were running stay off after a reboot' },
  'power-on-ignores-lock': { rule: 'DOC-04', what: 'a locked VM powers on (the lock is not checked)' },
  'disk-group-no-retry': { rule: 'DOC-05', what: 'an unmounted disk group mounts at boot only, never later' },
  'unlock-without-key': { rule: 'DOC-04', what: 'unlocking succeeds without a usable key' },
  'unlock-powers-on': { rule: 'DOC-04', what: 'unlocking a VM also powers it on' },
  'attestation-ignored': { rule: 'DOC-07', what: 'an unattested host still uses trusted-provider keys' },
  'vcenter-for-trusted': { rule: 'KP-05', what: 'trusted-provider keys need vCenter too' },
  'enable-without-tpm': {
    rule: 'DOC-01',
    what: 'enabling persistence on a host without a TPM 2.0 is accepted',
  },
  'kms-down-on-native': { rule: 'KP-13', what: 'KMS_DOWN on a native provider is accepted' },
  'kek-floor-off-by-one': { rule: 'KP-03', what: 'the vSAN KEK is persisted only after 7.0U3, not from it' },
  'tpm-replace-keeps-kdk': { rule: 'DOC-09', what: 'a cleared TPM keeps the KDKs it sealed' },
  'kdk-pushed-without-vcenter': { rule: 'KP-13', what: 'a KDK reaches a host while vCenter is down' },
} as const satisfies Record<string, { rule: string; what: string }>;

export type Bug = keyof typeof BUGS;

export const BUG_NAMES = Object.keys(BUGS) as Bug[];

export function isBug(name: string): name is Bug {
  return name in BUGS;
}
