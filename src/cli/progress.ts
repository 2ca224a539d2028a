/**
 * Live progress of a long check on stderr: states, states per second, queue, depth. Shown only on a
 * terminal, and only once a run has lasted a second, so that short runs and logs stay clean.
 */
import cliProgress from 'cli-progress';
import type { ExploreProgress } from '../check/graph.ts';

export class ProgressLine {
  private bar: cliProgress.SingleBar | null = null;
  private readonly started = performance.now();

  constructor(private readonly stream: NodeJS.WriteStream) {}

  update(p: ExploreProgress): void {
    if (!this.stream.isTTY || performance.now() - this.started < 1000) return;
    const rate = Math.round(p.states / Math.max(p.elapsedMs / 1000, 0.001));
    const payload = { phase: p.phase, rate, queue: p.queue, depth: p.depth };
    if (this.bar === null) {
      this.bar = new cliProgress.SingleBar(
        {
          stream: this.stream,
          format: '{phase} [{bar}] {value} states, {rate} states/s, queue {queue}, depth {depth}',
          hideCursor: true,
          clearOnComplete: true,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(p.maxStates, p.states, payload);
    }
    this.bar.update(p.states, payload);
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}
