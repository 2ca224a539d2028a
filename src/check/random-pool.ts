/**
 * The random runs past the bound, on every core: one job per undecided property (its topology, the
 * plan's place among the topology's plans, its seed and its share of the budget), run by worker
 * threads (random-worker.ts), each job with `randomSearch` as in the main thread.
 *
 * Same seed, same output, whatever the scheduling and the number of cores: a job's seed and budget
 * are fixed before any runs (`derivedSeed(seed, its index)`, an equal share of the budget), a job
 * depends on nothing else, and the results are merged in job order. The statechart coverage of
 * each worker is merged as sets.
 *
 * The main thread stays synchronous (`runCheck` is): it blocks on a shared counter that a worker
 * bumps after each message, then reads the messages with `receiveMessageOnPort`. A model other
 * than production (a test's broken model) cannot be sent to a thread: its jobs run in the main
 * thread, as they do with one core or one job.
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { productionModel, type Model } from '../../models/index.ts';
import type { Topology } from '../../models/topology.ts';
import { plans } from '../catalogue/catalogue.ts';
import { CoverageRecorder, type SeenCoverage } from '../statecharts/coverage.ts';
import { randomSearch, type RandomSearch } from './random.ts';

export interface RandomJob {
  /** Its place in the list: results come back in this order. */
  index: number;
  /** What it searches, for the progress line and the seeds printed: `AV-01 db`. */
  label: string;
  topology: Topology;
  /** Its plan, as an index into `plans(topology)` (plans hold functions, which threads cannot share). */
  plan: number;
  seed: number;
  runs: number;
  maxEvents: number;
}

export type JobResult = RandomSearch & { coverage: SeenCoverage };

export type JobMessage = { type: 'job'; job: RandomJob };
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'progress'; job: number; events: number }
  | { type: 'result'; job: number; result: JobResult }
  | { type: 'error'; job: number; message: string };

export interface PoolOptions {
  model: Model;
  /** Threads to use at most (default: every core). 1 runs the jobs in the main thread. */
  workers?: number;
  /** Events spent by all jobs so far, and the job that reported last. */
  onProgress?: (events: number, job: RandomJob) => void;
  /** A job starts on a worker (1-based; 0: the main thread), with its seed. */
  onStart?: (worker: number, job: RandomJob) => void;
}

export interface PoolResult {
  results: JobResult[];
  /** Threads used: 1 for the main thread alone. */
  workers: number;
}

export function runRandomJobs(jobs: readonly RandomJob[], options: PoolOptions): PoolResult {
  const wanted = Math.min(options.workers ?? defaultThreads(), jobs.length);
  if (wanted > 1 && options.model === productionModel) {
    const pooled = inWorkers(jobs, wanted, options);
    if (pooled !== null) return { results: pooled, workers: wanted };
  }
  return { results: inMainThread(jobs, options), workers: 1 };
}

/**
 * One thread per core, unless `KPM_WORKERS` says how many worker threads to use (0: the main thread
 * alone), as it does for kpm report's checks: the test suites set it, since vitest already keeps
 * every core busy.
 */
function defaultThreads(): number {
  const asked = Number(process.env.KPM_WORKERS);
  if (process.env.KPM_WORKERS !== undefined && Number.isInteger(asked) && asked >= 0)
    return Math.max(1, asked);
  return availableParallelism();
}

function inMainThread(jobs: readonly RandomJob[], options: PoolOptions): JobResult[] {
  let before = 0;
  return jobs.map((job) => {
    options.onStart?.(0, job);
    const plan = plans(job.topology)[job.plan];
    const recorder = new CoverageRecorder(options.model);
    const search = recorder.record(() =>
      randomSearch(job.topology, plan, {
        seed: job.seed,
        runs: job.runs,
        maxEvents: job.maxEvents,
        model: options.model,
        onRun: (events) => options.onProgress?.(before + events, job),
      }),
    );
    before += search.events;
    return { ...search, coverage: recorder.seen() };
  });
}

interface Thread {
  worker: Worker;
  port: MessagePort;
  busy: RandomJob | null;
  spent: number;
  ready: boolean;
}

/** How long a thread may stay silent (starting, or between two messages of a job) before it is given up. */
const SILENCE_MS = 120_000;

/** The jobs on `count` worker threads; null when the threads cannot be started (then the main thread runs them). */
function inWorkers(jobs: readonly RandomJob[], count: number, options: PoolOptions): JobResult[] | null {
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const threads: Thread[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(new URL('./random-worker.mjs', import.meta.url), {
        workerData: { port: port2, counter },
        transferList: [port2],
        // The sources run through tsx, registered by the worker itself (random-worker.mjs).
        execArgv: [],
        stdout: false,
        stderr: false,
      });
      worker.unref();
      threads.push({ worker, port: port1, busy: null, spent: 0, ready: false });
    }
    const results: (JobResult | undefined)[] = new Array(jobs.length);
    let next = 0;
    let done = 0;
    let seen = 0;
    let heard = performance.now();
    const give = (t: Thread, n: number) => {
      if (next >= jobs.length) return;
      t.busy = jobs[next++];
      t.spent = 0;
      options.onStart?.(n + 1, t.busy);
      t.worker.postMessage({ type: 'job', job: t.busy } satisfies JobMessage);
    };
    const spentSoFar = () =>
      results.reduce((sum, r) => sum + (r?.events ?? 0), 0) + threads.reduce((sum, t) => sum + t.spent, 0);
    while (done < jobs.length) {
      const waited = Atomics.wait(counter, 0, seen, 1000);
      seen = Atomics.load(counter, 0);
      if (waited === 'timed-out' && performance.now() - heard > SILENCE_MS) {
        if (threads.every((t) => !t.ready)) return null; // never started: run them here
        throw new Error(`a random-run worker went silent for ${SILENCE_MS / 1000} s`);
      }
      threads.forEach((t, n) => {
        for (let m = receiveMessageOnPort(t.port); m !== undefined; m = receiveMessageOnPort(t.port)) {
          heard = performance.now();
          const message = m.message as WorkerMessage;
          if (message.type === 'ready') {
            t.ready = true;
            give(t, n);
          } else if (message.type === 'progress') {
            t.spent = message.events;
            if (t.busy) options.onProgress?.(spentSoFar(), t.busy);
          } else if (message.type === 'result') {
            results[message.job] = message.result;
            done++;
            t.spent = 0;
            const job = t.busy as RandomJob;
            t.busy = null;
            options.onProgress?.(spentSoFar(), job);
            give(t, n);
          } else {
            throw new Error(
              `random runs of ${jobs[message.job].label} failed in a worker:\n${message.message}`,
            );
          }
        }
      });
    }
    return results as JobResult[];
  } finally {
    for (const t of threads) void t.worker.terminate();
  }
}
