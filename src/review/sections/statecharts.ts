/**
 * Section 1: every statechart of the model as a diagram, the orchestration (site, boot) first, then
 * the components: an SVG drawn by Graphviz and the Mermaid source beside it, both from the same
 * chart (diagrams/chart.ts), with the machines' own names and every rule ID.
 */
import { anchor, code, heading, list, paragraph, strong, type Block, type Section } from '../document.ts';
import { statesOf, type Chart } from '../diagrams/chart.ts';
import { chartDot } from '../diagrams/dot.ts';
import { dotToSvg } from '../diagrams/graphviz.ts';
import { chartMermaid } from '../diagrams/mermaid.ts';
import { sortedIds } from '../ids.ts';

export interface StatechartData {
  chart: Chart;
  anchor: string;
  svg: string;
  mermaid: string;
  states: number;
  transient: number;
  transitions: number;
  /** Every rule ID on its states and transitions, each once, sorted. */
  rules: string[];
}

export async function statechartsData(charts: readonly Chart[]): Promise<StatechartData[]> {
  const out: StatechartData[] = [];
  for (const chart of ordered(charts)) {
    const id = anchor('statechart', chart.kind);
    const states = statesOf(chart).filter((s) => !s.root);
    out.push({
      chart,
      anchor: id,
      svg: await dotToSvg(chartDot(chart, id)),
      mermaid: chartMermaid(chart),
      states: states.length,
      transient: states.filter((s) => s.transient).length,
      transitions: chart.all.length,
      rules: sortedIds([...states.flatMap((s) => s.rules), ...chart.all.flatMap((t) => t.rules)]),
    });
  }
  return out;
}

/** The orchestration first (where every event starts), then the components, each in registry order. */
export function ordered(charts: readonly Chart[]): Chart[] {
  return [...charts.filter((c) => c.orchestration), ...charts.filter((c) => !c.orchestration)];
}

export function statechartsSection(data: readonly StatechartData[]): Section {
  const blocks: Block[] = [
    paragraph(
      'The model is these statecharts (XState 5, ',
      code('models/'),
      '); the rest of kpm composes them and decides nothing. Each diagram is drawn from the machine itself, so names are the machines’ own: states, events, ',
      code('[guards]'),
      ' and ',
      code('/ actions'),
      '. The rule IDs of ',
      code('meta.rules'),
      ' are under each state and transition.',
    ),
    list([
      [
        strong('Boxes'),
        ' are states; a box around boxes is a compound state, with its initial state marked by a dot; a dashed box around boxes is a parallel state (its regions run side by side).',
      ],
      [
        strong('Dashed states'),
        ' are transient: passed through within one step, left by an eventless (',
        code('always'),
        ') transition, drawn dashed: the boot’s steps and the ',
        code('configured'),
        ' routing states.',
      ],
      [
        strong('Lines inside a state'),
        ' are its internal transitions (actions without a change of state, UML style); ',
        code('↺'),
        ' marks a transition back to the same state (a question answered, such as “would this provider release the key?”). A dotted box “in every state of …” holds the transitions the machine takes whatever its state.',
      ],
    ]),
  ];
  for (const group of [true, false]) {
    blocks.push(
      heading(
        3,
        group ? 'Orchestration' : 'Components',
        group ? 'statecharts-orchestration' : 'statecharts-components',
      ),
    );
    for (const d of data.filter((x) => x.chart.orchestration === group)) blocks.push(...chartBlocks(d));
  }
  return { id: 'statecharts', title: 'The statecharts', blocks };
}

function chartBlocks(d: StatechartData): Block[] {
  const c = d.chart;
  const what = WHAT[c.kind] ?? '';
  return [
    heading(4, `${c.machine}`, `${d.anchor}-heading`),
    paragraph(
      `${what} ${plural(d.states, 'state')} (${d.transient} transient), ${plural(d.transitions, 'transition')}; rules: `,
      d.rules.length === 0 ? 'none' : d.rules.join(', '),
      '.',
    ),
    {
      kind: 'statechart',
      id: d.anchor,
      title: `Statechart ${c.machine} (${c.orchestration ? 'orchestration' : 'component'})`,
      svg: d.svg,
      mermaid: d.mermaid,
    },
  ];
}

/** One sentence per kind of machine, in README's words. */
const WHAT: Record<string, string> = {
  site: 'Routes every event to the component that decides it, then runs the automatic effects (settle).',
  boot: 'The boot of one host: section 1’s steps in order, as transient states, within one step (ASM-05).',
  vcenter: 'vCenter Server availability.',
  provider: 'A key provider: standard (KMS), trusted (Trust Authority) or native (NKP).',
  host: 'An ESXi host: its WAN link and its attestation (parallel regions), its key cache and KDKs.',
  persistence:
    'Key persistence on one host: supported or not, disabled or in effect, and its TPM-sealed store.',
  diskGroup: 'A host’s encrypted vSAN disk group.',
  vm: 'A VM: off, on, interrupted by its host’s reboot, or locked.',
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
