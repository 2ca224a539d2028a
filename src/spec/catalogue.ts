/**
 * The properties of key-persistence.md, section 5, as data: ID, statement in plain words, the
 * rules they come from. Reports, `kpm check` and the property suites all name properties by these IDs.
 */
export type PropertyId =
  | 'SEC-01'
  | 'SEC-02'
  | 'SEC-03'
  | 'SEC-04'
  | 'SEC-05'
  | 'SEC-06'
  | 'SEC-07'
  | 'AV-01'
  | 'AV-02'
  | 'AV-03'
  | 'AV-04'
  | 'AV-05'
  | 'AV-06'
  | 'AV-07'
  | 'AV-08'
  | 'AV-09'
  | 'LV-01';

export interface PropertyInfo {
  id: PropertyId;
  statement: string;
  from: string[];
}

export const PROPERTIES: readonly PropertyInfo[] = [
  {
    id: 'SEC-01',
    statement:
      "No key, no run: a running encrypted VM's key is in its host's cache (native: the host holds the KDK).",
    from: ['KP-06', 'KP-09'],
  },
  { id: 'SEC-02', statement: 'A locked VM is never running.', from: ['DOC-04'] },
  {
    id: 'SEC-03',
    statement:
      "A host's persisted store is empty unless persistence is in effect there; it never holds the vSAN KEK below 7.0U3.",
    from: ['KP-11', 'DOC-01', 'KP-03'],
  },
  {
    id: 'SEC-04',
    statement:
      "Provenance: a key is in a host's cache or store only if its provider released it to that host earlier in the trace.",
    from: ['KP-06', 'KP-08'],
  },
  {
    id: 'SEC-05',
    statement:
      'After a disable, the store stays empty until persistence is enabled again; a later reboot does not bring a removed key back without a new release from the provider.',
    from: ['DOC-02', 'KP-17'],
  },
  {
    id: 'SEC-06',
    statement: 'A host without a TPM 2.0 never holds the KDK of a tpmOnly native provider.',
    from: ['DOC-06'],
  },
  {
    id: 'SEC-07',
    statement: "An unattested host never receives a trusted provider's key.",
    from: ['DOC-07'],
  },
  {
    id: 'AV-01',
    statement:
      "Where persistence is in effect and a VM's key is stored, no sequence of outages, reboots and VM power operations locks that VM; with autostart, a VM running before a reboot runs after it.",
    from: ['KP-01', 'KP-11', 'KP-12'],
  },
  {
    id: 'AV-02',
    statement:
      'Without persistence in effect, some sequence (outage, reboot) leaves a standard- or trusted-provider VM locked and off.',
    from: ['KP-02', 'KP-09', 'KP-10'],
  },
  {
    id: 'AV-03',
    statement:
      'vSAN: on 7.0U3+ with persistence in effect a disk group mounts after every reboot whatever happens to the KMS, vCenter and links; on 7.0U2 some sequence (outage, reboot) leaves it unmounted.',
    from: ['KP-03', 'DOC-05'],
  },
  {
    id: 'AV-04',
    statement: 'Trusted provider: vCenter outages never change the fate of trusted-provider VMs.',
    from: ['KP-05'],
  },
  {
    id: 'AV-05',
    statement:
      'Standard provider without persistence: a vCenter outage alone (KMS up) plus a reboot locks its VMs.',
    from: ['KP-04'],
  },
  {
    id: 'AV-06',
    statement:
      'Native provider: once a host holds the KDK, no sequence of outages, reboots and VM power operations locks its native-provider VMs.',
    from: ['KP-13', 'KP-14'],
  },
  {
    id: 'AV-07',
    statement:
      'With only native providers, every trace gives the same VM outcomes whether persistence is on or off.',
    from: ['KP-15', 'ASM-06'],
  },
  {
    id: 'AV-08',
    statement:
      'Mixed native + standard without persistence: some trace locks the standard VM while the native VM keeps running; with persistence in effect no trace locks either.',
    from: ['KP-16'],
  },
  {
    id: 'AV-09',
    statement: 'Outages without reboots never change a running VM, on every release.',
    from: ['DOC-03'],
  },
  {
    id: 'LV-01',
    statement:
      'Recovery: from every reachable state, bringing every service, link and attestation back, then unlocking and powering on, gets every VM that runs in the steady initial state running again and every disk group that was mounted mounted again.',
    from: ['DOC-04', 'DOC-05'],
  },
];

export function propertyInfo(id: PropertyId): PropertyInfo {
  return PROPERTIES.find((p) => p.id === id) as PropertyInfo;
}
