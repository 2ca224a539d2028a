/**
 * Which hosts the model couples, derived from what the world does, never assumed.
 *
 * The compositional check (src/check/compose.ts) decides each property on the shared services and
 * one host at a time. That is exact when, and only when, every step splits into parts that each
 * touch the services and one host (section 1 says so of the spec; this file checks that the model
 * does it). The world reports, message by message, which components each message of a step is
 * addressed or delivered to, what the fact gatherers read (`get`, `ask`, `owned` of models/facts.ts)
 * and which snapshots change (world.ts, `FootprintRecorder`); the registry (models/components.ts)
 * says which host owns each component. A step couples hosts when:
 *
 * 1. one of its messages goes to every component of a kind that hosts own (a broadcast: under
 *    `keyScope: 'cluster'` the boot sends `CLUSTER_KEY` to every VM of the site): every host, in
 *    one part (`level: 'part'`). A part without them would not have the components it reaches.
 *    The hosts whose components it changes are reached (rule 2); the others are only asked, and
 *    keep their own blocks of the tables, which check that each answer is the same in every state
 *    its component reaches (tables.ts, `verifyRead`): a static read of its configuration;
 * 2. one message reaches components of two hosts, or the message that decides a host's event
 *    reaches another host (a migration, a key pushed to another host): those hosts;
 * 2'. a message of a host's own event (or of the site's start) reaches a host that the part being
 *    explored does not have (the site's automatic effects only ever reach the part's own hosts,
 *    so this is the event acting on another host): the event's host (the part's) and that one; a
 *    message of a service event that does: every host;
 * 3. the message that decides a service event reads a host (the services' next state would then
 *    depend on it), or any other message changes a shared service (an automatic effect, or a
 *    host's own event, would change what every host reads): every host.
 *
 * What it cannot see: a step it never runs. The recorder watches every step the explorer takes,
 * which for a complete exploration is every event from every reachable state of the part explored;
 * so a bounded part leaves the independence unproven, and kpm check then reports nothing as holding
 * (compose.ts). The other half of the argument, that the automatic effects which follow another
 * host's event leave a host as it was, is checked by the tables on every reachable pair of a part
 * (tables.ts, `checkSettled`).
 */
import type { AnyMachineSnapshot } from 'xstate';
import type { KpmEvent } from '../../models/events.ts';
import type { ComponentKind, Payload, Send } from '../../models/messages.ts';
import { formatEvent } from '../events.ts';
import type { Layout } from '../world/layout.ts';
import type { FootprintRecorder } from '../world/world.ts';
import { ownersOf } from './groups.ts';

/** Hosts that must be explored together: some of them, or every host of the site. */
export type CoupledHosts = readonly string[] | 'every host';

export interface Coupling {
  hosts: CoupledHosts;
  /** What the model did that couples them, in a sentence. */
  reason: string;
  /**
   * `block` (the default): the hosts are explored as one block of the tables, their product. `part`:
   * in one part of the site, each its own block; what one reads of another is its configuration.
   */
  level?: 'part' | 'block';
}

/** Thrown when a step couples hosts that are being explored apart, or that the tables hold apart. */
export class CouplingError extends Error {
  constructor(readonly coupling: Coupling) {
    super(`hosts coupled (${describeHosts(coupling.hosts)}): ${coupling.reason}`);
    this.name = 'CouplingError';
  }
}

/**
 * Thrown when even the product of every host cannot be held by the tables: the model makes an
 * event of one host change the shared services. No production statechart does (models/components.ts
 * gives the services no owner); a variant that did is refused with its reason, never explored wrong.
 */
export class UnexplorableModel extends Error {
  constructor(readonly coupling: Coupling) {
    super(
      `the model cannot be explored: ${coupling.reason}. The explorer keeps the shared services apart ` +
        `from the hosts (src/explore/tables.ts), so a host's event must not change them.`,
    );
    this.name = 'UnexplorableModel';
  }
}

export function describeHosts(hosts: CoupledHosts): string {
  return hosts === 'every host' ? 'every host' : hosts.join(', ');
}

/**
 * A footprint recorder that turns what each message did into couplings, with the rules above.
 * `found` is called with each one (it may throw, to stop the exploration at once). `layout` is the
 * whole site's: ids are looked up there even when the world explored is a part of it, so that a
 * message for a host the part does not have is seen for what it is.
 */
export class CouplingRecorder implements FootprintRecorder {
  private event: Payload = { type: 'START' };
  private owners: readonly string[] = [];
  private start = true;
  private index = -1;
  private message_: Send | null = null;
  private readonly hosts = new Set<string>();
  private broadcastTo: string | null = null;
  private changedService: string | null = null;
  private readonly eventOwners = new WeakMap<object, readonly string[]>();

  private readonly part: ReadonlySet<string>;

