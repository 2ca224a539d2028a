/**
 * Synthetic sites for the bench, of any number of hosts.
 *
 * Shape: a 7.0U3 site with one standard provider (`kms`) and one native provider (`nkp`), vSAN
 * encrypted by the KMS. Every host has a TPM 2.0; key persistence is on for odd-numbered hosts
 * (esx-01, esx-03, ...) and off for the others, so the hosts fall in two groups of identical
 * configuration, which symmetry reduction collapses. Each host runs one KMS-encrypted VM
 * (`vm-NN-k`) and one native-provider vTPM VM (`vm-NN-n`).
 */
import { DEFAULT_OPTIONS, type Topology, type Vm } from '../models/topology.ts';

export function syntheticSite(hosts: number): Topology {
  const ids = Array.from({ length: hosts }, (_, i) => `esx-${String(i + 1).padStart(2, '0')}`);
  const vms = ids.flatMap((host, i): Vm[] => {
    const n = String(i + 1).padStart(2, '0');
    return [
      { id: `vm-${n}-k`, host, encryptedBy: 'kms', vtpm: false, running: true },
      { id: `vm-${n}-n`, host, encryptedBy: 'nkp', vtpm: true, running: true },
    ];
  });
  return {
    name: `synthetic-${hosts}`,
    release: '7.0U3',
    options: DEFAULT_OPTIONS,
    providers: [
      { id: 'kms', kind: 'standard', tpmOnly: true },
      { id: 'nkp', kind: 'native', tpmOnly: true },
    ],
    hosts: ids.map((id, i) => ({ id, release: '7.0U3', tpm: '2.0', keyPersistence: i % 2 === 0 })),
    vms,
    vsan: { encryptedBy: 'kms' },
  };
}

/**
 * Branch sites: the edge of KP-10 without any TPM. A 7.0U1 site with one standard provider
 * (`kms`), no vSAN; every host alike, without a TPM (so no persistence), running one KMS-encrypted
 * VM. All hosts are interchangeable, so symmetry reduction keeps one state per multiset of hosts:
 * the site to show a six-host site explored completely under every event.
 */
export function branchSite(hosts: number): Topology {
  const ids = Array.from({ length: hosts }, (_, i) => `esx-${String(i + 1).padStart(2, '0')}`);
  return {
    name: `branch-${hosts}`,
    release: '7.0U1',
    options: DEFAULT_OPTIONS,
    providers: [{ id: 'kms', kind: 'standard', tpmOnly: true }],
    hosts: ids.map((id) => ({ id, release: '7.0U1', tpm: 'none', keyPersistence: false })),
    vms: ids.map((host, i) => ({ id: `vm-${i + 1}`, host, encryptedBy: 'kms', vtpm: false, running: true })),
    vsan: null,
  };
}
