/**
 * `kpm paths --format itf`: one Informal Trace Format file per path (Apalache ADR-015), so that ITF
 * viewers and model-based-testing drivers (Quint's `--mbt` convention) read kpm's paths.
 *
 * - `vars`: the observation's parts (`vcenter`, `providers`, `hosts`, `vms`), the step's `outcome`,
 *   and Quint's `mbt::actionTaken` (the event type; `init` for the reset) and `mbt::nondetPicks`
 *   (the event's ids as `Some`/`None` variants of `host`, `provider`, `vm`).
 * - providers, hosts and VMs by id are maps (`#map`); key lists are sets (`#set`); a host without
 *   vSAN has `vsan: "none"` (ITF has no null). No integer occurs in a state.
 * - `#meta` gives `varTypes` (ADR-002 types, which Apalache needs to read a trace), the source and
 *   what the path covers; each state's `#meta` its index, and the model's reason for a refusal.
 */
import type { KpmEvent } from '../../../models/events.ts';
import type { ObservedState } from '../../world/observe.ts';
import type { PathSuite, TestPath } from '../suite.ts';

export const ITF_DESCRIPTION = 'https://apalache-mc.org/docs/adr/015adr-trace.html';

type Expr = string | boolean | Expr[] | { [key: string]: Expr };

const PICKS = ['host', 'provider', 'vm'] as const;

const VAR_TYPES = {
  vcenter: 'Str',
  providers: 'Str -> Str',
  hosts:
    'Str -> { link: Str, keyPersistence: Bool, persistenceInEffect: Bool, cachedKeys: Set(Str), storedKeys: Set(Str), kdk: Set(Str), attested: Bool, vsan: Str }',
  vms: 'Str -> { power: Str, locked: Bool }',
  outcome: 'Str',
  'mbt::actionTaken': 'Str',
  'mbt::nondetPicks': `{ ${PICKS.map((p) => `${p}: None(<<>>) | Some(Str)`).join(', ')} }`,
};

export const ITF_VARS = Object.keys(VAR_TYPES);

/** The ITF trace of one path: the reset's state, then one state per step. */
export function itfTrace(suite: PathSuite, path: TestPath, source: string): object {
  const states = [
    state(0, suite.initial, 'applied', null),
    ...path.steps.map((step, k) => state(k + 1, step.state, step.outcome, step.event, step.reason)),
  ];
  return {
    '#meta': {
      format: 'ITF',
      'format-description': ITF_DESCRIPTION,
      source,
      description: `kpm paths ${suite.topology} --cover ${suite.cover}, path ${path.id}`,
      varTypes: VAR_TYPES,
      covers: path.covers,
    },
    vars: ITF_VARS,
    states,
  };
}

function state(
  index: number,
  observed: ObservedState,
  outcome: string,
  event: KpmEvent | null,
  reason?: string,
): Record<string, unknown> {
  const fields = (event ?? {}) as Record<string, string>;
  return {
    '#meta': { index, ...(reason !== undefined ? { reason } : {}) },
    vcenter: observed.vcenter,
    providers: map(Object.entries(observed.providers)),
    hosts: map(
      Object.entries(observed.hosts).map(([id, h]) => [
        id,
        {
          link: h.link,
          keyPersistence: h.keyPersistence,
          persistenceInEffect: h.persistenceInEffect,
          cachedKeys: set(h.cachedKeys),
          storedKeys: set(h.storedKeys),
          kdk: set(h.kdk),
          attested: h.attested,
          vsan: h.vsan ?? 'none',
        },
      ]),
    ),
    vms: map(Object.entries(observed.vms).map(([id, vm]) => [id, { power: vm.power, locked: vm.locked }])),
    outcome,
    'mbt::actionTaken': event === null ? 'init' : event.type,
    'mbt::nondetPicks': Object.fromEntries(
      PICKS.map((p) => [
        p,
        typeof fields[p] === 'string'
          ? { tag: 'Some', value: fields[p] }
          : { tag: 'None', value: { '#tup': [] } },
      ]),
    ),
  };
}

function map(entries: [string, Expr][]): Expr {
  return { '#map': entries.map(([k, v]) => [k, v]) };
}

function set(items: string[]): Expr {
  return { '#set': [...items] };
}

/** `edge-site-transitions-p1.itf.json`. */
export function itfFileName(suite: PathSuite, path: TestPath): string {
  return `${suite.topology}-${suite.cover}-${path.id}.itf.json`.replace(/[^\w.+-]/g, '_');
}
