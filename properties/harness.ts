/**
 * The property code the suites share, and the quality tier runs against broken models: each
 * property of key-persistence.md, section 5 is checked through its plans (src/catalogue/) and
 * `evaluateTrace`, the same oracle `kpm check` uses.
 */
import fc from 'fast-check';
import type { Model } from '../models/index.ts';
import type { KpmEvent } from '../models/events.ts';
import { formatEvent } from '../src/events.ts';
import type { AlphabetName } from '../src/catalogue/alphabets.ts';
import { plans, type PropertyId } from '../src/catalogue/catalogue.ts';
import { evaluateTrace, type CheckedPlan } from '../src/catalogue/evaluate.ts';
import type { Verdict } from '../src/catalogue/plan.ts';
import type { Topology } from '../models/topology.ts';
import { scenario, scenarioArb, topologyArb, tracesOn, type Scenario } from './arbitraries.ts';
import { assertScenarios, TraceFailure } from './report.ts';

export type { CheckedPlan };

/** The plans of `id` on the site whose expected verdict is `expected`. */
export function plansOf(topology: Topology, id: PropertyId, expected: Verdict): CheckedPlan[] {
  return plans(topology).filter(
    (p): p is CheckedPlan => p.id === id && p.expected === expected && p.check !== null,
  );
}

/** The events a plan quantifies over (its property's). */
export function alphabetOf(plan: CheckedPlan): AlphabetName {
  return plan.alphabet;
}

/** Random sites on which `id` has a subject expected to be `expected`. */
export function topologiesWith(
  id: PropertyId,
  expected: Verdict,
  topologies: fc.Arbitrary<Topology> = topologyArb,
): fc.Arbitrary<Topology> {
  return topologies.filter((t) => plansOf(t, id, expected).length > 0);
}

/** Random scenarios for the holds-part of `id`: sites with a subject, traces over the property's alphabet. */
export function holdsScenarios(id: PropertyId): fc.Arbitrary<Scenario> {
  return scenarioArb((t) => alphabetOf(plansOf(t, id, 'holds')[0]), topologiesWith(id, 'holds'));
}

/** Where a finding happened: `after event 3 of 5 (HOST_REBOOT esx-01)`, or `in the initial state`. */
function where(at: number, events: readonly KpmEvent[]): string {
  return at === 0
    ? 'in the initial state'
    : `after event ${at} of ${events.length} (${formatEvent(events[at - 1])})`;
}

/**
 * The holds-part of property `id` as a predicate: every plan of `id` expected to hold on the site
 * finds nothing bad along the trace. Throws a TraceFailure that names the plan, its subject and
 * the finding. `model` is production unless a broken one is under test.
 */
export function holds(id: PropertyId, model?: Model): (s: Scenario) => void {
  return (s) => {
    for (const plan of plansOf(s.topology, id, 'holds')) {
      const finding = evaluateTrace(s.topology, plan, s.events, model);
      if (finding === null) continue;
      const subject = plan.subject === null ? '' : ` (${plan.subject})`;
      // `kpm replay` runs production: say so when the trace is a broken model's.
      const broken = model === undefined || model.name === 'production' ? '' : ` [model ${model.name}]`;
      throw new TraceFailure(
        `${id}${subject}${broken}: ${finding.message}, ${where(finding.at, s.events)}`,
        s,
      );
    }
  };
}

/** The holds-part of `id` on random scenarios; fast-check's details, for the quality tier to inspect. */
export function checkHolds(id: PropertyId, model?: Model, params: fc.Parameters<[Scenario]> = {}) {
  return fc.check(
    fc.property(holdsScenarios(id), (s) => {
      holds(id, model)(s);
    }),
    params,
  );
}

/** The holds-part of `id` on random scenarios, or an error with the seed, the path and replay files. */
export function assertHolds(id: PropertyId, params: fc.Parameters<[Scenario]> = {}): void {
  assertScenarios(holdsScenarios(id), holds(id), params);
}

