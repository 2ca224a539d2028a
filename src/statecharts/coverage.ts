/**
 * Coverage of the statecharts: which states each machine was seen in and which of its declared
 * transitions it took (eventless ones included, and the guarded ones that answered a question such
 * as "would this provider release that key?"). Collected through the world's transition tracer, so
 * it counts what the model really did, on any run (an exploration, random runs, test paths).
 */
import { getStateNodes, type AnyStateMachine } from 'xstate';
import { COMPONENT_KINDS } from '../../models/components.ts';
import { productionModel, type Model } from '../../models/index.ts';
import { traceTransitions, type TransitionRecord } from '../world/world.ts';
import { describe, inventory } from './inventory.ts';

/** Per machine: the states seen and missed, the transitions taken and missed (ids of inventory.ts). */
export interface Coverage {
  machines: Record<
    string,
    {
      states: string[];
      missedStates: string[];
      transitions: number;
      transitionsDeclared: number;
      missedTransitions: string[];
    }
  >;
}

/** What a recorder has seen, as plain data: to send from a worker thread and merge (`absorb`). */
export type SeenCoverage = Record<string, { states: string[]; transitions: string[] }>;

export class CoverageRecorder {
  private readonly seenBy = new Map<string, { states: Set<string>; transitions: Set<string> }>();

  constructor(private readonly model: Model = productionModel) {}

  /** Runs `body` with every component transition recorded. */
  record<T>(body: () => T): T {
    const previous = traceTransitions((record) => this.note(record));
    try {
      return body();
    } finally {
      traceTransitions(previous);
    }
  }

  /** The ids of the transitions taken so far, per machine id. */
  taken(machine: string): ReadonlySet<string> {
    return this.seenBy.get(machine)?.transitions ?? new Set();
  }

  /** What was seen so far, as plain data. */
  seen(): SeenCoverage {
    return Object.fromEntries(
      [...this.seenBy].map(([id, e]) => [id, { states: [...e.states], transitions: [...e.transitions] }]),
    );
  }

  /** Adds what another recorder saw (in another thread, say). */
  absorb(other: SeenCoverage): void {
    for (const [id, e] of Object.entries(other)) {
      let entry = this.seenBy.get(id);
      if (!entry) this.seenBy.set(id, (entry = { states: new Set(), transitions: new Set() }));
      for (const s of e.states) entry.states.add(s);
      for (const t of e.transitions) entry.transitions.add(t);
    }
  }

  private note({ machine, before, after, taken }: TransitionRecord): void {
    let entry = this.seenBy.get(machine.id);
    if (!entry) this.seenBy.set(machine.id, (entry = { states: new Set(), transitions: new Set() }));
    for (const snapshot of [before, after]) {
      for (const node of getStateNodes(machine.root, snapshot.value)) entry.states.add(node.id);
    }
    for (const definition of taken) {
      entry.transitions.add(describe(definition).id);
      // Transient states are passed through within one step: the transitions in and out of them say so.
      entry.states.add(definition.source.id);
      for (const target of definition.target ?? []) entry.states.add(target.id);
    }
  }

  coverage(): Coverage {
    const machines: Coverage['machines'] = {};
    for (const kind of COMPONENT_KINDS) {
      const machine = this.model[kind] as AnyStateMachine;
      const seen = this.seenBy.get(machine.id) ?? {
        states: new Set<string>(),
        transitions: new Set<string>(),
      };
      const { states, transitions } = inventory(machine);
      const all = states.map((s) => s.id);
      const declared = transitions.map((t) => t.id);
      machines[kind] = {
        states: all.filter((s) => seen.states.has(s)),
        missedStates: all.filter((s) => !seen.states.has(s)),
        transitions: declared.filter((t) => seen.transitions.has(t)).length,
        transitionsDeclared: declared.length,
        missedTransitions: declared.filter((t) => !seen.transitions.has(t)),
      };
    }
    return { machines };
  }
}
