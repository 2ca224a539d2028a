/**
 * Reading YAML or JSON input while keeping track of where each value came from, so that problems
 * found later (by a schema, by the topology rules) can name the line a user has to fix.
 * JSON goes through the same YAML parser (JSON is YAML 1.2 flow style), so it gets lines too.
 */
import { readFileSync } from 'node:fs';
import { isAlias, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { formatPath, InputError, type PathSegment, type Problem } from './errors.ts';

export interface Source {
  file: string;
  /** The document as plain data; null for an empty document. */
  data: unknown;
  /** A problem at `path`, placed on the line of the deepest part of the path the document has. */
  problem(path: readonly PathSegment[], message: string): Problem;
}

/** The text of `file`; an unreadable file is an InputError with one problem. */
export function readSource(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError([{ file, line: null, path: '', message: `cannot read file: ${messageOf(error)}` }]);
  }
}

/** Parses YAML or JSON text; syntax errors are an InputError with every error and its line. */
export function parseSource(text: string, file: string): Source {
  const lineCounter = new LineCounter();
  // prettyErrors off: the message stays one line, the line comes from the position below.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const lineAt = (offset: number) => lineCounter.linePos(offset).line;
  if (doc.errors.length > 0) {
    throw new InputError(
      doc.errors.map((e) => ({ file, line: lineAt(e.pos[0]), path: '', message: e.message })),
    );
  }
  const data = toData(doc, file);
  return {
    file,
    data,
    problem: (path, message) => ({ file, line: lineOf(doc, path, lineAt), path: formatPath(path), message }),
  };
}

function toData(doc: Document, file: string): unknown {
  try {
    return doc.toJS() ?? null;
  } catch (error) {
    // An alias to a missing anchor or an alias bomb is only found when building the data.
    throw new InputError([{ file, line: null, path: '', message: messageOf(error) }]);
  }
}

/**
 * The line of `path` in `doc`: a key's own line for a key, an item's first line for a list item;
 * when the path goes further than the document (a missing key), the line of the deepest part found.
 */
function lineOf(
  doc: Document,
  path: readonly PathSegment[],
  lineAt: (offset: number) => number,
): number | null {
  let node: unknown = doc.contents;
  let line = startLine(node, lineAt);
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === String(segment));
      if (!pair) break;
      line = startLine(pair.key, lineAt) ?? line;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
      node = node.items[segment];
      line = startLine(node, lineAt) ?? line;
    } else {
      break;
    }
  }
  return line;
}

function startLine(node: unknown, lineAt: (offset: number) => number): number | null {
  return isNode(node) && node.range ? lineAt(node.range[0]) : null;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
