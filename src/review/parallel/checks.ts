/**
 * `kpm check` on several variants of a site (the modelling choices' flips), spread over worker
 * threads while the main thread builds the rest of the report, and joined by it when it is done:
 * every thread claims the next job from one shared counter, so the work balances itself. Each
 * report is the one `runCheck` gives on its topology, whichever thread ran it (runCheck is
 * deterministic), so the report's bytes do not depend on the number of threads.
 *
 * Workers run the production model only (a model is functions, which cannot be sent to a thread):
 * with another model, or with no core to spare, every job runs on the main thread, as does any job
 * of a worker that failed.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Topology } from '../../../models/topology.ts';
import type { Model } from '../../../models/index.ts';
import { productionModel } from '../../../models/index.ts';
import type { CheckReport } from '../../check/report.ts';
import { runCheck } from '../../check/run.ts';

export interface CheckJob {
  topology: Topology;
  seed: number;
}

/** What a worker receives: the jobs, and the shared counter of the next job to claim. */
export interface CheckJobs {
  jobs: CheckJob[];
  counter: SharedArrayBuffer;
}

export interface CheckPool {
  /** Runs the jobs no worker has claimed on this thread, then waits for the workers'; reports in job order. */
  finish(): Promise<CheckReport[]>;
  /** Stops the workers (the report failed): nothing is left running. */
  cancel(): Promise<void>;
}

/** Threads besides the main one: one per spare core, at most one per job; `KPM_WORKERS` overrides. */
export function workerCount(jobs: number): number {
  const asked = Number(process.env.KPM_WORKERS);
  const spare = Number.isInteger(asked) && asked >= 0 ? asked : availableParallelism() - 1;
  return Math.max(0, Math.min(jobs, spare));
}

export function startChecks(jobs: CheckJob[], model: Model = productionModel): CheckPool {
  const counter = new SharedArrayBuffer(4);
  const next = new Int32Array(counter);
  const reports: (CheckReport | undefined)[] = jobs.map(() => undefined);
  const threads = model === productionModel ? workerCount(jobs.length) : 0;
  const finished: Promise<void>[] = [];
  const workers: Worker[] = [];
  for (let w = 0; w < threads; w++) {
    const worker = new Worker(new URL('./worker.mjs', import.meta.url), { workerData: { jobs, counter } });
    workers.push(worker);
    // A worker that fails leaves its jobs without a report; the main thread runs them at the end.
    finished.push(
      new Promise<void>((resolve) => {
        worker.on('message', (m: { index: number; report: CheckReport } | { done: true }) => {
          if ('done' in m) void worker.terminate();
          else reports[m.index] = m.report;
        });
        worker.on('error', () => resolve());
        worker.on('exit', () => resolve());
      }),
    );
  }
  return {
    async finish() {
      for (let i = Atomics.add(next, 0, 1); i < jobs.length; i = Atomics.add(next, 0, 1)) {
        reports[i] = runCheck(jobs[i].topology, { seed: jobs[i].seed, model });
      }
      await Promise.all(finished);
      return reports.map((r, i) => r ?? runCheck(jobs[i].topology, { seed: jobs[i].seed, model }));
    },
    async cancel() {
      Atomics.store(next, 0, jobs.length);
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
