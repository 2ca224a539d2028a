/**
 * What a failing property prints: fast-check's report (seed, path, shrunk counterexample) and
 * then the counterexample as two files ready for `kpm replay <topology> <events>`.
 */
import fc from 'fast-check';
import { Document, isMap, isSeq, visit } from 'yaml';
import type { KpmEvent } from '../models/events.ts';
import type { Topology } from '../models/topology.ts';
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

/**
 * A topology file (interface.md) that loads back to exactly this topology: defaults are left out
 * where the file format has them, each provider, host and VM on one line.
 */
export function topologyYaml(t: Topology): string {
  const data = {
    name: t.name,
    release: t.release,
    options: t.options,
    providers: t.providers.map((p) =>
      p.kind === 'native' ? { id: p.id, kind: p.kind, tpmOnly: p.tpmOnly } : { id: p.id, kind: p.kind },
    ),
    hosts: t.hosts.map((h) => ({
      id: h.id,
      ...(h.release === t.release ? {} : { release: h.release }),
      tpm: h.tpm,
      ...(h.keyPersistence ? { keyPersistence: true } : {}),
    })),
    vms: t.vms.map((v) => ({
      id: v.id,
      host: v.host,
      ...(v.encryptedBy === null ? {} : { encryptedBy: v.encryptedBy }),
      ...(v.vtpm ? { vtpm: true } : {}),
      ...(v.running ? { running: true } : {}),
    })),
    ...(t.vsan ? { vsan: t.vsan } : {}),
  };
  const doc = new Document(data);
  visit(doc, {
    Map(_key, node, path) {
      if (isSeq(path[path.length - 1])) node.flow = true;
    },
  });
  const vsan = doc.get('vsan', true);
  if (isMap(vsan)) vsan.flow = true;
  return doc.toString({ lineWidth: 0 });
}

/** A JSON array, one event per line. */
export function eventsJson(events: readonly KpmEvent[]): string {
  if (events.length === 0) return '[]';
  return `[\n${events.map((e) => `  ${JSON.stringify(e)}`).join(',\n')}\n]`;
}
