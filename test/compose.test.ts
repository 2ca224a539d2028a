/**
 * The compositional check (src/check/compose.ts) against the full product: the same verdicts,
 * subjects and trace lengths (and the same operator's answers) on random sites of up to four
 * hosts, under other options and on broken models; couplings found from what the model does, and
 * the coupled hosts explored together; a report that says how it decided, and never calls bounded
 * complete; the bundled examples' equality is in test/check.test.ts (both against the manifest).
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { assign, enqueueActions } from 'xstate';
import { productionModel, type Model } from '../models/index.ts';
import { send } from '../models/messages.ts';
import { siteMachine } from '../models/site.ts';
import type { Topology } from '../models/topology.ts';
import { sitesArb, summary } from '../properties/arbitraries.ts';
import { plans } from '../src/catalogue/catalogue.ts';
import { evaluateTrace } from '../src/catalogue/evaluate.ts';
import { staticCouplings } from '../src/check/compose.ts';
import type { CheckReport } from '../src/check/report.ts';
import { runCheck } from '../src/check/run.ts';
import { exploreSite } from '../src/explore/fast.ts';
import { loadTopology, parseTopology } from '../src/topology/load.ts';
import { observe } from '../src/world/observe.ts';
import { initialWorld } from '../src/world/world.ts';
import { MUTANTS } from './mutants/index.ts';
import { runs } from '../properties/runs.ts';

const verdicts = (r: CheckReport) =>
  r.properties.map((p) => ({
    id: p.id,
    subject: p.subject,
    expected: p.expected,
    result: p.result,
    steps: p.trace?.length ?? null,
  }));
const answers = (r: CheckReport) => r.operator.map((a) => [a.vm, a.trace?.length ?? null]);

/** Each trace of the report, replayed on the whole site, shows what its property says at its last step. */
function tracesShowOnTheSite(topology: Topology, report: CheckReport, model?: Model): void {
  const all = plans(topology);
  report.properties.forEach((p, i) => {
    const plan = all[i];
    if (p.trace === null || plan.check === null) return;
    const found = evaluateTrace(topology, { alphabet: plan.alphabet, check: plan.check }, p.trace, model);
    expect(found?.at, `${p.id} ${p.subject}`).toBe(p.trace.length);
  });
}

const edge = loadTopology('examples/edge-site.yaml');
const trust = loadTopology('examples/trust-authority.yaml');
const legacy = loadTopology('examples/legacy-7.0U1.yaml');

describe('the compositional check equals the full product', () => {
  test('on random sites of two to four hosts: verdicts, subjects, trace lengths, operator answers', () => {
    let parts = 0;
    fc.assert(
      fc.property(
        sitesArb(4, 3).filter((t) => t.hosts.length >= 2),
        (topology) => {
          // Sites whose product fits the bound (a bare exploration says so cheaply).
          fc.pre(exploreSite(topology, { maxStates: 2000 }).complete);
          const full = runCheck(topology, { full: true, maxStates: 2000, randomBudget: 0 });
          expect(full.complete).toBe(true);
          const compositional = runCheck(topology, { maxStates: 2000, randomBudget: 0 });
          expect(compositional.complete, summary(topology)).toBe(true);
          expect(verdicts(compositional), summary(topology)).toEqual(verdicts(full));
          expect(answers(compositional), summary(topology)).toEqual(answers(full));
          tracesShowOnTheSite(topology, compositional);
          if (compositional.method === 'compositional') parts++;
        },
      ),
      { numRuns: runs(6) },
    );
    // Most of them decided part by part (the others are coupled: keyScope cluster).
    expect(parts).toBeGreaterThanOrEqual(2);
  });

  test.each([
    ['autoUnlock', { autoUnlock: true }],
    ['autostart off', { autostart: false }],
    ['persistCachedKeys off', { persistCachedKeys: false }],
    ['nativeKeyWording 7.0', { nativeKeyWording: '7.0' as const }],
  ])('on the edge site with %s', (_, options) => {
    const topology = { ...edge, options: { ...edge.options, ...options } };
    const compositional = runCheck(topology, { randomBudget: 0 });
    const full = runCheck(topology, { full: true, randomBudget: 0 });
    expect(compositional.method).toBe('compositional');
    expect(verdicts(compositional)).toEqual(verdicts(full));
    expect(answers(compositional)).toEqual(answers(full));
  });

  test.each(MUTANTS.filter((m) => ['settle-skips-disk-retry', 'outage-stops-running-vms'].includes(m.name)))(
    'on a broken model ($name): the same findings',
    (mutant) => {
      const topology = { ...edge, name: 'edge' };
      const compositional = runCheck(topology, { model: mutant.model, randomBudget: 0 });
      const full = runCheck(topology, { model: mutant.model, full: true, randomBudget: 0 });
      expect(verdicts(compositional)).toEqual(verdicts(full));
      expect(compositional.properties.some((p) => !p.asExpected)).toBe(true);
      // An outage that stops running VMs makes the automatic effects stop a VM that another host's
      // event left running: no part can hold that, each part's tables find it, and every host is
      // explored together. Skipping the disk retry couples nothing.
      if (mutant.name === 'outage-stops-running-vms') {
        expect(compositional.method).toBe('full product');
        expect(compositional.couplings).toEqual([
          {
            hosts: 'every host',
            level: 'block',
            reason: expect.stringMatching(/^the automatic effects that follow an event change esx-0\d again/),
          },
        ]);
      } else {
        expect(compositional.method).toBe('compositional');
        expect(compositional.couplings).toEqual([]);
      }
    },
  );
});