  /** `part`: the hosts of the part of the site being explored (all of them: the whole site). */
  constructor(
    private readonly layout: Layout,
    part: readonly string[],
    private readonly found: (coupling: Coupling) => void,
  ) {
    this.part = new Set(part);
  }

  step(event: Payload): void {
    this.flush();
    this.event = event;
    this.start = event.type === 'START';
    this.owners = this.start ? [] : this.ownersOf(event as KpmEvent);
  }

  message(index: number, message: Send): void {
    this.flush();
    this.index = index;
    this.message_ = message;
  }

  touch(kind: ComponentKind, id: string): void {
    if (this.message_ === null) return;
    const owner = this.layout.instance(kind, id)?.owner;
    if (owner !== undefined && owner !== null) this.hosts.add(owner);
  }

  touchHost(host: string): void {
    if (this.message_ !== null) this.hosts.add(host);
  }

  broadcast(kind: ComponentKind, type: string): void {
    if (this.message_ !== null && this.layout.ownedKind(kind))
      this.broadcastTo ??= `${type} to every ${kind}`;
  }

  /** Broadcast recipients are judged by what changes (`replaced`); the others are touched. */
  reached(): void {}

  replaced(kind: ComponentKind, id: string, before: AnyMachineSnapshot, after: AnyMachineSnapshot): void {
    if (this.message_ === null || before === after) return;
    const owner = this.layout.instance(kind, id)?.owner;
    if (owner === undefined) return;
    // Compared only when it could tell something new (the comparison costs two serialisations).
    const known = owner === null ? this.changedService !== null : this.hosts.has(owner);
    if (known || sameSnapshot(before, after)) return;
    if (owner === null) this.changedService = `${kind} ${id}`;
    else this.hosts.add(owner);
  }

  /** Judges the message seen last; call once the recording is over. */
  flush(): void {
    const message = this.message_;
    if (message === null) return;
    const hosts = this.hosts;
    const decisive = this.index === 0 && !this.start;
    if (decisive) for (const owner of this.owners) hosts.add(owner);

    const part: Coupling | null =
      this.broadcastTo === null
        ? null
        : {
            hosts: 'every host',
            level: 'part',
            reason: `${this.what(message)} sends ${this.broadcastTo} of the site`,
          };
    let coupling: Coupling | null = null;
    if (decisive && this.owners.length === 0 && hosts.size > 0) {
      coupling = {
        hosts: 'every host',
        reason: `${this.what(message)} reads ${[...hosts].join(', ')}: the services' next state would depend on a host`,
      };
    } else if (this.changedService !== null && !(decisive && this.owners.length === 0)) {
      coupling = {
        hosts: 'every host',
        reason: `${this.what(message)} changes ${this.changedService}, which every host reads`,
      };
    } else if (hosts.size > 1) {
      coupling = { hosts: [...hosts], reason: `${this.what(message)} reaches ${[...hosts].join(' and ')}` };
    } else if (!this.start && this.owners.length === 0 && [...hosts].some((h) => !this.part.has(h))) {
      // A service event's message for a host this part does not have: in the whole site it would
      // act there, whatever named it (the services, or a host of this part).
      coupling = {
        hosts: 'every host',
        reason: `${this.what(message)} reaches ${[...hosts].join(' and ')}, a host of another part: a service event acts on hosts the part cannot see`,
      };
    } else if ((this.start || this.owners.length > 0) && [...hosts].some((h) => !this.part.has(h))) {
      const mine = this.start ? [...this.part] : [...this.owners];
      coupling = {
        hosts: [...new Set([...mine, ...hosts])],
        reason: `${this.what(message)} reaches ${[...hosts].join(' and ')}, which ${this.start ? 'the start' : 'an event'} of ${mine.join(', ')} acts on`,
      };
    }
    this.message_ = null;
    this.index = -1;
    this.hosts.clear();
    this.broadcastTo = null;
    this.changedService = null;
    if (coupling !== null) this.found(coupling);
    if (part !== null) this.found(part);
  }

  /** The message in words, for a coupling's reason (only then: formatting costs more than judging). */
  private what(message: Send): string {
    const event = this.start ? 'the start of the site' : formatEvent(this.event as KpmEvent);
    return `${event}: ${message.event.type} to ${address(message)}`;
  }

  private ownersOf(event: KpmEvent): readonly string[] {
    let owners = this.eventOwners.get(event);
    if (owners === undefined) this.eventOwners.set(event, (owners = ownersOf(this.layout, event)));
    return owners;
  }
}

function address(message: Send): string {
  const to = message.to;
  if ('id' in to) return `${to.kind} ${to.id}`;
  if ('owner' in to) return `the ${to.kind}s of ${to.owner}`;
  return `every ${to.kind}`;
}

function sameSnapshot(a: AnyMachineSnapshot, b: AnyMachineSnapshot): boolean {
  return (
    JSON.stringify(a.value) === JSON.stringify(b.value) &&
    JSON.stringify(a.context) === JSON.stringify(b.context)
  );
}
