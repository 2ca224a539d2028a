/**
 * `kpm check`: every property plan of a site decided on its explored state graphs, with the
 * shortest counterexample or witness, the operator's answer per VM, and random runs past the bound.
 */
import { productionModel, type Model } from '../../models/index.ts';
import type { KpmEvent } from '../../models/events.ts';
import type { AlphabetName } from '../catalogue/alphabets.ts';
import { plans, propertyRecord } from '../catalogue/catalogue.ts';
import type { Check, Plan } from '../catalogue/plan.ts';
import { recoveryShortfall } from '../catalogue/recovery.ts';
import type { Topology } from '../../models/topology.ts';
import type { ObservedState } from '../world/observe.ts';
import { observe } from '../world/observe.ts';
import { exploreDifferential } from './differential.ts';
import { CoverageRecorder } from '../statecharts/coverage.ts';
import { packedGraph, type ExploreProgress, type Graph } from './graph.ts';
import { randomSearch, searchable } from './random.ts';
import { meets, type CheckReport, type OperatorAnswer, type PropertyResult } from './report.ts';

export interface CheckOptions {
  maxStates?: number;
  maxDepth?: number;
  model?: Model;
  onProgress?: (progress: ExploreProgress) => void;
  /** Seed of the random runs past the bound. */
  seed?: number;
  /** Random runs per undecided property past the bound, at most. */
  randomRuns?: number;
  /** Events the random runs past the bound may go through in all (RandomOptions.maxEvents). */
  randomBudget?: number;
  onRandomProgress?: (progress: RandomProgress) => void;
}

/** Where the random runs past the bound are: for the progress line. */
export interface RandomProgress {
  /** The property searched now, e.g. `AV-01 db`. */
  property: string;
  /** Events spent so far by all the random runs, and the budget. */
  events: number;
  budget: number;
}

export const DEFAULT_MAX_STATES = 500_000;
export const DEFAULT_RANDOM_RUNS = 200;
/** A few seconds on the bundled examples, some ten on eight hosts: a bound on the time, for the same output. */
export const DEFAULT_RANDOM_BUDGET = 20_000;

interface Found {
  trace: KpmEvent[];
  message: string;
}

type SearchPlan = Plan & { check: Extract<Check, { kind: 'search' }> };

export function runCheck(topology: Topology, options: CheckOptions = {}): CheckReport {
  const started = performance.now();
  const graphOptions = {
    maxStates: options.maxStates ?? DEFAULT_MAX_STATES,
    maxDepth: options.maxDepth ?? Infinity,
    model: options.model ?? productionModel,
  };
  const graphs = new Map<AlphabetName, Graph>();
  const graph = (alphabet: AlphabetName) => {
    let g = graphs.get(alphabet);
    if (!g)
      graphs.set(
        alphabet,
        (g = packedGraph(topology, { ...graphOptions, alphabet, onProgress: options.onProgress })),
      );
    return g;
  };
  const all = plans(topology);
  const full = graph('all');
  const found = new Map<Plan, Found | null>();
  const searches = all.filter((p): p is SearchPlan => p.check?.kind === 'search');
  for (const alphabet of new Set(searches.map((p) => p.alphabet))) {
    const group = searches.filter((p) => p.alphabet === alphabet);
    for (const [plan, f] of searchGraph(graph(alphabet), group)) found.set(plan, f);
  }
  const results = all.map((plan) => decide(topology, plan, found, graph, graphOptions));
  const random = results.some((r) => r.result === 'bounded')
    ? beyondTheBound(topology, all, results, {
        seed: options.seed ?? 1,
        runs: options.randomRuns ?? DEFAULT_RANDOM_RUNS,
        budget: options.randomBudget ?? DEFAULT_RANDOM_BUDGET,
        model: graphOptions.model,
        onProgress: options.onRandomProgress,
      })
    : undefined;
  return {
    topology: topology.name,
    complete: full.complete,
    states: full.states,
    transitions: full.transitions,
    depth: full.depth,
    elapsedMs: performance.now() - started,
    properties: results,
    operator: operatorAnswers(topology, graph('outagesAndReboots')),
    ...(random ? { random } : {}),
  };
}

/**
 * Random runs for every property the bounded exploration left undecided; a counterexample found
 * this way replaces `bounded`. The budget of events is shared out in order: each property gets an
 * equal part of what is left, so what one does not spend goes to the next. Also reports how much
 * of each statechart the runs exercised.
 */
