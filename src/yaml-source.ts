/**
 * Reading YAML or JSON input while keeping track of where each value came from, so that problems
 * found later (by a schema, by the topology rules) can name the line a user has to fix.
 * JSON goes through the same YAML parser (JSON is YAML 1.2 flow style), so it gets lines too.
 *
 * Everything a hostile or broken file can do ends here as an InputError with its line: a folder or a
 * device instead of a file, a file too large, bytes that are not UTF-8, a byte-order mark, syntax
 * errors, nesting deep enough to overflow the parser's stack, aliases to nowhere or alias bombs,
 * duplicate keys. Nothing else escapes (the fuzz suite in test/bad-input.fuzz.test.ts checks it).
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import {
  isAlias,
  isCollection,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Alias,
  type Document,
  type Node as YamlNode,
  type Pair,
  type YAMLMap,
} from 'yaml';
import { formatPath, InputError, type PathSegment, type Problem } from './errors.ts';

/** Every problem reading and parsing can find, by name: the bad-input corpus (test/bad-input/) shows each. */
export const READ_RULES = [
  'unreadable',
  'folder',
  'too-large',
  'utf-16',
  'not-utf-8',
  'nesting',
  'syntax',
  'second-document',
  'unclosed-flow',
  'unknown-tag',
  'alias-without-anchor',
  'alias-loop',
  'alias-bomb',
  'key-not-a-word',
  'duplicate-key',
] as const;
export type ReadRule = (typeof READ_RULES)[number];

type At = (rule: ReadRule, line: number | null, message: string, path?: string) => Problem;

export interface Source {
  file: string;
  /** The document as plain data; null for an empty document. */
  data: unknown;
  /** Problems found while reading that still let the data be checked (duplicate keys): report them too. */
  problems: Problem[];
  /** A problem at `path`, placed on the line of the deepest part of the path the document has. */
  problem(path: readonly PathSegment[], message: string): Problem;
}

/** What is read: the size limit and the word used in messages. */
export interface ReadLimits {
  maxBytes: number;
  /** `a topology file`, `an events file`. */
  what: string;
}

/** No site needs more: the explorer could not cope with the site long before. */
export const MAX_TOPOLOGY_BYTES = 1 << 20;
/** About 400,000 events, one a line. */
export const MAX_EVENTS_BYTES = 16 << 20;
/** Deeper than any topology or events file needs (they need 4), shallow enough for the parser's stack. */
export const MAX_NESTING = 100;
/** Values that aliases may add to a document: plenty for reuse, far too few for an alias bomb. */
export const MAX_ALIAS_VALUES = 10_000;

const DEFAULT_LIMITS: ReadLimits = { maxBytes: MAX_EVENTS_BYTES, what: 'a kpm file' };

/** The text of `file`, decoded as UTF-8 (a byte-order mark is dropped); every problem is an InputError. */
export function readSource(file: string, limits: ReadLimits = DEFAULT_LIMITS): string {
  return decodeUtf8(readBytes(file, limits), file);
}

/**
 * The bytes of `file`, at most `limits.maxBytes`. Regular files, and also pipes and devices
 * (`/dev/stdin`, `<(...)`), read up to the limit: `/dev/zero` is too large, not a hang. Opened
 * non-blocking, so that a FIFO nobody writes to reads as empty instead of blocking forever.
 */
export function readBytes(file: string, limits: ReadLimits = DEFAULT_LIMITS): Uint8Array {
  const fail = (message: string, rule: ReadRule = 'unreadable'): never => {
    throw new InputError([{ file, line: null, path: '', message, rule }]);
  };
  if (file === '') fail('cannot read file: the file name is empty');
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return fail(`cannot read file: ${reasonOf(error)}`);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) fail('cannot read file: it is a folder; give the path of a file in it', 'folder');
    if (stat.isFile() && stat.size > limits.maxBytes) fail(tooLarge(stat.size, limits), 'too-large');
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, limits.maxBytes + 1 - total));
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN') {
          sleep(5); // a pipe whose writer has not written yet
          continue;
        }
        return fail(`cannot read file: ${reasonOf(error)}`);
      }
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > limits.maxBytes) fail(tooLarge(null, limits), 'too-large');
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

