/**
 * The reference implementation (reference/): written apart from the model, it agrees with it on
 * random sites and traces; the generated paths pass on it and catch every seeded bug, and the catch
 * table says which target catches which (what only refusals catch, what state coverage misses).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { eventsArb, topologyArb } from '../properties/arbitraries.ts';
import { stateDiff } from '../src/paths/run.ts';
import { loadTopology } from '../src/topology/load.ts';
import { replay } from '../src/world/observe.ts';
import {
  catchTable,
  COLUMNS,
  DEFAULT_SITES,
  formatCatchTable,
  type CatchTable,
} from '../reference/catch-table.ts';
import { BUG_NAMES } from '../reference/bugs.ts';
import { KeyManagerSite } from '../reference/key-manager.ts';

const dir = fileURLToPath(new URL('../reference/', import.meta.url));

test('the implementation and its adapters import nothing of kpm (only the catch table, which drives them, does)', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'catch-table.ts');
  expect(files).toEqual(
    expect.arrayContaining(['key-manager.ts', 'adapter.ts', 'adapter-cli.ts', 'bugs.ts']),
  );
  for (const file of files) {
    const imports = [...readFileSync(`${dir}${file}`, 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    expect(
      imports.filter((i) => !i.startsWith('./') && !i.startsWith('node:')),
      file,
    ).toEqual([]);
  }
});

test('it agrees with the model on random sites and traces, every option included', () => {
  fc.assert(
    fc.property(
      topologyArb.chain((t) => fc.tuple(fc.constant(t), eventsArb(t, 'all', { min: 10, max: 30 }))),
      ([topology, events]) => {
        const model = replay(topology, events);
        const site = new KeyManagerSite(topology as never);
        expect(stateDiff(model.steps[0].state, site.observe())).toEqual([]);
        events.forEach((event, k) => {
          const outcome = site.apply(event as never).outcome;
          expect({ step: k + 1, outcome }).toEqual({ step: k + 1, outcome: model.steps[k + 1].outcome });
          expect(stateDiff(model.steps[k + 1].state, site.observe())).toEqual([]);
        });
      },
    ),
    { numRuns: 60 },
  );
});

describe('the catch table', () => {
  // The edge site without its two exhaustive columns (110,865 and 22,296 steps: `npm run
  // catch-table` runs them), and the small Trust Authority site with every column.
  const cheap = COLUMNS.filter((c) => c !== 'graph' && c !== 'states');
  const edge = catchTable(loadTopology(DEFAULT_SITES[0]), cheap);
  const trusted = catchTable(loadTopology(DEFAULT_SITES[1]));
  const caught = (table: CatchTable, bug: string) => table.rows.find((r) => r.bug === bug)?.caught;

  test('the correct implementation passes every path of every column', () => {
    for (const c of cheap) expect(edge.correct[c], c).toBeNull();
    for (const c of COLUMNS) expect(trusted.correct[c], c).toBeNull();
  });

  test('there are at least ten seeded bugs, and every one is caught by some target on some site', () => {
    expect(BUG_NAMES.length).toBeGreaterThanOrEqual(10);
    const missed = BUG_NAMES.filter(
      (bug) =>
        cheap.every((c) => caught(edge, bug)?.[c] === null) &&
        COLUMNS.every((c) => caught(trusted, bug)?.[c] === null),
    );
    expect(missed).toEqual([]);
  });

  test('what only refusals catch, and what transitions catch that state coverage misses', () => {
    for (const bug of ['power-on-ignores-lock', 'kms-down-on-native']) {
      expect(cheap.filter((c) => caught(edge, bug)?.[c] !== null)).toEqual(['refusals']);
    }
    expect(caught(trusted, 'unlock-powers-on')?.transitions).not.toBeNull();
    expect(caught(trusted, 'unlock-powers-on')?.states).toBeNull();
    // A bug seen at the reset is caught at step 0 by every column.
    expect(Object.values(caught(edge, 'autostart-ignored') ?? {}).map((k) => k?.steps)).toEqual(
      cheap.map(() => 0),
    );
  });

  test('the printed table: a row per bug, a pass per column for the correct implementation, the shortest catches', () => {
    const lines = formatCatchTable(trusted);
    expect(lines[2].split(/\s+/)).toEqual(['bug', 'rule', ...COLUMNS]);
    expect(lines[3]).toMatch(/^\(correct implementation\)\s+pass\s+pass\s+pass\s+pass\s+pass\s+pass$/);
    expect(lines.filter((l) => BUG_NAMES.some((b) => l.startsWith(`${b} `)))).toHaveLength(BUG_NAMES.length);
    expect(lines).toContain('Caught by transitions, missed by state coverage (states): unlock-powers-on');
    expect(lines.find((l) => l.startsWith('  vcenter-for-trusted'))).toMatch(/VCENTER_DOWN/);
  });
});
