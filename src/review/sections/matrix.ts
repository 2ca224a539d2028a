/**
 * Section 2: the traceability matrix, both ways, computed when the report is made from the code's
 * own data: the rules of the spec; the states and transitions whose `meta.rules` carry each one;
 * the catalogue's properties whose `from` cites it; the golden scenarios that name it; the test
 * path that shows it (when `kpm paths` is wired in); and its verdicts on this site. Then the other
 * way (model, properties, golden scenarios → rules) and the orphans of each direction.
 */
import type { PropertyResult } from '../../check/report.ts';
import { PROPERTIES } from '../../catalogue/catalogue.ts';
import type { ReviewContext } from '../context.ts';
import {
  anchor,
  code,
  codeList,
  details,
  heading,
  list,
  paragraph,
  ref,
  strong,
  table,
  type Block,
  type Section,
  type Span,
  type Text,
} from '../document.ts';
import { statesOf, type Chart } from '../diagrams/chart.ts';
import { specSpans } from '../spec.ts';
import { NOT_AVAILABLE, type TestPath } from '../test-paths.ts';
import { sortedIds } from '../ids.ts';
import { eventsLine } from '../timeline.ts';
import { timelineAnchor } from './timelines.ts';

/** A state or transition of a machine, as the matrix names it. */
export interface ModelElement {
  machine: string;
  /** Inventory id. */
  id: string;
  kind: 'state' | 'transition';
  rules: string[];
}

export interface RuleRow {
  id: string;
  text: string;
  /** An ASM rule's default reading. */
  byDefault: string | null;
  carriedBy: ModelElement[];
  properties: string[];
  golden: { file: string; title: string }[];
  /** Undefined: no paths generator; null: none of its paths shows the rule. */
  path: TestPath | null | undefined;
  verdicts: PropertyResult[];
  /** `as expected`, `NOT as expected`, `not applicable here`, `no property checks it`. */
  summary: string;
}

export interface MatrixData {
  rules: RuleRow[];
  elements: ModelElement[];
  properties: { id: string; statement: string; from: string[] }[];
  golden: { file: string; title: string; rules: string[] }[];
  orphans: {
    /** Rules no property checks. */
    unchecked: string[];
    /** Rules no golden scenario shows. */
    untested: string[];
    /** Rules no state or transition carries. */
    uncarried: string[];
    /** Transitions with no rule. */
    unexplained: ModelElement[];
    /** Properties that cite no rule of the spec. */
    untied: string[];
    /** IDs cited by the model, the catalogue or the golden scenarios that the spec does not have. */
    unknown: { id: string; where: string }[];
  };
  pathsName: string | null;
}

export function matrixData(ctx: ReviewContext): MatrixData {
  const elements = ctx.charts.flatMap(elementsOf);
  const ruleIds = new Set(ctx.spec.rules.map((r) => r.id));
  const rules: RuleRow[] = ctx.spec.rules.map((rule) => {
    const properties = PROPERTIES.filter((p) => p.from.includes(rule.id)).map((p) => p.id);
    const verdicts = ctx.check.properties.filter((r) => properties.includes(r.id));
    return {
      id: rule.id,
      text: rule.text,
      byDefault: rule.family === 'ASM' ? (rule.cells[0] ?? null) : null,
      carriedBy: elements.filter((e) => e.rules.includes(rule.id)),
      properties,
      golden: ctx.golden.filter((g) => g.rules.includes(rule.id)).map(({ file, title }) => ({ file, title })),
      path: ctx.paths === null ? undefined : ctx.paths.shortestForRule(rule.id),
      verdicts,
      summary: summarise(properties, verdicts),
    };
  });
  const cited = [
    ...elements.flatMap((e) => e.rules.map((id) => ({ id, where: `${e.machine}: ${e.id}` }))),
    ...PROPERTIES.flatMap((p) => p.from.map((id) => ({ id, where: `${p.id} (catalogue)` }))),
    ...ctx.golden.flatMap((g) => g.rules.map((id) => ({ id, where: g.file }))),
  ];
  return {
    rules,
    elements,
    properties: PROPERTIES.map((p) => ({ id: p.id, statement: p.statement, from: [...p.from] })),
    golden: ctx.golden,
    orphans: {
      unchecked: rules.filter((r) => r.properties.length === 0).map((r) => r.id),
      untested: rules.filter((r) => r.golden.length === 0).map((r) => r.id),
      uncarried: rules.filter((r) => r.carriedBy.length === 0).map((r) => r.id),
      unexplained: elements.filter((e) => e.kind === 'transition' && e.rules.length === 0),
      untied: PROPERTIES.filter((p) => !p.from.some((id) => ruleIds.has(id))).map((p) => p.id),
      unknown: cited.filter((c) => !ruleIds.has(c.id)),
    },
    pathsName: ctx.paths?.name ?? null,
  };
}