function tooLarge(size: number | null, limits: ReadLimits): string {
  const mb = (n: number) => `${(n / (1 << 20)).toFixed(1)} MB`;
  const is = size === null ? `is larger than ${mb(limits.maxBytes)}` : `is ${mb(size)}`;
  return `the file ${is}; kpm reads ${limits.what} of at most ${mb(limits.maxBytes)}`;
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** `ENOENT (no such file or directory)`: the code for searching, the words for reading. */
export function reasonOf(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (typeof e?.code !== 'string') return error instanceof Error ? error.message : String(error);
  const words = ERRNO_WORDS[e.code];
  return words ? `${e.code} (${words})` : e.code;
}

const ERRNO_WORDS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'it is a folder',
  ENOTDIR: 'a part of the path is not a folder',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
  EIO: 'input/output error',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EEXIST: 'it already exists',
  ENXIO: 'no such device or address',
  EMFILE: 'too many open files',
  EINVAL: 'invalid argument',
};

/**
 * UTF-8 only, strictly: a byte that is not UTF-8 is reported on its line (the file was probably
 * saved as Latin-1 or Windows-1252), never silently replaced. A leading byte-order mark is dropped.
 */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(encodingProblems(bytes, file));
  }
}

function encodingProblems(bytes: Uint8Array, file: string): Problem[] {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return [
      {
        file,
        line: 1,
        path: '',
        message: 'the file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8',
        rule: 'utf-16',
      },
    ];
  }
  const lines = invalidUtf8Lines(bytes);
  const shown = lines.slice(0, 10).map(({ line, byte }): Problem => ({
    file,
    line,
    path: '',
    message: `not UTF-8: the byte 0x${byte.toString(16).toUpperCase().padStart(2, '0')} is not text in UTF-8; save the file as UTF-8`,
    rule: 'not-utf-8',
  }));
  if (lines.length > shown.length) {
    const more = lines.length - shown.length;
    shown.push({
      file,
      line: null,
      path: '',
      message: `and ${more} more line${more === 1 ? '' : 's'} with bytes that are not UTF-8`,
      rule: 'not-utf-8',
    });
  }
  return shown;
}

/** The first invalid byte of each line that has one (RFC 3629: no overlongs, surrogates or > U+10FFFF). */
function invalidUtf8Lines(bytes: Uint8Array): { line: number; byte: number }[] {
  const found: { line: number; byte: number }[] = [];
  let line = 1;
  let i = 0;
  const cont = (k: number, lo = 0x80, hi = 0xbf) =>
    i + k < bytes.length && bytes[i + k] >= lo && bytes[i + k] <= hi;
  while (i < bytes.length) {
    const b = bytes[i];
    let length = 0;
    if (b < 0x80) length = 1;
    else if (b >= 0xc2 && b <= 0xdf) length = cont(1) ? 2 : 0;
    else if (b === 0xe0) length = cont(1, 0xa0) && cont(2) ? 3 : 0;
    else if ((b >= 0xe1 && b <= 0xec) || b === 0xee || b === 0xef) length = cont(1) && cont(2) ? 3 : 0;
    else if (b === 0xed) length = cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
    else if (b === 0xf0) length = cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
    else if (b >= 0xf1 && b <= 0xf3) length = cont(1) && cont(2) && cont(3) ? 4 : 0;
    else if (b === 0xf4) length = cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
    if (length === 0) {
      if (found.at(-1)?.line !== line) found.push({ line, byte: b });
      length = 1;
    }
    if (b === 0x0a) line++;
    i += length;
  }
  return found;
}

