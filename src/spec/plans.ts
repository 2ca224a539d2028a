/**
 * How each property of section 5 is checked on a given site: its subjects (a VM, a host, or the
 * whole site), its expected verdict on that site, and the search that decides it. The explorer
 * (`kpm check`) and the fast-check suites (properties/) run the same plans.
 *
 * Every check is a search for something bad: a state (`state`) or an applied step (`step`)
 * reachable from the steady initial state over the plan's alphabet. For an expected `holds` the
 * bad thing is a counterexample; for an expected `counterexample` it is the documented failure,
 * which the search must find, and whose shortest trace has `minimalLength` events.
 */
import type { KpmEvent } from '../events.ts';
import { atLeast, type Host, type Topology, type Vm } from '../topology/types.ts';
import type { ObservedState } from '../world/observation.ts';
import { providerOf, siteOf, type Site } from '../world/site.ts';
import type { AlphabetName } from './alphabets.ts';
import { isVcenterEvent } from './alphabets.ts';
import type { PropertyId } from './catalogue.ts';
import { hostStateViolations, hostStepViolations, outageViolations, type Violation } from './checks.ts';

export type Verdict = 'holds' | 'counterexample' | 'not-applicable';

export type StateCheck = (state: ObservedState) => string | null;
export type StepCheck = (before: ObservedState, event: KpmEvent, after: ObservedState) => string | null;

export type Check =
  | { kind: 'search'; alphabet: AlphabetName; state?: StateCheck; step?: StepCheck }
  /** Two runs of one trace must agree on `compare` (AV-04, AV-07). */
  | {
      kind: 'differential';
      alphabet: AlphabetName;
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
  expected: Verdict;
  check: Check | null;
  /** For an expected counterexample: the length of its shortest trace, where the spec says it. */
  minimalLength?: number;
}

export function plans(topology: Topology): Plan[] {
  const site = siteOf(topology);
  return [
    ...securityPlans(site),
    ...availabilityPlans(site),
    { id: 'LV-01', subject: null, expected: 'holds', check: { kind: 'recovery' } },
  ];
}

// --- SEC -------------------------------------------------------------------------------------

function securityPlans(site: Site): Plan[] {
  const hosts = [...site.hosts.keys()];
  // The SEC plans share one evaluation per state and per step (the same objects come back).
  const states = lastOf((s: ObservedState) => hosts.flatMap((h) => hostStateViolations(site, s, h)));
  const steps = lastOf((b: ObservedState, e: KpmEvent, a: ObservedState) =>
    hosts.flatMap((h) => hostStepViolations(site, b, e, a, h)),
  );
  const stateOf =
    (id: PropertyId): StateCheck =>
    (s) =>
      first(states(s), id);
  const stepOf =
    (id: PropertyId): StepCheck =>
    (b, e, a) =>
      first(steps(b, e, a), id);
  const search = (id: PropertyId, withStep: boolean): Plan => ({
    id,
    subject: null,
    expected: 'holds',
    check: { kind: 'search', alphabet: 'all', state: stateOf(id), ...(withStep ? { step: stepOf(id) } : {}) },
  });
  const tpmOnlyTarget =
    site.nativeProviders.some((p) => p.tpmOnly) && site.topology.hosts.some((h) => h.tpm !== '2.0');
  const trusted = site.topology.providers.some((p) => p.kind === 'trusted');
  return [
    search('SEC-01', false),
    search('SEC-02', false),
    search('SEC-03', false),
    search('SEC-04', true),
    search('SEC-05', true),
    tpmOnlyTarget ? search('SEC-06', false) : notApplicable('SEC-06'),
    trusted ? search('SEC-07', true) : notApplicable('SEC-07'),
  ];
}

/** Remembers the last call: several plans ask the same question of the same state in a row. */
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

function notApplicable(id: PropertyId): Plan {
  return { id, subject: null, expected: 'not-applicable', check: null };
}

// --- AV --------------------------------------------------------------------------------------