function elementsOf(chart: Chart): ModelElement[] {
  return [
    ...statesOf(chart)
      .filter((s) => !s.root)
      .map((s) => ({ machine: chart.machine, id: s.id, kind: 'state' as const, rules: s.rules })),
    ...chart.all.map((t) => ({
      machine: chart.machine,
      id: t.id,
      kind: 'transition' as const,
      rules: t.rules,
    })),
  ];
}

function summarise(properties: string[], verdicts: PropertyResult[]): string {
  if (properties.length === 0) return 'no property checks it';
  const applicable = verdicts.filter((v) => v.result !== 'not-applicable');
  if (verdicts.some((v) => !v.asExpected)) return 'NOT as expected';
  if (applicable.length === 0) return 'not applicable here';
  return 'as expected';
}

const subjectOf = (r: PropertyResult) => (r.subject === null ? r.id : `${r.id} (${r.subject})`);

export function matrixSection(data: MatrixData): Section {
  const pathCell = (r: RuleRow): Text =>
    r.path === undefined
      ? 'not available'
      : r.path === null
        ? 'none shows it'
        : [code(r.path.id), ` (${r.path.events.length} steps)`];
  const verdictCell = (r: RuleRow): Text => {
    if (r.verdicts.length === 0) return r.summary;
    const counts = countBy(r.verdicts.map((v) => v.result));
    return [strong(r.summary), `: ${counts}`];
  };
  const blocks: Block[] = [
    paragraph(
      'Every rule of the specification (',
      code('spec/key-persistence.md'),
      '), what carries it in the model, what checks it and what it gives on this site. Computed when this report was made from the code’s own data: the ',
      code('meta.rules'),
      ' of the statecharts, the ',
      code('from'),
      ' of the catalogue’s properties, the ',
      code('rules'),
      ' of the golden scenarios (',
      code('test/golden/'),
      ') and the verdicts of ',
      code('kpm check'),
      ' on this site.',
    ),
    heading(3, 'From the rules', 'matrix-rules'),
    table(
      [
        'rule',
        'the rule',
        'states',
        'transitions',
        'properties',
        'golden scenarios',
        'test path',
        'on this site',
      ],
      data.rules.map((r) => [
        ref(anchor('rule', r.id), r.id),
        ruleText(r),
        String(r.carriedBy.filter((e) => e.kind === 'state').length),
        String(r.carriedBy.filter((e) => e.kind === 'transition').length),
        r.properties.length === 0 ? 'none' : r.properties.join(', '),
        String(r.golden.length),
        pathCell(r),
        verdictCell(r),
      ]),
    ),
    heading(3, 'Each rule in detail', 'matrix-details'),
    ...data.rules.map((r) => ruleDetails(r)),
    heading(3, 'From the model, the properties and the tests', 'matrix-reverse'),
    paragraph(
      'The other way: what each statechart state and transition, each property and each golden scenario says it stands for.',
    ),
    ...reverseBlocks(data),
    heading(3, 'Orphans', 'matrix-orphans'),
    list(orphanItems(data)),
  ];
  if (data.pathsName === null) {
    blocks.splice(
      2,
      0,
      paragraph(
        'Test paths: ',
        NOT_AVAILABLE,
        '. The column will show the shortest path of ',
        code('kpm paths --cover rules'),
        ' that shows each rule.',
      ),
    );
  }
  return { id: 'matrix', title: 'The traceability matrix', blocks };
}

