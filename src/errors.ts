/**
 * Problems with user input (topology and event files): each one located as precisely as the
 * input allows, so that every problem can be reported at once as `file:line: path: message`.
 */

/** One step of a path into a parsed document: an object key or a list index. */
export type PathSegment = string | number;

export interface Problem {
  file: string;
  /** 1-based; null when the problem has no place in the text (e.g. an unreadable file). */
  line: number | null;
  /** Where in the document, e.g. `hosts[0].tpm` or `[3].host`; empty for the whole document. */
  path: string;
  message: string;
  /** The loader rule that found it (rules.ts, events-file.ts), for the bad-input corpus; never printed. */
  rule?: string;
}

/** `hosts[0].tpm`, `[3].host`; keys that are not plain words are quoted: `options["my key"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  return path
    .map((segment, index) => {
      if (typeof segment === 'number') return `[${segment}]`;
      if (!/^[A-Za-z_][\w-]*$/.test(segment)) return `[${JSON.stringify(segment)}]`;
      return index === 0 ? segment : `.${segment}`;
    })
    .join('');
}

/**
 * `file:line: path: message`; the line and the path are left out when there is none. Always one
 * line: control characters from the file (a key with a line break, a parser's quote of the text)
 * are written as escapes, so that no input can forge or split the lines a script reads.
 */
export function formatProblem(p: Problem): string {
  const where = p.line === null ? oneLine(p.file) : `${oneLine(p.file)}:${p.line}`;
  const message = oneLine(p.message);
  return p.path === '' ? `${where}: ${message}` : `${where}: ${oneLine(p.path)}: ${message}`;
}

const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Control characters (C0, DEL, C1, line and paragraph separators) as `\n`, `\u0007`... */
export function oneLine(text: string): string {
  return text.replace(
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g,
    (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Bad input: carries every problem found, not just the first, so a user fixes them in one go. */
export class InputError extends Error {
  readonly problems: Problem[];

  constructor(problems: Problem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'InputError';
    this.problems = problems;
  }
}

/** A value as a user would name it in a message: `the string "yes"`, `the number 7`, `a list`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'object') return 'an object';
  return `the ${typeof value} ${String(value)}`;
}

/**
 * The problems of several inputs, gathered so that one run reports them all: each `attempt` keeps
 * the problems of a load that fails with bad input (anything else is a bug, and is thrown).
 */
export class ProblemList {
  readonly problems: Problem[] = [];

  /** The value `load` gives, or undefined when it failed with bad input (its problems are kept). */
  attempt<T>(load: () => T): T | undefined {
    try {
      return load();
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      this.problems.push(...error.problems);
      return undefined;
    }
  }

  /** Throws every problem gathered, if there is one. */
  throwIfAny(): void {
    if (this.problems.length > 0) throw new InputError(this.problems);
  }
}
