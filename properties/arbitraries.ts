/**
 * Random sites and random event traces for the property suites.
 *
 * - `topologyArb`: small sites (1-3 hosts, 0-4 VMs) that are valid by construction: every choice
 *   the generator makes is repaired into one that the rules of src/topology/rules.ts accept (the
 *   floors of DOC-08, DOC-01 and DOC-07), so no run is wasted on a topology the loader rejects.
 * - `eventsArb(topology, alphabet)`: 20 to 60 events of the site, outages and reboots first,
 *   with a few events that the model must refuse whatever the state.
 * - `scenarioArb`: the two together, which is what a property is quantified over.
 *
 * Shrinking: a site shrinks first (towards fewer hosts and VMs, unencrypted VMs and the default
 * options), then its trace (fast-check's `chain` does not go back to the site): to any of its
 * subsequences (down to none, although it is generated with 20 events or more), each event towards
 * an earlier one of its kind, and, for short traces, to the shortest trace over the site's events.
 */
import fc from 'fast-check';
import { hasTpm2, persistenceSupported } from '../models/definitions.ts';
import { alwaysRefused, eventInstances } from '../src/explore/instances.ts';
import type { EventType, KpmEvent } from '../models/events.ts';
import { formatEvent } from '../src/events.ts';
import { inAlphabet, type AlphabetName } from '../src/catalogue/alphabets.ts';
import {
  atLeast,
  FLOORS,
  RELEASES,
  type ProviderKind,
  type Release,
  type Tpm,
} from '../models/vocabulary.ts';
import {
  DEFAULT_OPTIONS,
  type Host,
  type Options,
  type Provider,
  type Topology,
  type Vm,
} from '../models/topology.ts';

// --- topologies ------------------------------------------------------------------------------

/** The provider kinds of a site: each kind alone, every mix, and none (unencrypted VMs only). */
const KIND_SETS: readonly ProviderKind[][] = [
  ['standard'],
  ['native'],
  ['trusted'],
  ['standard', 'native'],
  ['standard', 'trusted'],
  ['trusted', 'native'],
  ['standard', 'trusted', 'native'],
  [],
];

const PROVIDER_IDS: Record<ProviderKind, string> = { standard: 'kms', trusted: 'vta', native: 'nkp' };

/** Every release, with the two where persistence changes (7.0U2: VM keys, 7.0U3: the vSAN KEK) more often. */
const releaseArb = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...RELEASES) },
  { weight: 2, arbitrary: fc.constantFrom<Release>('7.0U2', '7.0U3') },
);

/** An option that is mostly its default (the spec's reading) and sometimes the other choice. */
function choice<T>(byDefault: T, other: T): fc.Arbitrary<T> {
  return fc.oneof(
    { arbitrary: fc.constant(byDefault), weight: 2 },
    { arbitrary: fc.constant(other), weight: 1 },
  );
}

const optionsArb: fc.Arbitrary<Options> = fc.record({
  persistCachedKeys: choice(DEFAULT_OPTIONS.persistCachedKeys, !DEFAULT_OPTIONS.persistCachedKeys),
  autoUnlock: choice(DEFAULT_OPTIONS.autoUnlock, !DEFAULT_OPTIONS.autoUnlock),
  autostart: choice(DEFAULT_OPTIONS.autostart, !DEFAULT_OPTIONS.autostart),
  keyScope: choice<Options['keyScope']>('host', 'cluster'),
  reboot: fc.constant('atomic' as const),
  nativeKeyWording: choice<Options['nativeKeyWording']>('8.0', '7.0'),
});

