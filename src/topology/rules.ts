/**
 * The checks a topology must pass once its shape is right (interface.md: a topology that breaks a
 * rule is rejected before anything runs). Each check returns every finding, never just the first,
 * so a user sees all that is wrong in one run. Messages end with the rule they enforce.
 */
import type { PathSegment } from '../errors.ts';
import { hasTpm2 } from '../../models/definitions.ts';
import { atLeast, FLOORS, VSAN_KEY } from '../../models/vocabulary.ts';
import type { Host, Provider, Topology, Vm } from '../../models/topology.ts';

export interface Finding {
  path: PathSegment[];
  message: string;
}

/** Where the vocabulary of key-persistence.md, section 1 is the only source (no rule ID). */
const SECTION_1 = 'key-persistence.md, section 1';

export function checkRules(topology: Topology): Finding[] {
  const site = indexById(topology);
  return [
    ...duplicateIds(topology),
    ...unknownIds(site),
    ...providerFloors(topology),
    ...hostRules(topology),
    ...topology.vms.flatMap((vm, index) => vmRules(site, vm, index)),
    ...vsanRules(site),
  ];
}

/** Lookups by id; with duplicate ids the first one wins (the duplicate is reported anyway). */
interface IdIndex {
  topology: Topology;
  hosts: Map<string, Host>;
  providers: Map<string, Provider>;
}

function indexById(topology: Topology): IdIndex {
  return { topology, hosts: firstById(topology.hosts), providers: firstById(topology.providers) };
}

function firstById<T extends { id: string }>(items: T[]): Map<string, T> {
  const byId = new Map<string, T>();
  for (const item of items) if (!byId.has(item.id)) byId.set(item.id, item);
  return byId;
}

function duplicateIds(topology: Topology): Finding[] {
  const reservedVm: Finding[] = topology.vms.flatMap((vm, index) =>
    vm.id === VSAN_KEY
      ? [
          finding(
            ['vms', index, 'id'],
            `a VM cannot be called "${VSAN_KEY}": that is the key name of the vSAN KEK`,
          ),
        ]
      : [],
  );
  return [
    ...duplicatesIn('providers', 'provider', topology.providers),
    ...duplicatesIn('hosts', 'host', topology.hosts),
    ...duplicatesIn('vms', 'VM', topology.vms),
    ...reservedVm,
  ];
}

function duplicatesIn(list: string, what: string, items: { id: string }[]): Finding[] {
  const first = new Map<string, number>();
  return items.flatMap((item, index) => {
    const earlier = first.get(item.id);
    if (earlier === undefined) {
      first.set(item.id, index);
      return [];
    }
    return [finding([list, index, 'id'], `duplicate ${what} id "${item.id}" (first at ${list}[${earlier}])`)];
  });
}

function unknownIds(site: IdIndex): Finding[] {
  const { vms, vsan } = site.topology;
  const hostIds = [...site.hosts.keys()];
  const providerIds = [...site.providers.keys()];
  const findings = vms.flatMap((vm, index) => [
    ...unknownId(['vms', index, 'host'], 'host', vm.host, hostIds),
    ...(vm.encryptedBy === null
      ? []
      : unknownId(['vms', index, 'encryptedBy'], 'provider', vm.encryptedBy, providerIds)),
  ]);
  if (vsan) findings.push(...unknownId(['vsan', 'encryptedBy'], 'provider', vsan.encryptedBy, providerIds));
  return findings;
}

function unknownId(path: PathSegment[], what: string, id: string, known: string[]): Finding[] {
  if (known.includes(id)) return [];
  const listed = known.length === 0 ? `there are no ${what}s` : `the ${what}s are ${known.join(', ')}`;
  return [finding(path, `unknown ${what} "${id}"; ${listed}`)];
}