function ruleDetails(r: RuleRow): Block {
  const elements = (kind: 'state' | 'transition') => r.carriedBy.filter((e) => e.kind === kind);
  const elementList = (kind: 'state' | 'transition'): Text =>
    elements(kind).length === 0
      ? 'none'
      : elements(kind).flatMap((e, i) => [...(i === 0 ? [] : ['; ']), code(e.id)] as Span[]);
  const items: Text[] = [
    [strong('States: '), ...spansOf(elementList('state'))],
    [strong('Transitions: '), ...spansOf(elementList('transition'))],
    [strong('Properties: '), ...(r.properties.length === 0 ? ['none'] : codeList(r.properties))],
    [
      strong('Golden scenarios: '),
      ...(r.golden.length === 0
        ? ['none']
        : r.golden.flatMap((g, i) => [...(i === 0 ? [] : ['; ']), code(g.file), ` (${g.title})`] as Span[])),
    ],
    [
      strong('Test path: '),
      ...(r.path === undefined
        ? ['not available']
        : r.path === null
          ? ['no path of the suite shows it']
          : [code(r.path.id), ': ', code(eventsLine(r.path.events))]),
    ],
    [strong('On this site: '), r.summary, ...(r.verdicts.length === 0 ? [] : ['.'])],
    ...r.verdicts.map((v): Text => [
      '  ',
      v.trace === null ? code(subjectOf(v)) : ref(timelineAnchor(v), subjectOf(v)),
      `: ${v.result} (expected ${v.expected}${v.asExpected ? '' : ', NOT as expected'}): ${v.evidence}`,
    ]),
  ];
  return details(
    [strong(r.id), ': ', ...ruleText(r)],
    [{ kind: 'heading', level: 4, text: r.id, id: anchor('rule', r.id) }, list(items)],
  );
}

function reverseBlocks(data: MatrixData): Block[] {
  const machines = [...new Set(data.elements.map((e) => e.machine))];
  return [
    ...machines.map((machine) =>
      details(
        [
          strong(machine),
          `: ${data.elements.filter((e) => e.machine === machine).length} states and transitions`,
        ],
        [
          table(
            ['state or transition', 'kind', 'rules'],
            data.elements
              .filter((e) => e.machine === machine)
              .map((e) => [code(e.id), e.kind, e.rules.length === 0 ? 'none' : e.rules.join(', ')]),
          ),
        ],
      ),
    ),
    details(
      [strong('Properties'), `: ${data.properties.length}, each with the rules it comes from`],
      [
        table(
          ['property', 'statement', 'from'],
          data.properties.map((p) => [code(p.id), specSpans(p.statement), p.from.join(', ')]),
        ),
      ],
    ),
    details(
      [strong('Golden scenarios'), `: ${data.golden.length}, each with the rules it checks`],
      [
        table(
          ['scenario', 'title', 'rules'],
          data.golden.map((g) => [code(g.file), g.title, sortedIds(g.rules).join(', ')]),
        ),
      ],
    ),
  ];
}

function orphanItems(data: MatrixData): Text[] {
  const o = data.orphans;
  const ids = (xs: string[]): Span[] => (xs.length === 0 ? ['none'] : [xs.join(', ')]);
  return [
    [
      strong('Rules no property checks: '),
      ...ids(o.unchecked),
      ' (their golden scenarios are then their only check).',
    ],
    [strong('Rules no golden scenario shows: '), ...ids(o.untested), '.'],
    [
      strong('Rules no state or transition carries: '),
      ...ids(o.uncarried),
      ' (consequences checked by properties, or enforced on topologies by ',
      code('src/topology/rules.ts'),
      ').',
    ],
    [
      strong('Transitions no rule explains: '),
      ...(o.unexplained.length === 0
        ? ['none']
        : o.unexplained.flatMap((e, i) => [...(i === 0 ? [] : ['; ']), code(e.id)] as Span[])),
      o.unexplained.length === 0
        ? '.'
        : ' (routing and initial choices, which decide nothing the spec speaks of).',
    ],
    [strong('Properties tied to no rule: '), ...ids(o.untied), '.'],
    [
      strong('Rule IDs cited that the spec does not have: '),
      ...(o.unknown.length === 0
        ? ['none']
        : o.unknown.flatMap((u, i) => [...(i === 0 ? [] : ['; ']), `${u.id} in `, code(u.where)] as Span[])),
      '.',
    ],
  ];
}

/** The rule in the spec's words, its `code` as code; an ASM rule with its default. */
function ruleText(r: RuleRow): Span[] {
  return [...specSpans(r.text), ...(r.byDefault === null ? [] : [` Default: ${r.byDefault}.`])];
}

function spansOf(text: Text): Span[] {
  return typeof text === 'string' || !Array.isArray(text) ? [text as Span] : [...(text as Span[])];
}

function countBy(values: string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].map(([v, n]) => `${n} ${v}`).join(', ');
}
