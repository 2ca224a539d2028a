/**
 * Small fixed sites for the suites: the edge site of worked-example.md and variants of it, each
 * with the subject a documented counterexample needs.
 */
import { fileURLToPath } from 'node:url';
import { loadTopology, parseTopology } from '../src/topology/load.ts';
import type { Topology } from '../models/topology.ts';

/** The bundled edge site (worked-example.md): esx-01 persists keys, esx-02 has no TPM; vSAN by the KMS. */
export const edge: Topology = loadTopology(
  fileURLToPath(new URL('../examples/edge-site.yaml', import.meta.url)),
);

/** The edge site on 7.0U2: persistence is in effect on esx-01 but does not cover the vSAN KEK (KP-03). */
export const edge702: Topology = {
  ...edge,
  name: 'edge-7.0U2',
  release: '7.0U2',
  hosts: edge.hosts.map((h) => ({ ...h, release: '7.0U2' })),
};

/** The edge site without key persistence anywhere: every standard-provider VM can be locked (AV-02). */
export const edgeWithoutPersistence: Topology = {
  ...edge,
  name: 'edge-no-persistence',
  hosts: edge.hosts.map((h) => ({ ...h, keyPersistence: false })),
};

/** A Trust Authority site: one attested host with a TPM 2.0, one trusted-provider VM, no persistence. */
export const trustedSite: Topology = parseTopology(
  `name: trusted
release: "7.0U3"
providers:
  - { id: vta, kind: trusted }
hosts:
  - { id: esx-01, tpm: "2.0" }
vms:
  - { id: hr, host: esx-01, encryptedBy: vta, running: true }
`,
  'trusted-site',
);

/** The same Trust Authority site with key persistence on its host: the trusted key is stored. */
export const trustedPersisted: Topology = {
  ...trustedSite,
  name: 'trusted-persisted',
  hosts: trustedSite.hosts.map((h) => ({ ...h, keyPersistence: true })),
};

/** A branch office: one host without a TPM (persistence impossible), one KMS-encrypted VM, vSAN by the KMS. */
export const branch: Topology = parseTopology(
  `name: branch
release: "8.0U3"
providers:
  - { id: kms, kind: standard }
hosts:
  - { id: esx-01, tpm: none }
vms:
  - { id: app, host: esx-01, encryptedBy: kms, running: true }
vsan: { encryptedBy: kms }
`,
  'branch-site',
);

/** The branch office with its VM stopped: its key is cached all the same (boot step 5), so it can start during an outage (AV-10). */
export const idleBranch: Topology = {
  ...branch,
  name: 'idle-branch',
  vms: branch.vms.map((vm) => ({ ...vm, running: false })),
};
