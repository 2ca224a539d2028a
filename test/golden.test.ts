/**
 * Golden scenarios (test/golden/*.yaml): traces whose expected observations were derived by hand
 * from key-persistence.md, not copied from the model. They are an independent check of the model.
 *
 * A golden file:
 *
 *   rules: [KP-07, KP-08]                 # the rule IDs it checks
 *   title: A reboot empties the key cache
 *   topology: { ... }                     # inline, interface.md format
 *   events: [ { type: HOST_REBOOT, host: esx-01 } ]
 *   expect:
 *     - step: 1                           # 0 = the initial state, N = after the Nth event
 *       outcome: applied                  # optional
 *       reasonIncludes: DOC-01            # optional: a string or a list, each in the reason
 *       state: { vms: { db: { power: on } } }   # optional: the fields to compare, see below
 *       disputed: "why"                   # optional: the model disagrees; see below
 *
 * or, for a topology that must be rejected before anything runs (no events, no expect):
 *
 *   rejects:
 *     - { path: "hosts[0].keyPersistence", includes: DOC-01 }   # some problem at that path says it
 *
 * `state` is a deep partial match on the replay's state (interface.md, `kpm replay --json`): every
 * field listed must be equal; fields not listed are not compared; arrays are compared whole; an
 * empty object `{}` means "exactly empty" (otherwise it would check nothing).
 *
 * An expectation marked `disputed` is one the model does not meet and the author still reads the
 * spec as saying. It is not checked by its scenario's test but by a test of its own, which fails
 * unless the model meets it: a dispute is always visible, never silently skipped.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { describe, expect, test } from 'vitest';
import { formatProblem, InputError } from '../src/errors.ts';
import { formatEvent } from '../src/events.ts';
import { parseEvents } from '../src/events-file.ts';
import { parseTopology } from '../src/topology/load.ts';
import { replay } from '../src/world/observe.ts';
import type { ReplayResult } from '../src/world/observe.ts';

const GOLDEN_DIR = fileURLToPath(new URL('./golden/', import.meta.url));

/** Every rule ID of key-persistence.md, sections 2 to 4: each one must have a golden scenario. */
const RULE_IDS = [...ids('KP', 17), ...ids('DOC', 9), ...ids('ASM', 6)];

function ids(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${String(i + 1).padStart(2, '0')}`);
}

interface Expectation {
  step: number;
  outcome?: 'applied' | 'refused';
  reasonIncludes?: string[];
  state?: unknown;
  disputed?: string;
}

interface Rejection {
  path: string;
  includes: string;
}

interface Golden {
  file: string;
  rules: string[];
  title: string;
  topology: unknown;
  events: unknown[];
  expect: Expectation[];
  rejects: Rejection[] | null;
}

// --- reading golden files ------------------------------------------------------------------------

/** A golden file, checked for shape: a typo in a key must not silently check nothing. */
function readGolden(name: string): Golden {
  const file = `test/golden/${name}`;
  const data: unknown = parse(readFileSync(GOLDEN_DIR + name, 'utf8'));
  const doc = record(data, 'the file');
  onlyKeys(doc, ['rules', 'title', 'topology', 'events', 'expect', 'rejects'], 'the file');
  const rules = list(doc.rules, 'rules').map((r, i) => text(r, `rules[${i}]`));
  for (const rule of rules) {
    if (!RULE_IDS.includes(rule)) throw new Error(`rules: unknown rule ID ${JSON.stringify(rule)}`);
  }
  if (rules.length === 0) throw new Error('rules: name at least one rule ID');
  const title = text(doc.title, 'title');
  if (doc.topology === undefined) throw new Error('topology: missing');
  if (doc.rejects !== undefined) {
    if (doc.events !== undefined || doc.expect !== undefined) {
      throw new Error('a golden with rejects has no events and no expect: its topology never runs');
    }
    const rejects = list(doc.rejects, 'rejects').map((r, i) => readRejection(r, `rejects[${i}]`));
    if (rejects.length === 0) throw new Error('rejects: list at least one problem');
    return { file, rules, title, topology: doc.topology, events: [], expect: [], rejects };
  }
  const events = list(doc.events ?? [], 'events');
  const expectations = list(doc.expect, 'expect').map((e, i) => readExpectation(e, `expect[${i}]`));
  if (expectations.length === 0) throw new Error('expect: list at least one observation');
  return { file, rules, title, topology: doc.topology, events, expect: expectations, rejects: null };
}

function readExpectation(value: unknown, where: string): Expectation {
  const e = record(value, where);
  onlyKeys(e, ['step', 'outcome', 'reasonIncludes', 'state', 'disputed'], where);
  if (typeof e.step !== 'number' || !Number.isInteger(e.step) || e.step < 0) {
    throw new Error(`${where}.step: expected a step number (0 = the initial state)`);
  }
  if (e.outcome !== undefined && e.outcome !== 'applied' && e.outcome !== 'refused') {
    throw new Error(`${where}.outcome: expected applied or refused`);
  }
  const reasonIncludes =
    e.reasonIncludes === undefined
      ? undefined
      : typeof e.reasonIncludes === 'string'
        ? [e.reasonIncludes]
        : list(e.reasonIncludes, `${where}.reasonIncludes`).map((r, i) =>
            text(r, `${where}.reasonIncludes[${i}]`),
          );
  if (e.outcome === undefined && reasonIncludes === undefined && e.state === undefined) {
    throw new Error(`${where}: give at least one of outcome, reasonIncludes, state`);
  }
  return {
    step: e.step,
    outcome: e.outcome as Expectation['outcome'],
    reasonIncludes,
    state: e.state,
    disputed: e.disputed === undefined ? undefined : text(e.disputed, `${where}.disputed`),
  };
}

function readRejection(value: unknown, where: string): Rejection {
  const r = record(value, where);
  onlyKeys(r, ['path', 'includes'], where);
  return { path: text(r.path, `${where}.path`), includes: text(r.includes, `${where}.includes`) };
}

function record(value: unknown, where: string): Record<string, unknown> {
  if (!isRecord(value)) throw new Error(`${where}: expected a mapping`);
  return value;
}

function list(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${where}: expected a list`);
  return value;
}

