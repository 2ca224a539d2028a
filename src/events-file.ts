/**
 * Event files (interface.md, "Events"): a JSON array or a YAML list of event objects.
 * Only the shape is checked here. Ids are not: an event naming an unknown host is a valid event
 * that the model refuses when it runs (interface.md), so a trace can show that refusal.
 */
import { describeValue, InputError, type Problem } from './errors.ts';
import { EVENT_TARGET, EVENT_TYPES, type EventType, type KpmEvent } from './events.ts';
import { MAX_EVENTS_BYTES, parseSource, readSource, type Source } from './yaml-source.ts';

export function loadEvents(file: string): KpmEvent[] {
  return parseEvents(readSource(file, { maxBytes: MAX_EVENTS_BYTES, what: 'events files' }), file);
}

/** `file` names the text in problems; it is not read. */
export function parseEvents(text: string, file: string): KpmEvent[] {
  const source = parseSource(text, file);
  const items = source.data;
  if (items === null) throw new InputError([source.problem([], 'the file is empty; write [] for no events')]);
  if (!Array.isArray(items)) {
    const got = describeValue(items);
    throw new InputError([
      source.problem([], `expected a list of events (a JSON array or a YAML list), got ${got}`),
    ]);
  }
  const problems = [
    ...source.problems,
    ...items.flatMap((item, index) => eventProblems(source, item, index)),
  ];
  if (problems.length > 0) throw new InputError(problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)));
  return items.map(toEvent);
}

type Fields = Record<string, unknown>;

function eventProblems(source: Source, item: unknown, index: number): Problem[] {
  if (!isObject(item)) {
    return [source.problem([index], `expected an event object with a "type", got ${describeValue(item)}`)];
  }
  const type = item.type;
  if (type === undefined) return [source.problem([index, 'type'], 'missing (required)')];
  if (!isEventType(type)) {
    return [
      source.problem(
        [index, 'type'],
        `unknown event type ${JSON.stringify(type)}; the types are ${EVENT_TYPES.join(', ')}`,
      ),
    ];
  }
  return [...targetProblems(source, item, index, type), ...extraFieldProblems(source, item, index, type)];
}

function targetProblems(source: Source, item: Fields, index: number, type: EventType): Problem[] {
  const target = EVENT_TARGET[type];
  if (target === null) return [];
  const value = item[target];
  if (value === undefined) return [source.problem([index, target], `missing: ${type} needs a ${target} id`)];
  if (typeof value !== 'string') {
    return [
      source.problem([index, target], `expected a ${target} id (a string), got ${describeValue(value)}`),
    ];
  }
  return [];
}

/** A stray field is most likely a wrong target (`vm` on a host event): silently dropping it would hide that. */
function extraFieldProblems(source: Source, item: Fields, index: number, type: EventType): Problem[] {
  const target = EVENT_TARGET[type];
  const takes = target === null ? 'no field besides "type"' : `only "type" and "${target}"`;
  return Object.keys(item)
    .filter((key) => key !== 'type' && key !== target)
    .map((key) => source.problem([index, key], `unknown field "${key}"; ${type} takes ${takes}`));
}

/** Only called once every item passed eventProblems. */
function toEvent(item: Fields): KpmEvent {
  const type = item.type as EventType;
  const target = EVENT_TARGET[type];
  return (target === null ? { type } : { type, [target]: item[target] }) as KpmEvent;
}

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && Object.hasOwn(EVENT_TARGET, value);
}
