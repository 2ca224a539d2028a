/**
 * Section 7: the operator's page. For each VM of the site: the shortest sequence of outages and
 * reboots that leaves it down (`kpm check`'s operator answer), or why none exists; and for a VM
 * that can be left down, the settings that would protect it (key persistence on its host, a TPM 2.0
 * with persistence, a native provider), each checked by running the model again with the setting.
 */
import {
  hasTpm2,
  kdkEligible,
  persistenceInEffect,
  persistenceSupported,
} from '../../../models/definitions.ts';
import { EVENT_TYPES, type EventType, type KpmEvent } from '../../../models/events.ts';
import type { Topology, Vm } from '../../../models/topology.ts';
import { atLeast, FLOORS } from '../../../models/vocabulary.ts';
import { inAlphabet } from '../../catalogue/alphabets.ts';
import type { OperatorAnswer } from '../../check/report.ts';
import { checkRules } from '../../topology/rules.ts';
import type { ReviewContext } from '../context.ts';
import { code, heading, paragraph, strong, table, type Block, type Section, type Text } from '../document.ts';
import { shortestLosses } from '../losses.ts';
import { eventsLine, timelineBlocks } from '../timeline.ts';

/** The events of the operator's question: outages and their repair, and reboots. */
export const OUTAGES_AND_REBOOTS: ReadonlySet<EventType> = new Set(
  EVENT_TYPES.filter((type) => inAlphabet('outagesAndReboots', { type } as KpmEvent)),
);

export interface Candidate {
  setting: string;
  /** Why the setting cannot be made on this site; null when it can. */
  impossible: string | null;
  /** The model's answer with the setting: still down by this trace, or not. */
  outcome:
    | { kind: 'protects' }
    | { kind: 'down'; trace: KpmEvent[]; command: string }
    | { kind: 'never runs'; why: string }
    | null;
}

export interface VmPage {
  vm: Vm;
  kind: string;
  answer: OperatorAnswer | null;
  why: string;
  command: string | null;
  candidates: Candidate[];
}

export function operatorData(ctx: ReviewContext): VmPage[] {
  return ctx.topology.vms.map((vm) => {
    const answer = ctx.check.operator.find((a) => a.vm === vm.id) ?? null;
    const kind = ctx.topology.providers.find((p) => p.id === vm.encryptedBy)?.kind ?? 'unencrypted';
    const trace = answer?.trace ?? null;
    return {
      vm,
      kind,
      answer,
      why: whyNone(ctx.topology, vm, kind, answer),
      command:
        trace === null
          ? null
          : ctx.replays.command(ctx.topology, trace, `${ctx.topology.name}-operator-${vm.id}`),
      candidates: trace === null ? [] : candidates(ctx, vm, kind),
    };
  });
}

function whyNone(topology: Topology, vm: Vm, kind: string, answer: OperatorAnswer | null): string {
  const host = topology.hosts.find((h) => h.id === vm.host);
  if (answer === null)
    return 'it does not run in the steady initial state, so there is nothing to leave down';
  if (answer.trace !== null) return '';
  if (!answer.complete) return 'none found within the exploration bound';
  if (kind === 'unencrypted')
    return 'it is unencrypted: it needs no key, and its host’s reboot starts it again';
  if (kind === 'native')
    return `its host ${vm.host} holds the KDK of ${vm.encryptedBy} and keeps it across reboots, so it derives the key without vCenter or a link (KP-13, KP-14)`;
  if (host && persistenceInEffect(host.keyPersistence, host))
    return `key persistence is in effect on ${host.id} and its key is stored: it comes back from the TPM at every reboot (KP-11)`;
  return 'no sequence of outages and reboots leaves it down on this site';
}

