import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { and, assign, enqueueActions, setup, stateIn } from 'xstate';
import { productionModel, type Model } from '../models/index.ts';
import type { KpmEvent } from '../models/events.ts';
import { send } from '../models/messages.ts';
import { alphabetFilter as alphabet } from '../src/catalogue/alphabets.ts';
import { eventInstances, type Alphabet } from '../src/explore/instances.ts';
import { exploreDirect, type DirectExploration } from '../src/explore/direct.ts';
import { explore, exploreSite, type Exploration } from '../src/explore/fast.ts';
import { PackedSearch } from '../src/explore/packed.ts';
import { StateSet } from '../src/explore/state-set.ts';
import { tablesFor } from '../src/explore/tables.ts';
import { EXAMPLES_DIR, readManifest } from '../src/examples/manifest.ts';
import { loadTopology } from '../src/topology/load.ts';
import type { Release } from '../models/vocabulary.ts';
import {
  DEFAULT_OPTIONS,
  type Host,
  type Options,
  type Provider,
  type Topology,
  type Vm,
} from '../models/topology.ts';
import type { ObservedState } from '../src/world/observe.ts';
import { observe, stateKey } from '../src/world/observe.ts';
import { initialWorld, step, type World } from '../src/world/world.ts';

// --- small sites ----------------------------------------------------------------------------

interface Sketch {
  release?: Release;
  options?: Partial<Options>;
  providers: (Pick<Provider, 'id' | 'kind'> & Partial<Provider>)[];
  hosts: (Pick<Host, 'id'> & Partial<Host>)[];
  vms: (Pick<Vm, 'id' | 'host'> & Partial<Vm>)[];
  vsan?: string;
}

function site(name: string, s: Sketch): Topology {
  const release = s.release ?? '7.0U3';
  return {
    name,
    release,
    options: { ...DEFAULT_OPTIONS, ...s.options },
    providers: s.providers.map((p) => ({ tpmOnly: true, ...p })),
    hosts: s.hosts.map((h) => ({ release, tpm: 'none', keyPersistence: false, ...h })),
    vms: s.vms.map((v) => ({ encryptedBy: null, vtpm: false, running: false, ...v })),
    vsan: s.vsan ? { encryptedBy: s.vsan } : null,
  };
}

/** The worked example of the spec (worked-example.md). */
const EDGE = site('edge', {
  providers: [
    { id: 'kms', kind: 'standard' },
    { id: 'nkp', kind: 'native' },
  ],
  hosts: [{ id: 'esx-01', tpm: '2.0', keyPersistence: true }, { id: 'esx-02' }],
  vms: [
    { id: 'db', host: 'esx-01', encryptedBy: 'kms', running: true },
    { id: 'app', host: 'esx-02', encryptedBy: 'kms', running: true },
    { id: 'dc', host: 'esx-01', encryptedBy: 'nkp', vtpm: true, running: true },
  ],
  vsan: 'kms',
});

/** Three hosts of one configuration (two with persistence, one without). */
const TWINS = site('twins', {
  providers: [{ id: 'kms', kind: 'standard' }],
  hosts: [
    { id: 'a', tpm: '2.0', keyPersistence: true },
    { id: 'b', tpm: '2.0' },
    { id: 'c', tpm: '2.0', keyPersistence: true },
  ],
  vms: [
    { id: 'a1', host: 'a', encryptedBy: 'kms', running: true },
    { id: 'b1', host: 'b', encryptedBy: 'kms', running: true },
    { id: 'c1', host: 'c', encryptedBy: 'kms', running: true },
  ],
});

/** Trusted and native providers, an old release, a TPM 1.2, vSAN by the native provider, the 7.0 wording. */
const MIXED = site('mixed', {
  options: { nativeKeyWording: '7.0' },
  providers: [
    { id: 'vta', kind: 'trusted' },
    { id: 'nkp', kind: 'native', tpmOnly: false },
  ],
  hosts: [
    { id: 't', tpm: '2.0', keyPersistence: true },
    { id: 'old', tpm: '1.2', release: '7.0U2' },
  ],
  vms: [
    { id: 'secure', host: 't', encryptedBy: 'vta', vtpm: true, running: true },
    { id: 'derived', host: 't', encryptedBy: 'nkp', running: true },
    { id: 'shared', host: 'old', encryptedBy: 'nkp', running: true },
  ],
  vsan: 'nkp',
});

