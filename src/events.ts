/**
 * The event vocabulary (interface.md, "Events"): one set of names for event files, replay,
 * properties, the explorer and test paths.
 */
export type KpmEvent =
  | { type: 'KMS_DOWN'; provider: string }
  | { type: 'KMS_UP'; provider: string }
  | { type: 'VCENTER_DOWN' }
  | { type: 'VCENTER_UP' }
  | { type: 'LINK_DOWN'; host: string }
  | { type: 'LINK_UP'; host: string }
  | { type: 'HOST_REBOOT'; host: string }
  | { type: 'VM_POWER_ON'; vm: string }
  | { type: 'VM_POWER_OFF'; vm: string }
  | { type: 'VM_UNLOCK'; vm: string }
  | { type: 'KEY_PERSISTENCE_ENABLE'; host: string }
  | { type: 'KEY_PERSISTENCE_DISABLE'; host: string }
  | { type: 'ATTESTATION_FAIL'; host: string }
  | { type: 'ATTESTATION_PASS'; host: string }
  | { type: 'TPM_REPLACE'; host: string };

export type EventType = KpmEvent['type'];

/** Which field names the target of each event type. */
export const EVENT_TARGET: Record<EventType, 'provider' | 'host' | 'vm' | null> = {
  KMS_DOWN: 'provider',
  KMS_UP: 'provider',
  VCENTER_DOWN: null,
  VCENTER_UP: null,
  LINK_DOWN: 'host',
  LINK_UP: 'host',
  HOST_REBOOT: 'host',
  VM_POWER_ON: 'vm',
  VM_POWER_OFF: 'vm',
  VM_UNLOCK: 'vm',
  KEY_PERSISTENCE_ENABLE: 'host',
  KEY_PERSISTENCE_DISABLE: 'host',
  ATTESTATION_FAIL: 'host',
  ATTESTATION_PASS: 'host',
  TPM_REPLACE: 'host',
};

export const EVENT_TYPES = Object.keys(EVENT_TARGET) as EventType[];

/** Outages and their repair: the events of DOC-03 and AV-09. */
export const OUTAGE_EVENTS: ReadonlySet<EventType> = new Set([
  'KMS_DOWN',
  'KMS_UP',
  'VCENTER_DOWN',
  'VCENTER_UP',
  'LINK_DOWN',
  'LINK_UP',
]);

/** One line a person can read and paste back: `HOST_REBOOT esx-02`. */
export function formatEvent(event: KpmEvent): string {
  const field = EVENT_TARGET[event.type];
  return field ? `${event.type} ${(event as Record<string, string>)[field]}` : event.type;
}
