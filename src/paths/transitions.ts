/**
 * `--cover transitions` (the default): every transition of every statechart (components and
 * orchestration: the site's routing, the boot's steps) that the site can take, taken at least once,
 * by greedy covering walks over the explored graph. The transitions are named as inventory.ts names
 * them (`vm.off HOST_UP [keyUsable]`); the ones the reset takes (the first boot of every host) are
 * covered by every path's start.
 */
import type { AnyStateMachine } from 'xstate';
import { COMPONENT_KINDS, COMPONENTS } from '../../models/components.ts';
import type { ComponentKind } from '../../models/messages.ts';
import type { Host, Topology } from '../../models/topology.ts';
import { kdkEligible, persistenceSupported } from '../../models/definitions.ts';
import { atLeast, FLOORS } from '../../models/vocabulary.ts';
import { inventory, type TransitionInfo } from '../statecharts/inventory.ts';
import { layoutOf } from '../world/layout.ts';
import { instanceTransition, type Covered, type EdgeCoverage } from './edge-coverage.ts';
import type { PathGraph } from './graph.ts';
import { firstCovers, toTestPaths, type NotCoverable, type TargetSuite } from './suite.ts';
import { greedyTour } from './tour.ts';

export interface TransitionsOptions {
  resetCost?: number;
  /** Transition ids covered by earlier runs (`--history`). */
  done?: ReadonlySet<string>;
}

/** A declared transition of one component of the site (or of a kind the site has none of). */
export interface Declared {
  kind: ComponentKind;
  info: TransitionInfo;
  /** The component, or null when the site has none of this kind. */
  instance: string | null;
  /** `info.id @ instance` (instanceTransition), or `info.id`. */
  id: string;
}

/** Every transition of every statechart of the site: each machine's, for each of its components. */
export function declaredTransitions(graph: PathGraph): Declared[] {
  const layout = layoutOf(graph.topology);
  return COMPONENT_KINDS.flatMap((kind) => {
    const machine = graph.model[kind] as AnyStateMachine;
    const instances = layout.instances[kind].map((i) => i.id);
    return inventory(machine).transitions.flatMap((info): Declared[] =>
      instances.length === 0
        ? [{ kind, info, instance: null, id: info.id }]
        : instances.map((instance) => ({
            kind,
            info,
            instance,
            id: instanceTransition(machine.id, instance, info.id),
          })),
    );
  });
}

export function transitionsSuite(
  graph: PathGraph,
  coverage: EdgeCoverage,
  options: TransitionsOptions = {},
): TargetSuite {
  const declared = declaredTransitions(graph);
  const ids = declared.map((d) => d.id);
  const index = new Map(ids.map((id, i) => [id, i]));
  const coverable = new Set([...coverage.reset.transitions, ...coverage.edge.flatMap((c) => c.transitions)]);
  const byReset = new Set(coverage.reset.transitions);
  const done = options.done ?? new Set<string>();
  const numbered = new Map<Covered, number[]>();
  const edgeTargets = (edge: number) => {
    const covered = coverage.edge[edge];
    let known = numbered.get(covered);
    if (!known) numbered.set(covered, (known = covered.transitions.map((t) => index.get(t) as number)));
    return known;
  };
  const walks = greedyTour(
    graph,
    {
      count: ids.length,
      skip: (t) => !coverable.has(ids[t]) || byReset.has(ids[t]) || done.has(ids[t]),
      edgeTargets,
    },
    { resetCost: options.resetCost },
  );
  const already = new Set([...byReset, ...done]);
  const news = firstCovers(walks, (s) => coverage.edge[s.edge].transitions, new Set(already));
  // The rules a path shows first follow its transitions in `covers` (interface.md's example).
  const rules = firstCovers(walks, (s) => coverage.edge[s.edge].rules, new Set(coverage.reset.rules));
  const paths = toTestPaths(graph, walks, { covers: (w, k) => news[w][k], rules: (w, k) => rules[w][k] });
  const taken = new Set([...already, ...news.flat(2)]);
  const left = ids.filter((id) => coverable.has(id) && !taken.has(id));
  return {
    cover: 'transitions',
    paths,
    coverage: {
      covered: ids.filter((id) => coverable.has(id) && taken.has(id)).length,
      coverable: coverable.size,
      byReset: [...byReset].sort(),
      ...(done.size > 0 ? { fromHistory: ids.filter((id) => done.has(id) && coverable.has(id)).length } : {}),
      ...(left.length > 0 ? { left } : {}),
      notCoverable: declared
        .filter((d) => !coverable.has(d.id))
        .map((d): NotCoverable => ({
          id: d.id,
          why: whyNotTaken(graph.topology, d, declared, coverable),
        })),
    },
    steps: walks.reduce((n, w) => n + w.length, 0),
    baseline: shortestPerTarget(graph, coverage, coverable, byReset),
    notes: [
      'greedy covering walks over the explored graph: from where a path stands, the nearest step that takes a transition not taken yet; a new path from the initial state when that is nearer',
    ],
  };
}

