/**
 * Event files (interface.md, "Events"): a JSON array or a YAML list of event objects.
 * Only the shape is checked here. Ids are not: an event naming an unknown host is a valid event
 * that the model refuses when it runs (interface.md), so a trace can show that refusal.
 *
 * Long traces come in two common forms that are read without the YAML parser (which needs about a
 * second and 100 MB per MB of text): JSON (kpm's own trace files) and one flow map a line
 * (`- { type: HOST_REBOOT, host: esx-02 }`). A file that is anything else, or has anything wrong,
 * goes through the YAML parser, which gives every problem its line; both ways give the same events
 * (test/bad-input.fuzz.test.ts checks it).
 */
import { parse as parseYamlScalar } from 'yaml';
import { describeValue, InputError, type PathSegment, type Problem } from './errors.ts';
import { EVENT_TARGETS, EVENT_TYPES, targetFields, type EventType, type KpmEvent } from '../models/events.ts';
import { MAX_EVENTS_BYTES, parseSource, readSource, type Source } from './yaml-source.ts';

export function loadEvents(file: string): KpmEvent[] {
  return parseEvents(readSource(file, { maxBytes: MAX_EVENTS_BYTES, what: 'events files' }), file);
}

/** `file` names the text in problems; it is not read. */
export function parseEvents(text: string, file: string): KpmEvent[] {
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  return quickEvents(text) ?? parseEventsWithYaml(text, file);
}

/** The events of a well-formed file in one of the two common forms; null for anything else. */
export function quickEvents(text: string): KpmEvent[] | null {
  return text.trimStart().startsWith('[') ? quickJson(text) : quickYamlLines(text);
}

/** Every problem with its line, through the YAML parser. */
export function parseEventsWithYaml(text: string, file: string): KpmEvent[] {
  const source = parseSource(text, file);
  const items = source.data;
  if (items === null)
    throw new InputError([problem(source, 'events-empty', [], 'the file is empty; write [] for no events')]);
  if (!Array.isArray(items)) {
    const got = describeValue(items);
    throw new InputError([
      problem(
        source,
        'events-not-a-list',
        [],
        `expected a list of events (a JSON array or a YAML list), got ${got}`,
      ),
    ]);
  }
  const problems = [
    ...source.problems,
    ...items.flatMap((item, index) => eventProblems(source, item, index)),
  ];
  if (problems.length > 0) throw new InputError(problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)));
  return items.map(toEvent);
}

/** Every problem of an events file besides reading it, by name: the bad-input corpus shows each. */
export const EVENT_RULES = [
  'events-empty',
  'events-not-a-list',
  'event-not-an-object',
  'event-missing-type',
  'event-unknown-type',
  'event-missing-target',
  'event-target-not-a-string',
  'event-unknown-field',
] as const;
type EventRule = (typeof EVENT_RULES)[number];

function problem(source: Source, rule: EventRule, path: PathSegment[], message: string): Problem {
  return { ...source.problem(path, message), rule };
}

type Fields = Record<string, unknown>;

function eventProblems(source: Source, item: unknown, index: number): Problem[] {
  if (!isObject(item)) {
    return [
      problem(
        source,
        'event-not-an-object',
        [index],
        `expected an event object with a "type", got ${describeValue(item)}`,
      ),
    ];
  }
  const type = item.type;
  if (type === undefined)
    return [problem(source, 'event-missing-type', [index, 'type'], 'missing (required)')];
  if (!isEventType(type)) {
    return [
      problem(
        source,
        'event-unknown-type',
        [index, 'type'],
        `unknown event type ${JSON.stringify(type)}; the types are ${EVENT_TYPES.join(', ')}`,
      ),
    ];
  }
  return [...targetProblems(source, item, index, type), ...extraFieldProblems(source, item, index, type)];
}

function targetProblems(source: Source, item: Fields, index: number, type: EventType): Problem[] {
  return targetFields(type).flatMap((target) => {
    const value = item[target];
    if (value === undefined) {
      return [
        problem(source, 'event-missing-target', [index, target], `missing: ${type} needs a ${target} id`),
      ];
    }
    if (typeof value !== 'string') {
      return [
        problem(
          source,
          'event-target-not-a-string',
          [index, target],
          `expected a ${target} id (a string), got ${describeValue(value)}`,
        ),
      ];
    }
    return [];
  });
}