/** Parses YAML or JSON text; every problem is an InputError with its line. */
export function parseSource(text: string, file: string): Source {
  // A byte-order mark read as text (readSource drops it already): YAML accepts one before a map
  // but not before a list, so drop it here too.
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  const lineCounter = new LineCounter();
  const lineAt = (offset: number) => lineCounter.linePos(offset).line;
  const at: At = (rule, line, message, path = '') => ({ file, line, path, message, rule });
  // The parser recurses once per level and overflows the stack (at times fatally, inside V8) on a
  // few thousand levels: measure the nesting first.
  const deep = deepestLine(text, MAX_NESTING);
  if (deep !== null) {
    throw new InputError([
      at(
        'nesting',
        deep,
        `nested more than ${MAX_NESTING} levels deep (lists and maps inside each other); a kpm file needs a few`,
      ),
    ]);
  }
  // prettyErrors off: the message stays one line, the line comes from the position. Duplicate keys
  // are found below, so that the message can name the key.
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: false,
    keepSourceTokens: true,
  });
  const syntax = [...doc.errors, ...doc.warnings];
  if (syntax.length > 0) throw new InputError(syntaxProblems(doc, syntax, lineAt, at));
  const converted = convert(doc, lineAt, at);
  const pairsByKey = new WeakMap<YAMLMap, Map<string, Pair>>();
  if (converted.fatal.length > 0) throw new InputError(converted.fatal);
  return {
    file,
    data: converted.data,
    problems: converted.problems,
    problem: (path, message) => ({
      file,
      line: lineOf(doc, path, lineAt, pairsByKey),
      path: formatPath(path),
      message,
    }),
  };
}

type YamlIssue = Document.Parsed['errors'][number] | Document.Parsed['warnings'][number];

/** The parser's errors in a user's words where its own are about the library or a line late. */
function syntaxProblems(
  doc: Document.Parsed,
  issues: YamlIssue[],
  lineAt: (offset: number) => number,
  at: At,
): Problem[] {
  const unclosed = unclosedFlowCollections(doc, lineAt, at);
  const problems: Problem[] = [...unclosed];
  for (const issue of issues) {
    const line = lineAt(issue.pos[0]);
    if (issue.code === 'MULTIPLE_DOCS') {
      problems.push(
        at(
          'second-document',
          line,
          'a second YAML document starts here; a kpm file holds one document (remove the ---)',
        ),
      );
    } else if (unclosed.length > 0 && /end with an? [}\]]/.test(issue.message)) {
      // Reported where the collection opened (above), not where the parser gave up on it.
    } else if (issue.code === 'TAG_RESOLVE_FAILED') {
      problems.push(
        at(
          'unknown-tag',
          line,
          `${issue.message.replace(/^Unresolved tag/, 'unknown tag')}; kpm files use plain values`,
        ),
      );
    } else {
      problems.push(at('syntax', line, issue.message));
    }
  }
  return dedupe(problems).sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

/**
 * `{` or `[` without its closing bracket, on the line where it opened (the parser notices only where
 * it gives up, often a line later). A `{` closed by `]` is reported as such; the list whose `]` it
 * took is then not reported as well.
 */
function unclosedFlowCollections(
  doc: Document.Parsed,
  lineAt: (offset: number) => number,
  at: At,
): Problem[] {
  const found: Problem[] = [];
  /** Returns the closing bracket of another collection that this one took, if any. */
  const walk = (node: unknown, path: PathSegment[]): string | null => {
    if (!isCollection(node)) return null;
    const taken = new Set<string>();
    node.items.forEach((item, index) => {
      const child = isPair(item)
        ? walk(item.value, [...path, isScalar(item.key) ? String(item.key.value) : index])
        : walk(item, [...path, index]);
      if (child !== null) taken.add(child);
    });
    const token = node.srcToken;
    if (!node.flow || token?.type !== 'flow-collection') return null;
    const map = token.start.source === '{';
    const [close, other] = map ? ['}', ']'] : [']', '}'];
    if (token.end.some((t) => t.source === close) || taken.has(close)) return null;
    const kind = map ? 'map' : 'list';
    const wrong = token.end.some((t) => t.source === other);
    const message = wrong
      ? `the flow ${kind} opened with "${token.start.source}" on this line is closed with "${other}"; close it with "${close}"`
      : `the flow ${kind} opened with "${token.start.source}" on this line is never closed with "${close}"`;
    found.push(at('unclosed-flow', lineAt(token.start.offset), message, formatPath(path)));
    return wrong ? other : null;
  };
  walk(doc.contents, []);
  return found;
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.line}\u0000${p.path}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

interface Converted {
  data: unknown;
  /** Problems that leave no data to check (an alias to nowhere, an alias bomb, a key that is a list). */
  fatal: Problem[];
  /** Problems after which the data can still be checked (a duplicate key: the first one counts). */
  problems: Problem[];
}