/** The other ASM choices: cluster-wide caching, auto-unlock, no autostart. */
const OPTIONS = site('options', {
  options: { keyScope: 'cluster', autoUnlock: true, autostart: false },
  providers: [{ id: 'kms', kind: 'standard' }],
  hosts: [
    { id: 'p', tpm: '2.0', keyPersistence: true },
    { id: 'q', tpm: '2.0' },
  ],
  vms: [
    { id: 'x', host: 'p', encryptedBy: 'kms', running: true },
    { id: 'y', host: 'q', encryptedBy: 'kms', running: true },
  ],
});

/** Two identical hosts on 7.0U2 with encrypted vSAN (KP-03: the KEK is not persisted). */
const U2_PAIR = site('u2-pair', {
  release: '7.0U2',
  providers: [{ id: 'kms', kind: 'standard' }],
  hosts: [
    { id: 'h1', tpm: '2.0', keyPersistence: true },
    { id: 'h2', tpm: '2.0', keyPersistence: true },
  ],
  vms: [
    { id: 'v1', host: 'h1', encryptedBy: 'kms', running: true },
    { id: 'v2', host: 'h2', encryptedBy: 'kms', running: true },
  ],
  vsan: 'kms',
});

interface Case {
  topology: Topology;
  alphabet: Alphabet;
  label: string;
}

const CASES: Case[] = [
  { topology: EDGE, alphabet: alphabet('all'), label: 'edge, every event' },
  { topology: EDGE, alphabet: alphabet('outagesAndReboots'), label: 'edge, outages and reboots' },
  { topology: TWINS, alphabet: alphabet('outagesRebootsAndPower'), label: 'twins, outages, reboots, power' },
  { topology: MIXED, alphabet: alphabet('all'), label: 'mixed providers, every event' },
  { topology: OPTIONS, alphabet: alphabet('all'), label: 'other options, every event' },
  { topology: U2_PAIR, alphabet: alphabet('all'), label: '7.0U2 pair, every event' },
];

/** Direct explorations are slow: one per case, shared by the tests. */
const directs = new Map<Case, DirectExploration>();
function direct(c: Case): DirectExploration {
  let d = directs.get(c);
  if (!d) directs.set(c, (d = exploreDirect(c.topology, { alphabet: c.alphabet })));
  return d;
}

// --- helpers ---------------------------------------------------------------------------------

function replayTo(t: Topology, trace: readonly KpmEvent[], model?: Model): string {
  let world = initialWorld(t, model);
  for (const event of trace) {
    const result = step(world, event);
    expect(result.outcome, JSON.stringify(event)).toBe('applied');
    world = result.world;
  }
  return stateKey(world);
}

function keysOf(x: Exploration): string[] {
  const keys: string[] = [];
  x.forEachState((_, world) => keys.push(stateKey(world())));
  return keys;
}

/** The shortest distance of each direct state, by key. */
function distances(d: DirectExploration): Map<string, number> {
  return new Map(d.keys.map((k, id) => [k, d.depthOf[id]]));
}

// --- tests -----------------------------------------------------------------------------------

