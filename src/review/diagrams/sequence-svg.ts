/**
 * A trace as an SVG sequence diagram, for the HTML report (the Markdown has its Mermaid source):
 * the same lifelines and the same content as sequence.ts draws in Mermaid, laid out here on a grid
 * (one column per lifeline, one band per step), so that the page needs no script to show it.
 */
import type { Topology } from '../../../models/topology.ts';
import { formatEvent } from '../../events.ts';
import { formatChange } from '../../report/diff.ts';
import type { ExplainedTrace } from '../explain.ts';
import { lifelineOf, participants, targetOf } from './sequence.ts';

const COLUMN = 150;
const MARGIN = 16;
const HEADER = 34;
const LINE = 14;
const WRAP = 22;
const NOTE_WIDTH = COLUMN - 12;

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Words wrapped to lines of at most `width` characters (a longer word gets a line of its own). */
export function wrap(text: string, width = WRAP): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line === '') line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

interface Note {
  lane: number;
  lines: string[];
  rules: string;
  bad: boolean;
}

export function sequenceSvg(topology: Topology, trace: ExplainedTrace, id: string): string {
  const lanes = [...participants(topology).entries()];
  const index = new Map(lanes.map(([key], i) => [key, i]));
  const x = (lane: number) => MARGIN + COLUMN / 2 + lane * COLUMN;
  const width = MARGIN * 2 + COLUMN * lanes.length;
  const body: string[] = [];
  let y = HEADER + 18;
  for (const s of trace.steps) {
    const to = index.get(targetOf(s.event)) ?? 0;
    const label = `${s.index}. ${formatEvent(s.event)}`;
    const refused = s.outcome === 'refused';
    // The arrow from the operator, its label above it.
    body.push(
      `<text x="${(x(0) + x(to)) / 2}" y="${y}" text-anchor="middle" class="ev">${esc(label)}${refused ? ' (refused)' : ''}</text>`,
    );
    y += 6;
    body.push(
      to === 0
        ? `<path d="M${x(0)},${y} h24 v10 h-24" class="${refused ? 'refused' : 'arrow'}" marker-end="url(#${id}-head)"/>`
        : `<line x1="${x(0)}" y1="${y}" x2="${x(to) - 4}" y2="${y}" class="${refused ? 'refused' : 'arrow'}" marker-end="url(#${id}-${refused ? 'cross' : 'head'})"/>`,
    );
    y += to === 0 ? 18 : 10;
    const notes: Note[] = refused
      ? [{ lane: to, lines: wrap(`refused: ${s.reason ?? ''}`), rules: s.reasonRules.join(', '), bad: true }]
      : s.changes.length === 0
        ? [{ lane: to, lines: ['no visible change'], rules: '', bad: false }]
        : s.changes.map((c) => ({
            lane: index.get(lifelineOf(c.change)) ?? 0,
            lines: wrap(formatChange(c.change)),
            rules: c.rules.join(', '),
            bad: false,
          }));
    // Notes of one step: each lane's notes stacked; the band is as tall as its tallest stack.
    const heights = new Map<number, number>();
    for (const n of notes) {
      const top = y + (heights.get(n.lane) ?? 0);
      const rulesLines = n.rules === '' ? [] : wrap(n.rules, WRAP);
      const h = (n.lines.length + rulesLines.length) * LINE + 8;
      const left = x(n.lane) - NOTE_WIDTH / 2;
      body.push(
        `<rect x="${left}" y="${top}" width="${NOTE_WIDTH}" height="${h}" rx="3" class="${n.bad ? 'note bad' : 'note'}"/>`,
      );
      n.lines.forEach((line, i) =>
        body.push(
          `<text x="${x(n.lane)}" y="${top + 4 + LINE * (i + 1) - 3}" text-anchor="middle">${esc(line)}</text>`,
        ),
      );
      rulesLines.forEach((line, i) =>
        body.push(
          `<text x="${x(n.lane)}" y="${top + 4 + LINE * (n.lines.length + i + 1) - 3}" text-anchor="middle" class="rules">${esc(line)}</text>`,
        ),
      );
      heights.set(n.lane, (heights.get(n.lane) ?? 0) + h + 4);
    }
    y += Math.max(0, ...heights.values()) + 16;
  }
  const height = y + 4;
  const head = lanes.map(([, p], i) => {
    const cx = x(i);
    return [
      `<line x1="${cx}" y1="${HEADER}" x2="${cx}" y2="${height - 4}" class="life"/>`,
      `<rect x="${cx - NOTE_WIDTH / 2}" y="6" width="${NOTE_WIDTH}" height="${HEADER - 10}" rx="4" class="lane"/>`,
      `<text x="${cx}" y="${HEADER - 10}" text-anchor="middle" class="name">${esc(p.label)}</text>`,
    ].join('');
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" id="${esc(id)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(`Sequence diagram: ${trace.steps.length} steps`)}">`,
    `<style>#${id} text { font: 11px Helvetica, Arial, sans-serif; fill: #1d1d1f; } #${id} .name { font-weight: 600; } #${id} .ev { font-weight: 600; } #${id} .rules { fill: #1a5fb4; font-size: 10px; } #${id} .life { stroke: #9aa0a6; stroke-dasharray: 4 4; } #${id} .lane { fill: #f6f7f9; stroke: #5f6368; } #${id} .note { fill: #fffbe6; stroke: #c9b458; } #${id} .bad { fill: #fdecea; stroke: #a50e0e; } #${id} .arrow { stroke: #1d1d1f; fill: none; } #${id} .refused { stroke: #a50e0e; stroke-dasharray: 5 3; fill: none; }</style>`,
    `<defs><marker id="${id}-head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#1d1d1f"/></marker>`,
    `<marker id="${id}-cross" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="9" markerHeight="9" orient="auto"><path d="M1,1 L9,9 M9,1 L1,9" stroke="#a50e0e" stroke-width="2"/></marker></defs>`,
    ...head,
    ...body,
    '</svg>',
  ].join('\n');
}
