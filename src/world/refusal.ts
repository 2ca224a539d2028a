import type { AnyMachineSnapshot, EventObject } from 'xstate';
import type { StateMeta } from '../../models/meta.ts';

/**
 * Why a snapshot refuses an event, read from the `meta.refuse` of its active states (models/meta.ts),
 * the innermost state first. A reason that is a function gets the context and the event, with the
 * facts it was delivered with (which part of the key path is down, say).
 */
export function refusalReason(snapshot: AnyMachineSnapshot, event: EventObject): string {
  const metas = Object.values(snapshot.getMeta()) as (StateMeta | undefined)[];
  for (const meta of metas.reverse()) {
    const reason = meta?.refuse?.[event.type];
    if (reason === undefined) continue;
    return typeof reason === 'function' ? reason(snapshot.context, event) : reason;
  }
  return `${event.type} cannot take effect now`;
}
