/**
 * The event alphabets the properties quantify over (key-persistence.md, section 5): "outages",
 * "reboots", "VM power operations". A property is checked over every trace of its alphabet.
 */
import { OUTAGE_EVENTS, type EventType, type KpmEvent } from '../events.ts';

export type AlphabetName =
  | 'all'
  | 'outages'
  | 'outagesAndReboots'
  | 'outagesRebootsAndPower'
  | 'vcenterAndReboots'
  /** AV-07 compares persistence on and off, so the trace itself must not switch it. */
  | 'withoutPersistenceEvents';

const REBOOT: ReadonlySet<EventType> = new Set(['HOST_REBOOT']);
const POWER: ReadonlySet<EventType> = new Set(['VM_POWER_ON', 'VM_POWER_OFF']);
const VCENTER: ReadonlySet<EventType> = new Set(['VCENTER_DOWN', 'VCENTER_UP']);

const union = (...sets: ReadonlySet<EventType>[]): ReadonlySet<EventType> =>
  new Set(sets.flatMap((s) => [...s]));

const MEMBERS: Record<Exclude<AlphabetName, 'all' | 'withoutPersistenceEvents'>, ReadonlySet<EventType>> = {
  outages: OUTAGE_EVENTS,
  outagesAndReboots: union(OUTAGE_EVENTS, REBOOT),
  outagesRebootsAndPower: union(OUTAGE_EVENTS, REBOOT, POWER),
  vcenterAndReboots: union(VCENTER, REBOOT),
};

const PERSISTENCE: ReadonlySet<EventType> = new Set(['KEY_PERSISTENCE_ENABLE', 'KEY_PERSISTENCE_DISABLE']);

export function inAlphabet(name: AlphabetName, event: KpmEvent): boolean {
  if (name === 'all') return true;
  if (name === 'withoutPersistenceEvents') return !PERSISTENCE.has(event.type);
  return MEMBERS[name].has(event.type);
}

export function isVcenterEvent(event: KpmEvent): boolean {
  return VCENTER.has(event.type);
}