describe('eventInstances', () => {
  it('lists the vocabulary in order and leaves out what the topology always refuses', () => {
    const types = eventInstances(EDGE).map((e) => `${e.type} ${Object.values(e).slice(1).join('')}`.trim());
    expect(types).toEqual([
      'KMS_DOWN kms',
      'KMS_UP kms',
      'VCENTER_DOWN',
      'VCENTER_UP',
      ...['LINK_DOWN', 'LINK_UP', 'HOST_REBOOT', 'KEY_PERSISTENCE_ENABLE', 'KEY_PERSISTENCE_DISABLE'].map(
        (e) => `${e} esx-01`,
      ),
      ...['ATTESTATION_FAIL', 'ATTESTATION_PASS', 'TPM_REPLACE'].map((e) => `${e} esx-01`),
      ...['LINK_DOWN', 'LINK_UP', 'HOST_REBOOT', 'ATTESTATION_FAIL', 'ATTESTATION_PASS'].map(
        (e) => `${e} esx-02`,
      ),
      ...['db', 'app', 'dc'].flatMap((vm) => [`VM_POWER_ON ${vm}`, `VM_POWER_OFF ${vm}`, `VM_UNLOCK ${vm}`]),
    ]);
    const plain = site('plain', { providers: [], hosts: [{ id: 'h' }], vms: [{ id: 'web', host: 'h' }] });
    expect(
      eventInstances(plain)
        .filter((e) => 'vm' in e)
        .map((e) => e.type),
    ).toEqual(['VM_POWER_ON', 'VM_POWER_OFF']);
  });

  it('leaves out only events that are refused in every reachable state', () => {
    const listed = new Set(eventInstances(EDGE).map((e) => JSON.stringify(e)));
    const d = direct(CASES[0]);
    const left: KpmEvent[] = [
      { type: 'KMS_DOWN', provider: 'nkp' },
      { type: 'TPM_REPLACE', host: 'esx-02' },
      { type: 'KEY_PERSISTENCE_ENABLE', host: 'esx-02' },
      { type: 'KEY_PERSISTENCE_DISABLE', host: 'esx-02' },
    ];
    for (const event of left) {
      expect(listed.has(JSON.stringify(event))).toBe(false);
      for (let id = 0; id < d.worlds.length; id += 5)
        expect(step(d.worlds[id], event).outcome).toBe('refused');
    }
  });
});

describe.each(CASES)('the packed explorer on $label', (c) => {
  it('finds exactly the states and transitions of the direct explorer', () => {
    const d = direct(c);
    const x = explore(c.topology, { alphabet: c.alphabet });
    expect(x.complete && d.complete).toBe(true);
    expect(x.states).toBe(d.worlds.length);
    expect(x.transitions).toBe(d.transitions);
    expect(x.depth).toBe(d.depth);
    // Same BFS, same event order: the very same states in the very same order.
    expect(keysOf(x)).toEqual(d.keys);
  });

  it('gives shortest traces that replay to each state', () => {
    const dist = distances(direct(c));
    const x = explore(c.topology, { alphabet: c.alphabet });
    for (let id = 0; id < x.states; id += 7) {
      const trace = x.traceTo(id);
      const key = replayTo(c.topology, trace);
      expect(key).toBe(stateKey(x.world(id)));
      expect(trace.length).toBe(dist.get(key));
      expect(x.depthOf(id)).toBe(trace.length);
      expect(trace.every(c.alphabet)).toBe(true);
    }
  });

  it('assembles the same observations as observe()', () => {
    const x = explore(c.topology, { alphabet: c.alphabet });
    for (let id = 0; id < x.states; id += 11) expect(x.observed(id)).toEqual(observe(x.world(id)));
  });

  it('streams every transition', () => {
    const x = explore(c.topology, { alphabet: c.alphabet });
    const key = (world: World) => stateKey(world);
    let applied = 0;
    let refused = 0;
    x.forEachTransition((from, event, to, ok) => {
      if (ok) applied++;
      else refused++;
      if (from % 97 === 0) {
        const result = step(x.world(from), event);
        expect(result.outcome).toBe(ok ? 'applied' : 'refused');
        expect(key(result.world)).toBe(key(x.world(to)));
      }
    });
    expect(applied).toBe(x.transitions);
    expect(applied + refused).toBe(x.states * x.events.length);
  });
});

