/**
 * Which statechart transitions each edge of the explored graph takes, and which rules it shows:
 * the step is replayed through the world with the transition tracer (src/world/transition.ts), as
 * `CoverageRecorder` does, so the figures count what the model really does, orchestration included
 * (the site's routing, the boot's steps, the questions a provider answers).
 *
 * Replaying all 72,768 steps of the edge site that way takes about 14 s, so the trace of a step is
 * cut into parts that depend on less than the whole state, and each part is traced once. The fast
 * explorer's tables rest on the same facts (src/explore/tables.ts):
 * - the event's own part (the site's routing, the component that decides, what it sends, and the
 *   automatic effects on the event's host) depends on the event, the shared services and the block
 *   of the event's host (for a service event: the services only);
 * - the automatic effects on any other host depend on the services after the event and that host's
 *   block before them.
 * Each traced record is given to the host it concerns (a provider's KDK push names its host, a
 * question asked of a provider belongs to the delivery it gathers facts for). A test holds the
 * result equal to tracing every step.
 */
import type { AnyMachineSnapshot, AnyStateMachine, AnyTransitionDefinition } from 'xstate';
import { getStateNodes } from 'xstate';
import type { StateMeta, TransitionMeta } from '../../models/meta.ts';
import { describe } from '../statecharts/inventory.ts';
import { ownersOf } from '../explore/groups.ts';
import { layoutOf } from '../world/layout.ts';
import { initialWorld, step, traceTransitions, type TransitionRecord } from '../world/world.ts';
import type { PathGraph } from './graph.ts';

/**
 * What one step (or the reset) covers: statechart transitions and rule IDs. A transition is named
 * as inventory.ts names it, followed by the component it belongs to on this site where the site has
 * several of its kind: `vm.locked VM_UNLOCK [keyUsable] -> off @ app` (`instanceTransition`).
 */
export interface Covered {
  transitions: readonly string[];
  rules: readonly string[];
}

/** The site's own statecharts, one of each: their transitions need no component name. */
const SINGLETONS = new Set(['site', 'vcenter']);

/** `vm.locked VM_UNLOCK [keyUsable] -> off @ app`; a singleton's transition keeps its plain id. */
export function instanceTransition(machine: string, instance: string, transition: string): string {
  return SINGLETONS.has(machine) ? transition : `${transition} @ ${instance}`;
}

/** The inventory id of an instance transition. */
export function machineTransition(id: string): string {
  const at = id.lastIndexOf(' @ ');
  return at < 0 ? id : id.slice(0, at);
}

export interface EdgeCoverage {
  /** What the reset to the steady initial state covers (the site's START, every first boot). */
  readonly reset: Covered;
  /** Per edge of the graph. Edges share their arrays where they cover the same. */
  readonly edge: readonly Covered[];
  /** How many steps were traced to fill the parts (the rest came from the cache). */
  readonly traced: number;
}

interface Accumulator {
  transitions: Set<string>;
  rules: Set<string>;
}

const empty = (): Accumulator => ({ transitions: new Set(), rules: new Set() });

/** Per edge: the statechart transitions it takes and the rules it shows (see the file's comment). */
/**
 * One tracer for all of edgeCoverage's traced steps, each step's records going where `sink`
 * points: a traced run remembers its transitions while its tracer stays installed
 * (src/world/transition.ts), and the steps of one graph share most of them.
 */
let sink: ((record: TransitionRecord) => void) | null = null;

function withTracer<T>(to: (record: TransitionRecord) => void, body: () => T): T {
  if (sink === null) {
    const previous = traceTransitions((r) => to(r));
    try {
      return body();
    } finally {
      traceTransitions(previous);
    }
  }
  const outer = sink;
  sink = to;
  try {
    return body();
  } finally {
    sink = outer;
  }
}

export function edgeCoverage(graph: PathGraph): EdgeCoverage {
  const previous = traceTransitions((r) => sink?.(r));
  sink = () => {};
  try {
    return edgeCoverageOnce(graph);
  } finally {
    sink = null;
    traceTransitions(previous);
  }
}

