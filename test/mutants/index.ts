/**
 * The quality tier's planted bugs: broken variants of the production model, each built with
 * XState's `machine.provide(...)` overriding one named guard or action of models/ (which stays
 * untouched). properties/quality.test.ts checks that the named property's suite catches each one
 * with a counterexample of exactly `expectedLength` events, and that production passes.
 *
 * `expectedLength` is the length of the shortest trace that shows the bug on any site (0: the
 * steady initial state already does). A shrinker only reaches the shortest trace of the site it
 * found the bug on, which may need more events (a site whose VM starts off needs a power-on first),
 * so each mutant names a small `site` where the shortest trace is `expectedLength` events long.
 */
import { productionModel, type Model } from '../../models/index.ts';
import { branch, edge, edge702, idleBranch, trustedPersisted, trustedSite } from '../../properties/sites.ts';
import type { PropertyId } from '../../src/catalogue/catalogue.ts';
import type { Topology } from '../../models/topology.ts';
import { rebootForgetsKdks, rebootKeepsCache } from './host.ts';
import { bootSkipsRestore, outageStopsRunningVms, settleSkipsDiskRetry } from './orchestration.ts';
import { disableKeepsKeys, kekStoredOn702, persistenceWithoutTpm } from './persistence.ts';
import { kdkIgnoresTpmOnly, trustedPathIgnoresAttestation, trustedPathNeedsVcenter } from './provider.ts';
import {
  attestationIgnored,
  autostartIgnored,
  cacheIgnored,
  powerOnIgnoresCache,
  unlockWithoutKey,
} from './vm.ts';

/*
 * The orchestration is statecharts too (models/site.ts, models/boot.ts), so routing, automatic
 * effects and boot steps are planted the same way (orchestration.ts).
 *
 * Not in the list, and why: survivors the suite does not catch, because no property of section 5
 * says what they break (gaps of the catalogue rather than of the search):
 * - boot `deliverKdks` sending nothing: after a TPM replacement with vCenter up, the native VMs lock
 *   at boot step 5 and the KDK only arrives with the automatic effects; no property speaks of the
 *   fate of VMs through a TPM replacement.
 */

export interface Mutant {
  name: string;
  model: Model;
  /** The property whose suite must find the bug. */
  caughtBy: PropertyId;
  /** The number of events of the shrunk counterexample on `site`; no site has a shorter one. */
  expectedLength: number;
  /** A small site where the suite's search shrinks the counterexample to `expectedLength` events. */
  site: Topology;
  /** The broken rule, and the minimal counterexample expected. */
  description: string;
}

function mutant(
  name: string,
  parts: Partial<Omit<Model, 'name'>>,
  caughtBy: PropertyId,
  [expectedLength, site]: [number, Topology],
  description: string,
): Mutant {
  return { name, model: { ...productionModel, ...parts, name }, caughtBy, expectedLength, site, description };
}

export const MUTANTS: Mutant[] = [
  mutant(
    'reboot-keeps-cache',
    { host: rebootKeepsCache },
    'SEC-05',
    [2, edge],
    'KP-07: host `emptyCache` does nothing. An outage, then a reboot: the key comes back without a release.',
  ),
  mutant(
    'persistence-without-tpm',
    { persistence: persistenceWithoutTpm },
    'SEC-03',
    [1, edge],
    'DOC-01: persistence `noTpm2` is never true. KEY_PERSISTENCE_ENABLE on a host without a TPM 2.0 puts it in effect.',
  ),
  mutant(
    'reboot-forgets-kdks',
    { host: rebootForgetsKdks },
    'AV-06',
    [2, edge],
    'KP-14: host BOOT forgets the KDKs. vCenter or the link down, then a reboot: the native VM locks.',
  ),
  mutant(
    'trusted-path-needs-vcenter',
    { provider: trustedPathNeedsVcenter },
    'AV-04',
    [2, trustedSite],
    'KP-05: provider `trustedPathOpen` needs vCenter. VCENTER_DOWN, then a reboot: the trusted VM locks only with it.',
  ),
  mutant(
    'disable-keeps-keys',
    { persistence: disableKeepsKeys },
    'SEC-05',
    [1, edge],
    'DOC-02: persistence `removeAllStoredKeys` keeps the keys on a disable (not on TPM_CLEARED). One disable shows it.',
  ),
  mutant(
    'kek-stored-on-7.0U2',
    { persistence: kekStoredOn702 },
    'SEC-03',
    [0, edge702],
    'KP-03: persistence `storable` stores the vSAN KEK on 7.0U2: the steady initial state already holds it.',
  ),
  mutant(
    'cache-ignored',
    { vm: cacheIgnored },
    'AV-01',
    [2, edge],
    'DOC-03, KP-11: vm `keyUsable` ignores the cache. An outage, then a reboot: the stored key does not save the VM.',
  ),
  mutant(
    'unlock-without-key',
    { vm: unlockWithoutKey },
    'SEC-04',
    [3, branch],
    'DOC-04: vm `keyUsable` is true for VM_UNLOCK. An outage, a reboot that locks a VM, an unlock: the key appears unreleased.',
  ),
  mutant(
    'autostart-ignored',
    { vm: autostartIgnored },
    'AV-01',
    [2, edge],
    'ASM-03: vm `autostart` is never true, in the boot of the steady initial state too (so every VM starts off). A power-on, then a reboot: the VM stays off.',
  ),
  mutant(
    'kdk-ignores-tpm-only',
    { provider: kdkIgnoresTpmOnly },
    'SEC-06',
    [0, edge],
    'DOC-06: provider `hostEligible` ignores tpmOnly: the steady initial state already gives the KDK to a host without a TPM 2.0.',
  ),
  mutant(
    'settle-skips-disk-retry',
    { site: settleSkipsDiskRetry },
    'LV-01',
    [2, edge],
    'DOC-05: site `settle` sends no MOUNT. An outage, then a reboot: the disk group never mounts again, even once the KMS is back.',
  ),
  mutant(
    'attestation-ignored',
    { vm: attestationIgnored },
    'SEC-07',
    [2, trustedPersisted],
    'DOC-07: vm `keyUsable` ignores attestation. A failed attestation, then a reboot: the unattested host restarts the trusted VM from its stored key instead of locking it.',
  ),
  mutant(
    'outage-stops-running-vms',
    { site: outageStopsRunningVms },
    'AV-09',
    [1, edge],
    "DOC-03: site `toHost` routes LINK_DOWN to the host's VMs as a power-off. One link outage stops the running VMs.",
  ),
  mutant(
    'power-on-ignores-cache',
    { vm: powerOnIgnoresCache },
    'AV-10',
    [2, idleBranch],
    'DOC-03: vm `keyUsable` ignores the cache for VM_POWER_ON. An outage, then a power-on of a stopped VM whose key is cached: refused.',
  ),
  mutant(
    'trusted-path-ignores-attestation',
    { provider: trustedPathIgnoresAttestation },
    'SEC-07',
    [2, trustedSite],
    'DOC-07: provider `trustedPathOpen` ignores attestation. A failed attestation, then a reboot: Trust Authority hands the unattested host its key.',
  ),
  mutant(
    'boot-skips-restore',
    { boot: bootSkipsRestore },
    'AV-01',
    [2, edge],
    'KP-11: boot `restoreStoredKeys` does nothing. An outage, then a reboot: the stored key is not restored and the VM locks.',
  ),
];