/** The raw choices of a site, before they are made valid. */
const rawSiteArb = (maxHosts: number, maxVms: number) =>
  fc.record({
    kinds: fc.constantFrom(...KIND_SETS),
    release: releaseArb,
    /** A second standard provider (its own KMS), when the site has standard ones. */
    secondStandard: fc.boolean(),
    tpmOnly: fc.boolean(),
    hosts: fc.array(
      fc.record({
        /** Mostly the site's release; sometimes an older one (a cluster in the middle of an upgrade). */
        release: fc.oneof(
          { weight: 3, arbitrary: fc.constant(undefined) },
          { weight: 1, arbitrary: releaseArb },
        ),
        /** Two hosts in three have a TPM 2.0, which persistence and trusted VMs need. */
        tpm: fc.oneof(
          { weight: 2, arbitrary: fc.constant<Tpm>('2.0') },
          { weight: 1, arbitrary: fc.constantFrom<Tpm>('none', '1.2') },
        ),
        /** Where it can be in effect, persistence is on twice as often as off. */
        keyPersistence: fc.oneof(
          { weight: 1, arbitrary: fc.constant(false) },
          { weight: 2, arbitrary: fc.constant(true) },
        ),
      }),
      { minLength: 1, maxLength: maxHosts },
    ),
    vms: fc.array(
      fc.record({
        host: fc.nat(),
        /** null: unencrypted; otherwise an index into the providers its host can use. */
        provider: fc.option(fc.nat(), { freq: 6, nil: null }),
        vtpm: fc.boolean(),
        running: fc.boolean(),
      }),
      { maxLength: maxVms },
    ),
    /** null: no encrypted vSAN; otherwise an index into the providers that can encrypt it. */
    vsan: fc.option(fc.nat(), { freq: 3, nil: null }),
    options: optionsArb,
  });

type RawSite = ReturnType<typeof rawSiteArb> extends fc.Arbitrary<infer T> ? T : never;

function maxRelease(a: Release, b: Release): Release {
  return atLeast(a, b) ? a : b;
}

/** DOC-08: Trust Authority and the native provider are vCenter features with a release floor. */
function siteFloor(kinds: readonly ProviderKind[]): Release {
  let floor: Release = RELEASES[0];
  for (const kind of kinds) if (kind !== 'standard') floor = maxRelease(floor, FLOORS[kind]);
  return floor;
}

/** DOC-07, DOC-08: which providers a VM on this host may use. */
function usableOn(host: Host, provider: Provider): boolean {
  if (provider.kind === 'standard') return true;
  if (!atLeast(host.release, FLOORS[provider.kind])) return false;
  return provider.kind === 'native' || hasTpm2(host);
}

/** Turns raw choices into a topology that checkRules accepts; the repairs keep the choices' intent. */
function buildTopology(raw: RawSite): Topology {
  const release = maxRelease(raw.release, siteFloor(raw.kinds));
  const providers: Provider[] = raw.kinds.map((kind) => ({
    id: PROVIDER_IDS[kind],
    kind,
    tpmOnly: kind === 'native' ? raw.tpmOnly : true,
  }));
  if (raw.secondStandard && raw.kinds.includes('standard')) {
    providers.push({ id: 'kms-2', kind: 'standard', tpmOnly: true });
  }
  const hosts: Host[] = raw.hosts.map((h, index) => {
    const host: Host = {
      id: `esx-0${index + 1}`,
      // vCenter is upgraded first: a host may lag behind its site, never run ahead of it.
      release: h.release === undefined || atLeast(h.release, release) ? release : h.release,
      tpm: h.tpm,
      keyPersistence: false,
    };
    // DOC-01: the setting may only be on where persistence can be in effect.
    return { ...host, keyPersistence: h.keyPersistence && persistenceSupported(host) };
  });
  const vms: Vm[] = raw.vms.map((v, index) => {
    const host = hosts[v.host % hosts.length];
    const usable = providers.filter((p) => usableOn(host, p));
    const provider = v.provider === null || usable.length === 0 ? null : usable[v.provider % usable.length];
    return {
      id: `vm-${index + 1}`,
      host: host.id,
      encryptedBy: provider?.id ?? null,
      // A vTPM implies an encrypted VM (section 1); every release has vTPM (6.7 is the first).
      vtpm: v.vtpm && provider !== null && atLeast(host.release, FLOORS.vtpm),
      running: v.running,
    };
  });
  // vSAN takes a standard provider, or a native one when every host is at its floor.
  const vsanProviders = providers.filter(
    (p) =>
      p.kind === 'standard' || (p.kind === 'native' && hosts.every((h) => atLeast(h.release, FLOORS.native))),
  );
  const vsan =
    raw.vsan === null || vsanProviders.length === 0
      ? null
      : { encryptedBy: vsanProviders[raw.vsan % vsanProviders.length].id };
  return { name: 'generated', release, options: raw.options, providers, hosts, vms, vsan };
}

/** Valid sites of every kind: 1 to `maxHosts` hosts, up to `maxVms` VMs, every provider kind, release, TPM and option. */
export function sitesArb(maxHosts: number, maxVms: number): fc.Arbitrary<Topology> {
  return rawSiteArb(maxHosts, maxVms).map(buildTopology);
}

/** Valid sites of every kind: 1-3 hosts, 0-4 VMs, every provider kind, release, TPM and option. */
export const topologyArb: fc.Arbitrary<Topology> = sitesArb(3, 4);