/** Trust Authority and the native provider are vCenter features: the site's release must have them. */
function providerFloors(topology: Topology): Finding[] {
  return topology.providers.flatMap((p, index) => {
    if (p.kind === 'standard') return [];
    const floor = FLOORS[p.kind];
    if (atLeast(topology.release, floor)) return [];
    return [
      finding(
        ['providers', index, 'kind'],
        `a ${p.kind} provider needs release ${floor} or later; the site runs ${topology.release} (DOC-08)`,
      ),
    ];
  });
}

/** DOC-01: a keyPersistence setting the host could never put in effect is a mistake in the file. */
function hostRules(topology: Topology): Finding[] {
  return topology.hosts.flatMap((h, index) => {
    if (!h.keyPersistence) return [];
    const path = ['hosts', index, 'keyPersistence'];
    const findings: Finding[] = [];
    if (!atLeast(h.release, FLOORS.keyPersistence)) {
      findings.push(
        finding(
          path,
          `keyPersistence needs release ${FLOORS.keyPersistence} or later; this host runs ${h.release} (DOC-01)`,
        ),
      );
    }
    if (!hasTpm2(h)) {
      findings.push(finding(path, `keyPersistence needs a TPM 2.0; this host has tpm "${h.tpm}" (DOC-01)`));
    }
    return findings;
  });
}

function vmRules(site: IdIndex, vm: Vm, index: number): Finding[] {
  const host = site.hosts.get(vm.host);
  const provider = vm.encryptedBy === null ? undefined : site.providers.get(vm.encryptedBy);
  const findings: Finding[] = [];
  if (vm.vtpm && vm.encryptedBy === null) {
    findings.push(
      finding(['vms', index, 'vtpm'], `a vTPM needs an encrypted VM: set encryptedBy (${SECTION_1})`),
    );
  }
  if (!host) return findings; // reported by unknownIds
  if (vm.vtpm && !atLeast(host.release, FLOORS.vtpm)) {
    findings.push(
      finding(
        ['vms', index, 'vtpm'],
        `a vTPM needs its host at ${FLOORS.vtpm} or later; host "${host.id}" runs ${host.release} (DOC-08)`,
      ),
    );
  }
  if (provider) findings.push(...placementRules(vm, index, provider, host));
  return findings;
}

/** Whether the VM's host can use the VM's provider at all (DOC-07, DOC-08). */
function placementRules(vm: Vm, index: number, provider: Provider, host: Host): Finding[] {
  if (provider.kind === 'standard') return [];
  const path = ['vms', index, 'host'];
  const uses = `VM "${vm.id}" uses ${provider.kind} provider "${provider.id}", which needs`;
  const floor = FLOORS[provider.kind];
  const findings: Finding[] = [];
  if (!atLeast(host.release, floor)) {
    findings.push(
      finding(path, `${uses} its host at ${floor} or later; host "${host.id}" runs ${host.release} (DOC-08)`),
    );
  }
  if (provider.kind === 'trusted' && !hasTpm2(host)) {
    findings.push(
      finding(path, `${uses} a host with a TPM 2.0; host "${host.id}" has tpm "${host.tpm}" (DOC-07)`),
    );
  }
  return findings;
}

function vsanRules(site: IdIndex): Finding[] {
  const { vsan } = site.topology;
  const provider = vsan ? site.providers.get(vsan.encryptedBy) : undefined;
  if (!provider) return []; // no vSAN, or an unknown provider reported by unknownIds
  const path = ['vsan', 'encryptedBy'];
  if (provider.kind === 'trusted') {
    return [
      finding(
        path,
        `vSAN encryption takes a standard or native provider; "${provider.id}" is trusted (${SECTION_1})`,
      ),
    ];
  }
  if (provider.kind === 'standard') return [];
  return [...site.hosts.values()]
    .filter((h) => !atLeast(h.release, FLOORS.native))
    .map((h) =>
      finding(
        path,
        `vSAN encrypted by native provider "${provider.id}" needs every host at ${FLOORS.native} or later; host "${h.id}" runs ${h.release} (DOC-08)`,
      ),
    );
}

function finding(path: PathSegment[], message: string): Finding {
  return { path, message };
}