/** A stray field is most likely a wrong target (`vm` on a host event): silently dropping it would hide that. */
function extraFieldProblems(source: Source, item: Fields, index: number, type: EventType): Problem[] {
  const targets = targetFields(type);
  const takes =
    targets.length === 0
      ? 'no field besides "type"'
      : `only ${['type', ...targets].map((f) => `"${f}"`).join(' and ')}`;
  return Object.keys(item)
    .filter((key) => key !== 'type' && !targets.includes(key))
    .map((key) =>
      problem(
        source,
        'event-unknown-field',
        [index, key],
        `unknown field ${JSON.stringify(key)}; ${type} takes ${takes}`,
      ),
    );
}

/** Only called once every item passed eventProblems. */
function toEvent(item: Fields): KpmEvent {
  const type = item.type as EventType;
  return Object.fromEntries([['type', type], ...targetFields(type).map((f) => [f, item[f]])]) as KpmEvent;
}

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && Object.hasOwn(EVENT_TARGETS, value);
}

/** A JSON array of event objects, with no key twice in an object (JSON.parse would keep the last). */
function quickJson(text: string): KpmEvent[] | null {
  let items: unknown;
  try {
    items = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(items)) return null;
  let keys = 0;
  for (const item of items) {
    if (!isValidEvent(item)) return null;
    keys += Object.keys(item).length;
  }
  return keys === colonsOutsideStrings(text) ? items.map(toEvent) : null;
}

/** In JSON, one `:` outside strings per key: fewer keys than colons means a key given twice. */
function colonsOutsideStrings(text: string): number {
  let colons = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x3a) colons++;
  }
  return colons;
}

/** `- { type: HOST_REBOOT, host: esx-02 } # comment`: plain words only, spaces only. */
const EVENT_LINE =
  /^- \{ *([A-Za-z_]\w*: +[A-Za-z0-9_][\w.-]*(?: *, *[A-Za-z_]\w*: +[A-Za-z0-9_][\w.-]*)*) *\}(?: +#.*)?$/;
const BLANK_OR_COMMENT = /^ *(?:#.*)?$/;

/** A YAML list of one flow map a line, each a valid event; blank lines and comments between them. */
function quickYamlLines(text: string): KpmEvent[] | null {
  const events: KpmEvent[] = [];
  const words = new Map<string, boolean>();
  /** Whether YAML reads the plain scalar as this very string (not a number, a boolean, null...). */
  const isString = (word: string) => {
    let known = words.get(word);
    if (known === undefined) {
      known = parseYamlScalar(word) === word;
      words.set(word, known);
    }
    return known;
  };
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    let line = text.slice(start, end);
    if (line.endsWith('\r')) line = line.slice(0, -1);
    start = end + 1;
    if (BLANK_OR_COMMENT.test(line)) continue;
    const match = EVENT_LINE.exec(line);
    if (match === null) return null;
    const item: Record<string, unknown> = {};
    for (const pair of match[1].split(',')) {
      const [key, value] = pair.split(':').map((part) => part.trim());
      if (Object.hasOwn(item, key) || !isString(value)) return null;
      item[key] = value;
    }
    if (!isValidEvent(item)) return null;
    events.push(toEvent(item));
  }
  return events.length > 0 ? events : null;
}

/** An event object with nothing wrong: a known type, its target as a string, no other field. */
function isValidEvent(item: unknown): item is Fields {
  if (!isObject(item) || !isEventType(item.type)) return false;
  const targets = targetFields(item.type);
  const keys = Object.keys(item);
  return keys.length === 1 + targets.length && targets.every((f) => typeof item[f] === 'string');
}

/** An events file: a JSON array, one event per line (what `loadEvents` reads back). */
export function eventsJson(events: readonly KpmEvent[]): string {
  if (events.length === 0) return '[]';
  return `[\n${events.map((e) => `  ${JSON.stringify(e)}`).join(',\n')}\n]`;
}
