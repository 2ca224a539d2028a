/**
 * `--cover refusals`: negative tests. Every documented refusal the site allows, each once: a path to
 * a state where the model refuses the event, then the event, expected `refused` (the reason is not
 * compared, interface.md) with the state unchanged.
 *
 * A refusal is an event instance and the state of the component that refuses it (the innermost
 * active state whose `meta.refuse` names the event, as the world reads the reason): power-on of a
 * locked VM (`vm.locked`), of a running one (`vm.on`), of an off VM whose key is not usable
 * (`vm.off`) are three refusals. Two kinds:
 * - refusals the explored graph shows (an event some state refuses);
 * - the events the explorer leaves out because the model refuses them in every state (instances.ts,
 *   `alwaysRefused`: enable without a TPM 2.0 or below 7.0U2, `KMS_DOWN` on a native provider, an
 *   unknown id...): no other target takes them, so here they are.
 * Greedy walks cover them (a refused step stays where it is, so refusals chain).
 */
import type { AnyMachineSnapshot } from 'xstate';
import { COMPONENTS } from '../../models/components.ts';
import type { KpmEvent } from '../../models/events.ts';
import type { Address } from '../../models/messages.ts';
import type { StateMeta } from '../../models/meta.ts';
import { formatEvent } from '../events.ts';
import { alwaysRefused } from '../explore/instances.ts';
import { next } from '../world/transition.ts';
import type { World } from '../world/world.ts';
import type { PathGraph } from './graph.ts';
import { firstCovers, pathCovers, toTestPaths, unique, type TargetSuite } from './suite.ts';
import { greedyTour, type Walk } from './tour.ts';

export interface RefusalsOptions {
  resetCost?: number;
  /** Refusal ids covered by earlier runs (`--history`). */
  done?: ReadonlySet<string>;
}

export interface RefusalCase {
  /** `VM_POWER_ON app refused (vm.locked)`. */
  id: string;
  /** Index into the suite's events (the graph's alphabet, then the always-refused events). */
  event: number;
  /** Refused in every state: left out of the explored graph. */
  always: boolean;
}

export function refusalsSuite(graph: PathGraph, options: RefusalsOptions = {}): TargetSuite {
  const done = options.done ?? new Set<string>();
  const { events, cases, perState, nearest } = refusalsOf(graph);
  const walks = greedyTour(
    graph,
    {
      count: cases.length,
      skip: (c) => done.has(cases[c].id),
      edgeTargets: () => [],
      refusals: (s) => perState[s],
    },
    { resetCost: options.resetCost },
  );
  const stepCase = (s: Walk[number]) =>
    s.edge >= 0 ? [] : perState[s.from].filter((r) => r.event === s.event).map((r) => cases[r.targets[0]].id);
  const news = firstCovers(walks, stepCase, new Set(done));
  const paths = toTestPaths(graph, walks, { events, covers: (w, k) => news[w][k] });
  for (const path of paths) {
    // The rules a refusal cites in its reason follow the refusals in `covers`.
    for (const step of path.steps) {
      const cited = [...(step.reason ?? '').matchAll(/\b(?:KP|DOC|ASM)-\d\d\b/g)].map((m) => m[0]);
      if (step.covers !== undefined && cited.length > 0) step.rules = unique(cited);
    }
    path.covers = pathCovers(path.steps);
  }
  const covered = new Set([...done, ...news.flat(2)]);
  const left = cases.filter((c) => !covered.has(c.id)).map((c) => c.id);
  const outOfGraph = cases.filter((c) => c.always).length;
  return {
    cover: 'refusals',
    paths,
    coverage: {
      covered: cases.length - left.length,
      coverable: cases.length,
      ...(done.size > 0 ? { fromHistory: cases.filter((c) => done.has(c.id)).length } : {}),
      ...(left.length > 0 ? { left } : {}),
      notCoverable: [],
    },
    steps: walks.reduce((n, w) => n + w.length, 0),
    baseline: {
      name: 'one shortest path per refusal',
      steps: cases.reduce((n, c, i) => n + (done.has(c.id) ? 0 : nearest[i]), 0),
      paths: cases.filter((c) => !done.has(c.id)).length,
    },
    notes: [
      `a refusal is an event and the state that refuses it; ${outOfGraph} of the ${cases.length} are events refused in every state, which the explored graph leaves out`,
      'greedy walks: a refused step leaves the state as it was, so the refusals of one state chain',
    ],
  };
}

