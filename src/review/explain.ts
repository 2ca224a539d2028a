/**
 * A trace replayed with its reasons: for each step, what changed (src/report/diff.ts) and, for each
 * change, the statechart transitions that made it, with their rule IDs. The transitions are those
 * the world really took during the step, seen through its transition tracer (as CoverageRecorder
 * sees them); nothing here decides what an event does.
 *
 * Which component makes which part of the observation is observe.ts's split: vCenter and each
 * provider their state; a host its link, attestation, cache and KDKs; its persistence the setting
 * and the store; its disk group the vSAN mount; each VM its power and lock.
 */
import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import { COMPONENT_KINDS } from '../../models/components.ts';
import type { KpmEvent } from '../../models/events.ts';
import type { Model } from '../../models/index.ts';
import type { ComponentKind } from '../../models/messages.ts';
import type { Topology } from '../../models/topology.ts';
import { diffStates, type Change } from '../report/diff.ts';
import { describe } from '../statecharts/inventory.ts';
import { observe, type ObservedState } from '../world/observe.ts';
import { initialWorld, step, traceTransitions, type TransitionRecord, type World } from '../world/world.ts';
import { sortedIds } from './ids.ts';
import { citedIds } from './spec.ts';

/** A statechart transition taken during a step, by one component instance. */
export interface Taken {
  kind: ComponentKind;
  /** The instance: a host id, a VM id, `vcenter`, `site`. */
  instance: string;
  /** The inventory's transition id. */
  transition: string;
  rules: string[];
}

export interface ExplainedChange {
  change: Change;
  /** The transitions that made it, in the order taken. */
  by: Taken[];
  /** Their rule IDs, each once, in order. */
  rules: string[];
}

export interface ExplainedStep {
  /** 1-based. */
  index: number;
  event: KpmEvent;
  outcome: 'applied' | 'refused';
  reason: string | null;
  /** For a refused step: the rule IDs its reason cites. */
  reasonRules: string[];
  changes: ExplainedChange[];
  /** What the orchestration (site routing, boot steps) did, in order. */
  orchestration: Taken[];
  /** The state after the step. */
  state: ObservedState;
}

export interface ExplainedTrace {
  initial: ObservedState;
  steps: ExplainedStep[];
}

/** Which component's snapshot holds a change, and whether its state value or its context does. */
function owner(change: Change): { kind: ComponentKind; id: string; part: 'value' | string } {
  switch (change.kind) {
    case 'vcenter':
      return { kind: 'vcenter', id: 'vcenter', part: 'value' };
    case 'provider':
      return { kind: 'provider', id: change.provider, part: 'value' };
    case 'link':
      return { kind: 'host', id: change.host, part: 'value' };
    case 'flag':
      return change.field === 'attested'
        ? { kind: 'host', id: change.host, part: 'value' }
        : { kind: 'persistence', id: change.host, part: 'value' };
    case 'keys':
      return change.field === 'storedKeys'
        ? { kind: 'persistence', id: change.host, part: 'stored' }
        : { kind: 'host', id: change.host, part: change.field === 'kdk' ? 'kdks' : 'cache' };
    case 'vsan':
      return { kind: 'diskGroup', id: change.host, part: 'value' };
    case 'vm':
      return { kind: 'vm', id: change.vm, part: 'value' };
  }
}

interface Located {
  kind: ComponentKind;
  id: string;
  record: TransitionRecord;
}

/** Replays `events` from the steady initial state, explaining every step. */
export function explainTrace(topology: Topology, events: readonly KpmEvent[], model?: Model): ExplainedTrace {
  let world = initialWorld(topology, model);
  const initial = observe(world);
  let before = initial;
  const steps: ExplainedStep[] = [];
  events.forEach((event, i) => {
    const records: TransitionRecord[] = [];
    const previous = traceTransitions((r) => records.push(r));
    let result;
    try {
      result = step(world, event);
    } finally {
      traceTransitions(previous);
    }
    const located = locate(world, records);
    world = result.world;
    const after = observe(world);
    const applied = result.outcome === 'applied';
    steps.push({
      index: i + 1,
      event,
      outcome: result.outcome,
      reason: result.reason,
      reasonRules: result.reason === null ? [] : citedIds(result.reason),
      changes: applied ? diffStates(before, after).map((change) => explainChange(change, located)) : [],
      orchestration: applied
        ? located.filter((l) => l.kind === 'site' || l.kind === 'boot').flatMap((l) => takenOf(l))
        : [],
      state: after,
    });
    before = after;
  });
  return { initial, steps };
}

/**
 * Which instance each record is of: a component's first transition in a step starts from its
 * snapshot in the world before the step, and each transition's result is the next one's start.
 */
function locate(world: World, records: readonly TransitionRecord[]): Located[] {
  const owners = new Map<AnyMachineSnapshot, { kind: ComponentKind; id: string }>();
  for (const kind of COMPONENT_KINDS) {
    const parts = world.parts[kind] as Readonly<Record<string, AnyMachineSnapshot>>;
    for (const id of Object.keys(parts)) owners.set(parts[id], { kind, id });
  }
  const located: Located[] = [];
  for (const record of records) {
    const who = owners.get(record.before);
    if (who === undefined) continue;
    owners.set(record.after, who);
    located.push({ ...who, record });
  }
  return located;
}

function takenOf({ kind, id, record }: Located): Taken[] {
  return record.taken.map((definition) => {
    const info = describe(definition);
    return { kind, instance: id, transition: info.id, rules: info.rules };
  });
}

/** A question (would this provider release the key?) leaves its snapshot as it was. */
const isQuestion = (record: TransitionRecord) => record.before === record.after;

/** Key names of a context field: a list of names, or of offers (`{ key }`). */
function keysIn(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.map((item: unknown) =>
    typeof item === 'string' ? item : String((item as { key?: unknown }).key),
  );
}

/** Whether the record made (part of) the change: the same state move, or the same keys added or removed. */
function madeIt(record: TransitionRecord, part: string, change: Change): boolean {
  if (part === 'value') return JSON.stringify(record.before.value) !== JSON.stringify(record.after.value);
  const before = keysIn((record.before.context as Record<string, unknown>)[part]);
  const after = keysIn((record.after.context as Record<string, unknown>)[part]);
  if (change.kind !== 'keys') return JSON.stringify(before) !== JSON.stringify(after);
  const added = after.filter((k) => !before.includes(k));
  const removed = before.filter((k) => !after.includes(k));
  return added.some((k) => change.added.includes(k)) || removed.some((k) => change.removed.includes(k));
}

function explainChange(change: Change, located: readonly Located[]): ExplainedChange {
  const { kind, id, part } = owner(change);
  const by = located
    .filter((l) => l.kind === kind && l.id === id && !isQuestion(l.record) && madeIt(l.record, part, change))
    .flatMap(takenOf);
  return { change, by, rules: sortedIds(by.flatMap((t) => t.rules)) };
}

/** The machine of a kind in a model; for labels. */
export function machineId(model: Model, kind: ComponentKind): string {
  return (model[kind] as AnyStateMachine).id;
}