// --- couplings ------------------------------------------------------------------------------

/** Three hosts of one configuration: one class, explored once when nothing couples them. */
const trio: Topology = parseTopology(
  `name: trio
release: "7.0U1"
providers: [{ id: kms, kind: standard }]
hosts: [{ id: esx-01, tpm: "2.0" }, { id: esx-02, tpm: "2.0" }, { id: esx-03, tpm: "2.0" }]
vms:
  - { id: a, host: esx-01, encryptedBy: kms, running: true }
  - { id: b, host: esx-02, encryptedBy: kms, running: true }
  - { id: c, host: esx-03, encryptedBy: kms, running: true }
`,
  'trio.yaml',
);

/** A model whose site routes an event of one host on to another: built like the mutants, with `provide`. */
function siteVariant(name: string, toHost: Parameters<typeof enqueueActions>[0]): Model {
  return {
    ...productionModel,
    name,
    site: siteMachine.provide({ actions: { toHost: enqueueActions(toHost) as never } }),
  };
}

/** LINK_UP of esx-01 also unlocks the VMs of esx-02 whose key is usable: esx-01 and esx-02 are coupled. */
const pokesItsNeighbour = siteVariant('link-up-unlocks-esx-02', ({ event, enqueue }) => {
  const { host } = event as unknown as { host: string };
  enqueue.emit(send({ kind: 'host', id: host }, { type: event.type }));
  if (event.type === 'LINK_UP' && host === 'esx-01')
    enqueue.emit(send({ kind: 'vm', owner: 'esx-02' }, { type: 'KEY_CHECK', autoUnlock: true }));
});

/** The same, to the next host of the site's list: only the whole site's routing shows it. */
const pokesTheNextHost = siteVariant('link-up-unlocks-the-next-host', ({ context, event, enqueue }) => {
  const { host } = event as unknown as { host: string };
  enqueue.emit(send({ kind: 'host', id: host }, { type: event.type }));
  const hosts = (context as { hosts: { id: string }[] }).hosts;
  const next = hosts[hosts.findIndex((h) => h.id === host) + 1];
  if (event.type === 'LINK_UP' && next)
    enqueue.emit(send({ kind: 'vm', owner: next.id }, { type: 'KEY_CHECK', autoUnlock: true }));
});

/** ATTESTATION_FAIL of a host also takes vCenter down: a host's event changes what every host reads. */
const failsVcenter = siteVariant('attestation-fail-takes-vcenter-down', ({ event, enqueue }) => {
  const { host } = event as unknown as { host: string };
  enqueue.emit(send({ kind: 'host', id: host }, { type: event.type }));
  if (event.type === 'ATTESTATION_FAIL')
    enqueue.emit(send({ kind: 'vcenter', id: 'vcenter' }, { type: 'VCENTER_DOWN' }));
});

