/**
 * The reference implementation (reference/): written apart from the model, it agrees with it on
 * random sites and traces. (The paths against it, and the catch table: test/paths.test.ts.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { eventsArb, topologyArb } from '../properties/arbitraries.ts';
import { stateDiff } from '../src/paths/run.ts';
import { replay } from '../src/world/observe.ts';
import {
  catchTable,
  COLUMNS,
  DEFAULT_SITES,
  formatCatchTable,
  type CatchTable,
} from '../reference/catch-table.ts';
import { KeyManagerSite } from '../reference/key-manager.ts';
import { runs } from '../properties/runs.ts';

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
    { numRuns: runs(60) },
  );
});