function text(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '') throw new Error(`${where}: expected a non-empty string`);
  return value;
}

function onlyKeys(value: Record<string, unknown>, allowed: string[], where: string): void {
  const unknown = Object.keys(value).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) {
    throw new Error(`${where}: unknown key(s) ${unknown.join(', ')}; allowed: ${allowed.join(', ')}`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// --- running and comparing -----------------------------------------------------------------------

/** The replay of a golden; a topology or events the loaders reject fail with their problems. */
function run(golden: Golden): ReplayResult {
  const topology = withProblems(() => parseTopology(stringify(golden.topology), golden.file));
  const events = withProblems(() => parseEvents(stringify(golden.events), golden.file));
  return replay(topology, events);
}

function withProblems<T>(load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (error instanceof InputError) {
      throw new Error(`rejected by the loader:\n${error.problems.map(formatProblem).join('\n')}`);
    }
    throw error;
  }
}

/** Every way the replay differs from one expectation, one line each: step, field path, expected, actual. */
function mismatches(result: ReplayResult, e: Expectation): string[] {
  const last = result.steps.length - 1;
  if (e.step > last) return [`step ${e.step}: no such step; the replay has steps 0..${last}`];
  const step = result.steps[e.step];
  const at = `step ${e.step} (${step.event === null ? 'initial state' : formatEvent(step.event)})`;
  const found: string[] = [];
  if (e.outcome !== undefined && e.outcome !== step.outcome) {
    found.push(`${at}: outcome: expected ${show(e.outcome)}, actual ${show(step.outcome)}`);
  }
  for (const part of e.reasonIncludes ?? []) {
    if (step.reason === null || !step.reason.includes(part)) {
      found.push(`${at}: reason: expected to include ${show(part)}, actual ${show(step.reason)}`);
    }
  }
  if (e.state !== undefined) {
    for (const m of partialMismatches(e.state, step.state, 'state')) found.push(`${at}: ${m}`);
  }
  return found;
}

/** Deep partial match: listed fields must be equal, arrays whole, `{}` exactly empty. */
function partialMismatches(expected: unknown, actual: unknown, path: string): string[] {
  if (isRecord(expected)) {
    if (!isRecord(actual)) return [`${path}: expected an object, actual ${show(actual)}`];
    if (Object.keys(expected).length === 0) {
      return Object.keys(actual).length === 0 ? [] : [`${path}: expected {}, actual ${show(actual)}`];
    }
    return Object.entries(expected).flatMap(([key, value]) =>
      partialMismatches(value, actual[key], `${path}.${key}`),
    );
  }
  return isDeepStrictEqual(expected, actual)
    ? []
    : [`${path}: expected ${show(expected)}, actual ${show(actual)}`];
}

function show(value: unknown): string {
  return value === undefined ? '(absent)' : JSON.stringify(value);
}

/** The problems of a topology that must be rejected, or null when it is accepted. */
function rejectionMismatches(golden: Golden): string[] {
  let problems: { path: string; message: string }[];
  try {
    parseTopology(stringify(golden.topology), golden.file);
    return ['the topology was accepted; expected it to be rejected'];
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    problems = error.problems;
  }
  return (golden.rejects ?? [])
    .filter((r) => !problems.some((p) => p.path === r.path && p.message.includes(r.includes)))
    .map(
      (r) =>
        `rejects: expected a problem at ${r.path} including ${show(r.includes)}; the problems were:\n` +
        problems.map((p) => `  ${p.path}: ${p.message}`).join('\n'),
    );
}

function fail(found: string[]): void {
  if (found.length > 0) expect.fail(found.join('\n'));
}

// --- the tests -----------------------------------------------------------------------------------

const files = readdirSync(GOLDEN_DIR)
  .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
  .sort();

type Loaded = { name: string; golden: Golden } | { name: string; error: Error };

const loaded: Loaded[] = files.map((name) => {
  try {
    return { name, golden: readGolden(name) };
  } catch (error) {
    return { name, error: error instanceof Error ? error : new Error(String(error)) };
  }
});

describe('golden scenarios', () => {
  for (const item of loaded) {
    if ('error' in item) {
      test(`${item.name}: (cannot be read)`, () => {
        throw new Error(`test/golden/${item.name}: ${item.error.message}`);
      });
      continue;
    }
    const { golden } = item;
    const name = `${item.name}: ${golden.rules.join(' ')} ${golden.title}`;
    if (golden.rejects !== null) {
      test(name, () => fail(rejectionMismatches(golden)));
      continue;
    }
    test(name, () => {
      const result = run(golden);
      fail(golden.expect.filter((e) => e.disputed === undefined).flatMap((e) => mismatches(result, e)));
    });
    for (const e of golden.expect.filter((x) => x.disputed !== undefined)) {
      test(`${item.name}: step ${e.step} disputed: ${e.disputed}`, () => {
        const found = mismatches(run(golden), e);
        if (found.length > 0) {
          expect.fail(
            `disputed (${e.disputed}); the model does not meet the spec's reading:\n${found.join('\n')}`,
          );
        }
      });
    }
  }

  test('every rule ID of key-persistence.md has a golden scenario', () => {
    const covered = new Set(loaded.flatMap((item) => ('golden' in item ? item.golden.rules : [])));
    expect(RULE_IDS.filter((id) => !covered.has(id))).toEqual([]);
  });
});