/** The refusals of a site, with the states that refuse them: computed once per graph. */
interface Refusals {
  /** The graph's alphabet, then the always-refused events. */
  events: KpmEvent[];
  cases: RefusalCase[];
  /** Per state: its refused events, each with the refusal it is. */
  perState: { event: number; targets: number[] }[][];
  /** Per refusal: the length of a shortest path that shows it. */
  nearest: number[];
}

const known = new WeakMap<PathGraph, Refusals>();

function refusalsOf(graph: PathGraph): Refusals {
  const cached = known.get(graph);
  if (cached) return cached;
  const events = [...graph.events, ...alwaysRefused(graph.topology)];
  const cases: RefusalCase[] = [];
  const caseIds = new Map<string, number>();
  const caseOf = (event: number, node: string, always: boolean) => {
    const id = `${formatEvent(events[event])} refused (${node})`;
    let c = caseIds.get(id);
    if (c === undefined) {
      caseIds.set(id, (c = cases.length));
      cases.push({ id, event, always });
    }
    return c;
  };
  // Per state, its refused events and the refusal each one is (BFS order: first seen is nearest).
  const perState: { event: number; targets: number[] }[][] = new Array(graph.states);
  const nearest: number[] = [];
  const initial = graph.exploration.world(0);
  // The site machine keeps no state: where each event goes is the same in every world.
  const deciders = events.map((event) => decider(initial, event));
  const always = events.slice(graph.events.length).map((_, k) => {
    const e = graph.events.length + k;
    return { event: e, targets: [caseOf(e, refusingState(initial, deciders[e], events[e]), true)] };
  });
  for (const { targets } of always) nearest[targets[0]] = 1;
  for (let s = 0; s < graph.states; s++) {
    const refused: { event: number; targets: number[] }[] = [];
    let world: World | null = null;
    for (let e = 0; e < graph.events.length; e++) {
      if (!graph.refuses(s, e)) continue;
      world ??= graph.exploration.world(s);
      const c = caseOf(e, refusingState(world, deciders[e], events[e]), false);
      nearest[c] ??= graph.depth[s] + 1;
      refused.push({ event: e, targets: [c] });
    }
    perState[s] = [...refused, ...always];
  }
  const refusals = { events, cases, perState, nearest };
  known.set(graph, refusals);
  return refusals;
}

/** The component that decides an event: the first message the site sends for it. */
function decider(world: World, event: KpmEvent): Address | null {
  const [decisive] = next(world.model.site, world.parts.site.site, event)[1];
  return decisive?.to ?? null;
}

/**
 * The state that refuses `event` in `world`: the innermost active state of the deciding component
 * whose `meta.refuse` names it (as src/world/refusal.ts reads the reason), or why there is none.
 */
function refusingState(world: World, to: Address | null, event: KpmEvent): string {
  if (to === null) return 'site';
  const id = 'id' in to ? to.id : null;
  const snapshot = id === null ? undefined : (world.parts[to.kind] as Record<string, AnyMachineSnapshot>)[id];
  if (snapshot === undefined) return `unknown ${COMPONENTS[to.kind].noun}`;
  return refusingNode(snapshot, event.type);
}

const refusingNodes = new WeakMap<AnyMachineSnapshot, Map<string, string>>();

function refusingNode(snapshot: AnyMachineSnapshot, type: string): string {
  let byType = refusingNodes.get(snapshot);
  if (!byType) refusingNodes.set(snapshot, (byType = new Map()));
  let node = byType.get(type);
  if (node === undefined) {
    const metas = Object.entries(snapshot.getMeta()) as [string, StateMeta | undefined][];
    node = metas.reverse().find(([, meta]) => meta?.refuse?.[type] !== undefined)?.[0] ?? snapshot.machine.id;
    byType.set(type, node);
  }
  return node;
}
