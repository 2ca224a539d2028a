/**
 * The registry of component kinds: for each kind, the instances a site has and the names its
 * context holds. A new kind of component is its machine (models/index.ts), one entry here, and its
 * part of what a user observes (src/world/observe.ts); the world, the explorer and the coverage
 * figures find it here.
 */
import type { ComponentKind } from './messages.ts';
import type { Topology } from './topology.ts';

export interface Instance {
  id: string;
  /** The host it belongs to (its part of the world moves with that host), or null for a shared service. */
  owner: string | null;
  /** The machine's input. */
  input?: unknown;
}

/** How a context field names things (see `Registration.names`). */
export type NameField = 'host' | 'vm' | 'keys' | 'offers';

export interface Registration {
  /** What a user calls one of them, for events that name an id the site does not have ("unknown host"). */
  noun: string;
  instances(topology: Topology): Instance[];
  /**
   * The context fields that name a host or its VMs: a host id, a VM id, sorted key names (VM ids or
   * `vsan`), key offers sorted by key. The explorer renames them to move a host's part of a world
   * onto another host of the same configuration.
   */
  names?: Readonly<Record<string, NameField>>;
}

/** In the order the world starts them and observes them. */
export const COMPONENTS: Readonly<Record<ComponentKind, Registration>> = {
  site: {
    noun: 'site',
    instances: (t) => [
      {
        id: 'site',
        owner: null,
        input: {
          hosts: t.hosts.map((h) => ({ id: h.id, keyPersistence: h.keyPersistence })),
          options: { autostart: t.options.autostart, autoUnlock: t.options.autoUnlock },
        },
      },
    ],
  },
  vcenter: { noun: 'vCenter', instances: () => [{ id: 'vcenter', owner: null }] },
  provider: {
    noun: 'provider',
    instances: (t) => t.providers.map((p) => ({ id: p.id, owner: null, input: { ...p } })),
  },
  host: {
    noun: 'host',
    instances: (t) =>
      t.hosts.map((h) => ({ id: h.id, owner: h.id, input: { id: h.id, release: h.release, tpm: h.tpm } })),
    names: { id: 'host', cache: 'keys' },
  },
  boot: {
    noun: 'host',
    instances: (t) =>
      t.hosts.map((h) => ({ id: h.id, owner: h.id, input: { host: h.id, keyScope: t.options.keyScope } })),
    names: { host: 'host' },
  },
  persistence: {
    noun: 'host',
    instances: (t) =>
      t.hosts.map((h) => ({
        id: h.id,
        owner: h.id,
        input: {
          host: h.id,
          release: h.release,
          tpm: h.tpm,
          persistCachedKeys: t.options.persistCachedKeys,
          nativeKeyWording: t.options.nativeKeyWording,
        },
      })),
    names: { host: 'host', stored: 'offers' },
  },
  diskGroup: {
    noun: 'disk group',
    instances: (t) => (t.vsan ? t.hosts.map((h) => ({ id: h.id, owner: h.id, input: { host: h.id } })) : []),
    names: { host: 'host' },
  },
  vm: {
    noun: 'VM',
    instances: (t) =>
      t.vms.map((vm) => ({
        id: vm.id,
        owner: vm.host,
        input: {
          id: vm.id,
          host: vm.host,
          provider: vm.encryptedBy,
          kind: t.providers.find((p) => p.id === vm.encryptedBy)?.kind ?? null,
          running: vm.running,
        },
      })),
    names: { id: 'vm', host: 'host' },
  },
};

export const COMPONENT_KINDS = Object.keys(COMPONENTS) as ComponentKind[];
