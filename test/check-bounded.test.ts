/**
 * A bounded `kpm check`: the last line tells undecided verdicts from wrong ones.
 */
import { describe, expect, test } from 'vitest';
import { formatReport } from '../src/check/format.ts';
import type { CheckReport, PropertyResult } from '../src/check/report.ts';
import { loadTopology } from '../src/topology/load.ts';

const edge = loadTopology('examples/edge-site.yaml');

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
