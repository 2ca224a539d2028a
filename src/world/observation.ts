/**
 * What a user sees of a world: the `state` object of `kpm replay --json` (interface.md).
 * Extra fields are allowed by the contract; the ones below must keep these meanings.
 */
import type { KpmEvent } from '../events.ts';

export interface ObservedHost {
  link: 'up' | 'down';
  /** The persistence setting (KP-17 `get`: Enabled true/false). */
  keyPersistence: boolean;
  /** Setting on, release 7.0U2 or later, TPM 2.0 (section 1). */
  persistenceInEffect: boolean;
  /** Standard- and trusted-provider keys (VM ids, `vsan`), sorted. */
  cachedKeys: string[];
  /** Keys sealed in the TPM, sorted. */
  storedKeys: string[];
  /** Native providers whose KDK the host holds, sorted. */
  kdk: string[];
  attested: boolean;
  /** The encrypted vSAN disk group, or null when the site has no encrypted vSAN. */
  vsan: 'mounted' | 'unmounted' | null;
}

export interface ObservedVm {
  power: 'on' | 'off';
  locked: boolean;
}

export interface ObservedState {
  vcenter: 'up' | 'down';
  /** Key-server state of each standard and trusted provider. */
  providers: Record<string, 'up' | 'down'>;
  hosts: Record<string, ObservedHost>;
  vms: Record<string, ObservedVm>;
}

export type Outcome = 'applied' | 'refused';

export interface ReplayStep {
  event: KpmEvent | null;
  outcome: Outcome;
  reason: string | null;
  state: ObservedState;
}

export interface ReplayResult {
  topology: string;
  steps: ReplayStep[];
}
