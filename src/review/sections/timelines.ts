/**
 * Section 3: every counterexample and witness `kpm check` found on the site, as a timeline of only
 * what changed at each step, each change with the rule that explains it, the Mermaid sequence
 * diagram, and the `kpm replay` command that reproduces it.
 */
import type { KpmEvent } from '../../../models/events.ts';
import type { PropertyResult } from '../../check/report.ts';
import type { ReviewContext } from '../context.ts';
import { anchor, code, heading, paragraph, strong, type Block, type Section } from '../document.ts';
import { eventsLine, timelineBlocks } from '../timeline.ts';

export function timelineAnchor(result: Pick<PropertyResult, 'id' | 'subject'>): string {
  return anchor('trace', result.id, result.subject ?? 'site');
}

/** A counterexample where the property was expected to hold; a witness of a documented failure otherwise. */
export function traceKind(result: PropertyResult): string {
  return result.expected === 'counterexample' ? 'witness' : 'counterexample';
}

export function timelinesSection(ctx: ReviewContext): Section {
  const shown = ctx.check.properties.filter((r) => r.trace !== null);
  const blocks: Block[] = [
    paragraph(
      'Each trace is the shortest ',
      code('kpm check'),
      ' found on this site: a ',
      strong('witness'),
      ' where the spec documents a failure (expected: counterexample), a ',
      strong('counterexample'),
      ' where a property should hold. Each step shows only what changed, and why: the rule IDs of the statechart transitions taken during the step.',
    ),
  ];
  if (shown.length === 0)
    blocks.push(
      paragraph('No counterexample or witness on this site: every property holds or is not applicable.'),
    );
  for (const r of shown) {
    const subject = r.subject === null ? '' : ` (${r.subject})`;
    const id = timelineAnchor(r);
    const events = r.trace as KpmEvent[];
    blocks.push(
      heading(
        3,
        `${r.id}${subject}: ${traceKind(r)}, ${events.length} step${events.length === 1 ? '' : 's'}`,
        id,
      ),
      paragraph(strong(r.id), `: ${r.statement}`),
      paragraph(
        `Expected ${r.expected}, found ${r.result}${r.asExpected ? ' (as expected)' : ' (NOT as expected)'}: ${r.evidence}. Events: `,
        code(eventsLine(events)),
        '.',
      ),
      ...timelineBlocks(ctx.topology, events, {
        id: `${id}-sequence`,
        title: `${r.id}${subject} as a sequence`,
        command: ctx.replays.command(
          ctx.topology,
          events,
          `${ctx.topology.name}-${r.id}${r.subject ? `-${r.subject}` : ''}`,
        ),
      }),
    );
  }
  return { id: 'traces', title: 'Counterexamples and witnesses', blocks };
}
