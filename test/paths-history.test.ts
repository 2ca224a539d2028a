/**
 * `kpm paths --history`: each run covers what earlier runs left, so a lab that runs a few steps a
 * day (`--max-steps`) still converges; a history is never applied to another site.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, test } from 'vitest';
import { InputError } from '../src/errors.ts';
import { generatePaths, prepareSite } from '../src/paths/generate.ts';
import { doneFor, readHistory, record, writeHistory, type History } from '../src/paths/history.ts';
import type { Target } from '../src/paths/suite.ts';
import { loadTopology } from '../src/topology/load.ts';

const root = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const site = prepareSite(loadTopology(root('examples/legacy-7.0U1.yaml')));
const dir = mkdtempSync(join(tmpdir(), 'kpm-history-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a day after another with `budget` steps, until nothing is left; the histories of each day. */
function days(cover: Target, budget: number, file: string): History[] {
  const seen: History[] = [];
  for (let day = 0; day < 50; day++) {
    const history = readHistory(file, site.topology);
    const suite = generatePaths(site, {
      cover,
      maxSteps: budget,
      done: doneFor(history, cover),
      comparisons: false,
    });
    expect(suite.steps).toBeLessThanOrEqual(budget);
    if (suite.steps === 0 && (suite.coverage.left ?? []).length === 0) return seen;
    const next = record(history, suite);
    writeHistory(file, next);
    seen.push(next);
  }
  throw new Error(`${cover} did not converge in 50 days`);
}

test.each([
  ['transitions', 10],
  ['rules', 3],
  ['refusals', 10],
] as const)('%s, %i steps a day: converges to what one run covers', (cover, budget) => {
  const full = generatePaths(site, { cover, comparisons: false });
  const history = days(cover, budget, join(dir, `${cover}.json`));
  const done = doneFor(history[history.length - 1], cover);
  const wanted = full.paths.flatMap((p) => p.steps.flatMap((s) => s.covers ?? []));
  expect(wanted.filter((id) => !done.has(id))).toEqual([]);
  // Every day brought something new, and the days together took no more than a few times one run.
  expect(history.every((h) => h.runs[h.runs.length - 1].covered > 0)).toBe(true);
  const steps = history[history.length - 1].runs.reduce((n, run) => n + run.steps, 0);
  expect(steps).toBeLessThan(4 * full.steps + budget);
});

test('after a run with --run, only the paths that passed count', () => {
  const suite = generatePaths(site, { cover: 'refusals' });
  const fresh = readHistory(join(dir, 'none.json'), site.topology);
  expect(doneFor(record(fresh, suite, new Set()), 'refusals').size).toBe(0);
  expect(doneFor(record(fresh, suite, new Set(['p1'])), 'refusals').size).toBe(
    suite.paths[0].steps.flatMap((s) => s.covers ?? []).length,
  );
});

test('a history of another site, or a file that is not one, is bad input', () => {
  const file = join(dir, 'other.json');
  writeHistory(file, {
    ...readHistory(join(dir, 'none.json'), site.topology),
    fingerprint: '0123456789abcdef',
  });
  expect(() => readHistory(file, site.topology)).toThrow(InputError);
  expect(() => readHistory(file, site.topology)).toThrow(/recorded for another site/);
  writeFileSync(file, '{"hello": 1}');
  expect(() => readHistory(file, site.topology)).toThrow(/not a kpm paths history/);
});