function edgeCoverageOnce(graph: PathGraph): EdgeCoverage {
  const reset = traceReset(graph);
  const layout = layoutOf(graph.topology);
  const unitOf = unitIndex(graph);
  const eventHost = graph.events.map((e) => {
    const owner = ownersOf(layout, e)[0];
    return owner === undefined ? -1 : (unitOf.get(owner) as number);
  });
  // Units of hosts, as the exploration holds them: each host alone unless the model couples hosts.
  const units = graph.exploration.units.length;
  // The packed form of every state: services, then one block per unit.
  const packed = new Int32Array(graph.states * (1 + units));
  for (let s = 0; s < graph.states; s++) {
    const p = graph.exploration.packed(s);
    packed[s * (1 + units)] = p.services;
    p.blocks.forEach((b, h) => (packed[s * (1 + units) + 1 + h] = b));
  }
  const parts = new Map<string, Covered>();
  const combined = new Map<string, Covered>();
  const edge: Covered[] = new Array(graph.edges);
  let traced = 0;
  for (let i = 0; i < graph.edges; i++) {
    const from = graph.edgeFrom[i] * (1 + units);
    const e = graph.edgeEvent[i];
    const state = packed.subarray(from, from + 1 + units);
    const servicesAfter = packed[graph.edgeTo[i] * (1 + units)];
    // What the edge covers is a function of its parts' keys, which this one string determines:
    // most edges repeat a combination seen before, and need no part key at all.
    let combo = `${e}.${servicesAfter}`;
    for (let k = 0; k < state.length; k++) combo += `.${state[k]}`;
    let covered = combined.get(combo);
    if (!covered) {
      const h = eventHost[e];
      const keys = partKeys(e, h, state, servicesAfter);
      if (keys.some((k) => k !== null && !parts.has(k))) {
        traced++;
        const byHost = traceStep(graph, graph.edgeFrom[i], e);
        keys.forEach((k, host) => {
          if (k !== null && !parts.has(k)) parts.set(k, freeze(byHost.get(host === 0 ? MAIN : host - 1)));
        });
      }
      const acc = empty();
      for (const k of keys) if (k !== null) merge(acc, parts.get(k) as Covered);
      combined.set(combo, (covered = freeze(acc)));
    }
    edge[i] = covered;
  }
  return { reset, edge, traced };
}

/**
 * The key of the event's own part, then one per unit of hosts for its automatic effects (null: in the
 * event's part). `state` is the packed source state: services, then each host's block.
 */
function partKeys(e: number, h: number, state: Int32Array, servicesAfter: number): (string | null)[] {
  const keys: (string | null)[] = [h < 0 ? `s${e}.${state[0]}` : `l${e}.${state[0]}.${state[1 + h]}`];
  for (let i = 0; i < state.length - 1; i++)
    keys.push(i === h ? null : `a${i}.${servicesAfter}.${state[1 + i]}`);
  return keys;
}

/** The event's own part. */
const MAIN = -1;

/** Traces one step and sorts its records by the host they concern (MAIN: the event's own part). */
function traceStep(graph: PathGraph, from: number, e: number): Map<number, Accumulator> {
  const world = graph.exploration.world(from);
  const event = graph.events[e];
  const layout = layoutOf(graph.topology);
  const unitOf = unitIndex(graph);
  const owner = ownersOf(layout, event)[0];
  const own = owner === undefined ? null : unitOf.get(owner);
  const byHost = new Map<number, Accumulator>();
  const records: TransitionRecord[] = [];
  withTracer(
    (r) => records.push(r),
    () => step(world, event),
  );
  let pending: TransitionRecord[] = [];
  for (const record of records) {
    if (isQuestion(record)) {
      pending.push(record);
      continue;
    }
    const host = concerns(record);
    const unit = host === null ? null : unitOf.get(host);
    const index = unit === null || unit === undefined || unit === own ? MAIN : unit;
    let acc = byHost.get(index);
    if (!acc) byHost.set(index, (acc = empty()));
    for (const r of [...pending, record]) note(acc, r);
    pending = [];
  }
  return byHost;
}

/** Each host's unit (its index among the exploration's units). */
function unitIndex(graph: PathGraph): Map<string, number> {
  const index = new Map<string, number>();
  graph.exploration.units.forEach((unit, u) => unit.forEach((h) => index.set(h, u)));
  return index;
}

/** A provider asked whether it would release a key: part of the delivery it gathers facts for. */
function isQuestion(record: TransitionRecord): boolean {
  return record.event.type === 'RELEASE_KEY' || record.event.type === 'RELEASE_KEK';
}

