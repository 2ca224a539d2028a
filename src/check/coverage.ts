/**
 * Coverage of the statecharts: which state nodes each machine was seen in, and which of the
 * (state, event) handlers its definition declares were exercised. Collected through the world's
 * transition tracer, so it counts what the model really did, on any run (exploration or random).
 */
import type { AnyStateMachine } from 'xstate';
import { productionModel, type Model } from '../../models/index.ts';
import { traceTransitions } from '../world/world.ts';
import type { Coverage } from './report.ts';

interface StateNodeLike {
  id: string;
  key: string;
  states: Record<string, StateNodeLike>;
  config: { on?: Record<string, unknown>; always?: unknown };
}

interface SnapshotLike {
  _nodes: StateNodeLike[];
}

/** A machine's state nodes other than the root and transient routing nodes (`always`). */
function stateNodes(machine: AnyStateMachine): StateNodeLike[] {
  const out: StateNodeLike[] = [];
  const walk = (node: StateNodeLike) => {
    for (const child of Object.values(node.states)) {
      if (!child.config.always) out.push(child);
      walk(child);
    }
  };
  walk(machine.root as unknown as StateNodeLike);
  return out;
}

/** Every declared handler as `stateId:EVENT`, including the root's (`machineId:EVENT`). */
function handlers(machine: AnyStateMachine): string[] {
  const root = machine.root as unknown as StateNodeLike;
  return [root, ...stateNodes(machine)].flatMap((n) =>
    Object.keys(n.config.on ?? {}).map((e) => `${n.id}:${e}`),
  );
}

export class CoverageRecorder {
  private readonly seen = new Map<string, { states: Set<string>; handlers: Set<string> }>();

  constructor(private readonly model: Model = productionModel) {}

  /** Runs `body` with every component transition recorded. */
  record<T>(body: () => T): T {
    const previous = traceTransitions((machine, before, event, after) =>
      this.note(machine, before as SnapshotLike, event.type, after as SnapshotLike),
    );
    try {
      return body();
    } finally {
      traceTransitions(previous);
    }
  }

  private note(machine: AnyStateMachine, before: SnapshotLike, eventType: string, after: SnapshotLike): void {
    let entry = this.seen.get(machine.id);
    if (!entry) this.seen.set(machine.id, (entry = { states: new Set(), handlers: new Set() }));
    for (const node of before._nodes) {
      entry.states.add(node.id);
      if (node.config.on && eventType in node.config.on) entry.handlers.add(`${node.id}:${eventType}`);
    }
    for (const node of after._nodes) entry.states.add(node.id);
  }

  coverage(): Coverage {
    const machines: Coverage['machines'] = {};
    for (const [name, machine] of Object.entries(this.model)) {
      if (typeof machine === 'string') continue;
      const m = machine as AnyStateMachine;
      const seen = this.seen.get(m.id) ?? { states: new Set<string>(), handlers: new Set<string>() };
      const all = stateNodes(m).map((n) => n.id);
      const declared = handlers(m);
      machines[name] = {
        states: all.filter((s) => seen.states.has(s)),
        missedStates: all.filter((s) => !seen.states.has(s)),
        transitions: declared.filter((h) => seen.handlers.has(h)).length,
        transitionsDeclared: declared.length,
        missedTransitions: declared.filter((h) => !seen.handlers.has(h)),
      };
    }
    return { machines };
  }
}
