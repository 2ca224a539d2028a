/**
 * The example sites of examples/: each topology and its scenario load and replay, every event line
 * says why, the README lists every example, and the edge site replays the worked example
 * (worked-example.md) exactly.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { formatEvent } from '../src/events.ts';
import { loadEvents } from '../src/events-file.ts';
import { loadTopology, parseTopology } from '../src/topology/load.ts';
import { formattedExamplesReadme, readManifest } from '../src/examples/manifest.ts';
import { replay } from '../src/world/observe.ts';
import type { ObservedHost } from '../src/world/observe.ts';

const EXAMPLES = fileURLToPath(new URL('../examples/', import.meta.url));

const names = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith('.yaml') && !f.endsWith('.events.yaml'))
  .map((f) => f.slice(0, -'.yaml'.length))
  .sort();

describe('examples', () => {
  test('the required examples are there', () => {
    expect(names).toEqual(
      expect.arrayContaining([
        'edge-site',
        'trust-authority',
        'mixed-native-standard',
        'legacy-7.0U1',
        'tpm-less',
      ]),
    );
  });

  test.each(names)('%s: the topology and its events load and replay', (name) => {
    const events = `${EXAMPLES}${name}.events.yaml`;
    expect(existsSync(events), `${name}.events.yaml is missing`).toBe(true);
    const result = replay(loadTopology(`${EXAMPLES}${name}.yaml`), loadEvents(events));
    expect(result.topology).toBe(name);
    expect(result.steps.length).toBeGreaterThan(1);
  });

  test.each(names)('%s: every event line says what happens and why', (name) => {
    const lines = readFileSync(`${EXAMPLES}${name}.events.yaml`, 'utf8').split('\n');
    const silent = lines.filter((line) => line.startsWith('- ') && !/ # .*\S/.test(line));
    expect(silent).toEqual([]);
  });

  test('the manifest lists every example, with its files', () => {
    const manifest = readManifest();
    expect(manifest.map((e) => e.name).sort()).toEqual(names);
    for (const e of manifest)
      expect([e.topology, e.events]).toEqual([`${e.name}.yaml`, `${e.name}.events.yaml`]);
  });

  test('the README is generated from the manifest and current (npm run examples:readme)', async () => {
    expect(readFileSync(`${EXAMPLES}README.md`, 'utf8')).toBe(await formattedExamplesReadme(readManifest()));
  });
});

/** The topology of worked-example.md, under the example's name. */
const WORKED_EXAMPLE_TOPOLOGY = `name: edge-site
release: "7.0U3"
providers:
  - { id: kms, kind: standard }
  - { id: nkp, kind: native }
hosts:
  - { id: esx-01, tpm: "2.0", keyPersistence: true }
  - { id: esx-02, tpm: none }
vms:
  - { id: db, host: esx-01, encryptedBy: kms, running: true }
  - { id: app, host: esx-02, encryptedBy: kms, running: true }
  - { id: dc, host: esx-01, encryptedBy: nkp, vtpm: true, running: true }
vsan: { encryptedBy: kms }
`;

/** The table of worked-example.md, verbatim. */
const WORKED_EXAMPLE_TABLE = `
| # | event | outcome | db | app | dc | esx-01 cache / store / kdk / vsan | esx-02 cache / store / kdk / vsan |
|---|---|---|---|---|---|---|---|
| 0 | (initial) | applied | on | on | on | db,vsan / db,vsan / nkp / mounted | app,vsan / - / - / mounted |
| 1 | LINK_DOWN esx-01 | applied | on | on | on | db,vsan / db,vsan / nkp / mounted | app,vsan / - / - / mounted |
| 2 | LINK_DOWN esx-02 | applied | on | on | on | db,vsan / db,vsan / nkp / mounted | app,vsan / - / - / mounted |
| 3 | HOST_REBOOT esx-01 | applied | on | on | on | db,vsan / db,vsan / nkp / mounted | app,vsan / - / - / mounted |
| 4 | HOST_REBOOT esx-02 | applied | on | off locked | on | db,vsan / db,vsan / nkp / mounted | - / - / - / unmounted |
| 5 | VM_POWER_ON app | refused (locked) | on | off locked | on | db,vsan / db,vsan / nkp / mounted | - / - / - / unmounted |
| 6 | LINK_UP esx-02 | applied | on | off locked | on | db,vsan / db,vsan / nkp / mounted | vsan / - / - / mounted |
| 7 | VM_UNLOCK app | applied | on | off | on | db,vsan / db,vsan / nkp / mounted | app,vsan / - / - / mounted |
| 8 | VM_POWER_ON app | applied | on | on | on | db,vsan / db,vsan / nkp / mounted | app,vsan / - / - / mounted |
`;

