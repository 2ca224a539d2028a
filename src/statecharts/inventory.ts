/**
 * What a statechart declares, read through XState's public graph API (`getStateNodes` of
 * `xstate/graph`): its states and its transitions, each with a stable id and the rule IDs its
 * `meta` carries (models/meta.ts). Coverage, test paths and the review report all name states and
 * transitions this way.
 */
import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';
import { getStateNodes } from 'xstate/graph';
import type { StateMeta, TransitionMeta } from '../../models/meta.ts';

export interface StateInfo {
  /** `vm.locked`, `host.link.down`. */
  id: string;
  /** Passed through within one step, never at rest (its only way out is eventless: `always`). */
  transient: boolean;
  rules: string[];
}

export interface TransitionInfo {
  /** `vm.off HOST_UP [keyUsable]`, `host.link.up LINK_DOWN -> link.down`: unique within the machine. */
  id: string;
  source: string;
  /** The event type, or `always` for an eventless transition. */
  event: string;
  guard: string | null;
  /** Target state ids; empty for a targetless transition (actions only). */
  targets: string[];
  actions: string[];
  rules: string[];
}

export interface Inventory {
  machine: string;
  states: StateInfo[];
  transitions: TransitionInfo[];
}

const inventories = new WeakMap<AnyStateMachine, Inventory>();

/** The states (the root aside) and transitions of a machine, in document order. */
export function inventory(machine: AnyStateMachine): Inventory {
  let known = inventories.get(machine);
  if (known) return known;
  const nodes = getStateNodes(machine).filter((node) => node !== machine.root);
  const states = nodes.map((node) => ({
    id: node.id,
    transient: (node.always ?? []).length > 0 && Object.keys(node.config.on ?? {}).length === 0,
    rules: [...((node.meta as StateMeta | undefined)?.rules ?? [])],
  }));
  const transitions = [machine.root, ...nodes].flatMap((node) => ownTransitions(node).map(describe));
  known = { machine: machine.id, states, transitions };
  inventories.set(machine, known);
  return known;
}

/** A node's transitions: each event's alternatives in order, then its eventless ones. */
function ownTransitions(node: AnyStateNode): AnyTransitionDefinition[] {
  return [...[...node.transitions.values()].flat(), ...(node.always ?? [])];
}

/** The id and description of a transition, as `inventory` names it. */
export function describe(definition: AnyTransitionDefinition): TransitionInfo {
  const source = definition.source.id;
  const event = definition.eventType === '' ? 'always' : String(definition.eventType);
  const guard = definition.guard === undefined ? null : guardLabel(definition.guard);
  const targets = (definition.target ?? []).map((t) => t.id);
  const root = `${definition.source.machine.id}.`;
  const shown = targets.map((t) => (t.startsWith(root) ? t.slice(root.length) : t));
  const id = `${source} ${event}${guard === null ? '' : ` [${guard}]`}${shown.length > 0 ? ` -> ${shown.join(', ')}` : ''}`;
  return {
    id,
    source,
    event,
    guard,
    targets,
    actions: definition.actions.map(actionLabel),
    rules: [...((definition as { meta?: TransitionMeta }).meta?.rules ?? [])],
  };
}

function guardLabel(guard: unknown): string {
  if (typeof guard === 'string') return guard;
  // XState's `and`, `or` and `not` are functions named so, holding their operands in `guards`.
  const g = guard as { name?: string; type?: string; guards?: unknown[] };
  if (g.guards) {
    const parts = g.guards.map(guardLabel);
    if (g.name === 'not') return `!${parts[0]}`;
    return parts.join(g.name === 'or' ? ' || ' : ' && ');
  }
  return typeof g.type === 'string' ? g.type : 'guard';
}

function actionLabel(action: unknown): string {
  if (typeof action === 'string') return action;
  const a = action as { type?: string };
  return typeof a?.type === 'string' ? a.type : 'action';
}
