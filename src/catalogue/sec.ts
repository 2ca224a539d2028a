/**
 * The safety properties (key-persistence.md, section 5, SEC): must hold in every reachable state,
 * and across every step, of every topology. Each is checked on the whole site, every host in turn,
 * by the oracles of oracles.ts.
 */
import type { KpmEvent } from '../../models/events.ts';
import { hasTpm2 } from '../../models/definitions.ts';
import type { Lookups } from '../topology/lookups.ts';
import type { ObservedState } from '../world/observe.ts';
import type { PropertyId, PropertyRecord } from './catalogue.ts';
import { hostStateViolations, hostStepViolations, type Violation } from './oracles.ts';
import { holdsFor, type SubjectPlan } from './plan.ts';

/** A SEC plan: a bad state of `id`, and across steps too when `withStep`. */
function safety(site: Lookups, id: PropertyId, withStep: boolean): SubjectPlan[] {
  const { states, steps } = evaluations(site);
  return [
    holdsFor(null, null, {
      state: (s) => first(states(s), id),
      ...(withStep
        ? { step: (b: ObservedState, e: KpmEvent, a: ObservedState) => first(steps(b, e, a), id) }
        : {}),
    }),
  ];
}

export const SEC: readonly PropertyRecord[] = [
  {
    id: 'SEC-01',
    statement:
      "No key, no run: a running encrypted VM's key is in its host's cache (native: the host holds the KDK).",
    from: ['KP-06', 'KP-09'],
    alphabet: 'all',
    subjects: (site) => safety(site, 'SEC-01', false),
  },
  {
    id: 'SEC-02',
    statement: 'A locked VM is never running.',
    from: ['DOC-04'],
    alphabet: 'all',
    subjects: (site) => safety(site, 'SEC-02', false),
  },
  {
    id: 'SEC-03',
    statement:
      "A host's persisted store is empty unless persistence is in effect there; it never holds the vSAN KEK below 7.0U3.",
    from: ['KP-11', 'DOC-01', 'KP-03'],
    alphabet: 'all',
    subjects: (site) => safety(site, 'SEC-03', false),
  },
  {
    id: 'SEC-04',
    statement:
      "Provenance: a key is in a host's cache or store only if its provider released it to that host earlier in the trace.",
    from: ['KP-06', 'KP-08'],
    alphabet: 'all',
    subjects: (site) => safety(site, 'SEC-04', true),
  },
  {
    id: 'SEC-05',
    statement:
      'After a disable, the store stays empty until persistence is enabled again; a later reboot does not bring a removed key back without a new release from the provider.',
    from: ['DOC-02', 'KP-17'],
    alphabet: 'all',
    subjects: (site) => safety(site, 'SEC-05', true),
  },
  {
    id: 'SEC-06',
    statement: 'A host without a TPM 2.0 never holds the KDK of a `tpmOnly` native provider.',
    from: ['DOC-06'],
    alphabet: 'all',
    subjects: (site) => {
      const { providers, hosts } = site.topology;
      const target =
        providers.some((p) => p.kind === 'native' && p.tpmOnly) && hosts.some((h) => !hasTpm2(h));
      return target ? safety(site, 'SEC-06', false) : [];
    },
  },
  {
    id: 'SEC-07',
    statement: "An unattested host never receives a trusted provider's key.",
    from: ['DOC-07'],
    alphabet: 'all',
    subjects: (site) =>
      site.topology.providers.some((p) => p.kind === 'trusted') ? safety(site, 'SEC-07', true) : [],
  },
];

// The SEC plans of a site share one evaluation per state and per step: the same objects come
// back in a row (the explorer asks every plan about one state before the next).
const shared = new WeakMap<Lookups, ReturnType<typeof evaluate>>();

function evaluations(site: Lookups) {
  let known = shared.get(site);
  if (!known) shared.set(site, (known = evaluate(site)));
  return known;
}

function evaluate(site: Lookups) {
  const hosts = [...site.hosts.keys()];
  return {
    states: lastOf((s: ObservedState) => hosts.flatMap((h) => hostStateViolations(site, s, h))),
    steps: lastOf((b: ObservedState, e: KpmEvent, a: ObservedState) =>
      hosts.flatMap((h) => hostStepViolations(site, b, e, a, h)),
    ),
  };
}

/** Remembers the last call. */
function lastOf<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  let lastArgs: A | null = null;
  let lastResult: R;
  return (...args: A) => {
    if (lastArgs === null || args.some((a, i) => a !== (lastArgs as A)[i])) {
      lastResult = fn(...args);
      lastArgs = args;
    }
    return lastResult;
  };
}

function first(violations: Violation[], id: PropertyId): string | null {
  return violations.find((v) => v.id === id)?.message ?? null;
}
