/**
 * Generated sites of any number of hosts, of the shape of issue 9, item 5: eight kinds of host from
 * 7.0U1 to 8.0U3, with a TPM 2.0, a TPM 1.2 or none, persistence on where it can be in effect and
 * off elsewhere; two VMs per host over a KMS, a Trust Authority and a native provider; vSAN
 * encrypted by the KMS. Host i is of kind i mod 8, so every site of eight hosts or more has them
 * all, in the same proportions.
 *
 * The topology rules hold by construction (src/topology/rules.ts): Trust Authority VMs only on
 * hosts with a TPM 2.0 (DOC-07), native-provider VMs only from 7.0U2 (DOC-08), persistence only
 * from 7.0U2 with a TPM 2.0 (DOC-01); vCenter (the site's release) is 8.0U3, the hosts lag.
 */
import { DEFAULT_OPTIONS, type Host, type Topology, type Vm } from '../models/topology.ts';
import type { Release, Tpm } from '../models/vocabulary.ts';

interface Kind {
  release: Release;
  tpm: Tpm;
  keyPersistence: boolean;
  /** The providers of its two VMs. */
  vms: ['kms' | 'vta' | 'nkp', 'kms' | 'vta' | 'nkp'];
}

export const HOST_KINDS: readonly Kind[] = [
  { release: '7.0U1', tpm: 'none', keyPersistence: false, vms: ['kms', 'kms'] },
  { release: '7.0U1', tpm: '2.0', keyPersistence: false, vms: ['kms', 'vta'] },
  { release: '7.0U2', tpm: '2.0', keyPersistence: true, vms: ['vta', 'nkp'] },
  { release: '7.0U2', tpm: '1.2', keyPersistence: false, vms: ['kms', 'nkp'] },
  { release: '7.0U3', tpm: '2.0', keyPersistence: true, vms: ['kms', 'nkp'] },
  { release: '8.0', tpm: 'none', keyPersistence: false, vms: ['kms', 'nkp'] },
  { release: '8.0U2', tpm: '2.0', keyPersistence: false, vms: ['kms', 'vta'] },
  { release: '8.0U3', tpm: '2.0', keyPersistence: true, vms: ['vta', 'kms'] },
];

export function generatedSite(hosts: number): Topology {
  const width = Math.max(4, String(hosts).length);
  const hostList: Host[] = [];
  const vms: Vm[] = [];
  for (let i = 0; i < hosts; i++) {
    const kind = HOST_KINDS[i % HOST_KINDS.length];
    const n = String(i + 1).padStart(width, '0');
    const id = `esx-${n}`;
    hostList.push({ id, release: kind.release, tpm: kind.tpm, keyPersistence: kind.keyPersistence });
    kind.vms.forEach((provider, k) =>
      vms.push({
        id: `vm-${n}-${'ab'[k]}`,
        host: id,
        encryptedBy: provider,
        vtpm: provider !== 'kms',
        running: true,
      }),
    );
  }
  return {
    name: `generated-${hosts}`,
    release: '8.0U3',
    options: DEFAULT_OPTIONS,
    providers: [
      { id: 'kms', kind: 'standard', tpmOnly: true },
      { id: 'vta', kind: 'trusted', tpmOnly: true },
      { id: 'nkp', kind: 'native', tpmOnly: true },
    ],
    hosts: hostList,
    vms,
    vsan: { encryptedBy: 'kms' },
  };
}