/**
 * The document as plain data, like yaml's `toJS()`, but with every problem on its line: aliases
 * resolved under a budget (an alias bomb stops at MAX_ALIAS_VALUES, with the alias's line),
 * duplicate keys named, keys that are not words refused, `__proto__` kept as a plain key.
 */
function convert(doc: Document.Parsed, lineAt: (offset: number) => number, at: At): Converted {
  const fatal: Problem[] = [];
  const problems: Problem[] = [];
  const lineOfNode = (node: unknown) => (isNode(node) && node.range ? lineAt(node.range[0]) : null);
  const sizes = new Map<YamlNode, number>();
  /** The collections being converted, from the root down: an alias to one of them is a loop. */
  const open = new Set<YamlNode>();
  let aliasValues = 0;
  let bombed = false;

  /** How many values a node stands for once its aliases are expanded (capped, loops count as too many). */
  const sizeOf = (node: unknown, seen: Set<YamlNode>): number => {
    if (!isNode(node)) return 1;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    if (seen.has(node)) return Infinity;
    seen.add(node);
    let size = 1;
    if (isAlias(node)) size = sizeOf(node.resolve(doc), seen);
    else if (isCollection(node)) {
      for (const item of node.items) {
        size += isPair(item) ? sizeOf(item.key, seen) + sizeOf(item.value, seen) : sizeOf(item, seen);
        if (size > MAX_ALIAS_VALUES) break;
      }
    }
    seen.delete(node);
    sizes.set(node, size);
    return size;
  };

  const alias = (node: Alias, path: PathSegment[]): unknown => {
    const target = node.resolve(doc);
    const where = formatPath(path);
    const line = lineOfNode(node);
    if (!target) {
      fatal.push(
        at(
          'alias-without-anchor',
          line,
          `the alias *${node.source} has no anchor &${node.source} before it`,
          where,
        ),
      );
      return null;
    }
    if (open.has(target)) {
      fatal.push(
        at(
          'alias-loop',
          line,
          `the alias *${node.source} is inside its own anchor &${node.source} (a loop)`,
          where,
        ),
      );
      return null;
    }
    if (bombed) return null;
    aliasValues += sizeOf(target, new Set());
    if (aliasValues > MAX_ALIAS_VALUES) {
      bombed = true;
      const message = `the aliases of this file expand to more than ${MAX_ALIAS_VALUES} values (an alias bomb?); write the values out`;
      fatal.push(at('alias-bomb', line, message, where));
      return null;
    }
    return value(target, path);
  };

  const value = (node: unknown, path: PathSegment[]): unknown => {
    if (isAlias(node)) return alias(node, path);
    if (isScalar(node)) return node.value;
    if (!isSeq(node) && !isMap(node)) return null;
    open.add(node);
    try {
      if (isSeq(node)) return node.items.map((item, index) => value(item, [...path, index]));
      return mapValue(node, path);
    } finally {
      open.delete(node);
    }
  };

  const mapValue = (node: YAMLMap, path: PathSegment[]): Record<string, unknown> => {
    const object: Record<string, unknown> = {};
    const firstLine = new Map<string, number | null>();
    for (const pair of node.items) {
      const keyNode = isAlias(pair.key) ? pair.key.resolve(doc) : pair.key;
      const keyLine = lineOfNode(pair.key) ?? lineOfNode(pair.value);
      if (isCollection(keyNode)) {
        const what = isSeq(keyNode) ? 'a list' : 'a map';
        fatal.push(
          at('key-not-a-word', keyLine, `a key must be a plain word, not ${what}`, formatPath(path)),
        );
        continue;
      }
      const key = isScalar(keyNode) && keyNode.value !== null ? String(keyNode.value) : '';
      if (firstLine.has(key)) {
        const first = firstLine.get(key);
        const where =
          first === null
            ? ''
            : first === keyLine
              ? ' (first earlier on this line)'
              : ` (first on line ${first})`;
        problems.push(
          at(
            'duplicate-key',
            keyLine,
            `duplicate key ${JSON.stringify(key)}${where}; a key may appear once`,
            formatPath([...path, key]),
          ),
        );
        continue;
      }
      firstLine.set(key, keyLine);
      // defineProperty: a "__proto__" key is data, never the object's prototype.
      Object.defineProperty(object, key, {
        value: value(pair.value, [...path, key]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return object;
  };

  const data = value(doc.contents, []);
  return { data, fatal, problems };
}

/**
 * The first line at which the nesting of `text` exceeds `limit`, or null. An estimate that never
 * falls short (the parser must not see deeper text): block levels by indentation, plus compact
 * `- ` items, plus open `[` and `{` (closers count only outside quotes and comments).
 */
export function deepestLine(text: string, limit: number): number | null {
  const indents: number[] = [];
  let flow = 0;
  let quote: '"' | "'" | null = null;
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    // The start of a line: its indentation and compact `- ` / `? ` / `: ` indicators.
    let col = 0;
    while (i < n && (text[i] === ' ' || text[i] === '\t')) {
      i++;
      col++;
    }
    const blank = i >= n || text[i] === '\n' || text[i] === '\r' || (text[i] === '#' && quote === null);
    if (!blank) {
      while (indents.length > 0 && indents[indents.length - 1] >= col) indents.pop();
      indents.push(col);
      while (
        i + 1 < n &&
        (text[i] === '-' || text[i] === '?' || text[i] === ':') &&
        (text[i + 1] === ' ' || text[i + 1] === '\t')
      ) {
        i += 2;
        col += 2;
        while (i < n && text[i] === ' ') {
          i++;
          col++;
        }
        indents.push(col);
      }
      if (indents.length + flow > limit) return line;
    }
    // The rest of the line.
    let previous = ' ';
    while (i < n && text[i] !== '\n') {
      const c = text[i];
      if (quote !== null) {
        if (c === '[' || c === '{') {
          // Counted even inside quotes: an estimate may go over, never under.
          flow++;
          if (indents.length + flow > limit) return line;
        }
        if (quote === '"' && c === '\\') i++;
        else if (c === quote) {
          if (quote === "'" && text[i + 1] === "'") i++;
          else quote = null;
        }
      } else if (c === '#' && (previous === ' ' || previous === '\t')) {
        while (i < n && text[i] !== '\n') i++;
        break;
      } else if ((c === '"' || c === "'") && /[\s[{,:]/.test(previous)) {
        quote = c;
      } else if (c === '[' || c === '{') {
        flow++;
        if (indents.length + flow > limit) return line;
      } else if ((c === ']' || c === '}') && flow > 0) {
        flow--;
      }
      previous = c;
      i++;
    }
    i++;
    line++;
  }
  return null;
}

/**
 * The line of `path` in `doc`: a key's own line for a key, an item's first line for a list item;
 * when the path goes further than the document (a missing key), the line of the deepest part found.
 */
function lineOf(
  doc: Document,
  path: readonly PathSegment[],
  lineAt: (offset: number) => number,
  pairsByKey: WeakMap<YAMLMap, Map<string, Pair>>,
): number | null {
  // Each map's pairs by key, once: a file with thousands of problems in one map stays linear.
  const pairOf = (map: YAMLMap, key: string) => {
    let pairs = pairsByKey.get(map);
    if (!pairs) {
      pairs = new Map();
      for (const pair of map.items) {
        const name = String(isScalar(pair.key) ? pair.key.value : pair.key);
        if (!pairs.has(name)) pairs.set(name, pair);
      }
      pairsByKey.set(map, pairs);
    }
    return pairs.get(key);
  };
  let node: unknown = doc.contents;
  let line = startLine(node, lineAt);
  // Inside an alias the lines are the anchor's, elsewhere in the file: the alias's own line is the place.
  let aliased = false;
  for (const segment of path) {
    if (isAlias(node)) {
      node = node.resolve(doc);
      aliased = true;
    }
    if (isMap(node)) {
      const pair = pairOf(node, String(segment));
      if (!pair) break;
      if (!aliased) line = startLine(pair.key, lineAt) ?? line;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
      node = node.items[segment];
      if (!aliased) line = startLine(node, lineAt) ?? line;
    } else {
      break;
    }
  }
  return line;
}

function startLine(node: unknown, lineAt: (offset: number) => number): number | null {
  return isNode(node) && node.range ? lineAt(node.range[0]) : null;
}