describe('bounds', () => {
  it('stops at maxStates and at maxDepth, and says the search is incomplete', () => {
    const capped = explore(EDGE, { maxStates: 100 });
    expect(capped.complete).toBe(false);
    expect(capped.states).toBe(100);
    const shallow = explore(EDGE, { maxDepth: 2 });
    const d = exploreDirect(EDGE, { maxDepth: 2 });
    expect(shallow.complete).toBe(false);
    expect(shallow.depth).toBe(2);
    expect(shallow.states).toBe(d.worlds.length);
    expect(shallow.transitions).toBe(d.transitions);
    // Only expanded states stream their steps, and every successor of one is known.
    let applied = 0;
    shallow.forEachTransition((from, _, to, ok) => {
      expect(shallow.depthOf(from)).toBeLessThan(2);
      expect(to).toBeGreaterThanOrEqual(0);
      if (ok) applied++;
    });
    expect(applied).toBe(d.transitions);
    capped.forEachTransition((_, __, to) => expect(to).toBeGreaterThanOrEqual(0));
  });

  it('is complete when the bound is not reached', () => {
    const x = explore(EDGE, { maxDepth: 100, maxStates: 1_000_000 });
    expect(x.complete).toBe(true);
  });
});

describe('checks', () => {
  const locked = (vm: string) => (s: ObservedState) => s.vms[vm]?.locked === true;

  it('findFirstObserved finds a shortest state (AV-02 on the edge site: 2 steps)', () => {
    const x = explore(EDGE, { alphabet: alphabet('outagesAndReboots') });
    const id = x.findFirstObserved(locked('app'));
    expect(id).not.toBeNull();
    const trace = x.traceTo(id as number);
    expect(trace).toHaveLength(2);
    expect(locked('app')(JSON.parse(replayTo(EDGE, trace)))).toBe(true);
    expect(x.findFirst((w) => observe(w).vms.app.locked)).toBe(id);
  });

  it('findFirstStep sees the step on the decoded world', () => {
    const x = explore(TWINS, { alphabet: alphabet('outagesRebootsAndPower') });
    const found = x.findFirstStep((b, e, a) =>
      e.type === 'HOST_REBOOT' && a.vms.b1.locked && !b.vms.b1.locked ? 'b1 locked by a reboot' : null,
    );
    expect(found?.trace).toHaveLength(2);
    expect(JSON.parse(replayTo(TWINS, found?.trace ?? [])).vms.b1.locked).toBe(true);
  });
});

describe('packed states', () => {
  it('widen a field that outgrows its bits, keeping every id', () => {
    const set = new StateSet([1, 2, 1], 4);
    const states = Array.from({ length: 300 }, (_, i) => Uint32Array.of(i % 3, (i * 7) % 50, i % 11));
    const ids = states.map((fields) => {
      const known = set.find(fields);
      return known >= 0 ? known : set.add(-1, -1);
    });
    expect(set.widenings).toBeGreaterThan(0);
    states.forEach((fields, i) => {
      expect(set.find(fields)).toBe(ids[i]);
      expect(Array.from(set.read(ids[i], new Uint32Array(3)))).toEqual(Array.from(fields));
    });
    expect(new Set(ids).size).toBe(new Set(states.map((f) => f.join())).size);
  });

  it('search the same states when the tables cannot be filled first', () => {
    const x = explore(EDGE);
    const lazy = new PackedSearch(tablesFor(structuredClone(EDGE), productionModel), {
      alphabet: alphabet('all'),
      closureBudget: 1,
    }).run();
    expect(lazy.set.count).toBe(x.states);
    expect(lazy.transitions).toBe(x.transitions);
    expect(lazy.set.widenings).toBeGreaterThan(0);
  });
});

