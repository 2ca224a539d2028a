/**
 * The oracles of the properties (src/catalogue/oracles.ts) restate parts of section 1 in their own
 * words, on purpose: they check the model, so they must not share its code. Here each restatement
 * is held against the model's definition (models/definitions.ts, as the machines and the fact
 * gatherers apply it) in both directions, on every reachable state of every example.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AnyMachineSnapshot } from 'xstate';
import { describe, expect, test } from 'vitest';
import { persistenceInEffect, persistenceSupported, type KeyFacts } from '../models/definitions.ts';
import { FACTS } from '../models/facts.ts';
import { VSAN_KEY } from '../models/vocabulary.ts';
import { canPersist, keyPresent, released } from '../src/catalogue/oracles.ts';
import { explore } from '../src/explore/fast.ts';
import { loadTopology } from '../src/topology/load.ts';
import { lookupsOf, providerOf } from '../src/topology/lookups.ts';
import { observe } from '../src/world/observe.ts';
import { viewOf } from '../src/world/world.ts';

const EXAMPLES = fileURLToPath(new URL('../examples/', import.meta.url));
const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml') && !f.endsWith('.events.yaml'));

describe.each(files)('%s: the oracles agree with the model', (file) => {
  const topology = loadTopology(`${EXAMPLES}${file}`);
  const site = lookupsOf(topology);

  test('persistence can be in effect: the oracle and DOC-01 agree on every host', () => {
    for (const host of topology.hosts) expect(canPersist(host), host.id).toBe(persistenceSupported(host));
  });

  test('on every state: the key path, a key present, persistence in effect', () => {
    const x = explore(topology);
    expect(x.complete).toBe(true);
    const disagreements: string[] = [];
    const differ = (what: string, oracle: boolean, model: boolean) => {
      if (oracle !== model) disagreements.push(`${what}: oracle ${oracle}, model ${model}`);
    };
    x.forEachState((id, worldOf) => {
      if (disagreements.length > 0) return;
      const world = worldOf();
      const state = observe(world);
      const view = viewOf(world);
      for (const vm of topology.vms) {
        const snapshot = world.parts.vm[vm.id] as AnyMachineSnapshot;
        const facts = FACTS.vm?.VM_POWER_ON(view, snapshot, { type: 'VM_POWER_ON' }) as KeyFacts;
        const kind = providerOf(site, vm)?.kind ?? null;
        if (kind === 'standard' || kind === 'trusted') {
          differ(
            `state ${id}, ${vm.id}'s key released to ${vm.host}`,
            released(site, state, vm.host, vm.id),
            facts.obtainable,
          );
        }
        const modelPresent = kind === null || (kind === 'native' ? facts.obtainable : facts.cached);
        differ(
          `state ${id}, ${vm.id}'s key present on ${vm.host}`,
          keyPresent(site, state.hosts[vm.host], vm),
          modelPresent,
        );
      }
      for (const host of topology.hosts) {
        const observed = state.hosts[host.id];
        differ(
          `state ${id}, persistence in effect on ${host.id}`,
          observed.persistenceInEffect,
          persistenceInEffect(observed.keyPersistence, host),
        );
        const disk = world.parts.diskGroup[host.id] as AnyMachineSnapshot | undefined;
        const vsanKind = topology.vsan ? site.providers.get(topology.vsan.encryptedBy)?.kind : undefined;
        if (disk !== undefined && vsanKind === 'standard') {
          const kek = FACTS.diskGroup?.MOUNT(view, disk, { type: 'MOUNT' }) as { obtainable: boolean };
          differ(
            `state ${id}, the vSAN KEK released to ${host.id}`,
            released(site, state, host.id, VSAN_KEY),
            kek.obtainable,
          );
        }
      }
    });
    expect(disagreements).toEqual([]);
  });
});
