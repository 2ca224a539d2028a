import { emit, enqueueActions, setup } from 'xstate';
import type { KpmEvent } from './events.ts';
import { send, type Send } from './messages.ts';
import { rules } from './meta.ts';
import type { Options } from './topology.ts';

export interface SiteContext {
  /** In topology order: the automatic effects go host by host. */
  hosts: { id: string; keyPersistence: boolean }[];
  options: Pick<Options, 'autostart' | 'autoUnlock'>;
}

/** The events of interface.md, and `START`: the site comes up in its steady initial state. */
export type SiteEvent = KpmEvent | { type: 'START' };

type Targeted<F extends string> = Extract<SiteEvent, Record<F, string>>;

/**
 * The site: where each event goes (routing), and what follows every applied event (section 1,
 * "Automatic effects"). It keeps no state of its own between events.
 *
 * The first message an event sends decides it: when that component refuses it, or does not exist,
 * the whole event is refused and nothing changes (interface.md: a refused event is a step with a
 * reason). Every other message is an effect of the event.
 *
 * - Outages (KMS, vCenter, link) reach only the component that is down (DOC-03: running VMs never
 *   hear of them); a reboot runs the host's boot (models/boot.ts); `TPM_REPLACE` clears the TPM,
 *   then boots (DOC-09).
 * - After every applied event, host by host: KDK delivery, the disk group's retry (DOC-05), and the
 *   key check of locked VMs (ASM-02).
 * - `START`: persistence as the topology sets it, in effect before the first boot (section 6), then
 *   every host boots, with each VM started when the topology says `running: true`.
 */
export const siteMachine = setup({
  types: {} as { context: SiteContext; input: SiteContext; events: SiteEvent; emitted: Send },
  actions: {
    toProvider: emit(({ event }) =>
      send({ kind: 'provider', id: (event as Targeted<'provider'>).provider }, { type: event.type }),
    ),
    toVcenter: emit(({ event }) => send({ kind: 'vcenter', id: 'vcenter' }, { type: event.type })),
    toHost: emit(({ event }) =>
      send({ kind: 'host', id: (event as Targeted<'host'>).host }, { type: event.type }),
    ),
    toPersistence: emit(({ event }) =>
      send({ kind: 'persistence', id: (event as Targeted<'host'>).host }, { type: event.type }),
    ),
    toVm: emit(({ event }) => send({ kind: 'vm', id: (event as Targeted<'vm'>).vm }, { type: event.type })),
    /** ASM-05: the whole boot in one step; ASM-03 decides whether running VMs start again. */
    reboot: emit(({ context, event }) =>
      send(
        { kind: 'boot', id: (event as Targeted<'host'>).host },
        { type: 'BOOT', autostart: context.options.autostart },
      ),
    ),
    /** DOC-09: the host refuses without a TPM 2.0; otherwise what the TPM sealed is gone, and the host boots. */
    replaceTpm: enqueueActions(({ context, event, enqueue }) => {
      const host = (event as Targeted<'host'>).host;
      enqueue.emit(send({ kind: 'host', id: host }, { type: 'TPM_REPLACE' }));
      enqueue.emit(send({ kind: 'persistence', id: host }, { type: 'TPM_CLEARED' }));
      enqueue.emit(send({ kind: 'boot', id: host }, { type: 'BOOT', autostart: context.options.autostart }));
    }),
    start: enqueueActions(({ context, enqueue }) => {
      for (const host of context.hosts) {
        if (host.keyPersistence)
          enqueue.emit(send({ kind: 'persistence', id: host.id }, { type: 'KEY_PERSISTENCE_ENABLE' }));
        enqueue.emit(send({ kind: 'boot', id: host.id }, { type: 'BOOT', autostart: true }));
      }
    }),
    /** Section 1, "Automatic effects after every applied event", host by host. */
    settle: enqueueActions(({ context, enqueue }) => {
      for (const { id } of context.hosts) {
        enqueue.emit(send({ kind: 'provider', every: true }, { type: 'PUSH_KDK', host: id })); // KP-13
        enqueue.emit(send({ kind: 'diskGroup', id }, { type: 'MOUNT' })); // DOC-05
        enqueue.emit(
          send({ kind: 'vm', owner: id }, { type: 'KEY_CHECK', autoUnlock: context.options.autoUnlock }),
        ); // ASM-02
      }
    }),
  },
}).createMachine({
  id: 'site',
  context: ({ input }) => input,
  initial: 'ready',
  states: {
    ready: {
      on: {
        START: { actions: ['start', 'settle'], ...rules('KP-17', 'ASM-01') },
        KMS_DOWN: { actions: ['toProvider', 'settle'], ...rules('DOC-03') },
        KMS_UP: { actions: ['toProvider', 'settle'], ...rules('DOC-03', 'DOC-05') },
        VCENTER_DOWN: { actions: ['toVcenter', 'settle'], ...rules('DOC-03') },
        VCENTER_UP: { actions: ['toVcenter', 'settle'], ...rules('DOC-03', 'KP-13') },
        LINK_DOWN: { actions: ['toHost', 'settle'], ...rules('DOC-03') },
        LINK_UP: { actions: ['toHost', 'settle'], ...rules('DOC-03', 'DOC-05', 'KP-13') },
        ATTESTATION_FAIL: { actions: ['toHost', 'settle'], ...rules('DOC-07') },
        ATTESTATION_PASS: { actions: ['toHost', 'settle'], ...rules('DOC-07') },
        HOST_REBOOT: { actions: ['reboot', 'settle'], ...rules('KP-07', 'KP-08', 'ASM-05') },
        TPM_REPLACE: { actions: ['replaceTpm', 'settle'], ...rules('DOC-09') },
        KEY_PERSISTENCE_ENABLE: { actions: ['toPersistence', 'settle'], ...rules('KP-17', 'DOC-01') },
        KEY_PERSISTENCE_DISABLE: { actions: ['toPersistence', 'settle'], ...rules('KP-17', 'DOC-02') },
        VM_POWER_ON: { actions: ['toVm', 'settle'], ...rules('DOC-04', 'KP-12') },
        VM_POWER_OFF: { actions: ['toVm', 'settle'], ...rules('DOC-03') },
        VM_UNLOCK: { actions: ['toVm', 'settle'], ...rules('DOC-04') },
      },
    },
  },
});