describe('couplings, derived from what the model does', () => {
  test('independent hosts of one configuration: one exploration for the three', () => {
    const report = runCheck(trio, { randomBudget: 0 });
    expect(report.method).toBe('compositional');
    expect(report.couplings).toEqual([]);
    expect(report.explorations.map((x) => [x.hosts, x.decides])).toEqual([
      [['esx-01'], ['esx-01', 'esx-02', 'esx-03']],
    ]);
  });

  test('keyScope cluster: a boot asks every VM of the site for its key, so every host is coupled', () => {
    const topology = { ...legacy, options: { ...legacy.options, keyScope: 'cluster' as const } };
    const report = runCheck(topology, { randomBudget: 0 });
    expect(report.method).toBe('full product');
    expect(report.couplings).toHaveLength(1);
    expect(report.couplings[0].hosts).toBe('every host');
    expect(report.couplings[0].reason).toMatch(/CLUSTER_KEY to every vm/);
    // The VMs only answer, from their configuration: one part, each host its own block.
    expect(report.couplings[0].level).toBe('part');
    expect(report.explorations).toHaveLength(1);
    expect(report.fullProduct?.states).toBe(report.states);
    expect(report.properties.every((p) => p.asExpected)).toBe(true);
    const full = runCheck(topology, { full: true, randomBudget: 0 });
    expect(verdicts(report)).toEqual(verdicts(full));
  });

  test('keyScope cluster, with VMs that change when asked: one block', () => {
    const topology = { ...legacy, options: { ...legacy.options, keyScope: 'cluster' as const } };
    const forgetful: Model = {
      ...productionModel,
      name: 'a VM asked for its key forgets that it was running',
      vm: productionModel.vm.provide({ actions: { giveKeyToBootedHost: assign({ running: false }) } }),
    };
    const report = runCheck(topology, { model: forgetful, randomBudget: 0 });
    expect(report.couplings.map((c) => [c.hosts, c.level])).toEqual([
      ['every host', 'part'],
      [['esx-01', 'esx-02'], 'block'],
    ]);
    expect(report.couplings[1].reason).toMatch(/BOOT to boot esx-0\d reaches esx-01 and esx-02/);
    const full = runCheck(topology, { model: forgetful, full: true, randomBudget: 0 });
    expect(verdicts(report)).toEqual(verdicts(full));
  });

  test('an event of one host that acts on another: those two explored together, the third alone', () => {
    const report = runCheck(trio, { model: pokesItsNeighbour, randomBudget: 0 });
    expect(report.method).toBe('compositional');
    expect(report.couplings.map((c) => c.hosts)).toEqual([['esx-01', 'esx-02']]);
    expect(report.couplings[0].reason).toMatch(/LINK_UP esx-01: KEY_CHECK to the vms of esx-02/);
    expect(report.explorations.map((x) => x.hosts)).toEqual([['esx-01', 'esx-02'], ['esx-03']]);
    const full = runCheck(trio, { model: pokesItsNeighbour, full: true, randomBudget: 0 });
    expect(full.couplings).toEqual(report.couplings);
    expect(verdicts(report)).toEqual(verdicts(full));
    expect(answers(report)).toEqual(answers(full));
    tracesShowOnTheSite(trio, report, pokesItsNeighbour);
  });

  test('a site that routes an event to another host by its place in the site: every host', () => {
    // Hosts without a TPM: fewer events, and the full product of three hosts stays small.
    const plain = { ...trio, hosts: trio.hosts.map((h) => ({ ...h, tpm: 'none' as const })) };
    const report = runCheck(plain, { model: pokesTheNextHost, randomBudget: 0 });
    expect(report.method).toBe('full product');
    expect(report.couplings[0]).toMatchObject({ hosts: 'every host' });
    expect(report.couplings[0].reason).toMatch(/routes LINK_DOWN esx-01|routes LINK_UP esx-01/);
  });

  test('a host event that changes a shared service: every host, and refused with its reason', () => {
    // Coupled to every host, and beyond what the tables hold (they keep the services apart from
    // the hosts): refused by name rather than explored wrong.
    expect(() => runCheck(trio, { model: failsVcenter, randomBudget: 0 })).toThrow(
      /cannot be explored: ATTESTATION_FAIL esx-01, an event of esx-01 \+ esx-02 \+ esx-03, changed the shared services/,
    );
  });

  test('events and plans that name two hosts couple them before anything runs', () => {
    const [a, b] = trio.hosts.map((h) => h.id);
    const fakes = plans(trio).map((p) => ({ ...p }));
    fakes[0] = { ...fakes[0], subject: 'a+b', hosts: [a, b] };
    expect(staticCouplings(trio, fakes)).toEqual([
      { hosts: [a, b], reason: `${fakes[0].id} a+b speaks of each` },
    ]);
    expect(staticCouplings(trio, plans(trio))).toEqual([]);
  });
});

