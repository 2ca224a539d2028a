/**
 * What `kpm check` finds on a site: one result per property ID and subject (interface.md,
 * `kpm check --json`), with the evidence behind it.
 */
import type { KpmEvent } from '../../models/events.ts';
import type { PropertyId } from '../catalogue/catalogue.ts';
import type { Verdict } from '../catalogue/plan.ts';
import type { Coverage } from '../statecharts/coverage.ts';

export type Result = Verdict | 'bounded';

export interface PropertyResult {
  id: PropertyId;
  subject: string | null;
  statement: string;
  expected: Verdict;
  result: Result;
  asExpected: boolean;
  /** The shortest trace showing the counterexample or the witness; null when there is none. */
  trace: KpmEvent[] | null;
  /** What the trace shows, or why the property holds or was not decided. */
  evidence: string;
  /** States (or pairs of states, for differential properties) explored to decide it. */
  states: number;
  /** How it was decided: exhaustive exploration, or random runs past the bound. */
  method: 'exhaustive' | 'random' | 'none';
}

export interface OperatorAnswer {
  vm: string;
  /** The shortest sequence of outages and reboots that leaves the VM down, or null when none exists. */
  trace: KpmEvent[] | null;
  complete: boolean;
}

export interface CheckReport {
  topology: string;
  complete: boolean;
  states: number;
  transitions: number;
  depth: number;
  elapsedMs: number;
  properties: PropertyResult[];
  operator: OperatorAnswer[];
  /**
   * Set when random runs were used past the exhaustive bound: their seed, the most runs per
   * property, the budget of events for all of them (`--random-budget`) and the events spent.
   */
  random?: { seed: number; runs: number; budget: number; events: number; coverage: Coverage };
}

export function allAsExpected(report: CheckReport): boolean {
  return report.properties.every((p) => p.asExpected);
}

/** An expected verdict is met by the same result; `bounded` never meets an expectation. */
export function meets(expected: Verdict, result: Result): boolean {
  return expected === result;
}

export type { KpmEvent };
