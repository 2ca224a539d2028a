/**
 * How a property is decided on a site: per subject (a VM, a host, a pair, or the whole site), its
 * expected verdict there and the search that decides it. The explorer (`kpm check`) and the
 * fast-check suites (properties/) run the same plans.
 *
 * Every check is a search for something bad: a state (`state`), an applied step (`step`) or a
 * refused one (`refusal`) reachable from the steady initial state over the property's alphabet.
 * For an expected `holds` the bad thing is a counterexample; for an expected `counterexample` it is
 * the documented failure, which the search must find, and whose shortest trace has `minimalLength`
 * events where the spec says so.
 */
import type { KpmEvent } from '../../models/events.ts';
import type { Topology } from '../../models/topology.ts';
import type { ObservedState } from '../world/observe.ts';
import type { AlphabetName } from './alphabets.ts';
import type { PropertyId } from './catalogue.ts';

export type Verdict = 'holds' | 'counterexample' | 'not-applicable';

export type StateCheck = (state: ObservedState) => string | null;
export type StepCheck = (before: ObservedState, event: KpmEvent, after: ObservedState) => string | null;
/** A step the model refused that it should have applied. */
export type RefusalCheck = (before: ObservedState, event: KpmEvent) => string | null;

export type Check =
  | { kind: 'search'; state?: StateCheck; step?: StepCheck; refusal?: RefusalCheck }
  /** Two runs of one trace must agree on `compare` (AV-04, AV-07). */
  | {
      kind: 'differential';
      left: Topology;
      right: Topology;
      /** Events the right-hand run leaves out (AV-04: vCenter's). */
      skipRight: (event: KpmEvent) => boolean;
      compare: (left: ObservedState, right: ObservedState) => string | null;
    }
  /** LV-01: the recovery procedure from every reachable state. */
  | { kind: 'recovery' };

export interface Plan {
  id: PropertyId;
  subject: string | null;
  /**
   * The hosts the plan speaks of: its subject's (a VM's host, the host itself, the host of a pair
   * of VMs), or null for a plan on the whole site that holds exactly when it holds on the shared
   * services with each host in turn (the SEC invariants, AV-07, AV-09, LV-01: "on every host",
   * "every VM"). The compositional check (src/check/compose.ts) decides a plan on the services and
   * these hosts only; a plan naming hosts that it explores apart makes it explore them together.
   */
  hosts: readonly string[] | null;
  expected: Verdict;
  /** The events the property quantifies over (its record's). */
  alphabet: AlphabetName;
  /** Null when the property has nothing to speak of on the site. */
  check: Check | null;
  /** For an expected counterexample: the length of its shortest trace, where the spec says it. */
  minimalLength?: number;
}

/** A plan as a record gives it for one subject; the record adds its ID and alphabet. */
export type SubjectPlan = Omit<Plan, 'id' | 'alphabet'>;

export const notApplicable: SubjectPlan = {
  subject: null,
  hosts: null,
  expected: 'not-applicable',
  check: null,
};

/** A plan expected to hold, searched for a bad state, step or refusal; `hosts` as `Plan.hosts`. */
export function holdsFor(
  subject: string | null,
  hosts: readonly string[] | null,
  check: Omit<Extract<Check, { kind: 'search' }>, 'kind'>,
): SubjectPlan {
  return { subject, hosts, expected: 'holds', check: { kind: 'search', ...check } };
}

/** `VM is locked` when it is. */
export const locked =
  (vm: string): StateCheck =>
  (s) =>
    s.vms[vm].locked ? `${vm} is locked` : null;