// --- what the report says -------------------------------------------------------------------

describe('the report says how it decided', () => {
  test('explorations, their states and the hosts each decides; no full product unless explored', () => {
    const report = runCheck(trust, { randomBudget: 0 });
    expect(report.method).toBe('compositional');
    expect(report.explorations.map((x) => x.hosts)).toEqual([['esx-01'], ['esx-02']]);
    expect(report.states).toBe(report.explorations.reduce((n, x) => n + x.states, 0));
    expect(report.fullProduct).toBeUndefined();
    for (const x of report.explorations) {
      expect(x.alphabets[0]).toMatchObject({ alphabet: 'all', states: x.states, complete: true });
    }
    // A subject's verdict names the exploration of its host; a property of every host, all of them.
    const av01 = report.properties.find((p) => p.id === 'AV-01');
    expect(av01?.decidedOn).toEqual({ explorations: [0], hosts: ['esx-01'] });
    expect(report.properties.find((p) => p.id === 'SEC-01')?.decidedOn?.explorations).toEqual([0, 1]);
    const full = runCheck(trust, { full: true, randomBudget: 0 });
    expect(full.fullProduct).toEqual({
      states: 8192,
      transitions: full.transitions,
      depth: full.depth,
      complete: true,
    });
  });

  test('a bounded part leaves every verdict bounded but its counterexamples: never holds, never complete', () => {
    const report = runCheck(edge, { maxStates: 100, randomBudget: 0 });
    expect(report.complete).toBe(false);
    expect(report.explorations.map((x) => x.complete)).toEqual([false, true]);
    const found = (id: string, subject: string | null = null) =>
      report.properties.find((p) => p.id === id && p.subject === subject);
    // esx-02's part is complete: its counterexamples stand (replayed on its part); what holds there
    // is bounded, since past esx-01's bound a step could couple the hosts.
    expect(found('AV-02', 'app')?.result).toBe('counterexample');
    expect(found('AV-10', 'app')?.result).toBe('bounded');
    expect(found('AV-10', 'app')?.evidence).toMatch(
      /no counterexample in \d+ states on its part; bounded, since the exploration of esx-01 was/,
    );
    expect(found('SEC-01')?.result).toBe('bounded');
    expect(found('LV-01')?.result).toBe('bounded');
    expect(report.properties.filter((p) => p.result === 'holds')).toEqual([]);
  });
});

describe('a site of many hosts', () => {
  test('200 generated hosts of eight kinds: eight explorations, every verdict as expected', async () => {
    const { generatedSite, HOST_KINDS } = await import('../bench/generated.ts');
    const topology = generatedSite(200);
    const report = runCheck(topology, { randomBudget: 0 });
    expect(report.method).toBe('compositional');
    expect(report.complete).toBe(true);
    expect(report.explorations).toHaveLength(HOST_KINDS.length);
    expect(report.explorations.every((x) => x.hosts.length === 1 && x.decides.length === 25)).toBe(true);
    expect(report.properties.filter((p) => !p.asExpected).map((p) => `${p.id} ${p.subject}`)).toEqual([]);
    // Every host and VM has its verdicts, under its own name.
    const subjects = new Set(report.properties.map((p) => p.subject));
    for (const vm of topology.vms) expect(subjects.has(vm.id), vm.id).toBe(true);
    // The operator's answers: one per VM running in the steady initial state (not the VMs that
    // a TPM-only provider never gives a key on a host without a TPM 2.0).
    const initial = observe(initialWorld(topology));
    const running = topology.vms.filter((v) => initial.vms[v.id].power === 'on').map((v) => v.id);
    expect(running.length).toBeGreaterThan(topology.vms.length / 2);
    expect(report.operator.map((a) => a.vm)).toEqual(running);
  });
});
