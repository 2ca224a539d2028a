/**
 * What a failing property prints: fast-check's report (seed, path, shrunk counterexample) and
 * then the counterexample as two files ready for `kpm replay <topology> <events>`.
 */
import fc from 'fast-check';
import { eventsJson } from '../src/events-file.ts';
import { topologyYaml } from '../src/topology/write.ts';
import type { Scenario } from './arbitraries.ts';

/**
 * A property failure about a scenario other than the value fast-check generated (a search nested
 * in a property reports the trace it found): the report shows this scenario.
 */
export class TraceFailure extends Error {
  constructor(
    message: string,
    readonly scenario: Scenario,
  ) {
    super(message);
    this.name = 'TraceFailure';
  }
}

/** Runs the property; on failure throws an error whose message is `failureReport`. */
export function assertScenarios(
  arbitrary: fc.Arbitrary<Scenario>,
  predicate: (scenario: Scenario) => void,
  params: fc.Parameters<[Scenario]> = {},
): void {
  const details = fc.check(
    fc.property(arbitrary, (s) => {
      predicate(s);
    }),
    params,
  );
  if (details.failed) throw new Error(failureReport(details));
}

/** fast-check's report, then the counterexample as a topology file and an event file. */
export function failureReport(details: fc.RunDetails<[Scenario]>): string {
  const base = fc.defaultReportMessage(details) ?? `Property failed (seed ${details.seed})`;
  const error = details.errorInstance;
  const shown = error instanceof TraceFailure ? error.scenario : details.counterexample?.[0];
  const why = error instanceof Error ? [`Failure: ${error.message}`] : [];
  const rerun = `Rerun this search: KPM_SEED=${details.seed} npx vitest run properties`;
  return [base, ...why, rerun, ...(shown ? ['', replayFiles(shown)] : [])].join('\n');
}

/** The scenario as files for `kpm replay`, each between marker lines. */
export function replayFiles(s: Scenario): string {
  return [
    'Replay it: save the two blocks below as topology.yaml and events.json, then run',
    '  npx kpm replay topology.yaml events.json',
    '--- topology.yaml ---',
    topologyYaml(s.topology).trimEnd(),
    '--- events.json ---',
    eventsJson(s.events),
    '--- end ---',
  ].join('\n');
}
