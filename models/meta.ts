/**
 * Conventions shared by the statecharts.
 *
 * - `meta.rules` on a state or a transition: the rule IDs of key-persistence.md it stands for.
 *   Diagrams, the traceability matrix and test paths read them; a test checks that every one is a
 *   spec ID.
 * - `meta.refuse` on a state: why it refuses an event it has no transition for (or whose guards all
 *   fail). The world reads these reasons for the `refused` steps of a trace. A reason is a sentence,
 *   or a function of the machine's context and the refused event (with its facts) when the sentence
 *   names a fact of the component.
 */
import type { EventObject } from 'xstate';

export type RefusalReason<TContext> = string | ((context: TContext, event: EventObject) => string);

export interface StateMeta<TContext = unknown> {
  /** Event type → why this state refuses it. */
  refuse?: Record<string, RefusalReason<TContext>>;
  /** The rule IDs this state stands for. */
  rules?: string[];
}

export interface TransitionMeta {
  /** The rule IDs this transition stands for. */
  rules: string[];
}

/** `meta` of a transition: the rules it stands for. */
export function rules(...ids: string[]): { meta: TransitionMeta } {
  return { meta: { rules: ids } };
}

/** Sorted copy of a set of names: caches, stores and KDK lists are kept sorted so that equal sets are equal. */
export function sortedUnion(names: readonly string[], more: readonly string[]): string[] {
  return [...new Set([...names, ...more])].sort();
}
