/**
 * XState's pure `transition()`, without its fixed cost. `transition()` builds a throwaway actor
 * for every call (about 20 µs here, most of a step's time); `machine.transition(snapshot, event,
 * scope)`, the public method it wraps, does the same work given a scope, so one inert scope per
 * machine is built once and reused. A test holds the two equal on every machine.
 */
import {
  createActor,
  getStateNodes,
  type ActorScope,
  type AnyActorRef,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type AnyTransitionDefinition,
  type EventObject,
  type Subscription,
} from 'xstate';
import type { Send } from '../../models/messages.ts';

/** One transition of one component, or one question asked of it (`can`), as a tracer sees it. */
export interface TransitionRecord {
  machine: AnyStateMachine;
  before: AnyMachineSnapshot;
  event: EventObject;
  after: AnyMachineSnapshot;
  /**
   * The statechart transitions taken, in microstep order (eventless ones included); for a
   * question, the guarded transitions that answered yes.
   */
  taken: readonly AnyTransitionDefinition[];
  /** The messages it sent (none for a question). */
  sent: readonly Send[];
}

/** Sees every component transition the world makes: coverage of the statecharts is measured with it. */
export type TransitionTracer = (record: TransitionRecord) => void;

let tracer: TransitionTracer | null = null;

/** Installs a tracer (or removes it with null); returns the one it replaces. */
export function traceTransitions(next: TransitionTracer | null): TransitionTracer | null {
  const previous = tracer;
  tracer = next;
  // What a traced run remembers lasts while its tracer is installed: kept longer, it would hold a
  // chain of next snapshots as long as a trace (kpm replay explains 10,000 events in a small heap).
  if (next !== previous) {
    traced = new WeakMap();
    tracedAnswers = new WeakMap();
  }
  for (const known of allScopes) inspect(known, next !== null);
  return previous;
}

/** Whether a tracer is installed: what the world remembers to save time, it must then do again. */
export function tracing(): boolean {
  return tracer !== null;
}

interface Scope {
  scope: ActorScope<AnyMachineSnapshot, EventObject>;
  /** What the last transition asked to do; the world reads the messages (`emit`) among it. */
  actions: { type: string; params?: unknown }[];
  /** The transitions of the last transition's microsteps, while a tracer is installed. */
  taken: AnyTransitionDefinition[];
  self: AnyActorRef;
  /** Set while a tracer is installed: inspection costs a fifth of a transition, so it is off otherwise. */
  inspection: Subscription | null;
}

const scopes = new WeakMap<AnyStateMachine, Scope>();
const allScopes = new Set<Scope>();

/** XState's inspection API reports each microstep with the transitions it took. */
function inspect(known: Scope, on: boolean): void {
  if (on && known.inspection === null) {
    known.inspection = known.self.system.inspect((event) => {
      if (event.type === '@xstate.microstep') known.taken.push(...event._transitions);
    });
  } else if (!on && known.inspection !== null) {
    known.inspection.unsubscribe();
    known.inspection = null;
  }
}

/** The same inert scope as XState's own `transition()` builds (createInertActorScope), kept. */
function scopeOf(machine: AnyStateMachine): Scope {
  let known = scopes.get(machine);
  if (known) return known;
  const self = createActor(machine);
  const actions: Scope['actions'] = [];
  const taken: AnyTransitionDefinition[] = [];
  const scope = {
    self,
    defer: () => {},
    id: '',
    logger: () => {},
    sessionId: '',
    stopChild: () => {},
    system: self.system,
    emit: () => {},
    actionExecutor: (action: { type: string; params?: unknown }) => void actions.push(action),
  } as unknown as ActorScope<AnyMachineSnapshot, EventObject>;
  known = { scope, actions, taken, self, inspection: null };
  scopes.set(machine, known);
  allScopes.add(known);
  inspect(known, tracer !== null);
  return known;
}

const transitions = new WeakMap<AnyMachineSnapshot, Map<string, [AnyMachineSnapshot, Send[]]>>();

/**
 * The next snapshot of `machine` after `event`, and the messages it sends; a pure function of its
 * arguments, so remembered per snapshot and event (the explorer composes worlds from interned
 * snapshots, and the same transitions come back at every step). Not while a tracer is installed:
 * it must see each transition. Callers must not change what it returns.
 */
export function next<S extends AnyMachineSnapshot>(
  machine: AnyStateMachine,
  snapshot: S,
  event: EventObject,
): [S, Send[]] {
  if (tracer !== null) return tracedNext(tracer, machine, snapshot, event);
  let known = transitions.get(snapshot);
  if (!known) transitions.set(snapshot, (known = new Map()));
  const key = JSON.stringify(event);
  let result = known.get(key) as [S, Send[]] | undefined;
  if (!result) known.set(key, (result = transition(machine, snapshot, event)));
  return result;
}

/** A transition, remembered while a tracer is installed, with what it took (shown again on each use). */
interface Traced {
  after: AnyMachineSnapshot;
  sent: Send[];
  taken: AnyTransitionDefinition[];
}

