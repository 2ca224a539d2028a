/**
 * The checks a topology must pass once its shape is right (interface.md: a topology that breaks a
 * rule is rejected before anything runs). Each check returns every finding, never just the first,
 * so a user sees all that is wrong in one run. Messages end with the rule they enforce.
 *
 * The checks also run on a file whose shape is wrong in places (`checkPartialRules`): each rule is
 * checked on the parts it needs that are well formed, so that the schema's problems and the rules'
 * come in the same run. A part the file gets wrong is unknown here, and a rule that needs it is
 * skipped (the schema reports that part).
 */
import type { PathSegment } from '../errors.ts';
import { hasTpm2 } from '../../models/definitions.ts';
import {
  atLeast,
  FLOORS,
  RELEASES,
  VSAN_KEY,
  type ProviderKind,
  type Release,
  type Tpm,
} from '../../models/vocabulary.ts';
import type { Topology } from '../../models/topology.ts';

/** Every rule of this file, by name: the bad-input corpus (test/bad-input/) breaks each of them. */
export const TOPOLOGY_RULES = [
  'duplicate-id',
  'reserved-vm-id',
  'unknown-host',
  'unknown-provider',
  'provider-floor',
  'persistence-floor',
  'persistence-tpm',
  'vtpm-unencrypted',
  'placement-floor',
  'trusted-tpm',
  'vsan-trusted',
  'vsan-native-floor',
] as const;
export type TopologyRule = (typeof TOPOLOGY_RULES)[number];

export interface Finding {
  path: PathSegment[];
  message: string;
  rule: TopologyRule;
}

/**
 * The vTPM floor is the first release a topology can name, so every host meets it and no rule
 * checks it (a rule that can never fire is no check). Should an older release be added to
 * RELEASES, test/topology.test.ts fails and says to check it in vmRules.
 */
export const VTPM_FLOOR_IS_FIRST_RELEASE = FLOORS.vtpm === RELEASES[0];

/** Where the vocabulary of key-persistence.md, section 1 is the only source (no rule ID). */
const SECTION_1 = 'key-persistence.md, section 1';

/**
 * A topology as far as its file is well formed. A field is undefined when the file gives it a
 * wrong value (absent fields have their defaults); `index` is the item's place in its list.
 */
export interface PartialTopology {
  release?: Release;
  providers: PartialList<{ id?: string; kind?: ProviderKind }>;
  /** `release`: the host's own, or the site's when it gives none. */
  hosts: PartialList<{ id?: string; release?: Release; tpm?: Tpm; keyPersistence?: boolean }>;
  vms: PartialList<{ id?: string; host?: string; encryptedBy?: string | null; vtpm?: boolean }>;
  /** null: no vSAN; undefined: a vsan the file gets wrong. */
  vsan?: { encryptedBy?: string } | null;
}

export interface PartialList<T> {
  items: (T & { index: number })[];
  /** Every id of the list is known: the list is a list and each item has a valid id. */
  complete: boolean;
}

type PartialProvider = PartialTopology['providers']['items'][number];
type PartialHost = PartialTopology['hosts']['items'][number];
type PartialVm = PartialTopology['vms']['items'][number];

export function checkRules(topology: Topology): Finding[] {
  return checkPartialRules(partialOf(topology));
}

/** A valid topology, every part known. */
function partialOf(topology: Topology): PartialTopology {
  const list = <T>(items: T[]) => ({
    items: items.map((item, index) => ({ ...item, index })),
    complete: true,
  });
  return {
    release: topology.release,
    providers: list(topology.providers),
    hosts: list(topology.hosts),
    vms: list(topology.vms),
    vsan: topology.vsan,
  };
}

export function checkPartialRules(topology: PartialTopology): Finding[] {
  const site = indexById(topology);
  return [
    ...duplicateIds(topology),
    ...unknownIds(site),
    ...providerFloors(topology),
    ...hostRules(topology),
    ...topology.vms.items.flatMap((vm) => vmRules(site, vm)),
    ...vsanRules(site),
  ];
}

