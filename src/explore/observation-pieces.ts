/**
 * Observations of packed states, assembled from pieces computed once: one per services state and
 * one per (unit, block). Each piece comes from `observe()` itself on a composed world, so an
 * assembled observation is exactly what `observe(world)` gives, without XState on the way.
 * Pieces are frozen and shared between observations: callers must not (and cannot) change them.
 */
import { observe, type ObservedHost, type ObservedState, type ObservedVm } from '../world/observe.ts';
import { compose } from './blocks.ts';
import type { Tables } from './tables.ts';

interface UnitPiece {
  /** The unit's hosts, in its order. */
  hosts: ObservedHost[];
  /** The unit's VMs, host after host, in topology order. */
  vms: ObservedVm[];
}

type ServicesPiece = Pick<ObservedState, 'vcenter' | 'providers'>;

export class Observations {
  private readonly servicesPieces: ServicesPiece[] = [];
  /** Per unit, per block of its group. */
  private readonly unitPieces: UnitPiece[][];
  /** Per unit: its VMs' ids, host after host. */
  private readonly vmIds: string[][];
  /** Each host of the topology, in topology order: its unit and its place there. */
  private readonly hostOrder: { id: string; unit: number; i: number }[];
  /** Each VM of the topology, in topology order: its unit and its place among the unit's VMs. */
  private readonly vmOrder: { id: string; unit: number; k: number }[];

  constructor(private readonly tables: Tables) {
    const { topology } = tables.layout;
    const units = tables.units;
    this.unitPieces = units.map(() => []);
    this.vmIds = units.map((unit) => unit.flatMap((h) => tables.layout.owned('vm', h)));
    const where = new Map<string, { unit: number; i: number }>();
    units.forEach((unit, u) => unit.forEach((h, i) => where.set(h, { unit: u, i })));
    this.hostOrder = topology.hosts.map((h) => ({
      id: h.id,
      ...(where.get(h.id) as { unit: number; i: number }),
    }));
    const vmPlace = new Map<string, { unit: number; k: number }>();
    this.vmIds.forEach((ids, u) => ids.forEach((id, k) => vmPlace.set(id, { unit: u, k })));
    this.vmOrder = topology.vms.map((vm) => ({
      id: vm.id,
      ...(vmPlace.get(vm.id) as { unit: number; k: number }),
    }));
  }

  services(s: number): ServicesPiece {
    let piece = this.servicesPieces[s];
    if (piece === undefined) {
      const t = this.tables;
      const { vcenter, providers } = observe(compose(t.layout, t.template, t.services[s], []));
      piece = deepFreeze({ vcenter, providers });
      this.servicesPieces[s] = piece;
    }
    return piece;
  }

  /** Unit `u` holding block `b` of its table group. */
  unit(u: number, b: number): UnitPiece {
    let piece = this.unitPieces[u][b];
    if (piece === undefined) {
      const t = this.tables;
      const unit = t.units[u];
      const world = compose(t.layout, t.template, t.services[0], [[unit, t.blockOn(u, b)]]);
      const observed = observe(world);
      piece = deepFreeze({
        hosts: unit.map((h) => observed.hosts[h]),
        vms: this.vmIds[u].map((vm) => observed.vms[vm]),
      });
      this.unitPieces[u][b] = piece;
    }
    return piece;
  }

  /** `observe(world)` of the state with these fields, assembled from pieces. */
  state(fields: ArrayLike<number>): ObservedState {
    const pieces = this.unitPieces.map((_, u) => this.unit(u, fields[1 + u]));
    const hosts: Record<string, ObservedHost> = {};
    for (const h of this.hostOrder) hosts[h.id] = pieces[h.unit].hosts[h.i];
    const vms: Record<string, ObservedVm> = {};
    for (const vm of this.vmOrder) vms[vm.id] = pieces[vm.unit].vms[vm.k];
    return { ...this.services(fields[0]), hosts, vms };
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