/** One row of the table, in the replay's vocabulary. */
interface Row {
  step: number;
  event: string;
  outcome: string;
  vms: Record<string, { power: string; locked: boolean }>;
  hosts: Record<string, Pick<ObservedHost, 'cachedKeys' | 'storedKeys' | 'kdk' | 'vsan'>>;
}

function tableRows(table: string): Row[] {
  return table
    .trim()
    .split('\n')
    .slice(2)
    .map((line) => {
      const cells = line
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim());
      const [step, event, outcome, db, app, dc, esx01, esx02] = cells;
      return {
        step: Number(step),
        event,
        outcome: outcome.split(' ')[0],
        vms: { db: vmCell(db), app: vmCell(app), dc: vmCell(dc) },
        hosts: { 'esx-01': hostCell(esx01), 'esx-02': hostCell(esx02) },
      };
    });
}

/** `on`, `off`, `off locked`. */
function vmCell(cell: string): { power: string; locked: boolean } {
  const [power, locked] = cell.split(' ');
  return { power, locked: locked === 'locked' };
}

/** `db,vsan / db,vsan / nkp / mounted`; `-` is an empty list. */
function hostCell(cell: string): Row['hosts'][string] {
  const [cache, store, kdk, vsan] = cell.split(' / ');
  const keys = (list: string) => (list === '-' ? [] : list.split(','));
  return {
    cachedKeys: keys(cache),
    storedKeys: keys(store),
    kdk: keys(kdk),
    vsan: vsan as ObservedHost['vsan'],
  };
}

describe('the edge site is the worked example', () => {
  test('its topology is the worked example topology', () => {
    expect(loadTopology(`${EXAMPLES}edge-site.yaml`)).toEqual(
      parseTopology(WORKED_EXAMPLE_TOPOLOGY, 'worked-example.md'),
    );
  });

  test('its replay equals the worked example table, all 9 steps', () => {
    const result = replay(
      loadTopology(`${EXAMPLES}edge-site.yaml`),
      loadEvents(`${EXAMPLES}edge-site.events.yaml`),
    );
    const actual: Row[] = result.steps.map((s, step) => ({
      step,
      event: s.event === null ? '(initial)' : formatEvent(s.event),
      outcome: s.outcome,
      vms: Object.fromEntries(
        Object.entries(s.state.vms).map(([id, vm]) => [id, { power: vm.power, locked: vm.locked }]),
      ),
      hosts: Object.fromEntries(
        Object.entries(s.state.hosts).map(([id, h]) => [
          id,
          { cachedKeys: h.cachedKeys, storedKeys: h.storedKeys, kdk: h.kdk, vsan: h.vsan },
        ]),
      ),
    }));
    const expected = tableRows(WORKED_EXAMPLE_TABLE);
    expect(expected).toHaveLength(9);
    expect(actual).toEqual(expected);
  });

  test('its refused step says why, in the words of the table', () => {
    const result = replay(
      loadTopology(`${EXAMPLES}edge-site.yaml`),
      loadEvents(`${EXAMPLES}edge-site.events.yaml`),
    );
    const why = WORKED_EXAMPLE_TABLE.match(/\| 5 \| [^|]+\| refused \((\w+)\)/)?.[1];
    expect(why).toBe('locked');
    expect(result.steps[5].reason).toContain(why);
  });
});
