/**
 * Conventions shared by the statecharts.
 *
 * A state lists, in its `meta.refuse`, why it refuses an event it has no transition for (or whose
 * guards all fail): the world reads these reasons for the `refused` steps of a trace. A reason is a
 * sentence, or a function of the machine's context when the sentence names a fact of the component.
 */
export type RefusalReason<TContext> = string | ((context: TContext) => string);

export interface StateMeta<TContext> {
  /** Event type → why this state refuses it. */
  refuse?: Record<string, RefusalReason<TContext>>;
  /** The rule IDs this state stands for, shown in diagrams. */
  rules?: string[];
}

/** Sorted copy of a set of keys: caches, stores and KDK lists are kept sorted so that equal sets are equal. */
export function sortedUnion(keys: readonly string[], more: readonly string[]): string[] {
  return [...new Set([...keys, ...more])].sort();
}
