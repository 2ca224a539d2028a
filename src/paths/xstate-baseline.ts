/**
 * What a lab would get from XState alone, for comparison with `--cover transitions`:
 * `createTestModel(machine).getShortestPaths()` of `xstate/graph` run on each component machine of
 * the site (each instance with its own input), with small event sets (each event type the machine
 * handles, with a usable and an unusable set of facts). XState's traversal grows super-linearly
 * past about 10^4 states, so it is not run on the composed site; there, its counterpart is one
 * shortest path per state of the explored graph (`shortestPerState`).
 *
 * The paths are replayed through the machines with the world's tracer, so what they take is named
 * as inventory.ts names it, and counted against the transitions the site can take.
 */
import { createTestModel } from 'xstate/graph';
import type { AnyStateMachine, EventObject } from 'xstate';
import { COMPONENT_KINDS } from '../../models/components.ts';
import type { KeyFacts, PathState } from '../../models/definitions.ts';
import type { ComponentKind, Payload } from '../../models/messages.ts';
import type { Topology } from '../../models/topology.ts';
import { VSAN_KEY } from '../../models/vocabulary.ts';
import { eventInstances } from '../explore/instances.ts';
import { describe } from '../statecharts/inventory.ts';
import { layoutOf } from '../world/layout.ts';
import { next, start, traceTransitions } from '../world/transition.ts';
import { instanceOf, instanceTransition, type EdgeCoverage } from './edge-coverage.ts';
import { bfs, type PathGraph } from './graph.ts';
import type { XstateFigure } from './suite.ts';

const open: PathState = { link: true, vcenter: true, keyServer: true, attestation: true, kdk: true };
const shut: PathState = { link: false, vcenter: false, keyServer: false, attestation: true, kdk: false };
/** Facts that make a key usable, that do not, and a cached key on an unattested host (DOC-07). */
const FACTS: KeyFacts[] = [
  { cached: true, obtainable: true, attested: true, path: open },
  { cached: false, obtainable: false, attested: true, path: shut },
  { cached: true, obtainable: false, attested: false, path: { ...shut, attestation: false } },
];

/** The events given to XState for one instance: each handled type, with a few sets of facts. */
function eventsFor(kind: ComponentKind, topology: Topology, input: Record<string, unknown>): Payload[] {
  const host = (input.host ?? input.id) as string;
  const keys = [...topology.vms.filter((v) => v.host === host).map((v) => v.id), VSAN_KEY];
  const natives = topology.providers.filter((p) => p.kind === 'native').map((p) => p.id);
  const other = topology.hosts.find((h) => h.id !== host)?.id ?? 'another-host';
  const withFacts = (type: string, extra: object = {}) => FACTS.map((f) => ({ type, ...f, ...extra }));
  switch (kind) {
    case 'site':
      return [{ type: 'START' }, ...eventInstances(topology)];
    case 'vm':
      return [
        ...withFacts('VM_POWER_ON'),
        ...withFacts('VM_UNLOCK'),
        ...withFacts('HOST_UP'),
        ...withFacts('KEY_CHECK', { autoUnlock: true }),
        ...withFacts('KEY_CHECK', { autoUnlock: false }),
        ...withFacts('CLUSTER_KEY', { host: other }),
        { type: 'AUTOSTART', autostart: true },
        { type: 'AUTOSTART', autostart: false },
      ];
    case 'diskGroup':
      return [true, false].flatMap((usable) =>
        [true, false].map((derived) => ({ type: 'MOUNT', cached: usable, obtainable: usable, derived })),
      );
    case 'provider':
      return [
        ...[open, shut].flatMap((path) => [
          { type: 'RELEASE_KEY', path },
          { type: 'RELEASE_KEK', path },
        ]),
        ...[true, false].map((up) => ({
          type: 'PUSH_KDK',
          host,
          holdsKdk: false,
          vcenterUp: up,
          linkUp: up,
          release: topology.release,
          tpm: '2.0',
        })),
      ];
    case 'host':
      return [
        ...keys.flatMap((key) => [
          { type: 'OBTAIN_KEY', key, derived: false },
          { type: 'OBTAIN_KEY', key, derived: true },
          { type: 'CACHE_KEY', key, derived: false },
        ]),
        ...natives.map((provider) => ({ type: 'RECEIVE_KDK', provider })),
      ];
    case 'persistence':
      return [
        { type: 'KEY_PERSISTENCE_ENABLE', offers: [] },
        { type: 'KEY_PERSISTENCE_ENABLE', offers: keys.map((key) => ({ key, derived: false })) },
        ...keys.map((key) => ({ type: 'STORE', key, derived: false })),
      ];
    case 'boot':
      return [
        { type: 'BOOT', autostart: true },
        { type: 'BOOT', autostart: false },
      ];
    default:
      return [];
  }
}

/** `createTestModel(...).getShortestPaths()` on every component machine of the site. */
export function xstateMachinesFigure(graph: PathGraph, coverable: ReadonlySet<string>): XstateFigure {
  const layout = layoutOf(graph.topology);
  const taken = new Set<string>();
  const machines: NonNullable<XstateFigure['machines']> = [];
  let steps = 0;
  let paths = 0;
  const previous = traceTransitions((record) => {
    const instance = instanceOf(record);
    for (const t of record.taken) taken.add(instanceTransition(record.machine.id, instance, describe(t).id));
  });
  try {
    for (const kind of COMPONENT_KINDS) {
      const machine = graph.model[kind] as AnyStateMachine;
      const row = { machine: machine.id, instances: 0, paths: 0, steps: 0 };
      for (const instance of layout.instances[kind]) {
        const input = (instance.input ?? {}) as Record<string, unknown>;
        const model = createTestModel(machine, {
          input,
          events: eventsFor(kind, graph.topology, input) as never,
        });
        for (const path of model.getShortestPaths()) {
          const events = path.steps
            .map((s) => s.event as EventObject)
            .filter((e) => e.type !== 'xstate.init');
          let snapshot = start(machine, input);
          for (const event of events) snapshot = next(machine, snapshot, event)[0];
          row.paths++;
          row.steps += events.length;
        }
        row.instances++;
      }
      machines.push(row);
      steps += row.steps;
      paths += row.paths;
    }
  } finally {
    traceTransitions(previous);
  }
  return {
    name: 'createTestModel(machine).getShortestPaths() of xstate/graph, on each component machine',
    steps,
    paths,
    covers: [...taken].filter((t) => coverable.has(t)).length,
    coverable: coverable.size,
    machines,
  };
}

/**
 * One shortest path per state of the explored graph: what `getShortestPaths` gives on the composed
 * site (computed here by breadth-first search, as XState's traversal is too slow at this size).
 */
export function shortestPerStateFigure(
  graph: PathGraph,
  coverage: EdgeCoverage,
  coverable: ReadonlySet<string>,
): XstateFigure {
  const tree = bfs(graph, 0);
  let steps = 0;
  const taken = new Set(coverage.reset.transitions);
  for (let s = 1; s < graph.states; s++) {
    steps += tree.dist[s];
    for (const t of coverage.edge[tree.via[s]].transitions) taken.add(t);
  }
  return {
    name: 'one shortest path per state of the explored graph (getShortestPaths on the composed site)',
    steps,
    paths: graph.states - 1,
    covers: [...taken].filter((t) => coverable.has(t)).length,
    coverable: coverable.size,
  };
}
