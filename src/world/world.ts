/**
 * The world: a site's component snapshots, composed with XState's pure transitions.
 *
 * It decides nothing. An event goes to the site machine (models/site.ts), which says where it goes
 * and what follows it, as messages; the world delivers each message to the components it
 * addresses, depth first, adding the facts models/facts.ts names, and delivers the messages those
 * send in turn. The first message of an event decides it: if its component is missing or refuses
 * it, the event is refused and the world stays as it was. One world and one event give one next
 * world: nothing here is random or depends on time.
 */
import type { AnyMachineSnapshot, AnyStateMachine, SnapshotFrom } from 'xstate';
import { COMPONENT_KINDS, COMPONENTS } from '../../models/components.ts';
import type { KpmEvent } from '../../models/events.ts';
import { FACTS, type SiteView } from '../../models/facts.ts';
import { productionModel, type Model } from '../../models/index.ts';
import type { Address, ComponentKind, Payload, Send } from '../../models/messages.ts';
import type { Topology } from '../../models/topology.ts';
import { layoutOf, type Layout } from './layout.ts';
import { refusalReason } from './refusal.ts';
import { ask, handles, next, start, tracing } from './transition.ts';

export { traceTransitions, type TransitionRecord, type TransitionTracer } from './transition.ts';

/**
 * Sees what each step of the world reaches, message by message: the components each message is
 * addressed or delivered to, what the fact gatherers read through the `SiteView` (`get`, `ask`,
 * `owned`), and which snapshots transitions replace. The compositional check derives from it which
 * hosts a step couples (src/check/coupling.ts); the world only reports, it decides nothing.
 */
export interface FootprintRecorder {
  /** A step begins: its event, or START for the steady initial state. */
  step(event: Payload): void;
  /** The site's `index`-th message for the step is delivered next (0: the one that decides it). */
  message(index: number, message: Send): void;
  /** A component is addressed, delivered to, asked or read. */
  touch(kind: ComponentKind, id: string): void;
  /** The components a host owns are listed, or a message goes to them. */
  touchHost(host: string): void;
  /** A message of this type goes to every component of a kind. */
  broadcast(kind: ComponentKind, type: string): void;
  /**
   * A broadcast (a message to every component of a kind) is delivered to this component, whether
   * its state takes it or not: what it answers may depend on that state (the tables check that it
   * does not, src/explore/tables.ts).
   */
  reached(kind: ComponentKind, id: string): void;
  /** A transition replaced a component's snapshot (perhaps by an equal one). */
  replaced(kind: ComponentKind, id: string, before: AnyMachineSnapshot, after: AnyMachineSnapshot): void;
}

let recorder: FootprintRecorder | null = null;

/** Runs `fn` with `next` seeing every step of the world (nested calls see their own). */
export function recordFootprints<T>(next: FootprintRecorder, fn: () => T): T {
  const previous = recorder;
  recorder = next;
  try {
    return fn();
  } finally {
    recorder = previous;
  }
}

/** The recorder that sees the steps now, if any. */
export function footprintRecorder(): FootprintRecorder | null {
  return recorder;
}

/** Every component's snapshot, by kind and id. */
export type Parts = { readonly [K in ComponentKind]: Readonly<Record<string, SnapshotFrom<Model[K]>>> };

export interface World {
  readonly topology: Topology;
  readonly model: Model;
  readonly parts: Parts;
}

export type StepResult =
  { outcome: 'applied'; reason: null; world: World } | { outcome: 'refused'; reason: string; world: World };

/** The steady initial state of a topology (section 1): the site starts, every host boots. */
export function initialWorld(topology: Topology, model: Model = productionModel): World {
  const layout = layoutOf(topology);
  const parts = Object.fromEntries(
    COMPONENT_KINDS.map((kind) => [
      kind,
      Object.fromEntries(layout.instances[kind].map((i) => [i.id, start(model[kind], i.input)])),
    ]),
  ) as unknown as Parts;
  const draft = new Draft({ topology, model, parts });
  const begin = { type: 'START' };
  recorder?.step(begin);
  draft.route(begin).forEach((message, i) => {
    recorder?.message(i + 1, message);
    draft.deliver(message);
  });
  return draft.world();
}

/** The one step of the world: `applied` with the next world, or `refused` with the same world and why. */
export function step(world: World, event: KpmEvent): StepResult {
  const draft = new Draft(world);
  const site = world.parts.site.site;
  if (!handles(world.model.site, site, event.type)) {
    return refused(world, `unknown event type ${JSON.stringify(event.type)}`);
  }
  recorder?.step(event);
  const [decisive, ...effects] = draft.route(event);
  if (decisive !== undefined) recorder?.message(0, decisive);
  const refusal = draft.decide(decisive);
  if (refusal !== null) return refused(world, refusal);
  effects.forEach((message, i) => {
    recorder?.message(i + 1, message);
    draft.deliver(message);
  });
  return { outcome: 'applied', reason: null, world: draft.world() };
}

/**
 * The automatic effects that follow `event` (every message the site sends for it but the first),
 * delivered without the decisive one: what another host's event does to this world. The tables
 * require it to change nothing on a reachable state (src/explore/tables.ts).
 */
export function effectsOf(world: World, event: KpmEvent): World {
  const draft = new Draft(world);
  recorder?.step(event);
  draft
    .route(event)
    .slice(1)
    .forEach((message, i) => {
      recorder?.message(i + 1, message);
      draft.deliver(message);
    });
  return draft.world();
}