function beyondTheBound(
  topology: Topology,
  all: Plan[],
  results: PropertyResult[],
  options: {
    seed: number;
    runs: number;
    budget: number;
    model: Model;
    onProgress?: (progress: RandomProgress) => void;
  },
): NonNullable<CheckReport['random']> {
  const { seed, runs, budget, model } = options;
  const recorder = new CoverageRecorder(model);
  let spent = 0;
  recorder.record(() => {
    const undecided = results.flatMap((r, i) => (r.result === 'bounded' ? [i] : []));
    const searched = undecided.filter((i) => searchable(topology, all[i]));
    for (const i of undecided) {
      const result = results[i];
      if (!searched.includes(i)) {
        result.evidence += '; random runs cannot search this property';
        continue;
      }
      const left = searched.length - searched.indexOf(i);
      const property = result.id + (result.subject ? ` ${result.subject}` : '');
      const before = spent;
      const search = randomSearch(topology, all[i], {
        seed,
        runs,
        model,
        maxEvents: Math.floor((budget - spent) / left),
        onRun: (events) => options.onProgress?.({ property, events: before + events, budget }),
      });
      spent += search.events;
      if (search.finding === null) {
        const plural = search.runs === 1 ? '' : 's';
        result.evidence += `; no counterexample in ${search.runs} random run${plural} (${search.events} events, seed ${seed})`;
        continue;
      }
      const decided = resultOf(result, all[i], {
        found: search.finding,
        complete: false,
        states: result.states,
      });
      const how = `found by random runs (seed ${seed}), so not necessarily the shortest`;
      results[i] = { ...decided, evidence: `${decided.evidence}; ${how}`, method: 'random' };
    }
  });
  return { seed, runs, budget, events: spent, coverage: recorder.coverage() };
}

function decide(
  topology: Topology,
  plan: Plan,
  found: Map<Plan, Found | null>,
  graph: (a: AlphabetName) => Graph,
  limits: { maxStates: number; model: Model },
): PropertyResult {
  const base = {
    id: plan.id,
    subject: plan.subject,
    statement: propertyRecord(plan.id).statement,
    expected: plan.expected,
  };
  const check = plan.check;
  if (check === null) {
    return {
      ...base,
      result: 'not-applicable',
      asExpected: plan.expected === 'not-applicable',
      trace: null,
      evidence: 'nothing on this site that the property speaks of',
      states: 0,
      method: 'none',
    };
  }
  let outcome: { found: Found | null; complete: boolean; states: number };
  if (check.kind === 'search') {
    const g = graph(plan.alphabet);
    outcome = { found: found.get(plan) ?? null, complete: g.complete, states: g.states };
  } else if (check.kind === 'differential') {
    outcome = differential(topology, plan, check, limits);
  } else {
    const g = graph('all');
    outcome = { found: recoveryOnGraph(topology, g), complete: g.complete, states: g.states };
  }
  return resultOf(base, plan, outcome);
}

/**
 * A differential property host by host: each host's VMs depend only on the shared services and
 * that host's own events (see `exploreDifferential`), so each host is explored with those alone.
 */
function differential(
  topology: Topology,
  plan: Plan,
  check: Extract<Check, { kind: 'differential' }>,
  limits: { maxStates: number; model: Model },
): { found: Found | null; complete: boolean; states: number } {
  const subjectHost = topology.vms.find((vm) => vm.id === plan.subject)?.host;
  const hosts = subjectHost ? [subjectHost] : topology.hosts.map((h) => h.id);
  let best: { found: Found | null; complete: boolean; states: number } = {
    found: null,
    complete: true,
    states: 0,
  };
  for (const host of hosts) {
    const d = exploreDifferential(plan.alphabet, check, limits, limits.model, (e) =>
      concerns(topology, e, host),
    );
    const shorter =
      d.counterexample && (!best.found || d.counterexample.trace.length < best.found.trace.length);
    best = {
      found: shorter ? d.counterexample : best.found,
      complete: best.complete && d.complete,
      states: best.states + d.pairs,
    };
  }
  return best;
}

/** Whether an event can change the host's state: a shared service's, the host's own, or one of its VMs'. */
function concerns(topology: Topology, event: KpmEvent, host: string): boolean {
  if ('host' in event) return event.host === host;
  if ('vm' in event) return topology.vms.find((vm) => vm.id === event.vm)?.host === host;
  return true;
}

