/**
 * The operator's question on any site: which workloads (a VM that runs, a vSAN disk group that is
 * mounted, in the steady initial state) can a sequence of the given events leave down, and what is
 * the shortest such sequence. Answered on the site's explored state graph, breadth-first, so the
 * first state found with a workload down is at the end of a shortest trace (as `kpm check`'s
 * operator answers are). Used by the release matrix and by the operator's page to re-run the model
 * on variants of a site.
 */
import type { EventType, KpmEvent } from '../../models/events.ts';
import type { Model } from '../../models/index.ts';
import type { Topology } from '../../models/topology.ts';
import { exploreSite } from '../explore/fast.ts';

export interface Workload {
  kind: 'vm' | 'diskGroup';
  /** A VM id, or the host id of a disk group. */
  id: string;
}

export interface Loss {
  workload: Workload;
  /** The shortest sequence that leaves it down (off, or unmounted), or null when none does. */
  trace: KpmEvent[] | null;
}

export interface LossReport {
  /** Workloads up in the steady initial state, VMs first, in topology order. */
  losses: Loss[];
  /** VMs of the topology that do not run in the steady initial state. */
  notRunning: string[];
  states: number;
  complete: boolean;
}

export const MAX_STATES = 200_000;

/** Every workload up in the initial state, with the shortest sequence of `alphabet` events that takes it down. */
export function shortestLosses(
  topology: Topology,
  alphabet: ReadonlySet<EventType>,
  model?: Model,
): LossReport {
  const x = exploreSite(topology, { alphabet: (e) => alphabet.has(e.type), maxStates: MAX_STATES }, model);
  const initial = x.observed(0);
  const workloads: Workload[] = [
    ...topology.vms
      .filter((vm) => initial.vms[vm.id].power === 'on')
      .map((vm) => ({ kind: 'vm' as const, id: vm.id })),
    ...topology.hosts
      .filter((h) => initial.hosts[h.id].vsan === 'mounted')
      .map((h) => ({ kind: 'diskGroup' as const, id: h.id })),
  ];
  const found = new Map<Workload, KpmEvent[]>();
  for (let id = 0; id < x.states && found.size < workloads.length; id++) {
    const state = x.observed(id);
    for (const w of workloads) {
      if (found.has(w)) continue;
      const down = w.kind === 'vm' ? state.vms[w.id].power !== 'on' : state.hosts[w.id].vsan !== 'mounted';
      if (down) found.set(w, x.traceTo(id));
    }
  }
  return {
    losses: workloads.map((workload) => ({ workload, trace: found.get(workload) ?? null })),
    notRunning: topology.vms.filter((vm) => initial.vms[vm.id].power !== 'on').map((vm) => vm.id),
    states: x.states,
    complete: x.complete,
  };
}