function availabilityPlans(site: Site): Plan[] {
  const per = (id: PropertyId, plansFor: Plan[]) => (plansFor.length > 0 ? plansFor : [notApplicable(id)]);
  const vms = site.topology.vms;
  const kind = (vm: Vm) => providerOf(site, vm)?.kind ?? null;
  const keyed = vms.filter((vm) => kind(vm) === 'standard' || kind(vm) === 'trusted');
  const persisted = (vm: Vm) => hostOf(site, vm).keyPersistence;
  return [
    ...per(
      'AV-01',
      keyed.filter(persisted).map((vm) => av01(site, vm)),
    ),
    ...per(
      'AV-02',
      keyed.filter((vm) => !persisted(vm)).map((vm) => av02(vm)),
    ),
    ...per('AV-03', av03(site)),
    ...per(
      'AV-04',
      vms.filter((vm) => kind(vm) === 'trusted').map((vm) => av04(site, vm)),
    ),
    ...per(
      'AV-05',
      vms.filter((vm) => kind(vm) === 'standard' && !persisted(vm)).map((vm) => av05(vm)),
    ),
    ...per(
      'AV-06',
      vms.filter((vm) => kind(vm) === 'native' && kdkEligible(site, vm)).map((vm) => av06(vm)),
    ),
    av07(site),
    ...per('AV-08', av08(site)),
    {
      id: 'AV-09',
      subject: null,
      expected: 'holds',
      check: {
        kind: 'search',
        alphabet: 'all',
        step: (b, e, a) => outageViolations(site, b, e, a)[0]?.message ?? null,
      },
    },
  ];
}

function hostOf(site: Site, vm: Vm): Host {
  return site.hosts.get(vm.host) as Host;
}

/** Section 1, KDK delivery: 7.0U2 or later, and a TPM 2.0 when the provider is tpmOnly (DOC-06). */
function kdkEligible(site: Site, vm: Vm): boolean {
  const host = hostOf(site, vm);
  const provider = providerOf(site, vm);
  return atLeast(host.release, '7.0U2') && !(provider?.tpmOnly && host.tpm !== '2.0');
}

const locked =
  (vm: string): StateCheck =>
  (s) =>
    s.vms[vm].locked ? `${vm} is locked` : null;

function av01(site: Site, vm: Vm): Plan {
  const autostart = site.topology.options.autostart;
  const step: StepCheck = (b, e, a) => {
    if (a.vms[vm.id].locked) return `${vm.id} is locked`;
    const rebooted = e.type === 'HOST_REBOOT' && e.host === vm.host;
    if (autostart && rebooted && b.vms[vm.id].power === 'on' && a.vms[vm.id].power !== 'on') {
      return `${vm.id} ran before the reboot of ${vm.host} and does not after it`;
    }
    return null;
  };
  return {
    id: 'AV-01',
    subject: vm.id,
    expected: 'holds',
    check: { kind: 'search', alphabet: 'outagesRebootsAndPower', step },
  };
}

function av02(vm: Vm): Plan {
  const state: StateCheck = (s) =>
    s.vms[vm.id].locked && s.vms[vm.id].power === 'off' ? `${vm.id} is locked and off` : null;
  return {
    id: 'AV-02',
    subject: vm.id,
    expected: 'counterexample',
    minimalLength: 2,
    check: { kind: 'search', alphabet: 'outagesAndReboots', state },
  };
}

function av03(site: Site): Plan[] {
  if (site.vsanProvider?.kind !== 'standard') return [];
  return site.topology.hosts
    .filter((h) => h.keyPersistence)
    .map((h) => {
      const persisted = atLeast(h.release, '7.0U3');
      const state: StateCheck = (s) =>
        s.hosts[h.id].vsan === 'unmounted' ? `the disk group of ${h.id} is unmounted` : null;
      return {
        id: 'AV-03',
        subject: h.id,
        expected: persisted ? 'holds' : 'counterexample',
        ...(persisted ? {} : { minimalLength: 2 }),
        check: { kind: 'search', alphabet: 'outagesAndReboots', state },
      };
    });
}

