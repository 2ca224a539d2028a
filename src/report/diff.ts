/**
 * How an observed state reads to a person: whole (`formatState`, one line per host and VM) or as
 * the changes from one state to the next (`diffStates`, `formatChange`). Traces show changes only,
 * so that the step that matters is not buried in a full dump at every step.
 *
 * The changes are plain data, so they can also be printed as JSON or checked by a test.
 */
import type { ObservedHost, ObservedState, ObservedVm } from '../world/observe.ts';

type UpDown = 'up' | 'down';

/** The yes/no fields of a host. */
export type HostFlag = 'keyPersistence' | 'persistenceInEffect' | 'attested';
/** The key sets of a host: standard- and trusted-provider keys, and the KDKs of native providers. */
export type HostKeySet = 'cachedKeys' | 'storedKeys' | 'kdk';

/** One difference between two states of the same topology. */
export type Change =
  | { kind: 'vcenter'; from: UpDown; to: UpDown }
  | { kind: 'provider'; provider: string; from: UpDown; to: UpDown }
  | { kind: 'link'; host: string; from: UpDown; to: UpDown }
  | { kind: 'flag'; host: string; field: HostFlag; from: boolean; to: boolean }
  | { kind: 'keys'; host: string; field: HostKeySet; added: string[]; removed: string[] }
  | { kind: 'vsan'; host: string; from: ObservedHost['vsan']; to: ObservedHost['vsan'] }
  | { kind: 'vm'; vm: string; from: ObservedVm; to: ObservedVm };

/**
 * What changed from `before` to `after`, in the order of the state: vCenter, providers, then each
 * host (link, persistence, cache, store, kdk, attestation, vSAN), then each VM.
 *
 * `persistenceInEffect` is reported only when it does not move together with `keyPersistence`
 * (observe.ts gives both the same value today: the setting is on only where it is in effect, DOC-01).
 * Both states must come from one topology: the same providers, hosts and VMs.
 */
export function diffStates(before: ObservedState, after: ObservedState): Change[] {
  const changes: Change[] = [];
  if (before.vcenter !== after.vcenter)
    changes.push({ kind: 'vcenter', from: before.vcenter, to: after.vcenter });
  for (const provider of sameKeys(before.providers, after.providers, 'providers')) {
    const from = before.providers[provider];
    const to = after.providers[provider];
    if (from !== to) changes.push({ kind: 'provider', provider, from, to });
  }
  for (const host of sameKeys(before.hosts, after.hosts, 'hosts')) {
    changes.push(...hostChanges(host, before.hosts[host], after.hosts[host]));
  }
  for (const vm of sameKeys(before.vms, after.vms, 'vms')) {
    const from = before.vms[vm];
    const to = after.vms[vm];
    if (from.power !== to.power || from.locked !== to.locked) changes.push({ kind: 'vm', vm, from, to });
  }
  return changes;
}

function hostChanges(host: string, from: ObservedHost, to: ObservedHost): Change[] {
  const changes: Change[] = [];
  if (from.link !== to.link) changes.push({ kind: 'link', host, from: from.link, to: to.link });
  if (from.keyPersistence !== to.keyPersistence) {
    changes.push({
      kind: 'flag',
      host,
      field: 'keyPersistence',
      from: from.keyPersistence,
      to: to.keyPersistence,
    });
  }
  const lockstep =
    from.persistenceInEffect === from.keyPersistence && to.persistenceInEffect === to.keyPersistence;
  if (!lockstep && from.persistenceInEffect !== to.persistenceInEffect) {
    changes.push({
      kind: 'flag',
      host,
      field: 'persistenceInEffect',
      from: from.persistenceInEffect,
      to: to.persistenceInEffect,
    });
  }
  for (const field of ['cachedKeys', 'storedKeys', 'kdk'] as const) {
    const added = to[field].filter((key) => !from[field].includes(key));
    const removed = from[field].filter((key) => !to[field].includes(key));
    if (added.length > 0 || removed.length > 0) changes.push({ kind: 'keys', host, field, added, removed });
  }
  if (from.attested !== to.attested) {
    changes.push({ kind: 'flag', host, field: 'attested', from: from.attested, to: to.attested });
  }
  if (from.vsan !== to.vsan) changes.push({ kind: 'vsan', host, from: from.vsan, to: to.vsan });
  return changes;
}

function sameKeys(before: object, after: object, what: string): string[] {
  const keys = Object.keys(after);
  const other = Object.keys(before);
  if (keys.length !== other.length || other.some((key) => !keys.includes(key))) {
    throw new Error(`diffStates: the two states have different ${what}; they must come from one topology`);
  }
  return keys;
}

/**
 * How text is marked up; `plain` leaves it as it is, a terminal may add colour. Only the look
 * changes, never the words, so plain output is what tests and logs compare.
 */