/** The naive suite: one shortest path from the initial state to a step that takes each transition. */
function shortestPerTarget(
  graph: PathGraph,
  coverage: EdgeCoverage,
  coverable: ReadonlySet<string>,
  byReset: ReadonlySet<string>,
): { name: string; steps: number; paths: number } {
  const shortest = new Map<string, number>();
  for (let i = 0; i < graph.edges; i++) {
    const length = graph.depth[graph.edgeFrom[i]] + 1;
    for (const t of coverage.edge[i].transitions) {
      if ((shortest.get(t) ?? Infinity) > length) shortest.set(t, length);
    }
  }
  let steps = 0;
  let paths = 0;
  for (const t of coverable) {
    if (byReset.has(t)) continue;
    steps += shortest.get(t) as number;
    paths++;
  }
  return { name: 'one shortest path per transition', steps, paths };
}

/** Why the site never takes a declared transition: the option or the part of the site it needs. */
function whyNotTaken(
  topology: Topology,
  declaredOne: Declared,
  declared: readonly Declared[],
  coverable: ReadonlySet<string>,
  seen: ReadonlySet<string> = new Set(),
): string {
  const { kind, info, instance } = declaredOne;
  if (instance === null) return `the site has no ${COMPONENTS[kind].noun}`;
  const sameComponent = (d: Declared) => d.kind === kind && d.instance === instance;
  const own = componentReason(topology, kind, instance, info);
  if (own !== null) return own;
  // A state that nothing enters on this site: say why its way in is never taken.
  const machineRoot = info.source.split('.')[0];
  if (info.source !== machineRoot && !seen.has(info.source)) {
    const ways = declared.filter((d) => sameComponent(d) && d.info.targets.includes(info.source));
    if (ways.length > 0 && ways.every((d) => !coverable.has(d.id))) {
      const why = whyNotTaken(topology, ways[0], declared, coverable, new Set([...seen, info.source]));
      return `${info.source} is never entered here: ${why}`;
    }
  }
  if (info.event === 'RELEASE_KEK') {
    const kek = topology.providers.find((p) => p.id === topology.vsan?.encryptedBy)?.kind ?? null;
    const wanted = info.guard === 'kdkHeld' ? 'native' : 'standard';
    if (kek !== wanted) return `the site has no vSAN encrypted by a ${wanted} provider`;
  }
  for (const guard of guardsOf(info.guard)) {
    const why = GUARD_NEEDS[guard]?.(topology) ?? null;
    if (why !== null) return why;
  }
  // An alternative is taken only when the guards of the ones before it fail.
  const before = declared
    .slice(0, declared.indexOf(declaredOne))
    .filter((d) => sameComponent(d) && d.info.source === info.source && d.info.event === info.event);
  for (const guard of before.flatMap((d) => guardsOf(d.info.guard))) {
    const why = GUARD_FAILS[guard]?.(topology) ?? null;
    if (why !== null) return why;
  }
  return 'no reachable state of this site takes it';
}

/** What one component of the site is configured with that keeps it from a transition. */
function componentReason(
  topology: Topology,
  kind: ComponentKind,
  id: string,
  info: TransitionInfo,
): string | null {
  if (kind === 'vm') {
    const vm = topology.vms.find((v) => v.id === id);
    const provider = topology.providers.find((p) => p.id === vm?.encryptedBy);
    if (
      vm &&
      provider === undefined &&
      (info.source.includes('locked') || info.targets.some((t) => t.includes('locked')))
    ) {
      return `${id} is not encrypted: it never locks`;
    }
    if (info.event === 'CLUSTER_KEY' && provider?.kind === 'native')
      return `${id} is a native-provider VM (ASM-04)`;
    if (info.source === 'vm.configured' && info.guard === 'wasRunning' && vm && !vm.running) {
      return `${id} does not run in the initial state`;
    }
  }
  if (kind === 'provider') {
    const provider = topology.providers.find((p) => p.id === id);
    const native = provider?.kind === 'native';
    if (
      native !== info.source.startsWith('provider.native') &&
      info.source !== 'provider.configured' &&
      info.source !== 'provider'
    ) {
      return `${id} is ${native ? 'a native provider: it has no key server' : `a ${provider?.kind} provider, not a native one`}`;
    }
    if (info.guard === 'trustedPathOpen' && provider?.kind !== 'trusted')
      return `${id} is not a trusted provider`;
    if (info.guard === 'standardPathOpen' && provider?.kind !== 'standard')
      return `${id} is not a standard provider`;
    if (info.event === 'RELEASE_KEK' && topology.vsan?.encryptedBy !== id)
      return `${id} does not encrypt the vSAN`;
    if (info.source === 'provider.configured' && info.guard === 'isNative' && !native)
      return `${id} is not a native provider`;
    if (info.source === 'provider.configured' && info.guard === null && native)
      return `${id} is a native provider`;
  }
  const host = topology.hosts.find((h) => h.id === id);
  if ((kind === 'persistence' || kind === 'host') && host) return hostReason(topology, host, kind, info);
  return null;
}