/** Lookups by id; with duplicate ids the first one wins (the duplicate is reported anyway). */
interface IdIndex {
  topology: PartialTopology;
  hosts: Map<string, PartialHost>;
  providers: Map<string, PartialProvider>;
}

function indexById(topology: PartialTopology): IdIndex {
  return {
    topology,
    hosts: firstById(topology.hosts.items),
    providers: firstById(topology.providers.items),
  };
}

function firstById<T extends { id?: string }>(items: T[]): Map<string, T> {
  const byId = new Map<string, T>();
  for (const item of items) if (item.id !== undefined && !byId.has(item.id)) byId.set(item.id, item);
  return byId;
}

/** A host's release (its own, or the site's when it gives none); undefined when the file gets it wrong. */
function hostRelease(host: PartialHost): Release | undefined {
  return host.release;
}

function duplicateIds(topology: PartialTopology): Finding[] {
  const reservedVm: Finding[] = topology.vms.items.flatMap((vm) =>
    vm.id === VSAN_KEY
      ? [
          finding(
            'reserved-vm-id',
            ['vms', vm.index, 'id'],
            `a VM cannot be called "${VSAN_KEY}": that is the key name of the vSAN KEK`,
          ),
        ]
      : [],
  );
  return [
    ...duplicatesIn('providers', 'provider', topology.providers.items),
    ...duplicatesIn('hosts', 'host', topology.hosts.items),
    ...duplicatesIn('vms', 'VM', topology.vms.items),
    ...reservedVm,
  ];
}

function duplicatesIn(list: string, what: string, items: { id?: string; index: number }[]): Finding[] {
  const first = new Map<string, number>();
  return items.flatMap((item) => {
    if (item.id === undefined) return [];
    const earlier = first.get(item.id);
    if (earlier === undefined) {
      first.set(item.id, item.index);
      return [];
    }
    return [
      finding(
        'duplicate-id',
        [list, item.index, 'id'],
        `duplicate ${what} id "${item.id}" (first at ${list}[${earlier}])`,
      ),
    ];
  });
}

/** Only against a complete list: with an id the file gets wrong, "unknown" could be that one. */
function unknownIds(site: IdIndex): Finding[] {
  const { vms, vsan, hosts, providers } = site.topology;
  const hostIds = [...site.hosts.keys()];
  const providerIds = [...site.providers.keys()];
  const findings: Finding[] = [];
  for (const vm of vms.items) {
    if (hosts.complete && vm.host !== undefined) {
      findings.push(...unknownId('unknown-host', ['vms', vm.index, 'host'], 'host', vm.host, hostIds));
    }
    if (providers.complete && typeof vm.encryptedBy === 'string') {
      findings.push(
        ...unknownId(
          'unknown-provider',
          ['vms', vm.index, 'encryptedBy'],
          'provider',
          vm.encryptedBy,
          providerIds,
        ),
      );
    }
  }
  if (providers.complete && vsan?.encryptedBy !== undefined) {
    findings.push(
      ...unknownId('unknown-provider', ['vsan', 'encryptedBy'], 'provider', vsan.encryptedBy, providerIds),
    );
  }
  return findings;
}

function unknownId(
  rule: TopologyRule,
  path: PathSegment[],
  what: string,
  id: string,
  known: string[],
): Finding[] {
  if (known.includes(id)) return [];
  const listed = known.length === 0 ? `there are no ${what}s` : `the ${what}s are ${known.join(', ')}`;
  return [finding(rule, path, `unknown ${what} "${id}"; ${listed}`)];
}

/** Trust Authority and the native provider are vCenter features: the site's release must have them. */
function providerFloors(topology: PartialTopology): Finding[] {
  const release = topology.release;
  if (release === undefined) return [];
  return topology.providers.items.flatMap((p) => {
    if (p.kind === undefined || p.kind === 'standard') return [];
    const floor = FLOORS[p.kind];
    if (atLeast(release, floor)) return [];
    return [
      finding(
        'provider-floor',
        ['providers', p.index, 'kind'],
        `a ${p.kind} provider needs release ${floor} or later; the site runs ${release} (DOC-08)`,
      ),
    ];
  });
}

