/**
 * The failure output of every property: seed and path (fast-check), then a topology file and an
 * event file that `kpm replay` takes as they are.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseEvents } from '../src/events-file.ts';
import { parseTopology } from '../src/topology/load.ts';
import { scenarioArb } from './arbitraries.ts';
import { assertScenarios } from './report.ts';

/** The text between two marker lines of a report. */
function block(report: string, name: string): string {
  const start = report.indexOf(`--- ${name} ---\n`);
  expect(start, `no ${name} block in:\n${report}`).toBeGreaterThanOrEqual(0);
  const rest = report.slice(start + `--- ${name} ---\n`.length);
  return rest.slice(0, rest.indexOf('\n---'));
}

describe('failure report', () => {
  /** A property that fails as soon as a host reboots: its report replays to the shrunk counterexample. */
  test('prints the seed, the path and replayable files of the shrunk counterexample', () => {
    let report = '';
    try {
      assertScenarios(scenarioArb('outagesAndReboots'), ({ events }) => {
        if (events.some((e) => e.type === 'HOST_REBOOT')) throw new Error('a host rebooted');
      });
    } catch (error) {
      report = (error as Error).message;
    }
    expect(report).toContain(`seed: ${fc.readConfigureGlobal().seed}`);
    expect(report).toMatch(/path: "[0-9:]+"/);
    expect(report).toContain('Failure: a host rebooted');
    expect(report).toContain('npx kpm replay topology.yaml events.json');
    const topology = parseTopology(block(report, 'topology.yaml'), 'topology.yaml');
    const events = parseEvents(block(report, 'events.json'), 'events.json');
    expect(events).toHaveLength(1);
    expect(events[0].type).toBe('HOST_REBOOT');
    expect(topology.hosts.length).toBeGreaterThan(0);
  });
});