/** What a host is (release, TPM) that keeps its host or persistence statechart from a transition. */
function hostReason(
  topology: Topology,
  host: Host,
  kind: ComponentKind,
  info: TransitionInfo,
): string | null {
  const supported = persistenceSupported(host);
  const noTpm2 = `${host.id} has no TPM 2.0`;
  if ((info.guard === 'hasTpm2' || info.event === 'TPM_CLEARED') && host.tpm !== '2.0')
    return `${noTpm2} (DOC-09)`;
  if (kind === 'host' && info.event === 'CACHE_KEY' && !supported)
    return `${host.id} never has keys stored (DOC-01)`;
  if (kind === 'host' && info.event === 'RECEIVE_KDK') {
    const any = topology.providers.some((p) => p.kind === 'native' && kdkEligible(host, p));
    if (!any) return `no native provider of the site may give ${host.id} its KDK (DOC-06, DOC-08)`;
  }
  if (kind !== 'persistence') return null;
  if (info.source === 'persistence.configured') {
    if (info.guard === 'releaseBelowFloor')
      return `${host.id} runs ${host.release}, not below ${FLOORS.keyPersistence}`;
    if (info.guard === 'noTpm2')
      return host.tpm === '2.0' ? `${host.id} has a TPM 2.0` : `${host.id} runs ${host.release}`;
    return supported ? null : `${host.id} cannot have persistence in effect (DOC-01)`;
  }
  if (!supported && !info.source.startsWith('persistence.unsupported') && info.source !== 'persistence') {
    return `${host.id} cannot have persistence in effect (DOC-01)`;
  }
  if (supported && info.source.startsWith('persistence.unsupported'))
    return `${host.id} supports persistence`;
  return null;
}

/** The named guards of a guard label (`a && !b` gives a, b). */
function guardsOf(label: string | null): string[] {
  return label === null ? [] : label.split(/ && | \|\| /).map((g) => g.replace(/^!/, ''));
}

/** What a guard that always holds on the site would need to fail. */
const GUARD_FAILS: Record<string, (t: Topology) => string | null> = {
  persistCachedKeys: (t) =>
    t.options.persistCachedKeys ? 'needs options.persistCachedKeys: false (ASM-01)' : null,
  autostart: (t) => (t.options.autostart ? 'needs options.autostart: false (ASM-03)' : null),
  clusterKeyScope: (t) => (t.options.keyScope === 'cluster' ? 'needs options.keyScope: host (ASM-04)' : null),
  wasRunning: (t) => (t.vms.every((v) => v.running) ? 'every VM runs in the initial state' : null),
};

/** What a guard needs of the site, when the site cannot give it. */
const GUARD_NEEDS: Record<string, (t: Topology) => string | null> = {
  autoUnlock: (t) => (t.options.autoUnlock ? null : 'needs options.autoUnlock: true (ASM-02)'),
  clusterKeyScope: (t) =>
    t.options.keyScope === 'cluster' ? null : 'needs options.keyScope: cluster (ASM-04)',
  clusterKeyObtainable: (t) =>
    t.options.keyScope === 'cluster' ? null : 'needs options.keyScope: cluster (ASM-04)',
  persistCachedKeys: (t) =>
    t.options.persistCachedKeys ? null : 'needs options.persistCachedKeys: true (ASM-01)',
  releaseBelowFloor: (t) =>
    t.hosts.some((h) => !atLeast(h.release, FLOORS.keyPersistence))
      ? null
      : `every host runs ${FLOORS.keyPersistence} or later (DOC-01)`,
  noTpm2: (t) =>
    t.hosts.some((h) => atLeast(h.release, FLOORS.keyPersistence) && h.tpm !== '2.0')
      ? null
      : `no host of ${FLOORS.keyPersistence} or later lacks a TPM 2.0 (DOC-01)`,
  hasTpm2: (t) => (t.hosts.some((h) => h.tpm === '2.0') ? null : 'no host has a TPM 2.0 (DOC-09)'),
  isNative: (t) => (t.providers.some((p) => p.kind === 'native') ? null : 'the site has no native provider'),
  kdkHeld: (t) => (t.providers.some((p) => p.kind === 'native') ? null : 'the site has no native provider'),
  standardPathOpen: (t) =>
    t.providers.some((p) => p.kind === 'standard') ? null : 'the site has no standard provider',
  kekPathOpen: (t) =>
    t.vsan !== null && t.providers.find((p) => p.id === t.vsan?.encryptedBy)?.kind === 'standard'
      ? null
      : 'the site has no vSAN encrypted by a standard provider',
  trustedPathOpen: (t) =>
    t.providers.some((p) => p.kind === 'trusted') ? null : 'the site has no trusted provider',
  storable: (t) =>
    t.hosts.some((h) => persistenceSupported(h)) ? null : 'no host supports persistence (DOC-01)',
  wasRunning: (t) => (t.vms.some((v) => v.running) ? null : 'no VM runs in the initial state'),
};
