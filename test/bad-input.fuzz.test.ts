/**
 * Fuzzing the loaders with mutated examples (fast-check, seeded by vitest.setup.ts): whatever the
 * bytes, a loader returns a valid topology or events, or throws an InputError whose every problem
 * names the file, a line in it (or none) and a message in the user's words. Nothing else escapes:
 * no RangeError, no TypeError, no library's message.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { formatProblem, InputError, type Problem } from '../src/errors.ts';
import { parseEvents, parseEventsWithYaml, quickEvents } from '../src/events-file.ts';
import { parseTopology } from '../src/topology/load.ts';
import { checkRules } from '../src/topology/rules.ts';
import { decodeUtf8 } from '../src/yaml-source.ts';
import { runs } from '../properties/runs.ts';

const EXAMPLES = 'examples/';
const read = (name: string) => readFileSync(`${EXAMPLES}${name}`, 'utf8');
const topologies = readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml') && !f.endsWith('.events.yaml'));
const eventFiles = readdirSync(EXAMPLES).filter((f) => f.endsWith('.events.yaml'));

/** The examples as YAML, and as JSON (pretty and on one line), which go through the same loaders. */
function seeds(files: string[]): string[] {
  return files.flatMap((file) => {
    const yaml = read(file);
    const data = parseEventsOrTopology(file, yaml);
    return [yaml, JSON.stringify(data, null, 2), JSON.stringify(data)];
  });
}

function parseEventsOrTopology(file: string, text: string): unknown {
  return file.endsWith('.events.yaml') ? parseEvents(text, file) : parseTopology(text, file);
}

/** Pieces of YAML and JSON syntax, and of what broken files hold. */
const TOKENS = [
  '[',
  ']',
  '{',
  '}',
  ',',
  ':',
  ': ',
  '- ',
  '? ',
  '#',
  '"',
  "'",
  '\\',
  '|',
  '>',
  '&a ',
  '*a',
  '&b ',
  '*b',
  '!!str ',
  '!vault ',
  '!!binary ',
  '---\n',
  '...\n',
  '%YAML 1.2\n',
  '<<: *a',
  '\t',
  '\n',
  '\r\n',
  '\r',
  '\uFEFF',
  '\u0000',
  '\u2028',
  '\uD800',
  'null',
  '~',
  'true',
  'no',
  '0x10',
  '1e400',
  '-.inf',
  '.nan',
  '7.0',
  '"2.0"',
  '__proto__',
  'constructor',
  'toString',
  'hosts',
  'vms',
  'id',
  'type',
  'HOST_REBOOT',
  'esx-01',
  'x'.repeat(300),
  '€',
  '日本',
];

const token = fc.oneof(
  fc.constantFrom(...TOKENS),
  fc.string({ maxLength: 8 }),
  fc.string({ unit: 'grapheme', maxLength: 4 }),
);

/** A mutation of a text: at a position (as a fraction of its length), one of the usual breakages. */
const mutation = fc.tuple(
  fc.double({ min: 0, max: 1, noNaN: true }),
  fc.oneof(
    fc.record({ insert: token }),
    fc.record({ remove: fc.integer({ min: 1, max: 40 }) }),
    fc.record({ replace: fc.integer({ min: 1, max: 12 }), with: token }),
    fc.record({
      repeat: fc.constantFrom('[', '{', '- ', '  ', '[{"a":', '&x [*x, '),
      times: fc.integer({ min: 2, max: 400 }),
    }),
    fc.record({ duplicateLine: fc.constant(true) }),
    fc.record({ indentLine: fc.integer({ min: -4, max: 6 }) }),
  ),
);

type Mutation = [number, Record<string, unknown>];

function mutate(text: string, [at, m]: Mutation): string {
  const i = Math.floor(at * text.length);
  if ('insert' in m) return text.slice(0, i) + String(m.insert) + text.slice(i);
  if ('remove' in m) return text.slice(0, i) + text.slice(i + Number(m.remove));
  if ('replace' in m) return text.slice(0, i) + String(m.with) + text.slice(i + Number(m.replace));
  if ('repeat' in m) return text.slice(0, i) + String(m.repeat).repeat(Number(m.times)) + text.slice(i);
  const start = text.lastIndexOf('\n', i - 1) + 1;
  const end = text.indexOf('\n', i) === -1 ? text.length : text.indexOf('\n', i) + 1;
  const line = text.slice(start, end);
  if ('duplicateLine' in m) return text.slice(0, end) + line + text.slice(end);
  const shift = Number(m.indentLine);
  const indented = shift >= 0 ? ' '.repeat(shift) + line : line.replace(new RegExp(`^ {0,${-shift}}`), '');
  return text.slice(0, start) + indented + text.slice(end);
}

