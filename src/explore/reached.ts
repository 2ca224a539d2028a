/**
 * A footprint recorder that notes every component a step's messages reach, and passes everything
 * on to the recorder it wraps (the compositional check's, when one watches): the tables learn from
 * it which other units' components an entry's step asked (tables.ts, static reads).
 */
import type { AnyMachineSnapshot } from 'xstate';
import type { ComponentKind, Payload, Send } from '../../models/messages.ts';
import type { FootprintRecorder } from '../world/world.ts';

export class ReachedComponents implements FootprintRecorder {
  /** `kind\0id` of each component reached, in order, with repeats. */
  readonly seen: string[] = [];

  constructor(private readonly outer: FootprintRecorder | null) {}

  reached(kind: ComponentKind, id: string): void {
    this.seen.push(`${kind}\u0000${id}`);
    this.outer?.reached(kind, id);
  }

  step(event: Payload): void {
    this.outer?.step(event);
  }
  message(index: number, message: Send): void {
    this.outer?.message(index, message);
  }
  touch(kind: ComponentKind, id: string): void {
    this.outer?.touch(kind, id);
  }
  touchHost(host: string): void {
    this.outer?.touchHost(host);
  }
  broadcast(kind: ComponentKind, type: string): void {
    this.outer?.broadcast(kind, type);
  }
  replaced(kind: ComponentKind, id: string, before: AnyMachineSnapshot, after: AnyMachineSnapshot): void {
    this.outer?.replaced(kind, id, before, after);
  }
}
