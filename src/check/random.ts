/**
 * Past the exploration bound: random runs driven by fast-check (seeded, shrinking) look for the
 * counterexamples the bounded exploration could not reach. Finding none proves nothing, so a
 * property decided this way is still `bounded` unless a counterexample turns up.
 */
import fc from 'fast-check';
import type { Model } from '../../models/index.ts';
import type { KpmEvent } from '../../models/events.ts';
import type { Topology } from '../../models/topology.ts';
import { inAlphabet } from '../catalogue/alphabets.ts';
import { evaluateTrace } from '../catalogue/evaluate.ts';
import type { Plan } from '../catalogue/plan.ts';
import { eventInstances } from '../explore/instances.ts';

export interface RandomFinding {
  trace: KpmEvent[];
  message: string;
}

export interface RandomOptions {
  seed: number;
  runs: number;
  model?: Model;
  /**
   * The most events the runs may go through, shrinking included (a run of n events counts n + 1,
   * its initial state included). Once spent, no run is evaluated any more and shrinking stops
   * at the smallest counterexample so far: a bound on the time, and the same for the same seed.
   */
  maxEvents?: number;
  /** After each evaluated run, with the events spent so far. */
  onRun?: (events: number) => void;
}

export interface RandomSearch {
  /** The shrunk counterexample, or null. */
  finding: RandomFinding | null;
  /** Runs evaluated, shrinking included. */
  runs: number;
  /** Events spent, at most `maxEvents`. */
  events: number;
}

/** Whether random runs can search the plan at all (the recovery property is checked on graphs only). */
export function searchable(topology: Topology, plan: Plan): boolean {
  const check = plan.check;
  if (check === null || check.kind === 'recovery') return false;
  return eventInstances(topology).some((e) => inAlphabet(plan.alphabet, e));
}

/** Random traces of up to 60 events over the plan's alphabet, within the budget of events. */
export function randomSearch(topology: Topology, plan: Plan, options: RandomOptions): RandomSearch {
  const none: RandomSearch = { finding: null, runs: 0, events: 0 };
  const check = plan.check;
  if (check === null || check.kind === 'recovery') return none;
  const events = eventInstances(topology).filter((e) => inAlphabet(plan.alphabet, e));
  if (events.length === 0) return none;
  const maxEvents = options.maxEvents ?? Infinity;
  let spent = 0;
  let runs = 0;
  let exhausted = false;
  // Up to 60 events, mostly long ones (size 'max'), but shrinking may go down to none.
  const traces = fc.array(fc.constantFrom(...events), { maxLength: 60, size: 'max' });
  const result = fc.check(
    fc.property(traces, (trace) => {
      // Past the budget a run counts as passed without being evaluated: no new counterexample,
      // and shrinking keeps the smallest one it had.
      if (exhausted || spent + trace.length + 1 > maxEvents) {
        exhausted = true;
        return true;
      }
      spent += trace.length + 1;
      runs += 1;
      const ok = evaluateTrace(topology, { alphabet: plan.alphabet, check }, trace, options.model) === null;
      options.onRun?.(spent);
      return ok;
    }),
    { seed: options.seed, numRuns: options.runs },
  );
  if (!result.failed || result.counterexample === null) return { finding: null, runs, events: spent };
  const [trace] = result.counterexample;
  const finding = evaluateTrace(topology, { alphabet: plan.alphabet, check }, trace, options.model);
  // Keep only the events up to the bad step: the rest of the trace does not matter.
  return {
    finding: finding ? { trace: trace.slice(0, finding.at), message: finding.message } : null,
    runs,
    events: spent,
  };
}
