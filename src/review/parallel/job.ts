/**
 * A check worker's loop (see checks.ts): claims the next job from the shared counter, runs
 * `kpm check` on its topology, posts the report back, until no job is left.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runCheck } from '../../check/run.ts';
import type { CheckJobs } from './checks.ts';

const { jobs, counter } = workerData as CheckJobs;
const next = new Int32Array(counter);
for (let i = Atomics.add(next, 0, 1); i < jobs.length; i = Atomics.add(next, 0, 1)) {
  const { topology, seed } = jobs[i];
  parentPort?.postMessage({ index: i, report: runCheck(topology, { seed }) });
}
parentPort?.postMessage({ done: true });