// --- events ----------------------------------------------------------------------------------

/**
 * Event kinds and how often each is drawn. Outages and reboots come first and most often: they
 * are what drives a site into the states the properties speak of (and a shrunk event moves
 * towards the first kind that still fails).
 */
const KINDS: readonly { weight: number; types: readonly EventType[] }[] = [
  { weight: 6, types: ['KMS_DOWN', 'VCENTER_DOWN', 'LINK_DOWN'] },
  { weight: 5, types: ['HOST_REBOOT'] },
  { weight: 3, types: ['KMS_UP', 'VCENTER_UP', 'LINK_UP'] },
  { weight: 3, types: ['VM_POWER_ON', 'VM_POWER_OFF', 'VM_UNLOCK'] },
  {
    weight: 2,
    types: [
      'KEY_PERSISTENCE_ENABLE',
      'KEY_PERSISTENCE_DISABLE',
      'ATTESTATION_FAIL',
      'ATTESTATION_PASS',
      'TPM_REPLACE',
    ],
  },
];

/** Weight of the events refused in every state: refusals are part of the contract (interface.md). */
const REFUSED_WEIGHT = 1;

export { alwaysRefused };

/** How traces are generated and shrunk. */
export interface TraceGeneration {
  /** Lengths of a generated trace; it shrinks to any length, down to none. */
  min: number;
  max: number;
  /**
   * Once fast-check's shrinks are exhausted, also search the shorter traces (see TraceArbitrary):
   * needed where the length of a counterexample matters, a cost where it does not.
   */
  shortest: boolean;
}

const DEFAULTS: TraceGeneration = { min: 20, max: 60, shortest: true };

/**
 * Weighted traces of `options.min` to `options.max` events (20 to 60) of the topology, restricted to the
 * alphabet. Each event is drawn from a `constantFrom` of event objects, so fast-check removes
 * events from a failing trace and replaces one by an earlier event of its kind.
 */
export function eventsArb(
  topology: Topology,
  alphabet: AlphabetName,
  options: Partial<TraceGeneration> = {},
): fc.Arbitrary<KpmEvent[]> {
  const instances = eventInstances(topology).filter((e) => inAlphabet(alphabet, e));
  const groups = KINDS.map((kind) => ({
    weight: kind.weight,
    members: instances.filter((e) => kind.types.includes(e.type)),
  }));
  groups.push({
    weight: REFUSED_WEIGHT,
    members: alwaysRefused(topology).filter((e) => inAlphabet(alphabet, e)),
  });
  const arbitraries = groups
    .filter((g) => g.members.length > 0)
    .map((g) => ({ weight: g.weight, arbitrary: fc.constantFrom(...g.members) }));
  if (arbitraries.length === 0) return fc.constant([]);
  const letters = groups.flatMap((g) => g.members);
  return new TraceArbitrary(fc.oneof(...arbitraries), letters, { ...DEFAULTS, ...options });
}

/**
 * Generates like `fc.array(item, { minLength: min, maxLength: max })` but shrinks like
 * `fc.array(item, { maxLength: max })`: traces are long enough to reach interesting states, and
 * their counterexamples still shrink to the few events that matter.
 *
 * fast-check's array shrinking stops at a trace from which no single event can be removed or
 * simplified, which is not always the shortest one: `KMS_DOWN vta, HOST_REBOOT esx-01, KMS_UP vta,
 * VCENTER_DOWN, VM_UNLOCK hr` needs every event, yet `VCENTER_DOWN, HOST_REBOOT esx-01` shows the
 * same bug. So once those shrinks are exhausted, a short trace is also offered every shorter
 * trace over the site's events, shortest first, within a budget: where that search reaches, the
 * counterexample is a shortest one.
 */
class TraceArbitrary extends fc.Arbitrary<KpmEvent[]> {
  private readonly generator: fc.Arbitrary<KpmEvent[]>;
  private readonly shrinker: fc.Arbitrary<KpmEvent[]>;

  constructor(
    item: fc.Arbitrary<KpmEvent>,
    private readonly letters: readonly KpmEvent[],
    private readonly options: TraceGeneration,
  ) {
    super();
    this.generator = fc.array(item, { minLength: options.min, maxLength: options.max, size: 'max' });
    this.shrinker = fc.array(item, { minLength: 0, maxLength: options.max, size: 'max' });
  }

  generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<KpmEvent[]> {
    return this.generator.generate(mrng, biasFactor);
  }

  canShrinkWithoutContext(value: unknown): value is KpmEvent[] {
    return this.shrinker.canShrinkWithoutContext(value);
  }

  shrink(value: KpmEvent[], context: unknown): fc.Stream<fc.Value<KpmEvent[]>> {
    // Generators are lazy: the shorter traces are only built once the array's shrinks all pass.
    return this.shrinker.shrink(value, context).join(this.shorterTraces(value.length));
  }

  /** Every trace of fewer than `length` events over the letters, by length then letter order, within the budget. */
  private *shorterTraces(length: number): IterableIterator<fc.Value<KpmEvent[]>> {
    if (!this.options.shortest || length > EXHAUSTIVE_FROM) return;
    let budget = EXHAUSTIVE_BUDGET;
    for (let k = 0; k < length; k++) {
      const count = this.letters.length ** k;
      if (count > budget) return;
      budget -= count;
      for (const trace of words(this.letters, k)) yield new fc.Value(trace, undefined);
    }
  }
}

/** Traces up to this length get the search for a shorter one. */
const EXHAUSTIVE_FROM = 8;
/** How many shorter traces that search may try: a second or so on a small site. */
const EXHAUSTIVE_BUDGET = 5000;

/** Every sequence of `k` letters, in lexicographic order of the letters' positions. */
function* words<T>(letters: readonly T[], k: number): IterableIterator<T[]> {
  if (k === 0) {
    yield [];
    return;
  }
  for (const prefix of words(letters, k - 1)) for (const letter of letters) yield [...prefix, letter];
}

// --- scenarios -------------------------------------------------------------------------------

/** What a property is checked on: a site and a trace from its steady initial state. */
export interface Scenario {
  topology: Topology;
  events: KpmEvent[];
}

/** A scenario that prints as a site summary and `HOST_REBOOT esx-01`-style events in fast-check's reports. */
export function scenario(topology: Topology, events: KpmEvent[]): Scenario {
  return Object.defineProperty({ topology, events }, fc.toStringMethod, {
    value: () => `{ topology: ${summary(topology)}, events: [${events.map(formatEvent).join(', ')}] }`,
    enumerable: false,
  });
}

/** Random sites (those `topologies` gives), each with a trace over the alphabet `alphabetOf` picks for it. */
export function scenarioArb(
  alphabetOf: AlphabetName | ((topology: Topology) => AlphabetName),
  topologies: fc.Arbitrary<Topology> = topologyArb,
  options: Partial<TraceGeneration> = {},
): fc.Arbitrary<Scenario> {
  const alphabet = typeof alphabetOf === 'function' ? alphabetOf : () => alphabetOf;
  return topologies.chain((t) => eventsArb(t, alphabet(t), options).map((events) => scenario(t, events)));
}

/** Traces over one fixed site. */
export function tracesOn(
  topology: Topology,
  alphabet: AlphabetName,
  options: Partial<TraceGeneration> = {},
): fc.Arbitrary<Scenario> {
  return eventsArb(topology, alphabet, options).map((events) => scenario(topology, events));
}

/** One line: `7.0U3 [kms standard, nkp native tpmOnly] esx-01(7.0U3 tpm 2.0 persistence) vm-1(esx-01 kms on) vsan kms`. */
export function summary(t: Topology): string {
  const providers = t.providers.map(
    (p) => `${p.id} ${p.kind}${p.kind === 'native' && p.tpmOnly ? ' tpmOnly' : ''}`,
  );
  const hosts = t.hosts.map(
    (h) => `${h.id}(${h.release} tpm ${h.tpm}${h.keyPersistence ? ' persistence' : ''})`,
  );
  const vms = t.vms.map(
    (v) =>
      `${v.id}(${v.host} ${v.encryptedBy ?? 'plain'}${v.vtpm ? ' vtpm' : ''}${v.running ? ' on' : ' off'})`,
  );
  const options = Object.entries(t.options)
    .filter(([key, value]) => DEFAULT_OPTIONS[key as keyof Options] !== value)
    .map(([key, value]) => `${key}=${String(value)}`);
  return [
    t.release,
    `[${providers.join(', ')}]`,
    hosts.join(' '),
    vms.join(' '),
    t.vsan ? `vsan ${t.vsan.encryptedBy}` : '',
    options.length > 0 ? `{${options.join(', ')}}` : '',
  ]
    .filter((part) => part !== '')
    .join(' ');
}