/** Bytes that are not all UTF-8, at times: Latin-1 bytes, a cut multi-byte character, UTF-16. */
const encoding = fc.constantFrom<(bytes: Buffer) => Buffer>(
  (b) => b,
  (b) => b,
  (b) => b,
  (b) => Buffer.concat([b.subarray(0, b.length >> 1), Buffer.from([0xe9]), b.subarray(b.length >> 1)]),
  (b) => Buffer.concat([b, Buffer.from([0xe2, 0x82])]),
  (b) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b]),
  (b) => Buffer.from(`\uFEFF${b.toString('utf8')}`, 'utf16le'),
);

/** What the loader may do with a file: load it, or reject it as bad input, properly. */
function expectOnlyBadInput(file: string, bytes: Buffer, load: (text: string) => unknown): void {
  const lines = bytes.toString('latin1').split('\n').length;
  try {
    load(decodeUtf8(bytes, file));
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    expect(error.problems.length).toBeGreaterThan(0);
    for (const p of error.problems) expectProblem(p, file, lines);
  }
}

function expectProblem(p: Problem, file: string, lines: number): void {
  expect(p.file).toBe(file);
  expect(p.line === null || (Number.isInteger(p.line) && p.line >= 1 && p.line <= lines + 1)).toBe(true);
  expect(p.message.length).toBeGreaterThan(0);
  expect(p.message).not.toMatch(
    /call stack|parseAllDocuments|YAML\.parse|Cannot read prop|undefined is not|\[object /,
  );
  // What the user reads: one line, `file:line: path: message`, whatever the file holds.
  const line = formatProblem(p);
  expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
  expect(line.startsWith(p.line === null ? `${file}: ` : `${file}:${p.line}: `)).toBe(true);
}

describe('mutated examples reach the loaders as valid input or as bad input, never as a crash', () => {
  test('topology files', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds(topologies)),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        encoding,
        (seed, mutations, encode) => {
          const text = mutations.reduce((t, m) => mutate(t, m as Mutation), seed);
          expectOnlyBadInput('site.yaml', encode(Buffer.from(text)), (decoded) => {
            const topology = parseTopology(decoded, 'site.yaml');
            // What loads is valid: the rules hold on it.
            expect(checkRules(topology)).toEqual([]);
          });
        },
      ),
      { numRuns: runs(300) },
    );
  });

  test('events files', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds(eventFiles)),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        encoding,
        (seed, mutations, encode) => {
          const text = mutations.reduce((t, m) => mutate(t, m as Mutation), seed);
          expectOnlyBadInput('events.yaml', encode(Buffer.from(text)), (decoded) =>
            parseEvents(decoded, 'events.yaml'),
          );
        },
      ),
      { numRuns: runs(300) },
    );
  });
});

test('the quick reading of long event files gives what the YAML parser gives (valid JSON aside), or leaves the file to it', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...seeds(eventFiles)),
      fc.array(mutation, { maxLength: 3 }),
      (seed, mutations) => {
        const text = mutations.reduce((t, m) => mutate(t, m as Mutation), seed);
        const quick = quickEvents(text);
        if (quick === null) return;
        let yaml: unknown;
        try {
          yaml = parseEventsWithYaml(text, 'events.yaml');
        } catch (error) {
          // Valid JSON that the YAML parser reads otherwise (a lone CR before the [) is still an
          // events file (interface.md: a JSON array or a YAML list).
          if (!(error instanceof InputError)) throw error;
          expect(text.trimStart().startsWith('[')).toBe(true);
          expect(() => JSON.parse(text)).not.toThrow();
          return;
        }
        expect(quick).toEqual(yaml);
      },
    ),
    { numRuns: runs(300) },
  );
});
