/**
 * Section 5: the modelling choices. Each option of section 4 (ASM) is flipped on the site and
 * `kpm check` run again; the verdicts and subjects that change are listed both ways (as in the
 * topology → flipped, and what the flipped run finds that the topology's does not), each with the
 * trace that shows the difference replayed under both settings. The options, their values and
 * their ASM IDs are read from the topology schema, so a new option shows up here by itself.
 */
import type { KpmEvent } from '../../../models/events.ts';
import type { Options, Topology } from '../../../models/topology.ts';
import type { CheckReport, OperatorAnswer, PropertyResult } from '../../check/report.ts';
import { formatEvent } from '../../events.ts';
import { formatChange } from '../../report/diff.ts';
import { topologyJsonSchema } from '../../topology/json-schema.ts';
import type { ReviewContext } from '../context.ts';
import {
  anchor,
  code,
  heading,
  paragraph,
  strong,
  table,
  type Block,
  type Section,
  type Span,
  type Text,
} from '../document.ts';
import { explainTrace, type ExplainedStep } from '../explain.ts';
import { eventsLine } from '../timeline.ts';

export interface OptionInfo {
  name: keyof Options;
  rule: string;
  description: string;
  values: unknown[];
}

/** The options of the topology schema: name, ASM ID, every value. */
export function optionInfos(): OptionInfo[] {
  const schema = topologyJsonSchema() as {
    properties: {
      options: {
        properties: Record<string, { description: string; type: string; enum?: unknown[]; const?: unknown }>;
      };
    };
  };
  return Object.entries(schema.properties.options.properties).map(([name, p]) => {
    const [, rule = '', description = p.description] = /^((?:ASM)-\d\d): (.*)$/.exec(p.description) ?? [];
    const values = p.enum ?? (p.const !== undefined ? [p.const] : p.type === 'boolean' ? [true, false] : []);
    return { name: name as keyof Options, rule, description, values };
  });
}

/** A verdict, or an operator's answer, that is not the same with the option flipped. */
export interface Difference {
  /** A property ID, or `operator` for the operator's answer about a VM. */
  id: string;
  subject: string | null;
  /** What each run found, in words. */
  current: string;
  flipped: string;
  /** The trace that shows the difference, and the run it comes from. */
  trace: KpmEvent[] | null;
  traceFrom: 'current' | 'flipped' | null;
  /** The trace replayed under each setting (null when there is no trace). */
  currentSteps: ExplainedStep[] | null;
  flippedSteps: ExplainedStep[] | null;
  commands: { current: string; flipped: string } | null;
}

export interface Flip {
  option: OptionInfo;
  current: unknown;
  /** Null for an option with one value. */
  flipped: unknown;
  check: Pick<CheckReport, 'states' | 'complete'> | null;
  differences: Difference[];
}

/** An option flipped on the site: the variant `kpm check` must run on (null for a one-value option). */
export interface FlipVariant {
  option: OptionInfo;
  current: unknown;
  flipped: unknown;
  topology: Topology | null;
}

/** Every option of the site, each flipped to each of its other values. */
export function flipVariants(topology: Topology): FlipVariant[] {
  return optionInfos().flatMap((option): FlipVariant[] => {
    const current = topology.options[option.name];
    const others = option.values.filter((v) => v !== current);
    if (others.length === 0) return [{ option, current, flipped: null, topology: null }];
    return others.map((flipped) => ({
      option,
      current,
      flipped,
      topology: {
        ...structuredClone(topology),
        name: `${topology.name}-${option.name}-${String(flipped)}`,
        options: { ...topology.options, [option.name]: flipped },
      },
    }));
  });
}

/** The flips with what changes; `reports` holds kpm check's report on each variant that has a topology, in order. */
export function choicesData(
  ctx: ReviewContext,
  variants: readonly FlipVariant[],
  reports: readonly CheckReport[],
): Flip[] {
  let next = 0;
  return variants.map((v) => {
    if (v.topology === null)
      return { option: v.option, current: v.current, flipped: null, check: null, differences: [] };
    const report = reports[next++];
    return {
      option: v.option,
      current: v.current,
      flipped: v.flipped,
      check: { states: report.states, complete: report.complete },
      differences: differences(ctx, v.topology, report),
    };
  });
}

