import type { AnyMachineSnapshot } from 'xstate';
import type { StateMeta } from '../../models/meta.ts';

/**
 * Why a snapshot refuses an event, read from the `meta.refuse` of its active states (models/meta.ts).
 * `detail` adds the facts behind a failed guard, such as which part of the key path is down.
 */
export function refusalReason(snapshot: AnyMachineSnapshot, eventType: string, detail = ''): string {
  const metas = Object.values(snapshot.getMeta()) as StateMeta<unknown>[];
  for (const meta of metas.reverse()) {
    const reason = meta?.refuse?.[eventType];
    if (reason === undefined) continue;
    const text = typeof reason === 'function' ? reason(snapshot.context) : reason;
    return detail ? `${text}: ${detail}` : text;
  }
  return `${eventType} cannot take effect now`;
}
