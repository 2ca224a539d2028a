/**
 * Past the exploration bound: random runs driven by fast-check (seeded, shrinking) look for the
 * counterexamples the bounded exploration could not reach. Finding none proves nothing, so a
 * property decided this way is still `bounded` unless a counterexample turns up.
 */
import fc from 'fast-check';
import type { Model } from '../../models/index.ts';
import type { KpmEvent } from '../../models/events.ts';
import { inAlphabet } from '../catalogue/alphabets.ts';
import { evaluateTrace } from '../catalogue/evaluate.ts';
import type { Plan } from '../catalogue/plan.ts';
import { eventInstances } from '../explore/instances.ts';
import type { Topology } from '../../models/topology.ts';

export interface RandomFinding {
  trace: KpmEvent[];
  message: string;
}

export interface RandomOptions {
  seed: number;
  runs: number;
  model?: Model;
}

/** Random traces of up to 60 events over the plan's alphabet; the shrunk counterexample, or null. */
export function randomSearch(topology: Topology, plan: Plan, options: RandomOptions): RandomFinding | null {
  const check = plan.check;
  if (check === null || check.kind === 'recovery') return null;
  const events = eventInstances(topology).filter((e) => inAlphabet(plan.alphabet, e));
  if (events.length === 0) return null;
  // Up to 60 events, mostly long ones (size 'max'), but shrinking may go down to none.
  const traces = fc.array(fc.constantFrom(...events), { maxLength: 60, size: 'max' });
  const result = fc.check(
    fc.property(
      traces,
      (trace) => evaluateTrace(topology, { alphabet: plan.alphabet, check }, trace, options.model) === null,
    ),
    { seed: options.seed, numRuns: options.runs },
  );
  if (!result.failed || result.counterexample === null) return null;
  const [trace] = result.counterexample;
  const finding = evaluateTrace(topology, { alphabet: plan.alphabet, check }, trace, options.model);
  // Keep only the events up to the bad step: the rest of the trace does not matter.
  return finding ? { trace: trace.slice(0, finding.at), message: finding.message } : null;
}