/** Random traces over one site, with the alphabet of its plans of `id` expected to hold. */
export function tracesFor(topology: Topology, id: PropertyId): fc.Arbitrary<Scenario> {
  const [plan] = plansOf(topology, id, 'holds');
  if (plan === undefined) throw new Error(`${id} has no subject expected to hold on ${topology.name}`);
  return tracesOn(topology, alphabetOf(plan));
}

/** The holds-part of `id` on random traces of one site; fast-check's details. */
export function checkHoldsOn(
  topology: Topology,
  id: PropertyId,
  model?: Model,
  params: fc.Parameters<[Scenario]> = {},
) {
  return fc.check(
    fc.property(tracesFor(topology, id), (s) => {
      holds(id, model)(s);
    }),
    params,
  );
}

/** The holds-part of `id` on random traces of one site, or an error with the seed, the path and replay files. */
export function assertHoldsOn(
  topology: Topology,
  id: PropertyId,
  model?: Model,
  params: fc.Parameters<[Scenario]> = {},
): void {
  assertScenarios(tracesFor(topology, id), holds(id, model), params);
}

/**
 * Searches one plan expected to give a counterexample on one site, with fast-check: its check is
 * the property, so fast-check's failure is the documented failure. Returns the shrunk trace, or
 * null when no trace of the random runs shows it.
 */
export function searchCounterexample(
  topology: Topology,
  plan: CheckedPlan,
  model?: Model,
  params: fc.Parameters<[Scenario]> = {},
): KpmEvent[] | null {
  // The search for the shortest trace is only worth its cost where the plan knows that length.
  const traces = tracesOn(topology, alphabetOf(plan), { shortest: plan.minimalLength !== undefined });
  const details = fc.check(
    fc.property(traces, (s) => evaluateTrace(topology, plan, s.events, model) === null),
    params,
  );
  return details.failed && details.counterexample !== null ? details.counterexample[0].events : null;
}

/** What a minimal counterexample must look like, beyond its length; null when it does. */
export type Shape = (topology: Topology, plan: CheckedPlan, trace: readonly KpmEvent[]) => string | null;

/**
 * The counterexample-part of `id`: on every site drawn from `topologies` that has a subject
 * expected to give a counterexample, fast-check finds it and, where the plan gives its
 * `minimalLength`, shrinks it to that many events of the given shape.
 */
export function assertCounterexamples(
  id: PropertyId,
  shape: Shape,
  topologies: fc.Arbitrary<Topology>,
  params: fc.Parameters<[Scenario]> = {},
): void {
  assertScenarios(
    topologies.map((t) => scenario(t, [])),
    (s) => {
      for (const plan of plansOf(s.topology, id, 'counterexample'))
        expectCounterexample(s.topology, plan, shape);
    },
    params,
  );
}

/** One plan's documented failure is found, shrunk to its minimal length and shape; else a TraceFailure. */
export function expectCounterexample(topology: Topology, plan: CheckedPlan, shape: Shape): KpmEvent[] {
  const subject = `${plan.id} (${plan.subject})`;
  const trace = searchCounterexample(topology, plan);
  if (trace === null) {
    throw new TraceFailure(
      `${subject}: no counterexample found, but the spec documents one`,
      scenario(topology, []),
    );
  }
  const shown = scenario(topology, trace);
  if (plan.minimalLength !== undefined && trace.length !== plan.minimalLength) {
    throw new TraceFailure(
      `${subject}: the counterexample shrank to ${trace.length} events, not ${plan.minimalLength}: ${trace.map(formatEvent).join(', ')}`,
      shown,
    );
  }
  // The shape of a documented counterexample is known where its length is.
  const wrong = plan.minimalLength === undefined ? null : shape(topology, plan, trace);
  if (wrong !== null)
    throw new TraceFailure(`${subject}: ${wrong}: ${trace.map(formatEvent).join(', ')}`, shown);
  return trace;
}
