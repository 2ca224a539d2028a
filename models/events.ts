/**
 * The events a site receives from the outside (interface.md, "Events"): outages and their repair,
 * reboots, VM operations, administration, attestation. One vocabulary everywhere: event files,
 * traces, counterexamples, test paths. Each event names its targets by field; an event may name
 * several (the field gives the kind of component each one names).
 */

/** The kinds of component an event can name. */
export type TargetKind = 'provider' | 'host' | 'vm';

/** Per event type: its target fields, and the kind of component each names. */
export const EVENT_TARGETS = {
  KMS_DOWN: { provider: 'provider' },
  KMS_UP: { provider: 'provider' },
  VCENTER_DOWN: {},
  VCENTER_UP: {},
  LINK_DOWN: { host: 'host' },
  LINK_UP: { host: 'host' },
  HOST_REBOOT: { host: 'host' },
  VM_POWER_ON: { vm: 'vm' },
  VM_POWER_OFF: { vm: 'vm' },
  VM_UNLOCK: { vm: 'vm' },
  KEY_PERSISTENCE_ENABLE: { host: 'host' },
  KEY_PERSISTENCE_DISABLE: { host: 'host' },
  ATTESTATION_FAIL: { host: 'host' },
  ATTESTATION_PASS: { host: 'host' },
  TPM_REPLACE: { host: 'host' },
} as const satisfies Record<string, Readonly<Record<string, TargetKind>>>;

export type EventType = keyof typeof EVENT_TARGETS;

/** `{ type: 'HOST_REBOOT', host: 'esx-02' }`: the type and one id per target field. */
export type KpmEvent = {
  [T in EventType]: { type: T } & { [F in keyof (typeof EVENT_TARGETS)[T]]: string };
}[EventType];

export const EVENT_TYPES = Object.keys(EVENT_TARGETS) as EventType[];

/** The target fields of an event type, in declaration order. */
export function targetFields(type: EventType): string[] {
  return Object.keys(EVENT_TARGETS[type]);
}

/** The ids an event names, with the kind of each: `[['host', 'esx-02']]`. */
export function targetsOf(event: KpmEvent): [TargetKind, string][] {
  const fields = EVENT_TARGETS[event.type] as Readonly<Record<string, TargetKind>>;
  return Object.entries(fields).map(([field, kind]) => [kind, (event as Record<string, string>)[field]]);
}
