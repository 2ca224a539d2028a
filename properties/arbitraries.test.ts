/**
 * The generators the suites stand on: valid sites of every kind, traces within their alphabet,
 * refusals that really are refusals, and topology files that load back to the same site.
 */
import fc from 'fast-check';
import { test as prop } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { parseEvents } from '../src/events-file.ts';
import { inAlphabet, type AlphabetName } from '../src/catalogue/alphabets.ts';
import { parseTopology } from '../src/topology/load.ts';
import { checkRules } from '../src/topology/rules.ts';
import { RELEASES } from '../models/vocabulary.ts';
import type { Topology } from '../models/topology.ts';
import { initialWorld, step } from '../src/world/world.ts';
import { alwaysRefused, eventsArb, scenario, scenarioArb, topologyArb } from './arbitraries.ts';
import { eventsJson } from '../src/events-file.ts';
import { topologyYaml } from '../src/topology/write.ts';
import { assertScenarios } from './report.ts';

const sites = topologyArb.map((t) => scenario(t, []));

describe('topologyArb', () => {
  /** Every generated site passes the rules of the topology loader (DOC-01, DOC-07, DOC-08, ...). */
  prop.prop([topologyArb], { numRuns: 200 })('generates valid topologies only (200 sites)', (topology) => {
    expect(checkRules(topology)).toEqual([]);
  });

  /** The sites cover every provider mix, release, TPM, option and the features the properties speak of. */
  test('generates sites of every kind', () => {
    const sample = fc.sample(topologyArb, { numRuns: 200, seed: fc.readConfigureGlobal().seed });
    const seen = new Set<string>();
    for (const t of sample) for (const feature of features(t)) seen.add(feature);
    const wanted = [
      'only standard',
      'only trusted',
      'only native',
      'mixed providers',
      'no provider',
      'native tpmOnly',
      'native not tpmOnly',
      ...RELEASES.map((r) => `host ${r}`),
      'site release overridden',
      'tpm 2.0',
      'tpm 1.2',
      'tpm none',
      'persistence',
      'vm standard',
      'vm trusted',
      'vm native',
      'vm unencrypted',
      'vtpm',
      'running',
      'not running',
      'vsan standard',
      'vsan native',
      'no vsan',
      '3 hosts',
      '0 VMs',
      '4 VMs',
      'autoUnlock true',
      'autostart false',
      'persistCachedKeys false',
      'keyScope cluster',
      'nativeKeyWording 7.0',
    ];
    expect(wanted.filter((w) => !seen.has(w))).toEqual([]);
  });

  /** A site prints as a topology file that loads back to the same site (the replay files of a failure). */
  test('prints topology files that load back to the same site', () => {
    assertScenarios(sites, ({ topology }) => {
      expect(parseTopology(topologyYaml(topology), 'generated.yaml')).toEqual(topology);
    });
  });
});

describe('eventsArb', () => {
  const alphabets: AlphabetName[] = [
    'all',
    'outages',
    'outagesAndReboots',
    'outagesRebootsAndPower',
    'vcenterAndReboots',
    'withoutPersistenceEvents',
  ];

  /** 20 to 60 events, all within the alphabet, printed as an event file that loads back the same. */
  test('generates 20 to 60 events within the alphabet', () => {
    for (const alphabet of alphabets) {
      assertScenarios(scenarioArb(alphabet), ({ events }) => {
        expect(events.length).toBeGreaterThanOrEqual(20);
        expect(events.length).toBeLessThanOrEqual(60);
        expect(events.filter((e) => !inAlphabet(alphabet, e))).toEqual([]);
        expect(parseEvents(eventsJson(events), 'events.json')).toEqual(events);
      });
    }
  });

  /** Traces favour outages and reboots, and include events refused in every state. */
  test('favours outages and reboots, and includes sure refusals', () => {
    const counts = { outage: 0, reboot: 0, refused: 0, total: 0 };
    for (const t of fc.sample(topologyArb, { numRuns: 50, seed: fc.readConfigureGlobal().seed })) {
      const refused = new Set(alwaysRefused(t).map((e) => JSON.stringify(e)));
      for (const events of fc.sample(eventsArb(t, 'all'), { numRuns: 10, seed: 1 })) {
        for (const e of events) {
          counts.total++;
          if (refused.has(JSON.stringify(e))) counts.refused++;
          else if (['KMS_DOWN', 'VCENTER_DOWN', 'LINK_DOWN'].includes(e.type)) counts.outage++;
          else if (e.type === 'HOST_REBOOT') counts.reboot++;
        }
      }
    }
    expect(counts.outage / counts.total).toBeGreaterThan(0.2);
    expect(counts.reboot / counts.total).toBeGreaterThan(0.15);
    expect(counts.refused).toBeGreaterThan(0);
  });

  /** interface.md: the sure refusals are refused whatever the state, and refused events change nothing. */
  test('sure refusals are refused in every state', () => {
    assertScenarios(scenarioArb('all'), ({ topology, events }) => {
      let world = initialWorld(topology);
      for (const event of [...events, null]) {
        for (const refused of alwaysRefused(topology)) {
          const result = step(world, refused);
          expect(result.outcome, JSON.stringify(refused)).toBe('refused');
          expect(result.world).toBe(world);
        }
        if (event !== null) world = step(world, event).world;
      }
    });
  });
});

/** The features of a site that the coverage test looks for. */
function features(t: Topology): string[] {
  const kinds = new Set(t.providers.map((p) => p.kind));
  const kindOf = (id: string | null) => t.providers.find((p) => p.id === id)?.kind ?? 'unencrypted';
  return [
    kinds.size === 0 ? 'no provider' : kinds.size > 1 ? 'mixed providers' : `only ${[...kinds][0]}`,
    ...t.providers
      .filter((p) => p.kind === 'native')
      .map((p) => (p.tpmOnly ? 'native tpmOnly' : 'native not tpmOnly')),
    ...t.hosts.map((h) => `host ${h.release}`),
    ...t.hosts.filter((h) => h.release !== t.release).map(() => 'site release overridden'),
    ...t.hosts.map((h) => `tpm ${h.tpm}`),
    ...t.hosts.filter((h) => h.keyPersistence).map(() => 'persistence'),
    ...t.vms.map((v) => `vm ${kindOf(v.encryptedBy)}`),
    ...t.vms.filter((v) => v.vtpm).map(() => 'vtpm'),
    ...t.vms.map((v) => (v.running ? 'running' : 'not running')),
    t.vsan ? `vsan ${kindOf(t.vsan.encryptedBy)}` : 'no vsan',
    `${t.hosts.length} hosts`,
    `${t.vms.length} VMs`,
    ...Object.entries(t.options).map(([key, value]) => `${key} ${String(value)}`),
  ];
}