/** Compares one VM's fate in two runs; `left` and `right` name the runs in the message. */
function vmOutcome(vm: string, left: string, right: string) {
  return (l: ObservedState, r: ObservedState) => {
    const [a, b] = [l.vms[vm], r.vms[vm]];
    return a.power === b.power && a.locked === b.locked
      ? null
      : `${vm} is ${fate(a)} with ${left} and ${fate(b)} with ${right}`;
  };
}

const fate = (v: { power: string; locked: boolean }) => (v.locked ? 'locked' : v.power);

function av04(site: Site, vm: Vm): Plan {
  const t = site.topology;
  return {
    id: 'AV-04',
    subject: vm.id,
    expected: 'holds',
    check: {
      kind: 'differential',
      alphabet: 'all',
      left: t,
      right: t,
      skipRight: isVcenterEvent,
      compare: vmOutcome(vm.id, 'the vCenter events', 'none'),
    },
  };
}

function av05(vm: Vm): Plan {
  return {
    id: 'AV-05',
    subject: vm.id,
    expected: 'counterexample',
    minimalLength: 2,
    check: { kind: 'search', alphabet: 'vcenterAndReboots', state: locked(vm.id) },
  };
}

function av06(vm: Vm): Plan {
  return {
    id: 'AV-06',
    subject: vm.id,
    expected: 'holds',
    check: { kind: 'search', alphabet: 'outagesRebootsAndPower', state: locked(vm.id) },
  };
}

/** AV-07: the site with persistence on wherever it can be, against the same site with it off everywhere. */
function av07(site: Site): Plan {
  const t = site.topology;
  const onlyNative = t.providers.length > 0 && t.providers.every((p) => p.kind === 'native');
  if (!onlyNative) return notApplicable('AV-07');
  const withPersistence = (on: boolean): Topology => ({
    ...t,
    hosts: t.hosts.map((h) => ({
      ...h,
      keyPersistence: on && atLeast(h.release, '7.0U2') && h.tpm === '2.0',
    })),
  });
  const compare = (l: ObservedState, r: ObservedState) =>
    t.vms.map((vm) => vmOutcome(vm.id, 'persistence on', 'off')(l, r)).find((m) => m !== null) ?? null;
  return {
    id: 'AV-07',
    subject: null,
    expected: 'holds',
    check: {
      kind: 'differential',
      alphabet: 'withoutPersistenceEvents',
      left: withPersistence(true),
      right: withPersistence(false),
      skipRight: () => false,
      compare,
    },
  };
}

/** AV-08: each host with both a standard-provider VM and a native-provider VM whose KDK it can hold. */
function av08(site: Site): Plan[] {
  const out: Plan[] = [];
  for (const host of site.topology.hosts) {
    const on = site.vmsOnHost.get(host.id) ?? [];
    const standard = on.filter((vm) => providerOf(site, vm)?.kind === 'standard');
    const native = on.filter((vm) => providerOf(site, vm)?.kind === 'native' && kdkEligible(site, vm));
    for (const s of standard)
      for (const n of native) out.push(av08Pair(host, s, n, site.topology.options.autostart));
  }
  return out;
}

function av08Pair(host: Host, s: Vm, n: Vm, autostart: boolean): Plan {
  const subject = `${s.id}+${n.id}`;
  if (host.keyPersistence) {
    const state: StateCheck = (st) => locked(s.id)(st) ?? locked(n.id)(st);
    return {
      id: 'AV-08',
      subject,
      expected: 'holds',
      check: { kind: 'search', alphabet: 'outagesRebootsAndPower', state },
    };
  }
  const state: StateCheck = (st) =>
    st.vms[s.id].locked && st.vms[n.id].power === 'on' ? `${s.id} is locked while ${n.id} runs` : null;
  return {
    id: 'AV-08',
    subject,
    expected: 'counterexample',
    // Two steps (an outage, a reboot) when the native VM runs on by itself; without autostart
    // (ASM-03) the reboot stops it too, and powering it on again is a third step.
    ...(n.running && autostart ? { minimalLength: 2 } : {}),
    check: { kind: 'search', alphabet: 'outagesRebootsAndPower', state },
  };
}
