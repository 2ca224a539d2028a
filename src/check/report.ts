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
  /**
   * Where it was decided: the indices of the report's `explorations` (one for a subject, every one
   * for a property of every host), and the hosts its trace lives on (with the shared services: the
   * part of the site a replay of the trace changes). Set by `runCheck`.
   */
  decidedOn?: { explorations: number[]; hosts: string[] };
}

/** The size of one exploration. */
export interface ExplorationSize {
  states: number;
  transitions: number;
  depth: number;
  complete: boolean;
}

/**
 * One part of the site explored on its own: the shared services and `hosts` (one host, or hosts
 * that something couples), for every host in `decides` (they and `hosts` have the same
 * configuration, up to their names: their verdicts and traces are these, renamed).
 */
export interface Exploration extends ExplorationSize {
  hosts: string[];
  decides: string[];
  /** The explorations over each alphabet the properties use (`all` first, the one above). */
  alphabets: ({ alphabet: string } & ExplorationSize)[];
}

/** Hosts found coupled, and what couples them (src/explore/coupling.ts). */
export interface CouplingFound {
  hosts: string[] | 'every host';
  /**
   * `block`: explored as one block of the tables (their product); `part`: in one part of the site,
   * each its own block, one reading only the other's configuration (src/explore/coupling.ts).
   */
  level: 'part' | 'block';
  reason: string;
}

export interface OperatorAnswer {
  vm: string;
  /** The shortest sequence of outages and reboots that leaves the VM down, or null when none exists. */
  trace: KpmEvent[] | null;
  complete: boolean;
}

export interface CheckReport {
  topology: string;
  /** Every exploration reached its fixpoint. */
  complete: boolean;
  /** States explored in all (the sum over `explorations`, each over every event). */
  states: number;
  transitions: number;
  /** The greatest depth of an exploration. */
  depth: number;
  elapsedMs: number;
  /**
   * `compositional`: each property decided on the shared services and the hosts it speaks of, one
   * exploration per class of identically configured hosts (src/check/compose.ts); `full product`:
   * on the product of every host (`--full`, or every host coupled).
   */
  method: 'compositional' | 'full product';
  explorations: Exploration[];
  /** What made hosts be explored together. */
  couplings: CouplingFound[];
  /** The product of every host, when it was explored. */
  fullProduct?: ExplorationSize;
  properties: PropertyResult[];
  operator: OperatorAnswer[];
  /**
   * Set when random runs were used past the exhaustive bound: their seed, the most runs per
   * property, the budget of events for all of them (`--random-budget`) and the events spent.
   */
  random?: RandomReport;
}

export interface RandomReport {
  seed: number;
  runs: number;
  budget: number;
  events: number;
  /** Worker threads that ran them (1: in the main thread). */
  workers: number;
  /**
   * Per undecided property and part of the site (`hosts`, with the shared services): its own seed
   * (from `seed` and its place in this list), its runs and events.
   */
  searches: {
    id: string;
    subject: string | null;
    hosts: string[];
    seed: number;
    runs: number;
    events: number;
  }[];
  coverage: Coverage;
}

export function allAsExpected(report: CheckReport): boolean {
  return report.properties.every((p) => p.asExpected);
}

/** An expected verdict is met by the same result; `bounded` never meets an expectation. */
export function meets(expected: Verdict, result: Result): boolean {
  return expected === result;
}

export type { KpmEvent };
