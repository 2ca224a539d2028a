/**
 * Section 6: how much of each statechart three kinds of runs reach: the property suites' runs (a
 * fixed, seeded sample of their random scenarios, replayed), `kpm check`'s run on this site (every
 * transition its explorations took), and the test paths of `kpm paths` (when wired in). Then what
 * none of them reached. Counted with CoverageRecorder (src/statecharts/coverage.ts), over the
 * world's transition tracer: what the model really did.
 */
import fc from 'fast-check';
import { COMPONENT_KINDS } from '../../../models/components.ts';
import type { Model } from '../../../models/index.ts';
import type { ComponentKind } from '../../../models/messages.ts';
import { PROPERTIES } from '../../catalogue/catalogue.ts';
import { CoverageRecorder, type Coverage } from '../../statecharts/coverage.ts';
import { inventory } from '../../statecharts/inventory.ts';
import { initialWorld, step } from '../../world/world.ts';
import { scenarioArb } from '../../../properties/arbitraries.ts';
import type { ReviewContext } from '../context.ts';
import {
  code,
  details,
  list,
  paragraph,
  strong,
  table,
  type Block,
  type Section,
  type Span,
  type Text,
} from '../document.ts';
import { ORCHESTRATION } from '../diagrams/chart.ts';
import { NOT_AVAILABLE } from '../test-paths.ts';

/** Scenarios sampled per property of the catalogue. */
export const SAMPLED_PER_PROPERTY = 6;

export interface CoverageSource {
  name: string;
  /** How it was obtained, for the reader. */
  how: string;
  /** Null when not available. */
  coverage: Coverage | null;
}

export interface CoverageData {
  sources: CoverageSource[];
  machines: { kind: ComponentKind; machine: string; states: string[]; transitions: string[] }[];
}

/**
 * The property suites' runs: per property of the catalogue, a seeded sample of the random
 * scenarios its suite draws (properties/arbitraries.ts: random valid sites and weighted traces over
 * the property's alphabet), each replayed from its steady initial state under the recorder.
 */
export function propertyRunsCoverage(
  seed: number,
  model?: Model,
): { coverage: Coverage; scenarios: number; steps: number } {
  const recorder = new CoverageRecorder(model);
  let scenarios = 0;
  let steps = 0;
  recorder.record(() => {
    PROPERTIES.forEach((record, i) => {
      const sample = fc.sample(scenarioArb(record.alphabet), {
        seed: seed + i,
        numRuns: SAMPLED_PER_PROPERTY,
      });
      for (const s of sample) {
        let world = initialWorld(s.topology, model);
        for (const event of s.events) world = step(world, event).world;
        scenarios++;
        steps += s.events.length;
      }
    });
  });
  return { coverage: recorder.coverage(), scenarios, steps };
}

/** The test paths of the site, replayed under the recorder; null without a paths generator. */
export function testPathsCoverage(ctx: Pick<ReviewContext, 'paths' | 'topology' | 'model'>): Coverage | null {
  if (ctx.paths === null) return null;
  const recorder = new CoverageRecorder(ctx.model);
  recorder.record(() => {
    for (const path of (ctx.paths as NonNullable<typeof ctx.paths>).paths()) {
      let world = initialWorld(ctx.topology, ctx.model);
      for (const event of path.events) world = step(world, event).world;
    }
  });
  return recorder.coverage();
}

