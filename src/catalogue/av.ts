/**
 * The availability properties (key-persistence.md, section 5, AV): "persisted keys keep VMs
 * running", and the documented failures without them, which a search must find as minimal traces.
 * Each is checked per subject (a VM, a host, a pair of VMs) over its own alphabet.
 */
import { kdkEligible, persistenceInEffect, persistenceSupported } from '../../models/definitions.ts';
import type { Host, Topology, Vm } from '../../models/topology.ts';
import { atLeast, FLOORS } from '../../models/vocabulary.ts';
import { hostOf, providerOf, type Lookups } from '../topology/lookups.ts';
import type { ObservedState } from '../world/observe.ts';
import { isVcenterEvent } from './alphabets.ts';
import type { PropertyRecord } from './catalogue.ts';
import { outageViolations, powerCycleViolation } from './oracles.ts';
import { holdsFor, locked, type StateCheck, type StepCheck, type SubjectPlan } from './plan.ts';

const kindOf = (site: Lookups, vm: Vm) => providerOf(site, vm)?.kind ?? null;
/** A standard- or trusted-provider VM: its key comes from a key server. */
const keyed = (site: Lookups) =>
  site.topology.vms.filter((vm) => kindOf(site, vm) === 'standard' || kindOf(site, vm) === 'trusted');
/** Section 1: persistence is in effect on the VM's host. */
const persisted = (site: Lookups, vm: Vm) => {
  const host = hostOf(site, vm);
  return persistenceInEffect(host.keyPersistence, host);
};

export const AV: readonly PropertyRecord[] = [
  {
    id: 'AV-01',
    statement:
      "On a host where persistence is in effect and a VM's key is stored, no sequence of outages (KMS, vCenter, Trust Authority, link), reboots and VM power operations locks that VM; with autostart, a VM running before a reboot runs after it.",
    expected: 'holds',
    from: ['KP-01', 'KP-11', 'KP-12'],
    alphabet: 'outagesRebootsAndPower',
    subjects: (site) =>
      keyed(site)
        .filter((vm) => persisted(site, vm))
        .map((vm) => av01(site, vm)),
  },
  {
    id: 'AV-02',
    statement:
      'Without persistence in effect (setting off, release before 7.0U2, or no TPM 2.0), some sequence (outage, reboot) leaves a standard- or trusted-provider VM locked and off.',
    expected: 'counterexample found, 2 steps',
    from: ['KP-02', 'KP-09', 'KP-10'],
    alphabet: 'outagesAndReboots',
    subjects: (site) =>
      keyed(site)
        .filter((vm) => !persisted(site, vm))
        .map((vm) => ({
          subject: vm.id,
          hosts: [vm.host],
          expected: 'counterexample',
          minimalLength: 2,
          check: {
            kind: 'search',
            state: (s) =>
              s.vms[vm.id].locked && s.vms[vm.id].power === 'off' ? `${vm.id} is locked and off` : null,
          },
        })),
  },
  {
    id: 'AV-03',
    statement:
      'vSAN: on 7.0U3+ with persistence in effect, a disk group mounts after every reboot whatever happens to the KMS, vCenter and links; on 7.0U2 some sequence (outage, reboot) leaves it unmounted.',
    expected: 'holds / counterexample',
    from: ['KP-03', 'DOC-05'],
    alphabet: 'outagesAndReboots',
    subjects: (site) => av03(site),
  },
  {
    id: 'AV-04',
    statement:
      'Trusted provider: vCenter outages never change the fate of trusted-provider VMs (same trace without the vCenter events, same VM outcomes).',
    expected: 'holds',
    from: ['KP-05'],
    alphabet: 'all',
    subjects: (site) =>
      site.topology.vms
        .filter((vm) => kindOf(site, vm) === 'trusted')
        .map((vm) => ({
          subject: vm.id,
          hosts: [vm.host],
          expected: 'holds',
          check: {
            kind: 'differential',
            left: site.topology,
            right: site.topology,
            skipRight: isVcenterEvent,
            compare: vmOutcome(vm.id, 'the vCenter events', 'none'),
          },
        })),
  },
  {
    id: 'AV-05',
    statement:
      'Standard provider without persistence: a vCenter outage alone (KMS up) plus a reboot locks its VMs.',
    expected: 'counterexample found',
    from: ['KP-04'],
    alphabet: 'vcenterAndReboots',
    subjects: (site) =>
      site.topology.vms
        .filter((vm) => kindOf(site, vm) === 'standard' && !persisted(site, vm))
        .map((vm) => ({
          subject: vm.id,
          hosts: [vm.host],
          expected: 'counterexample',
          minimalLength: 2,
          check: { kind: 'search', state: locked(vm.id) },
        })),
  },
  {
    id: 'AV-06',
    statement:
      'Native provider: once a host holds the KDK, no sequence of outages (vCenter, link), reboots and VM power operations locks its native-provider VMs.',
    expected: 'holds',
    from: ['KP-13', 'KP-14'],
    alphabet: 'outagesRebootsAndPower',
    subjects: (site) =>
      nativeOnEligible(site).map((vm) => holdsFor(vm.id, [vm.host], { state: locked(vm.id) })),
  },
  {
    id: 'AV-07',
    statement:
      'Metamorphic: with only native providers, every trace gives the same VM outcomes whether persistence is on or off.',
    expected: 'holds',
    from: ['KP-15', 'ASM-06'],
    alphabet: 'withoutPersistenceEvents',
    subjects: (site) => av07(site.topology),
  },
  {
    id: 'AV-08',
    statement:
      'Mixed native + standard without persistence: some trace locks the standard VM while the native VM keeps running; with persistence in effect no trace locks either.',
    expected: 'counterexample / holds',
    from: ['KP-16'],
    alphabet: 'outagesRebootsAndPower',
    subjects: (site) => av08(site),
  },
  {
    id: 'AV-09',
    statement: 'Outages without reboots never change a running VM, on every release.',
    expected: 'holds',
    from: ['DOC-03'],
    alphabet: 'all',
    subjects: (site) => [
      holdsFor(null, null, { step: (b, e, a) => outageViolations(site, b, e, a)[0]?.message ?? null }),
    ],
  },
  {
    id: 'AV-10',
    statement:
      "During outages without a reboot, a VM whose key is usable from its host's cache (native: whose host holds the KDK) can be powered off and on again, as often as wanted.",
    expected: 'holds',
    from: ['DOC-03'],
    alphabet: 'outagesAndPower',
    subjects: (site) =>
      site.topology.vms
        .filter((vm) => vm.encryptedBy !== null)
        .map((vm) =>
          holdsFor(vm.id, [vm.host], {
            refusal: (before, event) =>
              'vm' in event && event.vm === vm.id
                ? (powerCycleViolation(site, before, event)?.message ?? null)
                : null,
          }),
        ),
  },
];

