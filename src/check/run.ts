/**
 * `kpm check`: every property plan of a site decided on explored state graphs, with the shortest
 * counterexample or witness, the operator's answer per VM, and random runs past the bound.
 *
 * By default compositionally (compose.ts): each property on the shared services and the hosts it
 * speaks of, each class of identically configured hosts explored once, coupled hosts together.
 * With `full`, on the product of every host (product.ts), as the manifest's counts are.
 */
import { productionModel, type Model } from '../../models/index.ts';
import type { Topology } from '../../models/topology.ts';
import { searchable } from './random.ts';
import { derivedSeed } from '../seeds.ts';
import { CoverageRecorder } from '../statecharts/coverage.ts';
import { assemble, decompose, type Decomposition } from './compose.ts';
import type { ExploreProgress } from './graph.ts';
import { DEFAULT_MAX_STATES, resultOf } from './product.ts';
import { runRandomJobs, type RandomJob } from './random-pool.ts';
import type { CheckReport, RandomReport } from './report.ts';

export { DEFAULT_MAX_STATES } from './product.ts';

export interface CheckOptions {
  maxStates?: number;
  maxDepth?: number;
  model?: Model;
  /** Explore the product of every host (`--full`) instead of the site's parts. */
  full?: boolean;
  onProgress?: (progress: ExploreProgress) => void;
  /** Seed of the random runs past the bound. */
  seed?: number;
  /** Random runs per undecided property past the bound, at most. */
  randomRuns?: number;
  /** Events the random runs past the bound may go through in all (RandomOptions.maxEvents). */
  randomBudget?: number;
  /** Threads for the random runs (default: every core; 1: the main thread only). */
  workers?: number;
  onRandomProgress?: (progress: RandomProgress) => void;
  /** A random search starts: on which worker thread (0: the main thread), with which seed. */
  onRandomStart?: (start: RandomStart) => void;
}

/** Where the random runs past the bound are: for the progress line. */
export interface RandomProgress {
  /** The property searched now, e.g. `AV-01 db`. */
  property: string;
  /** Events spent so far by all the random runs, and the budget. */
  events: number;
  budget: number;
}

export interface RandomStart {
  worker: number;
  property: string;
  seed: number;
}

export const DEFAULT_RANDOM_RUNS = 200;
/** A few seconds on the bundled examples, some ten on eight hosts: a bound on the time, for the same output. */
export const DEFAULT_RANDOM_BUDGET = 20_000;

export function runCheck(topology: Topology, options: CheckOptions = {}): CheckReport {
  const started = performance.now();
  const model = options.model ?? productionModel;
  const d = decompose(topology, {
    maxStates: options.maxStates ?? DEFAULT_MAX_STATES,
    maxDepth: options.maxDepth ?? Infinity,
    model,
    full: options.full ?? false,
    onProgress: options.onProgress,
  });
  const random = d.parts.some((part) => part.check.results.some((r) => r.result === 'bounded'))
    ? beyondTheBound(d, {
        seed: options.seed ?? 1,
        runs: options.randomRuns ?? DEFAULT_RANDOM_RUNS,
        budget: options.randomBudget ?? DEFAULT_RANDOM_BUDGET,
        model,
        workers: options.workers,
        onProgress: options.onRandomProgress,
        onStart: options.onRandomStart,
      })
    : undefined;
  const { properties, operator, explorations } = assemble(topology, d, options.model);
  const whole = d.method === 'full product' && explorations.length === 1 ? explorations[0] : undefined;
  return {
    topology: topology.name,
    complete: explorations.every((x) => x.alphabets.every((a) => a.complete)),
    states: explorations.reduce((sum, x) => sum + x.states, 0),
    transitions: explorations.reduce((sum, x) => sum + x.transitions, 0),
    depth: Math.max(0, ...explorations.map((x) => x.depth)),
    elapsedMs: performance.now() - started,
    method: d.method,
    explorations,
    couplings: d.couplings,
    ...(whole
      ? {
          fullProduct: {
            states: whole.states,
            transitions: whole.transitions,
            depth: whole.depth,
            complete: whole.complete,
          },
        }
      : {}),
    properties,
    operator,
    ...(random ? { random } : {}),
  };
}

/**
 * Random runs for every property the bounded explorations left undecided, on the part of the site
 * that holds it; a counterexample found this way replaces `bounded`. Each search gets its own seed
 * (derived from `seed` and its place) and an equal share of the budget of events, fixed before any
 * runs, so that the worker threads (random-pool.ts) give the same report whatever their number.
 * Also reports how much of each statechart the runs exercised.
 */
function beyondTheBound(
  d: Decomposition,
  options: {
    seed: number;
    runs: number;
    budget: number;
    model: Model;
    workers?: number;
    onProgress?: (progress: RandomProgress) => void;
    onStart?: (start: RandomStart) => void;
  },
): RandomReport {
  const { seed, runs, budget, model } = options;
  const undecided = d.parts.flatMap((part) =>
    part.check.results.flatMap((result, i) => (result.result === 'bounded' ? [{ part, i, result }] : [])),
  );
  const searched = undecided.filter(({ part, i }) => searchable(part.topology, part.check.plans[i]));
  for (const { result } of undecided.filter((u) => !searched.includes(u))) {
    result.evidence += '; random runs cannot search this property';
  }
  const share = searched.length === 0 ? 0 : Math.floor(budget / searched.length);
  const several = d.parts.length > 1;
  const jobs: RandomJob[] = searched.map(({ part, i, result }, index) => ({
    index,
    label:
      result.id +
      (result.subject ? ` ${result.subject}` : '') +
      (several && result.subject === null ? ` on ${part.hosts.join(' + ')}` : ''),
    topology: part.topology,
    plan: i,
    seed: derivedSeed(seed, index),
    runs,
    maxEvents: share,
  }));
  const { results, workers } = runRandomJobs(jobs, {
    model,
    workers: options.workers,
    onProgress: (events, job) => options.onProgress?.({ property: job.label, events, budget }),
    onStart: (worker, job) => options.onStart?.({ worker, property: job.label, seed: job.seed }),
  });
  const recorder = new CoverageRecorder(model);
  searched.forEach(({ part, i, result }, index) => {
    const search = results[index];
    const job = jobs[index];
    recorder.absorb(search.coverage);
    if (search.finding === null) {
      const plural = search.runs === 1 ? '' : 's';
      result.evidence += `; no counterexample in ${search.runs} random run${plural} (${search.events} events, seed ${job.seed})`;
      return;
    }
    const decided = resultOf(
      result,
      part.check.plans[i],
      { found: search.finding, complete: false, states: result.states },
      'random',
    );
    const how = `found by random runs (seed ${job.seed}), so not necessarily the shortest`;
    part.check.results[i] = { ...decided, evidence: `${decided.evidence}; ${how}` };
  });
  return {
    seed,
    runs,
    budget,
    events: results.reduce((sum, r) => sum + r.events, 0),
    workers,
    searches: jobs.map((job, index) => ({
      id: searched[index].result.id,
      subject: searched[index].result.subject,
      hosts: searched[index].part.hosts,
      seed: job.seed,
      runs: results[index].runs,
      events: results[index].events,
    })),
    coverage: recorder.coverage(),
  };
}
