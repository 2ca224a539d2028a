/**
 * The event alphabets the properties quantify over (key-persistence.md, section 5): "outages",
 * "reboots", "VM power operations". A property is checked over every trace of its alphabet, from
 * the steady initial state.
 */
import type { EventType, KpmEvent } from '../../models/events.ts';

export type AlphabetName =
  | 'all'
  | 'outages'
  | 'outagesAndPower'
  | 'outagesAndReboots'
  | 'outagesRebootsAndPower'
  | 'vcenterAndReboots'
  /** AV-07 compares persistence on and off, so the trace itself must not switch it. */
  | 'withoutPersistenceEvents';

/** Outages and their repair (KMS or Trust Authority, vCenter, link): the events of DOC-03. */
export const OUTAGE_EVENTS: ReadonlySet<EventType> = new Set([
  'KMS_DOWN',
  'KMS_UP',
  'VCENTER_DOWN',
  'VCENTER_UP',
  'LINK_DOWN',
  'LINK_UP',
]);

const REBOOT: ReadonlySet<EventType> = new Set(['HOST_REBOOT']);
const POWER: ReadonlySet<EventType> = new Set(['VM_POWER_ON', 'VM_POWER_OFF']);
const VCENTER: ReadonlySet<EventType> = new Set(['VCENTER_DOWN', 'VCENTER_UP']);
const PERSISTENCE: ReadonlySet<EventType> = new Set(['KEY_PERSISTENCE_ENABLE', 'KEY_PERSISTENCE_DISABLE']);

const union = (...sets: ReadonlySet<EventType>[]): ReadonlySet<EventType> =>
  new Set(sets.flatMap((s) => [...s]));

const MEMBERS: Record<Exclude<AlphabetName, 'all' | 'withoutPersistenceEvents'>, ReadonlySet<EventType>> = {
  outages: OUTAGE_EVENTS,
  outagesAndPower: union(OUTAGE_EVENTS, POWER),
  outagesAndReboots: union(OUTAGE_EVENTS, REBOOT),
  outagesRebootsAndPower: union(OUTAGE_EVENTS, REBOOT, POWER),
  vcenterAndReboots: union(VCENTER, REBOOT),
};

export function inAlphabet(name: AlphabetName, event: KpmEvent): boolean {
  if (name === 'all') return true;
  if (name === 'withoutPersistenceEvents') return !PERSISTENCE.has(event.type);
  return MEMBERS[name].has(event.type);
}

/** The filter of a named alphabet, for the explorers. */
export function alphabetFilter(name: AlphabetName): (event: KpmEvent) => boolean {
  return (event) => inAlphabet(name, event);
}

export function isVcenterEvent(event: KpmEvent): boolean {
  return VCENTER.has(event.type);
}
