/**
 * One worker thread of the random runs past the bound: takes jobs (random-pool.ts), runs each with
 * `randomSearch` on its topology and plan, and answers on its port, then signals the main thread,
 * which waits on a shared counter (it stays synchronous).
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { plans } from '../catalogue/catalogue.ts';
import { CoverageRecorder } from '../statecharts/coverage.ts';
import { randomSearch } from './random.ts';
import type { JobMessage, RandomJob, WorkerMessage } from './random-pool.ts';

const { port, counter } = workerData as { port: MessagePort; counter: Int32Array };

function post(message: WorkerMessage): void {
  port.postMessage(message);
  Atomics.add(counter, 0, 1);
  Atomics.notify(counter, 0);
}

function run(job: RandomJob): void {
  const plan = plans(job.topology)[job.plan];
  const recorder = new CoverageRecorder();
  let last = 0;
  const search = recorder.record(() =>
    randomSearch(job.topology, plan, {
      seed: job.seed,
      runs: job.runs,
      maxEvents: job.maxEvents,
      onRun: (events) => {
        // A progress message now and then: the main thread shows the sum on the progress line.
        if (events - last >= 200) {
          last = events;
          post({ type: 'progress', job: job.index, events });
        }
      },
    }),
  );
  post({ type: 'result', job: job.index, result: { ...search, coverage: recorder.seen() } });
}

parentPort?.on('message', (message: JobMessage) => {
  try {
    run(message.job);
  } catch (error) {
    post({ type: 'error', job: message.job.index, message: String((error as Error)?.stack ?? error) });
  }
});
post({ type: 'ready' });