let traced = new WeakMap<AnyMachineSnapshot, Map<string, Traced>>();

function tracedNext<S extends AnyMachineSnapshot>(
  seeing: TransitionTracer,
  machine: AnyStateMachine,
  snapshot: S,
  event: EventObject,
): [S, Send[]] {
  let known = traced.get(snapshot);
  if (!known) traced.set(snapshot, (known = new Map()));
  const key = JSON.stringify(event);
  let found = known.get(key);
  if (!found) {
    tracer = null; // transition() would report it: it is reported below, as on every later use
    try {
      const [after, sent] = transition(machine, snapshot, event);
      found = { after, sent, taken: [...scopeOf(machine).taken] };
    } finally {
      tracer = seeing;
    }
    known.set(key, found);
  }
  seeing({ machine, before: snapshot, event, after: found.after, taken: [...found.taken], sent: found.sent });
  return [found.after as S, found.sent];
}

function transition<S extends AnyMachineSnapshot>(
  machine: AnyStateMachine,
  snapshot: S,
  event: EventObject,
): [S, Send[]] {
  const { scope, actions, taken } = scopeOf(machine);
  actions.length = 0;
  taken.length = 0;
  const after = machine.transition(snapshot, event, scope) as S;
  const sent: Send[] = [];
  for (const action of actions) {
    if (action.type === 'xstate.emit') sent.push((action.params as { event: Send }).event);
  }
  tracer?.({ machine, before: snapshot, event, after, taken: [...taken], sent });
  return [after, sent];
}

/**
 * Whether `snapshot` would take `event` (`snapshot.can`): how a component answers a question
 * (would this provider release that key?). A tracer sees a yes as the transition that says it.
 */
export function ask(machine: AnyStateMachine, snapshot: AnyMachineSnapshot, event: EventObject): boolean {
  if (tracer === null) return remembered(snapshot, event);
  let known = tracedAnswers.get(snapshot);
  if (!known) tracedAnswers.set(snapshot, (known = new Map()));
  const key = JSON.stringify(event);
  let taken = known.get(key);
  if (taken === undefined) {
    taken = snapshot.can(event) ? machine.getTransitionData(snapshot, event) : null;
    known.set(key, taken);
  }
  if (taken !== null)
    tracer({ machine, before: snapshot, event, after: snapshot, taken: [...taken], sent: [] });
  return taken !== null;
}

/** What a traced run asked, with the transitions that said yes (null: no); kept as `traced` is. */
let tracedAnswers = new WeakMap<AnyMachineSnapshot, Map<string, AnyTransitionDefinition[] | null>>();

const answers = new WeakMap<AnyMachineSnapshot, Map<string, boolean>>();

/** `snapshot.can(event)`, remembered per snapshot and event: the same questions come back at every step. */
function remembered(snapshot: AnyMachineSnapshot, event: EventObject): boolean {
  let known = answers.get(snapshot);
  if (!known) answers.set(snapshot, (known = new Map()));
  const key = JSON.stringify(event);
  let yes = known.get(key);
  if (yes === undefined) known.set(key, (yes = snapshot.can(event)));
  return yes;
}

/** The initial snapshot of `machine` for `input`. */
export function start<S extends AnyMachineSnapshot>(machine: AnyStateMachine, input?: unknown): S {
  const { scope, actions, taken } = scopeOf(machine);
  actions.length = 0;
  taken.length = 0;
  const initial = machine.getInitialSnapshot(scope, input) as S;
  // The eventless transitions out of initial routing states (`configured`) are taken here.
  tracer?.({
    machine,
    before: initial,
    event: { type: 'xstate.init' },
    after: initial,
    taken: [...taken],
    sent: [],
  });
  return initial;
}

const handled = new WeakMap<AnyStateMachine, Map<string, ReadonlySet<string>>>();

/**
 * Whether the snapshot's active states have a transition for this event type at all (guards
 * aside). When not, delivering the event changes nothing: the world skips it, and the facts it
 * would need are not gathered.
 */
export function handles(machine: AnyStateMachine, snapshot: AnyMachineSnapshot, type: string): boolean {
  let types = handledBySnapshot.get(snapshot);
  if (!types) handledBySnapshot.set(snapshot, (types = handledTypes(machine, snapshot)));
  return types.has(type);
}

/** Per snapshot object first: the explorer reuses interned snapshots, so most look-ups end here. */
const handledBySnapshot = new WeakMap<AnyMachineSnapshot, ReadonlySet<string>>();

function handledTypes(machine: AnyStateMachine, snapshot: AnyMachineSnapshot): ReadonlySet<string> {
  let byValue = handled.get(machine);
  if (!byValue) handled.set(machine, (byValue = new Map()));
  const value = typeof snapshot.value === 'string' ? snapshot.value : JSON.stringify(snapshot.value);
  let types = byValue.get(value);
  if (!types) {
    types = new Set(getStateNodes(machine.root, snapshot.value).flatMap((node) => node.ownEvents));
    byValue.set(value, types);
  }
  return types;
}
