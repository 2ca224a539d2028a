/**
 * Where each component of a site is: the instances of every registered kind (models/components.ts)
 * and the host each belongs to. Computed once per topology; every look-up is a map, so that a site
 * of a thousand hosts costs a thousand times one host's look-ups, not a million.
 */
import { COMPONENT_KINDS, COMPONENTS, type Instance } from '../../models/components.ts';
import type { ComponentKind } from '../../models/messages.ts';
import type { Topology } from '../../models/topology.ts';

export interface Layout {
  topology: Topology;
  /** Per kind, its instances in registry order (topology order within a kind). */
  instances: Readonly<Record<ComponentKind, readonly Instance[]>>;
  /** The instance of `kind` named `id`, or undefined when the site has none. */
  instance(kind: ComponentKind, id: string): Instance | undefined;
  /** Per kind and host: the ids of that kind the host owns, in topology order. */
  owned(kind: ComponentKind, host: string): readonly string[];
  /** Whether some component of `kind` on this site belongs to a host (rather than being shared). */
  ownedKind(kind: ComponentKind): boolean;
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
  // Per kind, then per id or owner: the look-ups are on the hot path of every step, so no key is built.
  const byId = new Map<ComponentKind, Map<string, Instance>>();
  const owned = new Map<ComponentKind, Map<string, string[]>>();
  const ownedKinds = new Set<ComponentKind>();
  for (const kind of COMPONENT_KINDS) {
    const ids = new Map<string, Instance>();
    const owners = new Map<string, string[]>();
    byId.set(kind, ids);
    owned.set(kind, owners);
    for (const instance of instances[kind]) {
      ids.set(instance.id, instance);
      if (instance.owner === null) continue;
      ownedKinds.add(kind);
      const list = owners.get(instance.owner);
      if (list) list.push(instance.id);
      else owners.set(instance.owner, [instance.id]);
    }
  }
  return {
    topology,
    instances,
    instance: (kind, id) => byId.get(kind)?.get(id),
    owned: (kind, host) => owned.get(kind)?.get(host) ?? [],
    ownedKind: (kind) => ownedKinds.has(kind),
    vsanProvider: topology.vsan?.encryptedBy ?? null,
  };
}
