/**
 * How an event reads to a person, in one line they can paste back into an events file:
 * `HOST_REBOOT esx-02`, `VCENTER_DOWN`. The vocabulary itself is the model's (models/events.ts).
 */
import { targetsOf, type KpmEvent } from '../models/events.ts';

export function formatEvent(event: KpmEvent): string {
  return [event.type, ...targetsOf(event).map(([, id]) => id)].join(' ');
}