export function coverageData(ctx: ReviewContext): CoverageData {
  const runs = propertyRunsCoverage(ctx.seed, ctx.model);
  const kinds = [
    ...COMPONENT_KINDS.filter((k) => ORCHESTRATION.includes(k)),
    ...COMPONENT_KINDS.filter((k) => !ORCHESTRATION.includes(k)),
  ];
  return {
    sources: [
      {
        name: 'property runs',
        how: `${runs.scenarios} scenarios (${runs.steps} events) of the property suites’ generators, ${SAMPLED_PER_PROPERTY} per property of the catalogue over its own alphabet, random valid sites (seed ${ctx.seed})`,
        coverage: runs.coverage,
      },
      {
        name: 'kpm check',
        how: `every transition kpm check’s explorations took on this site (${ctx.check.states} states, ${ctx.check.transitions} transitions${ctx.check.complete ? '' : ', bounded'})`,
        coverage: ctx.checkCoverage,
      },
      {
        name: 'test paths',
        how: ctx.paths === null ? NOT_AVAILABLE : `the paths of ${ctx.paths.name}, replayed`,
        coverage: testPathsCoverage(ctx),
      },
    ],
    machines: kinds.map((kind) => {
      const inv = inventory(ctx.model[kind]);
      return {
        kind,
        machine: inv.machine,
        states: inv.states.map((s) => s.id),
        transitions: inv.transitions.map((t) => t.id),
      };
    }),
  };
}

function reached(
  c: Coverage | null,
  kind: ComponentKind,
  what: 'states' | 'transitions',
  declared: string[],
): Set<string> | null {
  if (c === null) return null;
  const m = c.machines[kind];
  if (m === undefined) return new Set();
  const missed = new Set(what === 'states' ? m.missedStates : m.missedTransitions);
  return new Set(declared.filter((id) => !missed.has(id)));
}

export function coverageSection(data: CoverageData): Section {
  const count = (set: Set<string> | null, of: number) => (set === null ? 'n/a' : `${set.size}/${of}`);
  const rows: Text[][] = data.machines.map((m) => [
    code(m.machine),
    ...data.sources.map((s) => count(reached(s.coverage, m.kind, 'states', m.states), m.states.length)),
    ...data.sources.map((s) =>
      count(reached(s.coverage, m.kind, 'transitions', m.transitions), m.transitions.length),
    ),
  ]);
  const none: Text[] = [];
  for (const m of data.machines) {
    for (const what of ['states', 'transitions'] as const) {
      const declared = m[what];
      const sets = data.sources
        .map((s) => reached(s.coverage, m.kind, what, declared))
        .filter((x): x is Set<string> => x !== null);
      const missed = declared.filter((id) => !sets.some((set) => set.has(id)));
      if (missed.length > 0)
        none.push([
          strong(`${m.machine} ${what}: `),
          ...missed.flatMap((id, i) => [...(i === 0 ? [] : ['; ']), code(id)] as Span[]),
        ]);
    }
  }
  const perSource: Block[] = data.sources
    .filter((s) => s.coverage !== null)
    .map((s) => {
      const items: Text[] = [];
      for (const m of data.machines) {
        for (const what of ['states', 'transitions'] as const) {
          const set = reached(s.coverage, m.kind, what, m[what]) as Set<string>;
          const missed = m[what].filter((id) => !set.has(id));
          if (missed.length > 0)
            items.push([
              strong(`${m.machine} ${what}: `),
              ...missed.flatMap((id, i) => [...(i === 0 ? [] : ['; ']), code(id)] as Span[]),
            ]);
        }
      }
      return details(
        [strong(s.name), `: what it did not reach`],
        [items.length === 0 ? paragraph('Nothing: it reached every state and transition.') : list(items)],
      );
    });
  return {
    id: 'coverage',
    title: 'Coverage',
    blocks: [
      paragraph(
        'Which states and transitions of each statechart were reached, counted by the coverage recorder over the transitions the model really took (eventless ones included, and the guarded answers to questions such as “would this provider release that key?”).',
      ),
      list(data.sources.map((s): Text => [strong(s.name), `: ${s.how}.`])),
      table(
        [
          'statechart',
          ...data.sources.map((s) => `states: ${s.name}`),
          ...data.sources.map((s) => `transitions: ${s.name}`),
        ],
        rows,
      ),
      paragraph(
        strong('Reached by none of them'),
        none.length === 0 ? ': nothing; every state and transition was reached.' : ':',
      ),
      ...(none.length === 0 ? [] : [list(none)]),
      ...perSource,
    ],
  };
}
