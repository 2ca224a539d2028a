/**
 * Every property plan of one topology decided on the explored product of all its hosts: the
 * whole site (`kpm check --full`), or one part of it that the compositional check explores (the
 * shared services and one host, or a few coupled hosts; compose.ts gives each part as a topology
 * of its own). Random runs past the bound come later (random-pool.ts), for all parts at once.
 */
import type { Model } from '../../models/index.ts';
import type { KpmEvent } from '../../models/events.ts';
import type { Topology } from '../../models/topology.ts';
import type { AlphabetName } from '../catalogue/alphabets.ts';
import { plans as plansOf, propertyRecord } from '../catalogue/catalogue.ts';
import type { Check, Plan } from '../catalogue/plan.ts';
import { recoveryShortfall } from '../catalogue/recovery.ts';
import { observe, type ObservedState } from '../world/observe.ts';
import { exploreDifferential } from './differential.ts';
import { packedGraph, type ExploreProgress, type Graph } from './graph.ts';
import { meets, type OperatorAnswer, type PropertyResult } from './report.ts';

export interface ProductOptions {
  /** Hosts the tables keep as one block each (every host alone by default): coupled hosts together. */
  units?: readonly (readonly string[])[];
  /** The topology is a part of a larger site (ExploreOptions.partOfSite). */
  partOfSite?: boolean;
  maxStates: number;
  maxDepth: number;
  model: Model;
  onProgress?: (progress: ExploreProgress) => void;
  /**
   * Decide the differential properties (AV-04, AV-07) host by host, on each host's events and the
   * services' (exact: see `differential`). Off for a part of a site, which is small already.
   */
  differentialByHost: boolean;
}

/** One exploration's size. */
export interface GraphStats {
  alphabet: AlphabetName;
  states: number;
  transitions: number;
  depth: number;
  complete: boolean;
}

export interface ProductCheck {
  topology: Topology;
  /** The plans of the topology, in catalogue order. */
  plans: Plan[];
  /** One per plan, in the same order. */
  results: PropertyResult[];
  operator: OperatorAnswer[];
  /** Every exploration made, the one over every event first. */
  graphs: GraphStats[];
}

export interface Found {
  trace: KpmEvent[];
  message: string;
}

type SearchPlan = Plan & { check: Extract<Check, { kind: 'search' }> };

export const DEFAULT_MAX_STATES = 500_000;

export function checkProduct(topology: Topology, options: ProductOptions): ProductCheck {
  const graphs = new Map<AlphabetName, Graph>();
  const graph = (alphabet: AlphabetName) => {
    let g = graphs.get(alphabet);
    if (!g) {
      g = packedGraph(topology, {
        alphabet,
        maxStates: options.maxStates,
        maxDepth: options.maxDepth,
        model: options.model,
        units: options.units,
        partOfSite: options.partOfSite,
        onProgress: options.onProgress,
      });
      graphs.set(alphabet, g);
    }
    return g;
  };
  const all = plansOf(topology);
  graph('all');
  const found = new Map<Plan, Found | null>();
  const searches = all.filter((p): p is SearchPlan => p.check?.kind === 'search');
  for (const alphabet of new Set(searches.map((p) => p.alphabet))) {
    const group = searches.filter((p) => p.alphabet === alphabet);
    for (const [plan, f] of searchGraph(graph(alphabet), group)) found.set(plan, f);
  }
  const results = all.map((plan) => decide(topology, plan, found, graph, options));
  const operator = operatorAnswers(topology, graph('outagesAndReboots'));
  return {
    topology,
    plans: all,
    results,
    operator,
    graphs: [...graphs].map(([alphabet, g]) => ({
      alphabet,
      states: g.states,
      transitions: g.transitions,
      depth: g.depth,
      complete: g.complete,
    })),
  };
}

/** What a plan's result says of it, whatever was found. */
export function resultBase(plan: Plan) {
  return {
    id: plan.id,
    subject: plan.subject,
    statement: propertyRecord(plan.id).statement,
    expected: plan.expected,
  };
}

/** The result of a plan whose property speaks of nothing on the site (`check` null). */
export function notApplicable(plan: Plan): PropertyResult {
  return {
    ...resultBase(plan),
    result: 'not-applicable',
    asExpected: plan.expected === 'not-applicable',
    trace: null,
    evidence: 'nothing on this site that the property speaks of',
    states: 0,
    method: 'none',
  };
}

function decide(
  topology: Topology,
  plan: Plan,
  found: Map<Plan, Found | null>,
  graph: (a: AlphabetName) => Graph,
  options: ProductOptions,
): PropertyResult {
  const base = resultBase(plan);
  const check = plan.check;
  if (check === null) return notApplicable(plan);
  let outcome: Outcome;
  if (check.kind === 'search') {
    const g = graph(plan.alphabet);
    outcome = { found: found.get(plan) ?? null, complete: g.complete, states: g.states };
  } else if (check.kind === 'differential') {
    outcome = differential(topology, plan, check, options);
  } else {
    const g = graph('all');
    outcome = { found: recoveryOnGraph(topology, g), complete: g.complete, states: g.states };
  }
  return resultOf(base, plan, outcome);
}

interface Outcome {
  found: Found | null;
  complete: boolean;
  states: number;
}

/**
 * A differential property host by host (with `differentialByHost`): each host's VMs depend only on
 * the shared services and that host's own events, so each host is explored with those alone.
 */
function differential(
  topology: Topology,
  plan: Plan,
  check: Extract<Check, { kind: 'differential' }>,
  options: ProductOptions,
): Outcome {
  if (!options.differentialByHost) {
    const d = exploreDifferential(
      plan.alphabet,
      check,
      options,
      options.model,
      undefined,
      options.units,
      options.partOfSite,
    );
    return { found: d.counterexample, complete: d.complete, states: d.pairs };
  }
  const hosts = plan.hosts ?? topology.hosts.map((h) => h.id);
  let best: Outcome = { found: null, complete: true, states: 0 };
  for (const host of hosts) {
    const d = exploreDifferential(
      plan.alphabet,
      check,
      options,
      options.model,
      (e) => concerns(topology, e, host),
      options.units,
      options.partOfSite,
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

/** A result from what the search found, and whether it saw everything. */
export function resultOf(
  base: Pick<PropertyResult, 'id' | 'subject' | 'statement' | 'expected'>,
  plan: Pick<Plan, 'minimalLength'>,
  { found, complete, states }: Outcome,
  method: PropertyResult['method'] = 'exhaustive',
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
    asExpected: meets(base.expected, result) && lengthOk,
    trace: found?.trace ?? null,
    evidence,
    states,
    method,
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
  const vmsOf = new Map(hosts.map((h) => [h, topology.vms.filter((vm) => vm.host === h).map((vm) => vm.id)]));
  const hostKey = (state: ObservedState, host: string) =>
    host + JSON.stringify(state.hosts[host]) + JSON.stringify(vmsOf.get(host)?.map((vm) => state.vms[vm]));
  for (let id = 0; id < g.states; id++) {
    const state = observedOf(g, id);
    const keys = hosts.map((h) => hostKey(state, h));
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