/** The host a component transition concerns, or null for the shared services and the site. */
function concerns({ machine, before, event }: TransitionRecord): string | null {
  const context = before.context as Record<string, unknown> | undefined;
  const fields = event as unknown as Record<string, unknown>;
  switch (machine.id) {
    case 'site':
    case 'vcenter':
      return null;
    case 'provider':
      return typeof fields.host === 'string' ? fields.host : null; // PUSH_KDK names its host
    case 'host':
      return context?.id as string;
    case 'vm':
      // ASM-04: a VM answers a booting host's call for its key: the booting host's part.
      return event.type === 'CLUSTER_KEY' ? (fields.host as string) : (context?.host as string);
    default:
      return (context?.host as string | undefined) ?? null;
  }
}

function note(acc: Accumulator, record: TransitionRecord): void {
  const instance = instanceOf(record);
  for (const definition of record.taken) {
    const info = described(definition);
    acc.transitions.add(instanceTransition(record.machine.id, instance, info.id));
    for (const rule of info.rules) acc.rules.add(rule);
  }
  for (const rule of enteredRules(record)) acc.rules.add(rule);
}

/** The component a record is a transition of: its id, or its host for the per-host parts of a host. */
export function instanceOf({ machine, before }: TransitionRecord): string {
  const context = (before.context ?? {}) as Record<string, unknown>;
  switch (machine.id) {
    case 'provider':
    case 'host':
    case 'vm':
      return String(context.id);
    case 'boot':
    case 'persistence':
    case 'diskGroup':
      return String(context.host);
    default:
      return machine.id;
  }
}

const descriptions = new WeakMap<AnyTransitionDefinition, { id: string; rules: string[] }>();

function described(definition: AnyTransitionDefinition): { id: string; rules: string[] } {
  let known = descriptions.get(definition);
  if (!known) {
    const rules = (definition as { meta?: TransitionMeta }).meta?.rules ?? [];
    descriptions.set(definition, (known = { id: describe(definition).id, rules: [...rules] }));
  }
  return known;
}

/**
 * The rules of the states a record entered: the targets of its transitions (transient ones too, as
 * the boot's steps), and what became active. A transition that targets a state already active (a
 * provider answering a question) enters nothing.
 */
function enteredRules(record: TransitionRecord): string[] {
  const rules: string[] = [];
  const before = new Set(active(record.machine, record.before));
  const entered = new Set(record.taken.flatMap((t) => t.target ?? []).filter((node) => !before.has(node)));
  if (record.before !== record.after) {
    for (const node of active(record.machine, record.after)) if (!before.has(node)) entered.add(node);
  }
  for (const node of entered) rules.push(...stateRules(node.meta));
  return rules;
}

function stateRules(meta: unknown): string[] {
  return (meta as StateMeta | undefined)?.rules ?? [];
}

const activeNodes = new WeakMap<AnyStateMachine, Map<string, ReturnType<typeof getStateNodes>>>();

function active(machine: AnyStateMachine, snapshot: AnyMachineSnapshot): ReturnType<typeof getStateNodes> {
  let byValue = activeNodes.get(machine);
  if (!byValue) activeNodes.set(machine, (byValue = new Map()));
  const key = JSON.stringify(snapshot.value);
  let nodes = byValue.get(key);
  if (!nodes) byValue.set(key, (nodes = getStateNodes(machine.root, snapshot.value)));
  return nodes;
}

/** What the reset covers: the records of building the steady initial state. */
function traceReset(graph: PathGraph): Covered {
  const acc = empty();
  withTracer(
    (r) => note(acc, r),
    () => initialWorld(graph.topology, graph.model),
  );
  return freeze(acc);
}

function merge(acc: Accumulator, covered: Covered): void {
  for (const t of covered.transitions) acc.transitions.add(t);
  for (const r of covered.rules) acc.rules.add(r);
}

function freeze(acc: Accumulator | undefined): Covered {
  if (!acc) return { transitions: [], rules: [] };
  return { transitions: [...acc.transitions].sort(), rules: [...acc.rules].sort() };
}

/** The same, by tracing each edge's step in full (every edge, or those given): slow, for tests of the cache above. */
export function edgeCoverageTraced(graph: PathGraph, edges?: readonly number[]): Covered[] {
  const covered: Covered[] = [];
  for (const i of edges ?? Array.from({ length: graph.edges }, (_, k) => k)) {
    const acc = empty();
    const world = graph.exploration.world(graph.edgeFrom[i]);
    const previous = traceTransitions((r) => note(acc, r));
    try {
      step(world, graph.events[graph.edgeEvent[i]]);
    } finally {
      traceTransitions(previous);
    }
    covered.push(freeze(acc));
  }
  return covered;
}
