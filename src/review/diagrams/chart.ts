/**
 * A statechart as the diagrams draw it: the tree of its states (compound and parallel ones
 * containing their children), each state with its rule IDs, entry actions and internal transitions
 * (targetless: actions only), and the transitions between states. States and transitions are those
 * of src/statecharts/inventory.ts, with its ids; the tree comes from XState's state nodes.
 */
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { COMPONENT_KINDS } from '../../../models/components.ts';
import { productionModel, type Model } from '../../../models/index.ts';
import type { ComponentKind } from '../../../models/messages.ts';
import { inventory, type TransitionInfo } from '../../statecharts/inventory.ts';

export interface ChartState {
  /** The inventory's id: `host.link.up`; the root's is the machine id. */
  id: string;
  /** Its own name: `up`. */
  key: string;
  type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  root: boolean;
  /** Passed through within one step (eventless exit only): boot steps, `configured` routing states. */
  transient: boolean;
  rules: string[];
  /** Entry actions, by name. */
  entry: string[];
  /** The initial child's id, for a compound state. */
  initial: string | null;
  children: ChartState[];
  /** Its transitions without a target: actions (or a question answered) without a change of state. */
  internal: TransitionInfo[];
}

export interface Chart {
  kind: ComponentKind;
  machine: string;
  /** Orchestration (site, boot) rather than a component. */
  orchestration: boolean;
  root: ChartState;
  /** Transitions with a target, in inventory order. */
  transitions: TransitionInfo[];
  /** Every transition, in inventory order. */
  all: TransitionInfo[];
}

export const ORCHESTRATION: readonly ComponentKind[] = ['site', 'boot'];

/** The charts of every kind of the model, in the registry's order. */
export function charts(model: Model = productionModel): Chart[] {
  return COMPONENT_KINDS.map((kind) => chartOf(kind, model[kind] as AnyStateMachine));
}

export function chartOf(kind: ComponentKind, machine: AnyStateMachine): Chart {
  const inv = inventory(machine);
  const info = new Map(inv.states.map((s) => [s.id, s]));
  const build = (node: AnyStateNode, root: boolean): ChartState => ({
    id: node.id,
    key: root ? machine.id : node.key,
    type: node.type,
    root,
    transient: info.get(node.id)?.transient ?? false,
    rules: info.get(node.id)?.rules ?? [],
    entry: node.entry.map(actionName),
    initial: node.type === 'compound' ? (node.initial?.target[0]?.id ?? null) : null,
    children: Object.values(node.states as Record<string, AnyStateNode>).map((child) => build(child, false)),
    internal: inv.transitions.filter((t) => t.source === node.id && t.targets.length === 0),
  });
  return {
    kind,
    machine: machine.id,
    orchestration: ORCHESTRATION.includes(kind),
    root: build(machine.root, true),
    transitions: inv.transitions.filter((t) => t.targets.length > 0),
    all: inv.transitions,
  };
}

/** Every state of the chart, the root first, depth first in document order. */
export function statesOf(chart: Chart): ChartState[] {
  const out: ChartState[] = [];
  const walk = (s: ChartState) => {
    out.push(s);
    s.children.forEach(walk);
  };
  walk(chart.root);
  return out;
}

/** `EVENT [guard] / action, action`: a transition's label as UML writes it, in the machine's names. */
export function transitionLabel(t: TransitionInfo): string {
  const guard = t.guard === null ? '' : ` [${t.guard}]`;
  const actions = t.actions.length === 0 ? '' : ` / ${t.actions.join(', ')}`;
  return `${t.event}${guard}${actions}`;
}

function actionName(action: unknown): string {
  if (typeof action === 'string') return action;
  const a = action as { type?: unknown };
  return typeof a?.type === 'string' ? a.type : 'action';
}
