/**
 * Observations of packed states, assembled from pieces computed once: one per services state and
 * one per (host, block). Each piece comes from `observe()` itself on a composed world, so an
 * assembled observation is exactly what `observe(world)` gives, without XState on the way.
 * Pieces are frozen and shared between observations: callers must not (and cannot) change them.
 */
import { observe, type ObservedHost, type ObservedState, type ObservedVm } from '../world/observe.ts';
import { compose } from './blocks.ts';
import type { Tables } from './tables.ts';

interface HostPiece {
  host: ObservedHost;
  /** The host's VMs, in topology order. */
  vms: ObservedVm[];
}

type ServicesPiece = Pick<ObservedState, 'vcenter' | 'providers'>;

export class Observations {
  private readonly servicesPieces: ServicesPiece[] = [];
  /** Per host (topology order), per block of its group. */
  private readonly hostPieces: HostPiece[][];
  private readonly hostIds: string[];
  /** Each VM of the topology, in topology order: its host's index and its position there. */
  private readonly vmOrder: { id: string; host: number; k: number }[];
  private readonly vmIds: string[][];

  constructor(private readonly tables: Tables) {
    const { topology } = tables.layout;
    this.hostIds = topology.hosts.map((h) => h.id);
    this.hostPieces = topology.hosts.map(() => []);
    this.vmIds = topology.hosts.map((h) => [...tables.layout.owned('vm', h.id)]);
    const hostIndex = new Map(this.hostIds.map((id, h) => [id, h]));
    this.vmOrder = topology.vms.map((vm) => {
      const h = hostIndex.get(vm.host) as number;
      return { id: vm.id, host: h, k: this.vmIds[h].indexOf(vm.id) };
    });
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

  /** Host `h` (topology index) holding block `b` of its table group. */
  host(h: number, b: number): HostPiece {
    let piece = this.hostPieces[h][b];
    if (piece === undefined) {
      const t = this.tables;
      const id = this.hostIds[h];
      const world = compose(t.layout, t.template, t.services[0], [[id, t.blockOn(h, b)]]);
      const observed = observe(world);
      piece = deepFreeze({ host: observed.hosts[id], vms: this.vmIds[h].map((vm) => observed.vms[vm]) });
      this.hostPieces[h][b] = piece;
    }
    return piece;
  }

  /** `observe(world)` of the state with these fields, assembled from pieces. */
  state(fields: ArrayLike<number>): ObservedState {
    const pieces = this.hostIds.map((_, h) => this.host(h, fields[1 + h]));
    const hosts: Record<string, ObservedHost> = {};
    this.hostIds.forEach((id, h) => (hosts[id] = pieces[h].host));
    const vms: Record<string, ObservedVm> = {};
    for (const vm of this.vmOrder) vms[vm.id] = pieces[vm.host].vms[vm.k];
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