/** One side of a comparison: a result's words and trace, or nothing (no such subject on that side). */
interface Side {
  words: string;
  /** Compared between the two sides. */
  same: string;
  trace: KpmEvent[] | null;
}

function differences(ctx: ReviewContext, variant: Topology, flipped: CheckReport): Difference[] {
  const verdict = (r: PropertyResult): Side => ({
    words: verdictWords(r),
    same: `${r.result} ${r.asExpected} ${r.trace?.length ?? -1}`,
    trace: r.trace,
  });
  const answer = (a: OperatorAnswer): Side => ({
    words: a.trace === null ? 'nothing leaves it down' : `down after ${steps(a.trace.length)}`,
    same: String(a.trace?.length ?? -1),
    trace: a.trace,
  });
  const sides = (report: CheckReport) =>
    new Map<string, { id: string; subject: string | null; side: Side }>([
      ...report.properties.map(
        (r) => [`${r.id} ${r.subject ?? ''}`, { id: r.id, subject: r.subject, side: verdict(r) }] as const,
      ),
      ...report.operator.map(
        (a) => [`operator ${a.vm}`, { id: 'operator', subject: a.vm, side: answer(a) }] as const,
      ),
    ]);
  const a = sides(ctx.check);
  const b = sides(flipped);
  const found: Difference[] = [];
  for (const k of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(k);
    const y = b.get(k);
    if (x && y && x.side.same === y.side.same) continue;
    const { id, subject } = (x ?? y) as { id: string; subject: string | null };
    const trace = y?.side.trace ?? x?.side.trace ?? null;
    const label = `${id}${subject ? `-${subject}` : ''}`;
    found.push({
      id,
      subject,
      current: x?.side.words ?? 'no such subject',
      flipped: y?.side.words ?? 'no such subject',
      trace,
      traceFrom: y?.side.trace ? 'flipped' : x?.side.trace ? 'current' : null,
      currentSteps: trace === null ? null : explainTrace(ctx.topology, trace, ctx.model).steps,
      flippedSteps: trace === null ? null : explainTrace(variant, trace, ctx.model).steps,
      commands:
        trace === null
          ? null
          : {
              current: ctx.replays.command(ctx.topology, trace, `${variant.name}-${label}-as-in-topology`),
              flipped: ctx.replays.command(variant, trace, `${variant.name}-${label}`),
            },
    });
  }
  return found;
}

const steps = (n: number) => `${n} step${n === 1 ? '' : 's'}`;

const valueWords = (v: unknown) => JSON.stringify(v);

function verdictWords(r: PropertyResult): string {
  const shown = r.trace === null ? '' : ` (${steps(r.trace.length)})`;
  return `${r.result}${shown}${r.asExpected ? '' : ', NOT as expected'}`;
}

