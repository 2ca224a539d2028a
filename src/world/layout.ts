/**
 * Where each component of a site is: the instances of every registered kind (models/components.ts)
 * and the host each belongs to. Computed once per topology.
 */
import { COMPONENT_KINDS, COMPONENTS, type Instance } from '../../models/components.ts';
import type { ComponentKind } from '../../models/messages.ts';
import type { Topology } from '../../models/topology.ts';

export interface Layout {
  topology: Topology;
  /** Per kind, its instances in registry order (topology order within a kind). */
  instances: Readonly<Record<ComponentKind, readonly Instance[]>>;
  /** Per kind and host: the ids of that kind the host owns, in topology order. */
  owned(kind: ComponentKind, host: string): readonly string[];
  /** The vSAN KEK's provider, or null. */
  vsanProvider: string | null;
}

const layouts = new WeakMap<Topology, Layout>();

export function layoutOf(topology: Topology): Layout {
  let layout = layouts.get(topology);
  if (!layout) layouts.set(topology, (layout = build(topology)));
  return layout;
}

function build(topology: Topology): Layout {
  const instances = Object.fromEntries(
    COMPONENT_KINDS.map((kind) => [kind, COMPONENTS[kind].instances(topology)]),
  ) as Record<ComponentKind, Instance[]>;
  const owned = new Map<string, string[]>();
  for (const kind of COMPONENT_KINDS) {
    for (const instance of instances[kind]) {
      if (instance.owner === null) continue;
      const key = `${kind}\u0000${instance.owner}`;
      owned.set(key, [...(owned.get(key) ?? []), instance.id]);
    }
  }
  return {
    topology,
    instances,
    owned: (kind, host) => owned.get(`${kind}\u0000${host}`) ?? [],
    vsanProvider: topology.vsan?.encryptedBy ?? null,
  };
}