function av01(site: Lookups, vm: Vm): SubjectPlan {
  const autostart = site.topology.options.autostart;
  const step: StepCheck = (b, e, a) => {
    if (a.vms[vm.id].locked) return `${vm.id} is locked`;
    const rebooted = e.type === 'HOST_REBOOT' && e.host === vm.host;
    if (autostart && rebooted && b.vms[vm.id].power === 'on' && a.vms[vm.id].power !== 'on') {
      return `${vm.id} ran before the reboot of ${vm.host} and does not after it`;
    }
    return null;
  };
  return holdsFor(vm.id, [vm.host], { step });
}

/** Each host with persistence in effect, when vSAN is encrypted by a standard provider. */
function av03(site: Lookups): SubjectPlan[] {
  const vsan = site.topology.vsan;
  if (vsan === null || site.providers.get(vsan.encryptedBy)?.kind !== 'standard') return [];
  return site.topology.hosts
    .filter((h) => persistenceInEffect(h.keyPersistence, h))
    .map((h) => {
      const persisted = atLeast(h.release, FLOORS.vsanKek); // KP-03
      const state: StateCheck = (s) =>
        s.hosts[h.id].vsan === 'unmounted' ? `the disk group of ${h.id} is unmounted` : null;
      return persisted
        ? holdsFor(h.id, [h.id], { state })
        : {
            subject: h.id,
            hosts: [h.id],
            expected: 'counterexample',
            minimalLength: 2,
            check: { kind: 'search', state },
          };
    });
}

/** Native-provider VMs on hosts that can hold their provider's KDK (section 1, "KDK delivery"). */
function nativeOnEligible(site: Lookups): Vm[] {
  return site.topology.vms.filter((vm) => {
    const provider = providerOf(site, vm);
    return provider?.kind === 'native' && kdkEligible(hostOf(site, vm), provider);
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

/** AV-07: the site with persistence on wherever it can be, against the same site with it off everywhere. */
function av07(t: Topology): SubjectPlan[] {
  const onlyNative = t.providers.length > 0 && t.providers.every((p) => p.kind === 'native');
  if (!onlyNative) return [];
  const withPersistence = (on: boolean): Topology => ({
    ...t,
    hosts: t.hosts.map((h) => ({ ...h, keyPersistence: on && persistenceSupported(h) })),
  });
  const compare = (l: ObservedState, r: ObservedState) =>
    t.vms.map((vm) => vmOutcome(vm.id, 'persistence on', 'off')(l, r)).find((m) => m !== null) ?? null;
  return [
    {
      subject: null,
      hosts: null,
      expected: 'holds',
      check: {
        kind: 'differential',
        left: withPersistence(true),
        right: withPersistence(false),
        skipRight: () => false,
        compare,
      },
    },
  ];
}

/** AV-08: each host with both a standard-provider VM and a native-provider VM whose KDK it can hold. */
function av08(site: Lookups): SubjectPlan[] {
  const eligible = new Set(nativeOnEligible(site));
  return site.topology.hosts.flatMap((host) => {
    const on = site.vmsOnHost.get(host.id) ?? [];
    const standard = on.filter((vm) => kindOf(site, vm) === 'standard');
    const native = on.filter((vm) => eligible.has(vm));
    return standard.flatMap((s) => native.map((n) => av08Pair(host, s, n, site.topology.options.autostart)));
  });
}

function av08Pair(host: Host, s: Vm, n: Vm, autostart: boolean): SubjectPlan {
  const subject = `${s.id}+${n.id}`;
  if (persistenceInEffect(host.keyPersistence, host)) {
    return holdsFor(subject, [host.id], { state: (st) => locked(s.id)(st) ?? locked(n.id)(st) });
  }
  const state: StateCheck = (st) =>
    st.vms[s.id].locked && st.vms[n.id].power === 'on' ? `${s.id} is locked while ${n.id} runs` : null;
  return {
    subject,
    hosts: [host.id],
    expected: 'counterexample',
    // Two steps (an outage, a reboot) when the native VM runs on by itself; without autostart
    // (ASM-03) the reboot stops it too, and powering it on again is a third step.
    ...(n.running && autostart ? { minimalLength: 2 } : {}),
    check: { kind: 'search', state },
  };
}