export function choicesSection(flips: readonly Flip[], ctxStates: number): Section {
  const blocks: Block[] = [
    paragraph(
      'Where the documentation is silent or contradicts itself the model makes a choice (ASM), and each choice is an option of the topology. For each option, ',
      code('kpm check'),
      ' is run with the option as this site has it and with it flipped; the verdicts, subjects and operator’s answers (section 7) that change are listed, both ways, each with the trace that shows the difference, replayed under both settings.',
    ),
    table(
      [
        'option',
        'rule',
        'as in the topology',
        'flipped to',
        'states explored',
        'verdicts and answers that change',
      ],
      flips.map((f) => [
        code(f.option.name),
        f.option.rule,
        code(valueWords(f.current)),
        f.flipped === null ? 'nothing to flip: the only value' : code(valueWords(f.flipped)),
        f.check === null ? 'not run' : `${f.check.states}${f.check.complete ? '' : ' (bounded)'}`,
        f.flipped === null
          ? 'not applicable'
          : f.differences.length === 0
            ? 'none'
            : f.differences
                .map(
                  (d) =>
                    `${d.id === 'operator' ? 'operator’s answer' : d.id}${d.subject ? ` (${d.subject})` : ''}`,
                )
                .join(', '),
      ]),
    ),
  ];
  for (const f of flips) {
    const title =
      f.flipped === null
        ? `${f.option.rule} ${f.option.name}`
        : `${f.option.rule} ${f.option.name}: ${valueWords(f.current)} → ${valueWords(f.flipped)}`;
    blocks.push(
      heading(3, title, anchor('choice', f.option.name, String(f.flipped))),
      paragraph(`${f.option.rule}: ${f.option.description}.`),
    );
    if (f.flipped === null) {
      blocks.push(
        paragraph(
          `${f.option.name} has one value, ${valueWords(f.current)}: there is no other model to compare with.`,
        ),
      );
      continue;
    }
    const states =
      f.check === null ? '' : ` (${f.check.states} states${f.check.complete ? '' : ', bounded'})`;
    if (f.differences.length === 0) {
      blocks.push(
        paragraph(
          `Flipped${states}: every verdict, subject and operator’s answer is the same on this site, both ways${f.check !== null && f.check.states !== ctxStates ? `, although the model reaches ${f.check.states} states instead of ${ctxStates}: the choice changes what can happen, not what the properties say` : ''}.`,
        ),
      );
      continue;
    }
    blocks.push(
      paragraph(
        `Flipped${states}: ${f.differences.length} ${f.differences.length === 1 ? 'verdict or answer changes' : 'verdicts or answers change'}.`,
      ),
      table(
        [
          'property or question',
          'subject',
          `${f.option.name}: ${valueWords(f.current)}`,
          `${f.option.name}: ${valueWords(f.flipped)}`,
        ],
        f.differences.map((d) => [
          d.id === 'operator' ? 'the operator’s question' : code(d.id),
          d.subject ?? 'the site',
          d.current,
          d.flipped,
        ]),
      ),
    );
    for (const d of f.differences) blocks.push(...differenceBlocks(f, d));
  }
  return { id: 'choices', title: 'The modelling choices', blocks };
}

function differenceBlocks(f: Flip, d: Difference): Block[] {
  const subject = d.subject ? ` (${d.subject})` : '';
  if (d.trace === null || d.currentSteps === null || d.flippedSteps === null || d.commands === null) {
    return [
      paragraph(
        strong(`${d.id}${subject}`),
        ': no trace on either side (the verdict changed without a counterexample or witness).',
      ),
    ];
  }
  const cell = (s: ExplainedStep): Text =>
    s.outcome === 'refused'
      ? `refused: ${s.reason ?? ''}`
      : s.changes.length === 0
        ? 'no visible change'
        : s.changes.flatMap(
            (c, i) =>
              [
                ...(i === 0 ? [] : ['; ']),
                code(formatChange(c.change)),
                c.rules.length > 0 ? ` (${c.rules.join(', ')})` : '',
              ] as Span[],
          );
  return [
    paragraph(
      strong(`${d.id === 'operator' ? 'The operator’s question' : d.id}${subject}`),
      `: the ${d.traceFrom === 'flipped' ? 'flipped' : 'topology’s'} run’s trace `,
      code(eventsLine(d.trace)),
      ', replayed under both settings.',
    ),
    table(
      [
        '#',
        'event',
        `${f.option.name}: ${valueWords(f.current)}`,
        `${f.option.name}: ${valueWords(f.flipped)}`,
      ],
      d.trace.map((e, i) => [
        String(i + 1),
        code(formatEvent(e)),
        cell((d.currentSteps as ExplainedStep[])[i]),
        cell((d.flippedSteps as ExplainedStep[])[i]),
      ]),
    ),
    paragraph('Replay: ', code(d.commands.current), ' and ', code(d.commands.flipped), '.'),
  ];
}