/** DOC-01: a keyPersistence setting the host could never put in effect is a mistake in the file. */
function hostRules(topology: PartialTopology): Finding[] {
  return topology.hosts.items.flatMap((h) => {
    if (h.keyPersistence !== true) return [];
    const path = ['hosts', h.index, 'keyPersistence'];
    const release = hostRelease(h);
    const findings: Finding[] = [];
    if (release !== undefined && !atLeast(release, FLOORS.keyPersistence)) {
      findings.push(
        finding(
          'persistence-floor',
          path,
          `keyPersistence needs release ${FLOORS.keyPersistence} or later; this host runs ${release} (DOC-01)`,
        ),
      );
    }
    if (h.tpm !== undefined && !hasTpm2({ tpm: h.tpm })) {
      findings.push(
        finding(
          'persistence-tpm',
          path,
          `keyPersistence needs a TPM 2.0; this host has tpm "${h.tpm}" (DOC-01)`,
        ),
      );
    }
    return findings;
  });
}

function vmRules(site: IdIndex, vm: PartialVm): Finding[] {
  const findings: Finding[] = [];
  if (vm.vtpm === true && vm.encryptedBy === null) {
    findings.push(
      finding(
        'vtpm-unencrypted',
        ['vms', vm.index, 'vtpm'],
        `a vTPM needs an encrypted VM: set encryptedBy (${SECTION_1})`,
      ),
    );
  }
  // No vTPM floor check: see VTPM_FLOOR_IS_FIRST_RELEASE.
  const host = vm.host === undefined ? undefined : site.hosts.get(vm.host);
  const provider = typeof vm.encryptedBy === 'string' ? site.providers.get(vm.encryptedBy) : undefined;
  if (host && provider) findings.push(...placementRules(vm, provider, host));
  return findings;
}

/** Whether the VM's host can use the VM's provider at all (DOC-07, DOC-08). */
function placementRules(vm: PartialVm, provider: PartialProvider, host: PartialHost): Finding[] {
  if (provider.kind === undefined || provider.kind === 'standard') return [];
  const path = ['vms', vm.index, 'host'];
  const uses = `VM "${vm.id ?? `vms[${vm.index}]`}" uses ${provider.kind} provider "${provider.id}", which needs`;
  const floor = FLOORS[provider.kind];
  const release = hostRelease(host);
  const findings: Finding[] = [];
  if (release !== undefined && !atLeast(release, floor)) {
    findings.push(
      finding(
        'placement-floor',
        path,
        `${uses} its host at ${floor} or later; host "${host.id}" runs ${release} (DOC-08)`,
      ),
    );
  }
  if (provider.kind === 'trusted' && host.tpm !== undefined && !hasTpm2({ tpm: host.tpm })) {
    findings.push(
      finding(
        'trusted-tpm',
        path,
        `${uses} a host with a TPM 2.0; host "${host.id}" has tpm "${host.tpm}" (DOC-07)`,
      ),
    );
  }
  return findings;
}

function vsanRules(site: IdIndex): Finding[] {
  const { vsan } = site.topology;
  const provider = vsan?.encryptedBy === undefined ? undefined : site.providers.get(vsan.encryptedBy);
  if (!provider) return []; // no vSAN, or an unknown provider reported by unknownIds
  const path = ['vsan', 'encryptedBy'];
  if (provider.kind === 'trusted') {
    return [
      finding(
        'vsan-trusted',
        path,
        `vSAN encryption takes a standard or native provider; "${provider.id}" is trusted (${SECTION_1})`,
      ),
    ];
  }
  if (provider.kind !== 'native') return [];
  return [...site.hosts.values()].flatMap((h) => {
    const release = hostRelease(h);
    if (release === undefined || atLeast(release, FLOORS.native)) return [];
    return [
      finding(
        'vsan-native-floor',
        path,
        `vSAN encrypted by native provider "${provider.id}" needs every host at ${FLOORS.native} or later; host "${h.id}" runs ${release} (DOC-08)`,
      ),
    ];
  });
}

function finding(rule: TopologyRule, path: PathSegment[], message: string): Finding {
  return { path, message, rule };
}
