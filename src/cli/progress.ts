/**
 * Live progress of a long check on stderr: states, states per second, queue, depth while exploring;
 * then, past the bound, the random runs against their budget of events and the property searched.
 * Shown only on a terminal, and only once a run has lasted a second, so that short runs and logs
 * stay clean.
 */
import cliProgress from 'cli-progress';
import type { ExploreProgress } from '../check/graph.ts';
import type { RandomProgress } from '../check/run.ts';

type Phase = 'explore' | 'random';

const FORMATS: Record<Phase, string> = {
  explore: '{phase} [{bar}] {value} states, {rate} states/s, queue {queue}, depth {depth}',
  random: 'random runs [{bar}] {value}/{total} events (--random-budget), {property}',
};

export class ProgressLine {
  private bar: cliProgress.SingleBar | null = null;
  private phase: Phase | null = null;
  private readonly started = performance.now();

  /** `delayMs`: how long a run must last before the line shows. */
  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly delayMs = 1000,
  ) {}

  update(p: ExploreProgress): void {
    if (!this.shown()) return;
    const rate = Math.round(p.states / Math.max(p.elapsedMs / 1000, 0.001));
    this.show('explore', p.maxStates, p.states, { phase: p.phase, rate, queue: p.queue, depth: p.depth });
  }

  random(p: RandomProgress): void {
    if (!this.shown()) return;
    this.show('random', p.budget, p.events, { property: p.property });
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
    this.phase = null;
  }

  private shown(): boolean {
    return this.stream.isTTY === true && performance.now() - this.started >= this.delayMs;
  }

  private show(phase: Phase, total: number, value: number, payload: object): void {
    if (this.phase !== phase) {
      this.stop();
      this.bar = new cliProgress.SingleBar(
        { stream: this.stream, format: FORMATS[phase], hideCursor: true, clearOnComplete: true },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(total, value, payload);
      this.phase = phase;
    }
    this.bar?.update(value, payload);
  }
}