function resultOf(
  base: Pick<PropertyResult, 'id' | 'subject' | 'statement' | 'expected'>,
  plan: Plan,
  { found, complete, states }: { found: Found | null; complete: boolean; states: number },
): PropertyResult {
  const result = found ? 'counterexample' : complete ? 'holds' : 'bounded';
  let evidence: string;
  if (found) {
    evidence = `${found.message} after ${found.trace.length} step${found.trace.length === 1 ? '' : 's'}`;
    if (plan.minimalLength !== undefined && found.trace.length !== plan.minimalLength) {
      evidence += ` (the spec expects ${plan.minimalLength})`;
    }
  } else {
    evidence = complete
      ? `no counterexample in ${states} states`
      : `none found in ${states} states (bounded)`;
  }
  const lengthOk = !found || plan.minimalLength === undefined || found.trace.length === plan.minimalLength;
  return {
    ...base,
    result,
    asExpected: meets(plan.expected, result) && lengthOk,
    trace: found?.trace ?? null,
    evidence,
    states,
    method: 'exhaustive',
  };
}

/**
 * The shortest bad state or step of each plan on one graph. States come in BFS order, so the first
 * bad state is a shortest one; a bad step out of a state at depth d gives a trace of d + 1 events.
 */
function searchGraph(g: Graph, group: SearchPlan[]): Map<Plan, Found | null> {
  const observed: ObservedState[] = [];
  const obs = (id: number) => (observed[id] ??= observedOf(g, id));
  const best = new Map<Plan, { depth: number; make: () => Found }>();
  for (let id = 0; id < g.states; id++) {
    for (const plan of group) {
      if (!plan.check.state || best.has(plan)) continue;
      const message = plan.check.state(obs(id));
      if (message) best.set(plan, { depth: g.depthOf(id), make: () => ({ trace: g.traceTo(id), message }) });
    }
  }
  const stepping = group.filter((p) => p.check.step || p.check.refusal);
  if (stepping.length > 0) {
    g.forEachTransition((from, event, to, applied) => {
      for (const plan of stepping) {
        const depth = g.depthOf(from) + 1;
        const known = best.get(plan);
        if (known && known.depth <= depth) continue;
        const message = applied
          ? plan.check.step?.(obs(from), event, obs(to))
          : plan.check.refusal?.(obs(from), event);
        if (message) best.set(plan, { depth, make: () => ({ trace: [...g.traceTo(from), event], message }) });
      }
    });
  }
  return new Map(group.map((plan) => [plan, best.get(plan)?.make() ?? null]));
}

/**
 * LV-01 on every explored state. Recovery brings every shared service back, so what it achieves on
 * a host depends on that host's own state (its observation and its VMs') only: it is computed once
 * per distinct host state.
 */
function recoveryOnGraph(topology: Topology, g: Graph): Found | null {
  const initial = observedOf(g, 0);
  const known = new Map<string, string[]>();
  const hosts = topology.hosts.map((h) => h.id);
  for (let id = 0; id < g.states; id++) {
    const state = observedOf(g, id);
    const keys = hosts.map((h) => hostKey(topology, state, h));
    if (keys.some((k) => !known.has(k))) {
      const shortfall = recoveryShortfall(g.world(id), initial);
      hosts.forEach((h, i) =>
        known.set(
          keys[i],
          shortfall.filter((s) => s.host === h).map((s) => s.message),
        ),
      );
    }
    const messages = keys.flatMap((k) => known.get(k) ?? []);
    if (messages.length > 0) return { trace: g.traceTo(id), message: messages.join('; ') };
  }
  return null;
}

/** A host's own part of a state: its observation and its VMs'. */
function hostKey(topology: Topology, state: ObservedState, host: string): string {
  const vms = topology.vms.filter((vm) => vm.host === host).map((vm) => state.vms[vm.id]);
  return host + JSON.stringify(state.hosts[host]) + JSON.stringify(vms);
}

/** Section 5, the operator's question: the shortest outages and reboots that leave a running VM down. */
function operatorAnswers(topology: Topology, g: Graph): OperatorAnswer[] {
  const initial = observedOf(g, 0);
  const running = topology.vms.filter((vm) => initial.vms[vm.id].power === 'on');
  const answers = new Map<string, KpmEvent[]>();
  for (let id = 0; id < g.states && answers.size < running.length; id++) {
    const state = observedOf(g, id);
    for (const vm of running) {
      if (!answers.has(vm.id) && state.vms[vm.id].power !== 'on') answers.set(vm.id, g.traceTo(id));
    }
  }
  return running.map((vm) => ({ vm: vm.id, trace: answers.get(vm.id) ?? null, complete: g.complete }));
}

function observedOf(g: Graph, id: number): ObservedState {
  return g.observed?.(id) ?? observe(g.world(id));
}