describe('the tables come from the model', () => {
  it('explores other states with a model whose reboot keeps the cache', () => {
    const keepCache: Model = {
      ...productionModel,
      name: 'reboot keeps the cache',
      host: productionModel.host.provide({ actions: { emptyCache: () => {} } }),
    };
    const production = new Set(keysOf(explore(EDGE)));
    const variant = explore(EDGE, {}, keepCache);
    const keys = keysOf(variant);
    expect(new Set(keys)).not.toEqual(production);
    // The variant's states are its own: each replays under the variant, not necessarily under production.
    for (let id = 0; id < variant.states; id += 13) {
      expect(replayTo(EDGE, variant.traceTo(id), keepCache)).toBe(keys[id]);
    }
    // With the cache kept, no reboot ever locks app.
    expect(variant.findFirstObserved((s) => s.vms.app.locked)).toBeNull();
  });

  it('grows its tables for a model with more services states than up and down', () => {
    // vCenter counts its outages modulo 3: six services states where the tables planned for two.
    const counting = setup({
      types: {} as {
        context: { outages: number };
        events: { type: 'VCENTER_DOWN' } | { type: 'VCENTER_UP' };
      },
    }).createMachine({
      id: 'vcenter',
      context: { outages: 0 },
      initial: 'up',
      states: {
        up: {
          on: {
            VCENTER_DOWN: {
              target: 'down',
              actions: assign({ outages: ({ context }) => (context.outages + 1) % 3 }),
            },
          },
        },
        down: { on: { VCENTER_UP: 'up' } },
      },
    });
    const model = { ...productionModel, vcenter: counting as unknown as Model['vcenter'] };
    const t = site('nkp-only', {
      providers: [{ id: 'nkp', kind: 'native' }],
      hosts: [{ id: 'h', tpm: '2.0' }],
      vms: [{ id: 'v', host: 'h', encryptedBy: 'nkp', running: true }],
    });
    const d = exploreDirect(t, { alphabet: alphabet('outagesAndReboots') }, model);
    const x = explore(t, { alphabet: alphabet('outagesAndReboots') }, model);
    expect(x.stats().servicesStates).toBe(6);
    // The count is invisible to observe(), which the direct explorer keys on: the packed explorer,
    // keyed on snapshots, tells apart states that look alike, never the other way round.
    expect(x.states).toBeGreaterThan(d.worlds.length);
    expect(new Set(keysOf(x))).toEqual(new Set(d.keys));
    for (let id = 0; id < x.states; id++)
      expect(replayTo(t, x.traceTo(id), model)).toBe(stateKey(x.world(id)));
  });
});

type VmImplementations = Parameters<Model['vm']['provide']>[0];

/** A VM that gives its key to a booting host only while it runs: its state answers, not only its configuration. */
function answeringOnlyWhileRunning(name: string, actions: VmImplementations['actions'] = {}): Model {
  const clusterKeyObtainable: NonNullable<VmImplementations['guards']>['clusterKeyObtainable'] = and([
    ({ context, event }) => event.type === 'CLUSTER_KEY' && event.host !== context.host && event.obtainable,
    stateIn('on'),
  ]);
  return {
    ...productionModel,
    name,
    vm: productionModel.vm.provide({ guards: { clusterKeyObtainable }, actions }),
  };
}

describe("static reads: a host that asks another host's VMs (keyScope cluster)", () => {
  const c = CASES.find((x) => x.topology === OPTIONS) as Case;

  it("keeps each host its own block, and finds the direct explorer's states", () => {
    const x = exploreSite(OPTIONS, { alphabet: c.alphabet });
    expect(x.units).toEqual([['p'], ['q']]);
    // The states themselves are compared with the direct explorer's above ('other options').
    expect([x.states, x.transitions]).toEqual([direct(c).worlds.length, direct(c).transitions]);
  });

  it("explores the hosts as one block when an answer depends on the VM's state", () => {
    // A VM that gives its key to a booting host only while it runs: what q's boot caches then
    // depends on p's state, which q's own block cannot know.
    const onlyWhileRunning = answeringOnlyWhileRunning('a VM gives its key only while running');
    const letters = alphabet('outagesAndReboots'); // p's reboot leaves x off (autostart off)
    const apart = OPTIONS.hosts.map((h) => [h.id]);
    expect(() => explore(OPTIONS, { alphabet: letters, units: apart }, onlyWhileRunning)).toThrow(
      /HOST_REBOOT [pq], an event of [pq], asks [pq], and the answer depends on the state of [pq]/,
    );
    const x = exploreSite(OPTIONS, { alphabet: letters }, onlyWhileRunning);
    expect(x.units).toEqual([['p', 'q']]);
    const d = exploreDirect(OPTIONS, { alphabet: letters }, onlyWhileRunning);
    expect(new Set(keysOf(x))).toEqual(new Set(d.keys));
    // The variant is not production: with x off, q's reboot caches x's key only in production.
    const cachedOnQ = (model: Model) => {
      let world = initialWorld(OPTIONS, model);
      for (const event of [
        { type: 'VM_POWER_OFF', vm: 'x' },
        { type: 'HOST_REBOOT', host: 'q' },
      ] as KpmEvent[])
        world = step(world, event).world;
      return observe(world).hosts.q.cachedKeys;
    };
    expect(cachedOnQ(productionModel)).toContain('x');
    expect(cachedOnQ(onlyWhileRunning)).not.toContain('x');
  });
});

