/**
 * How the statecharts talk to each other. A machine never sees another one: it emits messages
 * (XState `emit`), each addressed to a component, and the world delivers them in order, depth
 * first (a message's own consequences are delivered before the next message). Where a recipient
 * needs facts about other components (is the link up? is the key cached?), the world adds them to
 * the event as models/facts.ts says, at delivery time.
 */
/** The kinds of component of a site (models/components.ts registers each one). */
export type ComponentKind =
  'site' | 'vcenter' | 'provider' | 'host' | 'boot' | 'persistence' | 'diskGroup' | 'vm';

/** One component, the components a host owns, or every component of a kind. */
export type Address =
  | { kind: ComponentKind; id: string }
  | { kind: ComponentKind; owner: string }
  | { kind: ComponentKind; every: true };

/** An event for a component: its type and payload (facts are added on delivery). */
export type Payload = { type: string; [field: string]: unknown };

/** A message: an event for the addressed components. */
export interface Send {
  type: 'send';
  to: Address;
  event: Payload;
}

export function send(to: Address, event: Payload): Send {
  return { type: 'send', to, event };
}
