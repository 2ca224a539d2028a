/**
 * A bounded `kpm check`: the random runs past the bound keep to a budget of events that the user
 * sets and sees (the report, the progress line), and the last line tells undecided verdicts from
 * wrong ones.
 */
import { Writable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { formatReport } from '../src/check/format.ts';
import type { CheckReport, PropertyResult } from '../src/check/report.ts';
import { DEFAULT_RANDOM_BUDGET, runCheck, type RandomProgress, type RandomStart } from '../src/check/run.ts';
import { ProgressLine } from '../src/cli/progress.ts';
import { loadTopology } from '../src/topology/load.ts';

const edge = loadTopology('examples/edge-site.yaml');

describe('the random runs past the bound', () => {
  test('spend at most the budget, shrinking included, and say how much they spent', () => {
    const seen: RandomProgress[] = [];
    // The full product: bounded at 50 states, it leaves most properties undecided.
    const report = runCheck(edge, {
      maxStates: 50,
      full: true,
      randomBudget: 3000,
      onRandomProgress: (p) => seen.push(p),
    });
    expect(report.random).toMatchObject({ budget: 3000, seed: 1 });
    expect(report.random?.events).toBeGreaterThan(2000);
    expect(report.random?.events).toBeLessThanOrEqual(3000);
    // The progress: every step within the budget, never going back, naming the property searched.
    expect(seen.length).toBeGreaterThan(10);
    expect(
      seen.every(
        (p, i) => p.budget === 3000 && p.events <= 3000 && (i === 0 || p.events >= seen[i - 1].events),
      ),
    ).toBe(true);
    expect(seen.map((p) => p.property)).toContain('AV-01 db');
    const undecided = report.properties.filter((p) => p.result === 'bounded' && p.id !== 'LV-01');
    for (const p of undecided)
      expect(p.evidence).toMatch(/no counterexample in \d+ random runs? \(\d+ events, seed \d+\)/);
  });

  test('bound the time: the same site and bound, a tenth of the budget, far less work', () => {
    const time = (budget: number) => {
      const started = performance.now();
      runCheck(edge, { maxStates: 50, randomBudget: budget });
      return performance.now() - started;
    };
    time(100); // warm up the statecharts
    expect(time(300)).toBeLessThan(time(3000));
  });

  test('give the same report for the same seed and budget, and none with a budget of 0', () => {
    const once = runCheck(edge, { maxStates: 50, randomBudget: 2000, seed: 3 });
    const again = runCheck(edge, { maxStates: 50, randomBudget: 2000, seed: 3 });
    expect(JSON.stringify({ ...again, elapsedMs: 0 })).toBe(JSON.stringify({ ...once, elapsedMs: 0 }));
    expect(runCheck(edge, { maxStates: 50, randomBudget: 0 }).random?.events).toBe(0);
  });

  test('on worker threads: the same report as in the main thread, each search’s seed announced', () => {
    const options = { maxStates: 50, full: true, randomBudget: 1500, seed: 7 };
    const started: RandomStart[] = [];
    const threaded = runCheck(edge, { ...options, workers: 2, onRandomStart: (s) => started.push(s) });
    const alone = runCheck(edge, { ...options, workers: 1 });
    expect(threaded.random?.workers).toBe(2);
    expect(alone.random?.workers).toBe(1);
    const same = (r: CheckReport) =>
      JSON.stringify({ ...r, elapsedMs: 0, random: { ...r.random, workers: 0 } });
    expect(same(threaded)).toBe(same(alone));
    // Every search started on a worker (never the main thread), with the seed the report lists.
    const searches = threaded.random?.searches ?? [];
    expect(searches.length).toBeGreaterThan(3);
    expect(started.map((s) => [s.property, s.seed]).sort()).toEqual(
      searches.map((s) => [`${s.id}${s.subject ? ` ${s.subject}` : ''}`, s.seed]).sort(),
    );
    expect(started.every((s) => s.worker === 1 || s.worker === 2)).toBe(true);
    expect(new Set(searches.map((s) => s.seed)).size).toBe(searches.length);
  });

  test('have a default budget, shown in the report', () => {
    const report = runCheck(edge, { maxStates: 50, randomBudget: 1000 });
    const lines = formatReport(report, edge, { topologyFile: 'edge.yaml' });
    expect(lines).toContain(
      `Random runs past the bound: ${report.random?.events} of 1000 events spent (--random-budget), at most 200 runs per undecided property, seed 1`,
    );
    expect(DEFAULT_RANDOM_BUDGET).toBe(20_000);
  });

  test('show on the progress line: events against the budget, and the property', () => {
    let text = '';
    const stream = Object.assign(
      new Writable({
        write(chunk, _encoding, callback) {
          text += String(chunk);
          callback();
        },
      }),
      { isTTY: true, columns: 200 },
    ) as unknown as NodeJS.WriteStream;
    const progress = new ProgressLine(stream, 0);
    progress.random({ property: 'AV-01 db', events: 1200, budget: 20000 });
    progress.stop();
    expect(text).toContain('1200/20000 events (--random-budget), AV-01 db');
  });
});

describe('the last line of a check', () => {
  const result = (id: string, over: Partial<PropertyResult>): PropertyResult => ({
    id: id as PropertyResult['id'],
    subject: null,
    statement: 'a statement',
    expected: 'holds',
    result: 'holds',
    asExpected: true,
    trace: null,
    evidence: '',
    states: 1,
    method: 'exhaustive',
    ...over,
  });
  const last = (properties: PropertyResult[]) => {
    const report: CheckReport = {
      topology: 'edge',
      complete: false,
      states: 1,
      transitions: 0,
      depth: 0,
      elapsedMs: 0,
      method: 'compositional',
      explorations: [],
      couplings: [],
      properties,
      operator: [],
    };
    return formatReport(report, edge, { topologyFile: 'edge.yaml' }).at(-1);
  };

  test('tells the verdicts undecided within the bound from the wrong ones', () => {
    expect(
      last([
        result('SEC-01', { result: 'bounded', asExpected: false }),
        result('AV-02', { subject: 'app', expected: 'counterexample', result: 'holds', asExpected: false }),
        result('AV-09', {}),
        result('LV-01', { result: 'bounded', asExpected: false }),
      ]),
    ).toBe(
      '1 of 4 verdicts not as expected: AV-02 app; 2 undecided within the bound (bounded, not wrong: raise --max-states or --depth to decide them): SEC-01, LV-01.',
    );
  });

  test('says when none is wrong and some are only undecided', () => {
    expect(last([result('SEC-01', { result: 'bounded', asExpected: false }), result('AV-09', {})])).toBe(
      '1 of 2 verdicts undecided within the bound (bounded, not wrong: raise --max-states or --depth to decide them): SEC-01.',
    );
    expect(last([result('AV-09', {})])).toBe('All 1 verdicts as expected.');
  });
});