describe('static reads of two hosts at once', () => {
  it('explores them as one block: their answers could make up for each other', () => {
    // Any running VM gives the booting host the key x: q's boot caches x while x or y runs, so
    // varying p alone, or r alone, never changes what it caches, and varying both does.
    const T = site('three', {
      options: { keyScope: 'cluster', autoUnlock: true, autostart: false },
      providers: [{ id: 'kms', kind: 'standard' }],
      hosts: [
        { id: 'p', tpm: '2.0' },
        { id: 'q', tpm: '2.0' },
        { id: 'r', tpm: '2.0' },
      ],
      vms: [
        { id: 'x', host: 'p', encryptedBy: 'kms', running: true },
        { id: 'y', host: 'r', encryptedBy: 'kms', running: true },
      ],
    });
    const anyRunningGivesX = answeringOnlyWhileRunning('any running VM gives the key x', {
      giveKeyToBootedHost: enqueueActions(({ event, enqueue }) => {
        if (event.type !== 'CLUSTER_KEY') return;
        enqueue.emit(
          send({ kind: 'host', id: event.host }, { type: 'OBTAIN_KEY', key: 'x', derived: false }),
        );
      }),
    });
    const letters = (e: KpmEvent) =>
      e.type === 'VM_POWER_OFF' || (e.type === 'HOST_REBOOT' && e.host === 'q');
    const x = exploreSite(T, { alphabet: letters }, anyRunningGivesX);
    expect(x.units).toEqual([['p', 'q', 'r']]);
    const d = exploreDirect(T, { alphabet: letters }, anyRunningGivesX);
    expect(new Set(keysOf(x))).toEqual(new Set(d.keys));
    // With both VMs off, q's reboot forgets x.
    const off = x.findFirstObserved((st) => st.vms.x.power === 'off' && st.vms.y.power === 'off');
    expect(off).not.toBeNull();
    const world = step(x.world(off as number), { type: 'HOST_REBOOT', host: 'q' }).world;
    expect(observe(world).hosts.q.cachedKeys).toEqual([]);
  });
});

describe('the bundled examples', () => {
  const manifest = readManifest();

  // Both explorers visit states in the same order (same BFS, same event order), so even a
  // bounded run must give the same states in the same order.
  it.each(manifest.map((e) => e.topology))('%s: the packed explorer agrees with the direct one', (file) => {
    const topology = loadTopology(join(EXAMPLES_DIR, file));
    const bound = { maxStates: 2_000 };
    const d = exploreDirect(topology, bound);
    const x = explore(topology, bound);
    expect(x.complete).toBe(d.complete);
    expect(x.transitions).toBe(d.transitions);
    expect(keysOf(x)).toEqual(d.keys);
    for (let id = 0; id < x.states; id += 5) {
      expect(replayTo(topology, x.traceTo(id))).toBe(stateKey(x.world(id)));
    }
  });

  it.each(manifest.map((e) => [e.topology, e.check] as const))(
    '%s: the full exploration has the states, transitions and depth of the manifest',
    (file, expected) => {
      const x = explore(loadTopology(join(EXAMPLES_DIR, file)));
      expect({
        distinctStates: x.states,
        transitions: x.transitions,
        depth: x.depth,
        complete: x.complete,
      }).toEqual({
        distinctStates: expected.distinctStates,
        transitions: expected.transitions,
        depth: expected.depth,
        complete: expected.complete,
      });
    },
  );
});