/**
 * The messages the site sends for an event (its routing: the decisive message, then the automatic
 * effects), as they would be delivered, without delivering them: only the site machine runs, so
 * this costs the site's messages, not its hosts' steps.
 */
export function routeOf(topology: Topology, event: Payload, model: Model = productionModel): Send[] {
  const site = layoutOf(topology).instances.site[0];
  return next(model.site, start(model.site, site.input), event)[1];
}

/** A read-only view of a world, as the fact gatherers of models/facts.ts see it (for tests and tools). */
export function viewOf(world: World): SiteView {
  return new Draft(world);
}

function refused(world: World, reason: string): StepResult {
  return { outcome: 'refused', reason, world };
}

/**
 * A world under construction during one step. Each kind's record is copied on its first change,
 * so the world the step started from is never changed.
 */
class Draft implements SiteView {
  private readonly layout: Layout;
  private readonly model: Model;
  private readonly parts: Record<ComponentKind, Record<string, AnyMachineSnapshot>>;
  private readonly copied = new Set<ComponentKind>();
  readonly vsanProvider: string | null;

  constructor(world: World) {
    this.layout = layoutOf(world.topology);
    this.model = world.model;
    this.parts = { ...world.parts } as Record<ComponentKind, Record<string, AnyMachineSnapshot>>;
    this.vsanProvider = this.layout.vsanProvider;
  }

  world(): World {
    return { topology: this.layout.topology, model: this.model, parts: this.parts as unknown as Parts };
  }

  get(kind: ComponentKind, id: string): AnyMachineSnapshot | undefined {
    recorder?.touch(kind, id);
    return this.parts[kind][id];
  }

  ask(kind: ComponentKind, id: string, event: Payload): boolean {
    recorder?.touch(kind, id);
    return ask(this.model[kind] as AnyStateMachine, this.parts[kind][id], event);
  }

  owned(kind: ComponentKind, host: string): readonly string[] {
    recorder?.touchHost(host);
    return this.layout.owned(kind, host);
  }

  /**
   * What the site machine sends for an event. It keeps no state between events, so its snapshot
   * stays, and `next` remembers its messages per event (by value: remembered per event object,
   * they would be held as long as the events, which a replay of 100,000 events holds all along).
   */
  route(event: Payload): Send[] {
    return next(this.model.site, this.parts.site.site, event)[1];
  }

  /** Runs one component's transition and keeps its next snapshot; returns it and what it sends. */
  private transition(kind: ComponentKind, id: string, event: Payload): [AnyMachineSnapshot, Send[]] {
    const machine = this.model[kind] as AnyStateMachine;
    const before = this.parts[kind][id];
    const [after, sent] = next(machine, before, event);
    recorder?.replaced(kind, id, before, after);
    if (!this.copied.has(kind)) {
      this.parts[kind] = { ...this.parts[kind] };
      this.copied.add(kind);
    }
    this.parts[kind][id] = after;
    return [after, sent];
  }

  /** The first message of an event: delivered if its one component takes it, else why not. */
  decide(message: Send | undefined): string | null {
    if (message === undefined) return 'nothing takes this event';
    const { kind } = message.to;
    const id = 'id' in message.to ? message.to.id : null;
    if (id !== null) recorder?.touch(kind, id);
    const snapshot = id === null ? undefined : this.parts[kind][id];
    if (id === null || snapshot === undefined)
      return `unknown ${COMPONENTS[kind].noun} ${JSON.stringify(id)}`;
    const event = this.withFacts(kind, snapshot, message.event);
    if (!snapshot.can(event)) return refusalReason(snapshot, event);
    this.receive(kind, id, event);
    return null;
  }

  /** Delivers a message to every component it addresses, and what they send in turn, depth first. */
  deliver(message: Send): void {
    const { kind } = message.to;
    const broadcast = !('id' in message.to) && !('owner' in message.to);
    for (const id of this.recipients(message.to, message.event.type)) {
      if (broadcast) recorder?.reached(kind, id);
      const snapshot = this.parts[kind][id];
      if (
        snapshot === undefined ||
        !handles(this.model[kind] as AnyStateMachine, snapshot, message.event.type)
      ) {
        continue;
      }
      this.receive(kind, id, this.withFacts(kind, snapshot, message.event));
    }
  }

  private receive(kind: ComponentKind, id: string, event: Payload): void {
    const [, sent] = this.transition(kind, id, event);
    for (const message of sent) this.deliver(message);
  }

  private recipients(to: Address, type: string): readonly string[] {
    if ('id' in to) {
      recorder?.touch(to.kind, to.id);
      return [to.id];
    }
    if ('owner' in to) {
      recorder?.touchHost(to.owner);
      return this.layout.owned(to.kind, to.owner);
    }
    recorder?.broadcast(to.kind, type);
    return this.layout.instances[to.kind].map((i) => i.id);
  }

  private withFacts(kind: ComponentKind, snapshot: AnyMachineSnapshot, event: Payload): Payload {
    const gather = FACTS[kind]?.[event.type];
    if (!gather) return event;
    // A gatherer returns a new object (models/facts.ts): the event's fields go onto it, which costs
    // a third of spreading both into another (this runs for most messages of every step).
    const facts = gather(this, snapshot, event) as Record<string, unknown>;
    for (const key in event) if (!(key in facts)) facts[key] = event[key as keyof Payload];
    return facts as Payload;
  }
}