export interface Paint {
  /** Something that appeared or came up: `+db`, `up`. */
  good(text: string): string;
  /** Something that was lost or went down: `-db`, `down`, `locked`. */
  bad(text: string): string;
  /** Ids and labels. */
  subject(text: string): string;
  /** Nothing to see: empty sets, "no change". */
  faint(text: string): string;
}

const same = (text: string) => text;
export const plain: Paint = { good: same, bad: same, subject: same, faint: same };

const KEY_SET_LABEL: Record<HostKeySet, string> = { cachedKeys: 'cache', storedKeys: 'store', kdk: 'kdk' };

/**
 * One line per change: `vcenter: up -> down`, `kms: up -> down`, `esx-02 link: up -> down`,
 * `esx-02 persistence: off -> on`, `esx-02 cache: -app, -vsan`, `esx-02 attested: yes -> no`,
 * `esx-02 vsan: mounted -> unmounted`, `vm app: on -> off, locked`.
 */
export function formatChange(change: Change, paint: Paint = plain): string {
  const arrow = (from: string, to: string, good: boolean) =>
    `${from} -> ${good ? paint.good(to) : paint.bad(to)}`;
  switch (change.kind) {
    case 'vcenter':
      return `${paint.subject('vcenter')}: ${arrow(change.from, change.to, change.to === 'up')}`;
    case 'provider':
      return `${paint.subject(change.provider)}: ${arrow(change.from, change.to, change.to === 'up')}`;
    case 'link':
      return `${paint.subject(change.host)} link: ${arrow(change.from, change.to, change.to === 'up')}`;
    case 'flag': {
      const words = change.field === 'keyPersistence' ? onOff : yesNo;
      return `${paint.subject(change.host)} ${FLAG_LABEL[change.field]}: ${arrow(words(change.from), words(change.to), change.to)}`;
    }
    case 'keys': {
      const marks = [
        ...change.added.map((key) => ({ key, text: paint.good(`+${key}`) })),
        ...change.removed.map((key) => ({ key, text: paint.bad(`-${key}`) })),
      ].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      return `${paint.subject(change.host)} ${KEY_SET_LABEL[change.field]}: ${marks.map((m) => m.text).join(', ')}`;
    }
    case 'vsan':
      return `${paint.subject(change.host)} vsan: ${arrow(vsanWord(change.from), vsanWord(change.to), change.to === 'mounted')}`;
    case 'vm': {
      const good = change.to.power === 'on' || (!change.to.locked && change.from.locked);
      return `${paint.subject(`vm ${change.vm}`)}: ${arrow(vmWords(change.from), vmWords(change.to), good)}`;
    }
  }
}

const FLAG_LABEL: Record<HostFlag, string> = {
  keyPersistence: 'persistence',
  persistenceInEffect: 'persistence in effect',
  attested: 'attested',
};

const onOff = (value: boolean) => (value ? 'on' : 'off');
const yesNo = (value: boolean) => (value ? 'yes' : 'no');
const vsanWord = (value: ObservedHost['vsan']) => value ?? 'none';
/** `on`, `off`, `off, locked`. */
const vmWords = (vm: ObservedVm) => (vm.locked ? `${vm.power}, locked` : vm.power);

/**
 * The whole state, compactly: a services line, one line per host, one per VM.
 *
 *     vcenter: up, kms: up
 *     esx-01: link up, attested yes, persistence on, cache {db, vsan}, store {db, vsan}, kdk {nkp}, vsan mounted
 *     vm db: on
 */
export function formatState(state: ObservedState, paint: Paint = plain): string[] {
  const updown = (value: UpDown) => (value === 'up' ? value : paint.bad(value));
  const services = [
    `${paint.subject('vcenter')}: ${updown(state.vcenter)}`,
    ...Object.entries(state.providers).map(([id, value]) => `${paint.subject(id)}: ${updown(value)}`),
  ];
  const lines = [services.join(', ')];
  for (const [id, host] of Object.entries(state.hosts)) {
    const set = (keys: string[]) => (keys.length === 0 ? paint.faint('{}') : `{${keys.join(', ')}}`);
    const persistence =
      host.persistenceInEffect === host.keyPersistence
        ? onOff(host.keyPersistence)
        : `${onOff(host.keyPersistence)} (${host.persistenceInEffect ? '' : 'not '}in effect)`;
    const fields = [
      `link ${updown(host.link)}`,
      `attested ${host.attested ? 'yes' : paint.bad('no')}`,
      `persistence ${persistence}`,
      `cache ${set(host.cachedKeys)}`,
      `store ${set(host.storedKeys)}`,
      `kdk ${set(host.kdk)}`,
      ...(host.vsan === null ? [] : [`vsan ${host.vsan === 'mounted' ? host.vsan : paint.bad(host.vsan)}`]),
    ];
    lines.push(`${paint.subject(id)}: ${fields.join(', ')}`);
  }
  for (const [id, vm] of Object.entries(state.vms)) {
    const words = vmWords(vm);
    lines.push(`${paint.subject(`vm ${id}`)}: ${vm.locked ? paint.bad(words) : words}`);
  }
  return lines;
}
