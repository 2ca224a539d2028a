/**
 * How a trace reads in the report: a table of only what changed at each step, each change with the
 * rules and the statechart transitions that explain it, and its Mermaid sequence diagram. Used by
 * the counterexamples, the modelling choices and the operator's page.
 */
import type { KpmEvent } from '../../models/events.ts';
import type { Topology } from '../../models/topology.ts';
import { formatEvent } from '../events.ts';
import { formatChange, formatState } from '../report/diff.ts';
import { sequenceSvg } from './diagrams/sequence-svg.ts';
import { sequenceMermaid } from './diagrams/sequence.ts';
import { code, codeBlock, details, paragraph, table, type Block, type Span, type Text } from './document.ts';
import { explainTrace, type ExplainedStep, type ExplainedTrace, type Taken } from './explain.ts';

export interface TimelineOptions {
  /** Anchor of the sequence diagram. */
  id: string;
  title: string;
  /** The `kpm replay` command that reproduces it. */
  command: string;
}

export function timelineBlocks(
  topology: Topology,
  events: readonly KpmEvent[],
  options: TimelineOptions,
): Block[] {
  const trace = explainTrace(topology, events);
  return [
    paragraph('Replay: ', code(options.command), ' (from this report’s folder).'),
    details('The steady initial state', [codeBlock(formatState(trace.initial).join('\n'))]),
    timelineTable(trace),
    {
      kind: 'sequence',
      id: options.id,
      title: options.title,
      svg: sequenceSvg(topology, trace, `${options.id}-svg`),
      mermaid: sequenceMermaid(topology, trace),
    },
  ];
}

/** One row per change; a step's event on its first row. */
export function timelineTable(trace: ExplainedTrace): Block {
  const rows: Text[][] = [];
  for (const s of trace.steps) {
    const lead = [String(s.index), code(formatEvent(s.event))];
    if (s.outcome === 'refused') {
      rows.push([...lead, ['refused: ', s.reason ?? ''], s.reasonRules.join(', ') || 'none']);
      continue;
    }
    const orchestration = orchestrationWords(s);
    if (s.changes.length === 0) rows.push([...lead, 'no visible change', orchestration]);
    s.changes.forEach((c, i) => {
      rows.push([
        ...(i === 0 ? lead : ['', '']),
        code(formatChange(c.change)),
        [c.rules.length === 0 ? 'none' : c.rules.join(', '), ...transitions(c.by)],
      ]);
    });
  }
  return table(['#', 'event', 'what changed', 'why: rules (statechart transitions)'], rows);
}

function transitions(by: readonly Taken[]): Span[] {
  if (by.length === 0) return [];
  return [
    ' (',
    ...by.flatMap((t, i) => [...(i === 0 ? [] : ['; ']), code(`${t.instance}: ${t.transition}`)] as Span[]),
    ')',
  ];
}

/** For a step without a visible change: what the orchestration did, so the row still says why. */
function orchestrationWords(s: ExplainedStep): Text {
  const rules = [...new Set(s.orchestration.flatMap((t) => t.rules))];
  return [rules.join(', ') || 'none', ...transitions(s.orchestration.slice(0, 2))];
}

/** A trace as one line: `KMS_DOWN kms, HOST_REBOOT esx-02`. */
export function eventsLine(events: readonly KpmEvent[]): string {
  return events.map(formatEvent).join(', ');
}