function candidates(ctx: ReviewContext, vm: Vm, kind: string): Candidate[] {
  const host = ctx.topology.hosts.find((h) => h.id === vm.host);
  if (!host) return [];
  const out: Candidate[] = [];
  const variant = (name: string, change: (t: Topology) => void): Topology => {
    const t = structuredClone(ctx.topology);
    t.name = `${ctx.topology.name}-${name}`;
    change(t);
    return t;
  };
  const run = (setting: string, t: Topology): Candidate => {
    const problems = checkRules(t);
    if (problems.length > 0)
      return { setting, impossible: problems.map((p) => p.message).join('; '), outcome: null };
    const report = shortestLosses(t, OUTAGES_AND_REBOOTS, ctx.model);
    if (report.notRunning.includes(vm.id))
      return { setting, impossible: null, outcome: { kind: 'never runs', why: neverRuns(t, vm.id) } };
    const loss = report.losses.find((l) => l.workload.kind === 'vm' && l.workload.id === vm.id);
    if (!loss || loss.trace === null) return { setting, impossible: null, outcome: { kind: 'protects' } };
    return {
      setting,
      impossible: null,
      outcome: {
        kind: 'down',
        trace: loss.trace,
        command: ctx.replays.command(t, loss.trace, `${t.name}-operator-${vm.id}`),
      },
    };
  };
  if (kind === 'unencrypted') return [];
  const below = !atLeast(host.release, FLOORS.keyPersistence);
  if (!host.keyPersistence) {
    const setting = `key persistence on ${host.id}`;
    if (!persistenceSupported(host)) {
      const missing = [
        ...(below ? [`release ${FLOORS.keyPersistence} or later (${host.id} runs ${host.release})`] : []),
        ...(hasTpm2(host)
          ? []
          : [`a TPM 2.0 (${host.id} has ${host.tpm === 'none' ? 'none' : `a TPM ${host.tpm}`})`]),
      ];
      out.push({
        setting,
        impossible: `key persistence needs ${missing.join(' and ')} (DOC-01)`,
        outcome: null,
      });
    } else {
      out.push(
        run(
          setting,
          variant(`persistence-${host.id}`, (t) => hostOf(t, host.id, (h) => (h.keyPersistence = true))),
        ),
      );
    }
  }
  // What persistence lacks on the host: a TPM 2.0, a release, or both; each checked with persistence on.
  if (!persistenceSupported(host)) {
    const tpm = hasTpm2(host) ? '' : 'a TPM 2.0';
    const upgrade = below ? `an upgrade of ${host.id} to ${FLOORS.keyPersistence}` : '';
    const setting = `${[upgrade, tpm].filter(Boolean).join(' and ')}, with key persistence on ${host.id}`;
    out.push(
      run(
        setting,
        variant(`${below ? `upgrade-${FLOORS.keyPersistence}-` : ''}tpm-persistence-${host.id}`, (t) => {
          if (below && !atLeast(t.release, FLOORS.keyPersistence)) t.release = FLOORS.keyPersistence;
          hostOf(t, host.id, (h) => {
            if (below) h.release = FLOORS.keyPersistence;
            h.tpm = '2.0';
            h.keyPersistence = true;
          });
        }),
      ),
    );
  }
  if (kind !== 'native') {
    const existing = ctx.topology.providers.find((p) => p.kind === 'native');
    const id = existing?.id ?? freeId(ctx.topology, 'nkp');
    const setting = existing
      ? `moving ${vm.id} to the native provider ${id}${existing.tpmOnly ? ' (tpmOnly)' : ''}`
      : `moving ${vm.id} to a new native provider ${id} (tpmOnly, the default)`;
    out.push(
      run(
        setting,
        variant(`native-${vm.id}`, (t) => {
          if (!existing) t.providers.push({ id, kind: 'native', tpmOnly: true });
          (t.vms.find((v) => v.id === vm.id) as Vm).encryptedBy = id;
        }),
      ),
    );
  }
  return out;
}

/** Why a VM's key would not be usable at the first boot of a variant. */
function neverRuns(t: Topology, vmId: string): string {
  const vm = t.vms.find((v) => v.id === vmId) as Vm;
  const host = t.hosts.find((h) => h.id === vm.host);
  const provider = t.providers.find((p) => p.id === vm.encryptedBy);
  if (host && provider?.kind === 'native' && !kdkEligible(host, provider))
    return `${host.id} never receives the KDK of ${provider.id}${provider.tpmOnly ? ', which is tpmOnly, and it has no TPM 2.0' : ''} (DOC-06)`;
  return 'its key is not usable at boot';
}

function hostOf(t: Topology, id: string, change: (h: Topology['hosts'][number]) => void): void {
  const h = t.hosts.find((x) => x.id === id);
  if (h) change(h);
}

function freeId(t: Topology, base: string): string {
  const taken = new Set([
    ...t.providers.map((p) => p.id),
    ...t.hosts.map((h) => h.id),
    ...t.vms.map((v) => v.id),
  ]);
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  return id;
}

function candidateWords(c: Candidate): Text {
  if (c.impossible !== null) return `not possible here: ${c.impossible}`;
  const o = c.outcome;
  if (o === null) return 'not run';
  if (o.kind === 'protects')
    return [strong('protects it'), ': no sequence of outages and reboots leaves it down any more'];
  if (o.kind === 'never runs')
    return [strong('no'), `: with it the VM would not even run in the steady initial state: ${o.why}`];
  return [
    strong('does not protect it'),
    ': ',
    code(eventsLine(o.trace)),
    ` still leaves it down (${o.trace.length} steps); replay `,
    code(o.command),
  ];
}

export function operatorSection(ctx: ReviewContext, pages: readonly VmPage[]): Section {
  const blocks: Block[] = [
    paragraph(
      'For each VM of the site: which outages (KMS or Trust Authority, vCenter, a host’s link, and their repair) and reboots leave it down, the shortest such sequence, or why none exists; then what would protect it, each setting checked by running the model again with it.',
    ),
    table(
      ['VM', 'host', 'provider', 'shortest sequence that leaves it down'],
      pages.map((p) => [
        code(p.vm.id),
        p.vm.host,
        p.vm.encryptedBy === null ? 'unencrypted' : `${p.vm.encryptedBy} (${p.kind})`,
        p.answer?.trace
          ? [code(eventsLine(p.answer.trace)), ` (${p.answer.trace.length} steps)`]
          : `none: ${p.why}`,
      ]),
    ),
  ];
  if (pages.length === 0) blocks.push(paragraph('The site has no VM.'));
  for (const p of pages) {
    blocks.push(heading(3, `VM ${p.vm.id}`, `operator-${p.vm.id}`));
    const trace = p.answer?.trace ?? null;
    if (trace === null || p.command === null) {
      blocks.push(paragraph(strong('Nothing leaves it down'), `: ${p.why}.`));
      continue;
    }
    blocks.push(
      paragraph(strong(`Down after ${trace.length} steps`), ': ', code(eventsLine(trace)), '.'),
      ...timelineBlocks(ctx.topology, trace, {
        id: `operator-${p.vm.id}-sequence`,
        title: `How ${p.vm.id} goes down`,
        command: p.command,
      }),
      paragraph(strong('What would protect it'), ', each checked by running the model with the setting:'),
      table(
        ['setting', 'with it'],
        p.candidates.map((c) => [c.setting, candidateWords(c)]),
      ),
    );
  }
  return { id: 'operator', title: 'The operator’s page', blocks };
}
